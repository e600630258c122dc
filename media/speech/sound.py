"""A film's sound as speech recognisers want it: mono, 16 kHz, float32, on the film's clock.

Sample ``i`` of what ``read_sound`` yields is at film time ``i / RATE`` seconds, time zero being
the container's start (what the player, the timeline and the waveform count from). Sound that
starts after time zero is preceded by silence; sound before it (encoder priming) is dropped; a
gap in the stream's timestamps (a damaged packet skipped) is filled with silence, so a word's
time never drifts from its picture. Several channels are mixed down to one by FFmpeg's matrix
into 16-bit samples, as Whisper's own loader does (``ffmpeg -ac 1 -ar 16000 -f s16le``): the
matrix is then normalised, so the mix never clips and its level is the one Whisper learnt from.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Iterator

import av
import av.error
import numpy as np

from media.jobs import CancelToken
from media.reading.probe import open_container, pick_streams

RATE = 16_000
US = 1_000_000
GAP_FILL_S = 0.05  # a jump in timestamps longer than this is silence put back, not jitter
BLOCK_SAMPLES = RATE * 10  # what read_sound yields at a time (the last block may be shorter)


def has_sound(path: Path | str) -> bool:
    """Whether ``path`` has a sound stream FFmpeg can name (it may still fail to decode)."""
    with open_container(Path(path)) as container:
        return bool(pick_streams(container)[1])


def read_sound(path: Path | str, start_s: float = 0.0, cancel: CancelToken | None = None,
               block_samples: int = BLOCK_SAMPLES, offset_us: int = 0) -> Iterator[tuple[int, np.ndarray]]:
    """Yield ``(first_sample, samples)`` blocks of the film's sound from ``start_s`` seconds of
    film time to its end: float32 mono at ``RATE``, ``first_sample`` counted from time zero.

    A film with no sound yields nothing. Raises ``UnsupportedMedia`` for a file FFmpeg cannot
    open. ``start_s`` (a resumed transcript) is reached by decoding from the start: the sound
    alone decodes hundreds of times faster than real time, and seeking in sound lands early or
    late depending on the container, which would shift every word after it."""
    path = Path(path)
    start = max(0, round(start_s * RATE))
    out = _Blocks(start, block_samples)
    with open_container(path) as container:
        audios = pick_streams(container)[1]
        if not audios:
            return
        stream = audios[0]
        # The film's zero: the container's start, or its first picture ``offset_us`` later
        # where unmarked AAC priming comes first (Film.play_offset_us).
        zero = Fraction((container.start_time or 0) + offset_us, US)
        resampler = av.AudioResampler(format="s16", layout="mono", rate=RATE)
        position = 0  # samples at RATE placed so far (film time position / RATE)
        source_next: Fraction | None = None  # where the next source frame should start (s)
        for i, packet in enumerate(container.demux(stream)):
            if cancel is not None and i % 200 == 0:
                cancel.check()
            for frame in _decode(stream, packet):
                if not frame.samples:
                    continue
                at = _frame_time(frame, stream.time_base)
                if at is not None:
                    at -= zero
                    if source_next is None or at - source_next > GAP_FILL_S:
                        # The first frame, or a gap: silence up to where this frame belongs.
                        target = round(at * RATE)
                        if target > position:
                            yield from out.add(np.zeros(target - position, np.float32))
                            position = target
                        elif target < position and source_next is None:
                            position = target  # sound that starts before time zero
                    source_next = at + Fraction(frame.samples, frame.sample_rate)
                frame.pts = None  # our own clock places the samples; the resampler need not
                try:
                    pieces = resampler.resample(frame)
                except ValueError:  # the stream changed rate or channels midway: a new mixer
                    pieces = resampler.resample(None)
                    resampler = av.AudioResampler(format="s16", layout="mono", rate=RATE)
                    pieces += resampler.resample(frame)
                for piece in pieces:
                    position = yield from _place(out, piece, position)
        for piece in resampler.resample(None):
            position = yield from _place(out, piece, position)
    yield from out.finish()


def _place(out: "_Blocks", piece, position: int):
    samples = piece.to_ndarray().reshape(-1).astype(np.float32) / 32768.0
    if position < 0:  # before time zero: dropped
        cut = min(-position, len(samples))
        samples, position = samples[cut:], position + cut
    if len(samples):
        yield from out.add(samples)
    return position + len(samples)


class _Blocks:
    """Gathers placed samples from film time zero; yields blocks from ``start`` on."""

    def __init__(self, start: int, block: int) -> None:
        self._start, self._block = start, block
        self._seen = 0  # samples placed so far
        self._pending: list[np.ndarray] = []
        self._pending_n = 0
        self._first = start

    def add(self, samples: np.ndarray):
        n = len(samples)
        if self._seen + n <= self._start:  # all before the start: skipped
            self._seen += n
            return
        if self._seen < self._start:
            samples = samples[self._start - self._seen:]
            self._seen = self._start
        self._seen += len(samples)
        self._pending.append(samples)
        self._pending_n += len(samples)
        while self._pending_n >= self._block:
            joined = np.concatenate(self._pending)
            block, rest = joined[: self._block], joined[self._block:]
            yield self._first, block
            self._first += len(block)
            self._pending, self._pending_n = ([rest] if len(rest) else []), len(rest)

    def finish(self):
        if self._pending_n:
            yield self._first, np.concatenate(self._pending)
            self._first += self._pending_n
            self._pending, self._pending_n = [], 0


def _decode(stream, packet):
    try:
        return stream.codec_context.decode(packet)
    except (av.error.FFmpegError, ValueError):
        return []  # a damaged packet: skipped, and the gap it leaves is filled with silence


def _frame_time(frame, time_base) -> Fraction | None:
    base = frame.time_base or time_base
    if frame.pts is None or base is None:
        return None
    return Fraction(frame.pts) * Fraction(base)


def whole_sound(path: Path | str, cancel: CancelToken | None = None) -> np.ndarray:
    """All of a (short) film's sound in one array: for tests and benches, not for long films."""
    blocks = [block for _, block in read_sound(path, cancel=cancel)]
    return np.concatenate(blocks) if blocks else np.zeros(0, np.float32)
