"""Reads for the GUI: each opens its own session and returns plain records (or ids), so
views never hold a session or an ORM object (the CLI uses ``app.queries`` the same way).

A stale id (a clip deleted by undo in another view) raises ``NotFound`` where one thing is
asked for, and is skipped where a list is asked for.
"""

from __future__ import annotations

from app import queries
from app.reels import reel_plan as plan_builder
from app.queries import ClipFilter
from app.records import (
    ClipRecord, EventRecord, FilmRecord, PersonRecord, PrototypeRecord, ReelRecord, TagRecord, person_record,
    reel_record, tag_record,
)
from media.errors import NotFound
from media.export.plan import PlanItem, ReelPlan


def films(lib, film_ids: list[int] | None = None) -> list[FilmRecord]:
    with lib.read() as s:
        return queries.film_records(s, lib, film_ids)


def event_films(lib, event: str) -> list[FilmRecord]:
    """The films of one event (the event day shows them; the rest of the library is not read)."""
    with lib.read() as s:
        return queries.film_records(s, lib, event=event)


def film_or_none(lib, film_id: int) -> FilmRecord | None:
    found = films(lib, [film_id])
    return found[0] if found else None


def film(lib, film_id: int) -> FilmRecord:
    found = film_or_none(lib, film_id)
    if found is None:
        raise NotFound(f"film {film_id}: no longer in the library")
    return found


def frame_index(lib, film: FilmRecord, build: bool = False):
    """The film's own frame index (``app.films.frame_indexes``): ``build`` False only what is
    already kept (quick: for the GUI thread), True reads the film once if need be (a worker)."""
    from app.films import frame_indexes

    return frame_indexes.frame_index(lib, film, build=build)


def clip_ids(lib, filt: ClipFilter | None = None) -> list[int]:
    with lib.read() as s:
        return queries.clip_ids(s, filt)


def clip_page(lib, filt: ClipFilter | None, after: tuple | None = None, limit: int | None = None,
              upto: tuple | None = None) -> list[tuple]:
    """The clip list's next rows as keys, ``(film title, film id, start_us, clip id)``, in
    its order (``app.clips.listing``)."""
    from app.clips import listing

    with lib.read() as s:
        return listing.page(s, filt, after, listing.PAGE if limit is None and upto is None else limit, upto)


def clip_count(lib, filt: ClipFilter | None) -> int:
    from app.clips import listing

    with lib.read() as s:
        return listing.count(s, filt)


def clip_keys(lib, filt: ClipFilter | None, clip_ids) -> dict[int, tuple]:
    """The list keys of those of ``clip_ids`` that match ``filt``."""
    from app.clips import listing

    with lib.read() as s:
        return listing.keys_of(s, filt, clip_ids)


def clips(lib, ids: list[int]) -> list[ClipRecord]:
    with lib.read() as s:
        return queries.clip_records(s, list(ids))


def clip(lib, clip_id: int) -> ClipRecord:
    found = clips(lib, [clip_id])
    if not found:
        raise NotFound(f"clip {clip_id}: no longer in the library (deleted or undone)")
    return found[0]


def film_clips(lib, film_id: int) -> list[ClipRecord]:
    with lib.read() as s:
        return queries.clip_records(s, queries.clip_ids(s, ClipFilter(film_ids=[film_id])))


# -- codebook, prototypes, events, people ------------------------------------------------
def tags(lib, include_archived: bool = False) -> list[TagRecord]:
    with lib.read() as s:
        return [tag_record(t) for t in queries.tags(s, include_archived)]


def tags_by_id(lib, tag_ids) -> list[TagRecord]:
    """Just these tags (archived too); a view refreshing what a change named reads these."""
    with lib.read() as s:
        return [tag_record(t) for t in queries.tags(s, True, list(tag_ids))]


def closest_tags(lib, name: str) -> list[str]:
    """The codebook's tags most like a name it lacks (``KIND:NAME``, closest first, at most three)."""
    from app import lookup

    with lib.read() as s:
        return lookup.closest_tags(s, name)


def tag(lib, tag_id: int) -> TagRecord:
    found = next((t for t in tags(lib, include_archived=True) if t.id == tag_id), None)
    if found is None:
        raise NotFound(f"tag {tag_id}: no longer in the codebook")
    return found


