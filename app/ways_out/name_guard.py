"""Names never leave the library: one check of the words every way out carries.

Every export (reels in every format with their manifest, evidence CSV and report, review
summaries, bundles) hands the guard the texts it is about to write, each with where it comes
from, before anything is written. Matching ignores case, accents, spacing and punctuation:

- refused: all the words of a person's name as a run, in any order ("Okonkwo, Margaret",
  "margaret  OKONKWO"), or their surname (last word, 3 letters or more) as a word on its own
  ("Mr Bashir", "Okonkwo's");
- a warning only: their first name on its own (first names are often everyday words: "Hope",
  "Will"), for the facilitator to look at.

People travel as pseudonyms or roles; a text that needs to speak of someone uses those.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from media.errors import BadInput

MIN_SURNAME = 3  # "Li", "Ng" alone are refused only with the rest of the name

Note = Callable[[str], None]


def no_note(_message: str) -> None:
    return None


class NameRefused(BadInput):
    """A text about to leave the library names a person in it."""


@dataclass
class Text:
    where: str  # what it belongs to: "clip 2 'Talks about…'", "reel 'Breakfast'", "film 3 'Consult'"
    field: str  # which of its words: "title", "quote", "file name"...
    text: str
    fix: str = "use their pseudonym there"


@dataclass
class Person:
    name: str
    words: list[str]


def words(text: str | None) -> list[str]:
    """Word tokens, case-folded, accents stripped: "Zoë O'Néill" -> ["zoe", "o", "neill"]."""
    plain = unicodedata.normalize("NFKD", (text or "").casefold())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return re.findall(r"[^\W_]+", plain)


def _has_run(tokens: list[str], name: list[str]) -> bool:
    n, wanted = len(name), sorted(name)
    return any(sorted(tokens[i:i + n]) == wanted for i in range(len(tokens) - n + 1))


class Guard:
    def __init__(self, names: Iterable[str]):
        self.people = [Person(n, w) for n in names if len("".join(w := words(n))) >= 3]
        # Word -> the people whose names have it: a text is compared only with the people it
        # shares a word with (an event's thousands of words against hundreds of people).
        self.by_word: dict[str, list[int]] = {}
        for index, p in enumerate(self.people):
            for w in dict.fromkeys(p.words):
                self.by_word.setdefault(w, []).append(index)

    def _candidates(self, tokens: list[str]) -> list[Person]:
        found = {i for w in set(tokens) for i in self.by_word.get(w, ())}
        return [self.people[i] for i in sorted(found)]

    @classmethod
    def of(cls, session: Session) -> "Guard":
        """Everyone in the library: a name is guarded whoever's clip the words are on."""
        from app.models import Person as PersonRow

        return cls(session.scalars(select(PersonRow.name)))

    def refusal(self, text: Text) -> str | None:
        """Why ``text`` may not leave (one line naming it, the person and what to do), or None."""
        tokens = words(text.text)
        for p in self._candidates(tokens):
            surname = p.words[-1] if len(p.words) > 1 and len(p.words[-1]) >= MIN_SURNAME else None
            if _has_run(tokens, p.words):
                said = f"names {p.name}"
            elif surname and surname in tokens:  # "Mr Bashir"; or an everyday word that is someone's surname
                said = f"has the word {surname!r}, the surname of {p.name}"
            else:
                continue
            return (f"{text.where}: its {text.field} {said}, a person in this library; names never leave the "
                    f"library: {text.fix} and export again. Nothing was written.")
        return None

    def warning(self, text: Text) -> str | None:
        tokens = words(text.text)
        for p in self._candidates(tokens):
            if len(p.words) > 1 and p.words[0] in tokens:
                return (f"{text.where}: its {text.field} has the word {p.words[0]!r}, the first name of "
                        f"{p.name}, a person in this library; if it means them, use their pseudonym there")
        return None

    def check(self, texts: Iterable[Text], note: Note = no_note) -> list[str]:
        """Refuse (``NameRefused``) the first text naming someone; say (``note``) and return
        the warnings about first names."""
        texts = list(texts)
        for t in texts:
            why = self.refusal(t)
            if why:
                raise NameRefused(why)
        said = []
        for t in texts:
            w = self.warning(t)
            if w and w not in said:
                said.append(w)
                note(w)
        return said

    def names_in(self, text: str) -> bool:
        return self.refusal(Text("", "", text)) is not None
