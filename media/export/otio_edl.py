"""OpenTimelineIO and CMX 3600 EDL exports of a reel, laid out frame for frame as the MP4.

Each clip's source range is written in its own film's frame rate (a 29.97 clip keeps its
whole frame numbers, never 143.86 of the reel's), with a media reference that carries the
film's available range; the record side uses the reel's rate and the MP4's own frame counts
(``segments.Layout``), so an editor conforming the EDL or OTIO gets the same cuts. Sound gets
its own track and AA/V events. Timecode is OpenTimelineIO's ``opentime`` (drop-frame at
29.97 and 59.94 with ``;``)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio

from media import timecode
from media.export.atomic import atomic_output
from media.export.plan import PlanItem, ReelPlan
from media.export.segments import Layout
from media.jobs import CancelToken, ProgressFn, no_progress

RT = otio.opentime.RationalTime
TR = otio.opentime.TimeRange


@dataclass
class Event:
    kind: str  # "opening", "card", "clip", "closing"
    item: PlanItem | None
    record_in: int  # reel frames
    record_frames: int
    source_rate: Fraction  # the film's own rate (the reel's for cards and sound-only films)
    source_in: int  # frames at source_rate
    source_frames: int


def source_rate(item: PlanItem, reel_rate: Fraction) -> Fraction:
    return item.fps if item.has_video and item.fps else reel_rate


def events(plan: ReelPlan) -> list[Event]:
    fps = plan.settings.fps
    layout, out, at = Layout(fps), [], 0
    for kind, item, duration in plan.segments():
        frames, _ = layout.next(duration)
        if kind == "clip":
            rate = source_rate(item, fps)
            first = timecode.frame_index_at(item.start_us, rate)
            last = timecode.frame_index_at(item.end_us - 1, rate)
            out.append(Event(kind, item, at, frames, rate, first, last - first + 1))
        else:
            out.append(Event(kind, item, at, frames, fps, 0, frames))
        at += frames
    return out


def timeline(plan: ReelPlan) -> otio.schema.Timeline:
    reel = float(plan.settings.fps)
    tl = otio.schema.Timeline(name=plan.title)
    tl.metadata["protoreel"] = {"frame_rate": timecode.fps_str(plan.settings.fps)}
    video = otio.schema.Track(name="Picture", kind=otio.schema.TrackKind.Video)
    sound = otio.schema.Track(name="Sound", kind=otio.schema.TrackKind.Audio)
    tl.tracks.extend([video, sound])
    for ev in events(plan):
        gap = otio.schema.Gap(name=ev.kind, source_range=TR(RT(0, reel), RT(ev.record_frames, reel)))
        if ev.kind != "clip":
            video.append(gap)
            sound.append(gap.clone())
            continue
        # A clip lasts its own frames at its own rate; where it has no picture or no sound
        # the other track holds a gap of that same length, so the tracks stay aligned.
        rate = float(ev.source_rate)
        hole = otio.schema.Gap(source_range=TR(RT(0, rate), RT(ev.source_frames, rate)))
        for track, present in ((video, ev.item.has_video), (sound, ev.item.has_audio)):
            track.append(_clip(ev) if present else hole.clone())
    return tl


def _clip(ev: Event) -> otio.schema.Clip:
    item, rate = ev.item, float(ev.source_rate)
    available = None
    if item.film_duration_us:
        available = TR(RT(0, rate), RT(timecode.frame_index_at(item.film_duration_us - 1, ev.source_rate) + 1, rate))
    ref = otio.schema.ExternalReference(target_url=item.source_ref.as_uri(), available_range=available)
    return otio.schema.Clip(
        name=item.clip_title, media_reference=ref,
        source_range=TR(RT(ev.source_in, rate), RT(ev.source_frames, rate)),
        metadata={"protoreel": {
            "clip_id": item.clip_id, "film": item.film_title, "start_us": item.start_us, "end_us": item.end_us,
            "film_frame_rate": timecode.fps_str(item.fps) if item.fps else None,
            "tags": [f"{k}:{n}" for k, n in item.tags], "prototypes": item.prototypes, "caption": item.caption}},
    )


def write_otio(plan: ReelPlan, out: Path, progress: ProgressFn = no_progress, cancel: CancelToken | None = None):
    with atomic_output(out) as partial:
        otio.adapters.write_to_file(timeline(plan), str(partial), adapter_name="otio_json")
    progress(1.0, "done")
    return out


def _tc(frame: int, rate: Fraction) -> str:
    return timecode.format_timecode(timecode.frame_start_us(frame, rate), rate)


def edl_text(plan: ReelPlan) -> str:
    """CMX 3600: black (BL) events for cards, AA/V for clips with picture and sound, V or AA
    for those with one of them; source timecode at each film's own rate."""
    fps = plan.settings.fps
    drop = fps in timecode.DROP_FRAME_RATES
    title = " ".join(plan.title.split())[:70] or "Reel"
    lines = [f"TITLE: {title}", f"FCM: {'DROP FRAME' if drop else 'NON-DROP FRAME'}", ""]
    for n, ev in enumerate(events(plan), start=1):
        rec = f"{_tc(ev.record_in, fps)} {_tc(ev.record_in + ev.record_frames, fps)}"
        if ev.kind != "clip":
            lines.append(f"{n:03d}  BL       V     C        {_tc(0, fps)} {_tc(ev.record_frames, fps)} {rec}")
            lines.append(f"* {ev.kind.upper()} CARD")
            lines.append("")
            continue
        item = ev.item
        channels = "AA/V" if item.has_video and item.has_audio else "V" if item.has_video else "AA"
        src = f"{_tc(ev.source_in, ev.source_rate)} {_tc(ev.source_in + ev.source_frames, ev.source_rate)}"
        lines.append(f"{n:03d}  AX       {channels:5} C        {src} {rec}")
        lines.append(f"* FROM CLIP NAME: {' '.join(item.clip_title.split())[:60]}")
        lines.append(f"* SOURCE FILE: {item.source_ref.name}")
        if item.fps:
            lines.append(f"* SOURCE FRAME RATE: {timecode.fps_str(item.fps)}")
        lines.append("")
    return "\n".join(lines)


def write_edl(plan: ReelPlan, out: Path, progress: ProgressFn = no_progress, cancel: CancelToken | None = None):
    text = edl_text(plan)
    with atomic_output(out) as partial:
        partial.write_text(text, encoding="utf-8")
    progress(1.0, "done")
    return out
