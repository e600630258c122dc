"""The whole codebook to and from a file: CSV (as a spreadsheet saves it, with or without a
byte-order mark) or JSON. An import is one undoable step and all or nothing: a parent that
would make a loop, a tag that would be its own parent, or a parent name found in two kinds
(write ``KIND:NAME``) refuses the whole file with one line."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from sqlalchemy import select

from app import texts
from media.export import csv_cells
from media.safe_io import read_bounded
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
        # Read at most MAX_FILE_BYTES, counted as read (a device says it holds 0 bytes); a FIFO or
        # a device is refused before it is opened.
        raw = read_bounded(path, MAX_FILE_BYTES, "a codebook")
        # utf-8-sig: Excel's "CSV UTF-8" starts with a byte-order mark, which is not part of "kind".
        text = raw.decode("utf-8-sig")
        if suffix == ".json":
            rows = json.loads(text)["tags"]
        else:
            rows = [{k: csv_cells.unescape(v) if isinstance(v, str) else v for k, v in row.items()}
                    for row in csv.DictReader(text.splitlines())]
    except RecursionError:
        raise BadInput(f"{path}: not a codebook file (nested too deeply)") from None
    except (OSError, ValueError, KeyError, TypeError, csv.Error) as exc:
        reason = getattr(exc, "strerror", None) or str(exc).splitlines()[0]
        raise BadInput(f"{path}: not a codebook file ({reason})") from exc
    if not isinstance(rows, list):
        raise BadInput(f"{path}: not a codebook file (no list of tags)")
    if not rows:
        raise BadInput(f"{path}: no tags in it; nothing was imported")
    return rows


SHORTCUTS = tuple("123456789")
TRUE, FALSE = ("true", "yes", "1"), ("false", "no", "0")


def _text(path: Path, n: int, row: dict, key: str, rule, what: str) -> str:
    value = row.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise BadInput(f"{path}: entry {n}: {key} is not text; nothing was imported")
    return rule(value, f"{path}: entry {n}: {what}")


def _shortcut(path: Path, n: int, value) -> str | None:
    """A key 1-9, or None when the entry gives none (the tag keeps its own)."""
    if value is None or value == "":
        return None
    text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else None
    if text not in SHORTCUTS:
        raise BadInput(f"{path}: entry {n}: shortcut {value!r} is not a key from 1 to 9; nothing was imported")
    return text


def _archived(path: Path, n: int, value) -> bool | None:
    """True or False, or None when the entry does not say (the tag stays as it is)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    text = value.strip().lower() if isinstance(value, str) else str(value) if value in (0, 1) else None
    if text in TRUE or text in FALSE:
        return text in TRUE
    raise BadInput(f"{path}: entry {n}: archived {value!r} is not true or false; nothing was imported")


def read_file(lib: Library, path) -> int:
    """Import tags: new ones are added, existing ones (same kind and name) take the file's
    colour, description, shortcut and archived state, parents are set. One undoable step;
    returns the count. Anything in the file that cannot be taken refuses the whole file."""
    path = Path(path).expanduser()
    rows = _read_rows(path)
    checked, keys = [], {}
    for n, row in enumerate(rows, 1):
        if not isinstance(row, dict) or not str(row.get("name") or "").strip():
            raise BadInput(f"{path}: entry {n} has no name")
        name = _text(path, n, row, "name", texts.name, "tag")
        kind = check_kind(str(row.get("kind") or ""))
        if row.get("color"):
            check_color(str(row["color"]))
        description = _text(path, n, row, "description", texts.note, "description")
        key = _shortcut(path, n, row.get("shortcut"))
        if key is not None and key in keys:
            raise BadInput(f"{path}: entries {keys[key]} and {n} both have the shortcut {key}; nothing was imported")
        if key is not None:
            keys[key] = n
        checked.append((name, kind, description, key, _archived(path, n, row.get("archived"))))
    with lib.op(f"Import codebook {path.name}") as s:
        made = []
        for row, (name, kind, description, key, archived) in zip(rows, checked):
            tag = get_or_create(s, name, kind, row.get("color") or None)
            if row.get("color"):
                tag.color = check_color(str(row["color"]))
            if description:
                tag.description = description
            if archived is not None:
                tag.archived = archived
            made.append(tag)
        s.flush()
        for tag, (_name, _kind, _description, key, _archived_) in zip(made, checked):
            if key is not None:
                for other in s.scalars(select(Tag).where(Tag.shortcut == key, Tag.id != tag.id)):
                    other.shortcut = None
                s.flush()
                tag.shortcut = key
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
