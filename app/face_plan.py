"""Which faces an anonymised export covers in each clip: chosen people's faces only, when the
app can tell them apart; every face when it cannot.

In a clip to be covered because of some people (their consent falls short of the audience,
or the facilitator chose them), every one of those people must have a known face
(``app.ops.faces``) for recognition to decide. Then only faces read as someone on the clip
who may be shown are left visible: a restricted person's face, an unknown face, a face too
small or turned to be read, all stay covered (never under-cover). If one of those people's
faces is not known yet, every face in the clip is covered, as before, and the facilitator is
told so.
"""

from __future__ import annotations

from pathlib import Path

from app.ops import faces as face_ops


def plan(session, items, decisions, cover_all: bool, chosen: set[int], work: Path | None) -> list[str]:
    """Set ``item.known_faces`` (a readings file in ``work``) where recognition decides;
    return plain sentences for the facilitator (who is covered how)."""
    from media.anonymise.recognise import Known

    notes: dict[int, str] = {}
    known = face_ops.known_people(session)
    every = face_ops.readings(session, known) if known else {}
    for item, decision in zip(items, decisions):
        if not item.cover_faces:
            continue
        on = {p.person_id: p for p in decision.people}
        hidden = {p.person_id for p in decision.anonymise} | (chosen & set(on))
        if cover_all or not hidden:
            continue
        missing = [on[pid] for pid in sorted(hidden) if pid not in every]
        for p in missing:
            notes.setdefault(p.person_id, f"{p.name}'s face is not known yet: every face in their clips will be "
                                          "covered (add their face in the People panel to cover only theirs)")
        if missing:
            continue
        for pid in hidden:
            notes.setdefault(pid, f"{on[pid].name}'s face is known: in their clips their face, and any face that "
                                  "cannot be told apart, will be covered; people who may be shown stay visible")
        shown = set(on) - hidden
        readings = Known([r for pid in shown for r in every.get(pid, [])],
                         [r for pid, rs in every.items() if pid not in shown for r in rs])
        if work is not None:  # None: only the notes are wanted (the export dialog)
            item.known_faces = readings.save(Path(work) / f"faces-{item.position + 1}.json")
    return list(notes.values())
