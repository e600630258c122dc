"""The player on a film whose first picture is not at its container's start: an MKV muxed by
FFmpeg 5.1, whose unmarked AAC priming sits at the start and its first picture 21 ms later
(tests/conformance_films.py ``make_ffmpeg51_mkv``: every frame shows its index as a bar code),
and an MPEG-TS, whose first picture is 21,333.3 µs in. The film counts from that picture; Qt's
player counts from the container's start: positions and frames pass between the two clocks by
the film's ``play_offset_us``."""

from __future__ import annotations

from fractions import Fraction

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.films import importing
from tests.conformance_films import DEBIAN_FFMPEG, FilmSpec, make_ffmpeg51_mkv, make_film
from tests.ui.helpers import pump, shown_index


def _wait_frame(qtbot, window, index):
    qtbot.waitUntil(lambda: shown_index(window) == index, timeout=10_000)
    assert window.player.frame_index == index


@pytest.mark.parametrize("kind", ["ffmpeg51 mkv", "transport stream"])
def test_a_film_is_shown_and_played_from_its_first_picture(qtbot, window, tmp_path, kind):
    """Typed 1.05, the player shows frame 31 at 1.033 s (it showed frame 30: every time was
    21 ms early, and the film 4.021 s long); Space plays on from frame 31 itself (not the frame
    before), and every frame Qt's player puts on screen is the frame the player says, at that
    frame's start in film time (the TS's frame 0 too, which Qt puts 1 µs before the film's zero)."""
    if kind == "ffmpeg51 mkv":
        if not DEBIAN_FFMPEG.exists():
            pytest.skip("needs Debian's ffmpeg in /usr/bin (FFmpeg 5.1 muxes differently)")
        path, offset, frame_31 = make_ffmpeg51_mkv(tmp_path, seconds=4), 21_000, 1_033_000
    else:
        path = make_film(tmp_path, FilmSpec("transport", ".ts", Fraction(30), seconds=4))
        offset, frame_31 = 21_334, 1_033_333
    film_id = importing.import_file(window.lib, path, link=True).film_id
    window.library_panel.select_film(film_id)
    qtbot.waitUntil(lambda: window.video.current_image() is not None, timeout=10_000)
    player = window.player
    assert player.duration_us == 4_000_000 and player.film.play_offset_us == offset
    _wait_frame(qtbot, window, 0)
    assert player.position_us == 0
    field = window.transport.timecode
    field.setFocus()
    field.selectAll()
    QTest.keyClicks(field, "1.05")
    QTest.keyClick(field, Qt.Key.Key_Return)
    _wait_frame(qtbot, window, 31)
    assert player.position_us == frame_31
    qtbot.waitUntil(lambda: player.index.count == 120, timeout=10_000)  # the film's own frame index

    played = []  # (frame the player says, its position, the bar code on screen) for each frame Qt shows

    def shown(_time_us):
        if player._qt_drives:
            played.append((player.frame_index, player.position_us, shown_index(window)))

    window.video.frame_shown.connect(shown)  # after the player's own slot: its position is this frame's
    try:
        window.setFocus()
        QTest.keyClick(window, Qt.Key.Key_Space)
        qtbot.waitUntil(player.is_playing, timeout=5_000)
        qtbot.waitUntil(lambda: player.position_us > 1_800_000, timeout=15_000)
        QTest.keyClick(window, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: not player.is_playing(), timeout=5_000)
        pump(300)
    finally:
        window.video.frame_shown.disconnect(shown)
    assert len(played) >= 10, played
    if kind == "ffmpeg51 mkv":  # (Qt's player seeks an MPEG-TS to a keyframe: there frame 36)
        assert played[0][2] == 31, f"playback began on frame {played[0][2]}, the paused player showed 31"
    for said, position, seen in played:
        assert said == seen, played
        assert position == player.index.start(said), played
    assert player.index.start(31) == frame_31 and player.index.start(0) == 0
    _wait_frame(qtbot, window, player.frame_index)  # paused: the exact still is the frame the player says
    played.clear()
    window.video.frame_shown.connect(shown)
    try:  # from the film's very start: its frame 0 is at 0
        QTest.keyClick(window, Qt.Key.Key_Home)
        _wait_frame(qtbot, window, 0)
        QTest.keyClick(window, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: player.position_us > 300_000, timeout=15_000)
        QTest.keyClick(window, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: not player.is_playing(), timeout=5_000)
        pump(300)
    finally:
        window.video.frame_shown.disconnect(shown)
    assert played[0] == (0, 0, 0), played[:3]
    assert all(said == seen and position == player.index.start(said) for said, position, seen in played), played
