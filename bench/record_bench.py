"""A/V drift of a long take, measured from every packet's time in the finished film.

1. 10 minutes from the test source, recorded as fast as the machine encodes.
2. 10 minutes from simulated live devices through ``media.live.LiveFeed``, the path a camera
   and microphone take: a 720p camera at 29.97 fps (not 30) with ±4 ms jitter and 1 % of its
   frames dropped, a microphone in 10 ms blocks. The devices run ahead of the recorder by at
   most 0.2 s, as real ones do; the take is encoded as fast as the machine can. Besides the
   drift it reports how old the picture in each frame is against that frame's sound (the
   lip-sync offset the microphone clock leaves, which must stay within about a frame).

    .venv/bin/python bench/record_bench.py [MINUTES]

Goal (issue 6): drift <= one frame (33 ms at 30 fps) over 10 minutes. Reference: the sound
track's own duration (drift is measured against it).
"""

from __future__ import annotations

import random
import sys
import tempfile
import threading
import time
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import av  # noqa: E402
import numpy as np  # noqa: E402

from media.live import LiveFeed  # noqa: E402
from media.recording import RATE, TestSource, record  # noqa: E402

CAMERA_FPS = 30000 / 1001


def durations(path: Path) -> tuple[float, float]:
    ends = {}
    with av.open(str(path)) as c:
        for packet in c.demux():
            if packet.pts is not None:
                end = float((packet.pts + (packet.duration or 0)) * packet.time_base)
                ends[packet.stream.type] = max(ends.get(packet.stream.type, 0.0), end)
        starts = {s.type: float(s.start_time * s.time_base) if s.start_time is not None else 0.0 for s in c.streams}
    return ends["video"] - starts["video"], ends["audio"] - starts["audio"]


def report(label: str, path: Path, take, took: float, minutes: float) -> None:
    video, audio = durations(path)
    print(f"{label}: {take.frames} frames, {take.samples} samples, encoded in {took:.0f} s "
          f"({minutes * 60 / took:.1f}x real time)")
    print(f"  video {video:.4f} s, audio {audio:.4f} s: drift {abs(audio - video) * 1000:.1f} ms "
          f"(goal <= 33.3 ms, one frame at 30 fps)")


def live_take(path: Path, minutes: float):
    source = TestSource(1280, 720)
    pictures = [source.frame(i) for i in range(30)]
    shown = {"time": 0.0}
    offsets = []

    def convert(picture, width, height):
        index, taken_at = picture
        shown["time"] = taken_at
        return pictures[index % len(pictures)]

    feed = LiveFeed("simulated camera + microphone", 1280, 720, Fraction(30), convert)

    def devices():
        rng = random.Random(6)
        samples, picture, block = 0, 0, 480
        total = int(minutes * 60 * RATE)
        while samples < total:
            now = samples / RATE
            while picture / CAMERA_FPS <= now:
                if rng.random() > 0.01:
                    feed.push_picture((picture, picture / CAMERA_FPS + rng.uniform(-0.004, 0.004)))
                picture += 1
            t = (np.arange(samples, samples + block) / RATE).astype(np.float32)
            tone = (0.25 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
            feed.push_sound(np.vstack([tone, tone]))
            samples += block
            while now - feed.frames_written / 30 > 0.2 and feed.lost is None:  # devices never run far ahead of the recorder
                time.sleep(0.0005)
        while feed._buffered >= RATE // 30 and feed.lost is None:
            time.sleep(0.001)
        feed.finish()

    def on_frame(index, rgb, sound):
        offsets.append((index + 1) / 30 - shown["time"])

    thread = threading.Thread(target=devices, daemon=True)
    thread.start()
    take = record(feed, path, None, realtime=False, on_frame=on_frame)
    thread.join()
    return take, np.array(offsets)


def main() -> None:
    minutes = float(sys.argv[1]) if len(sys.argv) > 1 else 10
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "take.mp4"
        start = time.perf_counter()
        take = record(TestSource(), path, minutes * 60, realtime=False)
        report(f"{minutes:g}-minute take from the test source (640x360)", path, take,
               time.perf_counter() - start, minutes)
        path = Path(tmp) / "live.mp4"
        start = time.perf_counter()
        take, offsets = live_take(path, minutes)
        report(f"{minutes:g}-minute take from simulated live devices (720p camera at 29.97 fps with jitter "
               "and drops, microphone in 10 ms blocks)", path, take, time.perf_counter() - start, minutes)
        print(f"  picture age against its frame's sound: median {np.median(offsets) * 1000:.1f} ms, "
              f"max {offsets.max() * 1000:.1f} ms, min {offsets.min() * 1000:.1f} ms over {len(offsets)} frames "
              f"(a frame is 33.3 ms)")


if __name__ == "__main__":
    main()
