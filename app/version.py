"""The version of ProtoReel that is running (the installed package's), for --version and About."""

from __future__ import annotations


def version() -> str:
    from importlib import metadata

    try:
        return metadata.version("protoreel")
    except metadata.PackageNotFoundError:  # a source tree that was never installed
        return "unknown"
