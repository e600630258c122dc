"""A look at a clip anonymised, before anything is exported.

Renders the clip exactly as an anonymised export would (the same face filter and voice
masking, in the MP4 pipeline) into the library's ``.tmp`` folder: nothing leaves the library,
so it needs no consent check and is not logged. ``.tmp`` is emptied when the library opens.
"""

from __future__ import annotations

from pathlib import Path

from app.ways_out import consent_policy
from app.people import face_plan
from app.reels import reel_plan
from app.library import Library
from app.models import Clip
from media.errors import BadInput
from media.export import mp4
from media.export.plan import ExportSettings, ReelPlan
from media.jobs import CancelToken, ProgressFn, no_progress


def preview(lib: Library, clip_id: int, style: str = "blur", mask_voice: bool = False, height: int = 720,
            progress: ProgressFn = no_progress, cancel: CancelToken | None = None, audience: str | None = None,
            cover_all: bool = True) -> Path:
    """``audience`` with ``cover_all`` False: the faces an export to that audience would cover
    (only those not recognised as people who may be shown, where the app can tell); else
    every face."""
    work = lib.work_dir("preview")
    with lib.read() as s:
        clip = s.get(Clip, clip_id)
        if clip is None:
            raise BadInput(f"clip {clip_id}: no such clip")
        item = reel_plan.plan_item(lib, s, clip, 0)
        item.cover_faces = style
        if audience is not None and not cover_all:
            (decision,) = consent_policy.evaluate(s, audience, [clip_id], anonymise=True).decisions
            item.cover_faces = style if decision.anonymise else ""  # as the export: nobody to cover, nothing covered
            face_plan.plan(s, [item], [decision], False, set(), work)
    for person in item.people:
        person.anonymised = True
    item.mask_voice, item.warning, item.caption = mask_voice, "", ""
    plan = ReelPlan(reel_id=0, title="Anonymised preview", subtitle="", audience="team", items=[item],
                    settings=ExportSettings(height=height, fps=reel_plan.reel_rate([item]), cards=False,
                                            captions=False))
    out = work / f"clip{clip_id}-anonymised.mp4"
    return mp4.write(plan, out, progress, cancel or CancelToken())
