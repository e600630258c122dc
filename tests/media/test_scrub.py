"""Scrubbing stays frame-exact: the reader's cache, decoding on within a GOP, decoding ahead and
abandoned requests never put another frame on screen than the one asked for. Every frame is
read back from the picture itself (the film's frames carry their index as a bar code)."""

import random
from fractions import Fraction

import pytest

from media.reading import frames as frames_module
from media.reading.frame_index import read_index as read_frame_index
from media.reading.frames import FrameReader
from tests.media_factory import make_counting_film, read_index

FPS = 30
GOP = 60


@pytest.fixture(scope="module")
def film(tmp_path_factory):
    """30 fps, 2 s GOP, three B-frames nothing refers to between P-frames (fixed, whatever the
    picture): reordering, and frames a seek far into a GOP skips."""
    path = tmp_path_factory.mktemp("scrub") / "scrub.mp4"
    make_counting_film(path, seconds=8, fps=Fraction(FPS), gop=GOP, preset="veryfast", audio=False,
                       x264_params="bframes=3:b-adapt=0:b-pyramid=none")
    return path, read_frame_index(path, 0)


def _scrub_path() -> list[int]:
    """Forward and back in small steps, within a GOP and across keyframes, plus a few jumps."""
    path = list(range(50, 75, 3)) + list(range(75, 40, -2)) + list(range(40, 130, 7))
    path += list(range(130, 55, -4)) + [200, 199, 198, 120, 121, 59, 60, 61, 0, 239, 238, 180, 179]
    return path


def _check(reader: FrameReader, index, wanted: int, at_us: int) -> None:
    still = reader.frame_at(at_us)
    assert still is not None
    assert read_index(still.rgb) == wanted, f"asked frame {wanted} at {at_us} µs"
    assert still.time_us == index.start(wanted)


def test_a_scrub_shows_every_frame_asked_for_at_its_start_middle_and_last_microsecond(film):
    path, index = film
    reader = FrameReader(path)
    for n, wanted in enumerate(_scrub_path()):
        # A frame's first and last microsecond, not only its middle: a cache keyed one frame
        # off, or a span taken as closed at its end, shows a neighbour there.
        for at_us in (index.middle(wanted), index.start(wanted), index.end(wanted) - 1):
            _check(reader, index, wanted, at_us)
        if n % 5 == 0:
            reader.decode_ahead()  # as the frame server does while idle
    reader.close()


class _SpanEndsClosed(FrameReader):
    """The cache's mistake by construction: a frame also served at the next one's start."""

    def _from_cache(self, film_us):
        for time_us, (frame, next_us, _size) in self._cache.items():
            if next_us is not None and time_us <= film_us <= next_us:
                return self._still(time_us, frame)
        return None


class _KeyedOneOff(FrameReader):
    """The cache's other mistake by construction: frames filed under the previous one's time."""

    def _remember(self, time_us, frame, previous_us=None):
        super()._remember(time_us, frame, previous_us)
        if previous_us is not None and previous_us in self._cache:
            self._cache[previous_us][0] = frame


@pytest.mark.parametrize("broken", [_SpanEndsClosed, _KeyedOneOff])
def test_the_scrub_check_catches_a_cache_that_gives_a_neighbouring_frame(film, broken):
    path, index = film
    reader = broken(path)
    with pytest.raises(AssertionError):
        for wanted in _scrub_path():
            for at_us in (index.middle(wanted), index.start(wanted), index.end(wanted) - 1):
                _check(reader, index, wanted, at_us)
    reader.close()


def test_stepping_back_through_a_gop_is_served_from_the_cache(film, monkeypatch):
    path, index = film
    reader = FrameReader(path)
    _check(reader, index, 100, index.middle(100))
    seeks = []
    real_seek = reader._seek
    monkeypatch.setattr(reader, "_seek", lambda us: (seeks.append(us), real_seek(us)))
    for wanted in range(99, 59, -1):  # the frames decoded near 100, then one seek back to the
        _check(reader, index, wanted, index.middle(wanted))  # keyframe fills the rest of the GOP
    assert len(seeks) == 1
    for wanted in range(101, 110):  # and forward again: decoded on, no seek
        _check(reader, index, wanted, index.middle(wanted))
    assert len(seeks) == 1
    reader.close()


def test_forward_within_a_gop_decodes_on_and_across_a_keyframe_seeks(film, monkeypatch):
    path, index = film
    reader = FrameReader(path)
    _check(reader, index, 62, index.middle(62))
    seeks = []
    real_seek = reader._seek
    monkeypatch.setattr(reader, "_seek", lambda us: (seeks.append(us), real_seek(us)))
    _check(reader, index, 110, index.middle(110))  # same GOP (60-119): decode on
    assert seeks == []
    _check(reader, index, 170, index.middle(170))  # past the keyframe at 120: seek there
    assert len(seeks) == 1
    assert list(reader.keys_us[:4]) == [index.start(0), index.start(60), index.start(120), index.start(180)]
    reader.close()


def test_a_request_abandoned_mid_decode_leaves_the_next_ones_exact(film):
    """A drag: each request stopped after a few frames by the next (superseded), forward and
    back; whatever is then asked is the frame asked for."""
    path, index = film
    reader = FrameReader(path)
    rng = random.Random(7)
    for _ in range(40):
        target = rng.randrange(0, index.count)
        budget = [rng.randint(1, 6)]

        def superseded(budget=budget):
            budget[0] -= 1
            return budget[0] < 0

        reader.frame_at(index.middle(target), superseded)  # may give up: no picture
        wanted = min(max(target + rng.randint(-12, 12), 0), index.count - 1)
        _check(reader, index, wanted, index.middle(wanted))
    reader.close()


def test_the_cache_stays_within_its_bound_in_bytes(film, monkeypatch):
    path, index = film
    frame_bytes = 320 * 240 * 3 // 2
    monkeypatch.setattr(frames_module, "CACHE_BYTES", 10 * frame_bytes)
    reader = FrameReader(path)
    for wanted in (30, 200, 130, 10):
        _check(reader, index, wanted, index.middle(wanted))
        reader.decode_ahead(40)
        assert reader._cache_bytes <= 10 * frame_bytes + 4096
        assert reader._cache_bytes == sum(size for _f, _n, size in reader._cache.values())
    reader.close()


def test_a_drag_back_inside_the_gop_of_an_abandoned_request_is_exact(film):
    """A request far into a GOP skips frames nobody refers to on its way; abandoned after a few
    frames, the next request (nearer, in the same GOP) must not decode on past skipped frames."""
    path, index = film
    for given_up_after in range(1, 6):
        for wanted in range(62, 84):
            reader = FrameReader(path)
            budget = [given_up_after]

            def superseded(budget=budget):
                budget[0] -= 1
                return budget[0] < 0

            reader.frame_at(index.middle(118), superseded)
            _check(reader, index, wanted, index.middle(wanted))
            reader.close()
