"""How long a facilitator waits for a 3-minute reel anonymised at 720p, against the same reel
exported plain (the reference: same clips, same settings, no face filter), covering every face
and telling people apart.

The reel: 19 clips of 9.5 s of the Tears of Steel sample (real actors' faces, cuts, a face in
profile; ../shared/samples), 3 minutes at 24 fps, 720p, no cards or captions. Two people are
registered with a face each, picked the way the People panel picks them (``faces.add_face``):
the man with glasses (consent "team": may not be shown to the public reel's audience) and the
woman whose face forms in the hologram (consent "public": may be shown); the man in profile is
nobody's. The plain and cover-all exports are of the reel for the team (everyone consents),
telling people apart of the same clips for the public. Three exports run the real command line (`protoreel reel export`), one after the
other: plain, ``--anonymise --cover-all`` (every face covered) and ``--anonymise`` (telling
people apart: only faces not recognised as someone who may be shown are covered). Wall time and
CPU time of the whole process tree (the CLI, decoders, the face filter, the encoder) are
printed, with the real-time ratio (reel length / wall time) and the CPU the face filter adds a
frame. The machine's load (other work on its 2 cores) is printed beside them.

    flock /work/coord/bench.lock .venv/bin/python bench/anonymise_export_bench.py [--clips N] [--only NAME]

``--clips N``: a shorter reel (N clips of 9.5 s); ``--only plain|cover-all|telling``: the plain
reference and that export only (the plain one is always run: every ratio is against it).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.library import Library  # noqa: E402
from app.clips import clips  # noqa: E402
from app.films import importing  # noqa: E402
from app.people import faces, people  # noqa: E402
from app.reels import reels  # noqa: E402

SAMPLE = ROOT.parent / "shared" / "samples" / "faces-tos-actors-640x360p24-h264-noaudio.mp4"
CLIPS, CLIP_US = 19, 9_500_000
GLASSES_MAN_US = 100 * 1_000_000 // 24  # frame 100: the man with glasses, facing the camera
HOLOGRAM_US = 232 * 1_000_000 // 24  # frame 232: the face in the hologram


def run(args: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process and everything it waited for)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "app.cli", *args], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def pick(lib, film, time_us: int, frame: int) -> int:
    """The number of the face a facilitator would click: the one on the person's truth box."""
    from tests.face_truth import hidden_share, load as truth

    (box,) = truth(SAMPLE.name)[0][frame]
    found = faces.faces_at(lib, film, time_us).faces
    return max(found, key=lambda f: hidden_share(box, [f.box])).number


def load() -> str:
    return " ".join(f"{v:.1f}" for v in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clips", type=int, default=CLIPS, help="clips of 9.5 s in the reel (19: 3 minutes)")
    parser.add_argument("--only", choices=["cover-all", "telling"], default=None)
    args = parser.parse_args()
    count = args.clips
    if not SAMPLE.exists():
        print(f"no sample film at {SAMPLE}: nothing to measure")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        with Library.open(tmp / "lib") as lib:
            film = importing.import_file(lib, SAMPLE, link=True).film_id
            ids = [clips.add(lib, film, 0, CLIP_US, title=f"Take {n + 1}") for n in range(count)]
            team = reels.create(lib, "Three minutes", ids, audience="team", height=720)
            public = reels.create(lib, "Three minutes for everyone", ids, audience="public", height=720)
            with lib.op("settings") as s:
                from app.models import Reel

                for reel in (team, public):
                    s.get(Reel, reel).settings_json = '{"captions": false, "opening_card": false}'
            people.add(lib, "Glasses Man", "actor", "team")
            people.add(lib, "Hologram Woman", "actor", "public")
            people.appears(lib, "Glasses Man", [film])
            people.appears(lib, "Hologram Woman", [film])
            faces.add_face(lib, "Glasses Man", film, GLASSES_MAN_US, pick=pick(lib, film, GLASSES_MAN_US, 100))
            faces.add_face(lib, "Hologram Woman", film, HOLOGRAM_US, pick=pick(lib, film, HOLOGRAM_US, 232))
        common = ["--library", str(tmp / "lib"), "--height", "720", "--no-cards", "--no-captions"]
        results = {}
        for name, reel, extra in (("plain", team, []), ("cover-all", team, ["--anonymise", "--cover-all"]),
                                  ("telling apart", public, ["--anonymise"])):
            if args.only and name != "plain" and not name.startswith(args.only):
                continue
            at = load()
            results[name] = (*run(["reel", "export", str(reel), str(tmp / f"{name}.mp4"), *common, *extra]), at, load())
    seconds = count * CLIP_US / 1e6
    frames = round(seconds * 24)
    print(f"reel: {count} clips x {CLIP_US / 1e6:.1f} s of {SAMPLE.name} = {seconds:.0f} s, {frames} frames, 720p, "
          f"{os.cpu_count()} cores")
    plain_wall, plain_cpu, *_ = results["plain"]
    for name, (wall, cpu, before, after) in results.items():
        extra = "" if name == "plain" else f"; the face filter adds {(cpu - plain_cpu) / frames * 1000:.1f} ms of CPU a frame"
        print(f"{name + (' (reference)' if name == 'plain' else ''):26} {wall:6.1f} s wall {cpu:6.1f} s CPU "
              f"{frames / wall:6.1f} fps = {seconds / wall:.2f}x real time; {1000 * cpu / frames:.1f} ms CPU a frame"
              f"{extra} (load {before} -> {after})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
