"""What asking the one gate costs a breakfast review, per slide (issue 21).

    .venv/bin/python bench/gate_bench.py [--people N] [--moves N]

A review of 20 clips in a library of N people (one of them on the film). For every slide the
presentation asks the gate (``reviews.show_item``): a card, read only; the clip, checked again
and logged in one write transaction just before it plays. Reference: the write every move
already made before the gate (``reviews.shown``, the time on screen), on the same library.
Medians of wall and CPU time; on a shared machine the wall time also counts waiting for a core
and for the disk.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def timed(fn, moves: int) -> tuple[float, float]:
    walls, cpus = [], []
    for n in range(moves):
        wall, cpu = time.perf_counter(), time.process_time()
        fn(n)
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--moves", type=int, default=60)
    args = parser.parse_args()

    from app.clips import clips
    from app.films import importing
    from app.library import Library
    from app.people import people
    from app.reviews import review_records, reviews
    from tests.media_factory import make_counting_film

    with tempfile.TemporaryDirectory() as tmp:
        film_path = make_counting_film(Path(tmp) / "film.mp4", seconds=4, fps=Fraction(25), gop=25)
        with Library.open(Path(tmp) / "lib") as lib:
            film = importing.import_file(lib, film_path).film_id
            for n in range(args.people):
                people.add(lib, f"Person Number{n}", "actor", "public")
            people.appears(lib, "Person Number1", [film])
            ids = [clips.add(lib, film, n * 160_000, (n + 1) * 160_000, title=f"Clip {n}") for n in range(20)]
            review = reviews.start(lib, clip_ids=ids, audience="collaborative")
            items = [i.id for i in review_records.detail(lib, review).items]
            card = timed(lambda n: reviews.show_item(lib, review, items[n % 20]), args.moves)
            clip = timed(lambda n: reviews.show_item(lib, review, items[n % 20], log=True), args.moves)
            ref = timed(lambda n: reviews.shown(lib, review, items[n % 20], 1000, n % 20), args.moves)
    print(f"{args.people} people, medians of {args.moves} moves")
    print(f"gate, a card (read only):            {card[0]:6.1f} ms wall {card[1]:6.1f} ms CPU")
    print(f"gate, the clip (checked again, logged): {clip[0]:6.1f} ms wall {clip[1]:6.1f} ms CPU")
    print(f"reference, the time-shown write:     {ref[0]:6.1f} ms wall {ref[1]:6.1f} ms CPU")
    print(f"ratio to the reference: card {card[0] / ref[0]:.2f}x, clip {clip[0] / ref[0]:.2f}x (wall)")


if __name__ == "__main__":
    main()
