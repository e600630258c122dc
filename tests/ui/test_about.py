"""Issue 11, item 10: Help → About names the running version."""

from importlib import metadata

from PySide6.QtWidgets import QMessageBox


def test_help_about_shows_the_version(window, qtbot):
    window.actions_by_name["about"].trigger()
    box = window.findChild(QMessageBox, "aboutBox")
    qtbot.waitUntil(lambda: box is not None and box.isVisible(), timeout=5_000)
    assert f"ProtoReel {metadata.version('protoreel')}" in box.text()
    box.accept()
