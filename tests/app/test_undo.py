"""Undo and redo of each kind of change, in the core, with no Qt imported."""

import shutil

import pytest

from media.errors import NothingToUndo
from app.clips import clips
from app.codebook import codebook
from app.films import events, films, importing
from app import lookup
from app.people import people
from app.prototypes import prototypes
from app.reels import reels
from tests.snapshot import db_state


@pytest.fixture
def stocked(lib, counting_film):
    """A library with a film, two clips, a prototype and a person."""
    film = importing.import_file(lib, counting_film, event="Workshop 1").film_id
    a = clips.add(lib, film, 0, 1_000_000, title="Waiting room", tags=["challenge:Waiting and delay"])
    b = clips.add(lib, film, 2_000_000, 3_000_000, title="Peer welcome", tags=["opportunity:Peer support"])
    proto = prototypes.add(lib, "Welcome desk", "A peer at the front desk")
    people.add(lib, "Sam", "actor", "team")
    prototypes.link(lib, proto, [b])
    lib.undo_stack.clear()
    return lib, film, a, b, proto


def tag_id(lib, ref):
    with lib.read() as s:
        return lookup.tag(s, ref).id


def change_cases():
    return {
        "add clip": lambda lib, film, a, b, p: clips.add(lib, film, 1_000_000, 2_000_000, tags=["theme:Crisis"]),
        "edit clip": lambda lib, film, a, b, p: clips.update(lib, a, title="New", note="n", quote="q"),
        "move clip edges": lambda lib, film, a, b, p: clips.set_range(lib, a, 40_000, 960_000),
        "delete clips": lambda lib, film, a, b, p: clips.delete(lib, [a, b]),
        "tag clip": lambda lib, film, a, b, p: clips.add_tag(lib, [a, b], tag_id(lib, "Crisis")),
        "untag clip": lambda lib, film, a, b, p: clips.remove_tag(lib, [a], tag_id(lib, "Waiting and delay")),
        "add tag": lambda lib, film, a, b, p: codebook.add(lib, "Lonely evenings", "challenge", "#123456"),
        "rename tag": lambda lib, film, a, b, p: codebook.rename(lib, tag_id(lib, "Crisis"), "Crises"),
        "recolour tag": lambda lib, film, a, b, p: codebook.recolor(lib, tag_id(lib, "Crisis"), "#000000"),
        "archive tag": lambda lib, film, a, b, p: codebook.set_archived(lib, tag_id(lib, "Crisis")),
        "merge tags": lambda lib, film, a, b, p: codebook.merge(
            lib, tag_id(lib, "Waiting and delay"), tag_id(lib, "Access barriers")),
        "add prototype": lambda lib, film, a, b, p: prototypes.add(lib, "Crisis café"),
        "link prototype": lambda lib, film, a, b, p: prototypes.link(lib, p, [a, b]),
        "unlink prototype": lambda lib, film, a, b, p: prototypes.unlink(lib, p, [b]),
        "add person": lambda lib, film, a, b, p: people.add(lib, "Jo", "carer", "collaborative"),
        "person appears": lambda lib, film, a, b, p: people.appears(lib, "Sam", [film]),
        "record consent": lambda lib, film, a, b, p: people.give_consent(lib, "Sam", "public", "2026-11-01", "written form"),
        "appears in a stretch": lambda lib, film, a, b, p: people.appears(lib, "Sam", [film], ranges=[(0, 1_000_000)]),
        "create reel": lambda lib, film, a, b, p: reels.create(lib, "For the board", [a, b], "collaborative"),
        "add event": lambda lib, film, a, b, p: events.add(lib, "Breakfast 3"),
        "rename film": lambda lib, film, a, b, p: films.rename(lib, film, "Role-play 1"),
        "move film to event": lambda lib, film, a, b, p: films.set_event(lib, film, "Workshop 2"),
    }


@pytest.mark.parametrize("case", list(change_cases()))
def test_undo_then_redo(stocked, case):
    lib, film, a, b, proto = stocked
    before = db_state(lib)
    change_cases()[case](lib, film, a, b, proto)
    after = db_state(lib)
    assert after != before
    assert lib.undo_name is not None
    lib.undo()
    assert db_state(lib) == before
    assert lib.redo_name is not None
    lib.redo()
    assert db_state(lib) == after


def test_undo_import_and_relink(lib, counting_film, tmp_path):
    before = db_state(lib)
    film = importing.import_file(lib, counting_film, event="W").film_id
    assert lib.undo_name.startswith("Import")
    after = db_state(lib)
    lib.undo()
    assert db_state(lib) == before
    lib.redo()
    assert db_state(lib) == after
    # (In the library's folder: on a team library that is the shared folder, a relink for everyone;
    # a file outside it would be this computer's own, kept on this computer and no step to undo.)
    moved = lib.root / "moved.mp4"
    shutil.copy(counting_film, moved)
    films.relink(lib, film, moved)
    lib.undo()
    assert db_state(lib) == after


