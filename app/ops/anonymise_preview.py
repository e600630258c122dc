"""A look at a clip anonymised, before anything is exported.

Renders the clip exactly as an anonymised export would (the same face filter and voice
masking, in the MP4 pipeline) into the library's ``.tmp`` folder: nothing leaves the library,
so it needs no consent check and is not logged. ``.tmp`` is emptied when the library opens.
"""

from __future__ import annotations

from pathlib import Path

from app import reel_plan
from app.library import Library
from app.models import Clip
from media.errors import BadInput
from media.export import mp4
from media.export.plan import ExportSettings, ReelPlan
from media.jobs import CancelToken, ProgressFn, no_progress


def preview(lib: Library, clip_id: int, style: str = "blur", mask_voice: bool = False, height: int = 720,
            progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> Path:
    with lib.read() as s:
        clip = s.get(Clip, clip_id)
        if clip is None:
            raise BadInput(f"clip {clip_id}: no such clip")
        item = reel_plan.plan_item(lib, s, clip, 0)
    for person in item.people:
        person.anonymised = True
    item.cover_faces, item.mask_voice, item.warning, item.caption = style, mask_voice, "", ""
    plan = ReelPlan(reel_id=0, title="Anonymised preview", subtitle="", audience="team", items=[item],
                    settings=ExportSettings(height=height, fps=reel_plan.reel_rate([item]), cards=False,
                                            captions=False))
    out = lib.work_dir("preview") / f"clip{clip_id}-anonymised.mp4"
    return mp4.write(plan, out, progress, cancel or CancelToken())
