"""Names never leave the library: one check of the words every way out carries.

Every way out (reels in every format with their manifest, evidence CSV and report, review
summaries, bundles, codebook files, and the screens of a presentation) hands the guard the
texts it is about to show or write, each with where it comes from, before anything is
written or shown. Texts are compared as a reader sees them:

- invisible and formatting characters are dropped (zero-width space and joiners, the soft
  hyphen, direction marks, variation selectors...): ``Jane Sm\\u200bith`` is "Jane Smith";
- letters are folded to the Latin letter they look like (Unicode's confusables, from the
  ``confusable-homoglyphs`` package: Cyrillic ``а``, Greek ``ο``, fullwidth and mathematical
  letters), accents dropped, case ignored; a name is also looked for as a reader may take the
  text: a capital I inside a lower-case word as an l (``WiIliam``), and in a word with letters a
  1 as an l and a 0 as an o (``Wi11iam``, ``0konkwo``);
- letters spaced out (``O k o n k w o``, ``O.k.o.n.k.w.o``) are read as the word they spell,
  and a name run together (``JaneSmith``) as the name.

Then:

- refused: all the words of a person's name as a run, in any order ("Okonkwo, Margaret"), or
  their surname (last word, 3 letters or more) as a word on its own ("Mr Bashir"), or all the
  words of their name spread over the fields of one thing ("Wei" in a clip's title, "Li said"
  in its quote);
- a warning only: their first name on its own (first names are often everyday words: "Hope",
  "Will"), for the facilitator to look at.

People travel as pseudonyms or roles; a text that needs to speak of someone uses those.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from media.errors import BadInput

MIN_SURNAME = 3  # "Li", "Ng" alone are refused only with the rest of the name

Note = Callable[[str], None]

# Characters that display as nothing but are not format characters (category Cf, dropped too).
IGNORABLE = {0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x3164, 0xFFA0, *range(0x180B, 0x1810), *range(0xFE00, 0xFE10),
             *range(0xE0100, 0xE01F0)}
SPACES = {"\u2028", "\u2029", "\u0085"}


def no_note(_message: str) -> None:
    return None


class NameRefused(BadInput):
    """A text about to leave the library names a person in it."""


@dataclass
class Text:
    where: str  # what it belongs to: "clip 2 of 5 'Talks about…'", "reel 'Breakfast'", "film 'Consult'"
    field: str  # which of its words: "title", "quote", "file name"...
    text: str
    fix: str = "use their pseudonym there"
    group: str = ""  # texts shown together (a clip's title, quote, tags...): a name split over them is refused

    @property
    def together(self) -> str:
        return self.group or self.where


@dataclass
class Person:
    name: str
    words: list[str]  # as written (compared, and said in messages)
    read: list[str]  # as read (compared)

    @property
    def shown(self) -> list[str]:
        return self.words

    def view(self, n: int) -> list[str]:
        return self.words if n == 0 else self.read


@lru_cache(maxsize=1)
def _look_alikes() -> dict[str, str]:
    """Each non-Latin character to the Latin letters (or digits) it is confusable with, from
    Unicode's confusables data as the ``confusable-homoglyphs`` package ships it (MIT)."""
    from confusable_homoglyphs.confusables import confusables_data

    table = {}
    for char, similar in confusables_data.items():
        if len(char) != 1 or char.isascii():
            continue
        for entry in similar:
            latin = entry["c"].strip("\u200e\u200f")
            if latin.isascii() and latin.isalnum():
                table[char] = latin.lower()
                break
    return table


def _visible(text: str) -> str:
    """``text`` without what a reader cannot see, compatibility forms unfolded."""
    out = []
    for ch in text or "":
        if ch in SPACES:
            out.append(" ")
        elif unicodedata.category(ch) == "Cf" or ord(ch) in IGNORABLE:
            continue
        else:
            out.append(ch)
    return unicodedata.normalize("NFKD", "".join(out))


