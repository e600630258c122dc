"""The main window: wiring only. Each feature lives in its own module under ui/."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication, QDockWidget, QFileDialog, QMainWindow, QMessageBox, QSplitter, QVBoxLayout, QWidget,
)

from app import queries
from app.library import Library
from app.ops import films
from ui.actions import build_menus
from ui.bridge import LibraryBridge
from ui.clip_details import ClipDetails
from ui.clip_list import ClipList
from ui.codebook_panel import CodebookPanel
from ui.key_tagging import KeyTagger
from ui.edit_actions import UndoActions
from ui.errors import show_error
from ui.import_flow import ImportFlow
from ui.library_panel import LibraryPanel
from ui.player import Player
from ui.prototypes_panel import PrototypesPanel
from ui.record_view import RecordView
from ui.reel_builder import ReelBuilder
from ui.reel_preview import ReelPreview
from ui.text_keys import TextFieldKeys
from ui.timeline import Timeline
from ui.transport import TransportBar
from ui.video_view import VideoView
from ui.workers import Job


class MainWindow(QMainWindow):
    library_requested = Signal(Path)

    def __init__(self, lib: Library) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.lib = lib
        self.bridge = LibraryBridge(lib, self)
        self.setWindowTitle(f"ProtoReel — {lib.root.name}")
        self.setAcceptDrops(True)
        self.jobs: list[Job] = []
        self._closed = False

        self.video = VideoView(self)
        self.player = Player(self.video, self)
        self.transport = TransportBar(self.player, self)
        self.timeline = Timeline(self.bridge, self)
        self.library_panel = LibraryPanel(self.bridge, self)
        self.clip_list = ClipList(self.bridge, self)
        self.import_flow = ImportFlow(self.bridge, self)
        self.reel_builder = ReelBuilder(self.bridge, self.clip_list.selected_ids, self)
        self.codebook_panel = CodebookPanel(self.bridge, self)
        self.prototypes_panel = PrototypesPanel(self.bridge, self)
        self.clip_details = ClipDetails(self.bridge, self)
        self.record_view = RecordView(self.bridge, self)
        self.key_tagger = KeyTagger(self)
        self.reel_preview = ReelPreview(lib, self.player, self)
        self.undo_actions = UndoActions(self.bridge, self)

        player_box = QWidget(self)
        box = QVBoxLayout(player_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.video, 1)
        box.addWidget(self.transport)
        centre = QSplitter(Qt.Orientation.Vertical, self)
        centre.addWidget(player_box)
        centre.addWidget(self.timeline)
        centre.setStretchFactor(0, 1)
        self.setCentralWidget(centre)
        self.docks = [
            self._dock("Library", "libraryDock", self.library_panel, Qt.DockWidgetArea.LeftDockWidgetArea),
            self._dock("Clips", "clipsDock", self.clip_list, Qt.DockWidgetArea.RightDockWidgetArea),
            self._dock("Reel", "reelDock", self.reel_builder, Qt.DockWidgetArea.RightDockWidgetArea),
            self._dock("Codebook", "codebookDock", self.codebook_panel, Qt.DockWidgetArea.LeftDockWidgetArea),
            self._dock("Prototypes", "prototypesDock", self.prototypes_panel, Qt.DockWidgetArea.RightDockWidgetArea),
            self._dock("Clip", "clipDock", self.clip_details, Qt.DockWidgetArea.LeftDockWidgetArea),
            self._dock("Record", "recordDock", self.record_view, Qt.DockWidgetArea.RightDockWidgetArea),
        ]
        library, clips, reel, codebook, protos, clip, record = self.docks
        for other in (reel, protos, record):  # Clips | Reel | Prototypes | Record
            self.tabifyDockWidget(clips, other)
        self.tabifyDockWidget(codebook, clip)  # Codebook | Clip
        clips.raise_()
        codebook.raise_()
        self.actions_by_name = build_menus(self)
        self._text_keys = TextFieldKeys(self)
        QApplication.instance().installEventFilter(self._text_keys)
        self._connect()
        self.resize(1400, 860)
        self.resizeDocks(self.docks, [300, 440, 440, 300, 440, 300, 440], Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks[0], self.docks[3]], [480, 360], Qt.Orientation.Vertical)
        self._restore()
        self.statusBar().showMessage("Drop films here to import them. Space plays, I/O mark, Enter makes a clip.")
        self.run_job(lambda progress, cancel: films.check_missing(lib))
        QTimer.singleShot(0, self.offer_recovery)

    def _dock(self, title: str, name: str, widget: QWidget, area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _connect(self) -> None:
        self.library_panel.film_selected.connect(self.open_film)
        self.library_panel.relink_requested.connect(lambda film_id: (self.library_panel.select_film(film_id),
                                                                     self.relink_current()))
        self.player.position_changed.connect(self.timeline.set_playhead)
        self.player.error.connect(lambda message: self.transport.message.setText(message))
        self.timeline.seek_requested.connect(self._seek_from_timeline)
        self.timeline.clip_selected.connect(self._on_timeline_clip)
        self.clip_list.clip_activated.connect(self.play_clip)
        self.clip_list.clip_selected.connect(self._on_list_clip)
        self.import_flow.finished.connect(self._after_import)
        self.reel_builder.preview_requested.connect(self.reel_preview.start)
        self.codebook_panel.tag_activated.connect(self.clip_list.show_tag)
        self.prototypes_panel.clip_activated.connect(self.play_clip)
        self.prototypes_panel.play_clips.connect(self.play_clips_in_order)
        self.prototypes_panel.reel_made.connect(self.show_reel)
        self.record_view.recorded.connect(self.library_panel.select_film)
        self.library_panel.event_current.connect(self.record_view.follow_event)
        self.reel_preview.item_started.connect(
            lambda i: self.statusBar().showMessage(f"Preview: clip {i + 1} of {len(self.reel_preview.items)}"))
        self.reel_preview.finished.connect(lambda: self.statusBar().showMessage("Preview ended.", 3000))
        self.bridge.changed.connect(self._on_changed)

    # -- films and clips ---------------------------------------------------------------
    def current_film_id(self) -> int | None:
        return self.player.film.id if self.player.film else None

    def open_film(self, film_id: int | None, start_us: int = 0) -> None:
        if self.reel_preview.active and film_id is not None and film_id != self.reel_preview.items[
                self.reel_preview.index].film_id:
            self.reel_preview.stop()
        record = None
        if film_id is not None:
            with self.lib.read() as s:
                found = queries.film_records(s, self.lib.root, [film_id])
            record = found[0] if found else None
        self.player.load(record, start_us)
        self.timeline.set_film(record)
        self.timeline.set_playhead(start_us)
        self.actions_by_name["relink"].setEnabled(bool(record and record.missing))

    def play_clip(self, clip_id: int) -> None:
        with self.lib.read() as s:
            (clip,) = queries.clip_records(s, [clip_id])
        if self.current_film_id() != clip.film_id:
            self.library_panel.select_film(clip.film_id)  # loads it
            if self.current_film_id() != clip.film_id:
                self.open_film(clip.film_id)
        self.player.seek_us(clip.start_us)
        self.timeline.select_clip(clip_id)

    def show_reel(self, reel_id: int) -> None:
        self.reel_builder.fill_reels(select=reel_id)
        self.docks[2].raise_()

    def play_clips_in_order(self, clip_ids: list[int]) -> None:
        """Play clips back to back (an evidence group), as the reel preview does."""
        from app.reel_plan import default_caption
        from media.export.plan import PlanItem

        with self.lib.read() as s:
            records = queries.clip_records(s, clip_ids)
        items = [PlanItem(n, c.id, c.title, c.film_id, c.film, Path(), c.start_us, c.end_us, None, True, True,
                          None, None, 0, caption=default_caption(c.title, [(t["kind"], t["name"]) for t in c.tags]))
                 for n, c in enumerate(records)]
        self.reel_preview.start(items)

    def _seek_from_timeline(self, us: int) -> None:
        self.player.seek_us(us)

    def _on_timeline_clip(self, clip_id) -> None:
        self.clip_details.show_clip(clip_id)
        if clip_id is not None:
            self.clip_list.select_clip(clip_id)

    def _on_list_clip(self, clip_id) -> None:
        self.clip_details.show_clip(clip_id)
        if clip_id is not None and self.timeline.film and any(c.id == clip_id for c in self.timeline.clips):
            self.timeline.selected_clip = clip_id
            self.timeline.update()

    def delete_clip(self) -> None:
        if self.timeline.delete_selected():
            return
        ids = self.clip_list.selected_ids()
        if ids:
            from app.ops import clips

            clips.delete(self.lib, ids)

    def focus_search(self) -> None:
        self.clip_list.search.setFocus()
        self.clip_list.search.selectAll()

    def _on_changed(self, changes) -> None:
        film_id = self.current_film_id()
        if film_id is not None and film_id in changes.ids_of("films"):
            with self.lib.read() as s:
                found = queries.film_records(s, self.lib.root, [film_id])
            if not found:
                self.open_film(None)
            elif found[0].missing != self.player.film.missing or found[0].path != self.player.film.path:
                self.open_film(film_id, self.player.position_us)

    # -- import, relink, jobs ----------------------------------------------------------
    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.import_flow.start(paths)

    def _after_import(self, results) -> None:
        imported = [r.film_id for r in results if r.film_id is not None]
        if imported:
            self.library_panel.select_film(imported[0])
            self.statusBar().showMessage(f"{len(imported)} film(s) ready.", 5000)

    def relink_current(self) -> None:
        film = self.player.film
        if film is None:
            return
        name, _ = QFileDialog.getOpenFileName(self, f"Where is “{film.title}” now?", str(Path(film.path).parent))
        if name:
            self.run_job(lambda progress, cancel: films.relink(self.lib, film.id, Path(name), cancel))

    def offer_recovery(self) -> None:
        """A take interrupted by a crash or power cut: offer to bring it into the library."""
        from app.ops import recording
        from media.recording import interrupted

        takes = interrupted(recording.recordings_dir(self.lib))
        if not takes:
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Recover recordings",
                          f"{len(takes)} recording(s) were interrupted (the app closed or the computer stopped "
                          "while recording). Bring what was recorded into the library now?",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("recoverBox")
        box.button(QMessageBox.StandardButton.Yes).clicked.connect(
            lambda: self.run_job(lambda progress, cancel: recording.recover(self.lib)))
        box.open()
        self.recovery_box = box

    def run_job(self, fn) -> Job:
        job = Job(fn, self)
        job.failed.connect(lambda exc: show_error(self, exc))
        job.done.connect(lambda: self.jobs.remove(job) if job in self.jobs else None)
        self.jobs.append(job)
        return job.start()

    # -- library and window state ------------------------------------------------------
    def choose_library(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open or create a library folder", str(self.lib.root.parent))
        if folder:
            self.library_requested.emit(Path(folder))

    def _restore(self) -> None:
        settings = QSettings()
        geometry = settings.value("window/geometry")
        state = settings.value("window/state")
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)

    def closeEvent(self, event) -> None:
        if self._closed:
            return super().closeEvent(event)
        self._closed = True
        settings = QSettings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        self.record_view.stop_and_wait()  # a take in progress is finished and kept
        for job in list(self.jobs):
            job.cancel()
            job.wait(10_000)
        if self.import_flow.busy():
            self.import_flow.job.cancel()
            self.import_flow.job.wait(10_000)
        self.player.close()
        QApplication.instance().removeEventFilter(self._text_keys)
        self.bridge.detach()
        super().closeEvent(event)
