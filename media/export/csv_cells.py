"""CSV files that are safe to open in a spreadsheet (OWASP "CSV injection").

A cell beginning with ``= + - @``, a tab or a carriage return is run as a formula by Excel,
LibreOffice and Google Sheets (``=HYPERLINK(...)`` in a clip title would leak or mislead).
Such a cell gets a leading ``'``: the sheet shows the text, the quote itself stays hidden.
Every CSV the app writes goes through ``writer``/``dict_writer``; ``unescape`` undoes it for
the CSVs the app reads back (the codebook).
"""

from __future__ import annotations

import csv
from typing import IO, Iterable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape(value):
    """The cell as a spreadsheet will show it, never run it. Numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def unescape(value: str) -> str:
    if value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


class _SafeWriter:
    def __init__(self, inner) -> None:
        self._inner = inner

    def writerow(self, row: Iterable) -> None:
        self._inner.writerow([escape(v) for v in row])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


class _SafeDictWriter:
    def __init__(self, inner: csv.DictWriter) -> None:
        self._inner = inner

    def writeheader(self) -> None:
        self._inner.writeheader()

    def writerow(self, row: dict) -> None:
        self._inner.writerow({k: escape(v) for k, v in row.items()})

    def writerows(self, rows: Iterable[dict]) -> None:
        for row in rows:
            self.writerow(row)


def writer(fh: IO[str]) -> _SafeWriter:
    return _SafeWriter(csv.writer(fh))


def dict_writer(fh: IO[str], fieldnames) -> _SafeDictWriter:
    return _SafeDictWriter(csv.DictWriter(fh, fieldnames=fieldnames))
