"""The breakfast review on real X screens, saved as screenshots to look at:

    python -m tests.ui.present_scenes two|one LIBRARY_DIR OUT_DIR

``two``: a 1366x768 laptop and a 1920x1080 projector (tests/ui/xorg_dummy.py); ``one``: a
single 1920x1080 screen (the presenter view is an overlay, Tab shows it). The app is opened
as `protoreel present` opens it; the scene checks where each window landed, then saves the
audience screen (the reel's opening card and its own card before a clip, the clip with captions,
discuss card, content warning, withheld card) and the presenter view. Exits non-zero on any failure.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.ui.scenes import distinct_colours, play_in_app, pump, wait_until, workshop

QUESTION = "What would have helped here?"
OWN_QUESTION = "Could a peer worker be at our front door?"
WARNING = "The next clip shows someone in crisis, close to tears."
CARD = "Arriving: the first five minutes"


def save(widget, out: Path, settle_ms: int = 400):
    pump(settle_ms)
    pixmap = widget.screen().grabWindow(widget.winId())
    assert pixmap.save(str(out)), f"could not save {out}"
    return pixmap.toImage()


def stock(lib) -> int:
    """A reel of the workshop's clips for the collaborative; the man in the third film agreed
    to team review only, so his clip is withheld from this meeting."""
    from app import reads
    from app.people import people
    from app.prototypes import prototypes
    from app.reels import reels
    from app.reviews import reviews
    from app.clips import safeguarding

    ids, made = workshop(lib)
    proto = prototypes.add(lib, "Welcome desk", "A peer worker greets people at the front desk", "prototyping")
    prototypes.link(lib, proto, made[:3])
    people.add(lib, "D. Okafor", "lived_experience", "team")
    people.appears(lib, "D. Okafor", [ids[2]])
    reel = reels.create(lib, "Thursday breakfast, 21 Nov", [made[0], made[2], made[3]], audience="collaborative")
    # The second clip is flagged as distressing, and its reel item asks its own question; the first
    # has a card of its own, and the reel a subtitle on its opening card (as its MP4 shows them).
    safeguarding.flag(lib, [made[2]], note=WARNING)
    items = reads.reel_item_ids(lib, reel)
    reels.update_item(lib, items[1], discuss=OWN_QUESTION)
    reels.update_item(lib, items[0], card_text=CARD)
    reels.update(lib, reel, subtitle="The front desk, as the workshop played it")
    return reviews.start(lib, reel=reel, discuss=QUESTION)


def scene(mode: str, library: Path, out_dir: Path) -> None:
    from app.library import Library
    from ui.shell.main_window import MainWindow

    app = QApplication.instance()
    out_dir.mkdir(parents=True, exist_ok=True)
    lib = Library.open(library)
    review_id = stock(lib)
    window = MainWindow(lib)
    window.show()
    QTest.qWaitForWindowExposed(window)
    window.present_review(review_id)  # what `protoreel present` does once the window is up
    pres = window.presenting.presentation
    audience = pres.audience
    QTest.qWaitForWindowExposed(audience)
    screens = QGuiApplication.screens()
    if mode == "two":
        assert len(screens) == 2, [s.geometry() for s in screens]
        assert audience.screen().geometry().width() == 1920, audience.screen().geometry()
        assert audience.geometry() == audience.screen().geometry(), (audience.geometry(), audience.screen().geometry())
        assert not pres.overlay and pres.presenter.isVisible()
        assert pres.presenter.screen().geometry().width() == 1366, pres.presenter.screen().geometry()
    else:
        assert len(screens) == 1 and pres.overlay and not pres.presenter.isVisible()
        assert audience.geometry() == screens[0].geometry()
    assert audience.cursor().shape() == Qt.CursorShape.BlankCursor
    prefix = f"present-{mode}"
    assert [s.kind for s in pres.slides] == ["opening", "card", "clip", "discuss", "warning", "clip", "discuss",
                                             "withheld", "end"]
    assert audience.opening == ("Thursday breakfast, 21 Nov", "The front desk, as the workshop played it")
    save(audience, out_dir / f"{prefix}-opening.png")
    QTest.keyClick(audience, Qt.Key.Key_Space)
    assert audience.slide.kind == "card" and audience.item.card == CARD, audience.slide
    save(audience, out_dir / f"{prefix}-card.png")
    QTest.keyClick(audience, Qt.Key.Key_Space)
    wait_until(app, audience.has_picture)
    image = save(audience, out_dir / f"{prefix}-clip.png", 250)  # the clip is 0.9 s long
    assert distinct_colours(image, audience.rect()) > 200, "the clip shows no real picture"
    wait_until(app, lambda: audience.slide.kind == "discuss", 20_000)  # at the clip's end, by itself
    save(audience, out_dir / f"{prefix}-discuss.png")
    # Capture as a facilitator would: a note, marks, an action.
    if mode == "one":
        QTest.keyClick(audience, Qt.Key.Key_Tab)
    p = pres.presenter
    p.note.setFocus()
    QTest.keyClicks(p.note, "Everyone recognised this. The desk is behind glass; people stand and wait.")
    for key in "1121":
        QTest.keyClicks(audience if mode == "one" else p, key)
    QTest.keyClicks(p.action_text, "Try a greeter at the door for two weeks")
    QTest.keyClicks(p.action_owner, "Amina (peer worker)")
    QTest.keyClicks(p.action_due, "2026-12-10")
    p.action_proto.setCurrentIndex(p.action_proto.findText("Welcome desk"))
    pump(1200)  # saved as typed
    if mode == "two":
        save(p, out_dir / f"{prefix}-presenter.png")
    else:
        save(audience, out_dir / f"{prefix}-overlay.png")
        QTest.keyClick(p.note, Qt.Key.Key_Escape)  # out of the note box
        QTest.keyClick(audience, Qt.Key.Key_Tab)
        assert not p.isVisible()
    QTest.keyClick(audience, Qt.Key.Key_PageDown)  # a reel: the warning, then (no card of its own) the clip
    assert audience.slide.kind == "warning" and audience.warning == WARNING, audience.slide
    save(audience, out_dir / f"{prefix}-warning.png")
    QTest.keyClick(audience, Qt.Key.Key_PageDown)
    QTest.keyClick(audience, Qt.Key.Key_PageDown)
    assert audience.slide.kind == "discuss" and audience.item.discuss == OWN_QUESTION, audience.slide
    QTest.keyClick(audience, Qt.Key.Key_PageDown)
    assert audience.slide.kind == "withheld", audience.slide
    save(audience, out_dir / f"{prefix}-withheld.png")
    QTest.keyClick(audience, Qt.Key.Key_Escape)
    assert not pres.active
    from app.reviews import review_records

    d = review_records.detail(lib, review_id)
    assert d.items[0].marks == {"matters": 3, "surprising": 1, "action": 0}, d.items[0].marks
    assert d.items[0].note.startswith("Everyone recognised") and d.actions[0].prototype == "Welcome desk"
    if mode == "two":  # the summary of this meeting, to look at (the test renders it with pdftoppm)
        from app.reviews import review_summary
        from ui.present.summary_pdf import register

        register()
        review_summary.write_summary(lib, review_id, out_dir / "present-two-summary.pdf", replace=True)  # re-runs
    window.close()
    lib.close()


def main(argv: list[str]) -> int:
    return play_in_app(argv, lambda: scene(argv[1], Path(argv[2]), Path(argv[3])))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