def tag_counts(lib, tag_ids=None) -> dict[int, int]:
    with lib.read() as s:
        return queries.tag_counts(s, None if tag_ids is None else list(tag_ids))


def clips_all_have_tag(lib, clip_ids: list[int], tag_id: int) -> bool:
    with lib.read() as s:
        return queries.clips_with_tag(s, clip_ids, tag_id) == set(clip_ids)


def prototypes(lib, prototype_ids=None) -> list[PrototypeRecord]:
    """Every prototype, or just ``prototype_ids`` (what a change named)."""
    ids = None if prototype_ids is None else list(prototype_ids)
    with lib.read() as s:
        counts = queries.prototype_clip_counts(s, ids)
        return [PrototypeRecord(p.id, p.name, p.summary or "", p.stage, counts.get(p.id, 0))
                for p in queries.prototypes(s, ids)]


def prototype(lib, prototype_id: int) -> PrototypeRecord:
    found = next((p for p in prototypes(lib) if p.id == prototype_id), None)
    if found is None:
        raise NotFound(f"prototype {prototype_id}: no longer in the library")
    return found


def events(lib) -> list[EventRecord]:
    with lib.read() as s:
        return [EventRecord(e.id, e.name) for e in queries.events(s)]


def people(lib) -> list[PersonRecord]:
    with lib.read() as s:
        return [person_record(p) for p in queries.people(s)]


def film_people(lib, film_id: int) -> list[PersonRecord]:
    with lib.read() as s:
        return [person_record(p) for p in queries.film_people(s, film_id)]


# -- reels -------------------------------------------------------------------------------
def reels(lib) -> list[ReelRecord]:
    with lib.read() as s:
        return [reel_record(r, n) for r, n in queries.reels_with_counts(s)]


def reel(lib, reel_id: int) -> ReelRecord:
    found = next((r for r in reels(lib) if r.id == reel_id), None)
    if found is None:
        raise NotFound(f"reel {reel_id}: no longer in the library")
    return found


def reel_plan(lib, reel_id: int) -> ReelPlan:
    """The reel as the exporters and the preview see it (one query per table, not per item)."""
    with lib.read() as s:
        return plan_builder.build(lib, s, reel_id)


def reel_item_ids(lib, reel_id: int) -> list[int]:
    with lib.read() as s:
        return queries.reel_item_ids(s, reel_id)


def reel_item_questions(lib, reel_id: int) -> dict[int, str]:
    with lib.read() as s:
        return queries.reel_item_questions(s, reel_id)


def clip_plan_items(lib, clip_ids: list[int]) -> list[PlanItem]:
    """Clips as a reel's items would show them (for playing an evidence group in order)."""
    with lib.read() as s:
        return plan_builder.clip_items(lib, s, clip_ids)


def reviews(lib, review_ids=None) -> list:
    """Every review as a ``app.reviews.review_records`` record (newest first, as that module orders
    them), or just ``review_ids`` (what a change named)."""
    from app.reviews import review_records

    with lib.read() as s:
        return review_records.review_records(s, None if review_ids is None else list(review_ids))


# -- transcripts -------------------------------------------------------------------------
def transcript(lib, film_id: int):
    """The film's transcript (``app.transcripts.transcripts.TranscriptRecord``), or None."""
    from app.transcripts import transcripts

    with lib.read() as s:
        return transcripts.transcript_record(s, film_id)


def transcript_lines(lib, segment_ids: list[int]) -> list:
    """Just these lines of a transcript (``SegmentRecord``s; lines no longer there are left out)."""
    from app.transcripts import transcripts

    with lib.read() as s:
        return transcripts.lines(s, segment_ids)


def said(lib, words: str, limit: int = 50, prefix_last: bool = False) -> list:
    """The moments ``words`` were said, best first (``app.transcripts.search.Moment``)."""
    from app.transcripts import search

    with lib.read() as s:
        return search.said(s, words, limit=limit, prefix_last=prefix_last)


def transcription_on(lib) -> bool:
    from app.transcripts import transcripts

    return transcripts.is_on(lib)


def speakers(lib, film_id: int | None = None) -> list[str]:
    from app.transcripts import transcripts

    with lib.read() as s:
        return transcripts.speakers(s, film_id)


def transcribed_count(lib) -> int:
    from app.transcripts import transcripts

    with lib.read() as s:
        return len(transcripts.transcribed(s))
