"""Which card and caption pictures a reel needs, composed in a short-lived child process."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from media.export import child
from media.export.plan import ReelPlan
from media.jobs import CancelToken


CLOSING_TITLE = "With thanks"  # the closing card's title above the credits (a presented reel's too)


def stills_needed(plan: ReelPlan, work: Path) -> list[tuple]:
    """(kind, path, text, subtext) for every card and caption the reel needs, named by the
    segment's position in ``plan.segments()``."""
    jobs = []
    for n, (kind, item, _duration) in enumerate(plan.segments()):
        if kind == "opening":
            jobs.append(("card", card_path(work, n), plan.title, plan.subtitle))
        elif kind == "closing":
            jobs.append(("card", card_path(work, n), CLOSING_TITLE, plan.credits))
        elif kind == "card":
            jobs.append(("card", card_path(work, n), plan.card_text(item), ""))
        elif kind == "warning":
            jobs.append(("card", card_path(work, n), "Content warning", item.warning))
        elif plan.speech_captioned(item):  # what was said: a band per cue
            for k, (_a, _b, said) in enumerate(item.speech):
                jobs.append(("caption", speech_path(work, n, k), said, ""))
        elif plan.settings.captions and item.caption:
            jobs.append(("caption", caption_path(work, n), item.caption, ""))
    return jobs


def card_path(work: Path, n: int) -> Path:
    return work / f"card{n}.png"


def caption_margin(height: int) -> int:
    """How far the caption band's foot stands above the frame's (``cards`` draws the band)."""
    return height // 18


def caption_path(work: Path, n: int) -> Path:
    return work / f"caption{n}.png"


def speech_path(work: Path, n: int, k: int) -> Path:
    """The band of cue ``k`` of what is said in segment ``n``."""
    return work / f"speech{n}-{k}.png"


def _render(jobs: list, width: int, height: int) -> None:
    # Imported here, in the short-lived process only: moviepy, numpy and OpenCV never load
    # into the exporting process that lives beside the encoder.
    from media.export.cards import render_card, render_lower_third

    for kind, path, text, subtext in jobs:
        if kind == "card":
            render_card(Path(path), width, height, text, subtext)
        else:
            render_lower_third(Path(path), width, height, text)


def render_stills(plan: ReelPlan, work: Path, cancel: CancelToken | None = None) -> None:
    """moviepy and its full-size frames take ~250 MB that would otherwise stay resident
    beside the encoder for the whole export: compose in a child process that then exits
    (and that dies with us if we are killed while it works)."""
    jobs = stills_needed(plan, work)
    if not jobs:
        return
    payload = json.dumps({"width": plan.width, "height": plan.settings.height,
                          "jobs": [[kind, str(path), text, sub] for kind, path, text, sub in jobs]}).encode()
    child.run_module("media.export.stills", payload, cancel, "the title cards and captions could not be drawn")


def _main() -> None:
    order = json.loads(sys.stdin.buffer.read())
    _render(order["jobs"], order["width"], order["height"])


if __name__ == "__main__":
    _main()
