"""A prototype's evidence board: its clips gathered by the challenges and opportunities they
show, with counts; exported as CSV or as a printable HTML report with a still per clip."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from app.ways_out import name_texts
from app import queries
from app.wording import numbered, plural
from app.ways_out.name_guard import Note, Text, no_note
from app.models import Film
from app.ways_out.gate import Exit, Passage, way_out
from media.export import csv_cells
from media import timecode
from media.export.atomic import atomic_output
from media.errors import BadInput
from media.reading.orientation import Orientation
from app.library import Library
from app.models import Prototype
from app.queries import ClipFilter
from app.records import ClipRecord


@dataclass
class Group:
    kind: str  # challenge, opportunity, theme, or "" for clips with none of those
    tag: str
    clips: list[ClipRecord] = field(default_factory=list)


@dataclass
class Board:
    prototype_id: int
    name: str
    summary: str
    stage: str
    groups: list[Group]
    clip_count: int
    # The library it came from: its writers may not write onto its films or into its folder.
    library: Library | None = field(default=None, repr=False, compare=False)


KIND_ORDER = ("challenge", "opportunity", "theme")


def board(lib: Library, prototype_id: int) -> Board:
    with lib.read() as s:
        proto = s.get(Prototype, prototype_id)
        if proto is None:
            raise BadInput(f"prototype {prototype_id}: no such prototype")
        records = queries.clip_records(s, queries.clip_ids(s, ClipFilter(prototype_ids=[prototype_id])))
        positions = {(t.kind, t.name): t.position for t in queries.tags(s, include_archived=True)}
    groups: dict[tuple[str, str], Group] = {}
    for rec in records:
        tags = [t for t in rec.tags if t["kind"] in KIND_ORDER] or [{"kind": "", "name": "Not tagged yet"}]
        for t in tags:
            groups.setdefault((t["kind"], t["name"]), Group(t["kind"], t["name"])).clips.append(rec)
    ordered = sorted(groups.values(), key=lambda g: (
        KIND_ORDER.index(g.kind) if g.kind in KIND_ORDER else 9, -len(g.clips), positions.get((g.kind, g.tag), 0)))
    return Board(proto.id, proto.name, proto.summary, proto.stage, ordered, len(records), lib)


def _exit(b: Board, path: Path, lib: Library | None, audience: str, anonymise: bool, can_anonymise: bool,
          replace: bool, note: Note) -> tuple[Library, Exit]:
    """The evidence as a way out: its clips (those beyond consent are left out), the words
    of the clips that go, for ``audience``."""
    lib = lib or b.library
    if lib is None:
        raise BadInput(f"{path}: evidence is exported from a library (its consent check and log)")
    ids = list(dict.fromkeys(c.id for g in b.groups for c in g.clips))
    out = Path(path).expanduser().absolute()
    return lib, Exit("evidence", b.name, f"evidence of {b.name!r}", audience, ids, out=out, replace=replace,
                     anonymise=anonymise, can_anonymise=can_anonymise, leave_out=True, note=note,
                     texts=lambda _s, going: _texts(_shown(b, going, lib), out))


def _shown(b: Board, going, lib: Library) -> Board:
    """The board without the clips the gate left out."""
    allowed = set(going.allowed_ids)
    groups = [Group(g.kind, g.tag, [c for c in g.clips if c.id in allowed]) for g in b.groups]
    return Board(b.prototype_id, b.name, b.summary, b.stage, [g for g in groups if g.clips], len(allowed), lib)


def _texts(b: Board, out: Path) -> list[Text]:
    where = f"prototype {b.name!r}"
    texts = [name_texts.out_text(out), Text(where, "name", b.name, "rename the prototype"),
             Text(where, "summary", b.summary, "use their pseudonym there (edit the prototype)")]
    clips = {c.id: c for g in b.groups for c in g.clips}
    for n, c in enumerate(clips.values(), 1):
        texts += name_texts.clip_texts(c.title, position=n, count=len(clips), note=c.note, quote=c.quote,
                                       tags=[t["name"] for t in c.tags], film=c.film, start_us=c.start_us,
                                       end_us=c.end_us)
    return texts


def write_csv(b: Board, path: Path, lib: Library | None = None, audience: str = "team", replace: bool = False,
              note: Note = no_note) -> Path:
    """The board as a spreadsheet for ``audience``: clips whose people did not consent to it
    are left out (a spreadsheet cannot hide a face). Through the gate: checked, published
    whole, logged."""
    lib, exit = _exit(b, path, lib, audience, False, False, replace, note)

    def write(passage: Passage) -> None:
        shown, withheld = _shown(b, passage.first, lib), len(passage.left_out)
        with atomic_output(exit.out) as partial:
            with open(partial, "w", newline="", encoding="utf-8") as fh:
                writer = csv_cells.writer(fh)
                writer.writerow(["prototype", "kind", "tag", "clips in group", "clip_id", "clip", "film", "in",
                                 "out", "quote", "note"])
                for g in shown.groups:
                    for c in g.clips:
                        writer.writerow([shown.name, g.kind, g.tag, len(g.clips), c.id, c.title, c.film,
                                         timecode.format_clock(c.start_us), timecode.format_clock(c.end_us),
                                         c.quote, c.note])
                if withheld:
                    writer.writerow([shown.name, "", f"{plural(withheld, 'clip')} withheld: consent does not cover a "
                                     f"{audience} audience", "", "", "", "", "", "", "", ""])

    way_out(lib, exit, write)
    return exit.out


def write_html(lib: Library, b: Board, path: Path, progress=None, cancel=None, audience: str = "team",
               anonymise: bool = False, style: str = "blur", replace: bool = False, note: Note = no_note) -> Path:
    """The printable report with a still per clip for ``audience``. Clips of people whose
    consent does not reach it are left out, or with ``anonymise`` shown with faces covered
    (a withdrawal is never shown). Through the gate: checked, published whole, logged."""
    from media.anonymise.faces import cover_faces_in_still
    from media.export.report import write_report

    lib, exit = _exit(b, path, lib, audience, anonymise, True, replace, note)

    def write(passage: Passage) -> None:
        shown, withheld = _shown(b, passage.first, lib), len(passage.left_out)
        covered = set(passage.first.anonymised_ids)
        passage.anonymisation = f"faces {style} in the stills of {numbered('clip', sorted(covered))}" if covered else ""
        ids = {c.film_id for g in shown.groups for c in g.clips}
        with lib.read() as s:
            films = {f.id: (str(lib.film_path(f)), f.start_us, Orientation(f.rotation, bool(f.mirror)),
                           f.field_order or "")
                     for f in s.query(Film).filter(Film.id.in_(ids))}
        with atomic_output(exit.out) as partial:
            write_report(shown, films, partial, progress, cancel, covered=covered,
                         cover=lambda rgb: cover_faces_in_still(rgb, style), withheld=withheld)

    way_out(lib, exit, write)
    return exit.out
