"""The clip list's pages (app.clips.listing) read one after the other give exactly the command
line's clips in its order, and the count its number, whichever way the database walks them."""

import random

import pytest

from app import lookup, queries
from app.clips import listing
from app.models import Clip, ClipTag, Film, Tag

WORDS = "queue letter phone carer desk crisis".split()


@pytest.fixture
def big(lib, counting_film):
    from app.clips import clips, safeguarding
    from app.films import importing

    real = importing.import_file(lib, counting_film).film_id
    rng = random.Random(4)
    with lib.op("Test clips", undoable=False) as s:
        template = s.get(Film, real)
        facts = {c.key: getattr(template, c.key) for c in Film.__table__.columns
                 if c.key not in ("id", "sha256", "title", "imported_at", "event_id")}
        films = [s.get(Film, real)] + [Film(**facts, sha256=f"{i:064x}", title=t)
                                       for i, t in enumerate(["Zebra", "apple", "Apple", "Été", "Zebra"])]
        s.add_all(films[1:])
        s.flush()
        tags = [t.id for t in s.query(Tag).order_by(Tag.id).limit(4)]
        for i in range(460):
            start = rng.randrange(0, 3_000_000) if i % 7 else 1_000_000  # some clips start together
            clip = Clip(film_id=rng.choice(films).id, start_us=start, end_us=start + 400_000,
                        title=" ".join(rng.sample(WORDS, 2)), note=rng.choice(WORDS), quote="")
            s.add(clip)
            s.flush()
            for tag_id in rng.sample(tags, rng.randrange(0, 3)):
                s.add(ClipTag(clip_id=clip.id, tag_id=tag_id))
    with lib.read() as s:
        return lib, tags


def _all_pages(s, filt, size):
    keys, after = [], None
    while True:
        got = listing.page(s, filt, after=after, limit=size)
        keys += got
        if len(got) < size:
            return keys
        after = got[-1]


@pytest.mark.parametrize("few", [0, 10**9])  # walking the films in order, or sorting the matches
def test_pages_read_in_turn_are_the_command_lines_clips_in_order(big, monkeypatch, few):
    lib, tags = big
    monkeypatch.setattr(listing, "FEW", few)
    filters = [queries.ClipFilter(), queries.ClipFilter(tags_all=[tags[0]]),
               queries.ClipFilter(tags_all=[tags[0], tags[1]]), queries.ClipFilter(tags_any=[tags[2], tags[3]]),
               queries.ClipFilter(text="carer"), queries.ClipFilter(tags_all=[tags[1]], text="desk crisis"),
               queries.ClipFilter(text="nothing like it"), queries.ClipFilter(kinds=["opportunity"])]
    with lib.read() as s:
        for filt in filters:
            wanted = queries.clip_ids(s, filt)
            for size in (7, 50, listing.PAGE):
                keys = _all_pages(s, filt, size)
                assert [k[3] for k in keys] == wanted, (filt, size)
            assert listing.count(s, filt) == len(wanted)
            if wanted:
                middle = wanted[len(wanted) // 2]
                key = listing.keys_of(s, filt, [middle])[middle]
                upto = listing.page(s, filt, limit=None, upto=key)
                assert [k[3] for k in upto] == wanted[:len(wanted) // 2 + 1]


def test_keys_of_leaves_out_clips_that_do_not_match(big):
    lib, tags = big
    with lib.read() as s:
        filt = queries.ClipFilter(tags_all=[tags[0]])
        tagged = set(queries.clip_ids(s, filt))
        every = queries.clip_ids(s, queries.ClipFilter())
        assert set(listing.keys_of(s, filt, every)) == tagged
        assert listing.keys_of(s, filt, [10**9]) == {}
        assert lookup.tag(s, "Waiting and delay").id  # the codebook is the default one


def test_sqlite_walks_the_films_in_title_order_for_a_word(big):
    """The first page of a common word's clips is found by walking the films in title order
    (SQLite's own plan sorted every matching clip: 0.8 s at 100,000 clips)."""
    from sqlalchemy import event

    lib, _tags = big
    if lib.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's plan only")
    said = []
    event.listen(lib.engine, "before_cursor_execute", lambda *a: said.append(a[2]))
    with lib.read() as s:
        listing.page(s, queries.ClipFilter(text="carer"), limit=5)
    assert any("FROM films CROSS JOIN clips" in sql for sql in said)


def test_clip_records_are_what_the_orm_makes_of_each_clip(lib, counting_film):
    """The clip list's records are read with plain queries (issue 29); each is the record
    ``records.clip_record`` makes from the ORM's Clip: tags in their order, prototypes, the time
    of day filmed (a film with a known recording time and zone, one without), a warning."""
    import datetime as dt

    from app import queries
    from app.clips import clips, safeguarding
    from app.films import importing
    from app.models import Clip as ClipRow, Film as FilmRow
    from app.prototypes import prototypes
    from app.records import clip_record

    timed = importing.import_file(lib, counting_film).film_id
    with lib.op("Recorded", undoable=False) as s:
        film = s.get(FilmRow, timed)
        film.recorded_at, film.recorded_offset_min, film.recorded_source = dt.datetime(2026, 5, 9, 9, 58), 60, "file"
        facts = {c.key: getattr(film, c.key) for c in FilmRow.__table__.columns
                 if c.key not in ("id", "sha256", "title", "imported_at", "event_id", "recorded_at")}
        other = FilmRow(**facts, sha256="e" * 64, title="Untimed")
        s.add(other)
        s.flush()
        untimed = other.id
    ids = [clips.add(lib, timed, 0, 1_000_000, title="Tagged", tags=["theme:Crisis", "Peer support", "Waiting and delay"]),
           clips.add(lib, untimed, 1_000_000, 2_000_000, title="Plain"),
           clips.add(lib, timed, 2_000_000, 3_000_000, title="Warned", note="n", quote="q")]
    safeguarding.flag(lib, [ids[2]], note="Distress")
    prototypes.link(lib, prototypes.add(lib, "Zebra desk"), [ids[0], ids[2]])
    prototypes.link(lib, prototypes.add(lib, "Apple line"), [ids[0]])
    wanted = [ids[2], 999_999, ids[0], ids[1]]  # in the order asked; a clip that is not there left out
    with lib.read() as s:
        from_orm = [clip_record(s.get(ClipRow, i)) for i in wanted if s.get(ClipRow, i) is not None]
        read = queries.clip_records(s, wanted)
    assert read == from_orm
    assert read[1].prototypes == ["Apple line", "Zebra desk"] and len(read[1].tags) == 3
    assert read[0].filmed_at == "10:58" and read[0].safeguarding and read[2].filmed_at is None
