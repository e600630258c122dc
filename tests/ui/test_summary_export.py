"""Reviews → Export summary… in the window, as a PDF a person reads (rendered with pdftoppm,
its text read with pdftotext). Its own file: the command-line summary tests beside it make a
bare QGuiApplication, and the window needs a QApplication."""

import shutil
import subprocess

import cv2
import pytest

from app.reviews import reviews
from tests.ui.test_present import stock
from tests.ui.xvfb import SCREENSHOTS


def gaps_between_stills(page) -> list[int]:
    """Heights (px) of the blank bands between the stills down the page's left column: a still
    is a run of rows nearly all drawn (a line of text draws far fewer of its pixels); white and
    the light rule between items count as blank."""
    column = page[:, 30: page.shape[1] // 4]
    drawn = (column.min(axis=2) < 190).sum(axis=1)
    picture = drawn > 0.6 * drawn.max()
    runs, start = [], None
    for y, on in enumerate(list(picture) + [False]):
        if on and start is None:
            start = y
        elif not on and start is not None:
            runs.append((start, y))
            start = None
    runs = [r for r in runs if r[1] - r[0] > 40]  # stills, not a line of text
    return [b[0] - a[1] for a, b in zip(runs, runs[1:])]


def test_export_summary_from_the_reviews_panel_reads_as_the_app_does(window, counting_film, tmp_path):
    """Reviews → Export summary… (clicked; it did nothing, issue 25), as a PDF: stills set apart
    (three items read as one tall picture), times M:SS.ff as everywhere else, and a clip of
    someone who withdrew said so (not "consent does not cover this audience")."""
    from app.clips import clips
    from app.people import people
    from tests.ui.driving import answering, click, save_as
    from tests.ui.helpers import wait_until

    if shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None:
        pytest.skip("pdftoppm/pdftotext (Debian poppler-utils) are not installed")
    lib = window.lib
    ids = stock(lib, counting_film)  # waiting room, carer (team-only consent), front desk (2-3 s)
    film = [c for c in __import__("app.reads", fromlist=["x"]).clips(lib, ids)][0].film_id
    door = clips.add(lib, film, 1_040_000, 1_960_000, title="At the door")
    people.add(lib, "Margaret Okonkwo", "lived_experience", "public")
    people.appears(lib, "Margaret Okonkwo", [film], ranges=[(2_000_000, 3_000_000)])
    rid = reviews.start(lib, clip_ids=[ids[0], door, ids[2], ids[1]], audience="collaborative")
    from app.reviews import review_records

    for n, item in enumerate(review_records.detail(lib, rid).items):
        reviews.shown(lib, rid, item.id, 12_340_000, n)
    reviews.finish(lib, rid)
    people.withdraw(lib, "Margaret Okonkwo", on="2026-12-01")  # after the meeting, before the summary
    window.show_dock("reviews")
    panel = window.reviews_panel
    wait_until(lambda: panel.tree.topLevelItemCount() == 1)
    out = tmp_path / "summary.pdf"
    with answering(save_as(out)):
        click(panel.buttons["export"])
    from PySide6.QtWidgets import QMessageBox
    wait_until(lambda: (out.exists() and not panel.jobs) or window.findChildren(QMessageBox, "errorBox"), 30_000)
    assert not window.findChildren(QMessageBox, "errorBox"), [b.text() for b in window.findChildren(QMessageBox, "errorBox")]
    text = subprocess.run(["pdftotext", "-raw", str(out), "-"], capture_output=True, text=True).stdout
    flat = " ".join(text.split())  # in reading order, wrapped lines joined
    assert "0:00.00–0:01.00" in text and "0:01.04–0:01.96" in text  # M:SS.ff, as in the app
    assert "00:00:01" not in text
    assert "Withheld someone on it withdrew consent 3. Front desk" in flat and "Okonkwo" not in text and "Margaret" not in text
    assert flat.count("consent does not cover this audience") == 1  # the carer's, team-only
    assert "4 of 4 items shown for 0:49 · 2 withheld" in flat  # as consent stands today
    subprocess.run(["pdftoppm", "-r", "100", "-png", "-singlefile", str(out), str(tmp_path / "page")], check=True)
    shutil.copy(tmp_path / "page.png", SCREENSHOTS / "review-summary-page.png")
    page = cv2.imread(str(tmp_path / "page.png"))
    gaps = gaps_between_stills(page)
    assert len(gaps) == 1 and gaps[0] >= 14, gaps  # two stills (waiting room, at the door), set apart
