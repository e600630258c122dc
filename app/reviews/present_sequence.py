"""The order of what the audience screen shows, as plain data (no Qt): for each item a title
card, the clip, then the "discuss" card when a question is set; a withheld item is one
"withheld" card instead; an end card closes the meeting. Keys move through this list.

A reel is shown as its MP4 shows it: its opening title card first, and for each item the
content warning, then the item's own card (none where the reel has none), then the clip; its
closing card (the credits) last, before the end card.
Other reviews show the meeting's clip card (title, tags, prototype), then the warning."""

from __future__ import annotations

from dataclasses import dataclass

CARD, CLIP, DISCUSS, WITHHELD, WARNING, END = "card", "clip", "discuss", "withheld", "warning", "end"
OPENING, CLOSING = "opening", "closing"
BEFORE_ITEMS = -1  # the opening card's item: before the first


@dataclass(frozen=True)
class Slide:
    kind: str
    item: int  # index into the review's items (END: len(items))


def slides(items, warn=lambda item: False, opening: bool = False, closing: bool = False) -> list[Slide]:
    """``items`` are ``ItemRecord``s; ``warn(item)`` says a content warning comes before the clip;
    ``opening``: a reel's opening title card comes first; ``closing``: its closing card (the
    credits) comes last, before the end card."""
    out: list[Slide] = [Slide(OPENING, BEFORE_ITEMS)] if opening else []
    for n, item in enumerate(items):
        if item.withheld:
            out.append(Slide(WITHHELD, n))
            continue
        reel_card = getattr(item, "card", None)
        if reel_card is None:  # the meeting's own clip card, then the warning
            out.append(Slide(CARD, n))
            if warn(item):
                out.append(Slide(WARNING, n))
        else:  # as the reel's MP4: the warning, then the item's own card if it has one
            if warn(item):
                out.append(Slide(WARNING, n))
            if reel_card.strip():
                out.append(Slide(CARD, n))
        out.append(Slide(CLIP, n))
        if item.discuss.strip():
            out.append(Slide(DISCUSS, n))
    if closing:
        out.append(Slide(CLOSING, len(items)))
    out.append(Slide(END, len(items)))
    return out


def first_slide_of(seq: list[Slide], item: int) -> int:
    """Where item ``item`` starts (to continue a review there; the first item: the opening card)."""
    if item <= 0:
        return 0
    for n, slide in enumerate(seq):
        if slide.item >= item:
            return n
    return len(seq) - 1
