"""How well face covering hides faces nobody registered, per set (tuning / held-out), and how
fast it runs at 720p.

The reference: the truth boxes in tests/data/faces/ (dlib's CNN face detector MMOD joined with
its HOG detector, a different detector from the ones measured, run on the upright picture;
every film looked at on contact sheets and corrected by hand, each correction a line of
tests/data/faces/fixes/; bench/face_truth.py and face_truth_fix.py). Which films are held out
(never tuned on): tests/data/faces/films.tsv. Who each face is, skin tone group, lighting and
the frames where a face is turned away: tests/data/faces/people.tsv (labelled by eye).

Every frame is turned upright, letterboxed into a 1280x720 reel frame (as MP4 export does),
and given to the same face filter the export runs (``stream.Covering``: tracker and look-ahead).
A face counts as covered when at least 80% of its truth box is hidden. Frames whose truth is
unknown are left out. Prints per film and per set:
- covered: the share of face-frames covered (goal >= 99.5%);
- longest run of frames in which one face stays uncovered (goal <= 2);
- recall by skin tone group, by lighting, by face size and by pose (goal: none under 99%);
- false covering: the share of the covered area outside every truth face (padding included)
  and the covered boxes that touch no face at all;
- CPU per frame of finding, following and covering faces at 720p (process CPU, all threads).

    .venv/bin/python bench/anonymise_bench.py [--set tuning|held-out|all] [--film TEXT] [--misses]

For a before/after, run this file, bench/face_set.py, tests/face_truth.py and tests/data/faces
in a checkout with the old media/anonymise: it falls back to the old tracker on its own.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", default="all", choices=["tuning", "held-out", "all"])
    parser.add_argument("--film", default="", help="only the films whose name contains this")
    parser.add_argument("--misses", action="store_true", help="list the uncovered frames of each face")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    import cv2  # noqa: F401
    import numpy as np

    from bench.face_set import available, reel_film
    from tests.face_truth import COVERED_ENOUGH, films, hidden_share, people

    chosen = [f for f in films() if (args.set == "all" or f.set == args.set) and args.film in f.name]
    missing = [f.name for f in chosen if not available(f.name)]
    if missing:
        from tests.face_truth import where_not_found

        print(f"no sample film {where_not_found(missing[0])}: nothing to measure")
        return 1
    from tests.face_truth import DATA, base

    no_truth = [f.name for f in chosen if not (DATA / f"{base(f.name)}.txt").exists()]
    if no_truth:
        print(f"no truth for {', '.join(no_truth)}: left out")
        chosen = [f for f in chosen if f.name not in no_truth]
    labels = people_index(people())
    totals: dict[str, dict] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    longest: dict[str, int] = defaultdict(int)
    extra: dict[str, dict] = defaultdict(lambda: defaultdict(float))
    print(f"{'film':60} {'set':8} {'faces':>6} {'covered':>8} {'run':>4} {'ms CPU':>7} {'outside':>8} {'stray':>6}")
    for film in chosen:
        frames, fps, truth, unknown = reel_film(film.name)
        covers, cpu = run_filter(frames, fps)
        counts: dict = defaultdict(lambda: [0, 0])
        runs: dict[str, int] = defaultdict(int)
        worst = 0
        misses: dict[str, list] = defaultdict(list)
        outside, stray = [], 0
        for n, boxes in enumerate(covers):
            if n in unknown:
                continue
            faces = truth.get(n, [])
            if boxes:
                outside.append(outside_share(boxes, [b for b, _t in faces]))
                stray += sum(1 for b in boxes if all(hidden_share(f, [b]) == 0 for f, _t in faces))
            for box, track in faces:
                ok = hidden_share(box, boxes) >= COVERED_ENOUGH
                person = labels.get((film.name, track))
                for key in keys(person, box, n):
                    counts[key][0] += ok
                    counts[key][1] += 1
                runs[track] = 0 if ok else runs[track] + 1
                worst = max(worst, runs[track])
                if not ok:
                    misses[track].append(n)
        for key, (a, b) in counts.items():
            totals[film.set][key][0] += a
            totals[film.set][key][1] += b
        longest[film.set] = max(longest[film.set], worst)
        extra[film.set]["frames"] += len(frames)
        extra[film.set]["cpu"] += cpu
        extra[film.set]["stray"] += stray
        extra[film.set]["outside_sum"] += sum(outside)
        extra[film.set]["outside_n"] += len(outside)
        a, b = counts["all"]
        print(f"{film.name:60} {film.set:8} {b:>6} {share(a, b):>8} {worst:>4} {1000 * cpu / len(frames):>7.1f} "
              f"{100 * float(np.mean(outside)) if outside else 0:>7.1f}% {stray:>6}")
        if args.misses and misses:
            for track, frames_missed in misses.items():
                who = labels.get((film.name, track))
                print(f"    face {track} ({who.who if who else '?'}) uncovered in frames {spans(frames_missed)}")
    for name in ("tuning", "held-out"):
        if name not in totals:
            continue
        t = totals[name]
        a, b = t["all"]
        print(f"\n{name} set: never-registered faces covered {share(a, b)} of {b} face-frames (goal >= 99.5%); "
              f"longest uncovered run of one face {longest[name]} frames (goal <= 2)")
        for group in ("skin", "light", "size", "pose"):
            parts = [f"{k.split(':', 1)[1]} {share(*t[k])} of {t[k][1]}" for k in sorted(t) if k.startswith(group + ":")]
            print(f"  by {group}: " + "; ".join(parts))
        e = extra[name]
        print(f"  false covering: {100 * e['outside_sum'] / max(e['outside_n'], 1):.1f}% of the covered area outside the "
              f"truth faces (padding included); {int(e['stray'])} covered boxes in {int(e['frames'])} frames touch no face")
        print(f"  CPU: {1000 * e['cpu'] / e['frames']:.1f} ms a 720p frame (finding, following, covering; all threads)")
    print("\nreference: tests/data/faces truth (dlib CNN MMOD + HOG, checked and corrected by eye); "
          "a face is covered when >= 80% of its truth box is hidden")
    return 0


def run_filter(frames, fps):
    """The boxes the export's face filter covers in each frame, and the process CPU it took."""
    import cv2

    from media.anonymise import faces as face_code

    covering = getattr(__import__("media.anonymise.stream", fromlist=["Covering"]), "Covering", None)
    started = time.process_time()
    out = []
    if covering is None:  # the old code: the tracker alone
        tracker = face_code.FaceTracker(fps)
        for rgb in frames:
            yuv = cv2.cvtColor(rgb, cv2.COLOR_RGB2YUV_I420)
            boxes = tracker.update(yuv[:rgb.shape[0]], lambda yuv=yuv: cv2.cvtColor(yuv, cv2.COLOR_YUV2RGB_I420))
            face_code.cover(yuv, boxes, "blur")
            out.append(boxes)
    else:
        cover = covering(fps, rgb_of=lambda item: cv2.cvtColor(item, cv2.COLOR_YUV2RGB_I420))
        for rgb in frames:
            yuv = cv2.cvtColor(rgb, cv2.COLOR_RGB2YUV_I420)
            for item, boxes in cover.push(yuv, yuv[:rgb.shape[0]]):
                face_code.cover(item, boxes, "blur")
                out.append(boxes)
        for item, boxes in cover.flush():
            face_code.cover(item, boxes, "blur")
            out.append(boxes)
    return out, time.process_time() - started


