"""The GUI's reads: plain records, typed errors for stale ids, a reel plan in a fixed number of queries."""

import pytest
from sqlalchemy import event

from app import reads
from app.clips import clips
from app.films import importing
from app.people import people
from app.prototypes import prototypes
from app.reels import reels
from media.errors import NotFound


def statements(lib, fn):
    seen = []
    listener = lambda *args: seen.append(args[2])  # noqa: E731
    event.listen(lib.engine, "before_cursor_execute", listener)
    try:
        fn()
    finally:
        event.remove(lib.engine, "before_cursor_execute", listener)
    return len(seen)


def test_a_reel_plan_costs_the_same_queries_for_3_or_12_items(lib, counting_film):
    film_id = importing.import_file(lib, counting_film).film_id
    people.add(lib, "Someone", "actor", "team")
    people.appears(lib, "Someone", [film_id])
    ids = [clips.add(lib, film_id, i * 300_000, i * 300_000 + 200_000, tags=["challenge:Waiting and delay"])
           for i in range(12)]
    small = reels.create(lib, "Small", [str(i) for i in ids[:3]])
    big = reels.create(lib, "Big", [str(i) for i in ids])
    assert statements(lib, lambda: reads.reel_plan(lib, small)) == statements(lib, lambda: reads.reel_plan(lib, big))
    plan = reads.reel_plan(lib, big)
    assert len(plan.items) == 12 and plan.items[0].people[0].role == "actor"


def test_plan_items_for_clips_carry_their_film_facts(lib, counting_film):
    film_id = importing.import_file(lib, counting_film).film_id
    clip_id = clips.add(lib, film_id, 0, 1_000_000, title="Played")
    (item,) = reads.clip_plan_items(lib, [clip_id])
    assert item.source.is_file() and item.fps is not None and item.width == 320 and item.caption == "Played"


def test_stale_ids_raise_not_found_in_reads_and_ops(lib, counting_film):
    film_id = importing.import_file(lib, counting_film).film_id
    clip_id = clips.add(lib, film_id, 0, 1_000_000)
    clips.delete(lib, [clip_id])
    with pytest.raises(NotFound, match=f"clip {clip_id}: no longer in the library"):
        reads.clip(lib, clip_id)
    for op in (lambda: clips.update(lib, clip_id, title="x"), lambda: clips.set_range(lib, clip_id, 0, 10),
               lambda: clips.delete(lib, [clip_id]), lambda: clips.add_tag(lib, [clip_id], reads.tags(lib)[0].id),
               lambda: clips.add(lib, 9999, 0, 10), lambda: prototypes.update(lib, 9999, name="x"),
               lambda: reels.update(lib, 9999, title="x")):
        with pytest.raises(NotFound):
            op()


def test_default_clip_titles_name_the_film_and_the_time(lib, counting_film):
    film_id = importing.import_file(lib, counting_film).film_id
    clip_id = clips.add(lib, film_id, 2_500_000, 3_000_000)
    assert reads.clip(lib, clip_id).title == "counting · 0:02"
    assert clips.short_name("people-talking-grid-woman-360x288p25-mpeg1-mp2") == "people talking grid woman"
