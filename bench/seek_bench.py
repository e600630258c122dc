"""Exact seeking and scrubbing on a 2-minute 1080p30 H.264 film with a 2 s GOP (issue 29).

    .venv/bin/python bench/seek_bench.py      # or: bench/workspace_bench.py --seek-only

Prints three lines, each checked frame by frame against the film's own frame index (every
frame shown must start where the index says the wanted frame starts):

- jumps: 60 random targets anywhere in the film, one after another, timed from the request to
  the 720p picture the player shows (``FrameReader.frame_at`` + the QImage), as before;
- scrub: a drag of the playhead through the frame server the paused player uses (a request
  every 16 ms, as mouse moves arrive, 2-8 frames apart, forward and back, within and across
  GOPs): the time from the request of each frame shown to its picture, how many of the requests
  got a picture (the others were superseded by the next one, as they should be), and the time
  from the drag's end to the exact frame there (what the hand waits for when it stops);
- Qt's own player, the anchor: ``QMediaPlayer.setPosition`` while paused to the same jump
  targets, timed to the first frame on its video sink, and how many of those were the frame
  asked for (Qt lands on a nearby frame in some formats).

Goal: median <= 40 ms, worst <= 80 ms. Say the load (printed) beside the figures.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._media import camera_like_film  # noqa: E402

JUMPS = 60


def _targets(duration_us: int) -> list[int]:
    rng = random.Random(3)
    return [rng.randrange(0, duration_us - 100_000) for _ in range(JUMPS)]


def _ms(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:.1f} ms, worst {max(values) * 1000:.1f} ms"


def exact_seek_median(film: Path) -> tuple[float, float]:
    """Random jumps through ``FrameReader`` (what the paused player's frame server runs)."""
    from PySide6.QtGui import QImage

    from media.reading.frame_index import read_index
    from media.reading.frames import FrameReader
    from media.reading.probe import probe

    info = probe(film)
    index = read_index(film, info.start_us)
    reader = FrameReader(film, info.start_us, info.rotation)
    reader.box = (1280, 720)  # what the player asks for: no larger than its view
    samples = []
    for target in _targets(info.duration_us):
        start = time.perf_counter()
        still = reader.frame_at(index.middle(index.at(target)))
        h, w, _ = still.rgb.shape
        QImage(still.rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()
        samples.append(time.perf_counter() - start)
        if still.time_us != index.start(index.at(target)):
            raise SystemExit(f"wrong frame at {target} µs: {still.time_us} µs shown")
    reader.close()
    return statistics.median(samples), max(samples)


def _drag_legs(index, rng: random.Random) -> list[list[int]]:
    """Frames drags ask for, leg by leg (the hand stops after each): forward 2 s, back 3 s,
    forward 4 s, from three places in the film."""
    legs = []
    for start in (rng.randrange(60, 600), rng.randrange(1200, 1800), rng.randrange(2400, 3000)):
        at = start
        for direction, seconds in ((1, 2), (-1, 3), (1, 4)):
            end, leg = at + direction * 30 * seconds, []
            while (at - end) * direction < 0:
                at = min(max(at + direction * rng.randint(2, 8), 0), index.count - 1)
                leg.append(at)
            legs.append(leg)
    return legs


def scrub(film: Path) -> tuple[list[float], int, int, list[float]]:
    """Drag the playhead through ``FrameServer``: latencies of the frames shown, how many
    were shown of how many asked, and the time from each drag's end to its last frame."""
    from PySide6.QtWidgets import QApplication

    from media.reading.frame_index import read_index
    from media.reading.probe import probe
    from ui.player.frame_server import FrameServer

    app = QApplication.instance() or QApplication([])
    info = probe(film)
    index = read_index(film, info.start_us)
    server = FrameServer(str(film), info.start_us, info.rotation)
    server.set_box(1280, 720)
    asked: dict[int, tuple[float, int]] = {}
    shown: dict[int, float] = {}
    wrong: list[str] = []

    def on_ready(seq, time_us, _image):
        shown[seq] = time.perf_counter()
        if time_us != index.start(asked[seq][1]):
            wrong.append(f"asked frame {asked[seq][1]}, got the one at {time_us} µs")

    server.ready.connect(on_ready)
    seq, settles = 0, []
    for leg in _drag_legs(index, random.Random(5)):
        for n, frame in enumerate(leg):
            seq += 1
            asked[seq] = (time.perf_counter(), frame)
            server.request(seq, index.middle(frame))
            deadline = time.perf_counter() + 0.016
            last = n + 1 == len(leg)
            while time.perf_counter() < deadline or (last and seq not in shown):
                app.processEvents()
                time.sleep(0.001)
        settles.append(shown[seq] - asked[seq][0])
    server.stop()
    if wrong:
        raise SystemExit("scrub showed a wrong frame: " + "; ".join(wrong[:3]))
    latencies = [shown[s] - asked[s][0] for s in shown]
    return latencies, len(shown), len(asked), settles


def qt_anchor(film: Path) -> tuple[list[float], int]:
    """Qt's own player, paused: setPosition to each jump target, time to the frame on its
    sink; how many were the frame asked for."""
    from PySide6.QtCore import QUrl
    from PySide6.QtMultimedia import QMediaPlayer, QVideoSink
    from PySide6.QtWidgets import QApplication

    from media.reading.frame_index import read_index
    from media.reading.probe import probe

    app = QApplication.instance() or QApplication([])
    info = probe(film)
    index = read_index(film, info.start_us)
    player, sink = QMediaPlayer(), QVideoSink()
    player.setVideoSink(sink)
    got: list = []
    sink.videoFrameChanged.connect(lambda f: got.append((time.perf_counter(), f.startTime())))
    player.setSource(QUrl.fromLocalFile(str(film)))
    player.pause()
    end = time.perf_counter() + 10
    while not got and time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.001)
    times, exact = [], 0
    for target in _targets(info.duration_us):
        wanted = index.at(target)
        got.clear()
        start = time.perf_counter()
        player.setPosition(index.middle(wanted) // 1000)
        end = start + 5
        while time.perf_counter() < end:
            app.processEvents()
            if got:
                break
            time.sleep(0.0005)
        if got:
            times.append(got[0][0] - start)
            exact += abs(got[0][1] - info.start_us - index.start(wanted)) <= 1000
    player.stop()
    return times, exact


def report(film: Path | None = None) -> None:
    film = film or camera_like_film()
    print(f"seek bench on {film.name}; load now: {os.getloadavg()[0]:.1f}")
    median, worst = exact_seek_median(film)
    print(f"exact seek, 1080p H.264 2 s GOP, {JUMPS} random jumps: median {median * 1000:.1f} ms, "
          f"worst {worst * 1000:.1f} ms   goal <= 40 / 80 ms (every frame the one asked for)")
    latencies, n_shown, n_asked, settles = scrub(film)
    print(f"exact scrub (drag, a request every 16 ms, 2-8 frames apart, forward and back): request to "
          f"picture {_ms(latencies)}; {n_shown} of {n_asked} requests shown (the rest superseded); "
          f"drag's end to its exact frame {_ms(settles)} over {len(settles)} stops   goal <= 40 / 80 ms")
    times, exact = qt_anchor(film)
    if times:
        print(f"anchor: Qt's QMediaPlayer.setPosition while paused, same {JUMPS} jumps: first frame {_ms(times)}; "
              f"{exact} of {len(times)} the frame asked for")
    else:
        print("anchor: Qt's player gave no frame (no multimedia backend here)")
    print(f"load now: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    report(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
