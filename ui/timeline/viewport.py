"""Which stretch of the film the timeline shows, and where a time falls in pixels.

Plain arithmetic (no Qt), so zoom and scrolling are tested without a window. ``us_per_px``
is the zoom level; ``left_us`` the time at the left edge. "Fit" shows the whole film.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from media import timecode
from media.reading.frame_index import FrameIndex

MAX_PX_PER_FRAME = 24  # zooming in stops when one frame is this wide


@dataclass
class Viewport:
    duration_us: int = 1
    width_px: int = 1
    us_per_px: float = 10_000.0
    left_us: int = 0
    fit: bool = True
    fps: Fraction = Fraction(25)
    # The film's own frames: where trims snap (media.reading.frame_index).
    index: FrameIndex = field(default_factory=lambda: FrameIndex.grid(Fraction(25), 1))

    def x_of(self, us: int) -> float:
        return (us - self.left_us) / self.us_per_px

    def us_at(self, x: float) -> int:
        return int(round(self.left_us + x * self.us_per_px))

    @property
    def fit_us_per_px(self) -> float:
        return max(self.duration_us, 1) / max(self.width_px - 2, 1)

    @property
    def closest_us_per_px(self) -> float:
        return float(timecode.US / self.fps) / MAX_PX_PER_FRAME

    def reset(self, duration_us: int, fps: Fraction) -> None:
        """A new film: show all of it."""
        self.duration_us, self.fps = max(duration_us, 1), fps
        self.fit = True
        self.fit_to_width()

    def resize(self, width_px: int) -> None:
        self.width_px = max(width_px, 1)
        if self.fit:
            self.fit_to_width()
        else:
            self.clamp()

    def fit_to_width(self) -> None:
        self.us_per_px = self.fit_us_per_px
        self.left_us = 0

    def clamp(self) -> None:
        visible = self.width_px * self.us_per_px
        self.left_us = int(min(max(self.left_us, 0), max(self.duration_us - visible, 0)))

    def zoom(self, factor: float, around_x: float) -> None:
        """Zoom by ``factor`` (>1 closer) keeping the time under ``around_x`` in place."""
        anchor = self.us_at(around_x)
        fit = self.fit_us_per_px
        self.us_per_px = min(max(self.us_per_px / factor, self.closest_us_per_px), fit)
        self.fit = self.us_per_px >= fit
        self.left_us = int(anchor - around_x * self.us_per_px)
        self.clamp()

    def follow(self, us: int, margin_px: int = 10) -> bool:
        """Scroll so ``us`` is on screen (playback runs off the right edge); True if it moved."""
        x = self.x_of(us)
        if self.fit or 0 <= x <= self.width_px - margin_px:
            return False
        self.left_us = int(us - self.width_px * self.us_per_px * 0.1)
        self.clamp()
        return True

    def key(self) -> tuple:
        """Identifies what is on screen: pictures drawn for one key stay valid for it."""
        return (self.us_per_px, self.left_us, self.width_px, self.duration_us)
