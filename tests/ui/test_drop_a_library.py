"""Issue 23, item 5, in the window: dropping the library's own folder (or a folder inside it, or
an empty folder) imports nothing and the import summary says why, as the command line does."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from tests.snapshot import library_state


def drop(window, paths):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    window.dropEvent(QDropEvent(QPointF(200, 200), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                                Qt.KeyboardModifier.NoModifier))


def test_dropping_the_library_into_itself_imports_nothing_and_says_why(qtbot, window, tmp_path):
    lib = window.lib
    (tmp_path / "empty").mkdir()
    before = library_state(lib)
    with qtbot.waitSignal(window.import_flow.finished, timeout=30_000) as blocker:
        drop(window, [lib.root, lib.root / "cache", tmp_path / "empty"])
    results = blocker.args[0]
    assert [r.film_id for r in results] == [None, None, None]
    summary = window.import_flow.last_summary
    assert summary is not None and summary.objectName() == "importSummary"
    text = summary.detailedText()
    assert "is a ProtoReel library" in text and "inside a ProtoReel library" in text and "no films found" in text
    assert library_state(lib) == before
