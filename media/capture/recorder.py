"""Recording: capture sources and a crash-safe recorder.

The recorder encodes H.264 + AAC with PyAV into fragmented MP4 (a fragment per second, each
flushed to disk as it is written), so a recording cut off by a crash, a kill or a power cut
keeps everything up to the last second or so; ``recover`` remuxes what survived into a
normal MP4. (docs/measured.md: QtMultimedia's recorder has no H.264 and its MP4 is unreadable after a
crash; this way kept 2.0 of 2.3 s when killed.) Timestamps come from frame and sample counts,
so sound and picture cannot drift apart however long the take.
"""

from __future__ import annotations

import json
import math
import os
import time
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Iterator, Protocol

import av
import numpy as np

from media import oslayer
from media.jobs import CancelToken
from media.files import pid_alive

RATE = 48_000
AAC_PRIMING = 1024  # samples FFmpeg's AAC encoder puts before the sound (its encoder delay)
SIDECAR = ".json"
# Takes this process is recording or bringing into the library right now. Their sidecars name
# this process, which is alive, so they are not interrupted (the start-up check for interrupted
# takes may run while the first take of the session is already going).
_IN_HAND: set[Path] = set()


class CaptureSource(Protocol):
    name: str
    width: int
    height: int
    fps: Fraction

    def frames(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yields (rgb frame H×W×3 uint8, float32 stereo samples 2×N for that frame's span)."""


class TestSource:
    """A moving pattern with a frame counter and a 440 Hz tone: the whole recording path,
    testable on machines with no camera or microphone."""

    name = "Test pattern and tone"
    __test__ = False  # not a pytest test class, despite its name

    def __init__(self, width: int = 640, height: int = 360, fps: Fraction = Fraction(30)) -> None:
        self.width, self.height, self.fps = width, height, fps
        self._samples_done = 0

    def frame(self, index: int) -> np.ndarray:
        img = np.empty((self.height, self.width, 3), dtype=np.uint8)
        x = np.arange(self.width, dtype=np.uint16)
        img[:, :, 0] = ((x + (index * 4) % 256) % 256).astype(np.uint8)[None, :]  # never overflows, however long
        img[:, :, 1] = 90
        img[:, :, 2] = ((np.arange(self.height)[:, None] + (index * 2) % 256) % 256).astype(np.uint8)
        for bit in range(16):  # the frame number as a bar code along the top, like tests' films
            img[0:16, bit * 16:(bit + 1) * 16] = 255 if (index >> bit) & 1 else 0
        return img

    def frames(self):
        index = 0
        while True:
            # Each frame carries the sound up to its end: counts, not clocks, so no drift.
            end = round(Fraction(index + 1) / self.fps * RATE)
            t = (np.arange(self._samples_done, end) / RATE).astype(np.float32)
            tone = (0.25 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
            self._samples_done = end
            yield self.frame(index), np.vstack([tone, tone])
            index += 1


@dataclass
class Take:
    path: Path
    frames: int
    samples: int


class Recorder:
    """Writes one take. Call ``add`` per frame (with its sound), then ``close``."""

    def __init__(self, path: Path, width: int, height: int, fps: Fraction, meta: dict | None = None) -> None:
        self.path = Path(path)
        self.fps = fps
        self.container = av.open(str(self.path), "w", format="mp4", options={
            # Fragmented: every fragment stands alone, so a cut-off file still plays.
            "movflags": "frag_keyframe+empty_moov+default_base_moof",
            "flush_packets": "1",  # no bytes wait in FFmpeg's buffers
            # Leave the video's timestamps alone (FFmpeg's default moved every frame but the
            # first by the AAC priming, so the first lasted 21 ms too long: "variable rate").
            "avoid_negative_ts": "make_non_negative",
        })
        self.video = self.container.add_stream("libx264", rate=fps)
        self.video.width, self.video.height, self.video.pix_fmt = width, height, "yuv420p"
        gop = max(1, round(fps))
        self.video.options = {"preset": "veryfast", "crf": "23", "tune": "zerolatency",
                              "x264-params": f"keyint={gop}:min-keyint={gop}:scenecut=0"}
        self.audio = self.container.add_stream("aac", rate=RATE, layout="stereo")
        self.audio.bit_rate = 160_000
        self.frames = 0
        self.samples = 0
        # Players decode the AAC encoder's priming as the track's first 21 ms, and a fragmented
        # MP4 cannot say to skip it. So the take's first AAC_PRIMING samples of sound are left
        # out, and every later sample plays exactly under its picture.
        self._skip = AAC_PRIMING
        sidecar = self.path.with_suffix(self.path.suffix + SIDECAR)
        _IN_HAND.add(self.path.resolve())
        sidecar.write_text(json.dumps({"pid": os.getpid(), "started": time.time(), **(meta or {})}))

    def add(self, rgb: np.ndarray, sound: np.ndarray) -> None:
        frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
        frame.pts = self.frames
        frame.time_base = 1 / self.fps
        self.frames += 1
        for packet in self.video.encode(frame):
            self.container.mux(packet)
        if self._skip:
            dropped = min(self._skip, sound.shape[1])
            sound, self._skip = sound[:, dropped:], self._skip - dropped
        block = av.AudioFrame.from_ndarray(np.ascontiguousarray(sound, dtype=np.float32), format="fltp",
                                           layout="stereo")
        block.sample_rate = RATE
        block.pts = self.samples
        self.samples += sound.shape[1]
        for packet in self.audio.encode(block):
            self.container.mux(packet)
        if self.frames % max(1, round(self.fps)) == 0:
            self.flush()

    def flush(self) -> None:
        """Push what is written to the disk: a power cut loses at most the last second."""
        with open(self.path, "rb+") as fh:
            os.fsync(fh.fileno())

    def close(self) -> Take:
        for stream in (self.video, self.audio):
            for packet in stream.encode(None):
                self.container.mux(packet)
        self.container.close()
        return Take(self.path, self.frames, self.samples)


def record(source, path: Path, seconds: float | None, cancel: CancelToken | None = None,
           realtime: bool = True, meta: dict | None = None, on_frame=None) -> Take:
    """Record from ``source`` until ``seconds`` or cancel; paced to the clock when realtime."""
    cancel = cancel or CancelToken()
    recorder = Recorder(path, source.width, source.height, source.fps, meta)
    limit = math.inf if seconds is None else round(Fraction(seconds).limit_denominator(1000) * source.fps)
    started = time.monotonic()
    try:
        for index, (rgb, sound) in enumerate(source.frames()):
            if index >= limit or cancel.cancelled:
                break
            if realtime:
                wait = started + float(index / source.fps) - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
            recorder.add(rgb, sound)
            if on_frame is not None:
                on_frame(index, rgb, sound)
    finally:
        take = recorder.close()
    return take


def let_go(take: Path) -> None:
    """The take is in the library, kept aside, or given up: no longer this process's to finish."""
    _IN_HAND.discard(Path(take).resolve())


def interrupted(folder: Path) -> list[Path]:
    """Takes in ``folder`` whose recording process is gone (crashed, killed, power cut)."""
    found = []
    for sidecar in sorted(folder.glob("*" + SIDECAR)):
        take = sidecar.with_name(sidecar.name[: -len(SIDECAR)])
        try:
            pid = json.loads(sidecar.read_text()).get("pid")
        except (OSError, ValueError):
            pid = None
        if pid == os.getpid() and take.resolve() in _IN_HAND:
            continue
        if pid and pid != os.getpid() and pid_alive(pid):
            continue  # (a sidecar naming this process but not in hand: an earlier process had its pid)
        if take.exists():
            found.append(take)
        else:
            sidecar.unlink(missing_ok=True)
    return found


def remux(take: Path, out: Path) -> Path:
    """Rewrite what survived of a fragmented take as a normal MP4 (no re-encoding)."""
    from imageio_ffmpeg import get_ffmpeg_exe

    done = oslayer.run([get_ffmpeg_exe(), "-v", "error", "-y", "-i", str(take), "-c", "copy",
                           "-movflags", "+faststart", str(out)], capture_output=True, text=True)
    if done.returncode != 0 or not out.exists():
        raise ValueError(f"{take.name}: nothing playable survived ({done.stderr.strip()[-200:]})")
    return out
