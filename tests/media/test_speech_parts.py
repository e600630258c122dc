"""The parts of media/speech that need no speech model: sound on the film's clock, the
normalisation words are scored by, clamping words into speech, where chunks are cut."""

from __future__ import annotations

from fractions import Fraction

import av
import numpy as np
import pytest

from media.errors import UnsupportedMedia
from media.speech.score import normalise, word_error_rate
from media.speech.sound import RATE, has_sound, read_sound, whole_sound
from media.speech.engine import Stretch, choose_cut, clamp_words
from tests.speech_films import write_film


def test_normalised_as_the_issue_says():
    assert normalise("Lay white by S0 again.") == "lay white by s zero again".split()
    assert normalise("Bin blue at F2 now") == "bin blue at f two now".split()
    assert normalise("k7, 7k; ring back at 8") == "k seven seven k ring back at eight".split()
    assert normalise("You'll have 105 forms") == "you'll have one hundred and five forms".split()
    assert word_error_rate("set white in z three now", "Set white in Z3 now.") == 0.0
    assert word_error_rate("bin blue at f two now", "Bimble F2 now.") == pytest.approx(3 / 6)
    assert word_error_rate("a b", "") == 1.0


def tone(seconds: float, at: float = 0.0) -> np.ndarray:
    t = np.arange(round(seconds * RATE)) / RATE
    return (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)


