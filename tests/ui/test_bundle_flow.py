"""File → Export Bundle… and Import Bundle… in the real window: the dialog preselects what is
open, runs on the one runner with progress, ends with "Show in folder" (export) or what was
added with Undo (import); a refusal is shown like any other, and Cancel leaves no file."""

import pytest
from PySide6.QtWidgets import QMessageBox

from app.models import Clip, ExportRecord, Person
from app.clips import clips
from app.people import people
from app.reels import reels
from ui.bundles import bundle_flow
from ui.kit import desktop
from ui.bundles.bundle_flow import BundleDialog


@pytest.fixture
def reel_window(film_window):
    w = film_window
    a = clips.add(w.lib, w.film_id, 400_000, 1_200_000, title="At the desk", tags=["challenge:Lost letters"])
    people.add(w.lib, "Jane Realname", "lived_experience", "team", pseudonym="Speaker A")
    people.appears(w.lib, "Jane Realname", [w.film_id])
    reel = reels.create(w.lib, "For the partners", [a], audience="team")
    w.reel_builder.fill_reels(select=reel)
    return w, reel


def saving_to(monkeypatch, path):
    monkeypatch.setattr(bundle_flow, "ask_save_path", lambda *_a: path)


def wait(qtbot, job):
    with qtbot.waitSignal(job.done, timeout=120_000):
        pass


def test_export_then_import_from_the_file_menu(reel_window, qtbot, monkeypatch, tmp_path):
    w, reel = reel_window
    w.actions_by_name["exportBundle"].trigger()
    dialog = w.findChild(BundleDialog)
    assert dialog.isVisible() and dialog.choices["reel"][0].isChecked()
    assert dialog.choices["reel"][1].currentData() == reel
    assert dialog.audience.currentData() == "team"  # the reel's own audience
    saving_to(monkeypatch, tmp_path / "partners.protoreel")
    opened = []
    monkeypatch.setattr(desktop, "show_in_folder", lambda path: opened.append(path))
    dialog.export_button.click()
    wait(qtbot, w.bundles.job)
    assert (tmp_path / "partners.protoreel").is_file()
    assert "Bundle exported: partners.protoreel" in w.feedback.last_text
    w.feedback.button("Show in folder").click()
    assert opened == [tmp_path / "partners.protoreel"]
    with w.lib.read() as s:
        assert [(e.kind, e.audience) for e in s.query(ExportRecord)] == [("bundle", "team")]

    wait(qtbot, w.bundles.import_from(tmp_path / "partners.protoreel"))
    assert "1 clip imported" in w.feedback.last_text
    with w.lib.read() as s:
        assert s.query(Clip).filter(Clip.title == "At the desk").count() == 2
        assert [p.name for p in s.query(Person)] == ["Jane Realname"]  # its own bundle: the same person
    w.feedback.button("Undo").click()
    with w.lib.read() as s:
        assert s.query(Clip).filter(Clip.title == "At the desk").count() == 1
    wait(qtbot, w.bundles.import_from(tmp_path / "partners.protoreel"))
    wait(qtbot, w.bundles.import_from(tmp_path / "partners.protoreel"))
    assert "already in the library" in w.feedback.last_text and w.feedback.button("Undo") is None


def test_a_bundle_beyond_consent_is_refused_in_the_one_error_box(reel_window, qtbot, tmp_path):
    w, reel = reel_window
    job = w.bundles.export_to(tmp_path / "public.protoreel", {"reel": str(reel), "audience": "public"})
    wait(qtbot, job)
    box = next(b for b in w.findChildren(QMessageBox) if b.objectName() == "errorBox")
    # The clip by its title and where it is: its film and times (the counting film, 0.4 s to 1.2 s).
    assert "'At the desk' (in 'counting', 0:00.40–0:01.20): Speaker A (consent: team)" in box.text()
    assert "Jane" not in box.text()
    # What to do, in the dialog's words: its tick box, not a command-line flag.
    assert "tick \u201cCover the faces of people whose consent does not reach them\u201d" in box.text()
    assert "--anonymise" not in box.text()
    assert not (tmp_path / "public.protoreel").exists()