def plain_words(text: str | None) -> list[str]:
    """Word tokens, case-folded, accents and invisible characters dropped, look-alike letters
    folded to Latin: ``"Zoë O'Néill"`` -> ``["zoe", "o", "neill"]``."""
    return _tokens(text, read=False)


def read_words(text: str | None) -> list[str]:
    """The same tokens as a reader may take them: a capital I inside a lower-case word is an l
    ("WiIliam"), and in a word with letters a 1 is an l and a 0 an o ("Wi11iam", "0konkwo")."""
    return _tokens(text, read=True)


def _tokens(text: str | None, read: bool) -> list[str]:
    plain = []
    table = _look_alikes()
    previous = ""
    for ch in _visible(text or ""):
        if unicodedata.combining(ch):
            continue
        ch = ch if ch.isascii() else table.get(ch, ch)
        if read and ch == "I" and previous.islower():
            ch = "l"
        plain.append(ch)
        previous = ch[-1:] if ch else previous
    tokens = re.findall(r"[^\W_]+", "".join(plain).casefold())
    if read:
        tokens = [t.replace("1", "l").replace("0", "o") if any(c.isalpha() for c in t) else t for t in tokens]
    return tokens


def words(text: str | None) -> list[str]:
    """Word tokens as written (``plain_words``)."""
    return plain_words(text)


def _views(text: str | None) -> tuple[list[str], list[str]]:
    """A text's tokens as written and as read: a name is found in either."""
    return plain_words(text), read_words(text)


def spelled_out(tokens: list[str]) -> list[str]:
    """Runs of letters written one by one ("o k o n k w o") read as the word they spell."""
    out, run = [], []
    for t in tokens + [""]:
        if len(t) == 1:
            run.append(t)
            continue
        if len(run) >= 2:
            out.append("".join(run))
        run = []
    return out


def _has_run(tokens: list[str], name: list[str]) -> bool:
    n, wanted = len(name), sorted(name)
    return any(sorted(tokens[i:i + n]) == wanted for i in range(len(tokens) - n + 1))


