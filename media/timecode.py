"""Exact time. Every time in ProtoReel is an integer number of microseconds.

Frame rates are ``Fraction``s (``Fraction(30000, 1001)``). Ranges are half-open: a clip
``[start_us, end_us)`` holds the frames whose start time lies in it. Floats appear only at
the boundary with libraries that want seconds.

Accepted timecodes: ``SS.sss``, ``MM:SS.sss``, ``HH:MM:SS.sss`` (fractions optional, up to
microseconds) and SMPTE ``HH:MM:SS:FF`` (non-drop: frames counted at the nominal whole rate)
or ``HH:MM:SS;FF`` (drop-frame, 29.97 and 59.94 fps), read and written by OpenTimelineIO's
``opentime`` as editing software does. Shown: drop-frame at 29.97/59.94, non-drop otherwise.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

from media.errors import BadInput

US = 1_000_000
DROP_FRAME_RATES = {Fraction(30000, 1001): 2, Fraction(60000, 1001): 4}  # frames skipped a minute

# re.ASCII: \d would also match '١٢' (Arabic-Indic digits), which int() then reads as 12.
_CLOCK = re.compile(r"^(?:(?:(\d+):)?(\d+):)?(\d+)(?:\.(\d{1,6}))?$", re.ASCII)
_FRAMES = re.compile(r"^(\d+):(\d{1,2}):(\d{1,2})[:;](\d+)$", re.ASCII)


@dataclass(frozen=True)
class FrameRange:
    """Frames ``[first, first + count)`` of one film, counted in the film's own frame index
    (``media.reading.frame_index``): the one range type for a clip's frames."""

    first: int
    count: int

    @property
    def end(self) -> int:
        """The first frame after the range."""
        return self.first + self.count

    def __contains__(self, index: int) -> bool:
        return self.first <= index < self.end


def fps_str(fps: Fraction | None) -> str | None:
    if fps is None:
        return None
    return str(fps.numerator) if fps.denominator == 1 else f"{fps.numerator}/{fps.denominator}"


def frame_index_at(us: int, fps: Fraction) -> int:
    """Index of the frame showing at time ``us`` (the last frame starting at or before it)."""
    return math.floor(Fraction(us) * fps / US)


def frame_start_us(index: int, fps: Fraction) -> int:
    """First whole microsecond at or after frame ``index``'s exact start.

    Rounding up keeps ``frame_index_at(frame_start_us(i)) == i`` for every rate.
    """
    return math.ceil(Fraction(index) * US / fps)


def seek_target_us(index: int, fps: Fraction) -> int:
    """The middle of a frame: seeking exactly onto a frame's start may land on the one before
    (docs/measured.md: 8 of 28), the middle never does."""
    return math.floor((Fraction(index) + Fraction(1, 2)) * US / fps)


def snap_to_frame(us: int, fps: Fraction | None) -> int:
    """The frame boundary nearest to ``us``."""
    if fps is None:
        return us
    return frame_start_us(round(Fraction(us) * fps / US), fps)


def frame_duration_us(fps: Fraction) -> int:
    return math.ceil(US / fps)


def to_seconds(us: int) -> float:
    return us / US


def parse(text: str, fps: Fraction | None = None) -> int:
    """Parse a timecode into microseconds; raise ``BadInput`` naming the value and the reason."""
    raw = text
    text = (text or "").strip()
    if not text:
        raise BadInput("timecode '': empty")
    m = _FRAMES.match(text)
    if m:
        return _parse_frames(raw, m, fps)
    m = _CLOCK.match(text)
    if not m:
        raise BadInput(
            f"timecode {raw!r}: not a time; use SS.sss, MM:SS.sss, HH:MM:SS.sss or HH:MM:SS:FF"
        )
    hours, minutes, secs, frac = m.groups()
    h = int(hours) if hours is not None else 0
    mi = int(minutes) if minutes is not None else 0
    s = int(secs)
    if minutes is not None and s >= 60:
        raise BadInput(f"timecode {raw!r}: seconds must be below 60")
    if hours is not None and mi >= 60:
        raise BadInput(f"timecode {raw!r}: minutes must be below 60")
    micro = int((frac or "").ljust(6, "0"))
    return ((h * 60 + mi) * 60 + s) * US + micro


