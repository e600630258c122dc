"""Find the moments something was said, across the library.

``matching_segments`` is the one place the database's own full-text search is asked: SQLite's
FTS5 index (migration 0009, kept in step by triggers), PostgreSQL's tsvector of each line with its
GIN index (migration 0012, generated columns PostgreSQL keeps in step itself), else, on a SQLite
built without FTS5, every word matched with LIKE (portable SQL). Both indexes read the same words
(``tokens``: case-folded, unaccented, split at anything not a letter or digit), find a word only
whole (or begun, for the last word as you type), and rank by the same BM25 (FTS5's ``bm25()``;
on PostgreSQL the same formula, over the same counts). The rest works on what it returns: the
moments, best first (the words together as typed first, then by rank), each narrowed from its
line to the words that match.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import asdict, dataclass

from sqlalchemy import String, and_, bindparam, cast, exists, false, func, literal_column, select, text
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.orm import Session, aliased

from app.models import SEARCH_INDEX, SEARCH_WORDS, Clip, Film, TranscriptSegment
from app.transcripts.transcripts import MAX_LINE_US

MAX_WORDS = 20  # words a search may hold
CANDIDATES = 200  # lines taken from the index before the words are looked at
RANK_AT_MOST = 2000  # words said in more lines than this are not ranked (BM25 reads every line)
FEW_LINES = 2000  # the clip list's search starts from the lines below this many, from the clips above


def tokens(text_: str) -> list[str]:
    """Words as the index reads them: case-folded, accents dropped, split at anything that is
    not a letter or a digit ("You'll" -> "you", "ll"), as FTS5's unicode61 tokenizer does."""
    plain = unicodedata.normalize("NFKD", (text_ or "").casefold())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return re.findall(r"[^\W_]+", plain)


@dataclass
class Moment:
    film_id: int
    film: str  # the film's title
    segment_id: int
    start_us: int  # where the words that match begin (film time)
    end_us: int
    text: str  # the whole line they were said in
    speaker: str = ""
    first_word: int = 0  # the matching words' place in the line, first and last
    last_word: int = 0

    def to_json(self) -> dict:
        """One line of ``protoreel said WORDS --json``."""
        return {"film": self.film_id, "start_us": self.start_us, "end_us": self.end_us, "text": self.text}

    def as_dict(self) -> dict:
        return asdict(self)


MIN_PREFIX = 2  # a word begun is looked for from its second letter (the index keeps 2- and 3-letter prefixes)


def _fts_query(words: list[str], prefix_last: bool) -> str:
    """Each word quoted (nothing typed can be read as FTS5 syntax); all must be there."""
    quoted = [f'"{w}"' for w in words]
    if prefix_last:
        quoted[-1] += "*"
    return " ".join(quoted)


def _begun(words: list[str], prefix_last: bool) -> bool:
    """Whether the last word is taken as only begun: a single letter is taken as typed."""
    return prefix_last and len(words[-1]) >= MIN_PREFIX


def has_index(session: Session) -> bool:
    """Whether the library has a full-text index of what was said: a SQLite library made where
    SQLite has FTS5 (migration 0009 leaves it out elsewhere), or a PostgreSQL one at 0012."""
    if (known := session.info.get("search_index")) is not None:
        return known
    if session.get_bind().dialect.name == "sqlite":
        found = session.scalar(text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"),
                               {"name": SEARCH_INDEX}) is not None
    elif session.get_bind().dialect.name == "postgresql":
        found = session.scalar(text("SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('transcript_segments') "
                                    "AND attname = :name AND NOT attisdropped"), {"name": SEARCH_INDEX}) is not None
    else:
        found = False
    session.info["search_index"] = found
    return found


def _phrase_query(words: list[str], prefix_last: bool) -> str:
    """The words together, in order (an FTS5 phrase)."""
    return '"' + " ".join(words) + '"' + (" *" if prefix_last else "")


