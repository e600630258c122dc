"""Words said the same way by the command line and the window: counts with their plural
("1 clip", "3 clips", "2 people"; never "1 clips" or "film(s)"), a numbered list ("item 1",
"items 1, 3") and a person's possessive ("Margaret Okonkwo's face", not
"“Margaret Okonkwo”'s face")."""

from __future__ import annotations

from typing import Iterable

IRREGULAR = {"person": "people", "was": "were", "is": "are", "has": "have", "this": "these", "it": "they"}


def plural_of(word: str, n: int, many: str | None = None) -> str:
    """``word`` as ``n`` of it is said: ``plural_of("film", 2)`` is "films"."""
    if n == 1:
        return word
    return many or IRREGULAR.get(word) or (word + "es" if word.endswith(("s", "sh", "ch", "x")) else word + "s")


def plural(n: int, word: str, many: str | None = None) -> str:
    """``plural(1, "clip")`` is "1 clip", ``plural(3, "clip")`` "3 clips", ``plural(2, "person")``
    "2 people"; ``many`` for any other plural."""
    return f"{n} {plural_of(word, n, many)}"


def numbered(word: str, numbers: Iterable, many: str | None = None) -> str:
    """``numbered("item", [1])`` is "item 1", ``numbered("item", [1, 3])`` "items 1, 3"."""
    numbers = list(numbers)
    return f"{plural_of(word, len(numbers), many)} {', '.join(map(str, numbers))}"


def possessive(name: str) -> str:
    """``possessive("Jane Realname")`` is "Jane Realname's" (a person's name is not quoted)."""
    return f"{name}'s"
