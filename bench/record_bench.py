"""A/V drift of a long take: 10 minutes from the test source, recorded as fast as the machine
encodes (the timestamps come from frame and sample counts either way), then measured by
decoding every packet's time in the finished film.

    .venv/bin/python bench/record_bench.py [MINUTES]

Goal (issue 6): drift <= one frame (33 ms at 30 fps) over 10 minutes.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import av  # noqa: E402

from media.recording import TestSource, record  # noqa: E402


def main() -> None:
    minutes = float(sys.argv[1]) if len(sys.argv) > 1 else 10
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "take.mp4"
        start = time.perf_counter()
        take = record(TestSource(), path, minutes * 60, realtime=False)
        took = time.perf_counter() - start
        ends = {}
        with av.open(str(path)) as c:
            for packet in c.demux():
                if packet.pts is not None:
                    end = float((packet.pts + (packet.duration or 0)) * packet.time_base)
                    ends[packet.stream.type] = max(ends.get(packet.stream.type, 0.0), end)
            starts = {s.type: float(s.start_time * s.time_base) if s.start_time is not None else 0.0 for s in c.streams}
    video = ends["video"] - starts["video"]
    audio = ends["audio"] - starts["audio"]
    print(f"{minutes:g}-minute take from the test source: {take.frames} frames, {take.samples} samples, "
          f"encoded in {took:.0f} s ({minutes * 60 / took:.1f}x real time)")
    print(f"video {video:.4f} s, audio {audio:.4f} s: drift {abs(audio - video) * 1000:.1f} ms "
          f"(goal <= 33.3 ms, one frame at 30 fps)")


if __name__ == "__main__":
    main()
