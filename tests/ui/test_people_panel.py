"""The People panel in the real main window: add, edit, consent records, appearances in a
stretch of film, withdrawal (final) and the reels it flags."""

from PySide6.QtWidgets import QDialog, QLabel, QMessageBox

from app.clips import clips
from app.people import people
from app.reels import reels
from ui.people import people_panel
from tests.ui.driving import answer_in_turn, answering, button, click, ok, type_into
from ui.people.people_dialogs import AddPersonDialog, AppearanceDialog, ConsentDialog, WithdrawDialog


def filled(dialog_class, **values):
    """An answer for the dialog a button opens: its real fields set (a tick clicked, a choice
    picked, text typed), then its OK button clicked."""
    from PySide6.QtCore import QDate
    from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit

    from tests.ui.driving import click, ok, type_into

    def answer(dialog):
        assert isinstance(dialog, dialog_class), f"{dialog.windowTitle()!r} opened, not a {dialog_class.__name__}"
        for name, value in values.items():
            widget = getattr(dialog, name) if not name.startswith("consent.") else getattr(dialog.consent, name[8:])
            if isinstance(widget, QCheckBox):
                if widget.isChecked() != value:
                    click(widget)
            elif isinstance(widget, QDateEdit):
                widget.setDate(QDate.fromString(value, "yyyy-MM-dd"))
            elif isinstance(widget, QComboBox):
                index = widget.findData(value)
                widget.setCurrentIndex(index) if index >= 0 else type_into(widget.lineEdit(), value)
            else:
                type_into(widget, value)
        ok(dialog)

    return answer


def test_people_panel_adds_edits_records_consent_and_withdraws(film_window, monkeypatch, qtbot):
    w = film_window
    panel = w.people_panel
    w.show_dock("people")
    panel.window().resize(1366, 738)
    with answering(filled(AddPersonDialog, name="Jane Realname", role="lived_experience",
                          **{"consent.scope": "team"})):
        click(button(panel, "Add person…"))
    assert panel.list.count() == 1 and "Jane Realname" in panel.list.item(0).text()
    assert "Team review" in panel.consent.text() and "exports call them “lived experience”" in panel.consent.text()

    type_into(panel.pseudonym, "Speaker A", enter=True)
    assert "“Speaker A”" in panel.consent.text()

    with answering(filled(AppearanceDialog, only=True, start="00:01", end="00:02")):
        click(button(panel, "Appears in…"))
    assert panel.appearances.topLevelItem(0).text(1) == "0:01.00–0:02.00"  # times as everywhere else

    inside = clips.add(w.lib, w.film_id, 1_500_000, 2_500_000, title="Inside her stretch")
    outside = clips.add(w.lib, w.film_id, 3_000_000, 3_500_000, title="After she left")
    reel = reels.create(w.lib, "For everyone", [inside, outside], audience="public")
    assert panel.flags.count() == 1 and "For everyone" in panel.flags.item(0).text()

    with answering(filled(ConsentDialog, **{"consent.scope": "public", "consent.date": "2026-11-20",
                                            "consent.how": "written form"})):
        click(button(panel, "New record…"))
    assert panel.history.topLevelItemCount() == 2 and panel.flags.count() == 0

    shown = []

    def read_and_close(box):
        shown.append(box.text())
        ok(box)

    with answering(answer_in_turn(filled(WithdrawDialog, sure=True), read_and_close)):
        click(panel.withdraw_button)
    assert "Reels with them: For everyone" in shown[0]
    assert panel.history.topLevelItemCount() == 3 and panel.history.topLevelItem(2).text(1) == "Withdrawn"
    assert "WITHDRAWN" in panel.list.item(0).text() and not panel.withdraw_button.isEnabled()
    assert panel.flags.count() == 1 and "withdrew consent" in panel.flags.item(0).text()
    while w.lib.undo_name is not None:  # the Edit menu cannot bring the consent back
        w.lib.undo()
    assert "WITHDRAWN" in panel.list.item(0).text()


