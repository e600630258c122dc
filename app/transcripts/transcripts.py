"""Transcripts in the library: the on/off setting, storing what ``media.speech`` heard, reading it
as plain records, and what facilitators do with it (correct a word, name a speaker, make a clip
or a quote from words). Every edit is one undoable step; storing a transcript is not (it records
what the computer heard, like an import finishing)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.orm import Session

from app import lookup
from app.library import Library
from app.models import Clip, Film, LibraryMeta, Transcript, TranscriptSegment
from media import timecode
from media.errors import BadInput, NotFound

SETTING = "transcription"  # LibraryMeta key: "off" switches transcription off for this library
MAX_WORD_CHARS = 100
MAX_LINE_US = 30_000_000  # a stored line is never longer (longer ones are split): searching relies on it
MAX_SPEAKER_CHARS = 100


# -- the setting -------------------------------------------------------------------------------
def is_on(lib: Library) -> bool:
    """Whether this library may hear its films (on unless a facilitator switched it off)."""
    return lib.meta(SETTING) != "off"


def switch(lib: Library, on: bool) -> None:
    """Switch transcription on or off for this library (the app and the command line alike)."""
    with lib.op("Switch transcription " + ("on" if on else "off")) as s:
        row = s.get(LibraryMeta, SETTING)
        if row is None:
            s.add(LibraryMeta(key=SETTING, value="on" if on else "off"))
        else:
            row.value = "on" if on else "off"


def delete_all(lib: Library) -> int:
    """Delete every transcript of the library (their words, corrections and speakers). Not
    undoable (Settings asks first). Returns how many there were."""
    with lib.op("Delete every transcript", undoable=False) as s:
        heads = list(s.scalars(select(Transcript)))
        s.execute(delete(TranscriptSegment))  # all at once (the heads below say what changed)
        for head in heads:
            s.delete(head)
        count = len(heads)
    lib.undo_stack.forget(lambda step: any(r.table in ("transcripts", "transcript_segments") for r in step.rows))
    return count


OFF_MESSAGE = ("Transcription is switched off for this library (turn it on in Settings, or: "
               "protoreel transcription on)")


# -- records -----------------------------------------------------------------------------------
@dataclass
class WordRecord:
    text: str
    start_us: int
    end_us: int
    probability: float = 1.0


@dataclass
class SegmentRecord:
    id: int
    start_us: int
    end_us: int
    speaker: str
    text: str
    words: list[WordRecord] = field(default_factory=list)

    def to_json(self, film_id: int) -> dict:
        """One line of ``protoreel transcript FILM --json``."""
        return {"film": film_id, "start_us": self.start_us, "end_us": self.end_us, "speaker": self.speaker or None,
                "text": self.text, "words": [{"text": w.text, "start_us": w.start_us, "end_us": w.end_us}
                                             for w in self.words]}


@dataclass
class TranscriptRecord:
    film_id: int
    model: str
    sound_us: int
    made_at: str
    segments: list[SegmentRecord] = field(default_factory=list)

    @property
    def words(self) -> list[WordRecord]:
        return [w for s in self.segments for w in s.words]

    def to_json(self) -> dict:
        return asdict(self)


def _words(row: TranscriptSegment) -> list[WordRecord]:
    return [WordRecord(t, int(a), int(b), float(p)) for t, a, b, p in json.loads(row.words_json)]


def segment_record(row: TranscriptSegment) -> SegmentRecord:
    return SegmentRecord(row.id, row.start_us, row.end_us, row.speaker or "", row.text, _words(row))


def transcript_record(session: Session, film_id: int) -> TranscriptRecord | None:
    """The film's transcript, or None when it has not been heard yet."""
    head = session.get(Transcript, film_id)
    if head is None:
        return None
    rows = session.scalars(select(TranscriptSegment).where(TranscriptSegment.film_id == film_id)
                           .order_by(TranscriptSegment.start_us, TranscriptSegment.id))
    return TranscriptRecord(film_id, head.model, head.sound_us, head.made_at.isoformat(timespec="seconds"),
                            [segment_record(r) for r in rows])


def lines(session: Session, segment_ids: list[int]) -> list[SegmentRecord]:
    """Just these lines (those no longer there are left out)."""
    rows = session.scalars(select(TranscriptSegment).where(TranscriptSegment.id.in_(list(segment_ids))))
    return [segment_record(r) for r in rows]


def transcribed(session: Session, film_ids: list[int] | None = None) -> set[int]:
    """Which of the films (all when None) have a transcript."""
    query = select(Transcript.film_id)
    if film_ids is not None:
        query = query.where(Transcript.film_id.in_(film_ids))
    return set(session.scalars(query))


