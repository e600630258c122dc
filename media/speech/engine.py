"""Transcribe a film's sound on this machine, in chunks, resumable, with words kept inside speech.

The sound is heard in chunks of about a minute, each cut in a pause (never inside a word). A
finished chunk's words are appended to a journal file at once, so a crash, a kill or a cancel
loses at most the chunk under way, and the next run carries on from the last chunk written.
Where the chunks are cut depends only on the sound from the chunk's start, so a resumed
transcript is the one an uninterrupted run would have made.

Whisper's word times drift into the silence around speech (by up to half a second, measured:
see bench/transcribe_bench.py). A voice activity detector (Silero, shipped with faster-whisper)
marks where speech is, and each word is clamped into the stretch of speech it belongs to.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from media.jobs import CancelToken, ProgressFn, no_progress
from media.reading.probe import open_container, pick_streams
from media.speech.models import Recogniser, load
from media.speech.sound import RATE, read_sound
from media.speech.transcript import Segment, Transcript, Word

US = 1_000_000
CHUNK_S = 60  # a chunk's usual length: what a crash can cost (120 or 300 s took the same CPU time)
SEARCH_S = 20  # the cut is the longest pause within this many seconds before CHUNK_S + SEARCH_S / 2
MIN_PAUSE_S = 0.2  # a gap in speech shorter than this is within a sentence, not a pause
SPEECH_PAD_S = 0.02  # speech is taken to start and end this much beyond where the detector heard it
TRIM_S = 0.15  # how far the detector's edges may be moved in to where the sound dies away
JOURNAL_VERSION = 1


@dataclass(frozen=True)
class Stretch:
    """A stretch of speech, in samples of the chunk at ``RATE``."""

    start: int
    end: int


def speech_stretches(samples: np.ndarray) -> list[Stretch]:
    """Where speech is in ``samples`` (mono, RATE): Silero's voice detector, pauses of
    MIN_PAUSE_S or more kept apart, each stretch widened by SPEECH_PAD_S (soft consonants at
    a word's edges fall below the detector's threshold)."""
    if len(samples) < RATE // 10:
        return []
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    found = get_speech_timestamps(samples, VadOptions(min_silence_duration_ms=round(MIN_PAUSE_S * 1000),
                                                     speech_pad_ms=0))
    return _trimmed(samples, [Stretch(int(s["start"]), int(s["end"])) for s in found])


def _trimmed(samples: np.ndarray, stretches: list[Stretch]) -> list[Stretch]:
    """The detector's edges moved in (by TRIM_S at most) to where the sound rises above the
    room: it hears in 32 ms windows and lets go of speech late (by up to 80 ms, measured on
    espeak-ng sentences). The room is the quietest tenth of the chunk's 10 ms frames; sound
    counts from 4x (12 dB) above it. Then SPEECH_PAD_S either side."""
    step = RATE // 100
    frames = samples[: len(samples) - len(samples) % step].reshape(-1, step)
    if not len(frames):
        return stretches
    level = np.sqrt(np.mean(np.square(frames, dtype=np.float64), axis=1))
    loud = level > max(4 * float(np.percentile(level, 10)), 1e-4)
    pad, most = round(SPEECH_PAD_S * RATE), round(TRIM_S * RATE) // step
    out = []
    for stretch in stretches:
        first, last = stretch.start // step, min(-(-stretch.end // step), len(loud))
        start, end = first, last
        while start < min(first + most, last) and not loud[start]:
            start += 1
        while end > max(last - most, start + 1) and not loud[end - 1]:
            end -= 1
        if start >= end:  # nothing above the room: the detector's word is kept
            start, end = first, last
        out.append(Stretch(max(start * step - pad, 0), min(end * step + pad, len(samples))))
    return out


def choose_cut(samples: np.ndarray, stretches: list[Stretch], earliest: int, latest: int) -> int:
    """Where to end a chunk between ``earliest`` and ``latest``: the middle of the longest pause
    between stretches of speech there, else (a minute of talk without a pause) the quietest
    50 ms."""
    best, best_length = -1, 0
    edges = [Stretch(0, 0)] + stretches + [Stretch(len(samples), len(samples))]
    for before, after in zip(edges, edges[1:]):
        lo, hi = max(before.end, earliest), min(after.start, latest)
        if hi - lo > best_length:
            best, best_length = (lo + hi) // 2, hi - lo
    if best >= 0 and best_length >= RATE * MIN_PAUSE_S / 2:
        return best
    step = RATE // 20
    window = samples[earliest:latest - (latest - earliest) % step].reshape(-1, step)
    if not len(window):
        return latest
    quietest = int(np.argmin(np.square(window).mean(axis=1)))
    return earliest + quietest * step + step // 2


def clamp_words(words: list[tuple[str, float, float, float]], stretches: list[Stretch]) -> list[tuple[str, int, int, float]]:
    """Words timed in seconds of the chunk -> words in samples, each inside a stretch of speech.

    A word goes to the stretch it overlaps most (or the nearest one) and is cut to it; a word
    that lay wholly in silence keeps its length where the stretch begins or ends. Words stay in
    order and do not overlap: a word with no room left in its stretch goes to the next one (in
    the last stretch, it shares the end of the word before)."""
    if not stretches:
        return []
    out = []
    previous_end = 0
    least = RATE // 100  # 10 ms: shorter is no room
    for text, start_s, end_s, probability in words:
        start, end = round(start_s * RATE), round(end_s * RATE)
        home = max(range(len(stretches)), key=lambda i: (
            min(end, stretches[i].end) - max(start, stretches[i].start),
            -min(abs(start - stretches[i].end), abs(end - stretches[i].start))))
        length = max(end - start, least)
        for place in stretches[home:]:
            if end <= place.start:  # wholly before its speech: slid to where it starts
                start, end = place.start, place.start + length
            elif start >= place.end:  # wholly after: slid back to where it ends
                start, end = place.end - length, place.end
            start, end = max(start, place.start, previous_end), min(end, place.end)
            if end - start >= least:
                break
        else:
            end = max(previous_end, stretches[-1].start + least)
            start = max(end - least, stretches[-1].start)
        out.append((text, start, end, probability))
        previous_end = end
    return out


class Journal:
    """The chunks finished so far, one JSON line each, after a header naming what they belong to.

    A line cut short by a crash is dropped when the journal is read back."""

    def __init__(self, path: Path, header: dict) -> None:
        self.path = path
        self.header = {"journal": JOURNAL_VERSION, **header}
        self.chunks: list[dict] = []
        self.done: dict | None = None
        self._read()

    def _read(self) -> None:
        if not self.path.exists():
            self._start_over()
            return
        good, lines = 0, []
        with open(self.path, "rb") as f:
            raw = f.read()
        for line in raw.split(b"\n"):
            if not line.endswith(b"}"):
                break
            try:
                lines.append(json.loads(line))
            except ValueError:
                break
            good += len(line) + 1
        if not lines or lines[0] != self.header:
            self._start_over()  # another model, another film or another journal version
            return
        if good < len(raw):
            with open(self.path, "r+b") as f:  # the torn last line goes
                f.truncate(good)
        for entry in lines[1:]:
            if "chunk" in entry:
                self.chunks.append(entry)
            elif "done" in entry:
                self.done = entry

    def _start_over(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(self.path.suffix + ".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(json.dumps(self.header) + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)
        self.chunks, self.done = [], None

    def append(self, entry: dict) -> None:
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry, separators=(",", ":")) + "\n")
            f.flush()
            os.fsync(f.fileno())
        if "chunk" in entry:
            self.chunks.append(entry)
        else:
            self.done = entry

    @property
    def resume_at(self) -> int:
        """The sample the next chunk starts at."""
        return self.chunks[-1]["chunk"][1] if self.chunks else 0


def _sound_length_us(path: Path) -> int:
    """The sound's length as the file states it (for progress only; 0 when unknown)."""
    with open_container(path) as container:
        audios = pick_streams(container)[1]
        if not audios:
            return 0
        stream = audios[0]
        if stream.duration and stream.time_base:
            return int(stream.duration * stream.time_base * US)
        return int(container.duration or 0)