def test_a_mistyped_time_keeps_the_appearance_dialog_open_with_what_was_typed(film_window, qtbot):
    """From 1:99 To 0:05, OK: the reason beside the field, the dialog still open with both times as
    typed (nothing to retype); From corrected, OK records the stretch."""
    from PySide6.QtWidgets import QLabel

    w = film_window
    panel = w.people_panel
    w.show_dock("people")
    people.add(w.lib, "Sam", "actor", "team")
    panel.select(1)
    seen = {}

    def mistype_then_correct(dialog):
        click(dialog.only)
        type_into(dialog.start, "1:99")
        type_into(dialog.end, "0:05")
        ok(dialog)
        seen["open"] = dialog.isVisible()
        seen["typed"] = (dialog.start.text(), dialog.end.text())
        seen["said"] = [label.text() for label in dialog.findChildren(QLabel)
                        if label.isVisible() and "1:99" in label.text()]
        type_into(dialog.start, "0:01")
        seen["after_edit"] = [label.text() for label in dialog.findChildren(QLabel)
                              if label.isVisible() and "1:99" in label.text()]
        ok(dialog)

    with answering(mistype_then_correct):
        click(button(panel, "Appears in…"))
    assert seen["open"], "the dialog closed on a mistyped time"
    assert seen["typed"] == ("1:99", "0:05")
    assert seen["said"] == ["timecode '1:99': seconds must be below 60"]
    assert seen["after_edit"] == []  # the message goes once the field is changed
    assert panel.appearances.topLevelItem(0).text(1) == "0:01.00–0:05.00"


def test_the_withdraw_dialog_lists_exports_made_before_the_person_was_added(film_window, tmp_path):
    """Exports of a clip made while nobody was recorded on its film: the withdrawal made from
    the Withdraw… button lists them (the facilitator must reach their recipients)."""
    from app.reels import export

    w = film_window
    panel = w.people_panel
    w.show_dock("people")
    clip = clips.add(w.lib, w.film_id, 1_000_000, 2_000_000, title="Waiting room")
    reels.create(w.lib, "Tuesday", [clip], audience="team")
    outs = [tmp_path / f"tuesday.{suffix}" for suffix in ("otio", "edl", "csv", "srt")]
    for out in outs:
        export.export_reel(w.lib, "Tuesday", out)
    with answering(filled(AddPersonDialog, name="Tom Reyes", role="lived_experience", **{"consent.scope": "team"})):
        click(button(panel, "Add person…"))
    with answering(filled(AppearanceDialog, only=True, start="00:01.50", end="00:03")):
        click(button(panel, "Appears in…"))
    shown = []

    def read_and_close(box):
        shown.append(box.text())
        ok(box)

    with answering(answer_in_turn(filled(WithdrawDialog, sure=True), read_and_close)):
        click(panel.withdraw_button)
    assert "Already exported: nothing" not in shown[0]
    assert "follow up with whoever received these" in shown[0]
    for out in outs:
        assert out.name in shown[0], shown[0]


def test_a_clash_of_names_is_shown_and_changes_nothing(window, monkeypatch):
    panel = window.people_panel
    people.add(window.lib, "Sam", "actor", "team")
    people.add(window.lib, "Ali", "carer", "team")
    errors = []
    from ui.kit import operations  # every refusal is shown by the one runner

    monkeypatch.setattr(operations, "show_error", lambda _p, exc, _t="": errors.append(str(exc)))
    panel.select(2 if "Sam" in panel.list.item(0).text() else 1)
    panel.name.setText("Ali")
    panel.name.editingFinished.emit()
    assert errors and "already in this library" in errors[0]
    assert sorted(panel.list.item(i).text().split("  —")[0] for i in range(2)) == ["Ali", "Sam"]


