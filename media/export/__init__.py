"""Exporters, one adapter per format, registered by file suffix (as OpenTimelineIO does)."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from media.errors import BadInput

Writer = Callable  # (plan, out, progress, cancel) -> Path


def _adapters() -> dict[str, Writer]:
    from media.export import interchange, mp4, otio_edl

    return {
        ".mp4": mp4.write,
        ".otio": otio_edl.write_otio,
        ".edl": otio_edl.write_edl,
        ".srt": interchange.write_srt,
        ".vtt": interchange.write_vtt,
        ".csv": interchange.write_csv,
    }


def suffixes() -> list[str]:
    return sorted(_adapters())


def adapter_for(path: Path) -> Writer:
    suffix = Path(path).suffix.lower()
    adapters = _adapters()
    if suffix not in adapters:
        raise BadInput(f"{path}: cannot export to {suffix or 'a file without a suffix'}; "
                       f"use one of {', '.join(sorted(adapters))}")
    return adapters[suffix]
