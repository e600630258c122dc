"""Import a bundle from another ProtoReel library: all of it, or nothing.

The bundle is verified first (manifest, every member's size and SHA-256, every field of its
library.json); each clip's media is then copied out, probed and analysed in its own work
folder under ``.tmp/`` (as a film import is), and only when all of them are ready are the files
moved into place and everything recorded in ONE undoable change: films, clips, tags (merged
with tags of the same kind and name), prototypes (merged by name), links, and the people as
pseudonyms with the consent they carried, so this library keeps enforcing it. A person met
again in a later bundle from the same library is the same person here; their consent only
ever narrows through a bundle (a withdrawal recorded here stays). The same bundle imported
twice adds nothing and says the clips are already in the library.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from app.bundles import bundle_contents, bundle_data, bundle_format
from app.bundles.bundle_data import BundleData, ClipIn
from app.library import Library
from app.wording import plural, plural_of
from app.models import (CONSENT_SCOPES, Appearance, AppearanceRange, Clip, ClipPrototype, ClipTag, ConsentRecord, Film,
                        LibraryMeta, Person, Prototype)
from app.codebook import codebook
from app.films import events, importing, placing
from app.films.content import film_facts
from app.films.importing import Staged
from app import lookup, texts
from media.errors import BadInput, ProtoReelError
from media.jobs import CancelToken, ProgressFn, no_progress, sub_progress
from media.oslayer import stored_path
from media.reading.probe import probe_quick

PERSON_KEY = "bundle-person:"


@dataclass
class ImportReport:
    bundle: str
    clips: list[int] = field(default_factory=list)  # every clip of the bundle, here (new or known)
    new_clips: int = 0
    new_films: int = 0
    new_tags: int = 0
    new_prototypes: int = 0
    new_people: int = 0
    relabelled: list[str] = field(default_factory=list)  # labels that named someone here: by role instead

    @property
    def already(self) -> bool:
        return self.new_clips == 0 and self.new_films == 0

    def summary(self) -> str:
        if self.already:
            return f"{self.bundle}: already in the library ({plural(len(self.clips), 'clip')}); nothing was added"
        new = [f"{n} new {plural_of(word, n)}" for n, word in ((self.new_films, "film"), (self.new_tags, "tag"),
                                                                (self.new_prototypes, "prototype"),
                                                                (self.new_people, "person"))]
        said = f"{self.bundle}: {plural(self.new_clips, 'clip')} imported ({', '.join(new)})"
        if self.relabelled:
            said += (f"; {plural(len(self.relabelled), 'person')} came with a label that is the name of someone "
                     "in this library, so they are called by their role here")
        return said


def import_bundle(lib: Library, path: Path | str, progress: ProgressFn = no_progress,
                  cancel: CancelToken | None = None) -> ImportReport:
    cancel = cancel or CancelToken()
    progress(0.0, "checking the bundle")
    bundle = bundle_format.read(path, cancel)
    members = set(bundle.manifest["members"]) - {bundle_format.DATA}
    data = bundle_data.parse(bundle.data, members, bundle.path.name)
    shas = {m: bundle.manifest["members"][m]["sha256"] for m in members}
    report = None
    with lib.read() as s:
        known = dict(s.execute(select(Film.sha256, Film.id).where(Film.sha256.in_(list(shas.values())))).all())
        if _all_known(s, data, shas, known):
            report = ImportReport(bundle.path.name)
            report.clips = [_find_clip(s, known[shas[c.member]], c) for c in data.clips]
            narrower = _narrowed(s, data)
    if report is not None:
        if narrower:  # the clips are here already, but consent has narrowed since: it still travels
            with lib.op(f"Import bundle {bundle.path.name}") as s:
                for ref in narrower:
                    _person(s, data.people[ref], bundle.path.name, report)
        progress(1.0, "already in the library")
        return report
    staged: dict[str, Staged] = {}
    wanted = [m for m in dict.fromkeys(c.member for c in data.clips) if shas[m] not in known]
    _check_room(lib, bundle, wanted)
    try:
        for n, member in enumerate(wanted):
            step = sub_progress(progress, 0.3 + 0.65 * n / len(wanted), 0.3 + 0.65 * (n + 1) / len(wanted))
            staged[member] = _stage(lib, bundle, member, step, cancel)
        cancel.check()
        progress(0.96, "adding to the library")
        with importing.ONE_RECORD_AT_A_TIME:  # beside film imports: one content, one film
            return _commit(lib, bundle.path.name, data, shas, staged, _own_people(lib, bundle.manifest))
    finally:
        for st in staged.values():
            shutil.rmtree(st.work, ignore_errors=True)


SPARE_BYTES = 256 << 20  # thumbnails, waveforms and the database's growth beside the films


def _check_room(lib: Library, bundle, members: list[str]) -> None:
    """The films must fit on the library's disk before the first one is copied out."""
    needed = sum(bundle.manifest["members"][m]["size"] for m in members) + SPARE_BYTES
    free = shutil.disk_usage(lib.tmp_dir).free
    if needed > free:
        raise BadInput(f"{bundle.path.name}: its films need {needed / 1e9:.1f} GB and the library's disk has "
                       f"{free / 1e9:.1f} GB free; free some space and import it again")


