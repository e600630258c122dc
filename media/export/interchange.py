"""Interchange exports of a reel: OpenTimelineIO, CMX 3600 EDL, captions (SRT, WebVTT) and a
CSV manifest. Each lays the reel out exactly as the MP4 does (``ReelPlan.segments``)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio
import srt
import webvtt

from media import csv_cells
from media.jobs import CancelToken, ProgressFn, no_progress
from media.export.atomic import atomic_output
from media.export.plan import PlanItem, ReelPlan

US = 1_000_000


def _rate(plan: ReelPlan) -> float:
    return float(plan.settings.fps)


def _rt(us: int, rate: float) -> otio.opentime.RationalTime:
    # Whole frames at the reel's rate: what an editor's timeline holds.
    return otio.opentime.RationalTime(round(Fraction(us, US) * Fraction(rate).limit_denominator(1001)), rate)


def timeline(plan: ReelPlan) -> otio.schema.Timeline:
    rate = _rate(plan)
    tl = otio.schema.Timeline(name=plan.title)
    track = otio.schema.Track(name="Reel", kind=otio.schema.TrackKind.Video)
    tl.tracks.append(track)
    for kind, item, duration in plan.segments():
        length = _rt(duration, rate)
        if kind != "clip":
            track.append(otio.schema.Gap(name=kind, source_range=otio.opentime.TimeRange(_rt(0, rate), length)))
            continue
        ref = otio.schema.ExternalReference(target_url=item.source.as_uri())
        clip = otio.schema.Clip(
            name=item.clip_title,
            media_reference=ref,
            source_range=otio.opentime.TimeRange(_rt(item.start_us, rate), length),
            metadata={"protoreel": _item_metadata(item)},
        )
        track.append(clip)
    return tl


def _item_metadata(item: PlanItem) -> dict:
    return {
        "clip_id": item.clip_id, "film": item.film_title, "start_us": item.start_us, "end_us": item.end_us,
        "tags": [f"{k}:{n}" for k, n in item.tags], "prototypes": item.prototypes, "caption": item.caption,
    }


def write_otio(plan: ReelPlan, out: Path, progress: ProgressFn = no_progress, cancel: CancelToken | None = None):
    with atomic_output(out) as partial:
        otio.adapters.write_to_file(timeline(plan), str(partial), adapter_name="otio_json")
    progress(1.0, "done")
    return out


def write_edl(plan: ReelPlan, out: Path, progress: ProgressFn = no_progress, cancel: CancelToken | None = None):
    tl = timeline(plan)
    track = tl.tracks[0]
    # EDL has no gaps-as-cards: cards become black (BL) events, which the adapter writes for gaps.
    for child in track:
        if isinstance(child, otio.schema.Clip):
            child.name = child.name[:60] or "clip"
    with atomic_output(out) as partial:
        otio.adapters.write_to_file(tl, str(partial), adapter_name="cmx_3600")
    progress(1.0, "done")
    return out


def cue_text(caption: str) -> str:
    """A caption as one cue's text: in SRT and WebVTT a blank line ends the cue and ``-->``
    reads as a timing line, so a title holding either would break the file (or smuggle cues)."""
    lines = ("".join(ch for ch in line if ch.isprintable()).replace("-->", "→").strip()
             for line in caption.splitlines())
    return "\n".join(line for line in lines if line)


def caption_cues(plan: ReelPlan) -> list[tuple[int, int, str]]:
    """(start_us, end_us, text) in reel time for each clip with a caption."""
    cues, t = [], 0
    for kind, item, duration in plan.segments():
        text = cue_text(item.caption or "") if kind == "clip" else ""
        if text:
            cues.append((t, t + duration, text))
        t += duration
    return cues


def write_srt(plan: ReelPlan, out: Path, progress: ProgressFn = no_progress, cancel: CancelToken | None = None):
    subs = [srt.Subtitle(i + 1, dt.timedelta(microseconds=a), dt.timedelta(microseconds=b), text)
            for i, (a, b, text) in enumerate(caption_cues(plan))]
    with atomic_output(out) as partial:
        partial.write_text(srt.compose(subs), encoding="utf-8")
    progress(1.0, "done")
    return out


def _vtt_time(us: int) -> str:
    secs, micro = divmod(us, US)
    h, rem = divmod(secs, 3600)
    m, s = divmod(rem, 60)
    return f"{h:02d}:{m:02d}:{s:02d}.{micro // 1000:03d}"


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
                    "film": item.film_title, "source": str(item.source),
                    "in_us": item.start_us, "out_us": item.end_us,
                    "in": format_clock(item.start_us), "out": format_clock(item.end_us),
                    "duration_s": f"{item.duration_us / US:.3f}",
                    "tags": "; ".join(f"{k}:{n}" for k, n in item.tags),
                    "prototypes": "; ".join(item.prototypes),
                    "people": "; ".join(f"{p.name} ({p.role})" for p in item.people),
                    "caption": item.caption,
                })
    progress(1.0, "done")
    return out
