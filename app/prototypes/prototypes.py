"""Prototypes: the service ideas being tested, linked many-to-many with clips."""

from __future__ import annotations

from sqlalchemy import func, select

from media.errors import BadInput
from app.library import Library
from app.models import ClipPrototype, Prototype, PROTOTYPE_STAGES
from app.lookup import check_name
from app import lookup


def add(lib: Library, name: str, summary: str = "", stage: str = "idea") -> int:
    name = check_name(name, "prototype")
    if stage not in PROTOTYPE_STAGES:
        raise BadInput(f"stage {stage!r}: must be one of {', '.join(PROTOTYPE_STAGES)}")
    with lib.op(f"Add prototype “{name}”") as s:
        if s.scalars(select(Prototype).where(func.lower(Prototype.name) == name.lower())).first():
            raise BadInput(f"prototype {name!r}: already exists")
        proto = Prototype(name=name, summary=summary, stage=stage)
        s.add(proto)
        s.flush()
        return proto.id


def link(lib: Library, prototype_id: int, clip_ids: list[int]) -> int:
    """Link clips as evidence for a prototype; returns how many links are new."""
    with lib.op("Link clips to prototype") as s:
        new = 0
        for clip_id in dict.fromkeys(clip_ids):
            if s.get(ClipPrototype, (clip_id, prototype_id)) is None:
                s.add(ClipPrototype(clip_id=clip_id, prototype_id=prototype_id))
                new += 1
        return new


def unlink(lib: Library, prototype_id: int, clip_ids: list[int]) -> None:
    with lib.op("Unlink clips from prototype") as s:
        for clip_id in clip_ids:
            found = s.get(ClipPrototype, (clip_id, prototype_id))
            if found is not None:
                s.delete(found)


def update(lib: Library, prototype_id: int, **fields) -> None:
    """Change name, summary or stage."""
    unknown = set(fields) - {"name", "summary", "stage"}
    if unknown:
        raise BadInput(f"prototype fields {sorted(unknown)}: cannot be changed")
    if "stage" in fields and fields["stage"] not in PROTOTYPE_STAGES:
        raise BadInput(f"stage {fields['stage']!r}: must be one of {', '.join(PROTOTYPE_STAGES)}")
    if "name" in fields:
        fields["name"] = check_name(fields["name"], "prototype")
    with lib.op("Edit prototype") as s:
        if "name" in fields and s.scalars(select(Prototype).where(
                func.lower(Prototype.name) == fields["name"].lower(), Prototype.id != prototype_id)).first():
            raise BadInput(f"prototype {fields['name']!r}: already exists")
        proto = lookup.by_id(s, Prototype, prototype_id)
        for key, value in fields.items():
            setattr(proto, key, value)


def delete(lib: Library, prototype_id: int) -> None:
    with lib.op("Delete prototype") as s:
        s.delete(lookup.by_id(s, Prototype, prototype_id))
