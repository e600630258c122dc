"""The main window: wiring only. Each feature lives in its own module under ui/."""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication, QDockWidget, QFileDialog, QLabel, QMainWindow, QScrollArea, QSplitter, QTabBar, QVBoxLayout,
    QWidget,
)

from app import reads
from app.library import Library
from app.clips import clips as clip_ops
from app.films import films
from ui.shell.actions import build_menus
from ui.bundles.bundle_flow import BundleFlow
from ui.kit.bridge import LibraryBridge
from ui.clips.clip_details import ClipDetails
from ui.clips.clip_list import ClipList
from ui.codebook.codebook_panel import CodebookPanel
from ui.clips.key_tagging import KeyTagger
from ui.shell.edit_actions import UndoActions
from ui.kit.feedback import Feedback
from ui.library.event_day import EventDay
from ui.library.import_flow import ImportFlow
from ui.library.library_panel import LibraryPanel
from ui.player.player import Player
from ui.present.launcher import PresentLauncher
from ui.present.reviews_panel import ReviewsPanel
from ui.kit.saying import plural
from ui.people.people_panel import PeoplePanel
from ui.prototypes.prototypes_panel import PrototypesPanel
from ui.capture import recovery
from ui.capture.record_view import RecordView
from ui.reels.reel_builder import ReelBuilder
from ui.reels.reel_preview import ReelPreview
from ui.clips.selection import ClipSelection
from ui.kit.text_keys import TextFieldKeys
from ui.timeline import Timeline
from ui.player.transport import TransportBar
from ui.player.video_view import VideoView
from ui.shell import startup_trace
from ui.shell.catching_up import CatchUp
from ui.shell.window_size import fit_to_screen
from ui.transcripts.transcribe_flow import TranscribeFlow
from ui.transcripts.transcript_panel import TranscriptPanel

DOCK_LEFT, DOCK_RIGHT = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea


class FirstPaint(QObject):
    """Calls ``then`` once, after the first paint of anything in ``window`` (its first pixels)."""

    def __init__(self, window: QWidget, then) -> None:
        super().__init__(window)
        self.window, self.then = window, then
        QApplication.instance().installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:
        if (event.type() == QEvent.Type.Paint and isinstance(obj, QWidget) and obj.window() is self.window
                and self.then is not None):
            then, self.then = self.then, None
            QTimer.singleShot(0, self.window, then)  # after this paint has reached the screen
            self.stop()
        return False

    def stop(self) -> None:
        self.then = None
        QApplication.instance().removeEventFilter(self)


