"""The live feed: the microphone is the clock, so picture and sound cannot drift; a device that
stops ends the take and keeps what came before."""

import threading
import time
from fractions import Fraction

import av
import numpy as np

from media.capture.live import LiveFeed, SoundIn
from media.reading.probe import probe
from media.capture.recorder import RATE, record
from tests.media_factory import frame_image, read_index


def picture_value(picture, width, height):
    """Pictures in these tests are frame numbers, drawn as the bar code tests read back."""
    return frame_image(picture, width, height)


def play_devices(feed, seconds, camera_fps, mic_rate=RATE, speed=20.0, mic_block=480, stop_camera_at=None):
    """A camera and a microphone delivering at their own rates, ``speed`` times real time."""
    def run():
        samples = 0
        next_picture, picture = 0.0, 0
        total = int(seconds * mic_rate)
        while samples < total:
            t = samples / mic_rate
            while next_picture <= t and (stop_camera_at is None or t < stop_camera_at):
                feed.push_picture(picture)
                picture += 1
                next_picture += 1 / camera_fps
            tone = 0.3 * np.sin(2 * np.pi * 440 * (np.arange(samples, samples + mic_block) / mic_rate))
            feed.push_sound(np.vstack([tone, tone]).astype(np.float32))
            samples += mic_block
            time.sleep(mic_block / mic_rate / speed)
        return samples

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_every_frame_carries_exactly_its_share_of_the_microphones_sound():
    feed = LiveFeed("cam", 64, 32, Fraction(30), lambda p, w, h: np.full((h, w, 3), p % 256, np.uint8))
    devices = play_devices(feed, 6, camera_fps=29.2)  # a camera a little slower than it claims
    sizes, pictures = [], []
    for rgb, sound in feed.frames():
        sizes.append(sound.shape[1])
        pictures.append(int(rgb[0, 0, 0]))
        if not devices.is_alive() and feed._buffered < 1600:
            feed.lose("done")
    assert set(sizes) == {1600}  # 48 000 / 30: sound and picture share one clock
    assert len(sizes) == 6 * 30 - 1 or len(sizes) == 6 * 30  # all of it (the last slot may be partial)
    assert pictures == sorted(pictures)  # pictures in order; a slow camera's picture is repeated
    assert len(set(pictures)) >= 0.9 * 29.2 * 6


def test_a_camera_that_stops_ends_the_take_and_keeps_what_came_before(tmp_path):
    feed = LiveFeed("cam", 320, 240, Fraction(30), picture_value, picture_timeout=0.5)
    play_devices(feed, 30, camera_fps=30, speed=1.0, stop_camera_at=1.5)  # unplugged after 1.5 s
    take = record(feed, tmp_path / "take.mp4", None, realtime=False)
    assert feed.lost == "The camera stopped sending pictures (unplugged?)"
    assert 45 <= take.frames <= 80  # 1.5 s, then the half-second grace
    info = probe(tmp_path / "take.mp4")
    assert abs(info.audio_duration_us - info.video_duration_us) <= 33_334
    with av.open(str(tmp_path / "take.mp4")) as c:
        shown = [read_index(f.to_ndarray(format="rgb24")) for f in c.decode(video=0)]
    assert shown[:40] == sorted(shown[:40]) and shown[-1] == 44  # the last picture before the cable came out


def test_a_microphone_that_stops_ends_the_take():
    feed = LiveFeed("cam", 64, 32, Fraction(25), lambda p, w, h: np.zeros((h, w, 3), np.uint8), sound_timeout=0.3)
    play_devices(feed, 1.0, camera_fps=25, speed=1.0)
    frames = sum(1 for _ in feed.frames())
    assert feed.lost == "The microphone stopped sending sound (unplugged?)"
    assert 20 <= frames <= 25


def test_no_microphone_takes_the_wall_clock_and_records_silence():
    feed = LiveFeed("cam", 64, 32, Fraction(30), lambda p, w, h: np.zeros((h, w, 3), np.uint8), has_sound=False,
                    picture_timeout=None)
    start = time.monotonic()
    out = []
    for _rgb, sound in feed.frames():
        out.append(sound)
        if len(out) == 30:
            break
    assert 0.9 <= time.monotonic() - start <= 1.5
    assert sum(s.shape[1] for s in out) == RATE and not any(s.any() for s in out)


def test_sound_in_turns_any_device_format_into_48k_stereo_float():
    rate = 44_100
    tone = (0.5 * np.sin(2 * np.pi * 440 * np.arange(rate) / rate) * 32767).astype(np.int16)
    raw = tone.tobytes()
    sound = SoundIn("s16", 1, rate)
    blocks = [sound.convert(raw[i:i + 1001]) for i in range(0, len(raw), 1001)]  # blocks split samples
    out = np.hstack(blocks)
    assert out.shape[0] == 2 and out.dtype == np.float32
    assert abs(out.shape[1] - RATE) <= 64  # one second in, one second out (less the resampler's delay)
    spectrum = np.abs(np.fft.rfft(out[0]))
    assert abs(np.argmax(spectrum) * RATE / out.shape[1] - 440) < 2
    assert 0.45 < np.abs(out[0]).max() < 0.55


def test_sound_in_passes_48k_stereo_float_through_untouched():
    sound = SoundIn("flt", 2, RATE)
    data = np.arange(20, dtype=np.float32)
    out = sound.convert(data.tobytes())
    assert out.tolist() == [data[0::2].tolist(), data[1::2].tolist()]


def test_a_recorder_that_falls_behind_still_pairs_each_picture_with_its_own_sound():
    feed = LiveFeed("cam", 64, 32, Fraction(30), lambda p, w, h: np.full((h, w, 3), p, np.uint8))
    for n in range(30):  # a second of devices delivered before the recorder takes any of it
        feed.push_picture(n)
        feed.push_sound(np.zeros((2, 1600), np.float32))
    got = []
    for rgb, _sound in feed.frames():
        got.append(int(rgb[0, 0, 0]))
        if len(got) == 30:
            break
    assert got == list(range(30))  # not the newest picture thirty times


def test_a_microphone_that_delivers_in_bursts_does_not_bunch_the_pictures():
    now = [0.0]
    feed = LiveFeed("cam", 64, 32, Fraction(30), lambda p, w, h: np.full((h, w, 3), p, np.uint8),
                    clock=lambda: now[0])
    feed.push_sound(np.zeros((2, 1), np.float32))  # the microphone has started
    for n in range(30):  # a second of pictures; the sound comes a quarter-second at a time
        now[0] = n / 30 + 0.001
        feed.push_picture(n)
        if n % 8 == 7:
            feed.push_sound(np.zeros((2, 12_000), np.float32))
    now[0] = 1.0
    feed.push_sound(np.zeros((2, 48_000 - feed._heard), np.float32))  # the last quarter
    got = [int(rgb[0, 0, 0]) for _, (rgb, _s) in zip(range(30), feed.frames())]
    assert len(set(got)) >= 28 and got == sorted(got)
