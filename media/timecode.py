"""Exact time. Every time in ProtoReel is an integer number of microseconds.

Frame rates are ``Fraction``s (``Fraction(30000, 1001)``). Ranges are half-open: a clip
``[start_us, end_us)`` holds the frames whose start time lies in it. Floats appear only at
the boundary with libraries that want seconds.

Accepted timecodes: ``SS.sss``, ``MM:SS.sss``, ``HH:MM:SS.sss`` (fractions optional, up to
microseconds) and ``HH:MM:SS:FF``, where ``HH:MM:SS`` is the wall-clock second and ``FF``
counts frames from the first frame that starts in that second. For whole-number rates that is
the ordinary (non-drop) timecode; for 29.97 it stays true to the clock instead of drifting.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

from media.errors import BadInput

US = 1_000_000

# re.ASCII: \d would also match '١٢' (Arabic-Indic digits), which int() then reads as 12.
_CLOCK = re.compile(r"^(?:(?:(\d+):)?(\d+):)?(\d+)(?:\.(\d{1,6}))?$", re.ASCII)
_FRAMES = re.compile(r"^(\d+):(\d{1,2}):(\d{1,2})[:;](\d+)$", re.ASCII)


def parse_fps(text: str | Fraction | int | float | None) -> Fraction | None:
    """``"30000/1001"``, ``"25"``, ``29.97`` → Fraction; None stays None."""
    if text is None or text == "":
        return None
    try:
        fps = Fraction(text) if not isinstance(text, float) else Fraction(text).limit_denominator(1001)
    except (ValueError, ZeroDivisionError) as exc:
        raise BadInput(f"frame rate {text!r}: not a number or fraction") from exc
    if fps <= 0:
        raise BadInput(f"frame rate {text!r}: must be positive")
    return fps


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
    (FACTS.md measured 8 of 28), the middle never does."""
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


def from_seconds(seconds: float | Fraction) -> int:
    return round(Fraction(seconds) * US) if not isinstance(seconds, float) else round(seconds * US)


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
    h, mi, s, ff = (int(g) for g in m.groups())
    if fps is None:
        raise BadInput(f"timecode {raw!r}: frames (FF) need a film with a frame rate")
    if mi >= 60 or s >= 60:
        raise BadInput(f"timecode {raw!r}: minutes and seconds must be below 60")
    second = (h * 60 + mi) * 60 + s
    first = math.ceil(second * fps)  # first frame starting in this second
    in_second = math.ceil((second + 1) * fps) - first
    if ff >= in_second:
        raise BadInput(f"timecode {raw!r}: frame {ff} does not exist at {fps_str(fps)} fps (0–{in_second - 1})")
    return frame_start_us(first + ff, fps)


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


def format_timecode(us: int, fps: Fraction | None) -> str:
    """``HH:MM:SS:FF`` of the frame showing at ``us``; without a rate, ``HH:MM:SS.sss``."""
    if fps is None:
        return format_clock(us)
    us = max(us, 0)
    index = frame_index_at(us, fps)
    start = Fraction(index) / fps
    second = math.floor(start)
    ff = index - math.ceil(second * fps)
    h, rem = divmod(second, 3600)
    m, s = divmod(rem, 60)
    return f"{h:02d}:{m:02d}:{s:02d}:{ff:02d}"