def test_a_name_in_the_reel_title_is_refused_naming_the_reel_title(reel_window, qtbot, tmp_path):
    w, reel = reel_window
    reels.update(w.lib, reel, title="For Jane Realname")
    job = w.bundles.export_to(tmp_path / "n.protoreel", {"reel": str(reel), "audience": "team"})
    wait(qtbot, job)
    box = next(b for b in w.findChildren(QMessageBox) if b.objectName() == "errorBox")
    assert "reel 'For Jane Realname': its title names Jane Realname" in box.text()
    assert "rename the reel" in box.text() and "an event, tag or prototype" not in box.text()
    assert not (tmp_path / "n.protoreel").exists()


def test_a_first_name_alone_is_shown_as_a_warning_after_the_export(reel_window, qtbot, tmp_path):
    w, reel = reel_window
    reels.update(w.lib, reel, title="What Jane said")
    job = w.bundles.export_to(tmp_path / "f.protoreel", {"reel": str(reel), "audience": "team"})
    wait(qtbot, job)
    assert (tmp_path / "f.protoreel").is_file()
    box = next(b for b in w.findChildren(QMessageBox) if b.objectName() == "nameNotes")
    assert "'jane', the first name of Jane Realname" in box.text()


def test_cancel_leaves_no_file(reel_window, qtbot, tmp_path):
    w, reel = reel_window
    job = w.bundles.export_to(tmp_path / "c.protoreel", {"reel": str(reel)})
    job.cancel()
    wait(qtbot, job)
    assert "cancelled: no c.protoreel was written" in w.feedback.last_text
    assert list(tmp_path.glob("*.protoreel")) == [] and list(tmp_path.glob(".protoreel-partial-*")) == []


def test_the_event_selected_in_the_library_is_offered_when_no_reel_is_open(film_window):
    w = film_window
    clips.add(w.lib, w.film_id, 0, 400_000, title="Opening")
    w.actions_by_name["exportBundle"].trigger()
    dialog = w.findChild(BundleDialog)
    assert dialog.choices["event"][0].isChecked() and dialog.choices["event"][1].currentText() == "Workshop 1"
    assert dialog.choice() == {"event": "Workshop 1", "audience": "collaborative", "anonymise": False, "style": "blur",
                               "leave_out": False}
    dialog.reject()


def test_an_event_with_a_withdrawn_person_says_which_clips_first_and_can_leave_them_out(film_window, qtbot,
                                                                                      monkeypatch, tmp_path):
    """Issue 21: the refusal came only after the file name was chosen, for the whole event, with
    no way on. Now the dialog says which clips cannot go, by place and title, before any file is
    chosen, and offers to leave them out."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from app.bundles import bundle_format

    w = film_window
    clips.add(w.lib, w.film_id, 0, 400_000, title="Opening")
    clips.add(w.lib, w.film_id, 2_000_000, 2_400_000, title="Kim at the door")
    people.add(w.lib, "Kim Park", "actor", "public", pseudonym="Speaker K")
    people.appears(w.lib, "Kim Park", [w.film_id], ranges=[(2_000_000, 3_000_000)])
    people.withdraw(w.lib, "Kim Park")
    w.actions_by_name["exportBundle"].trigger()
    dialog = w.findChild(BundleDialog)
    assert dialog.choices["event"][0].isChecked()
    assert "1 of 2 clips cannot go to collaborative" in dialog.consent.text()
    assert "2. Kim at the door — Speaker K (withdrew consent)" in dialog.consent.text()
    assert not dialog.export_button.isEnabled() and dialog.leave_out.isEnabled()
    QTest.mouseClick(dialog.leave_out, Qt.MouseButton.LeftButton, pos=dialog.leave_out.rect().center())
    assert dialog.leave_out.isChecked() and dialog.export_button.isEnabled()
    saving_to(monkeypatch, tmp_path / "workshop.protoreel")
    QTest.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    wait(qtbot, w.bundles.job)
    data = bundle_format.read(tmp_path / "workshop.protoreel").data
    assert [c["title"] for c in data["clips"]] == ["Opening"]