class MainWindow(QMainWindow):
    library_requested = Signal(Path)
    team_library_requested = Signal(str, Path)  # a team library's URL, this computer's media root

    def __init__(self, lib: Library) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.lib = lib
        self.bridge = LibraryBridge(lib, self)
        self.setWindowTitle(f"ProtoReel — {lib.root.name}")
        self.setAcceptDrops(True)
        self._closed = False
        self._catch_up = CatchUp(self)
        self.runner = self.bridge.runner
        self.selection = ClipSelection(self)
        self.feedback = Feedback(self.statusBar())
        self.runner.feedback = self.feedback

        self.video = VideoView(self)
        self.player = Player(self.video, self)
        self.transport = TransportBar(self.player, self)
        self.timeline = Timeline(self.bridge, self.selection, self.runner, self)
        self.library_panel = LibraryPanel(self.bridge, self)
        self.event_day = EventDay(self.bridge, self)
        self.clip_list = ClipList(self.bridge, self.selection, self)
        self.import_flow = ImportFlow(self.bridge, self)
        self.reel_builder = ReelBuilder(self.bridge, self.clip_list.selected_in_list_order, self)
        self.codebook_panel = CodebookPanel(self.bridge, self)
        self.prototypes_panel = PrototypesPanel(self.bridge, self)
        self.clip_details = ClipDetails(self.bridge, self)
        self.people_panel = PeoplePanel(self.bridge, self, current_film=lambda: self.current_film_id(),
                                        current_clip=lambda: self.selection.current)
        self.record_view = RecordView(self.bridge, self)
        self.key_tagger = KeyTagger(self.runner, self.selection, self.player)
        self.reel_preview = ReelPreview(lib, self.player, self)
        self.undo_actions = UndoActions(self.bridge, self)
        self.reviews_panel = ReviewsPanel(self.bridge, self.runner, self)
        self.presenting = PresentLauncher(self.bridge, self.runner, self, clip_ids=self._listed_clip_ids,
                                          prototype_id=self.prototypes_panel.current_id,
                                          reel_id=lambda: self.reel_builder.reel_id)
        self.bundles = BundleFlow(self.bridge, self, reel_id=lambda: self.reel_builder.reel_id,
                                  prototype_id=self.prototypes_panel.current_id)
        self.transcribing = TranscribeFlow(self.bridge, self)
        self.transcript_panel = TranscriptPanel(self.bridge, self.transcribing, self)
        self.current_event = ""  # the event selected in the library (what Transcribe Event hears)

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
        self.docks: dict[str, QDockWidget] = {}
        self.add_dock("library", "Library", self.library_panel, DOCK_LEFT)
        # In a scroll area: a day with many films (many lanes) must not make the window taller
        # than a laptop's screen. A tab beside the Library (both pick what to watch), not a
        # strip under the whole window: that took a sixth of a laptop's height from the library,
        # the codebook and the player for an event of a few films.
        event_scroll = self._scrolling(self.event_day)
        event_scroll.setMinimumHeight(60)
        self.add_dock("event", "Event day", event_scroll, DOCK_LEFT, tab_with="library")
        self.add_dock("clips", "Clips", self.clip_list, DOCK_RIGHT)
        self.add_dock("reel", "Reel", self.reel_builder, DOCK_RIGHT, tab_with="clips")
        self.add_dock("prototypes", "Prototypes", self.prototypes_panel, DOCK_RIGHT, tab_with="clips")
        self.add_dock("record", "Record", self.record_view, DOCK_RIGHT, tab_with="clips")
        self.add_dock("codebook", "Codebook", self.codebook_panel, DOCK_LEFT)
        # In a scroll area too: the Clip panel's form is taller than a laptop's share of the
        # left side, and a tab's height holds up the whole stack of tabs (and the library above).
        self.add_dock("clip", "Clip", self._scrolling(self.clip_details), DOCK_LEFT, tab_with="codebook")
        self.add_dock("reviews", "Reviews", self.reviews_panel, DOCK_RIGHT, tab_with="clips")
        self.add_dock("transcript", "Transcript", self.transcript_panel, DOCK_RIGHT, tab_with="clips")
        # On the right, as tall as the window: a person's details, consent history, appearances
        # and known faces do not fit the left side's lower two fifths on a laptop.
        self.add_dock("people", "People", self.people_panel, DOCK_RIGHT, tab_with="clips")
        self.docks["clips"].raise_()
        self.docks["codebook"].raise_()
        self.docks["library"].raise_()
        self.actions_by_name = build_menus(self)
        self._text_keys = TextFieldKeys(self)
        QApplication.instance().installEventFilter(self._text_keys)
        self._connect()
        settings = QSettings()
        restored = settings.value("window/geometry") is not None and self.restoreGeometry(settings.value("window/geometry"))
        fit_to_screen(self, restored=bool(restored))
        self._built_layout = self.saveState()  # what View → Reset Layout goes back to
        self._default_layout = settings.value("window/state") is None
        if not self._default_layout:
            self.restoreState(settings.value("window/state"))
        self.statusBar().showMessage("Drop films here to import them. Space plays, I/O mark, Enter makes a clip.")
        # The start-up work waits for the window's first paint (reopening a long film decodes it:
        # before the paint, the window stayed black for seconds), one task per event-loop turn.
        self._after_paint = [
            lambda: self.runner.start(lambda progress, cancel: films.check_missing(lib)),
            self.offer_recovery,
            self.import_flow.background.resume,  # imports a crash or closing cut short
            self.reopen_last_film,
            self.transcribing.resume,  # transcriptions a crash or closing cut short
        ]
        self._first_paint = FirstPaint(self, self._start_up)
        QTimer.singleShot(3000, self, self._start_up)  # a window never painted (hidden, minimised) still starts up

    def _start_up(self) -> None:
        """The deferred start-up tasks, each in its own turn, then "interactive"."""
        if self._after_paint is None:
            return
        tasks, self._after_paint = self._after_paint, None
        self._first_paint.stop()
        startup_trace.mark("window-painted")

        def next_task() -> None:
            if self._closed:
                return
            if tasks:
                tasks.pop(0)()
                QTimer.singleShot(0, self, next_task)
            else:
                startup_trace.mark("interactive")
                if startup_trace.quit_when_interactive():
                    QTimer.singleShot(200, self, self.close)

        QTimer.singleShot(0, self, next_task)

    def _scrolling(self, widget: QWidget) -> QScrollArea:
        scroll = QScrollArea(self)
        scroll.setWidget(widget)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        return scroll

    def add_dock(self, name: str, title: str, widget: QWidget, area, tab_with: str | None = None) -> QDockWidget:
        """A panel, addressed by ``name`` (``self.docks[name]``); ``tab_with`` stacks it as a tab."""
        dock = QDockWidget(title, self)
        dock.setObjectName(f"{name}Dock")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        if tab_with is not None:
            self.tabifyDockWidget(self.docks[tab_with], dock)
        self.docks[name] = dock
        dock.dockLocationChanged.connect(lambda _area: self.tabs_follow_drags())
        self.tabs_follow_drags()
        return dock

    def tabs_follow_drags(self) -> None:
        """Dragging clips over a panel's tab brings that panel forward (so a prototype behind the
        clip list can still be dropped on), wherever the panels have been moved."""
        for bar in self.findChildren(QTabBar):
            if not bar.changeCurrentOnDrag():
                bar.setChangeCurrentOnDrag(True)
                bar.setAcceptDrops(True)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.tabs_follow_drags()
        if self._default_layout:  # first shown at its real size: share it out
            self._default_layout = False
            self.share_width()

    def share_width(self) -> None:
        """Side panels get about a quarter of the width each (the clip list a little more), the
        player the rest; the library takes three fifths of the left side's height (on a
        1366x768 laptop a dozen films), the codebook the rest (its tags scroll)."""
        side = max(self.width() // 4, 300)
        self.resizeDocks([self.docks["library"], self.docks["clips"]], [side - 40, side + 60], Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["library"], self.docks["codebook"]], [self.height() * 3 // 5, self.height() * 2 // 5],
                         Qt.Orientation.Vertical)

    def reset_layout(self) -> None:
        """Panels back where a new window has them (a layout saved on another screen can leave
        the library one film tall), shared out at the window's size."""
        self.restoreState(self._built_layout)
        for dock in self.docks.values():
            dock.setFloating(False)
        self.share_width()
        self.statusBar().showMessage("Panels are back in their places.", 5000)

    def show_dock(self, name: str) -> None:
        self.docks[name].show()
        self.docks[name].raise_()

    def _connect(self) -> None:
        self.library_panel.film_selected.connect(self.open_film)
        self.library_panel.relink_requested.connect(lambda film_id: (self.library_panel.select_film(film_id),
                                                                     self.relink_current()))
        self.player.position_changed.connect(self.timeline.set_playhead)
        self.player.error.connect(lambda message: self.transport.message.say(message))
        self.transport.refused.connect(self.feedback.say)
        self.timeline.seek_requested.connect(self._seek_from_timeline)
        self.timeline.notice.connect(self.feedback.say)
        self.selection.changed.connect(lambda _ids: self.clip_details.show_clip(self.selection.current))
        self.clip_list.clip_activated.connect(self.play_clip)
        self.clip_list.delete_requested.connect(self.delete_clip)
        self.import_flow.finished.connect(self._after_import)
        self.library_panel.event_current.connect(self.event_day.set_event)
        self.library_panel.event_current.connect(self.bundles.set_event)
        self.event_day.film_activated.connect(self.library_panel.select_film)
        background = self.import_flow.background
        background.progress.connect(self.library_panel.model.set_import_progress)
        background.arrived.connect(self.library_panel.model.refresh_picture)
        background.arrived.connect(self.timeline.media_arrived)
        background.film_done.connect(self._imported)
        self.reel_builder.preview_requested.connect(self.reel_preview.start)
        self.codebook_panel.tag_activated.connect(self.clip_list.show_tag)
        self.prototypes_panel.clip_activated.connect(self.play_clip)
        self.prototypes_panel.play_clips.connect(self.play_clips_in_order)
        self.prototypes_panel.reel_made.connect(self.show_reel)
        self.people_panel.reel_activated.connect(self.show_reel)
        self.record_view.recorded.connect(self.library_panel.select_film)
        self.library_panel.event_current.connect(self.record_view.follow_event)
        self.reel_preview.item_started.connect(
            lambda i: self.statusBar().showMessage(f"Preview: clip {i + 1} of {len(self.reel_preview.items)}"))
        self.reel_preview.finished.connect(lambda: self.statusBar().showMessage("Preview ended.", 3000))
        self.bridge.changed.connect(self._on_changed)
        self.bridge.changed_elsewhere.connect(self.catch_up)
        self.reviews_panel.continue_requested.connect(self.presenting.present)
        self.presenting.ended.connect(lambda review_id: (self.show_dock("reviews"), self.reviews_panel.select(review_id)))
        self.player.position_changed.connect(self.transcript_panel.set_playhead)
        self.docks["transcript"].visibilityChanged.connect(self.transcript_panel.brought_forward)
        self.transcribing_label = QLabel(self)  # how far the films asked for are, whichever film is open
        self.transcribing_label.setObjectName("transcribingStatus")
        self.transcribing_label.hide()
        self.statusBar().addPermanentWidget(self.transcribing_label)
        self.transcribing.progress.connect(lambda *_: self._show_transcribing())
        self.transcribing.changed.connect(self._show_transcribing)
        self.transcript_panel.seek_requested.connect(self.player.seek_us)
        self.transcript_panel.marks_requested.connect(self.timeline.mark_range)
        self.transcript_panel.clip_made.connect(self.selection.select)
        self.selection.changed.connect(lambda _ids: self.transcript_panel.show_clip(self.selection.current))
        self.library_panel.event_current.connect(lambda name: setattr(self, "current_event", name))
        self.clip_list.said.moment_activated.connect(self.go_to_moment)

    # -- transcripts -----------------------------------------------------------------------
    def transcribe_film(self) -> None:
        film = self.player.film
        if film is None:
            self.feedback.say("Transcribe: open a film first (or choose Transcribe the Event's Films).")
            return
        self.show_dock("transcript")
        self.transcribing.request([film.id], f"“{film.title}”")

    def _show_transcribing(self) -> None:
        text = self.transcribing.summary()
        self.transcribing_label.setText(text)
        self.transcribing_label.setVisible(bool(text))

    def go_to_moment(self, moment) -> None:
        """A search hit in what was said: its film opened at the moment, its words chosen in the
        Transcript panel (Make clip clips them)."""
        if self.current_film_id() != moment.film_id:
            self.library_panel.select_film(moment.film_id)
            if self.current_film_id() != moment.film_id:
                self.open_film(moment.film_id)
        self.player.seek_us(moment.start_us)
        self.show_dock("transcript")
        self.transcript_panel.choose_words(moment.segment_id, moment.first_word, moment.last_word)

    def transcribe_event(self) -> None:
        self.transcribing.request_event(self.current_event)

    def transcribe_all(self) -> None:
        self.transcribing.request_library()

    def open_settings(self) -> None:
        from ui.shell.settings_dialog import SettingsDialog

        self.settings_dialog = dialog = SettingsDialog(self.bridge, self)
        dialog.accepted.connect(lambda: None if reads.transcription_on(self.lib) else self.transcribing.stop())
        dialog.open()

    # -- breakfast review ----------------------------------------------------------------
    def present_review(self, review_id: int, start_item: int | None = None) -> None:
        self.presenting.present(review_id, start_item)

    def _listed_clip_ids(self) -> list[int]:
        return reads.clip_ids(self.lib, self.clip_list.current_filter())

    # -- films and clips ---------------------------------------------------------------
    def current_film_id(self) -> int | None:
        return self.player.film.id if self.player.film else None

    def open_film(self, film_id: int | None, start_us: int = 0) -> None:
        if self.reel_preview.active and film_id is not None and film_id != self.reel_preview.items[
                self.reel_preview.index].film_id:
            self.reel_preview.stop()
        record = reads.film_or_none(self.lib, film_id) if film_id is not None else None
        index = reads.frame_index(self.lib, record) if record is not None and record.has_video else None
        self.player.load(record, start_us, index)
        self.timeline.set_film(record, index)
        self.transcript_panel.set_film(record)
        self.timeline.set_playhead(start_us)
        # Not kept yet: an older film's is read on a worker; a film still importing gets its own
        # when its import completes (its pass over the packets writes it: ``_imported``).
        if record is not None and record.has_video and index is None and not record.missing and not record.importing:
            self._read_frame_index(record)
        self.actions_by_name["relink"].setEnabled(bool(record and record.missing))

    def _imported(self, film_id: int) -> None:
        """A film completed importing: if it is open, its frame index is now kept."""
        if self.current_film_id() != film_id:
            return
        record = reads.film_or_none(self.lib, film_id)
        index = reads.frame_index(self.lib, record) if record is not None and record.has_video else None
        if index is not None:
            self.player.set_index(film_id, index)
            self.timeline.set_index(film_id, index)

    def _read_frame_index(self, record) -> None:
        """A film imported before frame indexes were kept (or still importing): its index is
        read on a worker and settles the player and the timeline when it comes."""
        lib = self.lib

        def arrived(index) -> None:
            if index is not None:
                self.player.set_index(record.id, index)
                self.timeline.set_index(record.id, index)

        self.runner.start(lambda _progress, _cancel: reads.frame_index(lib, record, build=True),
                          on_success=arrived, on_failure=lambda _exc: None)

    def play_clip(self, clip_id: int) -> None:
        clip = self.runner.run(lambda lib: reads.clip(lib, clip_id))
        if clip is None:
            return
        if self.current_film_id() != clip.film_id:
            self.library_panel.select_film(clip.film_id)  # loads it
            if self.current_film_id() != clip.film_id:
                self.open_film(clip.film_id)
        self.player.seek_us(clip.start_us)
        self.timeline.select_clip(clip_id)

    def show_reel(self, reel_id: int) -> None:
        self.reel_builder.fill_reels(select=reel_id)
        self.show_dock("reel")

    def play_clips_in_order(self, clip_ids: list[int]) -> None:
        """Play clips back to back (an evidence group), as the reel preview does."""
        self.reel_preview.start(reads.clip_plan_items(self.lib, clip_ids))

    def _seek_from_timeline(self, us: int) -> None:
        self.player.seek_us(us)

    def delete_clip(self) -> None:
        """Delete: no question asked; it says what it did and offers Undo."""
        ids = list(self.selection.ids)
        if not ids:
            self.feedback.say("Nothing to delete: select a clip in the list or on the timeline first.")
            return
        titles = [c.title for c in reads.clips(self.lib, ids)]
        if not titles:
            self.selection.clear()
            self.feedback.say("Nothing deleted: that clip is no longer in the library.")
            return
        what = f"clip “{titles[0]}”" if len(titles) == 1 else f"{len(titles)} clips"
        if self.runner.run(lambda lib: clip_ops.delete(lib, ids) or True, say=f"Deleted {what}.") is None:
            return
        self.selection.clear()

    def escape(self) -> None:
        """Esc: clear the in/out marks and the selection, so a tag key makes a new clip."""
        self.timeline.clear_marks()
        self.selection.clear()

    def focus_search(self) -> None:
        self.clip_list.search.setFocus()
        self.clip_list.search.selectAll()

    def _on_changed(self, changes) -> None:
        film_id = self.current_film_id()
        self.selection.forget(i for i in self.selection.ids if i in changes.ids_of("clips")
                              and not reads.clips(self.lib, [i]))
        if film_id is not None and film_id in changes.ids_of("films"):
            found = reads.film_or_none(self.lib, film_id)
            if found is None:
                self.open_film(None)
            elif found.missing != self.player.film.missing or found.path != self.player.film.path:
                self.open_film(film_id, self.player.position_us)

    def catch_up(self) -> None:
        """Another process changed the library: every view reads again what it shows
        (``ui.shell.catching_up``)."""
        self._catch_up.start()

    # -- import, relink, jobs ----------------------------------------------------------
    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            # After the drop has ended (the event dialog must not hold up the dragging program).
            QTimer.singleShot(0, self, lambda: self.import_flow.import_paths(paths))

    def _after_import(self, results) -> None:
        new = [r for r in results if r.film_id is not None and not r.existed]
        known = [r for r in results if r.film_id is not None and r.existed]
        refused = [r for r in results if r.error]
        parts = []
        if new:
            parts.append(f"{plural(len(new), 'film')} ready to play and mark (thumbnails, "
                         "waveform and the library copy follow in the background)")
        if len(known) == 1:
            parts.append(f"“{known[0].source.name}” is already in the library (nothing copied)")
        elif known:
            parts.append(f"{len(known)} files are already in the library (nothing copied)")
        if refused:
            parts.append(f"{len(refused)} could not be imported (see the list)")
        if parts:
            self.feedback.say("; ".join(parts) + ".")
        shown = (new or known)
        if shown:  # in a turn of its own: the import's end (its summary, the background jobs) is one
            film_id = shown[0].film_id
            QTimer.singleShot(0, self, lambda: self.library_panel.select_film(film_id))

    def relink_current(self) -> None:
        film = self.player.film
        if film is None:
            return
        name, _ = QFileDialog.getOpenFileName(self, f"Where is “{film.title}” now?", str(Path(film.path).parent))
        if name:
            self.runner.start(lambda progress, cancel: films.relink(self.lib, film.id, Path(name), cancel),
                              on_success=lambda _r: self.feedback.say(f"Relinked “{film.title}” to {Path(name).name}.",
                                                                      [("Undo", self.runner.undo)]))

    def offer_recovery(self) -> None:
        """A take interrupted by a crash or power cut: offer to bring it into the library."""
        self.recovery_box = recovery.offer(self, self.lib, self.runner, self.feedback)

    # -- library and window state ------------------------------------------------------
    def choose_library(self) -> None:
        from ui.shell.library_chooser import LibraryChooser

        self.library_chooser = chooser = LibraryChooser(self.lib.root, self)
        chooser.accepted.connect(lambda: chooser.chosen() and self.library_requested.emit(chooser.chosen()))
        chooser.open()

    def choose_team_library(self) -> None:
        from ui.shell.team_chooser import TeamChooser

        self.team_chooser = chooser = TeamChooser(self.lib.url if self.lib.team else "", self)
        chooser.accepted.connect(lambda: chooser.chosen and self.team_library_requested.emit(*chooser.chosen))
        chooser.open()

    def _place_key(self) -> str:
        """Settings key of this library's last film and position (each library has its own)."""
        return "place/" + hashlib.sha1(str(self.lib.root).encode()).hexdigest()[:16]

    def reopen_last_film(self) -> None:
        """Where you left off: the last film, at the frame it showed."""
        settings = QSettings()
        film_id = settings.value(f"{self._place_key()}/film")
        position = settings.value(f"{self._place_key()}/position_us", 0)
        try:
            film_id, position = int(film_id), int(position)
        except (TypeError, ValueError):
            return
        if self.player.film is None and reads.film_or_none(self.lib, film_id) is not None:
            self.library_panel.select_film(film_id)
            if self.current_film_id() != film_id:
                self.open_film(film_id)
            self.player.seek_us(position)

    def closeEvent(self, event) -> None:
        if self._closed:
            return super().closeEvent(event)
        self._closed = True
        self._after_paint = None  # closed before it started up: nothing to start
        self._first_paint.stop()
        settings = QSettings()
        if self.player.film is not None:
            settings.setValue(f"{self._place_key()}/film", self.player.film.id)
            settings.setValue(f"{self._place_key()}/position_us", int(self.player.position_us))
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        if self.presenting.presentation is not None:
            self.presenting.presentation.leave()  # what was typed is saved first
        self.reviews_panel.close_windows()  # a review's notes window must not keep the app running
        # Every job is on the one runner: a take in progress is finished and kept, background
        # imports stop (their films stay registered and finish on the next start), exports and
        # reports are cancelled; each is waited for.
        self.runner.shutdown()
        self.record_view.close_devices()
        self.player.close()
        QApplication.instance().removeEventFilter(self._text_keys)
        self.bridge.detach()
        super().closeEvent(event)
