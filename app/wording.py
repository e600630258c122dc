"""Words said the same way by the command line and the window."""

from __future__ import annotations


def plural(n: int, word: str) -> str:
    """``plural(1, "clip")`` is "1 clip", ``plural(3, "clip")`` "3 clips"."""
    return f"{n} {word}{'' if n == 1 else 's'}"
