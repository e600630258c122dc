"""The timeline widget: wires the film's clips (lanes), the view (zoom and scroll), the in/out
marks, the mouse and the painters together. Each of those lives in its own module here."""

from __future__ import annotations

from fractions import Fraction

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget

from app import reads
from app.changes import Changes
from media import timecode
from media.reading.frame_index import FrameIndex
from app.clips import clips as clip_ops
from app.records import ClipRecord, FilmRecord
from ui.kit.bridge import LibraryBridge
from ui.kit.saying import quoted
from ui.timeline.film_media import load_film_media
from ui.timeline.page_loader import PageLoader
from ui.clips.selection import ClipSelection
from ui.timeline import interaction, painting
from ui.timeline.bands import MEDIA_TOP, clip_rect, height_for
from ui.timeline.lanes import pack_lanes, sort_clips
from ui.timeline.marks import Marks
from ui.timeline.media_band import MediaBand
from ui.timeline.viewport import Viewport


class Timeline(QWidget):
    seek_requested = Signal("qlonglong")  # µs (64-bit: a C++ int overflows after 35 min)
    marks_changed = Signal()
    notice = Signal(str)  # why a key did nothing, what an action did

    def __init__(self, bridge: LibraryBridge, selection: ClipSelection, runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timeline")
        self.bridge = bridge
        self.selection = selection
        self.runner = runner  # ui.kit.operations.OperationRunner: changes go through it
        self.film: FilmRecord | None = None
        self.clips: list[ClipRecord] = []
        self.lanes: dict[int, int] = {}
        self.playhead_us = 0
        self.view = Viewport()
        self.marks = Marks()
        self.media_band = MediaBand()
        self.pages = PageLoader(self)  # thumbnail pages are read off the GUI thread
        self.pages.loaded.connect(self._page_loaded)
        self._drag: interaction.EdgeDrag | None = None
        self._seeking = False
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        bridge.changed.connect(self._on_changed)
        selection.changed.connect(lambda _ids: self.update())

    def sizeHint(self) -> QSize:
        return QSize(900, self._height())

    def minimumSizeHint(self) -> QSize:
        return QSize(300, self._height())

    def _height(self) -> int:
        return height_for(max(self.lanes.values(), default=0) + 1)

    # -- what is shown -------------------------------------------------------------------
    @property
    def fps(self) -> Fraction:
        return self.view.fps

    @property
    def duration_us(self) -> int:
        return self.view.duration_us

    @property
    def us_per_px(self) -> float:
        return self.view.us_per_px

    @property
    def in_us(self) -> int | None:
        return self.marks.in_us

    @property
    def out_us(self) -> int | None:
        return self.marks.out_us

    @property
    def selected_clip(self) -> int | None:
        return self.selection.current

    def select_clip(self, clip_id: int | None) -> None:
        self.selection.select(clip_id)

    def set_film(self, film: FilmRecord | None, index: FrameIndex | None = None) -> None:
        """``index``: the film's frame index (``set_index`` gives it later if still being read)."""
        self.film = film
        fps = Fraction(film.fps) if film and film.fps else Fraction(25)
        self.view.resize(self.width())
        self.view.reset(film.duration_us if film else 1, fps)
        self.view.index = index or FrameIndex.grid(fps, self.view.duration_us)
        self.marks = Marks(self.view.index, self.view.duration_us)
        media = load_film_media(self.bridge.lib, film) if film else None
        if media is not None:
            media.loader = self.pages
        self.media_band.set_media(media)
        self.reload_clips()
        self.marks_changed.emit()

    def set_index(self, film_id: int, index: FrameIndex) -> None:
        """The film's own frame index, read after it was opened: marks and trims snap to it."""
        if self.film is not None and self.film.id == film_id:
            self.view.index = self.marks.index = index

    def _page_loaded(self, path: str, page: QPixmap) -> None:
        media = self.media_band.media
        if media is not None and media.store(path, page) is not None:
            self.media_band.invalidate()
            self.update()

    def media_arrived(self, film_id: int) -> None:
        """More thumbnails and waveform of a film importing in the background are on disk (or
        it completed and its cache moved to its content hash): draw what there is now."""
        media = self.media_band.media
        if self.film is None or self.film.id != film_id or media is None:
            return
        fresh = reads.film_or_none(self.bridge.lib, film_id)
        if fresh is not None and fresh.sha256 != self.film.sha256:
            self.film = fresh
            media.folder = self.bridge.lib.cache_dir(fresh.sha256)
        media.refresh()
        self.media_band.invalidate()
        self.update()

    def reload_clips(self, clips: list | None = None) -> None:
        """Read the film's clips again (``clips``: already read, as they are now)."""
        if clips is None:
            clips = reads.film_clips(self.bridge.lib, self.film.id) if self.film else []
        self.clips = sort_clips(clips) if self.film else []
        self.lanes = pack_lanes(self.clips)
        self.setFixedHeight(self._height())
        self.update()

    def _on_changed(self, changes: Changes) -> None:
        if self.film is None:
            return
        if self.film.id in changes.ids_of("films") and reads.film_or_none(self.bridge.lib, self.film.id) is None:
            self.set_film(None)
            return
        named = set(changes.ids_of("clips")) | {key[0] for key in changes.ids_of("clip_tags")}
        if changes.touches("tags") and any(c.tags for c in self.clips):
            self.reload_clips()  # a tag's name or colour shows on every clip carrying it
        elif named:
            self._replace_clips(named)

    def _replace_clips(self, named: set[int]) -> None:
        """Just the clips a change names are read again (a clip made, moved, tagged or undone):
        a change to another film's clips reads only those and redraws nothing here."""
        fresh = [c for c in reads.clips(self.bridge.lib, sorted(named)) if c.film_id == self.film.id]
        if not fresh and not any(c.id in named for c in self.clips):
            return
        self.clips = sort_clips([c for c in self.clips if c.id not in named] + fresh)
        self.lanes = pack_lanes(self.clips)
        self.setFixedHeight(self._height())
        self.update()

    # -- zoom ----------------------------------------------------------------------------
    def x_of(self, us: int) -> float:
        return self.view.x_of(us)

    def us_at(self, x: float) -> int:
        return self.view.us_at(x)

    def resizeEvent(self, event) -> None:
        self.view.resize(self.width())
        super().resizeEvent(event)

    def zoom(self, factor: float, around_x: float | None = None) -> None:
        if self.film is None:
            return
        self.view.zoom(factor, self.x_of(self.playhead_us) if around_x is None else around_x)
        self.update()

    def zoom_in(self) -> None:
        self.zoom(1.5)

    def zoom_out(self) -> None:
        self.zoom(1 / 1.5)

    def wheelEvent(self, event) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom(1.25 ** steps, event.position().x())
        event.accept()

    # -- playhead and marks --------------------------------------------------------------
    def set_playhead(self, us: int) -> None:
        old_x = self.x_of(self.playhead_us)
        self.playhead_us = us
        if self.view.follow(us) or self.marks.shaded(us) is not None:
            self.update()
            return
        # Only the strips under the old and the new playhead change: the rest is cached.
        w = painting.PLAYHEAD_HALF_W
        for x in (old_x, self.x_of(us)):
            if -w <= x <= self.width() + w:  # far off screen (hours away at frame zoom): nothing to redraw
                self.update(QRect(int(x) - w, 0, 2 * w + 1, self.height()))

    def _say(self, message: str | None) -> None:
        if message:
            self.notice.emit(message)

    def mark_in(self) -> None:
        self._say(self.marks.set_in(self.playhead_us))
        self.marks_changed.emit()
        self.update()

    def mark_out(self) -> None:
        self._say(self.marks.set_out(self.playhead_us))
        self.marks_changed.emit()
        self.update()

    def mark_range(self, start_us: int, end_us: int) -> None:
        """In and Out around a stretch (words chosen in the transcript): In at the start of the
        frame on screen when it begins, Out at the end of the frame on screen when it ends."""
        self.marks.in_us = self.marks.frame_start(start_us)
        self.marks.out_us = max(self.marks.frame_end(max(end_us - 1, start_us)), self.marks.in_us + 1)
        self.marks_changed.emit()
        self.update()

    def clear_marks(self) -> bool:
        had = self.marks.clear()
        self.marks_changed.emit()
        self.update()
        return had

    def create_clip(self) -> int | None:
        """Enter: a clip from In to Out (Out defaults to the frame on screen)."""
        if self.film is None:
            self._say("No clip made: open a film first.")
            return None
        made = self.marks.clip_range(self.playhead_us)
        if isinstance(made, str):
            self._say(made)
            return None
        film_id, (start, end) = self.film.id, made
        clip_id = self.runner.run(lambda lib: clip_ops.add(lib, film_id, start, end), parent=self,
                                  say=lambda new: f"New clip {quoted(reads.clip(self.runner.lib, new).title)} "
                                                  f"({timecode.format_short(end - start, 2)}).")
        if clip_id is None:
            return None
        self.clear_marks()
        self.select_clip(clip_id)
        return clip_id

    # -- mouse ---------------------------------------------------------------------------
    def _clip_rect(self, clip: ClipRecord):
        return clip_rect(self.view, self.lanes.get(clip.id, 0), clip.start_us, clip.end_us)

    def mousePressEvent(self, event) -> None:
        if self.film is None or event.button() != Qt.MouseButton.LeftButton:
            return
        clip, edge = interaction.hit(self.view, self.clips, self.lanes, event.position())
        if clip is not None:
            self.select_clip(clip.id)
            if edge is not None:
                self._drag = interaction.EdgeDrag(clip.id, edge, clip.start_us, clip.end_us)
            else:
                self.seek_requested.emit(clip.start_us)
        else:
            self._seeking = True
            self.seek_requested.emit(interaction.clamped(self.view, self.us_at(event.position().x())))

    def mouseMoveEvent(self, event) -> None:
        pos = event.position()
        if self._drag is not None:
            self.seek_requested.emit(interaction.drag_to(self._drag, self.view, pos.x()))
            self.update()
        elif self._seeking:
            self.seek_requested.emit(interaction.clamped(self.view, self.us_at(pos.x())))
        else:
            _, edge = interaction.hit(self.view, self.clips, self.lanes, pos)
            self.setCursor(Qt.CursorShape.SizeHorCursor if edge else Qt.CursorShape.ArrowCursor)

    def mouseReleaseEvent(self, event) -> None:
        self._seeking = False
        drag, self._drag = self._drag, None
        if drag is None:
            return
        original = next((c for c in self.clips if c.id == drag.clip_id), None)
        if original and (original.start_us, original.end_us) != (drag.start_us, drag.end_us):
            # Trimmed from the in and out on screen: someone else's trim meanwhile is a conflict.
            made_from = {"start_us": original.start_us, "end_us": original.end_us}
            self.runner.run(lambda lib: clip_ops.set_range(lib, drag.clip_id, drag.start_us, drag.end_us,
                                                           version=original.version, read=made_from),
                            parent=self, say=f"Trimmed {quoted(original.title)}: now "
                                             f"{timecode.format_short(drag.start_us, 2)}–{timecode.format_short(drag.end_us, 2)}.")
        self.update()

    def dragged_range(self) -> tuple[int, int] | None:
        return (self._drag.start_us, self._drag.end_us) if self._drag else None

    # -- painting ------------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#1d2025"))
        if self.film is None:
            p.setPen(QColor("#9aa0a6"))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "Open a film to see its timeline")
            p.end()
            return
        family = self.font().family()
        painting.paint_ruler(p, self.view, family)
        self.media_band.paint(p, self.view, MEDIA_TOP, self.devicePixelRatioF())
        painting.paint_marks(p, self.view, self.marks.shaded(self.playhead_us),
                             (self.marks.in_us, self.marks.out_us), self.height())
        exposed = [(r.left(), r.right() + 1) for r in event.region()]  # the playhead's strips as a film plays
        painting.paint_clips(p, self.view, self._clips_as_drawn(), self.lanes, frozenset(self.selection.ids), family,
                             exposed)
        painting.paint_playhead(p, self.x_of(self.playhead_us), self.height())
        p.end()

    def _clips_as_drawn(self) -> list[ClipRecord]:
        """The clips, with the one being trimmed at its dragged range."""
        if self._drag is None:
            return self.clips
        d = self._drag
        return [ClipRecord(**{**c.__dict__, "start_us": d.start_us, "end_us": d.end_us}) if c.id == d.clip_id else c
                for c in self.clips]
