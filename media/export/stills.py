"""Which card and caption pictures a reel needs, composed in a short-lived process."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from media.export.plan import ReelPlan


def stills_needed(plan: ReelPlan, work: Path) -> list[tuple]:
    """(kind, path, text, subtext) for every card and caption the reel needs, named by the
    segment's position in ``plan.segments()``."""
    jobs = []
    for n, (kind, item, _duration) in enumerate(plan.segments()):
        if kind == "opening":
            jobs.append(("card", card_path(work, n), plan.title, plan.subtitle))
        elif kind == "closing":
            jobs.append(("card", card_path(work, n), "With thanks", plan.credits))
        elif kind == "card":
            jobs.append(("card", card_path(work, n), item.card_text, ""))
        elif plan.settings.captions and item.caption:
            jobs.append(("caption", caption_path(work, n), item.caption, ""))
    return jobs


def card_path(work: Path, n: int) -> Path:
    return work / f"card{n}.png"


def caption_path(work: Path, n: int) -> Path:
    return work / f"caption{n}.png"


def _render(jobs: list[tuple], width: int, height: int) -> None:
    # Imported here, in the short-lived process only: moviepy, numpy and OpenCV never load
    # into the exporting process that lives beside the encoder.
    from media.export.cards import render_card, render_lower_third

    for kind, path, text, subtext in jobs:
        if kind == "card":
            render_card(path, width, height, text, subtext)
        else:
            render_lower_third(path, width, height, text)


def render_stills(plan: ReelPlan, work: Path) -> None:
    """moviepy and its full-size frames take ~250 MB that would otherwise stay resident
    beside the encoder for the whole export: compose in a process that then exits."""
    jobs = stills_needed(plan, work)
    if jobs:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            pool.submit(_render, jobs, plan.width, plan.settings.height).result()