def matching_segments(session: Session, words: list[str], prefix_last: bool = False, *, ranked: bool = False,
                      together: bool = False, limit: int | None = None, ordered: bool = True):
    """A query of (id, rank) for the lines holding every one of ``words`` (``together``: as a
    run, in order), best first when ``ranked`` (BM25, lower is better; ties in the order stored),
    else in the order they were stored (film, then time; ``ordered=False``: in any order, for
    counting). The only database-specific part of searching what was said."""
    if not has_index(session):
        conds = []
        for word in words:  # parts of words match too: the fallback is looser than the index
            escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            conds.append(func.lower(TranscriptSegment.text).like(f"%{escaped}%", escape="\\"))
        if together:
            conds.append(func.lower(TranscriptSegment.text).like(f"%{' '.join(words)}%"))
        query = select(TranscriptSegment.id.label("id"), literal_column("0").label("rank")).where(and_(*conds))
    elif session.get_bind().dialect.name == "postgresql":
        query = _postgres_matching(session, words, prefix_last, ranked, together, ordered)
    else:
        index = literal_column(SEARCH_INDEX)
        match = _phrase_query(words, prefix_last) if together else _fts_query(words, prefix_last)
        rank = literal_column(f"bm25({SEARCH_INDEX})") if ranked else literal_column("0")
        query = (select(literal_column("rowid").label("id"), rank.label("rank")).select_from(text(SEARCH_INDEX))
                 .where(index.op("MATCH")(match)))
        if ranked:
            query = query.order_by(literal_column("rank"), literal_column("rowid"))
    return query.limit(limit) if limit is not None else query


# PostgreSQL: the tsvector column made by migration 0012 (app/migrations/versions/0012_*.py).
VECTOR = f"transcript_segments.{SEARCH_INDEX}"
LONGEST = 2046  # bytes: PostgreSQL keeps no longer word in a tsvector (and refuses one in a query)
K1, B = 1.2, 0.75  # BM25's constants, as FTS5's bm25() has them


def _lexeme(word: str) -> str:
    """A word as a literal of PostgreSQL's tsquery or SQL (tokens are letters and digits)."""
    if not re.fullmatch(r"[^\W_]+", word):
        raise ValueError(f"not a word of the index: {word!r}")
    return "'" + word + "'"


def _tsquery(words: list[str], prefix_last: bool, together: bool) -> str:
    """Every word, each taken as written (no parsing, no stemming), all of them ('a' & 'b') or
    as a run ('a' <-> 'b'); the last one perhaps only begun ('b':*), as FTS5's query says."""
    quoted = [_lexeme(w) for w in words]
    if prefix_last:
        quoted[-1] += ":*"
    return (" <-> " if together else " & ").join(quoted)


def _postgres_match(words: list[str], prefix_last: bool, together: bool):
    """The condition on a line of ``transcript_segments`` that it says the words."""
    return literal_column(VECTOR).op("@@")(cast(bindparam(None, _tsquery(words, prefix_last, together), String),
                                                TSQUERY))


def _postgres_matching(session: Session, words: list[str], prefix_last: bool, ranked: bool, together: bool,
                       ordered: bool):
    if any(len(w.encode()) > LONGEST for w in words):
        return select(TranscriptSegment.id.label("id"), literal_column("0").label("rank")).where(false())
    match = _postgres_match(words, prefix_last, together)
    if not ranked:
        query = select(TranscriptSegment.id.label("id"), literal_column("0").label("rank")).where(match)
        return query.order_by(TranscriptSegment.id) if ordered else query
    rank = literal_column(_bm25(session, words, prefix_last))
    return (select(TranscriptSegment.id.label("id"), rank.label("rank")).where(match)
            .order_by(literal_column("rank"), TranscriptSegment.id))


def _real(x: float) -> str:
    """A double-precision literal (as SQLite's bm25() computes; not PostgreSQL's exact numeric)."""
    return f"CAST({x!r} AS double precision)"