def _stage(lib: Library, bundle, member: str, progress: ProgressFn, cancel: CancelToken) -> Staged:
    """One clip's film copied out of the bundle, then staged as any import is: hashed where it
    lies (no second copy), probed, thumbnails and waveform made."""
    work = importing.work_folder(lib, f"{bundle.path.name}:{member}")
    file = work / Path(member).name
    try:
        bundle.extract(member, file, cancel)  # its errors name the bundle already
        try:
            return importing.stage(lib, probe_quick(file, cancel), True, progress, cancel, work=work)
        except ProtoReelError as exc:  # named as the bundle's member, not as a file in a work folder
            reason = str(exc).removeprefix(f"{file.name}: ")
            raise type(exc)(f"{bundle.path.name}: {member}: {reason}; nothing was imported") from None
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def _all_known(s, data: BundleData, shas: dict[str, str], known: dict[str, int]) -> bool:
    return all(shas[c.member] in known and _find_clip(s, known[shas[c.member]], c) is not None for c in data.clips)


def _narrowed(s, data: BundleData) -> list[str]:
    """The bundle's people met before whose consent here is wider than the bundle carries."""
    out = []
    for ref, p in data.people.items():
        mapping = s.get(LibraryMeta, PERSON_KEY + ref)
        person = s.get(Person, int(mapping.value)) if mapping and mapping.value.isdigit() else None
        if person is not None and CONSENT_SCOPES.index(p.consent) < CONSENT_SCOPES.index(person.consent):
            out.append(ref)
    return out


def _find_clip(s, film_id: int, c: ClipIn) -> int | None:
    return s.scalars(select(Clip.id).where(Clip.film_id == film_id, Clip.start_us == c.start_us,
                                           Clip.title == c.title).order_by(Clip.id)).first()


def _place(lib: Library, staged: dict[str, Staged]) -> tuple[dict[str, Path], list[Path]]:
    """Place every staged film (the extracted file is its copy); taken back if one fails."""
    where, placed = {}, []
    try:
        for member, st in staged.items():
            where[member], more = placing.place(lib, st.work, st.sha, st.cache, st.info.path, st.info.path)
            placed += more
    except BaseException:
        placing.remove(placed)
        raise
    return where, placed


def _own_people(lib: Library, manifest: dict) -> dict[str, int]:
    """A bundle made by this very library names its own people: they are not new people."""
    uid = lib.meta(bundle_contents.LIBRARY_ID_KEY)
    if uid is None or manifest.get("from_library") != uid:
        return {}
    with lib.read() as s:
        return {bundle_contents.person_ref(uid, pid): pid for pid in s.scalars(select(Person.id))}


def _commit(lib: Library, name: str, data: BundleData, shas: dict[str, str], staged: dict[str, Staged],
            own: dict[str, int]) -> ImportReport:
    where, placed = _place(lib, staged)
    report = ImportReport(name)
    try:
        with lib.op(f"Import bundle {name}") as s:
            film_ids = _films(lib, s, data, shas, staged, where, report)
            tags = {key: _tag(s, key, facts, report) for key, facts in data.tags.items()}
            protos = {pname: _prototype(s, pname, facts, report) for pname, facts in data.prototypes.items()}
            people = {ref: own[ref] if ref in own else _person(s, p, name, report) for ref, p in data.people.items()}
            for c in data.clips:
                film_id = film_ids[c.member]
                found = _find_clip(s, film_id, c)
                if found is None:
                    found = _clip(s, film_id, c, tags, protos)
                    report.new_clips += 1
                report.clips.append(found)
                for on in c.people:
                    _appearance(s, people[on.ref], film_id, on.ranges)
    except BaseException:
        placing.remove(placed)
        raise
    return report


def _films(lib, s, data: BundleData, shas, staged, where, report) -> dict[str, int]:
    ids = {}
    for c in data.clips:
        if c.member in ids:
            continue
        sha = shas[c.member]
        existing = s.scalars(select(Film.id).where(Film.sha256 == sha)).first()
        if existing is not None:
            ids[c.member] = existing
            continue
        st = staged[c.member]
        film = Film(title=c.title.strip() or "Clip from a bundle", path=stored_path(where[c.member].relative_to(lib.root)),
                    linked=False, original_name=f"{report.bundle}:{c.member}", sha256=st.sha,
                    recorded_at=c.filmed_at, recorded_offset_min=c.filmed_offset_min, recorded_source=c.filmed_from,
                    **film_facts(st.info))
        if c.event:
            film.event = events.get_or_create(s, c.event["name"])
            if film.event.date is None and c.event["date"]:
                film.event.date = c.event["date"]
            if not film.event.place and c.event["place"]:
                film.event.place = c.event["place"]
        s.add(film)
        s.flush()
        ids[c.member] = film.id
        report.new_films += 1
    return ids


