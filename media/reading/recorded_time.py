"""When a film was recorded, from what the file says, best source first:

1. phone metadata with the local time and its UTC offset (iPhones write
   ``com.apple.quicktime.creationdate``, e.g. ``2026-11-28T11:02:03+0000``);
2. the container's ``creation_time`` (UTC, written by phones, cameras and ffmpeg; the zone
   where it was filmed is not known);
3. the file's modification time less the film's length (a camera writes the file until it
   stops recording, so the time it was last written is the end; a copy may have changed it:
   the last resort).

Dates a file cannot mean (MP4's zero date 1904, 1970, or later than tomorrow) are skipped.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import av
import av.error

PHONE_KEYS = ("com.apple.quicktime.creationdate",)
CONTAINER_KEYS = ("creation_time", "date")
SOURCES = {"phone": "the phone's own clock and zone", "container": "the file's creation time",
           "file": "the file's modification time, less its length",
           "corrected": "set by hand (the camera's clock was wrong)"}
_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})$")


@dataclass(frozen=True)
class RecordedTime:
    utc: dt.datetime  # naive, UTC
    offset_min: int | None  # minutes east of UTC where it was filmed; None: not known
    source: str  # a key of SOURCES

    def local(self) -> dt.datetime:
        """Aware time of day where it was filmed; in this computer's zone if that is unknown."""
        aware = self.utc.replace(tzinfo=dt.timezone.utc)
        if self.offset_min is None:
            return aware.astimezone()
        return aware.astimezone(dt.timezone(dt.timedelta(minutes=self.offset_min)))


def parse_time(text: str) -> tuple[dt.datetime, int | None] | None:
    """(UTC naive, offset minutes or None) from an ISO 8601 text; None if it is not one."""
    text = text.strip().replace(" ", "T", 1)
    offset = None
    if text.endswith("Z"):
        text = text[:-1]
    else:
        match = _OFFSET.search(text)
        if match and "T" in text:
            sign = 1 if match.group(1) == "+" else -1
            offset = sign * (int(match.group(2)) * 60 + int(match.group(3)))
            text = text[: match.start()]
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if when.tzinfo is not None:
        when = when.replace(tzinfo=None)
    utc = when - dt.timedelta(minutes=offset) if offset is not None else when
    return utc, offset


def _tags(container) -> dict[str, str]:
    tags = {}
    for stream in container.streams:
        tags.update({k.lower(): v for k, v in stream.metadata.items()})
    tags.update({k.lower(): v for k, v in container.metadata.items()})  # the file's own first
    return tags


def _plausible(utc: dt.datetime) -> bool:
    return dt.datetime(1990, 1, 1) < utc < dt.datetime.utcnow() + dt.timedelta(days=1)


def recorded_time(path: Path, container=None) -> RecordedTime:
    """Never fails for a readable file: the modification time is always there. ``container``:
    the file already open (the probe's), to read its tags without opening it again."""
    tags: dict[str, str] = {}
    length_us = 0
    try:
        if container is None:
            with av.open(str(path), metadata_errors="ignore") as opened:
                tags, length_us = _tags(opened), opened.duration or 0
        else:
            tags, length_us = _tags(container), container.duration or 0
    except (av.error.FFmpegError, OSError, UnicodeDecodeError, ValueError):
        pass
    for source, keys in (("phone", PHONE_KEYS), ("container", CONTAINER_KEYS)):
        for key in keys:
            parsed = parse_time(tags[key]) if key in tags else None
            if parsed is not None and _plausible(parsed[0]):
                utc, offset = parsed
                return RecordedTime(utc, offset if source == "phone" else None, source)
    mtime = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc).replace(tzinfo=None)
    started = mtime - dt.timedelta(microseconds=max(0, length_us))  # PyAV: duration in microseconds
    started = (started + dt.timedelta(microseconds=500_000)).replace(microsecond=0)  # the library keeps seconds
    return RecordedTime(started, None, "file")
