"""The codebook every new library starts with (resources/codebook.json): challenges,
opportunities and themes for co-produced mental-health services, editable afterwards.
Loaded by ``Library`` on its first opening, in the same write as the mark that says so."""

from __future__ import annotations

import json
from importlib import resources

from sqlalchemy.orm import Session

from app.models import Tag


def default_codebook() -> dict:
    return json.loads(resources.files("resources").joinpath("codebook.json").read_text("utf-8"))


def load_default(session: Session) -> None:
    for position, entry in enumerate(default_codebook()["tags"]):
        session.add(
            Tag(
                name=entry["name"],
                kind=entry["kind"],
                color=entry.get("color", "#888888"),
                description=entry.get("description", ""),
                shortcut=entry.get("shortcut"),
                position=position,
            )
        )
