"""Import films from File → Import or a drop. Each file is probed and registered on a worker
(a second or so), then the first is opened: playable and markable at once. Hashing, copying,
thumbnails and waveform go on in the background (``ui.library.background_imports``), with progress in
the library row. Refused files and content already in the library are listed at the end."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget

from app import reads
from app.films import events, importing
from media.reading.media_sniff import FILM_SUFFIXES
from app.films.import_order import expand_and_order, refusals
from media.reading.recorded_time import recorded_time
from ui.library.background_imports import BackgroundImports
from ui.library.import_event_dialog import ImportEventDialog
from ui.kit.bridge import LibraryBridge
from ui.kit.saying import plural
from ui.kit.workers import Job

VIDEO_FILTER = f"Films and sound ({' '.join('*' + s for s in FILM_SUFFIXES)});;All files (*)"


def expand(paths: list[Path]) -> list[Path]:
    """Dropped folders stand for the films inside them, in the order they were recorded."""
    return expand_and_order(paths)


class ImportFlow(QObject):
    finished = Signal(list)  # list[ImportResult], once every file is registered (or refused)

    def __init__(self, bridge: LibraryBridge, parent: QWidget) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.window = parent
        self.job: Job | None = None
        self.last_summary: QMessageBox | None = None
        self.event_dialog: QDialog | None = None
        self.background = BackgroundImports(bridge, self)

    def choose_and_import(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self.window, "Import films", "", VIDEO_FILTER)
        if names:
            self.import_paths([Path(n) for n in names])

    def choose_folder_and_import(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.window, "Import a folder of films (an event's, a phone's)")
        if folder:
            self.import_paths([Path(folder)])

    def import_paths(self, paths: list[Path]) -> QDialog | Job | None:
        """The window's way in (a drop, File → Import): a folder, or several films, belong to an
        event: which is asked first, with a proposal (the event already holding films of their
        day, the folder's name, or the day). One film alone is imported at once, as before."""
        paths = [Path(p) for p in paths]
        refused = {p for p, _why in refusals(paths, self.bridge.lib.root)}
        if refused and all(p.expanduser().absolute() in refused for p in paths):
            return self.start(paths)  # a library, its insides, an empty folder: no event to ask; the summary says why
        folders = [p for p in paths if p.is_dir()]
        files = expand(paths)
        if not files:
            self.bridge.runner.say("Nothing to import: no files there.")
            return None
        if not folders and len(files) == 1:
            return self.start(files)
        lib = self.bridge.lib
        times = [recorded_time(f) for f in files]
        proposal = events.propose(lib, folders, [t.local().date() for t in times])
        wrong = sorted({f"{t.local():%Y-%m-%d}" for t in times if t.local().date() != proposal.day})
        dialog = ImportEventDialog(proposal, [e.name for e in reads.events(lib)], [f.name for f in folders],
                                   self.window, wrong_days=wrong)
        dialog.accepted.connect(lambda: self.start(files, event=dialog.chosen()))
        dialog.open()
        self.event_dialog = dialog
        return dialog

    def busy(self) -> bool:
        return self.job is not None and self.job.is_running()

    def start(self, paths: list[Path], event: str | None = None) -> Job | None:
        if not paths:
            return None
        # The folders go to the core as dropped: a library, its insides or a folder with no films
        # come back refused, and the summary says why (nothing silently ignored).
        count = len(expand(paths)) or len(paths)
        if self.busy():
            self.bridge.runner.say("Films are still being added: these were not; drop them again in a moment.")
            return None
        lib = self.bridge.lib
        self.job = self.bridge.runner.start(
            lambda progress, cancel: importing.register_files(lib, paths, event=event, progress=progress,
                                                                  cancel=cancel),
            parent=self.window, on_success=self._on_done, on_cancelled=lambda: self.finished.emit([]),
            dialog=("Import", f"Adding {plural(count, 'file')}…", "importProgress"))
        return self.job

    def _on_done(self, results) -> None:
        self.background.add([r.film_id for r in results if r.film_id is not None and not r.existed])
        refused = [r for r in results if r.error]
        known = [r for r in results if r.existed]
        if refused or known:
            added = len(results) - len(refused) - len(known)
            lines = [r.error for r in refused] + [f"{r.source.name}: already in the library (same content), skipped"
                                                  for r in known]
            box = QMessageBox(QMessageBox.Icon.Information, "Import",
                              f"{plural(added, 'film')} added; {len(known)} already in the library (skipped); "
                              f"{plural(len(refused), 'file')} could not be imported. Your library is unchanged for "
                              f"{'that one' if len(refused) == 1 else 'those'}." if refused else
                              f"{plural(added, 'film')} added; {len(known)} already in the library (skipped).",
                              QMessageBox.StandardButton.Ok, self.window)
            box.setObjectName("importSummary")
            box.setDetailedText("\n".join(lines))
            box.setInformativeText("\n".join(lines[:8]) + ("\n…" if len(lines) > 8 else ""))
            box.open()
            self.last_summary = box
        self.finished.emit(results)
