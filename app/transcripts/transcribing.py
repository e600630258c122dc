"""Hear films on this computer: one film, an event's or the whole library's, one after another.

Each film's work goes to a journal in its cache folder (``cache/<sha256>/transcript.jsonl``,
keyed by the content hash and the model), written a chunk of about a minute at a time: a crash,
a kill or Cancel loses at most the chunk under way, and the next run carries on from there.
A film asked for is marked (``transcript.wanted`` beside it) until its transcript is in the
library, so the app carries on after a crash with every film of a batch, not only the one under
way; Cancel takes the marks away (the journals stay, so asking again resumes).

Nothing is downloaded: the model ships in packages (``media.speech``); with none installed the
whole batch is refused with one plain sentence. A library with transcription switched off
(``transcripts.is_on``) hears nothing.
"""

from __future__ import annotations

import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import select

from app.library import Library
from app.models import Film
from app.transcripts import transcripts
from media.errors import BadInput, ProtoReelError
from media.jobs import CancelToken, ProgressFn, no_progress, sub_progress

JOURNAL = "transcript.jsonl"
WANTED = "transcript.wanted"


@dataclass
class Result:
    film_id: int
    title: str
    status: str  # "transcribed", "already", "no sound", "skipped"
    words: int = 0
    sound_us: int = 0
    seconds: float = 0.0  # wall time spent hearing it
    reason: str = ""  # why it was skipped

    def to_json(self) -> dict:
        return {"film": self.film_id, "title": self.title, "status": self.status, "words": self.words,
                "sound_us": self.sound_us, "seconds": round(self.seconds, 2)} | (
                    {"reason": self.reason} if self.reason else {})


@dataclass
class Candidate:
    film_id: int
    title: str
    sha256: str
    path: Path
    duration_us: int
    has_audio: bool
    missing: bool
    importing: bool
    done: bool  # has a transcript already
    play_offset_us: int = 0  # its zero after the container's start (Film.play_offset_us)

    def as_dict(self) -> dict:
        return asdict(self)


def candidates(lib: Library, film_ids: list[int]) -> list[Candidate]:
    with lib.read() as s:
        films = {f.id: f for f in s.scalars(select(Film).where(Film.id.in_(film_ids)))}
        done = transcripts.transcribed(s, film_ids)
        return [Candidate(f.id, f.title, f.sha256, lib.film_path(f), f.duration_us, f.has_audio, f.missing,
                          f.import_state is not None, f.id in done, f.play_offset_us or 0)
                for f in (films[i] for i in dict.fromkeys(film_ids) if i in films)]


def event_films(lib: Library, event_ref: str) -> list[int]:
    from app import lookup

    with lib.read() as s:
        event = lookup.event(s, event_ref)
        return list(s.scalars(select(Film.id).where(Film.event_id == event.id).order_by(Film.recorded_at, Film.id)))


def all_films(lib: Library) -> list[int]:
    with lib.read() as s:
        return list(s.scalars(select(Film.id).order_by(Film.id)))


def journal_of(lib: Library, sha256: str) -> Path:
    return lib.cache_dir(sha256) / JOURNAL


def want(lib: Library, film_ids: list[int]) -> None:
    """Mark films as asked for: carried on after a crash until their transcripts are in."""
    for c in candidates(lib, film_ids):
        if not c.done and not c.importing and lib.cache_dir(c.sha256).is_dir():
            (lib.cache_dir(c.sha256) / WANTED).touch()


def unwant(lib: Library, film_ids: list[int]) -> None:
    for c in candidates(lib, film_ids):
        if not c.importing:
            (lib.cache_dir(c.sha256) / WANTED).unlink(missing_ok=True)


def wanted(lib: Library) -> list[int]:
    """Films asked for and not transcribed yet (a crash or the app closing cut their batch short)."""
    with lib.read() as s:
        rows = s.execute(select(Film.id, Film.sha256).where(Film.import_state.is_(None)).order_by(Film.id)).all()
        done = transcripts.transcribed(s)
    return [film_id for film_id, sha in rows if film_id not in done and (lib.cache_dir(sha) / WANTED).exists()]


