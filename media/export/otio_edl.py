"""OpenTimelineIO and CMX 3600 EDL exports of a reel, laid out frame for frame as the MP4.

A clip is its own frames: the ``FrameRange`` of its film's frame index (the index of its first
frame and how many, ``media.reading.frame_index``), never times multiplied by a nominal rate
(a WebM's frame 91 starts at 3.033 s, which the 30 fps grid calls frame 90).

OTIO: each clip's source range is exactly those frames at its film's own rate (a 29.97 clip
keeps its whole frame numbers), with a media reference whose available range is every frame
of the film. Sound gets its own track.

EDL: CMX 3600 has one frame rate for all its timecodes (OpenTimelineIO's reader reads them
all at the rate it is given, and refuses an event whose source and record lengths differ), so
the reel's rate is the EDL's. A clip the reel shows frame for frame (its film at the reel's
rate, constant: ``PlanItem.frame_for_frame``) is an event of exactly its own frames, source
and record alike. Any other clip (another rate, a variable rate, sound only) cannot be named
in frames of the reel's rate: its source timecode is its in point's time at the reel's rate
(as OpenTimelineIO's own EDL writer converts), as long as the MP4 shows it, and a comment
(``* SOURCE FRAMES:``) gives its own frames and rate exactly. Record timecodes are the MP4's
(``segments.Layout``). Timecode is ``opentime``'s (drop-frame at 29.97 and 59.94 with ``;``)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio

from media import timecode
from media.timecode import FrameRange
from media.export.atomic import atomic_output
from media.export.plan import PlanItem, ReelPlan
from media.export.segments import US, Layout
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
    source_in: int  # frames at source_rate: the clip's own frames where it has them
    source_frames: int
    frame_for_frame: bool = False  # the reel shows the clip's own frames one for one

    def edl_source(self, reel_rate: Fraction) -> tuple[int, int]:
        """(in, out) of the EDL's source timecode, in frames of the reel's rate."""
        if self.kind != "clip":
            return 0, self.record_frames
        if self.frame_for_frame:
            return self.source_in, self.source_in + self.source_frames
        first = round(Fraction(self.item.start_us, US) * reel_rate)
        return first, first + self.record_frames


def source_rate(item: PlanItem, reel_rate: Fraction) -> Fraction:
    return item.fps if item.has_video and item.fps else reel_rate


def own_frames(item: PlanItem, rate: Fraction) -> FrameRange:
    """The clip's frames at ``rate``: its film's own where the plan has them, else (sound
    only, a film whose frames could not be read) the grid of ``rate``."""
    if item.has_video and item.frames is not None:
        return item.frames
    first = timecode.frame_index_at(item.start_us, rate)
    return FrameRange(first, max(timecode.frame_index_at(item.end_us - 1, rate) + 1 - first, 1))


def events(plan: ReelPlan) -> list[Event]:
    fps = plan.settings.fps
    layout, out, at = Layout(fps), [], 0
    for kind, item, duration in plan.segments():
        frames, _ = layout.next(duration, item, kind)
        if kind == "clip":
            rate = source_rate(item, fps)
            own = own_frames(item, rate)
            out.append(Event(kind, item, at, frames, rate, own.first, own.count, item.frame_for_frame(fps)))
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
    if item.film_frames:  # every frame the film has
        available = TR(RT(0, rate), RT(item.film_frames, rate))
    elif item.film_duration_us:
        available = TR(RT(0, rate), RT(timecode.frame_index_at(item.film_duration_us - 1, ev.source_rate) + 1, rate))
    ref = otio.schema.ExternalReference(target_url=item.source_ref.as_uri(), available_range=available)
    return otio.schema.Clip(
        name=item.clip_title, media_reference=ref,
        source_range=TR(RT(ev.source_in, rate), RT(ev.source_frames, rate)),
        metadata={"protoreel": {
            "clip_id": item.clip_id, "film": item.film_title, "start_us": item.start_us, "end_us": item.end_us,
            "first_frame": ev.source_in, "frames": ev.source_frames,
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
    for those with one of them; every timecode at the reel's rate (see the module's note)."""
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
        source_in, source_out = ev.edl_source(fps)
        lines.append(f"{n:03d}  AX       {channels:5} C        {_tc(source_in, fps)} {_tc(source_out, fps)} {rec}")
        lines.append(f"* FROM CLIP NAME: {' '.join(item.clip_title.split())[:60]}")
        lines.append(f"* SOURCE FILE: {item.source_ref.name}")
        if item.fps:
            lines.append(f"* SOURCE FRAME RATE: {timecode.fps_str(item.fps)}")
        if item.has_video and item.frames is not None:
            # Its own frames, exactly, whatever the EDL's one rate can say.
            lines.append(f"* SOURCE FRAMES: {ev.source_in} +{ev.source_frames} AT {timecode.fps_str(ev.source_rate)}")
        lines.append("")
    return "\n".join(lines)


def write_edl(plan: ReelPlan, out: Path, progress: ProgressFn = no_progress, cancel: CancelToken | None = None):
    text = edl_text(plan)
    with atomic_output(out) as partial:
        partial.write_text(text, encoding="utf-8")
    progress(1.0, "done")
    return out
