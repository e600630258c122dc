"""The reel's Export dialog in the real window: it says what consent allows for the reel's
audience, offers covering faces (blur or pixelate, only where consent falls short or every
face, voices masked) with a preview, refuses a withdrawal, and offers anonymising when a
plain export is refused."""

import pytest
from PySide6.QtWidgets import QMessageBox, QPushButton

from app.models import ExportRecord
from app.clips import clips
from app.people import people
from app.reels import reels
from ui.reels import reel_builder
from ui.people.preview_window import PreviewDialog
from ui.reels.reel_export_dialog import ReelExportDialog
from tests.ui.driving import button, click


@pytest.fixture
def restricted_reel(film_window):
    w = film_window
    a = clips.add(w.lib, w.film_id, 0, 400_000, title="At the desk")
    people.add(w.lib, "Jane Realname", "lived_experience", "team", pseudonym="Speaker A")
    people.appears(w.lib, "Jane Realname", [w.film_id])
    reel = reels.create(w.lib, "For everyone", [a], audience="public")
    w.reel_builder.fill_reels(select=reel)
    return w, reel


def saving_to(monkeypatch, path):
    asked = []

    def ask(_parent, _title, _name, filters, _fallback):
        asked.append(filters)
        return path
    monkeypatch.setattr(reel_builder, "ask_save_path", ask)
    return asked


def test_a_reel_beyond_consent_is_offered_anonymised_and_exports_covered(restricted_reel, qtbot, monkeypatch,
                                                                         tmp_path):
    w, _reel = restricted_reel
    w.reel_builder.findChild(QPushButton, "exportReel").click()
    dialog = w.reel_builder.findChild(ReelExportDialog)
    assert dialog.isVisible()
    summary = dialog.summary.text()
    assert "did not consent to the public" in summary and "1. At the desk" in summary and "Jane Realname" in summary
    # Covering is offered already chosen, for the people whose consent falls short.
    assert dialog.anonymise.isChecked() and dialog.only_restricted.isChecked() and dialog.export_button.isEnabled()
    dialog.style.setCurrentIndex(dialog.style.findData("pixelate"))
    dialog.mask_voice.setChecked(True)
    asked = saving_to(monkeypatch, tmp_path / "everyone.mp4")
    dialog.export_button.click()
    assert asked == ["Video (*.mp4)"]  # only a video can hide faces
    with qtbot.waitSignal(w.reel_builder.job.done, timeout=120_000):
        pass
    assert (tmp_path / "everyone.mp4").exists()
    with w.lib.read() as s:
        (record,) = s.query(ExportRecord).all()
        assert record.anonymisation == "faces pixelated in item 1; voices masked in item 1"



def export_dialog(w):
    """The reel builder's Export… button, clicked: the dialog it opens."""
    w.show_dock("reel")
    click(button(w.reel_builder, "Export…"))
    return w.reel_builder.export_dialog


def test_unticking_covering_warns_that_the_export_will_refuse(restricted_reel):
    w, _reel = restricted_reel
    dialog = export_dialog(w)
    dialog.anonymise.setChecked(False)
    assert "cannot go to the public" in dialog.warning.text()
    dialog.reject()


def test_a_refused_plain_export_offers_the_anonymised_one(restricted_reel, qtbot, monkeypatch, tmp_path):
    w, _reel = restricted_reel
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *_a: asked.append(text)
                        or QMessageBox.StandardButton.Yes)
    job = w.reel_builder.export_to(tmp_path / "plain.mp4")
    with qtbot.waitSignal(job.done, timeout=60_000):
        pass
    assert not (tmp_path / "plain.mp4").exists()
    assert "Jane Realname" in asked[0] and "faces covered instead" in asked[0]
    dialog = w.reel_builder.export_dialog
    assert dialog.isVisible() and dialog.anonymise.isChecked()
    dialog.reject()


def test_a_withdrawal_cannot_be_exported_even_anonymised(restricted_reel):
    w, _reel = restricted_reel
    people.withdraw(w.lib, "Jane Realname", on="2026-11-26")
    dialog = export_dialog(w)
    assert "cannot be exported to the public, even anonymised" in dialog.summary.text()
    assert "Jane Realname withdrew consent" in dialog.summary.text()
    assert not dialog.export_button.isEnabled()
    dialog.reject()


def test_a_reel_everyone_consented_to_exports_plain_unless_asked(film_window, qtbot, monkeypatch, tmp_path):
    w = film_window
    a = clips.add(w.lib, w.film_id, 0, 400_000, title="At the desk")
    people.add(w.lib, "Actor A", "actor", "public")
    people.appears(w.lib, "Actor A", [w.film_id])
    w.reel_builder.fill_reels(select=reels.create(w.lib, "Open", [a], audience="public"))
    dialog = export_dialog(w)
    assert "Everyone who appears in this reel has consented to the public" in dialog.summary.text()
    assert not dialog.anonymise.isChecked()
    dialog.anonymise.setChecked(True)  # cover every face all the same
    assert dialog.every_face.isChecked()
    saving_to(monkeypatch, tmp_path / "open.mp4")
    dialog.export_button.click()
    with qtbot.waitSignal(w.reel_builder.job.done, timeout=120_000):
        pass
    with w.lib.read() as s:
        (record,) = s.query(ExportRecord).all()
        assert record.anonymisation == "faces blurred in item 1"


def test_the_anonymised_preview_opens_from_the_dialog(restricted_reel, qtbot):
    w, _reel = restricted_reel
    dialog = export_dialog(w)
    assert dialog.preview_clip.currentText() == "1. At the desk"
    dialog.preview_button.click()
    qtbot.waitUntil(lambda: w.reel_builder.findChild(PreviewDialog) is not None, timeout=120_000)
    preview = w.reel_builder.findChild(PreviewDialog)
    assert preview.path.exists()
    preview.reject()
    dialog.reject()
