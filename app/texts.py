"""One rule for every text people type or a file brings in (names, titles, notes, quotes,
captions, warnings...), and for every number read from text.

- **One line** (names and titles): no control characters at all (line breaks, tabs, escape
  sequences), no direction overrides (U+202E makes "gpj.exe" read "exe.jpg"), no other
  invisible format characters, not only blanks or invisible marks, not absurdly long.
- **Notes** (several lines): the same, except that line breaks and tabs are allowed (a
  Windows or Unicode line break is kept as a plain one).
- **Numbers** (ids, picks, rates, times): ASCII digits 0-9 only; ``int()`` and ``float()``
  take '١٢' and '２５' silently.

The zero-width joiner and non-joiner stay allowed: emoji sequences and several scripts
(Persian, Indic) need them. The models apply these rules to every column they cover
(``app.models``), so the window, the command line, codebook files and bundles meet the same
rule; older rows written before it are shown escaped (``shown``).
"""

from __future__ import annotations

import re
import unicodedata

from media.errors import BadInput

NAME_CHARS = 200
TITLE_CHARS = 300
NOTE_CHARS = 20_000

# Direction controls: embeddings, overrides, isolates and marks.
BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
JOINERS = {"\u200c", "\u200d"}  # kept: Persian, Indic scripts, emoji sequences
# Letters that are drawn as nothing (Hangul fillers, Braille blank, combining grapheme joiner).
BLANK_LETTERS = set("\u115f\u1160\u3164\uffa0\u2800\u034f")
_ASCII_DIGITS = re.compile(r"[0-9]+")


def _refused(ch: str, lines: bool) -> bool:
    if lines and ch in "\n\t":
        return False
    if ch in JOINERS:
        return False
    if ch in BIDI:
        return True
    category = unicodedata.category(ch)
    # Cc controls, Cf format (invisible), Cs lone surrogates (undecodable bytes), Co private
    # use, Cn unassigned, Zl/Zp line and paragraph separators.
    return category in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")


def _visible(ch: str) -> bool:
    if ch.isspace() or ch in JOINERS or ch in BLANK_LETTERS:
        return False
    category = unicodedata.category(ch)
    return category not in ("Mn", "Me", "Cf", "Zs")  # marks alone draw nothing of their own


def _why(ch: str) -> str:
    if ch in BIDI:
        return f"a direction override (U+{ord(ch):04X})"
    if ch in "\n\r\u2028\u2029":
        return "a line break"
    if unicodedata.category(ch) == "Cc":
        return f"a control character (U+{ord(ch):04X})"
    return f"an invisible or undefined character (U+{ord(ch):04X})"


def _quote(text: str, limit: int = 40) -> str:
    short = text[:limit]
    return repr(short)[:-1] + "…'" if len(text) > limit else repr(short)


def check(text, what: str, limit: int, lines: bool = False, required: bool = False) -> str:
    """``text`` as it will be kept (stripped; line breaks made plain), or ``BadInput`` in one
    line naming ``what`` and the reason."""
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise BadInput(f"{what}: not text ({type(text).__name__})")
    if lines:
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = text.strip()
    if len(text) > limit:
        raise BadInput(f"{what} {_quote(text)}: too long ({len(text):,} characters; at most {limit:,})")
    bad = next((ch for ch in text if _refused(ch, lines)), None)
    if bad is not None:
        raise BadInput(f"{what} {_quote(text)}: cannot hold {_why(bad)}")
    if text and not any(_visible(ch) for ch in text):
        raise BadInput(f"{what} {_quote(text)}: shows nothing (only blank or invisible characters)")
    if required and not text:
        raise BadInput(f"{what} '': cannot be empty")
    return text


def name(text, what: str, limit: int = NAME_CHARS) -> str:
    """A name: one line, not empty."""
    return check(text, what, limit, required=True)


def title(text, what: str, limit: int = TITLE_CHARS) -> str:
    """A title or other one-line text that may be empty."""
    return check(text, what, limit)


def note(text, what: str, limit: int = NOTE_CHARS) -> str:
    """Text of several lines that may be empty (notes, quotes, summaries, warnings)."""
    return check(text, what, limit, lines=True)


def from_file_name(stem: str, fallback: str = "Film", limit: int = TITLE_CHARS) -> str:
    """A title made from a file's name: what the rule refuses becomes a space, never a refusal
    (a file is not refused for its name)."""
    cleaned = "".join(" " if _refused(ch, False) else ch for ch in str(stem))
    cleaned = " ".join(cleaned.split())[:limit].strip()
    return cleaned if any(_visible(ch) for ch in cleaned) else fallback


def whole_number(text, what: str, low: int = 0, high: int = 10**9) -> int:
    """An integer written with ASCII digits 0-9, between ``low`` and ``high``."""
    raw = str(text).strip()
    if not _ASCII_DIGITS.fullmatch(raw) or len(raw) > 12:
        raise BadInput(f"{what} {_quote(str(text))}: not a whole number (digits 0-9)")
    value = int(raw)
    if not low <= value <= high:
        raise BadInput(f"{what} {raw}: must be from {low} to {high}")
    return value


def is_ascii_id(text: str) -> bool:
    """Digits 0-9 only, as an id is written (``str.isdigit`` is true for '١' and '²')."""
    return bool(_ASCII_DIGITS.fullmatch(text)) and len(text) <= 18


def shown(text: str) -> str:
    """``text`` safe to print on a terminal: every control, direction or invisible character
    written as an escape (an older row may hold one), line breaks included."""
    return "".join(ch if ch == " " or (ch.isprintable() and ch not in BIDI) or ch in JOINERS
                   else repr(ch)[1:-1] for ch in str(text))
