"""Each view refreshes only the rows a change notice names: the widgets and records of rows
the change is not about are left as they were, and nothing is read for them."""

from __future__ import annotations

import sys

from app.prototypes import evidence
from app import reads
from app.clips import clips
from app.codebook import codebook
from app.films import films, importing
from app.people import people
from app.prototypes import prototypes
from ui.codebook.codebook_panel import TAG_ROLE


def tag_id(lib, name):
    return next(t.id for t in reads.tags(lib, include_archived=True) if t.name == name)


def another_film(tmp_path, counting_film, name="another.mp4"):
    copy = tmp_path / name
    copy.write_bytes(counting_film.read_bytes() + name.encode())  # different content: a new film
    return copy


def calls_of(monkeypatch, module, name, caller: str | None = None):
    """Record the arguments of every call of ``module.name`` (still calling it), made from
    the module file ``caller`` when given (other views have their own reads)."""
    seen, real = [], getattr(module, name)

    def spy(*a, **k):
        if caller is None or sys._getframe(1).f_code.co_filename.endswith(caller):
            seen.append(a[1:])
        return real(*a, **k)

    monkeypatch.setattr(module, name, spy)
    return seen


def test_the_codebook_redraws_only_the_tag_a_change_names(film_window, monkeypatch):
    w, panel = film_window, film_window.codebook_panel
    waiting = tag_id(w.lib, "Waiting and delay")
    before = {item.data(0, TAG_ROLE): item for item in panel._tag_items()}
    whole_codebook = calls_of(monkeypatch, reads, "tags", "ui/codebook/codebook_panel.py")
    counted = calls_of(monkeypatch, reads, "tag_counts", "ui/codebook/codebook_panel.py")
    codebook.rename(w.lib, waiting, "Waiting too long")
    codebook.recolor(w.lib, waiting, "#123456")
    clips.add(w.lib, w.film_id, 0, 1_000_000, tags=[str(waiting)])
    after = {item.data(0, TAG_ROLE): item for item in panel._tag_items()}
    assert after.keys() == before.keys() and all(after[t] is before[t] for t in before)  # the same rows
    assert after[waiting].text(0) == "Waiting too long" and after[waiting].text(2) == "1"
    assert whole_codebook == [] and [set(c[0]) for c in counted] == [{waiting}]
    codebook.set_archived(w.lib, waiting, True)  # the tree's shape changes: rebuilt
    assert waiting not in {item.data(0, TAG_ROLE) for item in panel._tag_items()}


def test_the_clip_panel_rereads_only_for_its_own_clip(film_window, monkeypatch):
    w, panel = film_window, film_window.clip_details
    shown = clips.add(w.lib, w.film_id, 0, 1_000_000, title="Shown", tags=["challenge:Waiting and delay"])
    other = clips.add(w.lib, w.film_id, 1_000_000, 2_000_000, title="Other")
    w.selection.select(shown)
    assert panel.title.text() == "Shown"
    shows = calls_of(monkeypatch, panel, "show_clip")
    clips.update(w.lib, other, title="Other renamed")
    codebook.rename(w.lib, tag_id(w.lib, "Peer support"), "Peers")  # not a tag of the clip shown
    prototypes.link(w.lib, prototypes.add(w.lib, "Callback"), [other])
    people.add(w.lib, "Sam", "actor", "team")
    assert shows == []
    codebook.rename(w.lib, tag_id(w.lib, "Waiting and delay"), "Waiting too long")  # a tag it carries
    clips.update(w.lib, shown, title="Shown renamed")
    assert len(shows) == 2 and panel.title.text() == "Shown renamed"
    assert panel.tags.item(0).text() == "challenge: Waiting too long"
    assert panel.proto_box.findText("Callback") >= 0  # the choices follow new prototypes


def test_the_clip_list_reads_only_the_record_of_the_clip_made(film_window, monkeypatch):
    w, model = film_window, film_window.clip_list.model
    kept = [clips.add(w.lib, w.film_id, i * 500_000, (i + 1) * 500_000, title=f"Clip {i}") for i in range(3)]
    before = {model.ids[row]: model.record(row) for row in range(model.rowCount())}  # every row drawn once
    read = calls_of(monkeypatch, reads, "clips", "ui/clips/clip_model.py")
    made = clips.add(w.lib, w.film_id, 3_000_000, 3_500_000, title="Made now")
    after = {model.ids[row]: model.record(row) for row in range(model.rowCount())}
    assert [set(ids[0]) for ids in read] == [{made}]  # the rows already read keep their records
    assert all(after[i] is before[i] for i in kept) and after[made].title == "Made now"
    clips.update(w.lib, kept[0], title="Renamed")
    assert model.record(model.row_of(kept[0])).title == "Renamed" and [set(ids[0]) for ids in read][-1] == {kept[0]}


