"""Covering chosen people's faces only, per set (tuning / held-out): restricted people covered,
consenting people seen, people nobody registered covered.

The reference: the truth boxes and who each face is (tests/data/faces/: dlib's CNN face
detector MMOD + HOG, checked and corrected by eye; people.tsv labelled by eye). For every film
of the set with two or more people, each person in turn is the one who may not be shown; every
other person may be shown, except one (the last, in a film of three or more) whom nobody
registered. Each registered person gets up to ``READINGS`` readings, suggested from the
stretches of the film where they appear (as the app suggests them: the face the detectors find
on their truth box, every few frames, frontal, then the most unlike each other,
``recognise.spread``), as a facilitator's clicks would give. Every frame is turned upright,
letterboxed into 1280x720 (as MP4 export does) and given to the export's face filter
(``stream.Covering``) with those readings.

Prints per case and per set:
- restricted covered: the restricted person's face-frames covered (>= 80% of the truth box
  hidden; goal 100%) and the longest uncovered run;
- never registered covered (goal >= 99.5%);
- consenting readable faces visible: the face-frames of people who may be shown whose truth box
  is at least 60 px tall in the reel frame and not turned more than 45 degrees from frontal
  (people.tsv), left visible (< 20% of the truth box hidden; goal >= 90%);
- pairs the recogniser finds too alike (``recognise.too_alike``);
- readings taken and CPU per frame.

    .venv/bin/python bench/recognise_bench.py [--set tuning|held-out|all] [--film TEXT]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.face_set import available, reel_film  # noqa: E402
from media.anonymise.finder import FaceFinder  # noqa: E402
from media.anonymise.recognise import FaceReader, Known, readable, spread, too_alike  # noqa: E402
from media.anonymise.stream import Covering  # noqa: E402
from tests.face_truth import (COVERED_ENOUGH, DATA, VISIBLE_MAX, base, films, hidden_share, people,  # noqa: E402
                              where_not_found)

READINGS = 3
READABLE_PX = 60  # a consenting face this tall (in the 720p reel frame) and near frontal should be seen


def suggest(finder, reader, frames, truth, tracks: set[str], every: int = 5) -> list[np.ndarray]:
    """Readings of one person from the frames where they appear, the most unlike each other."""
    readings = []
    frames_of = sorted(n for n, faces in truth.items() if any(t in tracks for _b, t in faces))
    for n in frames_of[::every]:
        box = next(b for b, t in truth[n] if t in tracks)
        found = finder.detect_faces(np.ascontiguousarray(frames[n]))
        best = max(found, key=lambda f: hidden_share(box, [f[0][:4]]), default=None)
        if best is None or hidden_share(box, [best[0][:4]]) < 0.3 or readable(best[1]) != "frontal":
            continue
        readings.append(reader.read(frames[n], best[1]))
    return [readings[i] for i in spread(readings, READINGS)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", default="all", choices=["tuning", "held-out", "all"])
    parser.add_argument("--film", default="")
    args = parser.parse_args()
    finder, reader = FaceFinder(), FaceReader()
    by_film = defaultdict(list)
    for person in people():
        by_film[person.film].append(person)
    totals = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    worst = defaultdict(int)
    cost = defaultdict(lambda: [0, 0.0, 0])
    for film in films():
        if (args.set != "all" and film.set != args.set) or args.film not in film.name or "#" in film.name:
            continue
        cast = by_film.get(film.name, [])
        if len(cast) < 2 or not (DATA / f"{base(film.name)}.txt").exists():
            continue
        if not available(film.name):
            print(f"no sample film {where_not_found(film.name)}: left out")
            continue
        frames, fps, truth, unknown = reel_film(film.name)
        registered = {p.who: suggest(finder, reader, frames, truth, p.tracks) for p in cast}
        registered = {who: r for who, r in registered.items() if r}
        unregistered = cast[-1].who if len(cast) >= 3 else None
        alike = too_alike({w: r for w, r in registered.items() if w != unregistered})
        print(f"\n{film.name} ({film.set}): {len(frames)} frames; readings: "
              + ", ".join(f"{w} {len(r)}" for w, r in registered.items())
              + (f"; never registered: {unregistered}" if unregistered else ""))
        for pair in alike:
            print(f"    too alike: {pair.sentence()}")
        for restricted in cast:
            if restricted.who == unregistered or restricted.who not in registered:
                continue
            shown = [p.who for p in cast if p.who not in (restricted.who, unregistered) and p.who in registered]
            known = Known([r for w in shown for r in registered[w]], list(registered[restricted.who]))
            covering = Covering(fps, known=known, rgb_of=lambda item: cv2.cvtColor(item, cv2.COLOR_YUV2RGB_I420))
            started = time.process_time()
            covers, states = [], []
            for rgb in frames:
                yuv = cv2.cvtColor(rgb, cv2.COLOR_RGB2YUV_I420)
                covers += [boxes for _item, boxes in covering.push(yuv, yuv[:rgb.shape[0]])]
                states.append([(t.box, t.shown, t.hidden, t.reads, t.votes) for t in covering.tracker.tracks])
            covers += [boxes for _item, boxes in covering.flush()]
            cpu = time.process_time() - started
            counts = defaultdict(lambda: [0, 0])
            why: dict[str, int] = defaultdict(int)
            runs: dict[str, int] = defaultdict(int)
            longest = 0
            owner = {t: p for p in cast for t in p.tracks}
            for n, faces in sorted(truth.items()):
                if n in unknown:
                    continue
                for box, track in faces:
                    person = owner.get(track)
                    hidden = hidden_share(box, covers[n])
                    if person is None or person.who == unregistered or person.who not in registered:
                        kind, ok = "never registered", hidden >= COVERED_ENOUGH
                    elif person.who == restricted.who:
                        kind, ok = "restricted", hidden >= COVERED_ENOUGH
                        runs[track] = 0 if ok else runs[track] + 1
                        longest = max(longest, runs[track])
                    elif box[3] >= READABLE_PX and n not in person.turned:
                        kind, ok = "consenting readable", hidden < VISIBLE_MAX
                        if not ok:
                            why[why_not(box, states[n])] += 1
                    else:
                        continue
                    counts[kind][0] += ok
                    counts[kind][1] += 1
            for kind, (a, b) in counts.items():
                totals[film.set][kind][0] += a
                totals[film.set][kind][1] += b
            worst[film.set] = max(worst[film.set], longest)
            cost[film.set][0] += len(frames)
            cost[film.set][1] += cpu
            cost[film.set][2] += covering.tracker.readings
            print(f"  {restricted.who:>24} restricted: covered {share(counts['restricted'])} (longest miss {longest}); "
                  f"consenting readable visible {share(counts['consenting readable'])}; never registered covered "
                  f"{share(counts['never registered'])}; {covering.tracker.readings} readings; "
                  f"{1000 * cpu / len(frames):.0f} ms CPU a frame")
            if why:
                print("      consenting faces covered because: " + ", ".join(f"{k} {v}" for k, v in sorted(why.items())))
    for name in ("tuning", "held-out"):
        if name not in totals:
            continue
        t = totals[name]
        frames, cpu, reads = cost[name]
        print(f"\n{name} set: restricted people's face-frames covered {share(t['restricted'])} (goal 100%), longest "
              f"uncovered run {worst[name]}; never-registered covered {share(t['never registered'])} (goal >= 99.5%); "
              f"consenting readable faces (>= {READABLE_PX} px, within 45 degrees) visible "
              f"{share(t['consenting readable'])} (goal >= 90%); {reads / max(frames, 1) * 100:.1f} readings per 100 "
              f"frames; {1000 * cpu / max(frames, 1):.1f} ms CPU a 720p frame")
    print("\nreference: tests/data/faces truth and people.tsv (dlib CNN MMOD + HOG, checked by eye); covered: >= 80% of "
          "the truth box hidden; visible: < 20% hidden")
    return 0


def why_not(box, tracks) -> str:
    """Why a consenting face was covered, from the tracker's state in that frame."""
    from media.anonymise.faces import iou

    track = max(tracks, key=lambda t: iou(t[0], box), default=None)
    if track is None or iou(track[0], box) < 0.1:
        return "no track"
    _box, shown, hidden, reads, votes = track
    if hidden:
        return "a reading said restricted"
    if shown:
        return "shown (box of another face over it)"
    return f"undecided ({reads} readings, {votes} say shown)" if reads else "not read yet"


def share(pair) -> str:
    a, b = pair
    return f"{100 * a / b:.1f}% of {b}" if b else "n/a"


if __name__ == "__main__":
    sys.exit(main())
