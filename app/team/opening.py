"""Which library to open: ``--library DIR`` (a folder with its own ``library.db``) or
``--library postgresql+psycopg://…`` (a team library) with this computer's media root, given
once (``--media-root DIR``) and remembered for that library (``app.team.machine``)."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from app import db
from app.team.machine import MachineSettings
from media.errors import BadInput

DRIVER = "postgresql+psycopg"  # psycopg 3: also what listens for the other computers' changes


def is_url(text: str | os.PathLike | None) -> bool:
    return text is not None and "://" in str(text)


def team_url(text: str) -> str:
    """A team library's URL, with the driver ProtoReel ships (``postgresql://`` means psycopg 3)."""
    try:
        url = make_url(str(text).strip())
    except ArgumentError as exc:
        raise BadInput(f"team library {text!r}: not a database URL (for example "
                       "postgresql+psycopg://user@server/protoreel)") from exc
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername=DRIVER)
    if url.get_backend_name() != "postgresql":
        raise BadInput(f"team library {db.shown(str(text))}: a team library is a PostgreSQL database "
                       "(postgresql+psycopg://user@server/DB)")
    return url.render_as_string(hide_password=False)


def media_root_for(url: str, given: Path | str | None) -> Path:
    """This computer's media root for the team library at ``url``: as given (and remembered),
    else as remembered; neither is one line saying what to give."""
    settings = MachineSettings(url)
    root = Path(given).expanduser() if given else settings.media_root
    if root is None:
        raise BadInput(f"team library {db.shown(url)}: give this computer's folder of the team's films once "
                       "with --media-root DIR (it is remembered for this library)")
    root = root.absolute()
    if not root.is_dir():
        raise BadInput(f"media root {root}: no such folder (the team's shared media folder as this computer "
                       "reaches it: is the share connected?)")
    settings.remember_media_root(root)
    return root


def resolve(library: Path | str | None, database_url: str | None = None,
            media_root: Path | str | None = None) -> tuple[Path | None, str | None]:
    """(folder, database URL) to open for what was given; None, None: the default library."""
    library = library if library is not None else os.environ.get("PROTOREEL_LIBRARY") or None
    if is_url(library):
        if database_url:
            raise BadInput("--database-url: not with a team library's URL as --library (give one of them)")
        url = team_url(str(library))
        return media_root_for(url, media_root), url
    if media_root is not None:
        if not (database_url and db.is_shared(database_url)):
            raise BadInput("--media-root: only for a team library (--library postgresql+psycopg://…)")
        return media_root_for(database_url, media_root), database_url
    return (Path(library).expanduser() if library else None), database_url