def test_the_library_redraws_a_changed_film_and_inserts_a_new_one(film_window, monkeypatch, tmp_path, counting_film):
    w, model = film_window, film_window.library_panel.model
    first = model.film(model.index_of(w.film_id))
    resets, read_ids = [], calls_of(monkeypatch, reads, "films", "ui/library/library_panel.py")
    model.modelReset.connect(lambda: resets.append(1))
    new = importing.import_file(w.lib, another_film(tmp_path, counting_film), event="Workshop 1").film_id
    films.rename(w.lib, new, "Afternoon")
    assert resets == [] and model.film_count() == 2
    assert model.film(model.index_of(w.film_id)) is first  # the untouched row's record: not read again
    assert model.film(model.index_of(new)).title == "Afternoon"
    assert read_ids and all(ids and set(ids[0]) <= {new} for ids in read_ids)  # only the film named


def test_the_event_day_reads_nothing_for_another_events_film(film_window, monkeypatch, tmp_path, counting_film):
    w, day = film_window, film_window.event_day
    day.set_event("Workshop 1")
    (shown,) = day.films
    read_ids = calls_of(monkeypatch, reads, "films", "ui/library/event_day.py")
    other = importing.import_file(w.lib, another_film(tmp_path, counting_film), event="Day 2").film_id
    assert day.films == [shown] and day.films[0] is shown
    films.rename(w.lib, w.film_id, "Morning")
    assert [f.title for f in day.films] == ["Morning"]
    assert read_ids and all(ids and set(ids[0]) <= {other, w.film_id} for ids in read_ids)


def test_the_prototypes_panel_leaves_the_board_alone_for_another_prototype(film_window, monkeypatch):
    w, panel = film_window, film_window.prototypes_panel
    clip = clips.add(w.lib, w.film_id, 0, 1_000_000, title="At the desk")
    shown = prototypes.add(w.lib, "A shown")
    other = prototypes.add(w.lib, "B other")
    prototypes.link(w.lib, shown, [clip])
    panel.select(shown)
    rows = {panel.list.item(r).data(256): panel.list.item(r) for r in range(panel.list.count())}
    boards = calls_of(monkeypatch, evidence, "board")
    prototypes.link(w.lib, other, [clip])
    prototypes.update(w.lib, other, summary="Phone back the same day")
    assert boards == []  # the board shown is not about that prototype
    assert rows[shown] is panel.list.item(0) and rows[other] is panel.list.item(1)
    assert "1 clip" in rows[other].text() and "1 clips" not in rows[other].text() and "Phone back" in rows[other].toolTip()
    clips.update(w.lib, clip, quote="I can see you now")  # a clip on the board shown
    assert len(boards) == 1


def test_the_timeline_reads_nothing_for_another_films_clips(film_window, monkeypatch, tmp_path, counting_film):
    w = film_window
    other = importing.import_file(w.lib, another_film(tmp_path, counting_film)).film_id
    mine = clips.add(w.lib, w.film_id, 0, 1_000_000, title="Mine")
    reloads = calls_of(monkeypatch, reads, "film_clips", "ui/timeline/widget.py")
    theirs = clips.add(w.lib, other, 0, 1_000_000, title="Theirs")
    clips.update(w.lib, theirs, title="Still theirs")
    assert reloads == [] and [c.id for c in w.timeline.clips] == [mine]
    clips.add(w.lib, w.film_id, 1_000_000, 2_000_000, title="Also mine")
    assert reloads == [] and [c.title for c in w.timeline.clips] == ["Mine", "Also mine"]  # just it read, not the film's clips
    w.lib.undo()  # the clip made last goes: just its row
    assert reloads == [] and [c.title for c in w.timeline.clips] == ["Mine"]


def test_the_people_panel_redraws_only_the_person_named(film_window, monkeypatch):
    from app.people import people_records

    w, panel = film_window, film_window.people_panel
    sam = people.add(w.lib, "Sam", "actor", "team")
    ali = people.add(w.lib, "Ali", "carer", "team")
    rows = {panel.list.item(r).data(256): panel.list.item(r) for r in range(panel.list.count())}
    everyone = calls_of(monkeypatch, people_records, "people", "ui/people/people_panel.py")
    flag_checks = calls_of(monkeypatch, people_records, "flagged_reels", "ui/people/people_panel.py")
    films.rename(w.lib, w.film_id, "Nobody appears here")
    clips.add(w.lib, w.film_id, 0, 1_000_000)  # a clip in no reel
    assert everyone == [] and flag_checks == []
    people.edit(w.lib, sam, role="staff")
    after = {panel.list.item(r).data(256): panel.list.item(r) for r in range(panel.list.count())}
    assert after[ali] is rows[ali] and after[sam] is rows[sam]  # the same rows, redrawn in place
    assert "Staff" in after[sam].text() or "staff" in after[sam].text()


