"""Bundles built to hurt the importer (issue 23, item 3): each must be refused by
`protoreel bundle import` in under 5 s, with a peak memory under 300 MB, leaving nothing on disk.

The bombs, each with its manifest's hashes right (as someone re-hashing a bundle makes them):

- manifest bomb: a 1.5 MB zip whose manifest.json deflates to 1.5 GB
- 3 GB of zeros as a film, deflated (a 3 MB zip)
- 3 GB of zeros as a film, stored as films are (a 3 GB zip, sparse on this disk)
- the same behind an MP4's first box (a glance at its first bytes takes it for a film)
- library.json bomb: deflates to 1.5 GB
- 100,000 members, every one listed in the manifest with its hash, none used by a clip

Each import runs the real command line in its own process on a library holding one film. For
each: the command's own time (from ``main()`` being called to its return: opening the library,
reading the bundle, refusing it; the limit applies to this), the whole process's wall and CPU
time (Python and the imports starting, which a loaded machine stretches), and the process's
peak RSS (``wait4``); beside the reference: the same command line doing nothing much
(`protoreel films` on the same library), so what a refusal itself costs is the difference. Nothing left: the library's files (every byte) and its .tmp/ (where an
import writes what it takes out of a bundle) and the command's own temporary folder (TMPDIR)
are compared before and after. (The disk's free space is no measure here: other people's jobs
write to the same disk.)

    .venv/bin/python bench/bundle_bomb_bench.py [--keep DIR]   # DIR: build the bombs once, reuse them
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import bundle_bombs  # noqa: E402
from tests.snapshot import folder_bytes  # noqa: E402

GB = 1_000_000_000
BOMBS = {
    "manifest bomb (1.5 GB manifest.json)": (bundle_bombs.manifest_bomb, int(1.5 * GB)),
    "3 GB of zeros as a film, deflated": (bundle_bombs.zeros_member, 3 * GB),
    "3 GB of zeros as a film, stored (sparse)": (bundle_bombs.stored_zeros, 3 * GB),
    "3 GB: an MP4's first box, then zeros": (bundle_bombs.headed_zeros, 3 * GB),
    "library.json bomb (1.5 GB)": (bundle_bombs.data_bomb, int(1.5 * GB)),
    "100,000 members": (bundle_bombs.many_members, 100_000),
}
LIMIT_S, LIMIT_MB = 5.0, 300


TIMED = ("import sys, time\n"
         "from app.cli.main import main\n"
         "started = time.monotonic()\n"
         "code = main(sys.argv[2:])\n"
         "open(sys.argv[1], 'w').write(str(time.monotonic() - started))\n"
         "sys.exit(code)\n")


def protoreel(*args) -> list[str]:
    return list(args)


def run(argv: list[str], tmp: Path | None = None) -> dict:
    """One command in its own process: its exit status, the command's own seconds (``main()``
    to its return), the process's wall and CPU seconds and peak RSS (MB), what it said."""
    started = time.monotonic()
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r") as timing:
        env = dict(os.environ, TMPDIR=str(tmp)) if tmp is not None else None  # its own: others use /tmp too
        proc = subprocess.Popen([sys.executable, "-c", TIMED, timing.name, *argv], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=err)
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - started
        err.seek(0)
        return {"code": os.waitstatus_to_exitcode(status), "command": float(timing.read() or "nan"), "wall": wall,
                "cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss / 1024,
                "message": err.read().decode("utf-8", "replace").strip()}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", type=Path, help="a folder to build the bombs in once and reuse")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bomb-bench-"))
    bombs_dir = args.keep or work / "bombs"
    bombs_dir.mkdir(parents=True, exist_ok=True)
    print(f"load: {os.getloadavg()[0]:.1f} (1-minute average, {os.cpu_count()} cores)")
    paths = {}
    for label, (make, size) in BOMBS.items():
        path = bombs_dir / (make.__name__ + ".protoreel")
        if not path.exists():
            started = time.monotonic()
            make(path, size)
            print(f"built {path.name}: {path.stat().st_size:,} bytes in the file, "
                  f"{path.stat().st_blocks * 512:,} on disk ({time.monotonic() - started:.0f} s)")
        paths[label] = path

    library = work / "lib"
    from app.films import importing  # a library with a film, as a facilitator's would be
    from app.library import Library
    from bench._media import camera_like_film

    film = camera_like_film(seconds=3, name="bomb-bench-film.mp4")
    with Library.open(library) as lib:
        importing.import_files(lib, [film])

    base = run(protoreel("--library", str(library), "films"))
    assert base["code"] == 0, base["message"]
    header = f"{'':41} {'exit':>4} {'command s':>9} {'wall s':>7} {'CPU s':>6} {'peak MB':>8}"
    print(f"\n{header}  left behind  message")
    print(f"{'reference: protoreel films (same library)':41} {base['code']:>4} {base['command']:9.2f} "
          f"{base['wall']:7.2f} {base['cpu']:6.2f} {base['rss']:8.0f}")
    failures = 0
    for label, path in paths.items():
        before = folder_bytes(library)
        tmp = work / f"tmp-{len(before)}-{time.monotonic_ns()}"
        tmp.mkdir()
        r = run(protoreel("--library", str(library), "bundle", "import", str(path)), tmp)
        code, message = r["code"], r["message"]
        left = []
        if folder_bytes(library) != before:
            left.append("library changed")
        if list((library / ".tmp").iterdir()):
            left.append(".tmp not empty")
        if list(tmp.iterdir()):
            left.append("temp folder")
        ok = code == 2 and r["command"] < LIMIT_S and r["rss"] < LIMIT_MB and not left and "\n" not in message
        failures += not ok
        print(f"{label:41} {code:>4} {r['command']:9.2f} {r['wall']:7.2f} {r['cpu']:6.2f} {r['rss']:8.0f}  "
              f"{', '.join(left) or 'nothing':11}  {message[:90]}{'' if ok else '   <-- FAILS'}")
    print(f"\nlimits: the command under {LIMIT_S:.0f} s, peak under {LIMIT_MB} MB, nothing left; "
          f"{len(paths) - failures} of {len(paths)} within them (load {os.getloadavg()[0]:.1f} at the end)")
    shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
