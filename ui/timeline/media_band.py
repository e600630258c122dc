"""The film's pictures and sound under the ruler: thumbnails, then the waveform.

Drawn once per view (zoom level, scroll position, width) into a pixmap and reused, so a
playhead moving during playback costs one pixmap copy instead of a per-pixel redraw. This is
the one place that knows how a film's thumbnails and peaks become pixels: tiles per zoom level
for multi-hour films belong here.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap

from ui.timeline.film_media import FilmMedia
from ui.timeline.bands import MEDIA_H, THUMB_H, WAVE_H
from ui.timeline.viewport import Viewport

PEAK_US = 10_000  # media/analysis/waveform.py stores one peak per 10 ms
COARSE_PEAK_US = 1_000_000  # ui/timeline/film_media.py's coarse_peaks: the loudest of each second
BACKGROUND, EMPTY_THUMBS, WAVE_BG, WAVE_FG = "#1d2025", "#262a30", "#15171b", "#5fb3d9"


class MediaBand:
    def __init__(self) -> None:
        self.media: FilmMedia | None = None
        self._cache: QPixmap | None = None
        self._cache_key: tuple | None = None
        self.renders = 0  # how often the band was drawn afresh (tests and the bench read it)

    def set_media(self, media: FilmMedia | None) -> None:
        self.media = media
        self.invalidate()

    def invalidate(self) -> None:
        self._cache, self._cache_key = None, None

    def paint(self, p: QPainter, view: Viewport, top: float, ratio: float = 1.0) -> None:
        key = (view.key(), ratio, id(self.media))
        if self._cache is None or self._cache_key != key:
            self._cache, self._cache_key = self._render(view, ratio), key
            self.renders += 1
        p.drawPixmap(QPointF(0, top), self._cache)

    def _render(self, view: Viewport, ratio: float) -> QPixmap:
        pix = QPixmap(int(view.width_px * ratio), int(MEDIA_H * ratio))
        pix.setDevicePixelRatio(ratio)
        pix.fill(QColor(BACKGROUND))
        p = QPainter(pix)
        self._paint_thumbnails(p, view)
        self._paint_waveform(p, view, THUMB_H)
        p.end()
        return pix

    def _paint_thumbnails(self, p: QPainter, view: Viewport) -> None:
        """Tiles for the visible span only; their pages are read when first needed. While a
        film is still being imported, tiles not yet made are left empty (not repeated)."""
        media = self.media
        p.fillRect(QRectF(0, 0, view.width_px, THUMB_H), QColor(EMPTY_THUMBS))
        strip = media.strip if media is not None else None
        if strip is None:
            return
        tile_w = strip.tile_width * THUMB_H / strip.tile_height
        level = strip.level_for(tile_w * view.us_per_px)  # zoomed out: a coarse level, few pages
        end = min(view.x_of(view.duration_us), view.width_px)
        x = 0.0
        while x < end:
            at = view.us_at(x + tile_w / 2)
            index = strip.nearest(at, level)
            if strip.complete or abs(strip.times_us[index] - at) <= strip.interval_us * strip.level_step ** level:
                found = media.tile_source(index, level)
                if found is not None:
                    p.drawPixmap(QRectF(x, 0, tile_w, THUMB_H), *found)
            x += tile_w
        if end < view.width_px:
            p.fillRect(QRectF(end, 0, view.width_px - end, THUMB_H), QColor(BACKGROUND))

    def _paint_waveform(self, p: QPainter, view: Viewport, top: float) -> None:
        p.fillRect(QRectF(0, top, view.width_px, WAVE_H), QColor(WAVE_BG))
        media = self.media
        if media is not None and view.us_per_px >= COARSE_PEAK_US:  # hours on screen: 1 s peaks
            heights = waveform_columns(media.coarse_peaks, view, WAVE_H / 2 - 1, media.loudest, COARSE_PEAK_US)
        else:
            heights = waveform_columns(media.peaks if media else None, view, WAVE_H / 2 - 1,
                                       media.loudest if media else None)
        if heights is None:
            return
        # One picture from the column heights (numpy), not a line per pixel column.
        rows = np.abs(np.arange(WAVE_H) + 0.5 - WAVE_H / 2)[:, None]
        lit = (rows <= heights[None, :] + 0.5) & (heights[None, :] > 0)
        pixels = np.empty((WAVE_H, len(heights), 4), np.uint8)
        pixels[...] = _bgra(WAVE_BG)
        pixels[lit] = _bgra(WAVE_FG)
        image = QImage(pixels.data, len(heights), WAVE_H, len(heights) * 4, QImage.Format.Format_ARGB32)
        p.drawImage(QPointF(0, top), image)


def _bgra(colour: str) -> tuple[int, int, int, int]:
    c = QColor(colour)
    return c.blue(), c.green(), c.red(), 255


def waveform_columns(peaks: np.ndarray | None, view: Viewport, half_height: float,
                     loudest: float | None = None, peak_us: int = PEAK_US) -> np.ndarray | None:
    """Half-height of the waveform in each pixel column on screen (0 where there is no sound
    data), scaled to the film's loudest peak so quiet rooms stay readable."""
    if peaks is None or len(peaks) == 0:
        return None
    width = max(min(int(view.x_of(view.duration_us)) + 1, view.width_px), 0)
    if width == 0:
        return np.zeros(0)
    edges = np.round(view.left_us + np.arange(width + 1) * view.us_per_px).astype(np.int64) // peak_us
    starts = np.clip(edges[:-1], 0, len(peaks))
    stops = np.clip(np.maximum(edges[1:], edges[:-1] + 1), 0, len(peaks))
    loudest = max(float(loudest if loudest is not None else peaks.max()), 1.0)
    out = np.zeros(width)
    valid = np.nonzero(stops > starts)[0]
    if len(valid):
        # The loudest peak of each column's stretch of sound in one pass: reduceat takes each
        # stretch up to the next start (a column narrower than one peak gets that peak); only
        # the last stretch runs on to the end of the array, so it is taken on its own.
        maxima = np.maximum.reduceat(peaks, starts[valid]).astype(np.float64)
        last = valid[-1]
        maxima[-1] = float(peaks[starts[last]:stops[last]].max())
        out[valid] = np.maximum(maxima / loudest * half_height, 0.5)
    return out
