"""The order of what the audience screen shows, as plain data (no Qt): for each item a title
card, the clip, then the "discuss" card when a question is set; a withheld item is one
"withheld" card instead; an end card closes the meeting. Keys move through this list."""

from __future__ import annotations

from dataclasses import dataclass

CARD, CLIP, DISCUSS, WITHHELD, WARNING, END = "card", "clip", "discuss", "withheld", "warning", "end"


@dataclass(frozen=True)
class Slide:
    kind: str
    item: int  # index into the review's items (END: len(items))


def slides(items, warn=lambda item: False) -> list[Slide]:
    """``items`` are ``ItemRecord``s; ``warn(item)`` says a content warning comes before the clip."""
    out: list[Slide] = []
    for n, item in enumerate(items):
        if item.withheld:
            out.append(Slide(WITHHELD, n))
            continue
        out.append(Slide(CARD, n))
        if warn(item):
            out.append(Slide(WARNING, n))
        out.append(Slide(CLIP, n))
        if item.discuss.strip():
            out.append(Slide(DISCUSS, n))
    out.append(Slide(END, len(items)))
    return out


def first_slide_of(seq: list[Slide], item: int) -> int:
    """Where item ``item`` starts (to continue a review there)."""
    for n, slide in enumerate(seq):
        if slide.item >= item:
            return n
    return len(seq) - 1
