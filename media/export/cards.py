"""Title cards and lower-third captions: text drawn by moviepy (Pillow, no ImageMagick) in the
font that ships with the app (``media.fonts``: the same on every machine, whatever fonts the
system has) and laid on the background here, into PNG stills that the encoder lays over or
between the clips."""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np

from media import fonts
from media.errors import StorageError

BACKGROUND = (24, 28, 34)


def _quiet_moviepy():
    # moviepy reads a .env from the working folder upwards on import (docs/measured.md): keep it from
    # picking up someone else's FFMPEG_BINARY.
    os.environ.setdefault("FFMPEG_BINARY", "auto-detect")
    from moviepy import TextClip

    return TextClip


def font_path(bold: bool = True) -> str:
    return str(fonts.font_file(bold))


def _text(TextClip, text: str, size: int, width: int, bold: bool = True, color: str = "white"):
    return TextClip(font=font_path(bold), text=text, font_size=size, color=color, method="caption",
                    size=(width, None), margin=(10, 20), text_align="center", duration=1)


def render_card(path: Path, width: int, height: int, title: str, subtitle: str = "") -> Path:
    """A full-frame card: a title, and a smaller line or two beneath. The text is laid on the
    background here, region by region, not by moviepy's compositor, which holds several
    full-frame float copies (~250 MB at 1080p, measured)."""
    TextClip = _quiet_moviepy()
    frame = np.empty((height, width, 3), dtype=np.uint8)
    frame[:] = BACKGROUND
    big = _text(TextClip, title, max(height // 14, 12), int(width * 0.8))
    _lay(frame, big, height * 0.38 - big.h / 2)
    if subtitle:
        small = _text(TextClip, subtitle, max(height // 30, 10), int(width * 0.8), bold=False, color="#c9d1d9")
        _lay(frame, small, height * 0.38 + big.h / 2 + height * 0.02)
    _save(path, frame[:, :, ::-1])
    return path


def _lay(frame: np.ndarray, clip, top: float) -> None:
    """Blend a text clip onto ``frame``, centred across, its top at ``top`` (cut at the edges)."""
    rgb = clip.get_frame(0)
    alpha = clip.mask.get_frame(0) if clip.mask is not None else np.ones(rgb.shape[:2])
    x, y = (frame.shape[1] - rgb.shape[1]) // 2, int(top)
    fy0, fx0 = max(y, 0), max(x, 0)
    fy1, fx1 = min(y + rgb.shape[0], frame.shape[0]), min(x + rgb.shape[1], frame.shape[1])
    if fy1 <= fy0 or fx1 <= fx0:
        return
    src = rgb[fy0 - y:fy1 - y, fx0 - x:fx1 - x].astype(np.float32)
    a = alpha[fy0 - y:fy1 - y, fx0 - x:fx1 - x, None].astype(np.float32)
    region = frame[fy0:fy1, fx0:fx1]
    region[:] = (src * a + region * (1 - a)).round().astype(np.uint8)


def render_lower_third(path: Path, width: int, height: int, text: str) -> Path:
    """A caption band for the lower third, as a transparent PNG of the band alone (laid at
    ``stills.caption_margin`` above the frame's foot): a full-frame picture would cost each decoder two
    more full-size frames for nothing but transparency."""
    TextClip = _quiet_moviepy()
    label = _text(TextClip, text, max(height // 26, 10), int(width * 0.84))
    rgb = label.get_frame(0)
    alpha = (label.mask.get_frame(0) * 255).astype(np.uint8) if label.mask is not None else None
    band_h = min(rgb.shape[0] + height // 30, height // 3)  # its foot: caption_margin(height) up
    out = np.zeros((band_h, width, 4), dtype=np.uint8)
    out[:, :, :3] = BACKGROUND
    out[:, :, 3] = 170
    h = min(rgb.shape[0], band_h)
    w = min(rgb.shape[1], width)
    x = (width - w) // 2
    y = (band_h - h) // 2
    text_alpha = alpha[:h, :w] if alpha is not None else np.full((h, w), 255, np.uint8)
    region = out[y:y + h, x:x + w]
    a = text_alpha[..., None].astype(np.float32) / 255
    region[..., :3] = (rgb[:h, :w] * a + region[..., :3] * (1 - a)).astype(np.uint8)
    region[..., 3] = np.maximum(region[..., 3], text_alpha)
    _save(path, out[..., [2, 1, 0, 3]])
    return path


def _save(path: Path, bgr: np.ndarray) -> None:
    if not cv2.imwrite(str(path), bgr):
        raise StorageError(f"{path}: could not write the card image")
