"""Title cards and lower-third captions, composed with moviepy (Pillow text, no ImageMagick)
into PNG stills that the encoder lays over or between the clips."""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np

from media.errors import StorageError

FONT_NAMES = ("DejaVuSans-Bold.ttf", "DejaVuSans.ttf")
FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts",
             "/Library/Fonts", "C:/Windows/Fonts")
BACKGROUND = (24, 28, 34)


def _quiet_moviepy():
    # moviepy reads a .env from the working folder upwards on import (FACTS.md): keep it from
    # picking up someone else's FFMPEG_BINARY.
    os.environ.setdefault("FFMPEG_BINARY", "auto-detect")
    from moviepy import ColorClip, CompositeVideoClip, TextClip

    return ColorClip, CompositeVideoClip, TextClip


def font_path(bold: bool = True) -> str:
    names = FONT_NAMES if bold else FONT_NAMES[::-1]
    for folder in FONT_DIRS:
        for name in names:
            path = Path(folder) / name
            if path.exists():
                return str(path)
    raise StorageError("no DejaVu font found for title cards (install the Debian package fonts-dejavu-core)")


def _text(TextClip, text: str, size: int, width: int, bold: bool = True, color: str = "white"):
    return TextClip(font=font_path(bold), text=text, font_size=size, color=color, method="caption",
                    size=(width, None), margin=(10, 20), text_align="center", duration=1)


def render_card(path: Path, width: int, height: int, title: str, subtitle: str = "") -> Path:
    """A full-frame card: a title, and a smaller line or two beneath."""
    ColorClip, CompositeVideoClip, TextClip = _quiet_moviepy()
    layers = [ColorClip(size=(width, height), color=BACKGROUND, duration=1)]
    big = _text(TextClip, title, max(height // 14, 12), int(width * 0.8))
    layers.append(big.with_position(("center", height * 0.38 - big.h / 2)))
    if subtitle:
        small = _text(TextClip, subtitle, max(height // 30, 10), int(width * 0.8), bold=False, color="#c9d1d9")
        layers.append(small.with_position(("center", height * 0.38 + big.h / 2 + height * 0.02)))
    frame = CompositeVideoClip(layers, size=(width, height)).get_frame(0)
    _save(path, frame[:, :, ::-1])
    return path


def render_lower_third(path: Path, width: int, height: int, text: str) -> Path:
    """A caption band across the lower third, as a transparent PNG the size of the frame."""
    _, _, TextClip = _quiet_moviepy()
    label = _text(TextClip, text, max(height // 26, 10), int(width * 0.84))
    rgb = label.get_frame(0)
    alpha = (label.mask.get_frame(0) * 255).astype(np.uint8) if label.mask is not None else None
    band_h = min(rgb.shape[0] + height // 30, height // 3)
    out = np.zeros((height, width, 4), dtype=np.uint8)
    top = height - band_h - height // 18
    out[top:top + band_h, :, :3] = BACKGROUND
    out[top:top + band_h, :, 3] = 170
    h = min(rgb.shape[0], band_h)
    w = min(rgb.shape[1], width)
    x = (width - w) // 2
    y = top + (band_h - h) // 2
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