def test_cascaded_delete_comes_back_whole(stocked):
    lib, film, a, b, proto = stocked
    prototypes.link(lib, proto, [a])
    reels.create(lib, "Reel", [a, b])
    people.appears(lib, "Sam", [film])
    before = db_state(lib)
    clips.delete(lib, [a])  # takes its tag links, prototype link and reel item with it
    assert db_state(lib) != before
    lib.undo()
    assert db_state(lib) == before


def test_many_steps_undo_in_order_and_a_new_change_clears_redo(stocked):
    lib, film, a, b, proto = stocked
    states = [db_state(lib)]
    for title in ("one", "two", "three"):
        clips.update(lib, a, title=title)
        states.append(db_state(lib))
    for expected in reversed(states[:-1]):
        lib.undo()
        assert db_state(lib) == expected
    lib.redo()
    clips.update(lib, b, title="other")
    assert lib.redo_name is None
    with pytest.raises(NothingToUndo):
        lib.redo()


def test_changes_are_reported_with_tables_and_ids(stocked):
    lib, film, a, b, proto = stocked
    seen = []
    lib.subscribe(seen.append)
    clips.update(lib, a, title="Renamed")
    lib.undo()
    assert [c.name for c in seen] == ["Rename clip", "Undo Rename clip"]
    assert all(c.touches("clips") and a in c.ids_of("clips") for c in seen)


def test_changes_name_the_rows_the_touched_rows_belong_to(stocked):
    """A consent record or an appearance names its person, added, undone (the row deleted) or
    changed in a column other than the reference; a stretch of film names its appearance."""
    lib, film, a, b, proto = stocked
    sam = people.add(lib, "Robin", "actor", "team")
    other = people.add(lib, "Ali", "carer", "team")
    seen = []
    lib.subscribe(seen.append)
    people.give_consent(lib, sam, "public")
    lib.undo()
    people.appears(lib, sam, [film], ranges=[(0, 1_000_000)])
    assert [c.about("people") for c in seen] == [{sam}] * 3 and all(other not in c.about("people") for c in seen)
    (appearance,) = seen[-1].ids_of("appearances")
    people.appears(lib, sam, [film], ranges=[(2_000_000, 3_000_000)])
    assert seen[-1].about("appearances") == {appearance} and not seen[-1].touches("people")


def test_failed_op_changes_nothing_and_pushes_no_step(stocked):
    lib, film, a, b, proto = stocked
    before = db_state(lib)
    with pytest.raises(Exception):
        clips.add(lib, film, 3_000_000, 1_000_000)
    assert db_state(lib) == before and lib.undo_name is None


def test_undo_does_not_revert_a_later_fact(stocked, tmp_path):
    """A rename undone must not bring back 'missing' state recorded after it."""
    lib, film, a, b, proto = stocked
    films.rename(lib, film, "Renamed")
    with lib.read() as s:
        path = lib.film_path(lookup.film(s, film))
    path.rename(tmp_path / "away.mp4")
    films.check_missing(lib)
    lib.undo()
    with lib.read() as s:
        f = lookup.film(s, film)
        assert lib.missing(f) and f.title != "Renamed"


def test_nothing_to_undo(lib):
    with pytest.raises(NothingToUndo):
        lib.undo()


def test_reel_edits_reorder_and_undo(stocked):

    lib, film, a, b, proto = stocked
    c = clips.add(lib, film, 3_000_000, 3_500_000, title="c")
    reel_id = reels.create(lib, "R", [a, b])
    order = lambda: [i.clip_id for i in _reel(lib, reel_id).items]  # noqa: E731
    steps = [
        lambda: reels.add_clips(lib, reel_id, [c], position=0),
        lambda: reels.move_item(lib, _reel(lib, reel_id).items[0].id, 2),
        lambda: reels.update_item(lib, _reel(lib, reel_id).items[0].id, card_text="Part one", fade=True),
        lambda: reels.update(lib, reel_id, title="Board", audience="collaborative", captions=False),
        lambda: reels.remove_items(lib, [_reel(lib, reel_id).items[1].id]),
    ]
    states = [db_state(lib)]
    for step in steps:
        step()
        states.append(db_state(lib))
    assert order() == [a, c]
    for expected in reversed(states[:-1]):
        lib.undo()
        assert db_state(lib) == expected
    assert order() == [a, b]


def _reel(lib, reel_id):
    from app.models import Reel

    with lib.read() as s:
        reel = s.get(Reel, reel_id)
        reel.items  # load
        return reel


def test_codebook_shortcuts_order_parents_and_undo(stocked):
    lib, film, a, b, proto = stocked
    crisis, access = tag_id(lib, "Crisis"), tag_id(lib, "Access barriers")
    before = db_state(lib)
    codebook.set_shortcut(lib, crisis, "1")  # takes 1 from "Waiting and delay"
    assert codebook.shortcut_tag(lib, "1") == crisis
    codebook.move(lib, access, -2)
    codebook.set_parent(lib, access, tag_id(lib, "Waiting and delay"))
    with pytest.raises(Exception, match="own sub-tags"):
        codebook.set_parent(lib, tag_id(lib, "Waiting and delay"), access)
    for _ in range(3):
        lib.undo()
    assert db_state(lib) == before
