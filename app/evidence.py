"""A prototype's evidence board: its clips gathered by the challenges and opportunities they
show, with counts; exported as CSV or as a printable HTML report with a still per clip."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from app import queries
from media import csv_cells, timecode
from media.errors import BadInput
from media.orientation import Orientation
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


def _checked(b: Board, path: Path, lib: Library | None = None) -> Path:
    from app.ops import export_guard

    lib = lib or b.library
    return export_guard.check_output(lib, path) if lib is not None else Path(path)


def write_csv(b: Board, path: Path, lib: Library | None = None) -> Path:
    path = _checked(b, path, lib)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv_cells.writer(fh)
        writer.writerow(["prototype", "kind", "tag", "clips in group", "clip_id", "clip", "film", "in", "out",
                         "quote", "note"])
        for g in b.groups:
            for c in g.clips:
                writer.writerow([b.name, g.kind, g.tag, len(g.clips), c.id, c.title, c.film,
                                 timecode.format_clock(c.start_us), timecode.format_clock(c.end_us), c.quote, c.note])
    return path


def write_html(lib: Library, b: Board, path: Path, progress=None, cancel=None) -> Path:
    from media.report import write_report

    from app.models import Film
    from app.ops import export_guard

    path = _checked(b, path, lib)
    stills = path.with_name(path.stem + "_files")  # the report's stills are written there too
    export_guard.check_output(lib, stills)
    if stills.is_dir():
        for clip_id in {c.id for g in b.groups for c in g.clips}:
            export_guard.check_output(lib, stills / f"clip{clip_id}.jpg")
    ids = {c.film_id for g in b.groups for c in g.clips}
    with lib.read() as s:
        films = {f.id: (str(lib.film_path(f)), f.start_us, Orientation(f.rotation, bool(f.mirror))) for f in s.query(Film).filter(Film.id.in_(ids))}
    return write_report(b, films, Path(path), progress, cancel)
