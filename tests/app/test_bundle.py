"""Bundles: clips handed from one library to another, consent travelling with them.

A source library with two generated films (each frame shows its index as a bar code), clips
tagged and linked to a prototype, and people with pseudonyms: exported, imported into a second
library, and checked there (clips, tags merged, links, people as pseudonyms with consent,
the frames themselves). Then every refusal: beyond consent, withdrawn, a withdrawal during the
export, a damaged or foreign bundle, the export guard."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from fractions import Fraction
from pathlib import Path

import av
import pytest
from sqlalchemy import func, select

from app.library import Library
from app.models import Appearance, Clip, ExportRecord, Film, Person, Prototype, Tag
from app.bundles import bundle_export, bundle_import
from app.clips import clips, safeguarding
from app.codebook import codebook
from app.films import importing
from app.people import people
from app.prototypes import prototypes
from app.ways_out import gate
from app.people.people_records import person_records
from media import timecode
from media.errors import BadInput, ConsentRefused
from tests.media_factory import make_counting_film, read_index

FPS = Fraction(25)
F = lambda n: timecode.frame_start_us(n, FPS)  # noqa: E731


@pytest.fixture(scope="module")
def two_films(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bundle-films")
    return (make_counting_film(folder / "kitchen.mp4", seconds=3, fps=FPS, gop=25),
            make_counting_film(folder / "desk.mp4", seconds=2, fps=FPS, gop=25, size=(240, 320)))


def source_library(root: Path, two_films) -> tuple[Library, dict]:
    lib = Library.open(root)
    kitchen = importing.import_file(lib, two_films[0], event="Tuesday workshop").film_id
    desk = importing.import_file(lib, two_films[1], event="Tuesday workshop").film_id
    k = clips.add(lib, kitchen, F(10), F(30), title="Kitchen talk", tags=["challenge:Lost letters"],
                  note="she hesitates", quote="I was scared")
    d = clips.add(lib, desk, F(5), F(20), title="At the desk", tags=["opportunity:Warm welcome", "challenge:Lost letters"])
    safeguarding.flag(lib, [d], on=True, note="Talks about self-harm")
    proto = prototypes.add(lib, "Welcome desk", summary="a person at the door")
    prototypes.link(lib, proto, [k, d])
    people.add(lib, "Jane Realname", "lived_experience", "collaborative", pseudonym="Sam")
    people.appears(lib, "Jane Realname", [kitchen])
    people.add(lib, "Ali Otherperson", "carer", "public")
    people.appears(lib, "Ali Otherperson", [desk], ranges=[(F(15), F(40))])  # from frame 15 on
    return lib, {"kitchen": k, "desk": d, "proto": proto, "kitchen_film": kitchen, "desk_film": desk}


@pytest.fixture
def source(tmp_path, two_films):
    lib, ids = source_library(tmp_path / "source", two_films)
    yield lib, ids
    lib.close()


@pytest.fixture
def target(tmp_path):
    with Library.open(tmp_path / "target") as lib:
        yield lib


@pytest.fixture
def out(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def snapshot(lib: Library) -> tuple:
    """Everything an import could change: rows of every table, files in media/ and cache/."""
    from app.models import Base

    with lib.read() as s:
        rows = tuple(s.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables)
    files = sorted(str(p.relative_to(lib.root)) for p in (lib.root / "media").rglob("*")) + sorted(
        str(p.relative_to(lib.root)) for p in (lib.root / "cache").rglob("*"))
    return rows, tuple(files)


def frame_indices(path: Path) -> list[int]:
    with av.open(str(path)) as container:
        return [read_index(f.to_ndarray(format="rgb24")) for f in container.decode(video=0)]


def test_round_trip_carries_clips_tags_links_people_and_the_exact_frames(source, target, out):
    lib, ids = source
    codebook.add(target, "Lost letters", "challenge")  # the same tag already there: merged, not doubled
    with lib.read() as s:
        source_times = {f.id: (f.recorded_at, f.recorded_offset_min, f.recorded_source) for f in s.scalars(select(Film))}
    path = bundle_export.export_bundle(lib, out / "welcome.protoreel", prototype="Welcome desk")
    report = bundle_import.import_bundle(target, path)
    assert (report.new_clips, report.new_films, report.new_prototypes, report.new_people) == (2, 2, 1, 2)
    with target.read() as s:
        got = {c.title: c for c in s.scalars(select(Clip))}
        assert set(got) == {"Kitchen talk", "At the desk"}
        kitchen, desk = got["Kitchen talk"], got["At the desk"]
        assert (kitchen.note, kitchen.quote) == ("she hesitates", "I was scared")
        assert desk.safeguarding and desk.safeguarding_note == "Talks about self-harm"
        assert sorted((link.tag.kind, link.tag.name) for link in desk.tag_links) == [
            ("challenge", "Lost letters"), ("opportunity", "Warm welcome")]
        assert s.scalar(select(func.count()).select_from(Tag).where(Tag.name == "Lost letters")) == 1
        assert [link.prototype.name for link in kitchen.prototype_links] == ["Welcome desk"]
        assert s.scalars(select(Prototype.summary)).one() == "a person at the door"
        assert kitchen.film.event.name == "Tuesday workshop"
        filmed, source_film = kitchen.film.recorded_at, source_times[ids["kitchen_film"]]
        assert source_film[0] is not None and filmed == source_film[0] + dt.timedelta(microseconds=F(10))
        assert (kitchen.film.recorded_offset_min, kitchen.film.recorded_source) == source_film[1:]
        assert (kitchen.start_us, kitchen.end_us) == (0, F(20))  # 20 frames at 25 fps
        kitchen_file = target.film_path(kitchen.film)
        desk_file = target.film_path(desk.film)
        assert (desk.film.width, desk.film.height) == (240, 320)  # its own shape, not letterboxed
        ali_ranges = [(r.start_us, r.end_us) for a in s.scalars(select(Appearance)) if a.film_id == desk.film_id
                      for r in a.ranges]
    assert frame_indices(kitchen_file) == list(range(10, 30))  # frame N of the cut is frame 10+N of the film
    assert frame_indices(desk_file) == list(range(5, 20))
    with target.read() as s:
        here = {p.name: p for p in person_records(s)}
    assert set(here) == {"Sam", "carer"}  # pseudonym, else role: names never arrive
    assert (here["Sam"].consent, here["Sam"].role, here["Sam"].label) == ("collaborative", "lived_experience", "Sam")
    assert here["carer"].consent == "public"
    assert ali_ranges == [(F(10), F(15))]  # frames 15-19 of the desk film are frames 10-14 of the cut
    # The receiving library keeps enforcing consent: Sam's clip cannot go public from here either.
    with pytest.raises(ConsentRefused):
        bundle_export.export_bundle(target, out / "onwards.protoreel", prototype="Welcome desk", audience="public")
    again = bundle_import.import_bundle(target, path)
    assert again.already and "already in the library" in again.summary()
    assert sorted(again.clips) == sorted(report.clips)
    with target.read() as s:
        assert s.scalar(select(func.count()).select_from(Clip)) == 2
        assert s.scalar(select(func.count()).select_from(Person)) == 2


def test_names_are_in_no_byte_of_the_bundle_and_the_manifest_hashes_every_member(source, out):
    lib, _ids = source
    path = bundle_export.export_bundle(lib, out / "b.protoreel", event="Tuesday workshop")
    raw = path.read_bytes()
    with zipfile.ZipFile(path) as zf:
        contents = [zf.read(n) for n in zf.namelist()]
        manifest = json.loads(zf.read("manifest.json"))
        assert all(i.compress_type == zipfile.ZIP_STORED for i in zf.infolist() if i.filename.startswith("media/"))
    for name in ("Jane Realname", "Ali Otherperson", "Realname", "Otherperson"):
        for blob in [raw, *contents]:
            assert name.encode() not in blob and name.encode("utf-16-le") not in blob
    assert manifest["format"] == "protoreel-bundle" and manifest["version"] == 1
    assert set(manifest["members"]) == {"library.json", "media/1.mp4", "media/2.mp4"}
    assert manifest["audience"] == "collaborative"


def test_a_clip_beyond_someones_consent_is_refused_naming_pseudonym_and_clip_or_anonymised(source, out):
    lib, ids = source
    with pytest.raises(ConsentRefused) as err:
        bundle_export.export_bundle(lib, out / "p.protoreel", prototype="Welcome desk", audience="public")
    message = str(err.value)
    assert "'Kitchen talk'" in message and "Sam (consent: collaborative)" in message and "Jane" not in message
    assert "At the desk" not in message  # Ali consented to the public
    assert list(out.iterdir()) == []
    path = bundle_export.export_bundle(lib, out / "p.protoreel", prototype="Welcome desk", audience="public",
                                       anonymise=True)
    with zipfile.ZipFile(path) as zf:
        data = json.loads(zf.read("library.json"))
        manifest = json.loads(zf.read("manifest.json"))
    covered = {c["title"]: c["faces_covered"] for c in data["clips"]}
    assert covered == {"Kitchen talk": "blur", "At the desk": None}
    assert manifest["anonymisation"] == "faces blurred in item 1"
    with lib.read() as s:
        (record,) = s.scalars(select(ExportRecord))
        assert (record.kind, record.audience, record.anonymisation) == ("bundle", "public", "faces blurred in item 1")
        assert {(p.person_id, p.anonymised) for p in record.people} == {(1, True), (2, False)}


def test_a_withdrawn_persons_clips_never_go_even_anonymised(source, out):
    lib, _ids = source
    people.withdraw(lib, "Jane Realname")
    with pytest.raises(ConsentRefused) as err:
        bundle_export.export_bundle(lib, out / "w.protoreel", event="Tuesday workshop", anonymise=True)
    assert "Sam (withdrew consent)" in str(err.value) and "Jane" not in str(err.value)
    assert list(out.iterdir()) == []


def test_a_withdrawal_between_the_first_check_and_the_move_into_place_wins(source, out, monkeypatch):
    lib, _ids = source
    first_look = gate.first_look

    def check_then_withdraw(lib_, exit_):
        result = first_look(lib_, exit_)  # passes: Ali consented to the public
        people.withdraw(lib, "Ali Otherperson")  # ... and withdraws while the clips are being cut
        return result

    monkeypatch.setattr(gate, "first_look", check_then_withdraw)
    with pytest.raises(ConsentRefused) as err:
        bundle_export.export_bundle(lib, out / "x.protoreel", prototype="Welcome desk")
    assert "'At the desk' (in 'desk', 0:00.20–0:00.80): carer (withdrew consent)" in str(err.value) and "nothing was written" in str(err.value)
    assert "Ali" not in str(err.value)  # by role: Ali has no pseudonym
    assert list(out.iterdir()) == []
    with lib.read() as s:
        assert s.scalars(select(ExportRecord)).all() == []
    assert list(lib.tmp_dir.iterdir()) == []


def test_every_bundle_is_logged_and_a_withdrawal_lists_it(source, out):
    lib, _ids = source
    path = bundle_export.export_bundle(lib, out / "log.protoreel", prototype="Welcome desk")
    report = people.withdraw(lib, "Jane Realname")
    (listed,) = report["exports"]
    assert (listed["kind"], listed["path"], listed["subject"], listed["audience"]) == (
        "bundle", str(path), "Welcome desk", "collaborative")
    with lib.read() as s:
        (record,) = s.scalars(select(ExportRecord))
        items = json.loads(record.items_json)
    assert [i["clip"] for i in items] == ["Kitchen talk", "At the desk"] and record.exported_by
    assert "Jane" not in record.items_json


def test_a_name_in_a_clips_words_stops_the_bundle(source, out):
    lib, ids = source
    clips.update(lib, ids["kitchen"], note="Jane Realname hesitates")
    with pytest.raises(BadInput, match="names never leave the library"):
        bundle_export.export_bundle(lib, out / "n.protoreel", prototype="Welcome desk")
    people.add(lib, "Bob Bystander", "staff", "public")  # on no clip of the bundle: still a name
    clips.update(lib, ids["kitchen"], note="she hesitates")
    prototypes.update(lib, ids["proto"], summary="Bob Bystander at the door")
    with pytest.raises(BadInput, match="prototype .Welcome desk.: its summary names Bob Bystander"):
        bundle_export.export_bundle(lib, out / "n.protoreel", prototype="Welcome desk")
    assert list(out.iterdir()) == []


def test_the_export_guard_applies(source, out):
    lib, ids = source
    existing = out / "b.protoreel"
    existing.write_text("keep me")
    with pytest.raises(BadInput, match="already there"):
        bundle_export.export_bundle(lib, existing, reel=None, event="Tuesday workshop")
    assert existing.read_text() == "keep me"
    with pytest.raises(BadInput, match="inside the library folder"):
        bundle_export.export_bundle(lib, lib.media_dir / "b.protoreel", event="Tuesday workshop")
    with pytest.raises(BadInput, match=r"\.protoreel file"):
        bundle_export.export_bundle(lib, out / "b.zip", event="Tuesday workshop")
    bundle_export.export_bundle(lib, existing, event="Tuesday workshop", replace=True)
    assert zipfile.is_zipfile(existing)


@pytest.fixture
def good_bundle(source, out):
    lib, _ids = source
    return bundle_export.export_bundle(lib, out / "good.protoreel", prototype="Welcome desk")


def _rewrite(src: Path, dest: Path, change) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w") as zout:
        for info in zin.infolist():
            data = change(info.filename, zin.read(info.filename))
            if data is not None:
                zout.writestr(info, data)
    return dest


def _flip(name, data, member="media/1.mp4"):
    return data[:500] + bytes([data[500] ^ 0xFF]) + data[501:] if name == member else data


@pytest.mark.parametrize("damage, reason", [
    ("truncated", "not a readable zip"),
    ("flipped", "does not match its SHA-256"),
    ("not_zip", "not a readable zip"),
    ("no_manifest", "has no manifest"),
    ("foreign", "another format"),
    ("newer", "newer ProtoReel"),
    ("extra", "not in its manifest"),
    ("bad_data", "is not valid"),
    ("bad_media", "media/2.mp4"),
])
def test_a_damaged_or_foreign_bundle_is_refused_and_the_library_is_unchanged(good_bundle, target, tmp_path,
                                                                             damage, reason):
    bad = tmp_path / f"{damage}.protoreel"
    raw = good_bundle.read_bytes()
    manifest = json.loads(zipfile.ZipFile(good_bundle).read("manifest.json"))
    if damage == "truncated":
        bad.write_bytes(raw[: len(raw) * 2 // 3])
    elif damage == "flipped":
        _rewrite(good_bundle, bad, _flip)
    elif damage == "not_zip":
        bad.write_bytes(b"just some text, not a bundle\n" * 10)
    elif damage == "no_manifest":
        _rewrite(good_bundle, bad, lambda n, d: None if n == "manifest.json" else d)
    elif damage in ("foreign", "newer"):
        manifest.update({"format": "something-else"} if damage == "foreign" else {"version": 99})
        _rewrite(good_bundle, bad, lambda n, d: json.dumps(manifest).encode() if n == "manifest.json" else d)
    elif damage == "extra":
        _rewrite(good_bundle, bad, lambda n, d: d)
        with zipfile.ZipFile(bad, "a") as zf:
            zf.writestr("media/3.mp4", b"smuggled")
    elif damage == "bad_data":  # a consistent manifest over nonsense: the hash is right, the data is not
        data = json.dumps({"clips": [{"member": m, "start_us": 5, "end_us": 1}
                                     for m in manifest["members"] if m.startswith("media/")]}).encode()
        import hashlib

        manifest["members"]["library.json"] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        _rewrite(good_bundle, bad, lambda n, d: data if n == "library.json" else (
            json.dumps(manifest).encode() if n == "manifest.json" else d))
    elif damage == "bad_media":  # hashes right, but the second clip's film is not a film: the first is not kept
        import hashlib

        junk = b"not a film at all" * 1000
        manifest["members"]["media/2.mp4"] = {"sha256": hashlib.sha256(junk).hexdigest(), "size": len(junk)}
        _rewrite(good_bundle, bad, lambda n, d: junk if n == "media/2.mp4" else (
            json.dumps(manifest).encode() if n == "manifest.json" else d))
    before = snapshot(target)
    with pytest.raises(BadInput) as err:
        bundle_import.import_bundle(target, bad)
    message = str(err.value)
    assert reason in message and bad.name in message and "\n" not in message
    assert snapshot(target) == before
    assert list(target.tmp_dir.iterdir()) == []


def test_an_import_is_one_undoable_step(good_bundle, target):
    before = snapshot(target)[0]
    bundle_import.import_bundle(target, good_bundle)
    assert target.undo_name == f"Import bundle {good_bundle.name}"
    target.undo()
    assert snapshot(target)[0] == before


def test_a_failure_while_recording_keeps_nothing(good_bundle, target, monkeypatch):
    before = snapshot(target)

    def broken(*args, **kwargs):
        raise BadInput("the database said no")

    monkeypatch.setattr(bundle_import, "_appearance", broken)
    with pytest.raises(BadInput):
        bundle_import.import_bundle(target, good_bundle)
    assert snapshot(target) == before


def test_a_clip_that_fails_to_cut_stops_the_bundle_and_leaves_nothing(source, out, monkeypatch):
    import shutil

    from media.errors import ProtoReelError

    lib, _ids = source
    real = bundle_export.mp4.write

    def write(plan, target, progress, cancel, work_dir):
        if target.name == "2.mp4":
            shutil.rmtree(work_dir)
            raise ProtoReelError("2.mp4: the export failed (a test)")
        return real(plan, target, progress, cancel, work_dir=work_dir)

    monkeypatch.setattr(bundle_export.mp4, "write", write)
    with pytest.raises(ProtoReelError, match="a test"):
        bundle_export.export_bundle(lib, out / "f.protoreel", prototype="Welcome desk")
    assert list(out.iterdir()) == [] and list(lib.tmp_dir.iterdir()) == []
    with lib.read() as s:
        assert s.scalars(select(ExportRecord)).all() == []


def test_a_person_met_again_is_the_same_person_and_their_consent_only_narrows(source, target, out):
    lib, _ids = source
    first = bundle_export.export_bundle(lib, out / "one.protoreel", event="Tuesday workshop", audience="team")
    bundle_import.import_bundle(target, first)
    people.give_consent(lib, "Jane Realname", "team")  # narrower than collaborative, in the library that sent it
    people.give_consent(lib, "Ali Otherperson", "public")  # the same: nothing to narrow
    second = bundle_export.export_bundle(lib, out / "two.protoreel", event="Tuesday workshop", audience="team")
    bundle_import.import_bundle(target, second)
    with target.read() as s:
        here = {p.name: p for p in person_records(s)}
    assert set(here) == {"Sam", "carer"}  # the same two people, not four
    assert here["Sam"].consent == "team" and here["carer"].consent == "public"
    people.withdraw(target, "carer")  # a withdrawal recorded here stays, whatever a bundle carries
    people.give_consent(lib, "Ali Otherperson", "collaborative")
    third = bundle_export.export_bundle(lib, out / "three.protoreel", event="Tuesday workshop", audience="team")
    bundle_import.import_bundle(target, third)
    with target.read() as s:
        carer = next(p for p in person_records(s) if p.name == "carer")
    assert carer.withdrawn and carer.consent == "none"
