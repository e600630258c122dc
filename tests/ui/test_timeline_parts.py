"""The timeline's parts on their own: lanes, zoom, marks, the cached media band."""

from fractions import Fraction

from media.reading.frame_index import FrameIndex
from media.timecode import FrameRange

import numpy as np
from PySide6.QtGui import QPainter, QPixmap

from app.records import ClipRecord
from ui.timeline import interaction
from ui.timeline.film_media import FilmMedia
from ui.timeline.lanes import pack_lanes, sort_clips
from ui.timeline.marks import Marks
from ui.timeline.media_band import MediaBand, waveform_columns
from ui.timeline.viewport import Viewport


def clip(i, start, end):
    return ClipRecord(i, 1, "f", f"c{i}", start, end)


def test_overlapping_clips_go_on_separate_lanes_and_touching_ones_share():
    clips = sort_clips([clip(3, 5, 8), clip(1, 0, 5), clip(2, 2, 6)])
    assert pack_lanes(clips) == {1: 0, 2: 1, 3: 0}  # 3 starts where 1 ends: half-open ranges


def test_zoom_keeps_the_time_under_the_pointer_and_never_goes_past_fit_or_one_frame():
    v = Viewport()
    v.resize(1002)
    v.reset(10_000_000, Fraction(25))
    assert v.us_per_px == 10_000 and v.fit
    anchor = v.us_at(300)
    v.zoom(4, 300)
    assert abs(v.us_at(300) - anchor) <= v.us_per_px and not v.fit
    for _ in range(50):
        v.zoom(2, 300)
    assert v.us_per_px == 40_000 / 24  # one frame is 24 px wide at most
    for _ in range(50):
        v.zoom(0.5, 300)
    assert v.fit and v.left_us == 0


def test_following_the_playhead_scrolls_only_when_zoomed_and_off_screen():
    v = Viewport()
    v.resize(1002)
    v.reset(10_000_000, Fraction(25))
    assert not v.follow(9_000_000)  # the whole film is on screen
    v.zoom(10, 0)
    assert not v.follow(500_000)
    assert v.follow(5_000_000) and 0 <= v.x_of(5_000_000) <= v.width_px


def test_out_before_in_is_refused_with_the_reason_and_keeps_in():
    m = Marks(FrameIndex.grid(Fraction(25), 10_000_000), 10_000_000)
    assert m.set_in(2_010_000) is None and m.in_us == 2_000_000
    why = m.set_out(1_000_000)
    assert why.startswith("Out not set: it must come after In (0:02.00)")
    assert (m.in_us, m.out_us) == (2_000_000, None)
    assert m.set_out(3_000_000) is None and m.out_us == 3_040_000  # the end of the frame on screen
    assert m.set_in(3_100_000).startswith("In not set")
    assert m.clip_range(0) == (2_000_000, 3_040_000)
    assert m.clear() and not m.clear()
    assert "press I" in m.clip_range(0)


def test_marks_and_trims_land_on_the_films_own_frames_not_the_nominal_grid():
    """A 30 fps WebM keeps milliseconds: frame 91 starts at 3.033 s, where the 30 fps grid
    says 3.0334 (frame 90 at 3.05 s: one frame early)."""
    starts = [round(i * 1000 / 30) * 1000 for i in range(150)]  # what the muxer wrote, in ms
    index = FrameIndex(starts, 5_000_000)
    m = Marks(index, 5_000_000)
    assert m.set_in(3_050_000) is None and m.in_us == 3_033_000
    assert m.set_out(4_030_000) is None and m.out_us == 4_033_000  # the end of frame 120 on screen
    assert index.frames(m.in_us, m.out_us) == FrameRange(91, 30)
    v = Viewport(index=index)
    v.resize(1000)
    v.reset(5_000_000, Fraction(30))
    drag = interaction.EdgeDrag(1, "start", 1_000_000, 2_000_000)
    interaction.drag_to(drag, v, v.x_of(1_517_000))  # nearer frame 46's start (1.533) than 45's (1.500)
    assert drag.start_us == 1_533_000


def test_waveform_columns_take_the_loudest_peak_of_each_column():
    peaks = np.zeros(1000, dtype=np.uint16)  # 10 s, a peak per 10 ms
    peaks[250] = 1000  # 2.5 s
    peaks[999] = 500  # the very last peak
    v = Viewport()
    v.resize(102)
    v.reset(10_000_000, Fraction(25))  # 100 ms a column
    cols = waveform_columns(peaks, v, 10.0)
    assert len(cols) == 101
    assert cols[25] == 10.0 and cols[99] == 5.0 and cols[24] == 0.5
    v.zoom(50, 0)  # under one peak per column: each column still shows its peak
    cols = waveform_columns(peaks, v, 10.0)
    assert (cols > 0).all()


def test_the_media_band_is_drawn_once_per_view_not_per_playhead_move(qapp):
    band = MediaBand()
    band.set_media(FilmMedia(strip=None, peaks=np.arange(1000, dtype=np.uint16)))
    v = Viewport()
    v.resize(400)
    v.reset(10_000_000, Fraction(25))
    target = QPixmap(400, 200)
    p = QPainter(target)
    for _ in range(20):  # twenty playhead moves: same view
        band.paint(p, v, 20)
    assert band.renders == 1
    v.zoom(2, 100)
    band.paint(p, v, 20)
    p.end()
    assert band.renders == 2


def test_a_playhead_hours_away_from_what_the_timeline_shows_is_not_drawn(window):
    """A player reporting 1:30:00 before the timeline has its film (one microsecond wide, so
    the playhead is ~10^12 px away) must not hand Qt a rectangle it cannot hold."""
    tl = window.timeline
    tl.set_film(None)
    tl.set_playhead(5_400_000_000)
    tl.set_playhead(0)
    assert tl.playhead_us == 0


def test_a_moving_playhead_redraws_only_the_clips_under_it_and_the_picture_is_the_same(qtbot, film_window, monkeypatch):
    """As a film plays, each frame repaints the strips under the old and new playhead: only the
    clips there are drawn (issue 29: a film's hundreds of clips were drawn every frame, a few ms
    of the GUI thread each), and what is on screen is what a full repaint draws."""
    from app.clips import clips
    from ui.timeline import painting

    w = film_window
    tl = w.timeline
    duration = w.player.film.duration_us
    for n in range(12):  # clips all along the film
        start = n * (duration - 300_000) // 12
        clips.add(w.lib, w.film_id, start, start + 200_000, title=f"Clip {n}")
    qtbot.waitUntil(lambda: len(tl.clips) == 12, timeout=5000)
    qtbot.wait(50)  # the clips drawn
    drawn = []
    real = painting.clip_kind_color
    monkeypatch.setattr(painting, "clip_kind_color", lambda c: (drawn.append(c.id), real(c))[1])
    screen = w.windowHandle().screen()

    def on_screen():
        at = tl.mapTo(w, tl.rect().topLeft())
        return screen.grabWindow(w.winId(), at.x(), at.y(), tl.width(), tl.height()).toImage()

    for at in (duration // 5, duration // 3, duration // 2):  # the player moving the playhead
        drawn.clear()
        w.player.position_changed.emit(at)
        qtbot.wait(50)  # Qt paints the strips it was asked to
        assert 0 < len(drawn) <= 4, drawn  # the clips under the two strips, not all 12
    partial = on_screen()
    assert not partial.isNull() and partial.width() == tl.width()
    tl.update()  # everything again
    qtbot.wait(50)
    assert on_screen() == partial