def words_between(session: Session, stretches) -> dict[int, list[tuple[str, int, int, str]]]:
    """The words said in these stretches of films, ``(film_id, start_us, end_us)`` each, as
    (text, start_us, end_us, speaker) in order, by film: what captions are made from (one query
    for all of a reel's clips, reading only the lines about them, not their films' every word)."""
    stretches = list(stretches)
    out: dict[int, list[tuple[str, int, int, str]]] = {f: [] for f, _a, _b in stretches}
    if not stretches:
        return out
    about = or_(*(and_(TranscriptSegment.film_id == f, TranscriptSegment.start_us > a - MAX_LINE_US,
                       TranscriptSegment.start_us < b, TranscriptSegment.end_us > a) for f, a, b in stretches))
    rows = session.execute(select(TranscriptSegment.film_id, TranscriptSegment.speaker, TranscriptSegment.words_json)
                           .where(about).order_by(TranscriptSegment.film_id, TranscriptSegment.start_us,
                                                  TranscriptSegment.id))
    for film_id, speaker, words_json in rows:
        out[film_id].extend((t, int(a), int(b), speaker or "") for t, a, b, _p in json.loads(words_json))
    return out


# -- storing what was heard ----------------------------------------------------------------------
def store(lib: Library, film_id: int, heard) -> int:
    """Keep ``heard`` (a ``media.speech.Transcript``) as the film's transcript, replacing any
    earlier one. Returns the number of words. Not undoable: it records what was heard."""
    with lib.op("Transcribe film", undoable=False) as s:
        lookup.by_id(s, Film, film_id)
        old = s.get(Transcript, film_id)
        if old is not None:
            s.execute(delete(TranscriptSegment).where(TranscriptSegment.film_id == film_id))
            s.delete(old)
            s.flush()
        s.add(Transcript(film_id=film_id, model=heard.model, sound_us=heard.sound_us))
        s.flush()
        count = 0
        rows = []
        for segment in heard.segments:
            words = [[w.text, w.start_us, w.end_us, round(w.probability, 3)] for w in segment.words if w.text.strip()]
            count += len(words)
            for line in _lines(words):
                rows.append(TranscriptSegment(film_id=film_id, start_us=line[0][1], end_us=line[-1][2], speaker="",
                                              text=_joined(line), words_json=json.dumps(line, ensure_ascii=False)))
        s.add_all(rows)
        return count


def _lines(words: list[list]) -> list[list[list]]:
    """A segment's words as lines of at most MAX_LINE_US (a model's segment is ~30 s at most;
    this makes it sure)."""
    lines: list[list[list]] = []
    for word in words:
        if lines and word[2] - lines[-1][0][1] <= MAX_LINE_US:
            lines[-1].append(word)
        else:
            lines.append([word])
    return lines


def _joined(words: list[list]) -> str:
    return " ".join(str(w[0]).strip() for w in words if str(w[0]).strip())


# -- what facilitators do with it ------------------------------------------------------------------
def _segment(s: Session, segment_id: int) -> TranscriptSegment:
    row = s.get(TranscriptSegment, segment_id)
    if row is None:
        raise NotFound(f"transcript line {segment_id}: no longer in the library (transcribed again, or undone)")
    return row


def _check_text(text: str, what: str, limit: int, allow_empty: bool = False) -> str:
    text = " ".join(str(text or "").split())
    if not text and not allow_empty:
        raise BadInput(f"{what} '': cannot be empty")
    if any(not ch.isprintable() for ch in text):
        raise BadInput(f"{what} {text[:40]!r}: cannot hold control characters")
    if len(text) > limit:
        raise BadInput(f"{what} {text[:40]!r}…: too long ({len(text)} characters; at most {limit})")
    return text


def correct_word(lib: Library, segment_id: int, index: int, text: str) -> str:
    """What was heard at word ``index`` of a line, put right ("read" → "red"); an empty text
    removes the word (a word heard in a cough). One undoable step; the search finds the
    corrected words at once. Returns the word's old text."""
    text = _check_text(text, "word", MAX_WORD_CHARS, allow_empty=True)
    with lib.op("Correct a word of the transcript") as s:
        row = _segment(s, segment_id)
        words = json.loads(row.words_json)
        if not 0 <= index < len(words):
            raise BadInput(f"word {index + 1} of transcript line {segment_id}: the line has {len(words)} words")
        old = words[index][0]
        if text:
            words[index][0] = text
        else:
            del words[index]
        if not words:
            s.delete(row)
            return old
        row.words_json = json.dumps(words, ensure_ascii=False)
        row.text = _joined(words)
        row.start_us, row.end_us = int(words[0][1]), int(words[-1][2])
        return old


def name_speaker(lib: Library, segment_ids: list[int], speaker: str) -> None:
    """Who says these lines ("Actor 1", "GP"; empty: nobody named). One undoable step. A speaker
    is a label like any other text: exports pass it through the name guard."""
    speaker = _check_text(speaker, "speaker", MAX_SPEAKER_CHARS, allow_empty=True)
    if not segment_ids:
        raise BadInput("speaker: choose the lines they say first")
    with lib.op("Name the speaker" if speaker else "Clear the speaker") as s:
        for segment_id in segment_ids:
            _segment(s, segment_id).speaker = speaker


