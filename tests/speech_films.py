"""Films with known speech, for the speech tests and bench/transcribe_bench.py.

Speech comes from the sample films whose words are known (../shared/samples: the JFK excerpt
and the GRID sentences) or, where Debian's espeak-ng is installed, is spoken by it. Pieces are
laid on a timeline with pauses of faint noise between them (a room is never digitally silent),
so where speech is and is not is known exactly, independently of any detector.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

RATE = 16_000
JFK = "And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country."
# GRID's sentences, from each file's corpus name (command colour preposition letter digit adverb):
# lwbsza, bbaf2n, swiz3n (SOURCES.md).
SPEECH_SAMPLES = {
    "jfk": ("audio-speech-jfk-11s-44k-stereo.flac", JFK),
    "grid-woman": ("people-talking-grid-woman-360x288p25-mpeg1-mp2.mpg", "lay white by s zero again"),
    "grid-man1": ("people-talking-grid-man1-360x288p25-mpeg1-mp2.mpg", "bin blue at f two now"),
    "grid-man2": ("people-talking-grid-man2-360x288p25-mpeg1-mp2.mpg", "set white in z three now"),
}
HELD_OUT = {"grid-man2"}  # never looked at while choosing the model, beam or settings
NOISE = 0.003  # faint white noise (about -50 dBFS) under everything


def spoken_extent(samples: np.ndarray, floor: float = 0.02) -> tuple[int, int]:
    """Where a clip's speech starts and ends: the first and last 10 ms whose RMS is above
    ``floor`` (0.02, -34 dBFS: the samples' room noise is 0.003-0.005 RMS, speech 0.05-0.3)."""
    step = RATE // 100
    frames = samples[: len(samples) - len(samples) % step].reshape(-1, step)
    loud = np.nonzero(np.sqrt(np.mean(np.square(frames, dtype=np.float64), axis=1)) > floor)[0]
    return (int(loud[0]) * step, (int(loud[-1]) + 1) * step) if len(loud) else (0, 0)


@dataclass
class Timeline:
    """Pieces of speech laid one after another with pauses; ``spans`` in samples."""

    pieces: list[np.ndarray] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)  # where each piece's sound is loud
    length: int = 0

    def pause(self, seconds: float) -> "Timeline":
        self.pieces.append(np.zeros(round(seconds * RATE), np.float32))
        self.length += len(self.pieces[-1])
        return self

    def say(self, samples: np.ndarray, text: str, floor: float = 0.02) -> "Timeline":
        start, end = spoken_extent(samples, floor)
        self.spans.append((self.length + start, self.length + end))
        self.texts.append(text)
        self.pieces.append(samples.astype(np.float32))
        self.length += len(samples)
        return self

    def samples(self, seed: int = 1) -> np.ndarray:
        mix = np.concatenate(self.pieces) if self.pieces else np.zeros(0, np.float32)
        noise = np.random.default_rng(seed).standard_normal(len(mix)).astype(np.float32) * NOISE
        return mix + noise

    @property
    def text(self) -> str:
        return " ".join(self.texts)

    def silences(self) -> list[tuple[int, int]]:
        """The stretches between the pieces' loud parts (and before the first, after the last)."""
        edges = [0] + [x for span in self.spans for x in span] + [self.length]
        return [(edges[i], edges[i + 1]) for i in range(0, len(edges), 2) if edges[i + 1] > edges[i]]


def espeak(text: str, voice: str = "en-gb", speed: int = 150) -> np.ndarray | None:
    """``text`` spoken by espeak-ng at RATE (None when espeak-ng is not installed)."""
    if shutil.which("espeak-ng") is None:
        return None
    wav = subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "--stdout", text],
                         capture_output=True, check=True).stdout
    with av.open(io.BytesIO(wav)) as container:
        resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
        out = [p.to_ndarray().reshape(-1) for f in container.decode(audio=0) for p in resampler.resample(f)]
        out += [p.to_ndarray().reshape(-1) for p in resampler.resample(None)]
    return np.concatenate(out).astype(np.float32)


def write_film(path: Path, samples: np.ndarray, *, channels: int = 2, video: bool = True,
               sound: bool = True, codec: str = "aac", rate: int = 48000) -> Path:
    """A film of ``samples`` (mono, RATE): the same sound on every channel (``channels``: 1,
    2 or 6), over a small grey picture at 25 fps (``video``), or with no sound (``sound``)."""
    layout = {1: "mono", 2: "stereo", 6: "5.1"}[channels]
    seconds = len(samples) / RATE
    with av.open(str(path), "w") as out:
        vstream = None
        if video:
            vstream = out.add_stream("libx264", rate=25)
            vstream.width, vstream.height, vstream.pix_fmt = 160, 96, "yuv420p"
            vstream.options = {"preset": "ultrafast"}
        astream = out.add_stream(codec, rate=rate, layout=layout) if sound else None
        if vstream is not None:
            grey = np.full((96, 160, 3), 110, np.uint8)
            for i in range(int(seconds * 25)):
                frame = av.VideoFrame.from_ndarray(grey, format="rgb24")
                frame.pts, frame.time_base = i, Fraction(1, 25)
                out.mux(vstream.encode(frame))
            out.mux(vstream.encode(None))
        if astream is not None:
            # To the film's rate and layout, on the film's own clock from zero.
            up = av.AudioResampler(format=astream.codec_context.format.name, layout=layout, rate=rate)
            mono = av.AudioFrame.from_ndarray(samples.reshape(1, -1).astype(np.float32), format="fltp",
                                              layout="mono")
            mono.sample_rate, mono.pts, mono.time_base = RATE, 0, Fraction(1, RATE)
            frames = up.resample(mono) + up.resample(None)
            size = astream.codec_context.frame_size or 1024
            data = np.concatenate([f.to_ndarray() for f in frames], axis=1)
            if channels > 1 and data.shape[0] == 1:  # packed: one row of interleaved samples
                data = data.reshape(-1, channels).T
            pos = 0
            fmt = astream.codec_context.format.name
            while pos < data.shape[1]:
                part = np.ascontiguousarray(data[:, pos:pos + size])
                if not astream.codec_context.format.is_planar:
                    part = part.T.reshape(1, -1)
                frame = av.AudioFrame.from_ndarray(part, format=fmt, layout=layout)
                frame.sample_rate, frame.pts, frame.time_base = rate, pos, Fraction(1, rate)
                out.mux(astream.encode(frame))
                pos += size
            out.mux(astream.encode(None))
    return path
