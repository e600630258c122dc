"""One breakfast review on screen: the audience screen, the presenter view, the keys.

Keys (a presentation clicker sends PageUp/PageDown, B, F5 and Esc):
  Space, →, PageDown  next        ←, PageUp  back        R  replay the clip
  B (or .)  blackout               P  pause / play        F5  resume (leave blackout or pause)
  1 2 3  quick marks               Tab  presenter overlay (one screen)       Esc  leave
While a text field is being typed in, only the clicker's PageUp/PageDown/F5 act; Esc leaves
the field. Time on screen is kept per item (every few seconds and at each move).

Every slide of an item is asked of the one gate before it is painted (``reviews.show_item``):
consent as it stands now, the words on the screen, the safeguarding flag. A withdrawal, a
narrowed consent or a new flag, from this window or any other process, takes effect at the
next slide: the withheld card (or the warning), never the clip. The clip itself is checked
again and logged in one transaction just before it plays; a change made while it plays
stops it (this window at once, another process within the bridge's poll).
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPalette, QScreen
from PySide6.QtWidgets import QApplication, QWidget

from app.reviews import present_sequence as seq
from app.reviews import review_records
from app.library import Library
from app.reviews import reviews
from app.clips import safeguarding
from ui.kit.operations import OperationRunner
from ui.present.audience import AudienceScreen
from ui.present.playback import ClipPlayback
from ui.present.presenter import MARK_KEYS, PresenterView
from ui.present.screens import full_screen_on, maximised_on, pick_screens
from ui.kit.text_keys import is_text_input

K = Qt.Key
NEXT_KEYS = {K.Key_Space, K.Key_Right, K.Key_PageDown, K.Key_Down}
BACK_KEYS = {K.Key_Left, K.Key_PageUp, K.Key_Up}
CLICKER_KEYS = {K.Key_PageDown, K.Key_PageUp, K.Key_F5}  # act even while typing
COMMIT_EVERY_MS = 5000
AFTER_PAINT_LATEST_MS = 150  # deferred work runs by then even if nothing was painted (a hidden screen)


class Presentation(QObject):
    finished = Signal(int)  # review id
    moved = Signal(int)  # slide index now on the audience screen
    preload = True  # open the next clip while its card is up (bench/review_bench.py's reference: off)

    def __init__(self, lib: Library, review_id: int, start_item: int | None = None,
                 laptop: QScreen | None = None, warn=None, runner: OperationRunner | None = None,
                 parent: QObject | None = None, elsewhere=None) -> None:
        super().__init__(parent)
        self.lib, self.review_id = lib, review_id
        self.detail = review_records.detail(lib, review_id)
        if warn is None:  # clips flagged as distressing get a content-warning card, as in reels
            flagged = safeguarding.warnings(lib, [i.clip_id for i in self.detail.items if i.clip_id is not None])
            warn = lambda item: flagged.get(item.clip_id, "")  # noqa: E731
        self._first_warn = warn
        self.warnings: dict[int, str] = {}  # item id -> the warning as the gate last found it
        self._logged: set[int] = set()  # items whose showing is in the log (this run)
        self._unchecked: set[int] = set()  # items the gate could not be asked about: withheld here
        self.slides = self._slides()
        first = self.detail.review.last_position if start_item is None else start_item
        self.index = seq.first_slide_of(self.slides, first)
        self.audience = AudienceScreen()
        self.audience.review_title = self.detail.review.title
        review = self.detail.review
        self.audience.opening = (review.opening_title or "", review.opening_subtitle or "")
        self.audience.closing = review.closing_credits or ""
        # The main window's runner (errors shown in its one place); a runner of our own otherwise.
        self.runner = runner or OperationRunner(lib, self.audience)
        self.presenter = PresenterView(lib, review_id, self.runner)
        self.playback = ClipPlayback(self)
        self.playback.frame.connect(self.audience.set_frame)
        self.playback.first_frame_ready.connect(self.audience.prepare_frame)
        # Work a move causes but the room does not wait for (writing the time shown, opening
        # the next film) runs once the new slide is painted: the key press only changes the screen.
        self._after_paint: list = []
        self.audience.painted_slide.connect(self._paint_done)
        self._after_paint_timer = QTimer(self, singleShot=True, interval=AFTER_PAINT_LATEST_MS)
        self._after_paint_timer.timeout.connect(self._run_after_paint)
        self.playback.ended.connect(self._clip_ended)
        self.playback.failed.connect(lambda message: self.presenter.status.setText(f"Cannot play: {message}"))
        self.presenter.mark_pressed.connect(self.mark)
        self.blackout = False
        self.paused = False
        self.overlay = False  # True: one screen, the presenter view is laid over the audience screen
        self.active = False
        self._prepared: int | None = None
        self._shown_since: float | None = None
        self._commit = QTimer(self, interval=COMMIT_EVERY_MS)
        self._commit.timeout.connect(self._commit_time)
        self._unsubscribe = lib.subscribe(self._on_changed)
        self._elsewhere = elsewhere  # the bridge's signal: another process changed the library
        if elsewhere is not None:
            elsewhere.connect(self._recheck)
        self._laptop = laptop

    def warn(self, item) -> str:
        """The content warning before ``item``'s clip ("" for none), as the gate last found it."""
        return self.warnings[item.id] if item.id in self.warnings else self._first_warn(item)

    def _slides(self) -> list:
        for item in self.detail.items:
            if item.id in self._unchecked:
                item.withheld = True
        review = self.detail.review
        return seq.slides(self.detail.items, self.warn, opening=review.opening_title is not None,
                          closing=review.closing_credits is not None)

    # -- opening and leaving ---------------------------------------------------------------
    def start(self) -> "Presentation":
        audience_screen, presenter_screen = pick_screens(self._laptop)
        if presenter_screen is None:
            self._make_overlay()
            self.audience.hint = "Tab: presenter notes"
        full_screen_on(self.audience, audience_screen)
        if presenter_screen is not None:
            maximised_on(self.presenter, presenter_screen)
        QApplication.instance().installEventFilter(self)
        self.active = True
        self._commit.start()
        self.go(self.index)
        self.audience.activateWindow()
        self.audience.setFocus()
        return self

    def _make_overlay(self) -> None:
        self.overlay = True
        self.presenter.setParent(self.audience)
        self.presenter.setAutoFillBackground(True)
        palette = self.presenter.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor(245, 246, 248))  # opaque: the slide must not show through
        self.presenter.setPalette(palette)
        self.presenter.setCursor(Qt.CursorShape.ArrowCursor)
        self.presenter.hide()

    def toggle_overlay(self) -> None:
        if not self.overlay:
            return
        if self.presenter.isVisible():
            self.presenter.hide()
            self.audience.setFocus()
            return
        w, h = self.audience.width(), self.audience.height()
        self.presenter.setGeometry(int(w * 0.42), int(h * 0.04), int(w * 0.56), int(h * 0.9))
        self.presenter.show()
        self.presenter.raise_()

    def leave(self) -> None:
        if not self.active:
            return
        self.active = False
        QApplication.instance().removeEventFilter(self)
        self.presenter.flush()
        self._after_paint_timer.stop()
        self._after_paint = [work for work in self._after_paint if work[0] == "commit"]  # no film to open now
        self._run_after_paint()
        self._commit_time()
        self._commit.stop()
        self.runner.run(lambda lib: reviews.finish(lib, self.review_id), self.presenter, say=False)
        self._unsubscribe()
        if self._elsewhere is not None:
            self._elsewhere.disconnect(self._recheck)
        self.playback.stop()
        if not self.overlay:
            self.presenter.close()
        self.audience.close()  # (the overlay is its child)
        self.finished.emit(self.review_id)

    # -- moving through the slides ---------------------------------------------------------
    @property
    def slide(self) -> seq.Slide:
        return self.slides[self.index]

    def item_of(self, slide: seq.Slide):
        return self.detail.items[slide.item] if 0 <= slide.item < len(self.detail.items) else None

    def _ask_gate(self, index: int, play: bool = True) -> int:
        """Ask the gate about the item of slide ``index`` (logging the showing when its clip is
        about to play); returns the slide to show: the same, or, if the answer changed, the
        item's withheld card, its new warning, or where the item now starts."""
        slide = self.slides[index]
        item = self.item_of(slide)
        if item is None:
            return index
        log = play and slide.kind == seq.CLIP and item.id not in self._logged
        showing = self.runner.run(lambda lib: reviews.show_item(lib, self.review_id, item.id, log=log),
                                  self.presenter, say=False)
        if showing is None:  # the gate could not be asked (the error is shown): never the clip
            self._unchecked.add(item.id)
            showing = reviews.Showing(item.id, True, "the consent check could not be made", self.warn(item), False)
        else:
            self._unchecked.discard(item.id)
        if showing.logged:
            self._logged.add(item.id)
        warned_before = self.warn(item)
        self.warnings[item.id] = showing.warning
        if showing.withheld == item.withheld and bool(showing.warning) == bool(warned_before):
            return index
        self.detail = review_records.detail(self.lib, self.review_id)
        self.slides = self._slides()
        self.presenter.status.setText(f"Item {slide.item + 1}: withheld now ({showing.reason})" if showing.withheld
                                      else f"Item {slide.item + 1}: the gate's answer changed")
        mine = [n for n, s in enumerate(self.slides) if s.item == slide.item]
        kinds = {self.slides[n].kind: n for n in reversed(mine)}
        if seq.WITHHELD in kinds:
            return kinds[seq.WITHHELD]
        same = kinds.get(slide.kind, mine[0] if mine else seq.first_slide_of(self.slides, slide.item))
        if (showing.warning and not warned_before and slide.kind in (seq.CARD, seq.CLIP)
                and kinds.get(seq.WARNING, same) < same):
            return kinds[seq.WARNING]  # a flag set during the meeting: its warning comes before the clip
        return same

    def _recheck(self, *_args) -> None:
        """Consent or a flag changed (this window, or another process): the slide on the screen
        is asked about again at once; a clip playing stops for the withheld card."""
        if not self.active:
            return
        at = self.slide
        index = self._ask_gate(self.index, play=False)
        if self.slides[index] != at or index != self.index:
            self.go(index)

    def go(self, index: int) -> None:
        self._commit_time(later=True)
        self.index = self._ask_gate(min(max(index, 0), len(self.slides) - 1))
        slide = self.slide
        self.blackout = self.paused = False
        self.audience.set_blackout(False)
        self.audience.set_paused(False)
        item = self.item_of(slide)
        warning = self.warn(item) if slide.kind == seq.WARNING and item is not None else ""
        self.audience.show_slide(slide, item, len(self.detail.items), warning=warning)
        if slide.kind == seq.CLIP:
            if self._prepared != slide.item:
                self._prepare(slide.item)
            self.playback.play()
        else:
            self.playback.hide()
            upcoming = next((s for s in self.slides[self.index:] if s.kind == seq.CLIP), None)
            if self.preload and upcoming is not None and upcoming.item != self._prepared:
                # Opened while the card is up (the clip then starts at once), after the card is painted.
                self._later("prepare", self._prepare_upcoming)
        self.presenter.show_slide(self.detail, self.slides, self.index)
        self._shown_since = time.monotonic()
        self.moved.emit(self.index)

    def _later(self, kind: str, work) -> None:
        self._after_paint.append((kind, work))
        if not self._after_paint_timer.isActive():
            self._after_paint_timer.start()

    def _paint_done(self) -> None:
        if self._after_paint:
            QTimer.singleShot(0, self._run_after_paint)  # after the painted slide is flushed to the screen

    def _run_after_paint(self) -> None:
        self._after_paint_timer.stop()
        work, self._after_paint = self._after_paint, []
        for _kind, job in work:
            job()

    def _prepare_upcoming(self) -> None:
        """Open the next clip's film (if the room is still on a card before it)."""
        if not self.active or self.slide.kind == seq.CLIP:
            return
        upcoming = next((s for s in self.slides[self.index:] if s.kind == seq.CLIP), None)
        if upcoming is not None and upcoming.item != self._prepared:
            self._prepare(upcoming.item)

    def _prepare(self, item_index: int) -> None:
        item = self.detail.items[item_index]
        self._prepared = item_index
        self.playback.prepare(None if item.missing else item.film_path, item.start_us, item.end_us,
                              item.play_offset_us)

    def next(self) -> None:
        if self.index < len(self.slides) - 1:
            self.go(self.index + 1)

    def back(self) -> None:
        if self.index > 0:
            self.go(self.index - 1)

    def replay(self) -> None:
        """R: the current item's clip again from its start."""
        item = self.slide.item
        clip_slide = next((n for n, s in enumerate(self.slides) if s.item == item and s.kind == seq.CLIP), None)
        if clip_slide is None:
            return
        if clip_slide != self.index:
            self.go(clip_slide)
        self.paused = False
        self.audience.set_paused(False)
        self.playback.replay()

    def toggle_pause(self) -> None:
        if self.slide.kind != seq.CLIP:
            return
        self.paused = not self.paused
        self.audience.set_paused(self.paused)
        if self.paused:
            self.playback.pause()
        else:
            self.playback.play()

    def toggle_blackout(self) -> None:
        self._commit_time()  # a blacked-out screen is not time the item was shown
        self.blackout = not self.blackout
        self.audience.set_blackout(self.blackout)
        if self.slide.kind == seq.CLIP:
            if self.blackout:
                self.playback.pause()
            elif not self.paused:
                self.playback.play()
        self._shown_since = time.monotonic()

    def resume(self) -> None:
        """F5: back to presenting (out of a blackout or a pause)."""
        if self.blackout:
            self.toggle_blackout()
        if self.paused:
            self.toggle_pause()

    def _clip_ended(self) -> None:
        following = self.slides[self.index + 1] if self.index + 1 < len(self.slides) else None
        if self.slide.kind == seq.CLIP and following is not None and following.kind == seq.DISCUSS:
            self.go(self.index + 1)  # the question comes up by itself; other clips hold their last frame

    # -- capture ---------------------------------------------------------------------------
    def mark(self, kind: str) -> None:
        item = self.item_of(self.slide)
        if item is None or item.clip_id is None:
            return
        self.runner.run(lambda lib: reviews.add_mark(lib, self.review_id, item.clip_id, kind), self.presenter,
                        say=False)  # the presenter view shows the mark

    def _commit_time(self, later: bool = False) -> None:
        """Add the time the slide on screen has been up to its item (``later``: written once the
        next slide is painted, at most AFTER_PAINT_LATEST_MS from now)."""
        if self._shown_since is None:
            return
        now = time.monotonic()
        elapsed = 0 if self.blackout else int((now - self._shown_since) * 1_000_000)
        self._shown_since = now
        item, position = self.item_of(self.slide), max(self.slide.item, 0)
        shown_id = item.id if item is not None and not item.withheld else None  # a withheld card shows no clip

        def write():
            self.runner.run(lambda lib: reviews.shown(lib, self.review_id, shown_id, elapsed, position),
                            self.presenter, say=False)

        if later:
            self._later("commit", write)
        else:
            write()

    def _on_changed(self, changes) -> None:
        if changes.touches("people", "consent_records", "appearances", "appearance_ranges", "clips"):
            QTimer.singleShot(0, self._recheck)  # after the change's own work: the slide asked again
        if not changes.touches("review_items", "review_marks", "review_actions", "reviews"):
            return
        if not changes.touches("review_marks", "review_actions") and not self._discuss_changed(changes):
            return  # time and position only: nothing on screen changes
        at = self.slide
        self.detail = review_records.detail(self.lib, self.review_id)
        self.slides = self._slides()
        self.index = next((n for n, s in enumerate(self.slides) if s == at),
                          seq.first_slide_of(self.slides, at.item))
        self.presenter.refresh_marks(self.detail)
        self.presenter.fill_actions(self.detail)
        self.presenter.show_slide(self.detail, self.slides, self.index)

    def _discuss_changed(self, changes) -> bool:
        return changes.touches("review_items") and changes.name == "Discussion question"

    # -- keys ------------------------------------------------------------------------------
    def _ours(self, obj) -> bool:
        return isinstance(obj, QWidget) and obj.window() in (self.audience, self.presenter.window())

    def eventFilter(self, obj, event) -> bool:
        if event.type() != QEvent.Type.KeyPress or not self._ours(obj):
            return False
        key = event.key()
        if event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            return False
        if is_text_input(obj):
            if key == K.Key_Escape:
                (self.audience if self.overlay else self.presenter).setFocus()
                return True
            if key not in CLICKER_KEYS:
                return False
        return self.handle_key(key, event.text())

    def handle_key(self, key, text: str = "") -> bool:
        if key in NEXT_KEYS:
            self.next()
        elif key in BACK_KEYS:
            self.back()
        elif key == K.Key_R:
            self.replay()
        elif key in (K.Key_B, K.Key_Period):
            self.toggle_blackout()
        elif key == K.Key_P:
            self.toggle_pause()
        elif key == K.Key_F5:
            self.resume()
        elif key == K.Key_Escape:
            self.leave()
        elif key == K.Key_Tab:
            self.toggle_overlay()
        elif text in MARK_KEYS.values():
            self.mark(next(kind for kind, k in MARK_KEYS.items() if k == text))
        else:
            return False
        return True
