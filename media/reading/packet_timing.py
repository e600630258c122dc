"""A film's exact timing from its packets: length, frame rate, frame count, variable rate.

Container headers lie (an MKV declaring 60 fps for 30 fps frames, an MP3 whose duration is
guessed from a bitrate), so timing comes from the packets themselves. Whoever demuxes the file
feeds each packet of the chosen streams to a ``StreamTiming``: the probe in its own pass, or the
import's thumbnail and waveform pass, so a long film is read once, not twice (``settle``).
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

US = 1_000_000
STANDARD_RATES = [Fraction(r) for r in ("24000/1001", "24", "25", "30000/1001", "30", "48", "50", "60000/1001", "60", "90", "100", "120", "240")]
SNAP_TOLERANCE = Fraction(1, 200)  # within 0.5% of a standard rate: the camera meant that rate


class StreamTiming:
    """Packet times of one stream, in its own ticks: 8 bytes a packet (a list of Python ints
    took ~5x that, 100+ MB for a 6-hour film; Fractions per packet cost seconds)."""

    def __init__(self, time_base, rate=None, sample_rate: int | None = None) -> None:
        self.time_base = Fraction(time_base) if time_base else Fraction(1, US)
        # The rate the stream's header declares: the only rate a one-frame film has.
        self.declared_rate = Fraction(rate) if rate else None
        # Sound: its samples a second (the encoder's padding is counted in samples).
        self.sample_rate = sample_rate or None
        self.pts = array("q")
        self._end_ticks: int | Fraction | None = None
        self._end_override: Fraction | None = None
        self.longest_ticks = 0  # the longest packet: a whole sound frame
        self.trims_said = False  # the file says where the encoder's priming or padding is
        self.priming_said = False  # ... its priming, at the start (what a quick look sees too)

    def add(self, packet) -> bool:
        """Count the packet; whether it has a presentation time."""
        pts = packet.pts
        if pts is None:
            return False
        # Packets an edit list cuts away (AAC encoder priming, a trimmed phone clip's head)
        # are demuxed but never shown or heard: they are not part of the film's length.
        if packet.is_discard:
            self.trims_said = self.priming_said = True
            return True
        self.pts.append(pts)
        duration = packet.duration or 0
        if duration > self.longest_ticks:
            self.longest_ticks = duration
        end = pts + duration
        if self.sample_rate and packet.has_sidedata("skip_samples"):
            end = self._without_padding(packet, pts, end)
        if self._end_ticks is None or end > self._end_ticks:
            self._end_ticks = end
        return True

    def _without_padding(self, packet, pts: int, end: int) -> int | Fraction:
        """Where a sound packet's samples end without the encoder's padding that the file
        says to discard (a WebM's last Opus packet: 648 of its 960 samples). Some muxers
        already shortened that packet's duration, some did not: the packet's whole frame is
        the stream's longest packet, less the padding, and never past its stated end."""
        self.trims_said = True
        data = bytes(packet.get_sidedata("skip_samples"))
        if len(data) >= 4 and int.from_bytes(data[0:4], "little"):
            self.priming_said = True
        padding = int.from_bytes(data[4:8], "little") if len(data) >= 8 else 0
        if not padding:
            return end
        padding_ticks = Fraction(padding) / (self.sample_rate * self.time_base)
        return max(pts, min(end, pts + self.longest_ticks - padding_ticks))

    def __len__(self) -> int:
        return len(self.pts)

    @property
    def start(self) -> Fraction | None:
        if not self.pts:
            return None
        return int(np.frombuffer(self.pts, dtype=np.int64).min()) * self.time_base

    @property
    def end(self) -> Fraction | None:
        if self._end_override is not None:
            return self._end_override
        return None if self._end_ticks is None else self._end_ticks * self.time_base

    @end.setter
    def end(self, value: Fraction) -> None:
        self._end_override = value


@dataclass
class FilmTiming:
    """What a pass over a film's packets measured: the chosen picture and sound streams, and
    the container's start. ``sure`` is False where the file has several candidate streams of a
    kind (the pass may not have read the one the probe chooses): then run the full probe."""

    video: StreamTiming | None = None
    audio: StreamTiming | None = None
    container_start_us: int | None = None
    sure: bool = True
    heard: object | None = None  # where the sound decoded (media.analysis.one_pass.SoundHeard)


def rate_and_vfr(timing: StreamTiming) -> tuple[Fraction | None, bool, int]:
    """(nominal frame rate, variable rate?, frame count) of a picture stream. Sets the
    stream's end where its last packet carries no duration."""
    time_base = timing.time_base
    pts = np.unique(np.frombuffer(timing.pts, dtype=np.int64))  # sorted, each once
    count = len(pts)
    if count < 2 or pts[-1] == pts[0]:
        # One picture: no gap to measure; the header's rate (what ffprobe says) is all there is.
        return _standard(timing.declared_rate) if timing.declared_rate else None, False, count
    # From the timestamps themselves: a missing last-packet duration (common in MKV) must
    # not bend the rate.
    measured = Fraction(count - 1) / (int(pts[-1] - pts[0]) * time_base)
    ticks = np.sort(np.diff(pts))  # gaps in stream ticks: exact, and 8 bytes each
    gaps = (Fraction(int(ticks[0])) * time_base, Fraction(int(ticks[-1])) * time_base)
    median = Fraction(int(ticks[len(ticks) // 2])) * time_base
    last = int(pts[-1]) * time_base
    if timing.end is not None and timing.end <= last:
        timing.end = last + median  # the last frame lasts as long as most
    # Ignore timestamp rounding (MKV's 1 ms ticks make 30 fps alternate 33/34 ms).
    slack = max(Fraction(3, 1000), median / 5)
    vfr = (gaps[1] - gaps[0]) > slack
    # The nominal rate is the frame grid most frames sit on (1 / the median gap): timecodes
    # count frames on it. Gaps and bursts in VFR footage then show only in ``vfr``.
    for candidate in (1 / median, measured):
        nearest = min(STANDARD_RATES, key=lambda rate: abs(candidate / rate - 1))
        if abs(candidate / nearest - 1) <= SNAP_TOLERANCE:
            return nearest, vfr, count
    return measured.limit_denominator(1001), vfr, count


def _standard(rate: Fraction) -> Fraction:
    nearest = min(STANDARD_RATES, key=lambda r: abs(rate / r - 1))
    return nearest if abs(rate / nearest - 1) <= SNAP_TOLERANCE else rate.limit_denominator(1001)


def settle(info, video: StreamTiming | None, audio: StreamTiming | None, container_start_us: int | None) -> None:
    """Set ``info``'s timing fields (a ``MediaInfo`` whose streams are already known) from
    the packets of its picture and sound streams. ``audio`` is None where the sound does
    not count (no sound, or sound that does not decode)."""
    starts, ends = [], []
    if video is not None and info.has_video:
        info.fps, info.vfr, info.frame_count = rate_and_vfr(video)
        starts.append(video.start)
        ends.append(video.end)
    if audio is not None and len(audio):
        starts.append(audio.start)
        ends.append(_heard_end(audio, video if video is not None and info.has_video else None,
                               getattr(info, "audio_codec", "")))
    if not starts:
        info.duration_us = 0
        return
    # Time zero is FFmpeg's container start (what Qt's player counts from), unless that is
    # unsaid AAC priming before the first picture (an MKV muxed by FFmpeg 5.1, an MPEG-TS:
    # priming at the container's start, the first picture 21 ms later): then the first
    # picture is the film's zero. Sound before it is encoder priming (also an MKV's AAC at
    # -21 ms, a WebM's Opus at -7 ms): never heard, so not part of the film's length.
    container_zero = Fraction(container_start_us, US) if container_start_us is not None else min(starts)
    zero, info.start_us = container_zero, round(container_zero * US)
    if (video is not None and info.has_video and video.start > zero
            and _primed_before_picture(audio, video, getattr(info, "audio_codec", ""))):
        # Rounded up as the frame index rounds a frame's start (frame 0 at 0 µs, not 1).
        zero, info.start_us = video.start, math.ceil(video.start * US)
    # Where that zero is on the player's clock (Qt's FFmpeg counts from the container's start).
    info.play_offset_us = info.start_us - round(container_zero * US)
    if video is not None and info.has_video:
        info.video_start_us = round(video.start * US)
        info.video_duration_us = max(0, round((video.end - max(video.start, zero)) * US))
    if audio is not None and len(audio):
        info.audio_duration_us = max(0, round((ends[-1] - max(audio.start, zero)) * US))
    info.duration_us = max(0, round((max(ends) - max(min(starts), zero)) * US))


def _heard_end(audio: StreamTiming, video: StreamTiming | None, codec: str) -> Fraction:
    """Where the sound really ends. An AAC encoder primes 1,024 samples before the sound and
    pads its last frame to a whole one; where the file says neither (an MKV muxed by FFmpeg 5.1:
    no discarded packets, no skip-samples side data), the priming shows as sound starting less
    than one frame before the picture (0 for 0.021 s), and sound that then outlasts the picture
    by less than one frame is the padding (6.037 s for 6.021 s), not part of the film. (Sound
    recorded beside the picture, a phone's or an MP2's, keeps every sample it has.)"""
    end = audio.end
    if video is None or video.end is None or audio.trims_said or not _primed_before_picture(audio, video, codec):
        return end
    frame = audio.longest_ticks * audio.time_base
    if video.end < end < video.end + frame:
        return video.end
    return end


def _primed_before_picture(audio: StreamTiming | None, video: StreamTiming, codec: str) -> bool:
    """AAC sound whose encoder priming the file does not mark, starting less than one sound
    frame (1,024 samples) before the first picture: FFmpeg 5.1's MKV (0 for 0.021 s), an
    MPEG-TS (1.400 s for 1.421 s). Decided from the first packets only, so a quick look at
    the file and a pass over all of it agree on it (the film's zero depends on it)."""
    if (audio is None or not len(audio) or codec != "aac" or audio.priming_said or not audio.longest_ticks
            or audio.start is None or video.start is None):
        return False
    return audio.start < video.start <= audio.start + audio.longest_ticks * audio.time_base
