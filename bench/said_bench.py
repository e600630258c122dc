"""Searching what was said across a big library: 500 films' transcripts (goal: <= 50 ms).

    .venv/bin/python bench/said_bench.py [--films 500] [--minutes 30]
    PROTOREEL_DATABASE_URL=postgresql+psycopg://... .venv/bin/python bench/said_bench.py   # a team library

Builds a library of ``--films`` films, each with a transcript of ``--minutes`` minutes of talk
(150 words a minute, lines of about 15 words, 20,000 clips spread over the films), then times
``app.transcripts.search.said`` (what ``protoreel said`` and the clip list's list of moments
run) and the clip list's filter by words (``queries.clip_ids`` with text: titles, notes, quotes
or said in the clip) for queries from the rarest to the commonest word.

The talk is drawn word by word from English text (the docstrings of the Python packages
installed here), each word as often as in that text (so "the" is common, "receptionist" rare);
a few phrases are planted in known films at known times. Answers are checked against them: the
planted phrase must be found exactly where and as often as it was planted (the reference is the
plant list, not the index).
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select, text  # noqa: E402

from app import queries  # noqa: E402
from app.library import Library  # noqa: E402
from app.models import Clip, Film, Transcript, TranscriptSegment  # noqa: E402
from app.queries import ClipFilter  # noqa: E402
from app.transcripts import search  # noqa: E402

PLANTED = {  # phrase -> how many films it is said in (once each)
    "you'll have to ring back at eight": 3,
    "nobody asked me what he needs": 12,
    "duty worker": 40,
}
WORDS_PER_MINUTE = 150
LINE_WORDS = 15


def english_words(limit: int = 30_000) -> tuple[list[str], list[int]]:
    """Words of the docstrings and comments of the installed packages, with their counts."""
    import site

    counts: collections.Counter = collections.Counter()
    for folder in site.getsitepackages():
        for path in list(Path(folder).rglob("*.py"))[:6000]:
            try:
                body = path.read_text(errors="ignore")
            except OSError:
                continue
            for chunk in re.findall(r'"""(.*?)"""|#([^\n]*)', body, flags=re.S):
                for word in re.findall(r"[a-z][a-z']+", (chunk[0] or chunk[1]).lower()):
                    counts[word] += 1
    common = counts.most_common(limit)
    return [w for w, _n in common], [n for _w, n in common]


def build(root: Path, films: int, minutes: float, clips_n: int, seed: int = 7):
    lib = Library.open(root)
    vocabulary, weights = english_words()
    rng = random.Random(seed)
    words_per_film = int(minutes * WORDS_PER_MINUTE)
    plants: dict[str, list[tuple[int, int]]] = {}  # phrase -> (film id, start_us)
    with lib.engine.begin() as conn:
        conn.execute(insert(Film), [dict(
            id=f, title=f"Role-play {f:03d}", path=f"media/{f}.mp4", linked=False, original_name="", sha256=f"{f:064x}",
            size_bytes=1, container="mov", duration_us=int(minutes * 60e6) + 10_000_000, start_us=0, has_video=True,
            video_codec="h264", width=1280, height=720, rotation=0, mirror=False, sar_num=1, sar_den=1, fps_num=25,
            fps_den=1, frame_count=None, vfr=False, has_audio=True, audio_codec="aac", audio_rate=48000,
            audio_channels=2, missing=False) for f in range(1, films + 1)])
        conn.execute(insert(Transcript), [dict(film_id=f, model="bench/beam5/en", sound_us=int(minutes * 60e6))
                                          for f in range(1, films + 1)])
        planted_in = {phrase: set(rng.sample(range(1, films + 1), n)) for phrase, n in PLANTED.items()}
        total_words = 0
        for f in range(1, films + 1):
            drawn = rng.choices(vocabulary, weights, k=words_per_film)
            slots = rng.sample(range(words_per_film // LINE_WORDS - 1), len(planted_in))
            for (phrase, where), slot in zip(planted_in.items(), slots):
                if f in where:
                    at = slot * LINE_WORDS  # at a line's start, in place of the words drawn there
                    drawn[at:at + len(phrase.split())] = phrase.split()
                    plants.setdefault(phrase, []).append((f, at * 400_000))
            rows = []
            for start in range(0, len(drawn), LINE_WORDS):
                line = drawn[start:start + LINE_WORDS]
                words = [[w, (start + i) * 400_000, (start + i) * 400_000 + 350_000, 0.9] for i, w in enumerate(line)]
                rows.append(dict(film_id=f, start_us=words[0][1], end_us=words[-1][2], speaker="",
                                 text=" ".join(line), words_json=json.dumps(words)))
            conn.execute(insert(TranscriptSegment), rows)
            total_words += len(drawn)
        per_film = clips_n // films
        conn.execute(insert(Clip), [dict(film_id=f, title=f"Clip {f}-{k}", start_us=k * 20_000_000,
                                         end_us=k * 20_000_000 + 15_000_000, note="", quote="", safeguarding=False,
                                         safeguarding_note="")
                                    for f in range(1, films + 1) for k in range(per_film)])
    with lib.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        # As a library that has settled (autovacuum does it after a bulk insert on PostgreSQL).
        conn.execute(text("VACUUM ANALYZE" if lib.engine.dialect.name == "postgresql" else "ANALYZE"))
    return lib, plants, total_words, vocabulary


def timed(fn, repeats: int = 7) -> tuple[float, float, float, object]:
    """Median and worst wall time in ms, the median CPU time of this thread in ms (what it costs
    on an idle core, whatever else the machine is doing), and the answer."""
    times, cpu, answer = [], [], None
    for _ in range(repeats):
        t, c = time.perf_counter(), time.thread_time()
        answer = fn()
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.thread_time() - c) * 1000)
    return statistics.median(times), max(times), statistics.median(cpu), answer


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--films", type=int, default=500)
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--clips", type=int, default=20_000)
    parser.add_argument("--keep", type=Path, help="build the library here, or reuse the one built here before")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        where = args.keep or Path(tmp) / "lib"
        if args.keep and (where / "plants.json").exists():
            lib = Library.open(where)
            plants, vocabulary, total_words = json.loads((where / "plants.json").read_text())
            plants = {k: [tuple(x) for x in v] for k, v in plants.items()}
        else:
            lib, plants, total_words, vocabulary = build(where, args.films, args.minutes, args.clips)
            (where / "plants.json").write_text(json.dumps([plants, vocabulary, total_words]))
        if lib.engine.dialect.name == "sqlite":
            size = f"{(where / 'library.db').stat().st_size / 1e6:.0f} MB"
        else:  # a team library (PROTOREEL_DATABASE_URL names its PostgreSQL database)
            with lib.engine.connect() as conn:
                size = f"{conn.execute(text('SELECT pg_database_size(current_database())')).scalar() / 1e6:.0f} MB"
        print(f"library ({lib.engine.dialect.name}): {args.films} films x {args.minutes:g} min = {total_words:,} words, "
              f"{args.clips:,} clips, {size}, built in {time.perf_counter() - started:.0f} s")
        queries_ = [("rare phrase", "you'll have to ring back at eight"),
                    ("planted phrase", "nobody asked me what he needs"),
                    ("two words", "duty worker"),
                    ("as you type", "duty wor"),
                    ("typing, 1 letter", "d"),
                    ("typing, 2", "du"),
                    ("typing, 3", "dut"),
                    ("rare word", vocabulary[20_000]),
                    ("mid word", vocabulary[2000]),
                    ("common word", vocabulary[40]),
                    ("commonest word", vocabulary[0]),
                    ("common pair", f"{vocabulary[0]} {vocabulary[1]}")]
        worst = said_worst = said_cpu = 0.0
        print("wall ms: median / max of 7; cpu ms: median CPU time of the searching thread")
        print(f"{'query':<16} {'words':<30} {'said wall':>15} {'cpu':>6} {'hits':>5}   "
              f"{'clip list wall':>15} {'cpu':>6} {'clips':>6}   {'titles only':>11}")
        for label, words in queries_:
            prefix = label.startswith(("as you type", "typing"))
            with lib.read() as s:
                med, top, cpu, found = timed(lambda: search.said(s, words, limit=50, prefix_last=prefix))
                cmed, ctop, ccpu, clips = timed(lambda: queries.clip_ids(s, ClipFilter(text=words)))
                # The reference: the same filter on titles, notes and quotes alone (before transcripts).
                conds = queries.clip_conditions(ClipFilter(text=words))
                rmed, _rtop, rcpu, _r = timed(lambda: list(s.scalars(select(Clip.id).where(*conds))))
            said_worst, said_cpu = max(said_worst, top), max(said_cpu, cpu)
            worst = max(worst, ctop)
            print(f"{label:<16} {words[:30]:<30} {med:>6.1f} /{top:>6.1f} {cpu:>6.1f} {len(found):>5}   "
                  f"{cmed:>6.1f} /{ctop:>6.1f} {ccpu:>6.1f} {len(clips):>6}   {rcpu:>7.1f} cpu")
            if words in plants:  # checked against where it was planted
                expected = sorted(plants[words])
                got = sorted((m.film_id, m.start_us) for m in found if search.tokens(m.text)[:len(search.tokens(words))]
                             == search.tokens(words))
                assert got == expected, (words, got, expected)
        print(f"planted phrases found exactly where planted: {', '.join(f'{p!r} x{len(v)}' for p, v in plants.items())}")
        print(f"said: worst wall {said_worst:.1f} ms, worst median CPU {said_cpu:.1f} ms (goal <= 50 ms); "
              f"the clip list's filter: worst wall {worst:.1f} ms")
        lib.close()


if __name__ == "__main__":
    main()
