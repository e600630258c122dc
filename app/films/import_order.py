"""Which files an import takes, and in what order: a dropped folder (several phones' folders,
say) stands for the films inside it, ordered by when each was recorded; files named one by
one keep their order and come first."""

from __future__ import annotations

from pathlib import Path

from media.reading.recorded_time import RecordedTime, recorded_time


def expand_and_order(paths: list[Path | str]) -> list[Path]:
    files: list[Path] = []
    inside: list[Path] = []
    for path in (Path(p).expanduser().absolute() for p in paths):
        if path.is_dir():
            inside.extend(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        else:
            files.append(path)
    return files + sorted(inside, key=lambda p: (recorded_time(p).utc, p.name))


def recorded_fields(when: RecordedTime) -> dict:
    """The Film columns for when it was recorded."""
    return dict(recorded_at=when.utc, recorded_offset_min=when.offset_min, recorded_source=when.source)
