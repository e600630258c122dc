"""Every action that changes the library says what it did in the status bar, naming what it
changed, with Undo beside it (all of these can be undone). The walk goes through the panels'
own widgets, as a facilitator's clicks and typing reach them: buttons clicked, dialogs answered,
menu actions triggered (never the method behind a button)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QDropEvent
from PySide6.QtTest import QTest

from app import reads
from app.clips import clips
from app.people import people
from app.prototypes import prototypes
from tests.ui.driving import answer_in_turn, answering, button, choose, click, film_menu, menu_item


def tag_item(panel, name):
    return next(i for i in panel._tag_items() if i.text(0) == name)


def actions(w, clip_id, other_id, monkeypatch):
    """(what, action, words the message must contain) for each action of the walk."""
    cb, protos, details, builder = w.codebook_panel, w.prototypes_panel, w.clip_details, w.reel_builder
    waiting = next(t.id for t in reads.tags(w.lib) if t.name == "Waiting and delay")
    peers = next(t.id for t in reads.tags(w.lib) if t.name == "Peer support")

    def add_tag():
        w.show_dock("codebook")
        with answering(answer_in_turn(choose("Challenges"), choose("Lost letters"))):
            click(button(cb, "Add…"))

    def rename_tag():
        tag_item(cb, "Lost letters").setText(0, "Lost post")

    def set_parent():
        cb.select_tag(next(t.id for t in reads.tags(w.lib) if t.name == "Lost post"))
        with answering(choose("Waiting and delay")):
            click(button(cb, "Sub-tag of…"))

    def set_key():
        cb.select_tag(waiting)
        cb.key_box.setCurrentIndex(cb.key_box.findData("7"))
        cb._set_key()

    def move_tag():
        cb.select_tag(waiting)
        cb.move(1)

    def archive():
        cb.select_tag(next(t.id for t in reads.tags(w.lib) if t.name == "Lost post"))
        click(button(cb, "Archive"))

    def prototype_field(widget, text):
        def edit():
            widget.setText(text)
            widget.editingFinished.emit()
        return edit

    def reel_field(widget, text):
        return prototype_field(widget, text)

    def new_reel():
        w.selection.select(clip_id)
        w.show_dock("reel")
        click(button(builder, "New from selected clips"))

    def choose_audience():
        builder.audience.setCurrentIndex(2)
        builder.audience.activated.emit(2)

    def item_card():
        builder.items.setCurrentIndex(builder.items_model.index(0))
        builder.card.setText("What good looks like")
        builder.card.editingFinished.emit()

    def rename_film():
        model = w.library_panel.model
        model.setData(model.index_of(w.film_id), "Morning role-play")

    def move_film():
        menu = film_menu(w, w.film_id)
        with answering(choose("Day 2")):
            menu_item(menu, "Move the film to event").trigger()
        menu.close()

    def clip_title():
        w.selection.select(clip_id)
        details.title.setText("Receptionist listens")
        details.title.editingFinished.emit()

    def clip_quote():
        details.quote.setText("I can see you now")
        details.quote.editingFinished.emit()

    def clip_tag():
        details.tag_entry.setText("Carers left out")
        details.add_typed_tag()

    def person_pseudonym():
        w.people_panel.select(next(p.id for p in reads.people(w.lib) if p.name == "Sam Ortiz"))
        w.people_panel.pseudonym.setText("Actor A")
        w.people_panel.pseudonym.editingFinished.emit()

    def delete_clip():
        w.selection.select(other_id)
        w.actions_by_name["deleteClip"].trigger()  # Edit → Delete Clip

    return [
        ("add a tag", add_tag, ["Lost letters"]),
        ("rename a tag", rename_tag, ["Lost letters", "Lost post"]),
        ("recolour a tag", lambda: cb.recolor_to(waiting, "#123456"), ["Waiting and delay", "#123456"]),
        ("place a tag under another", set_parent, ["Lost post", "Waiting and delay"]),
        ("give a tag a key", set_key, ["7", "Waiting and delay"]),
        ("reorder the codebook", move_tag, ["Waiting and delay", "down"]),
        ("archive a tag", archive, ["Archived", "Lost post"]),
        ("merge tags", lambda: cb.merge_into(peers, waiting), ["Peer support", "Waiting and delay"]),
        ("new prototype", lambda: (w.show_dock("prototypes"), click(button(protos, "New prototype"))), ["New prototype"]),
        ("prototype name", prototype_field(protos.name, "Same-day callback"), ["Same-day callback"]),
        ("prototype summary", prototype_field(protos.summary, "Call back within the day"), ["summary"]),
        ("link clips to a prototype", lambda: protos.link(protos.current_id(), [clip_id]), ["Same-day callback"]),
        ("new reel", new_reel, ["New reel"]),
        ("reel title", reel_field(builder.title, "Tuesday review"), ["Tuesday review"]),
        ("reel subtitle", reel_field(builder.subtitle, "For the board"), ["subtitle"]),
        ("reel audience", choose_audience, ["audience", "public"]),
        ("reel item card", item_card, ["title card", "What good looks like"]),
        ("rename a film", rename_film, ["Morning role-play"]),
        ("move a film to an event", move_film, ["Day 2", "Morning role-play"]),
        ("clip title", clip_title, ["Receptionist listens"]),
        ("clip quote", clip_quote, ["quote", "I can see you now"]),
        ("tag a clip in the Clip panel", clip_tag, ["Carers left out"]),
        ("rename a clip in the list", lambda: w.clip_list.model.setData(w.clip_list.model.index(
            w.clip_list.model.row_of(clip_id), 0), "Listened to"), ["Listened to"]),
        ("person's pseudonym", person_pseudonym, ["Actor A"]),
        ("delete a clip", delete_clip, ["Deleted"]),
    ]


def test_every_library_change_says_what_it_did_with_undo(film_window, monkeypatch):
    w = film_window
    clip_id = clips.add(w.lib, w.film_id, 0, 1_000_000, title="At the desk")
    other_id = clips.add(w.lib, w.film_id, 2_000_000, 3_000_000, title="Spare")
    people.add(w.lib, "Sam Ortiz", "actor", "team")
    w.show_dock("prototypes")
    silent = []
    for what, action, words in actions(w, clip_id, other_id, monkeypatch):
        w.feedback.last_text = ""
        steps = w.lib.undo_stack.pushed
        action()
        assert w.lib.undo_stack.pushed == steps + 1, f"{what}: changed nothing"
        said = w.feedback.last_text
        if not said or not all(word in said for word in words) or w.feedback.button("Undo") is None:
            silent.append(f"{what}: {said!r}")
    assert silent == []


def test_undo_beside_a_message_takes_that_change_back_and_says_so(film_window):
    w = film_window
    tag = next(t for t in reads.tags(w.lib) if t.name == "Waiting and delay")
    w.show_dock("codebook")
    w.codebook_panel.recolor_to(tag.id, "#123456")
    said = w.feedback.last_text
    click(w.feedback.button("Undo"))
    assert reads.tag(w.lib, tag.id).color == tag.color
    assert w.feedback.last_text == f"Undone: {said}"  # naming what (it was "Undo Change tag colour: done.")
    assert "Waiting and delay" in said


def test_undo_and_redo_name_what_they_take_back(film_window, qtbot):
    """Edit → Undo after linking clips to a prototype said "Undo Link clips to prototype: done."
    without naming the clips or the prototype (issue 25)."""
    w = film_window
    clip_id = clips.add(w.lib, w.film_id, 0, 1_000_000, title="At the desk")
    proto = prototypes.add(w.lib, "Welcome desk")
    w.show_dock("prototypes")
    panel = w.prototypes_panel
    panel.select(proto)
    model = w.clip_list.model
    qtbot.waitUntil(lambda: model.row_of(clip_id) is not None)
    mime = model.mimeData([model.index(model.row_of(clip_id), 0)])  # the clip dragged from the list
    target = panel.list.visualItemRect(panel.list.item(0)).center()
    panel.list.dropEvent(QDropEvent(QPointF(target), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                                    Qt.KeyboardModifier.NoModifier))
    said = w.feedback.last_text
    assert "Welcome desk" in said
    w.undo_actions.undo.trigger()
    assert w.feedback.last_text == f"Undone: {said}" and reads.clip(w.lib, clip_id).prototypes == []
    w.undo_actions.redo.trigger()
    assert w.feedback.last_text == f"Redone: {said}" and reads.clip(w.lib, clip_id).prototypes == ["Welcome desk"]


def test_a_refused_change_says_nothing_and_shows_why(film_window, monkeypatch):
    from ui.kit import operations

    w = film_window
    shown = []
    monkeypatch.setattr(operations, "show_error", lambda _p, exc, _t="": shown.append(str(exc)))
    prototypes.add(w.lib, "Taken")
    w.feedback.last_text = ""
    proto = prototypes.add(w.lib, "Other")
    w.prototypes_panel.select(proto)
    w.prototypes_panel.name.setText("Taken")
    w.prototypes_panel.name.editingFinished.emit()
    assert shown and w.feedback.last_text == ""

