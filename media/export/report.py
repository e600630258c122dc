"""A printable HTML evidence report: one exact still per clip, tags, quotes, in groups."""

from __future__ import annotations

import base64
import html
from pathlib import Path

import cv2

from media.timecode import format_clock
from media.reading.frames import FrameReader

CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 2em; color: #1d2025; }
h1 { margin-bottom: 0.2em; } .summary { color: #555; margin-top: 0; }
h2 { border-bottom: 3px solid var(--c); padding-bottom: 0.2em; margin-top: 1.6em; }
.clips { display: flex; flex-wrap: wrap; gap: 1em; }
.clip { width: 300px; break-inside: avoid; border: 1px solid #ddd; border-radius: 6px; overflow: hidden; }
.clip img { width: 100%; display: block; background: #111; }
.clip div { padding: 0.5em 0.7em; font-size: 0.9em; }
.quote { font-style: italic; color: #333; } .meta { color: #777; font-size: 0.85em; }
@media print { body { margin: 1cm; } a { color: inherit; text-decoration: none; } }
"""
KIND_COLOURS = {"challenge": "#d94841", "opportunity": "#2f9e6e", "theme": "#7e6bc4", "": "#888"}


def _clips(n: int) -> str:
    return f"{n:,} clip" + ("" if n == 1 else "s")  # "1 clip", "3 clips": never "clip(s)"

def still(source: Path, start_us: int, time_us: int, orientation, out: Path, field_order: str | None = None) -> bool:
    """The exact frame at ``time_us`` as a 640-px-wide JPEG file; False if it cannot be decoded."""
    jpeg = still_jpeg(source, start_us, time_us, orientation, field_order=field_order)
    if jpeg is None:
        return False
    Path(out).write_bytes(jpeg)
    return True


def still_jpeg(source: Path, start_us: int, time_us: int, orientation, cover=None,
               field_order: str | None = None) -> bytes | None:
    """The exact frame at ``time_us`` as a 640-px-wide JPEG (None if it cannot be decoded);
    ``cover`` (an RGB frame -> RGB frame function) hides faces first. ``field_order``: an
    interlaced film as the library found it (None: as its flags say), deinterlaced."""
    try:
        reader = FrameReader(source, start_us, orientation, field_order)
        reader.box = (640, 640)
        frame = reader.frame_at(time_us)
        reader.close()
    except Exception:  # noqa: BLE001 - a missing or damaged film: the report says so
        return None
    if frame is None:
        return None
    rgb = frame.rgb if cover is None else cover(frame.rgb.copy())
    ok, data = cv2.imencode(".jpg", rgb[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, 85])
    return data.tobytes() if ok else None


def write_report(board, films: dict, out: Path, progress=None, cancel=None, covered=frozenset(), cover=None,
                 withheld: int = 0) -> Path:
    """``films`` maps film id to (path, start_us, orientation, field order). Stills are inside the page (one
    file, so it is published whole or not at all); clips in ``covered`` have ``cover`` applied
    to their still; ``withheld`` clips were left out by the consent check and are counted."""
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(board.name)}"
             f" — evidence</title><style>{CSS}</style></head><body>",
             f"<h1>{html.escape(board.name)}</h1>",
             f"<p class='summary'>{html.escape(board.summary)} · stage: {html.escape(board.stage)} · "
             f"{_clips(board.clip_count)}</p>"]
    if withheld:
        parts.append(f"<p class='meta'>{_clips(withheld)} withheld: the consent of someone in them does not "
                     "cover this report's audience.</p>")
    done: dict[int, str] = {}
    total = max(len({c.id for g in board.groups for c in g.clips}), 1)
    for group in board.groups:
        colour = KIND_COLOURS.get(group.kind, "#888")
        label = f"{group.kind.capitalize()}: {group.tag}" if group.kind else group.tag
        parts.append(f"<h2 style='--c:{colour}'>{html.escape(label)} <small>({len(group.clips)})</small></h2>")
        parts.append("<div class='clips'>")
        for clip in group.clips:
            if clip.id not in done:
                if cancel is not None:
                    cancel.check()
                path, start_us, orientation, fields = films[clip.film_id]
                middle = (clip.start_us + clip.end_us) // 2
                jpeg = still_jpeg(Path(path), start_us, middle, orientation, cover if clip.id in covered else None,
                                  fields)
                done[clip.id] = "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii") if jpeg else ""
                if progress is not None:
                    progress(len(done) / total, f"still {len(done)} of {total}")
            img = (f"<img src='{done[clip.id]}' alt='{html.escape(clip.title)}'>"
                   if done[clip.id] else "<p class='meta'>(film missing: no still)</p>")
            quote = f"<p class='quote'>“{html.escape(clip.quote)}”</p>" if clip.quote else ""
            tags = ", ".join(html.escape(t["name"]) for t in clip.tags)
            parts.append(
                f"<div class='clip'>{img}<div><strong>{html.escape(clip.title)}</strong>{quote}"
                f"<p class='meta'>{html.escape(clip.film)} · {format_clock(clip.start_us)}–"
                f"{format_clock(clip.end_us)}</p><p class='meta'>{tags}</p>"
                f"{'<p>' + html.escape(clip.note) + '</p>' if clip.note else ''}</div></div>")
        parts.append("</div>")
    parts.append("</body></html>")
    out.write_text("\n".join(parts), encoding="utf-8")
    return out
