"""Audio waveform peaks: the loudest sample of every 10 ms, for drawing under the timeline.

Peaks are computed as the sound is decoded and appended to ``peaks.u8`` (one byte per
10 ms, 0..255, the loudest sample of any channel), so memory does not grow with the film (a
6-hour film is 2 MB on disk) and a reader sees the peaks that have arrived while the rest is
still being decoded. Readers map the file rather than loading it. Libraries made earlier hold ``peaks.npy``; it still reads.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

PEAKS_PER_SECOND = 100
PEAKS_FILE = "peaks.u8"
LEGACY_PEAKS_FILE = "peaks.npy"
BATCH_SECONDS = 10  # sound gathered before its peaks are taken and written (2 MB at 48 kHz)
_DTYPES = {"u8": np.uint8, "s16": np.int16, "s32": np.int32, "s64": np.int64, "flt": np.float32, "dbl": np.float64}
_FULL_SCALE = {"s16": 32768.0, "s32": 2147483648.0, "s64": 9223372036854775808.0}


def loudness(kind: str, planes: list[np.ndarray], channels: int) -> np.ndarray:
    """|sample| of the loudest channel, 0..1: no mixing (a peak meter shows the loudest)."""
    if len(planes) == 1 and channels > 1:
        planes = [planes[0].reshape(-1, channels).T]  # interleaved L R L R … -> rows
    level = None
    for plane in planes:
        if kind == "u8":
            here = np.abs(plane.astype(np.float32) - 128.0) / 128.0
        else:
            here = np.abs(plane.astype(np.float32))
            if kind in _FULL_SCALE:
                here /= _FULL_SCALE[kind]
        here = here.max(axis=0) if here.ndim > 1 else here
        level = here if level is None else np.maximum(level, here)
    return level


class PeakCollector:
    """Fed decoded audio frames; appends one 0..255 peak per 10 ms of film time to a file.

    Frames are gathered for ten seconds of sound and their peaks taken in a few numpy calls
    (``maximum.reduceat``): the Python work per frame is reading its planes in place, so the
    sound of a 6-hour film costs little beyond decoding it. Peak k covers the samples from
    k·rate/100 to (k+1)·rate/100 (rounded down), so 44.1 and 22.05 kHz come out right too."""

    def __init__(self, folder: Path) -> None:
        self._out = open(folder / PEAKS_FILE, "wb")
        self._batch: list[list[np.ndarray]] = []  # each frame's planes, read in place
        self._batched = 0
        self._key: tuple | None = None  # rate, sample format, channels of the batch
        self._kind, self._dtype, self._planar, self._channels = "flt", np.float32, True, 1
        self._rate = 0
        self._rest = np.zeros(0, dtype=np.float32)  # samples after the last whole peak
        self._taken = 0  # samples of this rate before ``_rest``
        self._peaks_at_rate = 0  # peaks taken at this rate
        self._placed = False  # the first sound is put where it is in film time
        self._skip = 0  # samples still to leave out (before the film's zero)
        self.count = 0

    def add(self, frame, film_us: int | None = None) -> None:
        """``frame``'s samples; ``film_us``: the film time of its first sample (the first
        frame's places the sound: encoder priming before the film's zero is left out, sound
        that starts late follows silence)."""
        n = frame.samples
        if not n:
            return
        key = (frame.sample_rate, frame.format.name, frame.layout.nb_channels)
        if key != self._key:  # the first frame, or a stream that changes midway
            self._switch(frame, key)
        # The samples read in place (no copy; ``to_ndarray`` cost 10x as much): one array per
        # channel, or one interleaved array.
        if self._planar:
            planes = [np.frombuffer(plane, self._dtype, count=n) for plane in frame.planes]
        else:
            planes = [np.frombuffer(frame.planes[0], self._dtype, count=n * self._channels)]
        if not self._placed:
            self._placed = True
            lead = 0 if film_us is None else round(film_us * frame.sample_rate / 1_000_000)
            if lead > 0:  # silence until the sound starts
                width = 1 if self._planar else self._channels
                silence = np.full(lead * width, 128 if self._kind == "u8" else 0, self._dtype)
                planes = [np.concatenate([silence, plane]) for plane in planes]
                n += lead
            self._skip = max(-lead, 0)  # before the film's zero (encoder priming): never heard
        if self._skip:
            cut = min(self._skip, n)
            width = 1 if self._planar else self._channels
            planes, n, self._skip = [plane[cut * width:] for plane in planes], n - cut, self._skip - cut
            if not n:
                return
        self._batch.append(planes)
        self._batched += n
        if self._batched >= self._rate * BATCH_SECONDS:
            self._take_batch()

    def _switch(self, frame, key: tuple) -> None:
        self._take_batch()
        rate = max(frame.sample_rate or self._rate, PEAKS_PER_SECOND)
        if rate != self._rate:
            self._close_peak()
            self._rate, self._taken, self._peaks_at_rate = rate, 0, 0
        self._key = key
        self._kind = frame.format.name.rstrip("p")
        self._dtype = _DTYPES[self._kind]
        self._planar = frame.format.is_planar
        self._channels = frame.layout.nb_channels or 1

    def _take_batch(self) -> None:
        if not self._batch:
            return
        planes = [np.concatenate([frame[i] for frame in self._batch]) for i in range(len(self._batch[0]))]
        samples = np.concatenate([self._rest, loudness(self._kind, planes, self._channels)])
        self._batch, self._batched = [], 0
        rate, total = self._rate, self._taken + len(samples)
        whole = (PEAKS_PER_SECOND * (total + 1) - 1) // rate  # peaks ending within the samples
        if whole <= self._peaks_at_rate:
            self._rest = samples
            return
        bounds = np.arange(self._peaks_at_rate, whole + 1, dtype=np.int64) * rate // PEAKS_PER_SECOND - self._taken
        peaks = np.maximum.reduceat(samples[: bounds[-1]], bounds[:-1])
        self._write(peaks)
        self._rest = samples[bounds[-1]:]
        self._taken += int(bounds[-1])
        self._peaks_at_rate = whole

    def _close_peak(self) -> None:
        """The samples short of a whole peak at the end (or before a change of rate)."""
        if len(self._rest):
            self._write(np.array([self._rest.max()], dtype=np.float32))
            self._rest = np.zeros(0, dtype=np.float32)

    def _write(self, peaks: np.ndarray) -> None:
        self._out.write(np.clip(peaks * 255.0, 0, 255).astype(np.uint8).tobytes())
        self._out.flush()  # readers (the timeline, while importing) see the peaks so far
        self.count += len(peaks)

    def finish(self) -> None:
        self._take_batch()
        self._close_peak()
        self._out.close()

    def close(self) -> None:
        """Let go of the file without finishing (the job failed or was cancelled)."""
        self._out.close()


def load_peaks(folder: Path) -> np.ndarray | None:
    """The peaks so far, mapped from disk (not read into memory), or None if there are none."""
    path = folder / PEAKS_FILE
    if path.exists():
        if path.stat().st_size == 0:
            return np.zeros(0, dtype=np.uint8)
        return np.memmap(path, dtype=np.uint8, mode="r")
    legacy = folder / LEGACY_PEAKS_FILE
    return np.load(legacy, mmap_mode="r") if legacy.exists() else None
