"""Import films from File → Import or a drop: on a worker thread, with a cancellable
progress dialog; refused files are listed with their reasons at the end."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app.ops import films
from ui.bridge import LibraryBridge
from ui.errors import show_error
from ui.progress import show_progress
from ui.workers import Job

VIDEO_FILTER = ("Films and sound (*.mp4 *.mov *.m4v *.mkv *.webm *.avi *.mts *.m2ts *.ts *.mpg *.mpeg "
                "*.3gp *.wav *.mp3 *.m4a *.aac *.flac *.ogg *.opus);;All files (*)")


def expand(paths: list[Path]) -> list[Path]:
    """Dropped folders stand for the files inside them."""
    out = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")))
        else:
            out.append(path)
    return out


class ImportFlow(QObject):
    finished = Signal(list)  # list[ImportResult]

    def __init__(self, bridge: LibraryBridge, parent: QWidget) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.window = parent
        self.job: Job | None = None
        self.last_summary: QMessageBox | None = None

    def choose_and_import(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self.window, "Import films", "", VIDEO_FILTER)
        if names:
            self.start([Path(n) for n in names])

    def busy(self) -> bool:
        return self.job is not None and self.job.is_running()

    def start(self, paths: list[Path], event: str | None = None) -> Job | None:
        paths = expand(paths)
        if not paths:
            return None
        if self.busy():
            show_error(self.window, RuntimeError("An import is already running; wait for it to finish."))
            return None
        lib = self.bridge.lib
        self.job = Job(lambda progress, cancel: films.import_files(lib, paths, event=event,
                                                                    progress=progress, cancel=cancel), self)
        show_progress(self.job, self.window, "Import", f"Importing {len(paths)} file(s)…",
                      "importProgress")
        self.job.succeeded.connect(self._on_done)
        self.job.failed.connect(lambda exc: show_error(self.window, exc))
        self.job.cancelled.connect(lambda: self.finished.emit([]))
        return self.job.start()

    def _on_done(self, results) -> None:
        refused = [r for r in results if r.error]
        if refused:
            imported = len(results) - len(refused)
            box = QMessageBox(QMessageBox.Icon.Information, "Import",
                              f"{imported} film(s) imported; {len(refused)} file(s) could not be imported. "
                              "Your library is unchanged for those.", QMessageBox.StandardButton.Ok, self.window)
            box.setObjectName("importSummary")
            box.setDetailedText("\n".join(r.error for r in refused))
            box.setInformativeText("\n".join(r.error for r in refused[:8]) + ("\n…" if len(refused) > 8 else ""))
            box.open()
            self.last_summary = box
        self.finished.emit(results)
