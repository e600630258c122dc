"""A film with a damaged frame dropped on the window: once it is in, the status bar says where
its picture is damaged (as `protoreel import` does)."""

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from tests.conftest import sample
from tests.ui.helpers import wait_until


def test_dropping_a_damaged_film_says_where_its_picture_is_damaged(qtbot, window):
    path = sample("broken-mp4-h264-invalid-nalu-noaudio.mp4")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    window.dropEvent(QDropEvent(QPointF(200, 200), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                                Qt.KeyboardModifier.NoModifier))
    wait_until(lambda: "picture is damaged" in window.feedback.last_text, 60_000)
    assert window.feedback.last_text == ("broken-mp4-h264-invalid-nalu-noaudio.mp4: its picture is damaged from "
                                         "0:00.86 to 0:00.90: frames there cannot be decoded.")