def test_the_reviews_panel_redraws_only_the_review_that_changed(film_window):
    from app.reviews import reviews

    w, panel = film_window, film_window.reviews_panel
    clip = clips.add(w.lib, w.film_id, 0, 1_000_000)
    first = reviews.start(w.lib, clip_ids=[clip], title="Monday")
    second = reviews.start(w.lib, clip_ids=[clip], title="Tuesday")
    rows = {panel.tree.topLevelItem(i).data(0, 256).id: panel.tree.topLevelItem(i)
            for i in range(panel.tree.topLevelItemCount())}
    untouched = rows[second].data(0, 256)
    reviews.set_note(w.lib, first, clip, "They felt heard")
    after = {panel.tree.topLevelItem(i).data(0, 256).id: panel.tree.topLevelItem(i)
             for i in range(panel.tree.topLevelItemCount())}
    assert after[first] is rows[first] and after[second] is rows[second]
    assert after[second].data(0, 256) is untouched and after[first].data(0, 256).notes == 1


def people_rows(panel) -> dict:
    return {panel.list.item(r).data(256): panel.list.item(r) for r in range(panel.list.count())}


def test_the_people_panel_reads_only_the_people_a_change_names(film_window, monkeypatch):
    from app.people import people_records

    w, panel = film_window, film_window.people_panel
    sam = people.add(w.lib, "Sam", "actor", "team")
    ali = people.add(w.lib, "Ali", "carer", "team")
    people.appears(w.lib, ali, [w.film_id])
    rows = people_rows(panel)
    read = calls_of(monkeypatch, people_records, "people", "ui/people/people_panel.py")
    people.give_consent(w.lib, sam, "public", how="signed form")  # a consent record: it names Sam
    people.appears(w.lib, sam, [w.film_id], ranges=[(0, 1_000_000)])  # an appearance and its stretch
    people.appears(w.lib, sam, [w.film_id], ranges=[(2_000_000, 3_000_000)])  # a stretch alone names its appearance
    films.rename(w.lib, w.film_id, "Morning")  # both appear in it
    assert [set(ids[0]) for ids in read] == [{sam}, {sam}, {sam}, {sam, ali}]
    assert people_rows(panel) == rows and all(people_rows(panel)[i] is rows[i] for i in rows)  # the same items
    assert "Public" in rows[sam].text() or "public" in rows[sam].text()
    panel.select(sam)
    assert panel.appearances.topLevelItem(0).text(0) == "Morning"
    bea = people.add(w.lib, "Bea", "staff", "team")
    assert set(read[-1][0]) == {bea}
    assert [panel.list.item(r).data(256) for r in range(panel.list.count())] == [ali, bea, sam]  # by name
    assert people_rows(panel)[ali] is rows[ali] and people_rows(panel)[sam] is rows[sam]
    assert panel.current_id() == sam
    w.lib.undo()  # Bea's adding undone: her row goes, nobody else is read
    assert set(read[-1][0]) == {bea} and list(people_rows(panel)) == [ali, sam]


def test_the_reviews_panel_reads_only_the_reviews_a_change_names(film_window, monkeypatch):
    from app.reviews import reviews

    w, panel = film_window, film_window.reviews_panel
    clip = clips.add(w.lib, w.film_id, 0, 1_000_000)
    first = reviews.start(w.lib, clip_ids=[clip], title="Monday")
    second = reviews.start(w.lib, clip_ids=[clip], title="Tuesday")
    rows = {panel.tree.topLevelItem(i).data(0, 256).id: panel.tree.topLevelItem(i)
            for i in range(panel.tree.topLevelItemCount())}
    read = calls_of(monkeypatch, reads, "reviews", "ui/present/reviews_panel.py")
    reviews.set_note(w.lib, first, clip, "They felt heard")  # a note names its review
    reviews.add_mark(w.lib, first, clip, "matters")
    reviews.add_action(w.lib, second, "Call back within a day")
    assert [set(ids[0]) for ids in read] == [{first}, {first}, {second}]
    after = {panel.tree.topLevelItem(i).data(0, 256).id: panel.tree.topLevelItem(i)
             for i in range(panel.tree.topLevelItemCount())}
    assert all(after[i] is rows[i] for i in rows)
    assert after[first].data(0, 256).notes == 1 and after[first].data(0, 256).marks == 1
    assert after[second].data(0, 256).actions == 1
    third = reviews.start(w.lib, clip_ids=[clip], title="Wednesday")
    assert set(read[-1][0]) == {third}
    order = [panel.tree.topLevelItem(i).data(0, 256).id for i in range(panel.tree.topLevelItemCount())]
    assert order == [r.id for r in reads.reviews(w.lib)]  # in the order a full read gives (newest first)
    reviews.delete(w.lib, first)
    assert set(read[-1][0]) == {first} and first not in [
        panel.tree.topLevelItem(i).data(0, 256).id for i in range(panel.tree.topLevelItemCount())]
