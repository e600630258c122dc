"""One gate for every way out (issue 21): every place that writes a file for the user goes
through ``app.ways_out.gate.way_out`` (path guard, name guard, consent, write, check again,
rename, log), and the atomic writer refuses to put a file in place without the gate's pass.

The list below is every place that writes a file for the user. The first test reads the code
and fails when a new caller of the atomic writer appears that is not on it; the second runs
every way out on the list and checks that each file it left was put in place by the gate and
logged; the third calls every writer without the gate and checks it writes nothing."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from app.clips import clips
from app.codebook import codebook_files
from app.films import importing
from app.models import ExportRecord
from app.people import people
from app.prototypes import evidence, prototypes
from app.reels import export, reels
from app.reviews import review_summary, reviews
from app.bundles import bundle_export
from app.ways_out import gate
from media import timecode
from media.export import atomic
from media.export.atomic import Unguarded
from tests.app.test_consent_leaks import FPS, two_films  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]

# Every module that calls the atomic writer, and the way out (through the gate) that reaches it.
WRITERS = {
    "media/export/mp4.py": "reel export .mp4 (and, in the library's .tmp/ only, a bundle's cut clips and the "
                           "anonymised preview)",
    "media/export/otio_edl.py": "reel export .otio, .edl",
    "media/export/interchange.py": "reel export .srt, .vtt, .csv",
    "app/reels/export.py": "the reel's .manifest.json beside its .mp4",
    "app/prototypes/evidence.py": "evidence export .csv, .html (report with stills)",
    "app/reviews/review_summary.py": "review summary .html",
    "ui/present/summary_pdf.py": "review summary .pdf (Qt's PDF writer)",
    "app/bundles/bundle_export.py": "bundle export .protoreel",
    "app/codebook/codebook_files.py": "codebook export .csv, .json",
}
# Private working folders only (the library's .tmp/): nothing there reaches anyone.
SCRATCH = {"app/bundles/bundle_export.py", "app/people/anonymise_preview.py"}


def _calls(tree: ast.AST, name: str) -> int:
    return sum(1 for node in ast.walk(tree) if isinstance(node, ast.Call)
               and (getattr(node.func, "id", None) == name or getattr(node.func, "attr", None) == name))


def _modules():
    for folder in ("app", "media", "ui"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            yield str(path.relative_to(ROOT)), ast.parse(path.read_text(encoding="utf-8"))


def test_every_caller_of_the_atomic_writer_is_a_listed_way_out_and_only_the_gate_makes_a_pass():
    callers, passing, scratch, replacing = set(), set(), set(), set()
    for module, tree in _modules():
        if module == "media/export/atomic.py":
            continue
        if _calls(tree, "atomic_output"):
            callers.add(module)
        if _calls(tree, "passing"):
            passing.add(module)
        if _calls(tree, "scratch"):
            scratch.add(module)
        if _calls(tree, "publish") and module != "app/ways_out/gate.py":
            replacing.add(module)
    assert callers == set(WRITERS), "a new writer of user files: route it through gate.way_out and list it here"
    assert passing == {"app/ways_out/gate.py"}  # only the gate hands out a pass
    assert scratch == SCRATCH
    assert replacing == set()  # nobody puts a file in place by calling the pass themselves
    # Every way out in app/ calls the one gate function.
    for module in ("app/reels/export.py", "app/prototypes/evidence.py", "app/reviews/review_summary.py",
                   "app/bundles/bundle_export.py", "app/codebook/codebook_files.py", "app/reviews/reviews.py"):
        tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
        assert _calls(tree, "way_out") >= 1, module


@pytest.fixture
def library(lib, two_films):  # noqa: F811
    """A prototype with one clip (Ali, consent: public), a reel of it, a review of it."""
    film = importing.import_file(lib, two_films[1]).film_id
    clip = clips.add(lib, film, 0, timecode.frame_start_us(20, FPS), title="At the desk", quote="Nobody asked")
    proto = prototypes.add(lib, "Welcome desk")
    prototypes.link(lib, proto, [clip])
    people.add(lib, "Ali Other", "carer", "public")
    people.appears(lib, "Ali Other", [film])
    reel = reels.create(lib, "Desk", [clip], audience="public")
    review = reviews.start(lib, reel=reel, audience="team")
    return lib, reel, proto, review


def _ways_out(lib, reel, proto, review, out: Path):
    for suffix in (".mp4", ".otio", ".edl", ".srt", ".vtt", ".csv"):
        yield f"reel{suffix}", lambda s=suffix: export.export_reel(lib, reel, out / f"reel{s}")
    yield "evidence.csv", lambda: evidence.write_csv(evidence.board(lib, proto), out / "evidence.csv", lib)
    yield "evidence.html", lambda: evidence.write_html(lib, evidence.board(lib, proto), out / "evidence.html")
    yield "summary.html", lambda: review_summary.write_summary(lib, review, out / "summary.html")
    yield "bundle.protoreel", lambda: bundle_export.export_bundle(lib, out / "bundle.protoreel", reel=reel)
    yield "codebook.csv", lambda: codebook_files.write_file(lib, out / "codebook.csv")
    yield "codebook.json", lambda: codebook_files.write_file(lib, out / "codebook.json")


def test_every_way_out_puts_each_file_in_place_through_the_gate_and_logs_it(library, tmp_path, monkeypatch):
    lib, reel, proto, review = library
    out = tmp_path / "out"
    out.mkdir()
    published: list[str] = []
    real = gate.Passage.publish

    def spy(self, target, rename):
        published.append(Path(target).name)
        return real(self, target, rename)

    monkeypatch.setattr(gate.Passage, "publish", spy)
    for name, run in _ways_out(lib, reel, proto, review, out):
        before = set(published)
        run()
        assert name in set(published) - before, name
    assert sorted(p.name for p in out.iterdir()) == sorted(published)  # nothing in place but through the gate
    with lib.read() as s:
        logged = {Path(e.path).name: e.kind for e in s.query(ExportRecord)}
    assert set(logged) == {p.name for p in out.iterdir()} - {"reel.manifest.json"}  # the manifest is the mp4's
    assert logged["codebook.csv"] == "codebook" and logged["summary.html"] == "summary"


def test_no_writer_puts_a_file_in_place_without_the_gates_pass(library, tmp_path):
    """Each writer of the list called on its own, past the gate: refused, nothing written."""
    from app.reels import reel_plan
    from media.export import adapter_for

    lib, reel, _proto, _review = library
    out = tmp_path / "out"
    out.mkdir()
    with lib.read() as s:
        plan = reel_plan.build(lib, s, reel)
    for suffix in (".mp4", ".otio", ".edl", ".srt", ".vtt", ".csv"):
        with pytest.raises(Unguarded):
            adapter_for(out / f"x{suffix}")(plan, out / f"x{suffix}", lambda *_a: None, None)
    with pytest.raises(Unguarded):
        review_summary.write_html("<p>x</p>", out / "s.html")
    with pytest.raises(Unguarded):
        export._write_manifest(out / "x.mp4", {"items": []})
    with pytest.raises(Unguarded):
        with atomic.atomic_output(out / "codebook.json") as partial:
            partial.write_text("{}")
    with pytest.raises(Unguarded):  # a user's folder is not a private working folder
        with atomic.scratch(out):
            pass
    assert list(out.iterdir()) == []


def test_a_pass_lets_out_only_the_files_the_gate_checked(library, tmp_path):
    lib, reel, _proto, _review = library
    out = tmp_path / "out"
    out.mkdir()

    def write(passage):
        with pytest.raises(Unguarded):
            with atomic.atomic_output(out / "another.csv") as partial:
                partial.write_text("smuggled")
        with atomic.atomic_output(passage.exit.out) as partial:
            partial.write_text("ok")

    gate.way_out(lib, gate.Exit("codebook", "x", "x", out=out / "checked.csv"), write)
    assert [p.name for p in out.iterdir()] == ["checked.csv"]


def test_the_log_of_a_way_out_names_no_one(library, tmp_path):
    lib, reel, proto, review = library
    out = tmp_path / "out"
    out.mkdir()
    for _name, run in _ways_out(lib, reel, proto, review, out):
        run()
    with lib.read() as s:
        items = " ".join(e.items_json for e in s.query(ExportRecord))
    assert "Ali" not in items and "carer" in items  # people by pseudonym or role, never by name
