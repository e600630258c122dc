"""Marks of the start-up (``bench/window_startup_bench.py``): with ``PROTOREEL_STARTUP_TRACE=FILE``
each stage appends ``name unix-time`` to FILE; ``PROTOREEL_STARTUP_QUIT=1`` ends the app once
it is interactive. Without them, nothing is done."""

from __future__ import annotations

import os
import time

PATH = os.environ.get("PROTOREEL_STARTUP_TRACE")


def mark(name: str) -> None:
    if PATH:
        with open(PATH, "a", encoding="utf-8") as fh:
            fh.write(f"{name} {time.time():.4f}\n")


def quit_when_interactive() -> bool:
    return bool(PATH) and os.environ.get("PROTOREEL_STARTUP_QUIT") == "1"