class Guard:
    def __init__(self, names: Iterable[str]):
        self.people = [Person(n, w, read_words(n)) for n in names if len("".join(w := plain_words(n))) >= 3]
        # Word (or a whole name run together), as written or as read -> the people whose names
        # have it: a text is compared only with the people it shares a word with.
        self.by_word: dict[str, list[int]] = {}
        for index, p in enumerate(self.people):
            keys = []
            for view in (p.words, p.read):
                keys += [*view, "".join(view), "".join(reversed(view))] if len(view) > 1 else view
            for w in dict.fromkeys(keys):
                self.by_word.setdefault(w, []).append(index)

    @classmethod
    def of(cls, session: Session) -> "Guard":
        """Everyone in the library: a name is guarded whoever's clip the words are on. (The
        last guard is kept while the names are the same: a presentation asks for every slide.)"""
        from app.models import Person as PersonRow

        names = tuple(sorted(session.scalars(select(PersonRow.name))))
        if _last_guard[0] != names:
            _last_guard[:] = [names, cls(names)]
        return _last_guard[1]

    def _candidates(self, tokens: list[str], runs: list[str]) -> list[Person]:
        found = {i for w in set(tokens) for i in self.by_word.get(w, ())}
        if runs:  # letters spelled out (rare): compared with everyone
            found |= set(range(len(self.people)))
        return [self.people[i] for i in sorted(found)]

    @staticmethod
    def _said(p: Person, name: list[str], tokens: list[str], runs: list[str]) -> str | None:
        """What ``tokens`` (one view of a text) say of ``p`` (``name``: the same view of theirs)."""
        joined = {"".join(name), "".join(reversed(name))} if len(name) > 1 else set()
        if _has_run(tokens, name) or joined & set(tokens) or any(j in run for run in runs for j in joined):
            return f"names {p.name}"
        surname = name[-1] if len(name) > 1 and len(name[-1]) >= MIN_SURNAME else None
        if surname and (surname in tokens or any(surname in run for run in runs)):
            return f"has the word {p.words[-1]!r}, the surname of {p.name}"
        return None

    def refusal(self, text: Text) -> str | None:
        """Why ``text`` may not leave (one line naming it, the person and what to do), or None."""
        views = _views(text.text)
        runs = [spelled_out(tokens) for tokens in views]  # "O k o n k w o"
        for p in self._candidates([*views[0], *views[1]], runs[0] + runs[1]):
            said = next((said for n in (0, 1) if (said := self._said(p, p.view(n), views[n], runs[n]))), None)
            if said:
                return (f"{text.where}: its {text.field} {said}, a person in this library; names never leave the "
                        f"library: {text.fix} and export again. Nothing was written.")
        return None

    def split_refusal(self, texts: list[Text]) -> str | None:
        """A name whose words are spread over the fields of one thing ("Wei" in a clip's title,
        "Li said" in its quote) is refused like a name written whole."""
        groups: dict[str, list[Text]] = {}
        for t in texts:
            if (t.text or "").strip():
                groups.setdefault(t.together, []).append(t)
        for members in groups.values():
            if len(members) < 2:
                continue
            for n in (0, 1):
                found = self._split(members, n)
                if found:
                    return found
        return None

    def _split(self, members: list[Text], n: int) -> str | None:
        """A name spread over ``members`` (the texts of one thing), in view ``n``."""
        tokens_of = [(t, _views(t.text)[n]) for t in members]
        every = {w for _t, tokens in tokens_of for w in tokens}
        for p in self._candidates(list(every), []):
            name = p.view(n)
            if len(name) < 2 or not all(w in every for w in name):
                continue
            carriers: dict[str, list[str]] = {}
            for w, shown in zip(name, p.words):
                t = next(t for t, tokens in tokens_of if w in tokens)
                carriers.setdefault(t.field, []).append(shown)
            if len(carriers) < 2:
                continue
            first = members[0]
            spread = ", ".join(f"{' '.join(repr(w) for w in ws)} in the {f}" for f, ws in carriers.items())
            return (f"{first.where}: its {' and '.join(carriers)} together name {p.name} ({spread}), a person in "
                    f"this library; names never leave the library: {first.fix} and export again. Nothing was written.")
        return None

    def warning(self, text: Text) -> str | None:
        tokens = words(text.text)
        for p in self._candidates(tokens, []):
            if len(p.words) > 1 and p.words[0] in tokens:
                return (f"{text.where}: its {text.field} has the word {p.shown[0]!r}, the first name of "
                        f"{p.name}, a person in this library; if it means them, use their pseudonym there")
        return None

    def check(self, texts: Iterable[Text], note: Note = no_note) -> list[str]:
        """Refuse (``NameRefused``) the first text naming someone, or a name spread over the
        fields of one thing; say (``note``) and return the warnings about first names."""
        texts = list(texts)
        for t in texts:
            why = self.refusal(t)
            if why:
                raise NameRefused(why)
        why = self.split_refusal(texts)
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


_last_guard: list = [None, None]  # (the names, their guard)


def pseudonym_refusal(guard: Guard, name: str, pseudonym: str) -> str | None:
    """Why ``pseudonym`` cannot stand in for ``name`` (None: it can): it may not hold their
    name, any word of it, or anyone else's name in the library."""
    if not pseudonym.strip():
        return None
    own = {w: shown for w, shown in zip(read_words(name), plain_words(name)) if len(w) >= 2}
    own.update({w: w for w in plain_words(name) if len(w) >= 2})
    said = [own[w] for w in {*plain_words(pseudonym), *read_words(pseudonym)} if w in own]
    joined = "".join(read_words(pseudonym))
    if said or (own and "".join(own) in joined):
        word = said[0] if said else " ".join(own.values())
        return (f"pseudonym {pseudonym!r}: has {word!r} from {name}'s own name; a pseudonym stands in for the "
                "name everywhere it goes, so it may not carry it: choose another")
    why = guard.refusal(Text(f"pseudonym {pseudonym!r}", "words", pseudonym, "choose another pseudonym"))
    return why.replace(" and export again. Nothing was written.", ".") if why else None