def test_sound_is_on_the_films_clock_whatever_the_channels(tmp_path):
    beep = np.zeros(RATE * 3, np.float32)
    beep[RATE: RATE + RATE // 2] = tone(0.5)  # from 1.0 s to 1.5 s
    for channels in (1, 2, 6):
        heard = whole_sound(write_film(tmp_path / f"c{channels}.mp4", beep, channels=channels))
        loud = np.nonzero(np.abs(heard) > 0.02)[0]
        assert abs(loud[0] / RATE - 1.0) < 0.005 and abs(loud[-1] / RATE - 1.5) < 0.005
        assert abs(len(heard) / RATE - 3.0) < 0.05


def test_sound_starting_late_and_a_gap_are_placed_where_they_belong(tmp_path):
    # An MKV whose picture starts at zero, its sound 0.5 s later, skipping 1 s in the middle.
    path = tmp_path / "gappy.mkv"
    with av.open(str(path), "w") as out:
        video = out.add_stream("mpeg4", rate=25)
        video.width, video.height, video.pix_fmt = 64, 48, "yuv420p"
        stream = out.add_stream("pcm_s16le", rate=RATE, layout="mono")
        for i in range(90):
            picture = av.VideoFrame.from_ndarray(np.zeros((48, 64, 3), np.uint8), format="rgb24")
            picture.pts, picture.time_base = i, Fraction(1, 25)
            out.mux(video.encode(picture))
        out.mux(video.encode(None))
        pts = RATE // 2
        for i in range(40):  # 40 frames of 0.05 s
            if i == 20:
                pts += RATE  # a second of sound missing
            data = (np.full((1, RATE // 20), 8000 if i in (0, 20) else 100, np.int16))
            frame = av.AudioFrame.from_ndarray(data, format="s16", layout="mono")
            frame.sample_rate, frame.pts, frame.time_base = RATE, pts, Fraction(1, RATE)
            out.mux(stream.encode(frame))
            pts += RATE // 20
        out.mux(stream.encode(None))
    heard = whole_sound(path)
    loud = np.nonzero(np.abs(heard) > 0.1)[0]
    # The first loud frame at 0.5 s; the frame after the gap at 0.5 + 1.0 + 1.0 = 2.5 s.
    assert abs(loud[0] / RATE - 0.5) < 0.002
    assert abs(loud[loud > RATE][0] / RATE - 2.5) < 0.002
    assert abs(len(heard) / RATE - 3.5) < 0.01


def test_reading_from_a_point_gives_the_same_samples_as_from_the_start(tmp_path):
    film = write_film(tmp_path / "t.mp4", np.random.default_rng(3).standard_normal(RATE * 25).astype(np.float32) * 0.1)
    whole = whole_sound(film)
    first, block = next(read_sound(film, start_s=12.5))
    assert first == 12.5 * RATE
    assert np.array_equal(block, whole[first:first + len(block)])


def test_a_film_with_no_sound_gives_nothing_and_a_missing_file_says_so(tmp_path):
    mute = write_film(tmp_path / "mute.mp4", np.zeros(RATE, np.float32), sound=False)
    assert not has_sound(mute) and list(read_sound(mute)) == []
    with pytest.raises(UnsupportedMedia, match="file not found"):
        list(read_sound(tmp_path / "nothing.mp4"))


def test_no_streams_give_nothing_and_a_bad_file_says_why(samples):
    assert list(read_sound(samples / "edge-mp4-262-bytes-no-streams.mp4")) == []
    assert list(read_sound(samples / "edge-wav-44-bytes-header-only.wav")) == []
    with pytest.raises(UnsupportedMedia, match="edge-encrypted"):
        list(read_sound(samples / "edge-encrypted-cenc-clearkey-fragmented.mp4"))


def test_words_are_clamped_into_their_speech_in_order():
    speech = [Stretch(RATE, 2 * RATE), Stretch(3 * RATE, 4 * RATE)]
    words = [("early", 0.8, 1.2, 0.9),  # starts in the silence before
             ("tail", 1.9, 2.4, 0.9),  # runs on into the pause
             ("lost", 2.3, 2.5, 0.9),  # wholly in the pause, nearer the first speech, no room left there
             ("next", 2.9, 3.3, 0.9)]
    clamped = clamp_words(words, speech)
    for text, start, end, _ in clamped:
        assert any(s.start <= start < end <= s.end for s in speech), text
    assert [c[1] for c in clamped] == sorted(c[1] for c in clamped)
    assert all(a[2] <= b[1] for a, b in zip(clamped, clamped[1:]))  # no overlap
    assert clamped[0][1] == RATE and clamped[1][2] == 2 * RATE
    assert clamped[2][1:3] == (3 * RATE, int(3.2 * RATE))  # into the next speech, its length kept
    assert clamped[3][1:3] == (int(3.2 * RATE), int(3.3 * RATE))
    assert clamp_words(words, []) == []


def test_a_chunk_is_cut_in_the_longest_pause_else_the_quietest_moment():
    samples = np.zeros(RATE * 10, np.float32)
    speech = [Stretch(0, 6 * RATE), Stretch(int(6.3 * RATE), 7 * RATE), Stretch(int(8.5 * RATE), 10 * RATE)]
    assert choose_cut(samples, speech, 5 * RATE, 10 * RATE) == int(7.75 * RATE)
    loud = np.ones(RATE * 10, np.float32)
    loud[int(8.2 * RATE): int(8.25 * RATE)] = 0.01
    assert abs(choose_cut(loud, [Stretch(0, 10 * RATE)], 7 * RATE, 9 * RATE) - 8.225 * RATE) <= RATE // 20


def test_sound_for_a_transcript_counts_from_the_films_first_picture(tmp_path):
    """An MKV muxed by FFmpeg 5.1: its AAC priming at the container's start, its first picture
    (the film's zero, ``Film.play_offset_us`` = 21 ms later) where the content starts. Words are
    placed from that zero: the beep of second 1 is heard at 1.000 s (was 1.021 s)."""
    from tests.app.test_exact_films import _sound_offset_s
    from tests.conformance_films import DEBIAN_FFMPEG, make_ffmpeg51_mkv

    if not DEBIAN_FFMPEG.exists():
        pytest.skip("needs Debian's ffmpeg in /usr/bin (FFmpeg 5.1 muxes differently)")
    path = make_ffmpeg51_mkv(tmp_path, seconds=3)
    heard = {}
    for offset_us in (0, 21_000):
        blocks = list(read_sound(path, offset_us=offset_us))
        assert blocks[0][0] <= 0
        sound = np.concatenate([b for _, b in blocks])[-blocks[0][0]:]  # from the film's zero on
        heard[offset_us] = _sound_offset_s(sound, 1.0, 1, search=0.03, rate=RATE)
    assert abs(heard[21_000]) <= 0.001, heard  # on the film's clock
    assert abs(heard[0] - 0.021) <= 0.001, heard  # from the container's start: 21 ms late
