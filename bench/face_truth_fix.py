"""Apply the hand corrections (tests/data/faces/fixes/<film>.fix) to the raw truth that
bench/face_truth.py wrote, giving the truth file in tests/data/faces/.

Every correction made by eye is a line of a fix file, so the truth can be rebuilt and
checked: nothing is edited in the truth files by hand.

    key T F x y w h     face T is at (x, y, w, h) in frame F (drawn by hand, looking at the frame)
    span T A B          face T is in every frame A..B: frames without a box get one
                        interpolated between its nearest boxes in A..B (held at either end)
    drop T [A B]        T is not a face (or not in A..B)
    merge T U           U is the same face as T
    split T F U         from frame F on, T's boxes are another face, U (a cut the overlap bridged)
    skip A B            frames A..B are unknown: left out of the measure
    known A B           frames A..B are fully known after these corrections (not skipped)
    # ...               a comment: what was seen

    python bench/face_truth_fix.py RAW_DIR tests/data/faces [FILM...]
"""

from __future__ import annotations

import sys
from pathlib import Path


def read_raw(path: Path) -> tuple[dict, set, int, list[str]]:
    tracks: dict[str, dict[int, tuple]] = {}
    skips: set[int] = set()
    last = -1
    header = []
    for line in path.read_text().splitlines():
        parts = line.split()
        if not parts:
            continue
        if parts[0].startswith("#"):
            header.append(line)
            continue
        if parts[0] == "skip":
            skips.add(int(parts[1]))
            last = max(last, int(parts[1]))
            continue
        n, x, y, w, h = map(int, parts[:5])
        track = parts[5] if len(parts) > 5 else "1"
        tracks.setdefault(track, {})[n] = (x, y, w, h)
        last = max(last, n)
    return tracks, skips, last, header


def apply(tracks: dict, skips: set, fixes: list[str]) -> tuple[dict, set]:
    for raw in fixes:
        parts = raw.split("#", 1)[0].split()
        if not parts:
            continue
        op, args = parts[0], parts[1:]
        if op == "key":
            t, f, *box = args
            tracks.setdefault(t, {})[int(f)] = tuple(int(v) for v in box)
        elif op == "span":
            t, a, b = args[0], int(args[1]), int(args[2])
            boxes = tracks.setdefault(t, {})
            have = sorted(n for n in boxes if a <= n <= b)
            if not have:
                raise SystemExit(f"span {t} {a} {b}: no box of {t} in that range")
            for n in range(a, b + 1):
                if n in boxes:
                    continue
                before = [k for k in have if k < n]
                after = [k for k in have if k > n]
                if before and after:
                    p, q = boxes[before[-1]], boxes[after[0]]
                    s = (n - before[-1]) / (after[0] - before[-1])
                    boxes[n] = tuple(round(u + (v - u) * s) for u, v in zip(p, q))
                else:
                    boxes[n] = boxes[before[-1] if before else after[0]]
        elif op == "drop":
            t = args[0]
            if len(args) == 1:
                tracks.pop(t, None)
            else:
                a, b = int(args[1]), int(args[2])
                tracks[t] = {n: box for n, box in tracks.get(t, {}).items() if not a <= n <= b}
        elif op == "merge":
            t, u = args
            tracks.setdefault(t, {}).update(tracks.pop(u, {}))
        elif op == "split":
            t, f, u = args[0], int(args[1]), args[2]
            boxes = tracks.get(t, {})
            tracks[u] = {n: box for n, box in boxes.items() if n >= f}
            tracks[t] = {n: box for n, box in boxes.items() if n < f}
        elif op == "skip":
            skips |= set(range(int(args[0]), int(args[1]) + 1))
        elif op == "known":
            skips -= set(range(int(args[0]), int(args[1]) + 1))
        else:
            raise SystemExit(f"{raw!r}: unknown correction {op!r}")
    return tracks, skips


def write(path: Path, name: str, tracks: dict, skips: set, last: int, header: list[str], fixed: bool) -> None:
    lines = header[:1] or [f"# truth faces of {name}: frame x y w h track (see bench/face_truth.py)"]
    if fixed:
        lines.append(f"# corrected by hand after looking at the frames: tests/data/faces/fixes/{name}.fix")
    last = max([last, *skips, *(n for boxes in tracks.values() for n in boxes)])
    for n in range(last + 1):
        if n in skips:
            lines.append(f"skip {n}")
            continue
        for t in sorted(tracks, key=lambda t: (len(t), t)):
            if n in tracks[t]:
                lines.append(f"{n} {' '.join(str(v) for v in tracks[t][n])} {t}")
    path.write_text("\n".join(lines) + "\n")


def main(argv: list[str]) -> int:
    raw_dir, out_dir, *films = (Path(a) for a in argv)
    fixes_dir = out_dir / "fixes"
    names = [f.name for f in films] or sorted(p.name[:-4] for p in raw_dir.glob("*.txt"))
    for name in names:
        tracks, skips, last, header = read_raw(raw_dir / f"{name}.txt")
        fix = fixes_dir / f"{name}.fix"
        fixes = fix.read_text().splitlines() if fix.exists() else []
        tracks, skips = apply(tracks, skips, fixes)
        write(out_dir / f"{name}.txt", name, tracks, skips, last, header, bool(fixes))
        print(f"{name}: {sum(len(b) for b in tracks.values())} face boxes, {len(tracks)} faces, {len(skips)} frames unknown")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
