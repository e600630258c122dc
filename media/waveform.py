"""Audio waveform peaks: the loudest sample of every 10 ms, for drawing under the timeline."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

PEAKS_PER_SECOND = 100
PEAK_RATE = 8000  # mono resample rate before taking peaks: plenty for a drawing
PEAKS_FILE = "peaks.npy"


class PeakCollector:
    """Fed decoded audio frames; keeps one 0..255 peak per 10 ms of film time."""

    def __init__(self) -> None:
        self._resampler = av.AudioResampler(format="flt", layout="mono", rate=PEAK_RATE)
        self._chunks: list[np.ndarray] = []

    def add(self, frame) -> None:
        for out in self._resampler.resample(frame):
            self._chunks.append(out.to_ndarray().reshape(-1))

    def finish(self) -> np.ndarray:
        for out in self._resampler.resample(None):
            self._chunks.append(out.to_ndarray().reshape(-1))
        if not self._chunks:
            return np.zeros(0, dtype=np.uint8)
        samples = np.abs(np.concatenate(self._chunks))
        per = PEAK_RATE // PEAKS_PER_SECOND
        count = -(-len(samples) // per)
        padded = np.zeros(count * per, dtype=np.float32)
        padded[: len(samples)] = samples
        peaks = padded.reshape(count, per).max(axis=1)
        return np.clip(peaks * 255.0, 0, 255).astype(np.uint8)


def save_peaks(folder: Path, peaks: np.ndarray) -> None:
    with open(folder / PEAKS_FILE, "wb") as fh:
        np.save(fh, peaks)


def load_peaks(folder: Path) -> np.ndarray | None:
    path = folder / PEAKS_FILE
    return np.load(path) if path.exists() else None
