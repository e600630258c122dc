"""Audio waveform peaks: the loudest sample of every 10 ms, for drawing under the timeline.

Peaks are computed as the sound is decoded and appended to ``peaks.u8`` (one byte per
10 ms, 0..255), so memory does not grow with the film (a 6-hour film is 2 MB on disk) and a
reader sees the peaks that have arrived while the rest is still being decoded. Readers map
the file rather than loading it. Libraries made earlier hold ``peaks.npy``; it still reads.
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

PEAKS_PER_SECOND = 100
PEAK_RATE = 8000  # mono resample rate before taking peaks: plenty for a drawing
PER_PEAK = PEAK_RATE // PEAKS_PER_SECOND
PEAKS_FILE = "peaks.u8"
LEGACY_PEAKS_FILE = "peaks.npy"
FLUSH_EVERY = 100 * 60  # peaks (one minute of sound) between writes to disk


class PeakCollector:
    """Fed decoded audio frames; appends one 0..255 peak per 10 ms of film time to a file."""

    def __init__(self, folder: Path) -> None:
        self._resampler = av.AudioResampler(format="flt", layout="mono", rate=PEAK_RATE)
        self._rest = np.zeros(0, dtype=np.float32)  # samples short of a whole peak
        self._ready: list[np.ndarray] = []
        self._pending = 0
        self._out = open(folder / PEAKS_FILE, "wb")
        self.count = 0

    def add(self, frame) -> None:
        for out in self._resampler.resample(frame):
            self._take(out.to_ndarray().reshape(-1))

    def _take(self, samples: np.ndarray) -> None:
        samples = np.concatenate([self._rest, np.abs(samples)])
        whole = len(samples) // PER_PEAK * PER_PEAK
        self._rest = samples[whole:]
        if whole:
            self._push(samples[:whole].reshape(-1, PER_PEAK).max(axis=1))

    def _push(self, peaks: np.ndarray) -> None:
        self._ready.append(np.clip(peaks * 255.0, 0, 255).astype(np.uint8))
        self._pending += len(peaks)
        if self._pending >= FLUSH_EVERY:
            self._write()

    def _write(self) -> None:
        for chunk in self._ready:
            self._out.write(chunk.tobytes())
            self.count += len(chunk)
        self._out.flush()
        self._ready, self._pending = [], 0

    def finish(self) -> None:
        for out in self._resampler.resample(None):
            self._take(out.to_ndarray().reshape(-1))
        if len(self._rest):
            self._push(np.array([self._rest.max()], dtype=np.float32))
            self._rest = np.zeros(0, dtype=np.float32)
        self._write()
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