def people_index(rows) -> dict:
    index = {}
    for person in rows:
        for track in person.tracks:
            index[(person.film, track)] = person
            if "#" not in person.film:
                index.setdefault((person.film + "#lowlight", track), _dark(person))
    return index


def _dark(person):
    from dataclasses import replace

    return replace(person, film=person.film + "#lowlight", light="low (simulated)")


def keys(person, box, n) -> list[str]:
    height = box[3]
    size = "<24px" if height < 24 else "24-47px" if height < 48 else "48-95px" if height < 96 else ">=96px"
    out = ["all", f"size:{size}"]
    if person is not None:
        out += [f"skin:{person.skin}", f"light:{person.light}", f"pose:{'turned/down' if n in person.turned else 'within 45'}"]
    else:
        out += ["skin:unlabelled", "light:unlabelled", "pose:unlabelled"]
    return out


def outside_share(covers, faces) -> float:
    import numpy as np

    mask = np.zeros((720, 1280), np.uint8)
    for x, y, w, h in covers:
        mask[max(int(y), 0):int(y + h), max(int(x), 0):int(x + w)] = 1
    total = int(mask.sum())
    for x, y, w, h in faces:
        mask[max(int(y), 0):int(np.ceil(y + h)), max(int(x), 0):int(np.ceil(x + w))] = 0
    return int(mask.sum()) / total if total else 0.0


def share(a, b) -> str:
    return f"{100 * a / b:.1f}%" if b else "n/a"


def spans(frames: list[int]) -> str:
    out, start = [], None
    for i, n in enumerate(frames):
        if start is None:
            start = n
        if i + 1 == len(frames) or frames[i + 1] != n + 1:
            out.append(f"{start}-{n}" if n != start else str(n))
            start = None
    return ", ".join(out)


if __name__ == "__main__":
    sys.exit(main())
