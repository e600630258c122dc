"""What a reel's consent allows, as a plain record for the export dialog: which clips can go to
the reel's audience as they are, which only with faces covered, and which not at all.

It asks the one consent policy (``app.ways_out.consent_policy``) with covering allowed, the same
question an anonymised MP4 export asks; the export asks it again when it runs (and at the
moment the file is put in place), so this is a preview of the answer, never the gate.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from app.ways_out import consent_policy
from app.people import face_plan
from app.models import Reel, ReelItem
from media.errors import NotFound


@dataclass(frozen=True)
class ClipConsent:
    position: int  # 1-based, as the reel builder numbers items
    title: str
    who: list[str]  # for the facilitator's eyes: names, with their consent


@dataclass
class ReelConsent:
    audience: str
    to_cover: list[ClipConsent] = field(default_factory=list)  # allowed only with faces covered
    withheld: list[ClipConsent] = field(default_factory=list)  # not even anonymised (a withdrawal)
    # Whose faces can be told apart (only theirs covered) and whose not yet (every face in their clips).
    face_notes: list[str] = field(default_factory=list)

    @property
    def needs_covering(self) -> bool:
        return bool(self.to_cover)

    @property
    def exportable(self) -> bool:
        return not self.withheld


def _who(p) -> str:
    if p.consent == "none":  # the export masks their voice whatever the dialog's tick box says
        return f"{p.name} (no consent: face covered and voice masked)"
    return f"{p.name} (consent: {p.consent})"


def reel_consent(lib, reel_id: int) -> ReelConsent:
    with lib.read() as s:
        reel = s.get(Reel, reel_id)
        if reel is None:
            raise NotFound(f"reel {reel_id}: no such reel (it may have been deleted)")
        clip_ids = list(s.scalars(select(ReelItem.clip_id).where(ReelItem.reel_id == reel_id)
                                  .order_by(ReelItem.position)))
        result = consent_policy.evaluate(s, reel.audience, clip_ids, anonymise=True, can_anonymise=True)
        out = ReelConsent(reel.audience)
        for n, decision in enumerate(result.decisions, 1):
            if not decision.allowed:
                out.withheld.append(ClipConsent(n, decision.title, [r for r in decision.reasons]))
            elif decision.anonymise:
                out.to_cover.append(ClipConsent(n, decision.title,
                                                [_who(p) for p in decision.anonymise]))
        out.face_notes = face_plan.notes(s, [d for d in result.decisions if d.allowed])
        return out
