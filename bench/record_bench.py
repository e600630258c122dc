"""A/V sync of a long take, measured against events at known times (an independent reference).

A simulated world holds an event every 2 s: a flash in front of the camera and, at the same
instant, a 100 ms beep at the microphone. The camera's clock runs 0.1 % fast (a "30 fps" camera
delivering 30.03 pictures per real second), with 0-8 ms of delivery latency jitter and 1 % of
its pictures dropped; the microphone delivers 10 ms blocks at exactly 48 kHz. Both go through
``media.capture.live.LiveFeed`` (the path real devices take) and the recorder, as fast as the machine
encodes. Then the finished file is read back like any film: the time of each flash is where
the picture turns bright, the time of each beep where the sound starts. For every event,

    offset = (flash time in the file) - (beep time in the file)

is how far picture and sound are apart at that moment. The figure that matters is how the
offset changes from the first minute to the last (drift): a recorder that trusted the
camera's clock would drift by 0.1 % of 10 minutes = 600 ms. Each flash can only be seen at
the next frame boundary (33 ms), so the offsets are averaged over the 30 events of each minute.

    .venv/bin/python bench/record_bench.py [MINUTES]

Goal (issue 6): drift within one frame (33 ms at 30 fps) over 10 minutes.
Reference: the events' known times in the simulated world (each stream is also compared with them).
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

from media.capture.live import LiveFeed  # noqa: E402
from media.capture.recorder import RATE, record  # noqa: E402

RECORD_FPS = Fraction(30)
CAMERA_FPS = 30 * 1.001  # a "30 fps" camera whose clock runs 0.1 % fast: 30.03 pictures per real second
EVERY_S, FLASH_S, BLOCK = 2.0, 0.1, 480
WIDTH, HEIGHT = 640, 360


def event_at(t):
    """Is an event (flash and beep) happening at real time ``t`` (a number or an array)?
    Events start at 1 s, 3 s, 5 s..."""
    return (t >= 1.0) & (((t - 1.0) % EVERY_S) < FLASH_S)


def simulated_take(path: Path, minutes: float):
    dark = np.full((HEIGHT, WIDTH, 3), 16, np.uint8)
    bright = np.full((HEIGHT, WIDTH, 3), 235, np.uint8)
    feed = LiveFeed("simulated camera + microphone", WIDTH, HEIGHT, RECORD_FPS,
                    lambda picture, w, h: bright if event_at(picture) else dark)

    def devices():
        rng = random.Random(12)
        samples, picture = 0, 0
        total = int(minutes * 60 * RATE)
        next_arrival = rng.uniform(0, 0.008)
        while samples < total:
            now = samples / RATE
            while next_arrival <= now:  # a picture taken at picture / CAMERA_FPS arrives a little later
                if rng.random() > 0.01:
                    feed.push_picture(picture / CAMERA_FPS)
                picture += 1
                next_arrival = picture / CAMERA_FPS + rng.uniform(0, 0.008)
            t = np.arange(samples, samples + BLOCK) / RATE
            beep = event_at(t) * 0.5 * np.sin(2 * np.pi * 1000 * t)
            block = beep.astype(np.float32)
            feed.push_sound(np.vstack([block, block]))
            samples += BLOCK
            while now - feed.frames_written / 30 > 0.2 and feed.lost is None:  # devices never run far ahead
                time.sleep(0.0005)
        while feed._buffered >= RATE // 30 and feed.lost is None:
            time.sleep(0.001)
        feed.finish()

    thread = threading.Thread(target=devices, daemon=True)
    thread.start()
    take = record(feed, path, None, realtime=False)
    thread.join()
    return take


def onsets(times: np.ndarray, on: np.ndarray) -> np.ndarray:
    """Times where ``on`` turns true after being false."""
    rising = np.nonzero(on[1:] & ~on[:-1])[0] + 1
    return times[rising]


def found_in_file(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """(flash times, beep times) in seconds of the file's own timeline."""
    with av.open(str(path)) as c:
        video = c.streams.video[0]
        frame_times, levels = [], []
        for frame in c.decode(video):
            frame_times.append(float(frame.time))
            levels.append(frame.to_ndarray(format="gray")[::8, ::8].mean())
    with av.open(str(path)) as c:
        chunks, first = [], None
        for frame in c.decode(c.streams.audio[0]):
            if first is None:
                first = float(frame.time)
            chunks.append(np.abs(frame.to_ndarray()).max(axis=0))
    sound = np.concatenate(chunks)
    # The beep's envelope in 1 ms steps (a tone crosses zero twice a cycle), then its first
    # sample above the threshold inside the step where it starts.
    step = RATE // 1000
    envelope = sound[: len(sound) // step * step].reshape(-1, step).max(axis=1) > 0.1
    starts = np.nonzero(envelope[1:] & ~envelope[:-1])[0] + 1
    beeps = np.array([first + (s * step + int(np.argmax(sound[s * step:(s + 1) * step] > 0.1))) / RATE
                      for s in starts])
    flashes = onsets(np.array(frame_times), np.array(levels) > 128)
    return flashes, beeps


def main() -> None:
    minutes = float(sys.argv[1]) if len(sys.argv) > 1 else 10
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "take.mp4"
        start = time.perf_counter()
        take = simulated_take(path, minutes)
        took = time.perf_counter() - start
        flashes, beeps = found_in_file(path)
    events = 1.0 + EVERY_S * np.arange(int((minutes * 60 - 1.0) // EVERY_S) + 1)
    events = events[events < minutes * 60 - 1]
    # Pair each known event with the flash and the beep nearest to it.
    flash = np.array([flashes[np.argmin(np.abs(flashes - e))] for e in events])
    beep = np.array([beeps[np.argmin(np.abs(beeps - e))] for e in events])
    offsets = flash - beep
    per_min = int(60 / EVERY_S)
    first, last = offsets[:per_min].mean(), offsets[-per_min:].mean()
    print(f"{minutes:g}-minute take at {RECORD_FPS} fps, camera clock 0.1 % fast ({CAMERA_FPS:.2f} pictures a real second), 640x360, "
          f"{take.frames} frames, encoded in {took:.0f} s ({minutes * 60 / took:.1f}x real time)")
    print(f"  {len(events)} events found: {len(flashes)} flashes, {len(beeps)} beeps in the file")
    print(f"  beep time in the file - event time: median {np.median(beep - events) * 1000:.1f} ms, "
          f"max |.| {np.abs(beep - events).max() * 1000:.1f} ms")
    print(f"  flash time in the file - event time: median {np.median(flash - events) * 1000:.1f} ms, "
          f"max |.| {np.abs(flash - events).max() * 1000:.1f} ms (a flash shows at the next frame: 0-33 ms)")
    print(f"  picture - sound offset: first minute {first * 1000:.1f} ms, last minute {last * 1000:.1f} ms "
          f"(each the mean of {per_min} events); every event within "
          f"[{offsets.min() * 1000:.1f}, {offsets.max() * 1000:.1f}] ms")
    print(f"  drift over the take: {(last - first) * 1000:.1f} ms (goal: within 33.3 ms, one frame; "
          f"trusting the camera's clock would give {minutes * 60 * 0.001 * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
