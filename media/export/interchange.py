"""Interchange exports of a reel: captions (SRT, WebVTT) and a CSV manifest. Each lays the
reel out exactly as the MP4 does (``ReelPlan.segments``). OpenTimelineIO and EDL: ``timeline``."""

from __future__ import annotations

from pathlib import Path

import webvtt

from media.export import csv_cells
from media.jobs import CancelToken, ProgressFn, no_progress
from media.export.atomic import atomic_output
from media.export.plan import ReelPlan

US = 1_000_000


def cue_text(caption: str) -> str:
    """A caption as one cue's text: in SRT and WebVTT a blank line ends the cue and ``-->``
    reads as a timing line, so a title holding either would break the file (or smuggle cues)."""
    lines = ("".join(ch for ch in line if ch.isprintable()).replace("-->", "→").strip()
             for line in caption.splitlines())
    return "\n".join(line for line in lines if line)


def caption_cues(plan: ReelPlan) -> list[tuple[int, int, str]]:
    """(start_us, end_us, text) in reel time: what was said in each clip whose film has a
    transcript (cue by cue, timed to the reel), else the clip's caption over the whole clip."""
    cues, t = [], 0
    for kind, item, duration in plan.segments():
        if kind == "clip" and item.speech:
            for a, b, said in item.speech:
                text = cue_text(said)
                if text and a < duration:
                    cues.append((t + a, t + min(b, duration), text))
        elif kind == "clip":
            text = cue_text(item.caption or "")
            if text:
                cues.append((t, t + duration, text))
        t += duration
    return cues


def write_srt(plan: ReelPlan, out: Path, progress: ProgressFn = no_progress, cancel: CancelToken | None = None):
    """SubRip: a numbered block per cue, ``HH:MM:SS,mmm --> HH:MM:SS,mmm``, its text, a blank
    line (written here: the ``srt`` package publishes no wheel, so Windows and macOS installs
    could not rely on it; the tests read the file back with it)."""
    blocks = [f"{n}\n{_time(a, ',')} --> {_time(b, ',')}\n{text}\n\n"
              for n, (a, b, text) in enumerate(caption_cues(plan), 1)]
    with atomic_output(out) as partial:
        partial.write_text("".join(blocks), encoding="utf-8")
    progress(1.0, "done")
    return out


def _time(us: int, decimal: str) -> str:
    secs, micro = divmod(us, US)
    h, rem = divmod(secs, 3600)
    m, s = divmod(rem, 60)
    return f"{h:02d}:{m:02d}:{s:02d}{decimal}{micro // 1000:03d}"


def _vtt_time(us: int) -> str:
    return _time(us, ".")


def write_vtt(plan: ReelPlan, out: Path, progress: ProgressFn = no_progress, cancel: CancelToken | None = None):
    doc = webvtt.WebVTT()
    for a, b, text in caption_cues(plan):
        doc.captions.append(webvtt.Caption(_vtt_time(a), _vtt_time(b), text))
    with atomic_output(out) as partial:
        doc.save(str(partial))
    progress(1.0, "done")
    return out


CSV_FIELDS = ("item", "clip_id", "clip", "film", "source", "in_us", "out_us", "in", "out", "duration_s",
              "tags", "prototypes", "people", "caption")


def write_csv(plan: ReelPlan, out: Path, progress: ProgressFn = no_progress, cancel: CancelToken | None = None):
    from media.timecode import format_clock

    with atomic_output(out) as partial:
        with open(partial, "w", newline="", encoding="utf-8") as fh:
            writer = csv_cells.dict_writer(fh, CSV_FIELDS)
            writer.writeheader()
            for item in plan.items:
                writer.writerow({
                    "item": item.position + 1, "clip_id": item.clip_id, "clip": item.clip_title,
                    "film": item.film_title, "source": str(item.source_ref),
                    "in_us": item.start_us, "out_us": item.end_us,
                    "in": format_clock(item.start_us), "out": format_clock(item.end_us),
                    "duration_s": f"{item.duration_us / US:.3f}",
                    "tags": "; ".join(f"{k}:{n}" for k, n in item.tags),
                    "prototypes": "; ".join(item.prototypes),
                    "people": "; ".join(p.label + (" (anonymised)" if p.anonymised else "") for p in item.people),
                    "caption": item.caption,
                })
    progress(1.0, "done")
    return out
