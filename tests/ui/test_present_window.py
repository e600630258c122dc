"""File → Present (F5) in the workspace, and the Reviews panel: list, reopen, continue, export."""

import time

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.reviews import review_records
from app.prototypes import prototypes
from tests.ui.driving import answering, click, save_as
from tests.ui.test_present import stock, wait_until


def test_f5_presents_a_prototype_then_the_reviews_panel_continues_and_exports(window, counting_film, tmp_path):
    lib = window.lib
    ids = stock(lib, counting_film)
    proto = prototypes.add(lib, "Welcome desk")
    prototypes.link(lib, proto, ids[:2])
    window.prototypes_panel.select(proto)
    QTest.keyClick(window, Qt.Key.Key_F5)
    dialog = window.presenting.dialog
    assert dialog.isVisible() and dialog.choices["prototype"][0].isChecked()
    dialog.discuss.setText("What would have helped here?")
    dialog.accept()
    pres = window.presenting.presentation
    assert pres.active and pres.detail.review.source == "prototype"
    assert [s.kind for s in pres.slides] == ["card", "clip", "discuss", "withheld", "end"]
    # Keys go to the window that is active: wait until the audience screen is (activation is an event).
    wait_until(lambda: QApplication.activeWindow() is pres.audience)
    QTest.keyClick(pres.audience, Qt.Key.Key_Space)
    QTest.keyClick(pres.audience, Qt.Key.Key_1)
    QTest.keyClick(pres.audience, Qt.Key.Key_Escape)
    assert not pres.active
    panel = window.reviews_panel
    wait_until(lambda: panel.tree.topLevelItemCount() == 1)
    record = panel.current()
    assert (record.source, record.items, record.withheld, record.marks) == ("prototype", 2, 1, 1)
    window.show_dock("reviews")
    click(panel.buttons["continue"])  # picks up where it stopped: the first item
    again = window.presenting.presentation
    assert again is not pres and again.active and again.slide.item == record.last_position
    again.leave()
    click(panel.buttons["reopen"])
    notes = panel.windows[-1]
    assert notes.items.count() == 3  # two items and the meeting as a whole
    assert notes.presenter.mark_buttons["matters"].text() == "This matters (1)"
    notes.close()
    out = tmp_path / "summary.html"
    with answering(save_as(out)):  # the button opens the save dialog (it did nothing: issue 25)
        click(panel.buttons["export"])
    wait_until(lambda: not panel.jobs, 20_000)
    assert "Welcome desk" in out.read_text(encoding="utf-8")
    assert review_records.detail(lib, record.id).review.ended_at is not None
