"""Two facilitators' computers editing one team library (PostgreSQL) at the same time.

    .venv/bin/python bench/team_bench.py [--seconds 60] [--clips 6] [--server URL]

Two processes (each its own opening of the library, as two laptops) work for ``--seconds`` on
the same few clips of one film, as fast as they can, each step one of:

- append a word to a clip's note, made from the note as read a moment before (read, think
  0-20 ms, write with the version read: ``clips.update(version=, read=)``);
- rename a clip the same way;
- tag a clip with one of a few *new* tags that both create (get-or-create at once);
- add a clip, and now and then undo its own last step.

Refusals are counted, not errors: an edit whose field the other changed meanwhile
(``EditConflict``), an undo of something the other has touched since (``UndoConflict``).
Anything else is a failure. At the end the library is checked against what each process
said was saved, independently of the app (its own SQL on the database):

- every word a process was told was saved is in that clip's note, once; no refused word is;
- every title in the database is one some process saved; every clip a process added and did
  not undo is there; each new tag exists once.

Lost edits (a saved word missing), ghost edits (a refused word present) and duplicate tags must
all be 0. Without ``--server`` a throwaway server is started (scripts/test-postgres.sh).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NEW_TAGS = [f"challenge:{name}" for name in ("Parking fines", "Broken lift", "Fax only", "Closed on Fridays", "Queue outside")]


def worker(url: str, share: str, who: str, seconds: float, clip_ids: list[int], film_id: int, seed: int,
           versions: bool = True) -> dict:
    from app import reads
    from app.clips import clips
    from app.library import Library
    from app.undo import UndoConflict
    from media.errors import EditConflict

    rng = random.Random(seed)
    saved_words: dict[int, list[str]] = {c: [] for c in clip_ids}
    refused_words: dict[int, list[str]] = {c: [] for c in clip_ids}
    titles, added, undone = [], [], []
    history: list[tuple] = []  # this process's undoable steps, newest last (mirrors its undo history)
    counts = {"note": 0, "title": 0, "tag": 0, "add": 0, "undo": 0, "conflicts": 0, "undo_refused": 0}
    latencies = []
    with Library.open(Path(share), url) as lib:
        n = 0
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            n += 1
            roll = rng.random()
            clip = rng.choice(clip_ids)
            began = time.perf_counter()
            pushed = lib.undo_stack.pushed
            step = None
            if roll < 0.6:
                rec = reads.clip(lib, clip)
                time.sleep(rng.uniform(0, 0.02))  # someone typing
                word = f"{who}{n}"
                try:
                    clips.update(lib, clip, version=rec.version if versions else None, read={"note": rec.note},
                                 note=(rec.note + " " + word).strip())
                    saved_words[clip].append(word)
                    step = ("note", clip, word)
                    counts["note"] += 1
                except EditConflict:
                    refused_words[clip].append(word)
                    counts["conflicts"] += 1
            elif roll < 0.75:
                rec = reads.clip(lib, clip)
                time.sleep(rng.uniform(0, 0.02))
                title = f"{who} title {n}"
                try:
                    clips.update(lib, clip, version=rec.version if versions else None, read={"title": rec.title},
                                 title=title)
                    titles.append(title)
                    step = ("title", clip, title)
                    counts["title"] += 1
                except EditConflict:
                    counts["conflicts"] += 1
            elif roll < 0.85:
                clips.tag_with(lib, [clip], rng.choice(NEW_TAGS))
                step = ("tag", clip, None)
                counts["tag"] += 1
            elif roll < 0.95:
                start = rng.randrange(0, 3_000_000)
                new = clips.add(lib, film_id, start, start + 500_000, title=f"{who} clip {n}")
                added.append(new)
                step = ("add", new, None)
                counts["add"] += 1
            elif history:
                kind, target, value = history.pop()  # what undo takes back, or drops when refused
                try:
                    lib.undo()
                    counts["undo"] += 1
                    if kind == "note":  # taken back out: must not be there any more
                        saved_words[target].remove(value)
                        refused_words[target].append(value)
                    elif kind == "add":
                        added.remove(target)
                        undone.append(target)
                except UndoConflict:
                    counts["undo_refused"] += 1
            if step is not None and lib.undo_stack.pushed > pushed:
                history.append(step)
            latencies.append(time.perf_counter() - began)
    return {"who": who, "saved": saved_words, "refused": refused_words, "titles": titles, "added": added,
            "undone": undone, "counts": counts, "steps": n,
            "p50_ms": statistics.median(latencies) * 1000, "p95_ms": sorted(latencies)[int(len(latencies) * 0.95)] * 1000}


def prepare(url: str, share: Path, clips_wanted: int) -> tuple[int, list[int]]:
    from app.clips import clips
    from app.films import importing
    from app.library import Library
    from tests.media_factory import make_counting_film

    film = share.parent / "counting.mp4"
    make_counting_film(film, seconds=4)
    with Library.open(share, url) as lib:
        (result,) = importing.import_files(lib, [film])
        ids = [clips.add(lib, result.film_id, n * 400_000, n * 400_000 + 300_000, title=f"Clip {n}")
               for n in range(clips_wanted)]
    return result.film_id, ids


def check(url: str, results: list[dict], clip_ids: list[int]) -> dict:
    """The library as the database holds it, read with plain SQL, against what was saved."""
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    conninfo = f"host={u.query.get('host', '')} port={u.query.get('port', 5432)} user={u.username} dbname={u.database}"
    with psycopg.connect(conninfo) as conn:
        notes = dict(conn.execute("SELECT id, note FROM clips").fetchall())
        titles = dict(conn.execute("SELECT id, title FROM clips").fetchall())
        tag_counts = conn.execute("SELECT lower(name), count(*) FROM tags GROUP BY kind, lower(name) "
                                  "HAVING count(*) > 1").fetchall()
    # A word a process undid counts as refused: it must not be there.
    lost, ghosts, present = 0, 0, 0
    for r in results:
        for clip, words in r["saved"].items():
            have = notes.get(int(clip), "").split()
            for word in words:
                if have.count(word) == 1:
                    present += 1
                else:
                    lost += 1
        for clip, words in r["refused"].items():
            have = notes.get(int(clip), "").split()
            ghosts += sum(1 for w in words if w in have)
    saved_titles = {t for r in results for t in r["titles"]} | {f"Clip {n}" for n in range(len(clip_ids))}
    saved_titles |= {t for t in titles.values() if " clip " in t}
    stray_titles = [t for c, t in titles.items() if c in clip_ids and t not in saved_titles]
    missing_clips = [c for r in results for c in r["added"] if c not in titles]
    return {"lost": lost, "ghosts": ghosts, "words_present": present, "stray_titles": stray_titles,
            "missing_clips": missing_clips, "duplicate_tags": tag_counts}


def run(url: str, share: Path, seconds: float, clips_wanted: int = 6, versions: bool = True) -> dict:
    film_id, clip_ids = prepare(url, share, clips_wanted)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    procs = []
    for n, who in enumerate(("a", "b")):
        code = (f"import json, sys; sys.path.insert(0, {str(ROOT)!r}); from bench.team_bench import worker; "
                f"print(json.dumps(worker({url!r}, {str(share)!r}, {who!r}, {seconds}, {clip_ids!r}, {film_id}, {n}, {versions})))")
        procs.append(subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      text=True, env=env, cwd=ROOT))
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=seconds + 300)
        if proc.returncode != 0:
            raise RuntimeError(f"worker failed ({proc.returncode}): {err[-3000:]}")
        results.append(json.loads(out.strip().splitlines()[-1]))
    return {"results": results, "check": check(url, results, clip_ids), "seconds": seconds}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clips", type=int, default=6)
    parser.add_argument("--server", help="a PostgreSQL maintenance URL (default: start a throwaway server)")
    parser.add_argument("--no-versions", action="store_true",
                        help="the reference: edits made without the version read (as before issue 28): the check "
                             "must then find lost edits")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="team-bench-"))
    server_dir = None
    server = args.server
    if server is None:
        # A folder of its own (the server runs as the postgres user, which cannot enter ``work``).
        server_dir = Path(tempfile.mkdtemp(prefix="team-bench-pg-"))
        port = str(56000 + os.getpid() % 1000)
        server = subprocess.run(["bash", str(ROOT / "scripts/test-postgres.sh"), "start", str(server_dir), port],
                                check=True, capture_output=True, text=True).stdout.strip()
    try:
        import psycopg
        from sqlalchemy.engine import make_url

        u = make_url(server)
        conninfo = f"host={u.query.get('host', '')} port={u.query.get('port', 5432)} user={u.username} dbname={u.database}"
        name = f"protoreel_bench_{os.getpid()}"
        with psycopg.connect(conninfo, autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {name}")
        url = u.set(database=name).render_as_string(hide_password=False)
        share = work / "share"
        share.mkdir()
        os.environ.setdefault("PROTOREEL_CONFIG_DIR", str(work / "config"))
        began = time.monotonic()
        report = run(url, share, args.seconds, args.clips, versions=not args.no_versions)
        print(("WITHOUT versions (reference): " if args.no_versions else "") + f"two processes, {args.seconds:.0f} s each, {args.clips} clips of one film "
              f"(wall {time.monotonic() - began:.0f} s, load {os.getloadavg()[0]:.1f})")
        for r in report["results"]:
            c = r["counts"]
            print(f"  process {r['who']}: {r['steps']} steps ({r['steps'] / args.seconds:.1f}/s; p50 {r['p50_ms']:.0f} ms, "
                  f"p95 {r['p95_ms']:.0f} ms): notes {c['note']}, titles {c['title']}, tags {c['tag']}, "
                  f"clips added {c['add']}, undone {c['undo']}; refused: {c['conflicts']} edit conflicts, "
                  f"{c['undo_refused']} undos")
        k = report["check"]
        print(f"  check (plain SQL): words saved and present {k['words_present']}, lost {k['lost']}, "
              f"refused yet present {k['ghosts']}, titles nobody saved {len(k['stray_titles'])}, "
              f"added clips missing {len(k['missing_clips'])}, duplicate tags {len(k['duplicate_tags'])}")
        ok = not (k["lost"] or k["ghosts"] or k["stray_titles"] or k["missing_clips"] or k["duplicate_tags"])
        print("  OK: no lost edits" if ok else "  FAILED")
        return 0 if ok else 1
    finally:
        if server_dir is not None:
            subprocess.run(["bash", str(ROOT / "scripts/test-postgres.sh"), "stop", str(server_dir)], check=False)
            shutil.rmtree(server_dir, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
