"""In and out marks, on frame boundaries: In is the start of the frame on screen, Out its end,
by the film's own frame index (``media.reading.frame_index``: the one frame rule).

A mark that would make an empty or backwards range is refused with the reason, so pressing O
before the In point says why nothing happened instead of silently dropping In.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from media import timecode
from media.reading.frame_index import FrameIndex


@dataclass
class Marks:
    index: FrameIndex = field(default_factory=lambda: FrameIndex.grid(Fraction(25), 1))
    duration_us: int = 1
    in_us: int | None = None
    out_us: int | None = None

    def frame_start(self, us: int) -> int:
        return self.index.start(self.index.at(us))

    def frame_end(self, us: int) -> int:
        return min(self.index.end(self.index.at(us)), self.duration_us)

    def set_in(self, playhead_us: int) -> str | None:
        """Returns why the mark was refused, or None when it was set."""
        start = self.frame_start(playhead_us)
        if self.out_us is not None and start >= self.out_us:
            return (f"In not set: it must come before Out ({timecode.format_short(self.out_us, 2)}). "
                    "Move back, or press Esc to clear the marks.")
        self.in_us = start
        return None

    def set_out(self, playhead_us: int) -> str | None:
        end = self.frame_end(playhead_us)
        if self.in_us is not None and end <= self.in_us:
            return (f"Out not set: it must come after In ({timecode.format_short(self.in_us, 2)}). "
                    "Move forward, or press Esc to clear the marks.")
        self.out_us = end
        return None

    def clear(self) -> bool:
        """True if there was something to clear."""
        had = self.in_us is not None or self.out_us is not None
        self.in_us = self.out_us = None
        return had

    def clip_range(self, playhead_us: int) -> tuple[int, int] | str:
        """The range Enter makes (Out defaults to the frame on screen), or why there is none."""
        if self.in_us is None:
            return "No clip made: press I at the clip's first frame first (then O at its last, then Enter)."
        end = self.out_us if self.out_us is not None else self.frame_end(playhead_us)
        if end <= self.in_us:
            return (f"No clip made: the frame on screen is before In ({timecode.format_short(self.in_us, 2)}). "
                    "Move forward or press O.")
        return self.in_us, end

    def shaded(self, playhead_us: int) -> tuple[int, int] | None:
        """The range to highlight while marking (an open In runs to the playhead)."""
        if self.in_us is None and self.out_us is None:
            return None
        start = self.in_us if self.in_us is not None else self.out_us
        end = self.out_us if self.out_us is not None else self.frame_end(playhead_us)
        return start, max(end, start)