def _bm25(session: Session, words: list[str], prefix_last: bool) -> str:
    """FTS5's bm25() as SQL on a line of ``transcript_segments``: for each word (a phrase of one
    word to FTS5), idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * words in the line / the library's
    average)), idf = ln((lines - lines with it + 0.5) / (lines with it + 0.5)), at least 1e-6;
    negated (lower is better). tf: how often the line says it (a begun word: any word it begins).

    The lines saying a word are counted exactly up to RANK_AT_MOST (FTS5 reads them from its
    index; PostgreSQL must visit each line, so "the" would take a third of a second in a big
    library); a word said in more lines than that takes the share of lines ANALYZE saw it in
    (``pg_stats``), counted exactly only where the library has no such statistics yet."""
    terms = [(w, prefix_last and k == len(words) - 1) for k, w in enumerate(words)]
    table = TranscriptSegment.__table__

    def said_in(word: str, begun: bool, at_most: int | None):
        lines = select(literal_column("1")).select_from(table).where(_postgres_match([word], begun, False))
        lines = lines.limit(at_most) if at_most else lines
        return select(func.count()).select_from(lines.subquery()).scalar_subquery()

    count = select(func.count()).select_from(table).scalar_subquery()
    total = select(func.coalesce(func.sum(literal_column(f"transcript_segments.{SEARCH_WORDS}")), 0)).select_from(
        table).scalar_subquery()
    counted = (said_in(w, b, RANK_AT_MOST) for w, b in terms)
    lines, total, *having = session.execute(select(count, total, *counted)).one()
    common = [k for k, n in enumerate(having) if n >= RANK_AT_MOST]
    if common:
        shares = _analyzed_shares(session)
        for k in common:
            word, begun = terms[k]
            if shares is None:
                having[k] = session.scalar(select(said_in(word, begun, None)))
            else:
                share = (sum(f for lexeme, f in shares.items() if lexeme.startswith(word)) if begun
                         else shares.get(word, 0))
                having[k] = max(RANK_AT_MOST, round(share * lines))
    average = total / lines if lines and total else 1.0
    parts = []
    for (word, begun), n in zip(terms, having):
        idf = math.log((lines - n + 0.5) / (n + 0.5))
        idf = idf if idf > 0 else 1e-6
        which = f"starts_with(u.lexeme, {_lexeme(word)})" if begun else f"u.lexeme = {_lexeme(word)}"
        tf = (f"(SELECT coalesce(sum(cardinality(u.positions)), 0) FROM unnest({VECTOR}) AS u "
              f"WHERE {which})")
        parts.append(f"{_real(idf)} * {tf} * {_real(K1 + 1)} / ({tf} + {_real(K1)} * ({_real(1 - B)} + {_real(B)} * "
                     f"transcript_segments.{SEARCH_WORDS} / {_real(average)}))")
    return "-(" + " + ".join(parts) + ")"


def _analyzed_shares(session: Session) -> dict[str, float] | None:
    """The words ANALYZE found most often in lines, each with the share of lines saying it; None
    before the library was ever analyzed (autovacuum does it as lines arrive)."""
    row = session.execute(text(
        "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats WHERE "
        "schemaname = current_schema() AND tablename = 'transcript_segments' AND attname = :column"),
        {"column": SEARCH_INDEX}).first()
    if row is None or row[0] is None:
        return None
    return dict(zip(row[0], row[1]))  # the frequencies end with three more figures: zip stops before them


def how_many(session: Session, words: list[str], prefix_last: bool = False, at_most: int = 10_000) -> int:
    """How many lines hold the words, counted up to ``at_most`` (the index stops there)."""
    found = matching_segments(session, words, prefix_last, limit=at_most, ordered=False).subquery()
    return session.scalar(select(func.count()).select_from(found)) or 0


