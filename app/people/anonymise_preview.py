"""A look at a clip anonymised, before anything is exported.

Renders the clip exactly as an anonymised export to an audience would (the one consent
policy's decision, the same face plan, face filter and voice masking, in the MP4 pipeline)
into the library's ``.tmp`` folder: nothing leaves the library, so it is not logged. ``.tmp``
is emptied when the library opens. A clip that cannot go to that audience even covered (a
withdrawal) is not rendered: the preview says why, as the export would.
"""

from __future__ import annotations

from pathlib import Path

from dataclasses import dataclass, field

from app.ways_out import consent_policy
from app.people import face_plan
from app.reels import reel_plan
from app.library import Library
from app.models import Clip
from media.errors import BadInput, ConsentRefused
from media.export import atomic, mp4
from media.export.plan import ExportSettings, ReelPlan
from media.jobs import CancelToken, ProgressFn, no_progress


@dataclass
class Preview:
    path: Path
    covered: bool  # whether any face is covered at all (nobody to cover: the clip as it is)
    notes: list[str] = field(default_factory=list)  # whose faces are told apart, whose not (as the export says)


def preview(lib: Library, clip_id: int, style: str = "blur", mask_voice: bool = False, height: int = 720,
            progress: ProgressFn = no_progress, cancel: CancelToken | None = None, audience: str | None = None,
            cover_all: bool = True) -> Preview:
    """``audience`` with ``cover_all`` False: the faces an anonymised export to that audience
    would cover (only those not recognised as people who may be shown, where the app can
    tell); else every face."""
    work = lib.work_dir("preview")
    notes: list[str] = []
    with lib.read() as s:
        clip = s.get(Clip, clip_id)
        if clip is None:
            raise BadInput(f"clip {clip_id}: no such clip")
        item = reel_plan.plan_item(lib, s, clip, 0)
        item.cover_faces = style
        if audience is not None and not cover_all:
            result = consent_policy.evaluate(s, audience, [clip_id], anonymise=True)
            (decision,) = result.decisions
            if not decision.allowed:
                raise ConsentRefused(result.message(f"An anonymised export for a {audience} audience",
                                                    "Nothing to preview: it would not be exported, covered or not."))
            item.cover_faces = style if decision.anonymise else ""  # as the export: nobody to cover, nothing covered
            face_plan.plan(s, [item], [decision], False, set(), work)
            notes = face_plan.notes(s, [decision])
            mask_voice = bool(item.cover_faces) and (mask_voice or decision.mask_voice)
    item.mask_voice, item.warning, item.caption = mask_voice, "", ""
    plan = ReelPlan(reel_id=0, title="Anonymised preview", subtitle="", audience="team", items=[item],
                    settings=ExportSettings(height=height, fps=reel_plan.reel_rate([item]), cards=False,
                                            captions=False))
    out = work / f"clip{clip_id}-anonymised.mp4"
    with atomic.scratch(work):  # a preview stays in the library's .tmp/
        path = mp4.write(plan, out, progress, cancel or CancelToken())
    return Preview(path, bool(item.cover_faces), notes)
