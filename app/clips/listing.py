"""The clip list's reads at any size: a page of the matching clips in the list's order, starting
after the last row already read (keyset paging: a page costs about the same at row 200 as at
row 90,000), how many match, and where given clips stand. What a keystroke reads follows what
is on screen, not what is in the library (100,000 clips).

The list's order is the film's title, the film, the clip's start, the clip: a clip's place is
its ``key``, ``(film title, film id, start_us, clip id)``, compared as Python compares tuples of
text and numbers. SQLite compares text byte by byte (the same order); PostgreSQL is told to
compare the titles as bytes too (``COLLATE "C"``), not in its language's order, so that a key
read back can be placed among the keys already read (a clip made, moved or undone) without a
query of the whole list. The films' titles are indexed (migration 0014), so the first page
walks films in title order and each film's clips by its (film, start) index, and stops.
"""

from __future__ import annotations

from sqlalchemy import and_, func, literal, select, tuple_
from sqlalchemy.orm import Session

from app.models import Clip, ClipTag, Film
from app.queries import ClipFilter, clip_conditions

PAGE = 200  # rows read at once: several screens of the list

Key = tuple  # (film title, film id, start_us, clip id)


def _title(session: Session):
    return Film.title.collate("C") if session.get_bind().dialect.name == "postgresql" else Film.title


def _keyed(session: Session, filt: ClipFilter | None):
    title = _title(session)
    query = select(Film.title, Clip.film_id, Clip.start_us, Clip.id).select_from(Clip).join(Film, Film.id == Clip.film_id)
    conds = clip_conditions(filt, session) if filt else []
    if conds:
        query = query.where(and_(*conds))
    return query, title


def _after(title, key: Key):
    """Rows whose key is past ``key``; the title's bound first, so that an index on the
    films' titles starts there rather than at the first film."""
    t, film_id, start_us, clip_id = key
    return and_(title >= literal(t), tuple_(title, Film.id, Clip.start_us, Clip.id)
                > tuple_(literal(t), literal(film_id), literal(start_us), literal(clip_id)))


def _upto(title, key: Key):
    t, film_id, start_us, clip_id = key
    return and_(title <= literal(t), tuple_(title, Film.id, Clip.start_us, Clip.id)
                <= tuple_(literal(t), literal(film_id), literal(start_us), literal(clip_id)))


FEW = 3000  # a tag with at most this many clips: start from them and sort them


def _walk_films(session: Session, filt: ClipFilter | None) -> bool:
    """Whether SQLite should walk the films in title order and each film's clips in order,
    stopping after a page, rather than start from the matching clips and sort them all. Its
    planner, without statistics, sorted all 55,000 clips holding a common word (0.8 s) where
    the walk finds a page in 1 ms; yet a rare tag's few clips (or two tags' few in common) are
    quicker found from the tags. The tags' clips are counted from their index first."""
    if filt is None or session.get_bind().dialect.name != "sqlite":
        return False
    sets = [[t] for t in dict.fromkeys(filt.tags_all)] + ([filt.tags_any] if filt.tags_any else [])
    if sets:  # how many clips carry them all, were the tags independent
        everything = max(session.scalar(select(func.count()).select_from(Clip)) or 0, 1)
        likely = float(everything)
        for ids in sets:
            likely *= (session.scalar(select(func.count()).select_from(ClipTag).where(ClipTag.tag_id.in_(ids)))
                       or 0) / everything
        return likely > FEW
    return bool(filt.text.strip())


def page(session: Session, filt: ClipFilter | None, after: Key | None = None, limit: int | None = PAGE,
         upto: Key | None = None) -> list[Key]:
    """The keys of the matching clips in the list's order: the first ``limit`` after ``after``
    (from the start when None); with ``upto``, every one up to that key too."""
    query, title = _keyed(session, filt)
    if after is not None:
        query = query.where(_after(title, after))
    if upto is not None:
        query = query.where(_upto(title, upto))
    query = query.order_by(title, Film.id, Clip.start_us, Clip.id)
    if limit is not None:
        query = query.limit(limit)
    if _walk_films(session, filt):
        # SQLite keeps the left table of a CROSS JOIN as the outer loop: the films, by title.
        compiled = query.compile(dialect=session.get_bind().dialect, compile_kwargs={"render_postcompile": True})
        sql = str(compiled)
        plain = "FROM clips JOIN films ON films.id = clips.film_id"
        if plain in sql and compiled.positiontup is not None:
            sql = sql.replace(plain, "FROM films CROSS JOIN clips ON films.id = clips.film_id", 1)
            params = tuple(compiled.params[name] for name in compiled.positiontup)
            return [tuple(row) for row in session.connection().exec_driver_sql(sql, params)]
    return [tuple(row) for row in session.execute(query)]


def count(session: Session, filt: ClipFilter | None) -> int:
    """How many clips match (every clip has its film, so no join is needed)."""
    query = select(func.count()).select_from(Clip)
    conds = clip_conditions(filt, session) if filt else []
    if conds:
        query = query.where(and_(*conds))
    return session.scalar(query) or 0


def keys_of(session: Session, filt: ClipFilter | None, clip_ids) -> dict[int, Key]:
    """The keys of those of ``clip_ids`` that match (a clip deleted, or no longer matching,
    is left out)."""
    ids = list(clip_ids)
    if not ids:
        return {}
    query, _title_col = _keyed(session, filt)
    return {row[3]: tuple(row) for row in session.execute(query.where(Clip.id.in_(ids)))}

