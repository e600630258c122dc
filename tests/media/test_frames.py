"""Exact frames for the paused player: every seek and step shows the frame asked for."""

import random
from fractions import Fraction

import pytest

from media import timecode
from media.reading.frames import FrameReader
from media.reading.probe import probe
from tests.conftest import sample
from tests.media_factory import make_counting_film, read_index


@pytest.fixture(scope="module")
def bframe_film(tmp_path_factory):
    """30 fps, 2 s GOP, with B-frames (x264 veryfast): reordering and non-reference frames."""
    path = tmp_path_factory.mktemp("frames") / "bframes.mp4"
    return make_counting_film(path, seconds=8, fps=Fraction(30), gop=60, preset="veryfast", audio=False)


def test_random_seeks_and_steps_land_on_the_exact_frame(bframe_film):
    fps = Fraction(30)
    reader = FrameReader(bframe_film)
    rng = random.Random(11)
    wanted = [rng.randrange(0, 240) for _ in range(60)] + list(range(100, 130)) + list(range(130, 95, -1)) + [0, 239, 1]
    for index in wanted:
        still = reader.frame_at(timecode.seek_target_us(index, fps))
        assert read_index(still.rgb) == index
        assert timecode.frame_index_at(still.time_us, fps) == index
    reader.close()


def test_stills_scale_to_the_box_and_stay_upright(tmp_path):
    path = make_counting_film(tmp_path / "rot.mp4", seconds=1, rotation=90, audio=False)
    info = probe(path)
    reader = FrameReader(path, info.start_us, info.rotation)
    reader.box = (100, 100)
    still = reader.frame_at(0)
    assert still.rgb.shape[0] > still.rgb.shape[1]  # portrait once upright
    assert max(still.rgb.shape[:2]) <= 100


def test_index_less_mpeg_streams_still_give_exact_frames():
    path = sample("people-talking-grid-woman-360x288p25-mpeg1-mp2.mpg")
    info = probe(path)
    reader = FrameReader(path, info.start_us)
    fps = info.fps
    for index in (0, 1, 13, 40, 74, 12, 0):
        still = reader.frame_at(timecode.seek_target_us(index, fps))
        assert timecode.frame_index_at(still.time_us, fps) == index


def test_transport_stream_times_count_from_the_film_start():
    path = sample("container-mpegts-mpeg2-mp2-1080p24-bbb.ts")
    info = probe(path)
    assert info.start_us > 1_000_000
    reader = FrameReader(path, info.start_us)
    assert reader.frame_at(0).time_us < 50_000


def test_the_frame_index_read_from_packets_is_the_frames_the_reader_decodes(bframe_film):
    """The one frame rule (media.reading.frame_index) from the packets alone agrees with the
    frames a decoder shows: B-frames come out of order in the file, never in the index."""
    from media.reading.frame_index import read_index

    index = read_index(bframe_film, 0)
    reader = FrameReader(bframe_film, 0)
    for t in (2_510_000, 300_000, 1_010_000, 0, 3_990_000):
        assert reader.frame_at(t).time_us == index.start(index.at(t))
    assert index.at(1_010_000) == 30 and index.start(30) == timecode.frame_start_us(30, Fraction(30))


def test_frames_read_near_two_points_snap_as_the_whole_index_does(bframe_film):
    """A film whose index is not kept yet (importing, or older) is snapped from its frames near
    the in and out points only: the same boundaries as the whole index."""
    from media.reading.frame_index import read_index, read_near

    whole = read_index(bframe_film, 0)
    for start, end in ((0, 1_000_000), (2_510_000, 3_990_000), (1_010_000, 1_020_000), (300_000, 4_000_000)):
        near = read_near(bframe_film, 0, [start, end])
        assert near.snap(start, end) == whole.snap(start, end), (start, end)


def test_the_first_frame_of_an_mpeg1_program_stream_is_read_near_0():
    """GRID's MPEG-1: a seek to 0 skips its first packet (pts 0); read from the start instead."""
    from media.reading.frame_index import read_near

    path = sample("people-talking-grid-woman-360x288p25-mpeg1-mp2.mpg")
    assert read_near(path, probe(path).start_us, [0, 1_000_000]).snap(0, 1_000_000) == (0, 1_000_000)
