"""What the timeline shows, as data: a film's clips sorted and packed onto lanes."""

from __future__ import annotations

from app.records import ClipRecord

KIND_COLORS = {"challenge": "#d94841", "opportunity": "#2f9e6e", "theme": "#7e6bc4", None: "#7a7f87"}


def clip_kind_color(clip: ClipRecord) -> str:
    """A clip is drawn in the colour of its first tag's kind (grey when untagged)."""
    kind = clip.tags[0]["kind"] if clip.tags else None
    return KIND_COLORS.get(kind, KIND_COLORS[None])


def sort_clips(clips: list[ClipRecord]) -> list[ClipRecord]:
    return sorted(clips, key=lambda c: (c.start_us, c.end_us, c.id))


def pack_lanes(clips: list[ClipRecord]) -> dict[int, int]:
    """Overlapping clips go on separate lanes (the first lane free at the clip's start).

    ``clips`` must be sorted by start; returns clip id -> lane index."""
    lane_ends: list[int] = []
    lanes: dict[int, int] = {}
    for clip in clips:
        for lane, end in enumerate(lane_ends):
            if end <= clip.start_us:
                lane_ends[lane] = clip.end_us
                lanes[clip.id] = lane
                break
        else:
            lanes[clip.id] = len(lane_ends)
            lane_ends.append(clip.end_us)
    return lanes