def said(session: Session, query: str, limit: int = 50, prefix_last: bool = False) -> list[Moment]:
    """The moments ``query``'s words were said, best first: the words together in the order
    typed before the words apart, then the index's rank (BM25). Words said in thousands of lines
    ("the") are not worth ranking: their lines come in the order they were said, the words
    together first. ``prefix_last``: the last word may be only begun (as you type)."""
    words = tokens(query)[:MAX_WORDS]
    if not words:
        return []
    prefix_last = _begun(words, prefix_last)
    candidates = max(CANDIDATES, limit * 4)
    if how_many(session, words, prefix_last, RANK_AT_MOST + 1) <= RANK_AT_MOST:
        ids = [i for i, _r in session.execute(matching_segments(session, words, prefix_last, ranked=True,
                                                                limit=candidates))]
    else:
        ids = [] if len(words) == 1 else list(session.scalars(
            select(literal_column("id")).select_from(
                matching_segments(session, words, prefix_last, together=True, limit=candidates).subquery())))
        together = set(ids)
        ids += [i for i in session.scalars(select(literal_column("id")).select_from(
            matching_segments(session, words, prefix_last, limit=candidates).subquery())) if i not in together]
    order = {segment_id: n for n, segment_id in enumerate(ids)}
    rows = session.execute(select(TranscriptSegment, Film.title).join(Film, Film.id == TranscriptSegment.film_id)
                           .where(TranscriptSegment.id.in_(ids))) if ids else []
    moments = []
    for row, title in rows:
        words_here = json.loads(row.words_json)
        span, together = _span(words_here, words, prefix_last)
        if span is None:
            continue  # the index matched parts of words the line splits otherwise
        first, last = span
        moments.append((0 if together else 1, order[row.id], Moment(
            row.film_id, title, row.id, int(words_here[first][1]), int(words_here[last][2]), row.text,
            row.speaker or "", first, last)))
    moments.sort(key=lambda m: (m[0], m[1]))
    return [m for _t, _o, m in moments[:limit]]


def _span(line: list[list], words: list[str], prefix_last: bool) -> tuple[tuple[int, int] | None, bool]:
    """The shortest run of the line's words holding every searched word, and whether they
    stand together in the order typed. Each of the line's words may hold several tokens
    ("you'll"); the run is counted in the line's words."""
    flat: list[tuple[str, int]] = [(t, i) for i, w in enumerate(line) for t in tokens(str(w[0]))]

    def fits(token: str, wanted: str, last: bool) -> bool:
        return token.startswith(wanted) if (last and prefix_last) else token == wanted

    n = len(words)
    for start in range(len(flat) - n + 1):  # together, in order
        if all(fits(flat[start + k][0], words[k], k == n - 1) for k in range(n)):
            return (flat[start][1], flat[start + n - 1][1]), True
    best = None
    for start in range(len(flat)):  # apart: the shortest window with each of them
        missing = set(range(n))
        for end in range(start, len(flat)):
            missing -= {k for k in missing if fits(flat[end][0], words[k], k == n - 1)}
            if not missing:
                span = (flat[start][1], flat[end][1])
                if best is None or span[1] - span[0] < best[1] - best[0]:
                    best = span
                break
    return best, False


def clips_saying(session: Session, query: str):
    """A condition on ``Clip``: something said in the clip's stretch of its film holds every
    word of ``query`` (a line of the transcript overlapping the clip), the last one perhaps only
    begun (as you type; titles, notes and quotes match parts of words too). For the clip list's
    search, beside titles, notes and quotes. None for a query with no words."""
    words = tokens(query)[:MAX_WORDS]
    if not words:
        return None
    begun = _begun(words, True)
    if how_many(session, words, begun, FEW_LINES + 1) <= FEW_LINES:
        # From the few matching lines to the clips of their films that overlap them.
        ids = matching_segments(session, words, prefix_last=begun, ordered=False).subquery()
        line, clip = aliased(TranscriptSegment), aliased(Clip)
        saying = (select(clip.id).select_from(ids).join(line, line.id == ids.c.id)
                  .join(clip, and_(clip.film_id == line.film_id, clip.start_us < line.end_us,
                                   clip.end_us > line.start_us)))
        return Clip.id.in_(saying)
    # Everyday words: from each clip to the few lines about it (a line is never longer than
    # MAX_LINE_US, so the film's index finds them), each looked up among the matching ones
    # (PostgreSQL: each line's own words read, as its tsvector is on its row).
    if has_index(session) and session.get_bind().dialect.name == "postgresql":
        saying = _postgres_match(words, begun, False)
    else:
        saying = TranscriptSegment.id.in_(select(literal_column("id")).select_from(
            matching_segments(session, words, prefix_last=begun, ordered=False).subquery()))
    return exists().where(
        TranscriptSegment.film_id == Clip.film_id, TranscriptSegment.start_us > Clip.start_us - MAX_LINE_US,
        TranscriptSegment.start_us < Clip.end_us, TranscriptSegment.end_us > Clip.start_us,
        saying).correlate(Clip)