def _clock(us: int) -> str:
    seconds = max(us, 0) // US
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 \
        else f"{seconds // 60}:{seconds % 60:02d}"


def _us(samples: int) -> int:
    return samples * US // RATE


def transcribe(path: Path | str, recogniser: Recogniser | None = None, *, journal: Path | None = None,
               film_key: str = "", progress: ProgressFn = no_progress, cancel: CancelToken | None = None,
               chunk_seconds: float = CHUNK_S, offset_us: int = 0) -> Transcript:
    """What is said in the film at ``path``, as segments of words in film time.

    ``journal``: a file where finished chunks are kept (the library's cache for this film);
    given again after a crash or a cancel, the work carries on where it stopped. ``film_key``
    (the film's content hash) makes sure a journal is only ever carried on for the same film
    and model. A film with no sound gives an empty transcript. Raises ``Cancelled`` (the
    journal keeps what was finished), ``UnsupportedMedia`` for a file FFmpeg cannot open and
    ``SpeechUnavailable`` when no model is installed. ``offset_us``: the film's zero after
    the container's start (``Film.play_offset_us``)."""
    path = Path(path)
    cancel = cancel or CancelToken()
    recogniser = recogniser or load()
    total_us = _sound_length_us(path)  # raises UnsupportedMedia before any work
    chunk = int(chunk_seconds * RATE)
    search = min(int(SEARCH_S * RATE), chunk // 2)
    header = {"film": film_key, "model": recogniser.identity, "rate": RATE, "chunk": chunk}
    book = Journal(journal, header) if journal is not None else None
    if book is not None and book.done is not None:
        progress(1.0, "Transcript ready")
        return _assemble(book.chunks, recogniser.identity, book.done["end"])
    chunks = list(book.chunks) if book is not None else []
    start = chunks[-1]["chunk"][1] if chunks else 0
    prompt = _last_text(chunks)
    progress(_us(start) / total_us if total_us else 0.0, "Transcribing")

    buffer = np.zeros(0, np.float32)  # sound from ``start`` on
    heard = start

    def finish_chunk(samples: np.ndarray, at: int, stretches: list[Stretch]) -> dict:
        nonlocal prompt
        entry = _hear_chunk(recogniser, samples, at, stretches, prompt, total_us, progress, cancel)
        if book is not None:
            book.append(entry)
        chunks.append(entry)
        prompt = _last_text(chunks) or prompt
        return entry

    for first, block in read_sound(path, start_s=start / RATE, cancel=cancel, offset_us=offset_us):
        cancel.check()
        buffer = np.concatenate([buffer, block]) if len(buffer) else block
        heard = first + len(block)
        while len(buffer) >= chunk + search // 2:
            window = buffer[: chunk + search // 2]
            stretches = speech_stretches(window)
            cut = choose_cut(window, stretches, chunk - search // 2, chunk + search // 2)
            before_cut = [Stretch(s.start, min(s.end, cut)) for s in stretches if s.start < cut]
            finish_chunk(buffer[:cut], start, before_cut)
            buffer, start = buffer[cut:], start + cut
    if len(buffer):
        finish_chunk(buffer, start, speech_stretches(buffer))
        start += len(buffer)
    end = max(heard, start)
    if book is not None:
        book.append({"done": True, "end": end})
    progress(1.0, "Transcript ready")
    return _assemble(chunks, recogniser.identity, end)


def _hear_chunk(recogniser: Recogniser, samples: np.ndarray, at: int, stretches: list[Stretch], prompt: str,
                total_us: int, progress: ProgressFn, cancel: CancelToken) -> dict:
    """One chunk's words (sample ``at`` of the film is sample 0 of ``samples``; ``stretches``:
    where its speech is)."""
    entry = {"chunk": [at, at + len(samples)], "speech": [[at + s.start, at + s.end] for s in stretches],
             "segments": []}
    if not stretches:
        return entry  # silence, music too quiet to matter, or nothing at all: nothing said
    with recogniser.lock:
        pieces, _info = recogniser.whisper.transcribe(
            samples, language=recogniser.language, beam_size=recogniser.beam_size, word_timestamps=True,
            vad_filter=True, initial_prompt=prompt or None)
        for piece in pieces:  # decoded one window at a time: cancel is heard between them
            cancel.check()
            words = clamp_words([(w.word.strip(), w.start, w.end, w.probability) for w in (piece.words or [])
                                 if w.word.strip()], stretches)
            if words:
                entry["segments"].append({
                    "text": piece.text.strip(),
                    "words": [[text, at + s, at + e, round(p, 3)] for text, s, e, p in words]})
            if total_us:
                here = _us(at) + int(piece.end * US)
                progress(min(here / total_us, 0.999), f"Transcribing: {_clock(here)} of {_clock(total_us)}")
    return entry


def _last_text(chunks: list[dict]) -> str:
    """The previous chunk's last sentence, carried over as context (the model's own words)."""
    for entry in reversed(chunks):
        if entry["segments"]:
            return entry["segments"][-1]["text"][-200:]
    return ""


def _assemble(chunks: list[dict], model: str, end: int) -> Transcript:
    segments = []
    speech: list[tuple[int, int]] = []
    for entry in chunks:
        for s, e in entry["speech"]:
            speech.append((_us(s), _us(e)))
        for seg in entry["segments"]:
            words = [Word(text, _us(s), _us(e), p) for text, s, e, p in seg["words"]]
            segments.append(Segment(words[0].start_us, words[-1].end_us, seg["text"], words))
    return Transcript(segments, model, _us(end), speech)
