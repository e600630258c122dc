"""Each clip's own stretch of its film, copied out once before encoding, without decoding.

Opening an MP4 costs memory in proportion to its length: the demuxer holds the film's whole
packet index (about 12 MB per hour of a 25 fps film with sound, measured on the bench films).
The export used to open a film once per clip in each decoder, picture and sound apart,
beside the exporting process measuring each clip in it again: 3-4 indexes at once, so a
6-hour film cost ~170 MB more than a short one. Now each film is opened once per export,
here, before the encoder starts; every clip is measured in that one open film and, for films
of 15 minutes or more, its packets (from the keyframe its decoding starts at to a little past
its out point) are copied into a small NUT file in the export's work folder, which both
decoders read instead of the film. A short film's index is small: its decoders still open
it, and its clips take no room on disk. NUT keeps every timestamp exactly (its time base is
the stream's, or a finer multiple), and a clip's pictures and sound come from the same
piece, so cuts and sync are as before.

All of it runs in a short-lived child process (``child``): PyAV, the index and the heap they
leave behind are gone before the encoder starts, so the exporting process beside the encoder
stays small. Timestamps are moved by a whole number of seconds (``SHIFT_S``) so that the
first packets of a film (negative decode times, encoder priming) stay positive in the piece;
the decoders' graphs trim at the moved times (``Segment.origin_us``). A film that cannot be
read here, or whose packets NUT cannot carry, keeps the old way: its decoders open the film.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from media.errors import ProtoReelError
from media.jobs import CancelToken

US = 1_000_000
SHIFT_S = 1000
# Pieces only for films long enough for their index to matter (~4 MB an open at 15 minutes):
# a phone's short film is still opened by its decoders, and no disk goes to copies of it.
PIECES_FROM_US = 15 * 60 * US
REORDER_US = 1_000_000  # read this far past the end: pictures come in decoding order, not showing order
EXTRA_SOURCE_US = 200_000  # as the decoders did with -t: a little past the out point for rate conversion


@dataclass(frozen=True)
class Piece:
    path: Path
    shift_us: int  # added to every timestamp of the film


@dataclass(frozen=True)
class Measured:
    in_us: int  # the clip's in point (on its frame's start: ``PlanItem`` comes snapped)
    lead_us: int  # as ``seeking.Access``
    video_end_us: int | None
    audio_end_us: int | None
    piece: Piece | None


def cut_all(segments: list, work: Path, cancel: CancelToken) -> None:
    """Measure every clip and copy out its piece in a child process; each segment gets what
    was found (a film that could not be read there keeps the old way)."""
    jobs = []
    for n, segment in enumerate(segments):
        item = segment.item
        if segment.kind == "clip" and (item.has_video or item.has_audio):
            jobs.append({"n": n, "source": str(item.source), "film_start_us": item.film_start_us,
                         "start_us": item.start_us, "end_us": item.end_us,
                         "video": item.has_video, "audio": item.has_audio,
                         "cut": not item.film_duration_us or item.film_duration_us >= PIECES_FROM_US})
    if not jobs:
        return
    from media.export import child

    try:
        out = child.run_module("media.export.pieces", json.dumps({"work": str(work), "jobs": jobs}).encode(),
                               cancel, "the films could not be read")
    except ProtoReelError:
        return  # nothing measured: the decoders open the films themselves, as they always could
    for n, found in json.loads(out).items():
        segments[int(n)].set_measured(Measured(
            found["in_us"], found["lead_us"], found["video_end_us"], found["audio_end_us"],
            Piece(Path(found["piece"]), SHIFT_S * US) if found["piece"] else None))


def measure_and_cut(jobs: list[dict], work: Path) -> dict[int, dict]:
    """The child's work: every job measured, and its piece cut, each film opened once (jobs
    of one film taken in film order, so it is read forward)."""
    import av
    import av.error

    results: dict[int, dict] = {}
    current, container = None, None
    try:
        for job in sorted(jobs, key=lambda j: (j["source"], j["start_us"])):
            if job["source"] != current:
                if container is not None:
                    container.close()
                current = job["source"]
                try:
                    container = av.open(current, metadata_errors="ignore")
                except (av.error.FFmpegError, OSError):
                    container = None
            if container is not None:
                results[job["n"]] = _one(container, job, work / f"piece{job['n']}.nut")
    finally:
        if container is not None:
            container.close()
    return results


def _one(container, job: dict, path: Path) -> dict:
    from media.export import seeking

    in_us = job["start_us"]  # the start of the frame on screen there (media.reading.frame_index)
    access = seeking.measure_in(container, job["film_start_us"], in_us, job["end_us"], job["video"], job["audio"])
    streams = [s for s in (seeking.video_stream(container) if job["video"] else None,
                           seeking.audio_stream(container) if job["audio"] else None) if s is not None]
    start = job["film_start_us"] + in_us - min(access.lead_us, in_us)  # where the decoders' own -ss would land
    end = job["film_start_us"] + job["end_us"] + EXTRA_SOURCE_US + REORDER_US
    cut = job.get("cut", True) and _cut(container, streams, start, end, path)
    return {"in_us": in_us, "lead_us": access.lead_us, "video_end_us": access.video_end_us,
            "audio_end_us": access.audio_end_us, "piece": str(path) if cut else None}


def _cut(container, streams: list, start: int, end: int, path: Path) -> bool:
    """Copy the packets of ``streams`` from the keyframe at or before ``start`` to past ``end``
    (film time, µs) into a NUT file, every timestamp moved by ``SHIFT_S``."""
    import av
    import av.error

    shifts = {s.index: Fraction(SHIFT_S) / s.time_base for s in streams if s.time_base}
    if not streams or len(shifts) != len(streams) or any(v.denominator != 1 for v in shifts.values()):
        return False
    try:
        with av.open(str(path), "w", format="nut") as out:
            outs = {s.index: out.add_stream_from_template(s) for s in streams}
            container.seek(start, backward=True, any_frame=False)
            past: set[int] = set()
            for packet in container.demux(streams):
                if not packet.size or (packet.dts is None and packet.pts is None):
                    continue
                index = packet.stream.index
                stamp = packet.dts if packet.dts is not None else packet.pts
                if stamp * packet.time_base * US > end:
                    past.add(index)
                    if len(past) == len(streams):
                        break
                    continue
                shift = int(shifts[index])
                packet.pts = None if packet.pts is None else packet.pts + shift
                packet.dts = None if packet.dts is None else packet.dts + shift
                packet.stream = outs[index]
                out.mux(packet)
    except (av.error.FFmpegError, OSError, ValueError, TypeError):
        path.unlink(missing_ok=True)
        return False
    return True


def _main() -> None:
    order = json.loads(sys.stdin.buffer.read())
    found = measure_and_cut(order["jobs"], Path(order["work"]))
    sys.stdout.write(json.dumps({str(n): r for n, r in found.items()}))


if __name__ == "__main__":
    _main()