def _parse_frames(raw: str, m: re.Match, fps: Fraction | None) -> int:
    """SMPTE timecode through OpenTimelineIO's ``opentime``: ``HH:MM:SS:FF`` counts frames at
    the nominal whole rate (non-drop: 30 for 29.97), ``HH:MM:SS;FF`` is drop-frame (29.97
    and 59.94 only), whose labels skip frames 0-1 (0-3 at 59.94) of each minute but every
    tenth."""
    h, mi, s, ff = (int(g) for g in m.groups())
    if fps is None:
        raise BadInput(f"timecode {raw!r}: frames (FF) need a film with a frame rate")
    if mi >= 60 or s >= 60:
        raise BadInput(f"timecode {raw!r}: minutes and seconds must be below 60")
    from opentimelineio import opentime  # here: OTIO takes ~0.5 s to import, most commands never need it

    text = raw.strip()
    nominal = math.ceil(fps) if fps.denominator != 1 else fps.numerator
    if ff >= nominal:
        raise BadInput(f"timecode {raw!r}: frame {ff} does not exist at {fps_str(fps)} fps (0–{nominal - 1})")
    if ";" in text:
        if fps not in DROP_FRAME_RATES:
            raise BadInput(f"timecode {raw!r}: drop-frame (;) is only for 29.97 and 59.94 fps films")
        dropped = DROP_FRAME_RATES[fps]
        if s == 0 and mi % 10 and ff < dropped:
            raise BadInput(f"timecode {raw!r}: drop-frame timecode skips frames 00–{dropped - 1:02d} here")
    if opentime.RationalTime.is_valid_timecode_rate(float(fps)):
        try:
            index = round(opentime.from_timecode(text, float(fps)).value)
        except ValueError as exc:
            raise BadInput(f"timecode {raw!r}: {exc}") from exc
    else:
        # A rate SMPTE does not know (a 15 fps screen recording, a time-lapse): plain frames
        # at the nominal whole rate, as non-drop timecode counts them.
        index = ((h * 60 + mi) * 60 + s) * nominal + ff
    return frame_start_us(index, fps)


def format_clock(us: int, decimals: int = 3) -> str:
    """``HH:MM:SS.sss`` (truncated, never rounded up past the real time)."""
    sign = "-" if us < 0 else ""
    us = abs(us)
    secs, micro = divmod(us, US)
    h, rem = divmod(secs, 3600)
    m, s = divmod(rem, 60)
    out = f"{sign}{h:02d}:{m:02d}:{s:02d}"
    if decimals:
        out += "." + f"{micro:06d}"[:decimals]
    return out


def format_short(us: int, decimals: int = 2) -> str:
    """The one way times are shown in the app: ``M:SS.ff`` under an hour, ``H:MM:SS.ff`` beyond
    (truncated, so a frame never shows as the next one)."""
    sign = "-" if us < 0 else ""
    secs, micro = divmod(abs(us), US)
    h, rem = divmod(secs, 3600)
    m, s = divmod(rem, 60)
    out = f"{sign}{h}:{m:02d}:{s:02d}" if h else f"{sign}{m}:{s:02d}"
    if decimals:
        out += "." + f"{micro:06d}"[:decimals]
    return out


def format_timecode(us: int, fps: Fraction | None) -> str:
    """SMPTE timecode of the frame showing at ``us`` (via ``opentime``): drop-frame with a
    ``;`` at 29.97 and 59.94 fps, non-drop otherwise; without a rate, ``HH:MM:SS.sss``."""
    if fps is None:
        return format_clock(us)
    from opentimelineio import opentime

    index = frame_index_at(max(us, 0), fps)
    rate = float(fps)
    if opentime.RationalTime.is_valid_timecode_rate(rate):
        return opentime.to_timecode(opentime.RationalTime(index, rate), rate, fps in DROP_FRAME_RATES)
    else:  # a rate SMPTE does not know: non-drop at the nominal whole rate
        nominal = max(math.ceil(fps), 1)
        seconds, ff = divmod(index, nominal)
        h, rem = divmod(seconds, 3600)
        return f"{h:02d}:{rem // 60:02d}:{rem % 60:02d}:{ff:02d}"
