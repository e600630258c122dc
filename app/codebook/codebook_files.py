"""The whole codebook to and from a file: CSV (as a spreadsheet saves it, with or without a
byte-order mark) or JSON. An import is one undoable step and all or nothing: a parent that
would make a loop, a tag that would be its own parent, or a parent name found in two kinds
(write ``KIND:NAME``) refuses the whole file with one line."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from sqlalchemy import select

from media.export import csv_cells
from media.errors import BadInput
from media.export.atomic import atomic_output
from app.library import Library
from app.models import Tag
from app.ways_out.gate import Exit, Passage, way_out
from app.ways_out.name_guard import Note, Text, no_note
from app.ways_out.name_texts import out_text
from app.codebook.codebook import check_color, check_kind, get_or_create
from app.lookup import split_tag_ref

CODEBOOK_FIELDS = ("kind", "name", "color", "shortcut", "description", "parent", "archived")
MAX_FILE_BYTES = 10_000_000  # a codebook is a few hundred tags; anything bigger is not one


def export_rows(lib: Library) -> list[dict]:
    with lib.read() as s:
        tags = list(s.scalars(select(Tag).order_by(Tag.kind, Tag.position, Tag.name)))
    kinds_of: dict[str, set] = {}
    for t in tags:
        kinds_of.setdefault(t.name.lower(), set()).add(t.kind)
    by_id = {t.id: t for t in tags}

    def parent_ref(t: Tag) -> str:
        parent = by_id.get(t.parent_id)
        if parent is None:
            return ""
        # A name two kinds share is written KIND:NAME, so the file reads back unambiguously.
        return parent.name if len(kinds_of[parent.name.lower()]) == 1 else f"{parent.kind}:{parent.name}"

    return [{"kind": t.kind, "name": t.name, "color": t.color, "shortcut": t.shortcut or "",
             "description": t.description, "parent": parent_ref(t), "archived": t.archived} for t in tags]


def _texts(rows: list[dict], out: Path) -> list[Text]:
    """A codebook's words: a tag named after a person would take their name out with it."""
    texts = [out_text(out)]
    for row in rows:
        where = f"tag {row['kind']}:{row['name']}"
        texts += [Text(where, "name", row["name"], "rename the tag"),
                  Text(where, "description", row["description"], "edit the tag's description")]
    return texts


def write_file(lib: Library, path, replace: bool = False, note: Note = no_note) -> Path:
    """Export the codebook as .json or .csv (by suffix), through the gate: where it may be
    written, no names in its tags, published whole and logged."""
    path = Path(path).expanduser().absolute()
    if path.suffix.lower() not in (".json", ".csv"):
        raise BadInput(f"{path}: save the codebook as .json or .csv")
    rows = export_rows(lib)
    exit = Exit("codebook", f"codebook ({len(rows)} tags)", "the codebook", out=path, replace=replace, note=note,
                texts=lambda _s, _r: _texts(rows, path))

    def write(passage: Passage) -> None:
        passage.items = [{"tag": f"{r['kind']}:{r['name']}"} for r in rows]
        with atomic_output(exit.out) as partial:
            if path.suffix.lower() == ".json":
                partial.write_text(json.dumps({"tags": rows}, indent=2, ensure_ascii=False), encoding="utf-8")
            else:
                with open(partial, "w", newline="", encoding="utf-8") as fh:
                    writer = csv_cells.dict_writer(fh, CODEBOOK_FIELDS)
                    writer.writeheader()
                    writer.writerows(rows)

    way_out(lib, exit, write)
    return exit.out


def _read_rows(path: Path) -> list:
    suffix = path.suffix.lower()
    if suffix not in (".json", ".csv"):
        raise BadInput(f"{path}: a codebook file is .json or .csv")
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise BadInput(f"{path}: too big for a codebook (over {MAX_FILE_BYTES // 1_000_000} MB)")
        # utf-8-sig: Excel's "CSV UTF-8" starts with a byte-order mark, which is not part of "kind".
        text = path.read_text(encoding="utf-8-sig")
        if suffix == ".json":
            rows = json.loads(text)["tags"]
        else:
            rows = [{k: csv_cells.unescape(v) if isinstance(v, str) else v for k, v in row.items()}
                    for row in csv.DictReader(text.splitlines())]
    except (OSError, ValueError, KeyError, TypeError, csv.Error) as exc:
        reason = getattr(exc, "strerror", None) or str(exc).splitlines()[0]
        raise BadInput(f"{path}: not a codebook file ({reason})") from exc
    if not isinstance(rows, list):
        raise BadInput(f"{path}: not a codebook file (no list of tags)")
    return rows


def read_file(lib: Library, path) -> int:
    """Import tags: new ones are added, existing ones (same kind and name) take the file's
    colour and description, parents are set. One undoable step; returns the count."""
    path = Path(path).expanduser()
    rows = _read_rows(path)
    for n, row in enumerate(rows, 1):
        if not isinstance(row, dict) or not str(row.get("name") or "").strip():
            raise BadInput(f"{path}: entry {n} has no name")
        check_kind(str(row.get("kind") or ""))
        if row.get("color"):
            check_color(str(row["color"]))
    with lib.op(f"Import codebook {path.name}") as s:
        made = []
        for row in rows:
            tag = get_or_create(s, str(row["name"]), str(row["kind"]), row.get("color") or None)
            if row.get("color"):
                tag.color = check_color(str(row["color"]))
            if row.get("description"):
                tag.description = str(row["description"])
            made.append(tag)
        every = list(s.scalars(select(Tag)))
        for n, (row, tag) in enumerate(zip(rows, made), 1):
            ref = str(row.get("parent") or "").strip()
            if ref:
                parent = _parent(path, n, ref, every)
                if parent.id == tag.id:
                    raise BadInput(f"{path}: entry {n}: tag {tag.kind}:{tag.name} cannot be its own parent; "
                                   "nothing was imported")
                tag.parent_id = parent.id
        _refuse_loops(path, every)
        return len(rows)


def _parent(path: Path, n: int, ref: str, tags: list[Tag]) -> Tag:
    kind, name = split_tag_ref(ref)
    found = [t for t in tags if t.name.lower() == name.lower() and (kind is None or t.kind == kind)]
    if not found:
        raise BadInput(f"{path}: entry {n}: parent {ref!r} is neither in the file nor in the codebook; "
                       "nothing was imported")
    if len(found) > 1:
        kinds = ", ".join(f"{t.kind}:{t.name}" for t in found)
        raise BadInput(f"{path}: entry {n}: parent {ref!r} is in more than one kind ({kinds}); "
                       "write KIND:NAME; nothing was imported")
    return found[0]


def _refuse_loops(path: Path, tags: list[Tag]) -> None:
    by_id = {t.id: t for t in tags}
    for start in tags:
        chain, walk = [start], by_id.get(start.parent_id)
        while walk is not None:
            if walk is start:
                names = " → ".join(f"{t.kind}:{t.name}" for t in [*chain, start])
                raise BadInput(f"{path}: the parents make a loop ({names}); nothing was imported")
            if walk in chain:
                break  # a loop further up, reported from one of its own tags
            chain.append(walk)
            walk = by_id.get(walk.parent_id)
