"""Reviews → Reopen notes, then Quit (Ctrl+Q): the app ends (it kept running with the
"Review — …" window); Esc in that window leaves it, as its help line says (issue 25)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit

from app.clips import clips
from app.films import importing
from app.reviews import reviews
from tests.ui.driving import click, pump
from tests.ui.helpers import wait_until

ROOT = Path(__file__).resolve().parents[2]


def held_review(lib, film) -> int:
    film_id = importing.import_file(lib, film, event="Workshop").film_id
    clip = clips.add(lib, film_id, 0, 1_000_000, title="Waiting room")
    review_id = reviews.start(lib, clip_ids=[clip], audience="team")
    reviews.finish(lib, review_id)
    return review_id


def test_esc_leaves_the_notes_window_a_text_field_first(window, counting_film):
    held_review(window.lib, counting_film)
    panel = window.reviews_panel
    window.show_dock("reviews")
    pump(50)
    click(panel.buttons["reopen"])
    notes = panel.windows[-1]
    assert notes.isVisible() and "Esc leave" in notes.presenter.keys_help.text()
    field = notes.presenter.findChildren(QLineEdit)[0]
    notes.activateWindow()
    wait_until(lambda: QApplication.activeWindow() is notes)
    field.setFocus()
    QTest.keyClick(field, Qt.Key.Key_Escape)
    assert notes.isVisible() and not field.hasFocus()  # first out of the field
    assert notes.focusWidget() is notes.items
    QTest.keyClick(notes.items, Qt.Key.Key_Escape)
    pump(50)
    assert panel.windows == []  # closed (and gone)


def test_quit_closes_the_notes_window_with_the_workspace(window, counting_film):
    held_review(window.lib, counting_film)
    window.show_dock("reviews")
    pump(50)
    click(window.reviews_panel.buttons["reopen"])
    notes = window.reviews_panel.windows[-1]
    assert notes.isVisible()
    QTest.keyClick(notes, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)  # File → Quit, the notes in front
    pump(50)
    assert not window.isVisible()
    assert not [w for w in QApplication.topLevelWidgets() if w.isVisible() and w.objectName() == "reviewNotesWindow"]


APP = textwrap.dedent("""
    import sys
    from pathlib import Path
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication
    from ui.shell import app as shell

    def script():
        window = shell_controller[0].window
        window.show_dock("reviews")
        QTest.mouseClick(window.reviews_panel.buttons["reopen"], Qt.MouseButton.LeftButton)
        assert window.reviews_panel.windows and window.reviews_panel.windows[-1].isVisible()
        print("notes open", flush=True)
        window.activateWindow()
        QTest.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)

    shell_controller = []
    real = shell.AppController.open
    def open_and_remember(self, folder):
        shell_controller.append(self)
        done = real(self, folder)
        QTimer.singleShot(500, script)
        return done
    shell.AppController.open = open_and_remember
    sys.exit(shell.run(Path(sys.argv[1])))
""")


def test_the_process_ends_on_quit_with_the_notes_window_open(lib, counting_film, tmp_path):
    held_review(lib, counting_film)
    lib.close()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PROTOREEL_LOG_DIR": str(tmp_path / "log"),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "PYTHONPATH": str(ROOT)}
    try:
        done = subprocess.run([sys.executable, "-c", APP, str(lib.root)], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=60)
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(f"the app kept running after Quit: {exc.stdout}") from None
    assert "notes open" in done.stdout, done.stderr[-2000:]
    assert done.returncode == 0