def test_a_clip_is_previewed_anonymised_before_any_export(film_window, qtbot):
    import av
    from PySide6.QtWidgets import QLabel, QPushButton

    from app.models import ExportRecord
    from ui.people.preview_window import PreviewDialog

    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    w = film_window
    clip = clips.add(w.lib, w.film_id, 0, 1_000_000, title="Preview me")
    people.add(w.lib, "Kim Park", "actor", "team")
    people.appears(w.lib, "Kim Park", [w.film_id])
    w.selection.set([clip])
    w.show_dock("people")
    panel = w.people_panel
    panel.preview_audience.setCurrentIndex(panel.preview_audience.findData("collaborative"))
    QTest.mouseClick(panel.findChild(QPushButton, "previewAnonymised"), Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(w.people_panel.preview_job.done, timeout=60_000):
        pass
    qtbot.waitUntil(lambda: w.findChild(PreviewDialog) is not None, timeout=10_000)
    dialog = w.findChild(PreviewDialog)
    words = dialog.findChild(QLabel, "previewWords").text()
    # As an export to the collaborative covers it: Kim (team) covered; their face is not known, so every face.
    assert "as an anonymised export for a collaborative audience will cover them" in words
    assert "Kim Park's face is not known yet: every face in their clips will be covered" in words
    assert dialog.windowTitle() == "Anonymised preview — Preview me"  # the clip as the user knows it
    assert dialog.path.parent.parent == w.lib.tmp_dir  # stays inside the library
    with av.open(str(dialog.path)) as c:
        assert c.streams.video[0].frames == 25
    with w.lib.read() as s:
        assert s.query(ExportRecord).count() == 0  # nothing left the library
    dialog.reject()


def test_add_face_picks_a_face_in_a_frame_and_lists_it_with_undo(window, qtbot, tmp_path, monkeypatch):
    """People panel, Add face…: the picker finds both faces of a two-person film on a worker, a
    click picks the woman's, and her face is listed (undoable). The consenting man is not hers."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    from app.people import faces
    from app.films import importing
    from tests.app.test_chosen_faces import two_people
    from ui.people.face_picker import FacePickerDialog

    film = importing.import_file(window.lib, two_people(tmp_path)).film_id
    jane = people.add(window.lib, "Jane", "lived_experience", "team")
    people.appears(window.lib, jane, [film])
    panel = window.people_panel
    panel.select(jane)
    assert panel.faces.list.count() == 0 and "none yet" in panel.faces.title.text()

    def pick_left_face(self):
        self.show()
        qtbot.waitUntil(lambda: self.pick is not None, timeout=60_000)
        assert len(self.pick.faces) == 2 and not self.ok.isEnabled()
        left = self.frame._rect(self.pick.faces[0]).center()
        QTest.mouseClick(self.frame, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         QPoint(int(left.x()), int(left.y())))
        assert self.ok.isEnabled()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(FacePickerDialog, "exec", pick_left_face)  # the picker's own clicks, then OK
    window.show_dock("people")
    click(panel.faces.add_button)
    known = faces.faces_of(window.lib, jane)  # the picked face and more views of it from the same shot
    assert len(known) == 1 + faces.MORE_READINGS
    assert window.feedback.last_text.startswith("Jane's face is known")  # not “Jane”'s face
    assert panel.faces.list.count() == len(known) and f"Known faces ({len(known)})" in panel.faces.title.text()
    with window.lib.read() as s:
        from app.models import PersonFace

        assert all(s.get(PersonFace, k.id).x < 360 for k in known)  # the face on the left: hers
    assert panel.faces.alike.isHidden()
    window.lib.undo()
    qtbot.waitUntil(lambda: panel.faces.list.count() == 0, timeout=5_000)


def test_the_known_faces_row_names_people_too_alike_to_tell_apart(window, qtbot, tmp_path):
    """Rosa's known face reads 0.55 from Jane's (people are told apart from about 0.6): Jane's
    Known faces row names Rosa; Sam's (far from both) names nobody."""
    import numpy as np

    from app.models import Person, PersonFace
    from app.people import faces
    from app.films import importing
    from media.anonymise.recognise import MODEL_NAME, from_bytes, to_bytes
    from tests.app.test_chosen_faces import two_people

    lib = window.lib
    film = importing.import_file(lib, two_people(tmp_path)).film_id
    jane, rosa, sam = (people.add(lib, n, "lived_experience", "team") for n in ("Jane", "Rosa", "Sam"))
    faces.add_face(lib, jane, film, 400_000, pick=1, more=0)
    faces.add_face(lib, sam, film, 400_000, pick=2, more=0)
    with lib.op("Rosa's face") as s:
        reading = from_bytes(s.query(PersonFace).filter_by(person_id=jane).one().reading)
        nudge = np.zeros(128, np.float32)
        nudge[0] = 0.55
        s.add(PersonFace(person_id=rosa, film_id=film, time_us=0, x=0, y=0, w=1, h=1, model=MODEL_NAME,
                         reading=to_bytes(reading + nudge), picture=b""))
    panel = window.people_panel
    panel.select(jane)
    qtbot.waitUntil(lambda: panel.faces.list.count() == 1, timeout=5_000)
    assert not panel.faces.alike.isHidden()
    assert panel.faces.alike.text().startswith("Jane and Rosa look alike to the recogniser (0.55 apart")
    panel.select(sam)
    qtbot.waitUntil(lambda: panel.faces.alike.isHidden(), timeout=5_000)
def assert_readable(panel) -> None:
    """Every part of the person shown whole on screen: not cut by a scroll area, the consent
    history and appearances three lines tall or more (they were in a 50 px scroll area)."""
    from PySide6.QtWidgets import QLabel

    faces_title = panel.faces.title
    parts = {"name": panel.name, "pseudonym": panel.pseudonym, "role": panel.role, "consent now": panel.consent,
             "consent history": panel.history, "withdraw": panel.withdraw_button, "appears in": panel.appearances,
             "known faces": panel.faces.list, "add face": panel.faces.add_button, "faces title": faces_title}
    cut = [name for name, widget in parts.items()
           if not widget.isVisible() or widget.visibleRegion().boundingRect() != widget.rect()]
    assert cut == [], f"cut off or hidden at {panel.window().width()}x{panel.window().height()}: {cut}"
    line = panel.fontMetrics().lineSpacing()
    for tree in (panel.history, panel.appearances):
        assert tree.viewport().height() >= 3 * line, f"{tree.objectName()}: {tree.viewport().height()} px"
    assert isinstance(panel.consent, QLabel)


def test_a_person_reads_whole_on_a_1366x768_laptop(window, qtbot, counting_film):
    """The People panel at the layout a 1366x768 laptop gets (View → Reset Layout): details,
    consent history, Withdraw, Appears in and Known faces all on screen, nothing in a tiny
    scroll area (issue 25)."""
    from app.films import importing

    film = importing.import_file(window.lib, counting_film).film_id
    dana = people.add(window.lib, "Dana Whitfield", "lived_experience", "team", given_on="2026-10-01",
                      how="written form")
    people.give_consent(window.lib, dana, "collaborative", given_on="2026-11-02", how="verbal, witnessed")
    people.appears(window.lib, dana, [film])
    people.add(window.lib, "Sam Ortiz", "actor", "public")
    window.resize(1366, 768 - 30)  # a laptop's screen less the desktop's bar
    window.reset_layout()
    window.show_dock("people")
    panel = window.people_panel
    panel.select(dana)
    qtbot.waitUntil(lambda: panel.history.topLevelItemCount() == 2)
    qtbot.wait(50)
    assert_readable(panel)


def test_consent_after_a_withdrawal_is_their_new_consent_dated_after_it(film_window):
    """New record… for a withdrawn person says what brings consent back; one dated before the
    withdrawal is refused (the history as it was); dated after it, kept after the withdrawal."""
    w = film_window
    panel = w.people_panel
    w.show_dock("people")
    people.add(w.lib, "Jane Realname", "carer", "public", given_on="2026-11-01", how="written form")
    people.withdraw(w.lib, "Jane Realname", on="2026-11-20", how="by email")
    panel.select(1)
    assert panel.history.topLevelItemCount() == 2
    seen = []

    def read_intro_then_fill(dialog):
        seen.append(" ".join(label.text() for label in dialog.findChildren(QLabel)))
        filled(ConsentDialog, **{"consent.scope": "team", "consent.date": "2026-11-10",
                                 "consent.how": "written form"})(dialog)

    with answering(read_intro_then_fill):
        click(button(panel, "New record…"))
    assert "Nothing undoes a withdrawal" in seen[0] and "dated on or after the withdrawal" in seen[0]
    (box,) = [b for b in w.findChildren(QMessageBox) if b.isVisible()]  # the one way errors are shown
    assert "consent was withdrawn on 2026-11-20" in box.text() and "would come before it" in box.text()
    ok(box)
    assert panel.history.topLevelItemCount() == 2 and "WITHDRAWN" in panel.list.item(0).text()
    with answering(filled(ConsentDialog, **{"consent.scope": "team", "consent.date": "2026-12-01",
                                            "consent.how": "written form"})):
        click(button(panel, "New record…"))
    assert panel.history.topLevelItemCount() == 3 and panel.history.topLevelItem(1).text(1) == "Withdrawn"
    assert "WITHDRAWN" not in panel.list.item(0).text()
