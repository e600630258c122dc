"""Kill `protoreel reel export` at random moments, then open the library once: nothing left.

    .venv/bin/python bench/kill_bench.py [KILLS]      (default 50; tests/media/test_kill_exports.py runs it)

A reel with an opening card, a caption and a closing card (so kills land while the cards are
drawn as well as while the encoder writes) is exported by the real command line; each run is
SIGKILLed (the main process only, as a crash or the task manager would) at a random moment in
the first 90% of a measured full export. Counted: where each kill landed, what was left right
after it (processes, hidden partial files, work folders), and after ONE later command
(`protoreel films`): the same, which must all be zero.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _cli(lib: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "app.cli", *args, "--library", str(lib)]


def _processes_mentioning(*needles: str) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if any(n in cmd for n in needles):
            found.append(f"{entry.name}: {cmd[:120]}")
    return found


def _leftovers(lib: Path, out_dir: Path) -> dict:
    return {
        "processes": _processes_mentioning(str(lib), str(out_dir), "media.export.stills"),
        "files_in_target_folder": sorted(p.name for p in out_dir.iterdir()),
        "library_tmp": sorted(p.name for p in (lib / ".tmp").iterdir()),
        # Ours are named after their process; unnamed ones are other, older versions' (left alone).
        "system_tmp": sorted(p.name for p in Path(tempfile.gettempdir()).glob("protoreel-export-*")
                             if p.name.split("-")[2].isdigit()),
    }


def setup(folder: Path) -> tuple[Path, Path, str]:
    from app.library import Library
    from app.clips import clips
    from app.films import importing
    from app.reels import reels
    from tests.media_factory import make_counting_film

    lib_dir, out_dir = folder / "lib", folder / "out"
    out_dir.mkdir()
    film = make_counting_film(folder / "film.mp4", seconds=8, size=(640, 360))
    with Library.open(lib_dir) as lib:
        film_id = importing.import_file(lib, film).film_id
        ids = [clips.add(lib, film_id, a, b, title=t) for a, b, t in
               ((400_000, 3_000_000, "Waiting room"), (3_600_000, 7_200_000, "Back at the desk"))]
        reel_id = reels.create(lib, "Kill test", [str(i) for i in ids])
        reels.update(lib, reel_id, credits="With thanks")
    return lib_dir, out_dir, str(reel_id)


def run(kills: int = 50, seed: int = 7) -> dict:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="kill-bench-") as tmp:
        lib, out_dir, reel = setup(Path(tmp))
        started = time.monotonic()
        subprocess.run(_cli(lib, "reel", "export", reel, str(out_dir / "whole.mp4")), check=True,
                       stdout=subprocess.DEVNULL)
        full = time.monotonic() - started
        (out_dir / "whole.mp4").unlink()
        (out_dir / "whole.manifest.json").unlink()
        # "finished first": the whole file was already in place (the kill hit the last bookkeeping).
        landed = {"before the partial file": 0, "with a partial file": 0, "finished first": 0}
        right_after = {"processes": 0, "partial_files": 0, "work_folders": 0}
        for n in range(kills):
            proc = subprocess.Popen(_cli(lib, "reel", "export", reel, str(out_dir / f"r{n}.mp4")),
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
            time.sleep(rng.uniform(0.05, 0.9 * full))
            partial = any(p.name.startswith(".protoreel-partial-") for p in out_dir.iterdir())
            if proc.poll() is not None:
                landed["finished first"] += 1
                for p in out_dir.glob(f"r{n}*"):
                    p.unlink()
                continue
            os.kill(proc.pid, signal.SIGKILL)  # the app only: its children must follow by themselves
            proc.wait()
            if (out_dir / f"r{n}.mp4").exists():  # renamed into place whole: the kill came after the export
                landed["finished first"] += 1
                for p in out_dir.glob(f"r{n}*"):
                    p.unlink()
                continue
            landed["with a partial file" if partial else "before the partial file"] += 1
            time.sleep(0.5)
            now = _leftovers(lib, out_dir)
            print(f"kill {n + 1}: {'partial file' if partial else 'before the partial'}; right after: "
                  f"{len(now['processes'])} processes, {len(now['library_tmp'])} work folders", file=sys.stderr, flush=True)
            right_after["processes"] += len(now["processes"])
            if now["processes"]:
                print("still running after a kill:", now["processes"], file=sys.stderr)
            right_after["partial_files"] += len([f for f in now["files_in_target_folder"] if f.startswith(".protoreel")])
            right_after["work_folders"] += len(now["library_tmp"]) + len(now["system_tmp"])
        pending = _leftovers(lib, out_dir)
        subprocess.run(_cli(lib, "films"), check=True, stdout=subprocess.DEVNULL)  # the one command
        after = _leftovers(lib, out_dir)
    return {"kills": kills, "full_export_s": round(full, 2), "landed": landed,
            "summed_right_after_each_kill": right_after,
            "before_the_command": {k: len(v) for k, v in pending.items()},
            "after_one_command": after}


def main() -> None:
    kills = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    report = run(kills)
    print(json.dumps(report, indent=2))
    left = report["after_one_command"]
    print("OK: nothing left" if not any(left.values()) else "LEFT BEHIND: " + json.dumps(left))


if __name__ == "__main__":
    main()