MODEL_ENV = "PROTOREEL_SPEECH_MODEL"  # a smaller installed model for a slow laptop ("tiny.en"); the tests use it


def load_recogniser():
    """The best speech model installed, or the one ``$PROTOREEL_SPEECH_MODEL`` names
    (``SpeechUnavailable``, a plain sentence, when none is)."""
    from media.speech import load

    return load(os.environ.get(MODEL_ENV) or None)


def check_on(lib: Library) -> None:
    if not transcripts.is_on(lib):
        raise BadInput(transcripts.OFF_MESSAGE)


def transcribe_films(lib: Library, film_ids: list[int], progress: ProgressFn = no_progress,
                     cancel: CancelToken | None = None, again: bool = False, recogniser=None,
                     on_result=None, chunk_seconds: float | None = None,
                     forget_on_cancel: bool = True) -> list[Result]:
    """Hear each film in turn and keep its transcript in the library. A film already
    transcribed is left as it is unless ``again``; a missing file or a film still importing is
    skipped, saying why. ``on_result(result)`` is called as each film is done. Raises
    ``Cancelled`` (what was heard so far stays in the journals; with ``forget_on_cancel`` the
    films are no longer asked for: the app closing keeps them, to carry on at its next start),
    ``SpeechUnavailable``."""
    from media.speech import transcribe

    cancel = cancel or CancelToken()
    check_on(lib)
    films = candidates(lib, film_ids)
    todo = [c for c in films if not c.missing and not c.importing and (again or not c.done)]
    if todo and recogniser is None:
        progress(0.0, "Loading the speech model")
        recogniser = load_recogniser()
    want(lib, [c.film_id for c in todo if c.has_audio])
    total = sum(max(c.duration_us, 1) for c in todo) or 1
    done_us = 0
    results = []

    def tell(result: Result) -> None:
        results.append(result)
        if on_result is not None:
            on_result(result)

    try:
        for n, c in enumerate(films):
            if c.missing:
                tell(Result(c.film_id, c.title, "skipped", reason="its file is missing (relink it first)"))
                continue
            if c.importing:
                tell(Result(c.film_id, c.title, "skipped", reason="still being imported; transcribe it once it is in"))
                continue
            if c.done and not again:
                tell(Result(c.film_id, c.title, "already", reason="already transcribed"))
                continue
            cancel.check()
            share = max(c.duration_us, 1) / total
            step = sub_progress(progress, done_us / total, done_us / total + share)
            position = f" ({todo.index(c) + 1} of {len(todo)})" if len(todo) > 1 else ""

            def said(fraction: float, message: str = "", title=c.title, position=position, step=step) -> None:
                step(fraction, f"“{title}”{position}: {message}" if message else f"“{title}”{position}")

            started = time.monotonic()
            journal = journal_of(lib, c.sha256)
            if again and c.done:
                journal.unlink(missing_ok=True)
            try:
                heard = transcribe(c.path, recogniser, journal=journal, film_key=c.sha256, progress=said,
                                   cancel=cancel, offset_us=c.play_offset_us,
                                   **({"chunk_seconds": chunk_seconds} if chunk_seconds else {}))
            except ProtoReelError as exc:
                raise type(exc)(f"film {c.film_id} {c.title!r}: {exc}") from exc
            words = transcripts.store(lib, c.film_id, heard)
            journal.unlink(missing_ok=True)
            (lib.cache_dir(c.sha256) / WANTED).unlink(missing_ok=True)
            done_us += max(c.duration_us, 1)
            tell(Result(c.film_id, c.title, "transcribed" if heard.sound_us else "no sound", words, heard.sound_us,
                        time.monotonic() - started))
    except BaseException:
        if cancel.cancelled and forget_on_cancel:  # asked to stop: the batch is not carried on by itself
            unwant(lib, [c.film_id for c in todo])
        raise
    progress(1.0, "Transcripts ready")
    return results

