"""Screenshot scenes for people and consent (played by tests/ui/scenes.py under Xvfb):
the People panel with a consent history, appearances in stretches of film, a withdrawal and
the reels it flags; a clip previewed anonymised; the reel's Export dialog offering to cover faces."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication


def _helpers():
    from tests.ui import scenes  # imported when a scene plays: scenes.py imports this module

    return scenes


def people_library(lib):
    from app.people import people
    from app.reels import reels

    s = _helpers()
    ids, made = s.workshop(lib)
    people.add(lib, "Dana Okafor", "lived_experience", "team", given_on="2026-11-14", how="written form",
               notes="Happy for the team to review", pseudonym="Speaker A")
    people.give_consent(lib, "Dana Okafor", "collaborative", "2026-11-21", "verbal, recorded",
                        "After seeing the clips at breakfast")
    people.appears(lib, "Dana Okafor", [ids[0]])
    people.appears(lib, "Dana Okafor", [ids[3]], ranges=[(1_000_000, 4_000_000), (6_500_000, 9_000_000)])
    people.add(lib, "Marcus Reid", "carer", "public", given_on="2026-11-14", how="written form")
    people.appears(lib, "Marcus Reid", [ids[1]])
    people.withdraw(lib, "Marcus Reid", on="2026-11-26", how="by email", notes="No longer wants to take part")
    people.add(lib, "Actor A", "actor", "public", given_on="2026-11-14", how="written form")
    people.appears(lib, "Actor A", [ids[2]])
    reels.create(lib, "Front door: what we saw", made, audience="collaborative")
    return ids, made


def scene_people(library: Path, out: Path, fit: str = "") -> None:
    """``fit``: the window at the size it takes on the screen (a 1366x768 laptop): every part of
    a person (details, consent history, Withdraw, Appears in, Known faces) shown whole."""
    from app.library import Library
    from tests.ui.test_people_panel import assert_readable

    s = _helpers()
    app = QApplication.instance()
    lib = Library.open(library)
    ids, _made = people_library(lib)
    window = s.open_window(lib, fit=bool(fit))
    window.show_dock("people")
    panel = window.people_panel
    panel.select(1)  # Dana: two consent records, a whole film and two stretches of another
    window.library_panel.select_film(ids[3])
    s.wait_until(app, lambda: window.video.current_image() is not None)
    assert panel.history.topLevelItemCount() == 2 and panel.appearances.topLevelItemCount() == 2
    assert panel.flags.count() == 1, panel.flags.count()  # the reel with Marcus, who withdrew
    if fit:
        s.pump(300)
        assert_readable(panel)
    image = s.grab(app, window, out)
    s.assert_shows(image, window, panel.history, 2, "the consent history is empty")
    window.close()
    lib.close()


def scene_anonymised(library: Path, out: Path) -> None:
    from app.library import Library
    from ui.people.preview_window import PreviewDialog

    s = _helpers()
    app = QApplication.instance()
    lib = Library.open(library)
    _ids, made = people_library(lib)
    window = s.open_window(lib)
    window.show_dock("people")
    window.selection.set([made[2]])  # "Peer worker steps in": actors' faces, Dana in a stretch
    window.people_panel.preview_anonymised()
    s.wait_until(app, lambda: window.findChild(PreviewDialog) is not None, 240_000)
    dialog = window.findChild(PreviewDialog)
    dialog.resize(900, 600)
    s.wait_until(app, lambda: dialog.video.frame_time_us is not None and dialog.video.frame_time_us > 1_500_000,
                 60_000)
    dialog.player.pause()
    image = s.grab(app, dialog, out)
    s.assert_shows(image, dialog, dialog.video, 20, "the preview shows no picture")
    dialog.reject()
    window.close()
    lib.close()


def scene_reel_export(library: Path, out: Path) -> None:
    """The reel's Export dialog for a public reel with someone whose consent stops at the
    collaborative: it offers covering their faces."""
    from app.library import Library
    from app.reels import reels
    from ui.reels.reel_export_dialog import ReelExportDialog

    s = _helpers()
    app = QApplication.instance()
    lib = Library.open(library)
    _ids, made = people_library(lib)
    reel = reels.create(lib, "Welcome desk: for the council's website", [made[0], made[2], made[3]], audience="public")
    window = s.open_window(lib)
    window.show_dock("reel")
    window.reel_builder.fill_reels(select=reel)
    dialog = window.reel_builder.choose_export()
    s.wait_until(app, lambda: dialog.isVisible())
    assert isinstance(dialog, ReelExportDialog) and dialog.anonymise.isChecked()
    assert "1. Receptionist doesn't look up" in dialog.summary.text(), dialog.summary.text()
    dialog.mask_voice.setChecked(True)
    image = s.grab(app, dialog, out)
    s.assert_shows(image, dialog, dialog.summary, 2, "the consent summary is empty")
    # What the facilitator sees: the dialog over the reel builder (the screen, cut to the window).
    dialog.move(window.geometry().center() - dialog.rect().center())
    s.pump(300)
    screen = app.primaryScreen().grabWindow(0)
    assert screen.copy(window.frameGeometry()).save(str(out)), f"could not save {out}"
    dialog.reject()
    window.close()
    lib.close()


SCENES = {"people": scene_people, "anonymised": scene_anonymised, "reel_export": scene_reel_export}
