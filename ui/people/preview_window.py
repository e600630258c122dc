"""Plays a clip as an anonymised export would show it (faces covered, voices masked), so a
facilitator can check it before exporting anything."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer, QVideoSink
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout

from app.people import anonymise_preview
from ui.kit.qt_calls import call_without_gil
from ui.player.video_view import VideoView
from ui.kit.workers import Job


def preview_words(preview, audience: str | None) -> str:
    """What the preview shows, in the export's own words."""
    if audience is None:
        return "Every face is covered. Nothing has been exported: this preview stays inside the library."
    if not preview.covered:
        return (f"Nobody in this clip needs covering for a {audience} audience: an export shows it as it is. "
                "Nothing has been exported.")
    said = " ".join(note if note.endswith((".", "!", "?")) else note + "." for note in preview.notes)  # sentences
    return (f"Faces are covered as an anonymised export for a {audience} audience will cover them. {said} "
            "Nothing has been exported: this preview stays inside the library.").replace("  ", " ")


class PreviewDialog(QDialog):
    def __init__(self, path: Path, title: str, parent=None, words: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Anonymised preview — {title}")
        self.setObjectName("anonymisedPreview")
        self.path = path
        self.video = VideoView(self)  # paints frames itself: visible in screenshots too
        self.video.setMinimumSize(640, 360)
        self.player = QMediaPlayer(self)
        self.audio = QAudioOutput(self)
        self.sink = QVideoSink(self)
        self.sink.videoFrameChanged.connect(self.video.set_frame, Qt.ConnectionType.QueuedConnection)
        self.player.setAudioOutput(self.audio)
        self.player.setVideoSink(self.sink)
        self.player.setLoops(QMediaPlayer.Loops.Infinite)
        self.player.setSource(QUrl.fromLocalFile(str(path)))
        note = QLabel(words or "Faces are covered as the export will cover them. Nothing has been "
                      "exported: this preview stays inside the library.", self, objectName="previewWords")
        note.setWordWrap(True)
        replay = QPushButton("Play again", self)
        replay.clicked.connect(lambda: (self.player.setPosition(0), self.player.play()))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.addButton(replay, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.video, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.player.play()

    def done(self, result: int) -> None:
        call_without_gil(self.player, "stop")  # stop joins Qt's decoder thread: see ui.kit.qt_calls
        super().done(result)


def preview_clip(parent, runner, clip_id: int, title: str, style: str = "blur", mask_voice: bool = False,
                 audience: str | None = None, cover_all: bool = True) -> Job:
    """Render on a worker of the one runner (with progress; closing cancels it), then play it.
    ``audience`` with ``cover_all`` False: the faces an export to that audience covers."""
    lib = runner.lib
    return runner.start(
        lambda progress, cancel: anonymise_preview.preview(lib, clip_id, style, mask_voice,
                                                           progress=progress, cancel=cancel, audience=audience,
                                                           cover_all=cover_all),
        parent=parent, title="Anonymised preview",
        dialog=("Anonymised preview", f"Covering faces in “{title}”…", "previewProgress"),
        on_success=lambda preview: PreviewDialog(Path(preview.path), title, parent,
                                                 preview_words(preview, None if cover_all else audience)).open())