def speakers(session: Session, film_id: int | None = None) -> list[str]:
    """The speaker names used so far (in this film first when given), for choosing again."""
    query = select(TranscriptSegment.speaker).where(TranscriptSegment.speaker != "").distinct()
    names = set(session.scalars(query))
    here = set(session.scalars(query.where(TranscriptSegment.film_id == film_id))) if film_id is not None else set()
    return sorted(here) + sorted(names - here)


@dataclass(frozen=True)
class WordRef:
    """A word of a transcript: its line and its place in the line."""

    segment_id: int
    index: int


def selected_words(session: Session, first: WordRef, last: WordRef) -> tuple[int, list[list]]:
    """(film id, the words from ``first`` to ``last`` in order, each [text, start, end, p])."""
    a, b = _segment(session, first.segment_id), _segment(session, last.segment_id)
    if a.film_id != b.film_id:
        raise BadInput("words from two films: choose words of one film")
    rows = session.scalars(select(TranscriptSegment).where(
        TranscriptSegment.film_id == a.film_id,
        TranscriptSegment.start_us >= min(a.start_us, b.start_us),
        TranscriptSegment.start_us <= max(a.start_us, b.start_us)).order_by(TranscriptSegment.start_us,
                                                                             TranscriptSegment.id))
    ordered = [(r.id, i, w) for r in rows for i, w in enumerate(json.loads(r.words_json))]
    keys = [(seg, i) for seg, i, _w in ordered]
    try:
        i0, i1 = keys.index((first.segment_id, first.index)), keys.index((last.segment_id, last.index))
    except ValueError:
        raise BadInput("those words are no longer in the transcript (corrected or transcribed again)") from None
    i0, i1 = min(i0, i1), max(i0, i1)
    return a.film_id, [w for _s, _i, w in ordered[i0:i1 + 1]]


def quote_of(words: list[list]) -> str:
    """Words as a quote: joined, as said."""
    return _joined(words)


def covering(lib: Library, film: Film, start_us: int, end_us: int) -> tuple[int, int]:
    """The frame-snapped range that covers [start_us, end_us): in at the start of the frame on
    screen when the first word begins, out at the end of the frame on screen when the last word
    ends (the first frame boundary at or after it), so the clip holds the words whole and at most
    a frame more on either side. Films without picture keep the words' own times."""
    from app.clips import clips

    end_us = min(end_us, film.duration_us)
    if not film.has_video or not film.fps:
        return clips.snap(lib, film, start_us, end_us)
    frame = timecode.frame_duration_us(film.fps)
    start, _ = clips.snap(lib, film, start_us, min(start_us + frame, film.duration_us))
    end = end_us
    reach = end_us - 1
    for _ in range(4):  # a variable-rate film's next frame may be longer than the nominal one
        reach = min(reach + frame, film.duration_us)
        if reach >= film.duration_us:
            end = film.duration_us
            break
        _, snapped = clips.snap(lib, film, start, reach)
        if snapped >= end_us:
            end = snapped
            break
    return start, max(end, start + 1)


def clip_from_words(lib: Library, first: WordRef, last: WordRef, title: str = "", tags: list[str] = ()) -> int:
    """A clip from the words ``first`` to ``last`` (either order): its in and out snapped to the
    film's frames so that it covers exactly those words, and the words as its quote. One
    undoable step. Returns the clip's id."""
    from app.clips import clips

    with lib.read() as s:
        film_id, words = selected_words(s, first, last)
        film = lookup.by_id(s, Film, film_id)
        start, end = covering(lib, film, int(words[0][1]), int(words[-1][2]))
    return clips.add(lib, film_id, start, end, title=title, tags=list(tags), quote=quote_of(words))


def words_of_clip(session: Session, clip_id: int) -> list[list]:
    """The transcript's words inside a clip (those whose middle lies in it), in order."""
    clip = lookup.by_id(session, Clip, clip_id)
    rows = session.scalars(select(TranscriptSegment).where(
        TranscriptSegment.film_id == clip.film_id, TranscriptSegment.end_us > clip.start_us,
        TranscriptSegment.start_us < clip.end_us).order_by(TranscriptSegment.start_us, TranscriptSegment.id))
    return [w for r in rows for w in json.loads(r.words_json) if clip.start_us <= (w[1] + w[2]) // 2 < clip.end_us]


def quote_from_transcript(lib: Library, clip_id: int) -> str:
    """The clip's quote becomes the words said in it. One undoable step; returns the quote."""
    with lib.read() as s:
        clip = lookup.by_id(s, Clip, clip_id)
        if s.get(Transcript, clip.film_id) is None:
            raise BadInput(f"clip {clip.title!r}: its film has no transcript yet (transcribe it first)")
        quote = quote_of(words_of_clip(s, clip_id))
    if not quote:
        raise BadInput(f"clip {clip.title!r}: nothing was heard said in it")
    from app.clips import clips

    clips.update(lib, clip_id, quote=quote)
    return quote


def where(film_title: str, us: int) -> str:
    return f"{film_title!r} at {timecode.format_short(us, 2)}"