def _tag(s, key: tuple[str, str], facts: dict, report: ImportReport) -> int:
    """The tag of that kind and name here (merged), else a new one as the sender had it."""
    kind, tag_name = key
    tag = lookup.tag_or_none(s, tag_name, kind)
    if tag is None:
        tag = codebook.get_or_create(s, tag_name, kind, facts["color"] if _is_color(facts["color"]) else None)
        tag.description = facts["description"]
        report.new_tags += 1
    return tag.id


def _is_color(text: str) -> bool:
    try:
        codebook.check_color(text)
        return True
    except ProtoReelError:
        return False


def _prototype(s, pname: str, facts: dict, report: ImportReport) -> int:
    proto = s.scalars(select(Prototype).where(func.lower(Prototype.name) == pname.lower())).first()
    if proto is None:
        proto = Prototype(name=pname, summary=facts["summary"], stage=facts["stage"])
        s.add(proto)
        s.flush()
        report.new_prototypes += 1
    return proto.id


def _person(s, p, bundle_name: str, report: ImportReport) -> int:
    """The person this bundle's sender calls ``p.ref``: met before (a mapping in the library's
    meta), or new, named by their pseudonym (or role) as nobody here knows their name."""
    bundle_name = texts.from_file_name(bundle_name, "a bundle")  # said in their notes: a name, never a control
    mapping = s.get(LibraryMeta, PERSON_KEY + p.ref)
    person = s.get(Person, int(mapping.value)) if mapping and mapping.value.isdigit() else None
    if person is not None:
        narrower = CONSENT_SCOPES.index(p.consent) < CONSENT_SCOPES.index(person.consent)
        if narrower and person.consent_withdrawn_at is None:
            person.consent = p.consent
            s.add(ConsentRecord(person_id=person.id, scope=p.consent, given_on=p.consent_given_on,
                                how="carried in a bundle", notes=f"narrowed by {bundle_name}"))
        return person.id
    label = p.label
    if _names_someone(s, label):  # their label would put a person of this library's name on their clips
        label = p.role.replace("_", " ")
        report.relabelled.append(p.ref)
    person = Person(name=_free_name(s, label), role=p.role, consent=p.consent,
                    pseudonym=label if label != p.role.replace("_", " ") else "",
                    notes=f"Came in the bundle {bundle_name}: their name stays with the library that sent it.")
    s.add(person)
    s.flush()
    s.add(ConsentRecord(person_id=person.id, scope=p.consent, given_on=p.consent_given_on, how="carried in a bundle",
                        notes=f"as recorded by the library that sent {bundle_name}"))
    if mapping is None:
        s.add(LibraryMeta(key=PERSON_KEY + p.ref, value=str(person.id)))
    else:
        mapping.value = str(person.id)
    report.new_people += 1
    return person.id


def _names_someone(s, label: str) -> bool:
    """Whether ``label`` holds the real name of a person of this library (the name guard's
    rules). People who came in bundles are known here by a label, not a name: a second
    bundle's "Speaker M" is numbered beside the first, not renamed."""
    from app.ways_out.name_guard import Guard

    names = [name for name, pseudonym in s.execute(select(Person.name, Person.pseudonym))
             if not pseudonym or (name != pseudonym and not name.startswith(pseudonym + " ("))]
    return Guard(names).names_in(label)


def _free_name(s, label: str) -> str:
    """People's names are unique here: the pseudonym, numbered when it is taken."""
    n, name = 1, label
    while s.scalars(select(Person.id).where(func.lower(Person.name) == name.lower())).first() is not None:
        n += 1
        name = f"{label} ({n})"
    return name


def _clip(s, film_id: int, c: ClipIn, tags: dict, protos: dict) -> int:
    film = s.get(Film, film_id)
    end = min(c.end_us, film.duration_us) if film.duration_us > c.start_us else c.end_us
    clip = Clip(film_id=film_id, title=c.title, start_us=c.start_us, end_us=end, note=c.note, quote=c.quote,
                safeguarding=c.safeguarding, safeguarding_note=c.safeguarding_note)
    s.add(clip)
    s.flush()
    for key in dict.fromkeys(c.tags):
        s.add(ClipTag(clip_id=clip.id, tag_id=tags[key]))
    for pname in dict.fromkeys(c.prototypes):
        s.add(ClipPrototype(clip_id=clip.id, prototype_id=protos[pname]))
    return clip.id


def _appearance(s, person_id: int, film_id: int, ranges: list[tuple[int, int]]) -> None:
    found = s.scalars(select(Appearance).where(Appearance.person_id == person_id,
                                               Appearance.film_id == film_id)).first()
    if found is not None:
        return
    appearance = Appearance(person_id=person_id, film_id=film_id)
    s.add(appearance)
    s.flush()
    for start, end in ranges:
        s.add(AppearanceRange(appearance_id=appearance.id, start_us=start, end_us=end))
