"""Which faces an anonymised export covers in each clip: chosen people's faces only, when the
app can tell them apart; every face when it cannot.

In a clip to be covered because of some people (their consent falls short of the audience,
or the facilitator chose them), every one of those people must have a known face
(``app.people.faces``) for recognition to decide. Then only faces read as someone on the clip
who may be shown are left visible: a restricted person's face, an unknown face, a face too
small or turned to be read, all stay covered (never under-cover). If one of those people's
faces is not known yet, every face in the clip is covered, as before, and the facilitator is
told so.
"""

from __future__ import annotations

from pathlib import Path

from app.people import faces as face_ops


def plan(session, items, decisions, cover_all: bool, chosen: set[int], work: Path) -> list[str]:
    """Set ``item.known_faces`` (a readings file in ``work``) where recognition decides;
    return plain sentences for the facilitator (who is covered how)."""
    known, notes = decide(session, decisions, [bool(i.cover_faces) for i in items], cover_all, chosen)
    for item, readings in zip(items, known):
        if readings is not None:
            item.known_faces = readings.save(Path(work) / f"faces-{item.position + 1}.json")
    return notes


def mark_covered(items) -> None:
    """Say truthfully who is covered: in a clip whose faces are covered where the app cannot
    tell them apart (no readings), every person on it is covered, whatever their consent."""
    for item in items:
        if item.cover_faces and item.known_faces is None:
            for person in item.people:
                person.anonymised = True


def notes(session, decisions, chosen: set[int] = frozenset()) -> list[str]:
    """What an anonymised export of these clips would tell the facilitator (the export dialog)."""
    return decide(session, decisions, [bool(d.anonymise) or bool(chosen & {p.person_id for p in d.people})
                                       for d in decisions], False, set(chosen))[1]


def decide(session, decisions, covering: list[bool], cover_all: bool, chosen: set[int]) -> tuple[list, list[str]]:
    """Per clip: the readings that decide which faces stay visible (None: every face covered),
    and the sentences for the facilitator."""
    from media.anonymise.recognise import Known

    notes: dict[int, str] = {}
    out: list = []
    known = face_ops.known_people(session)
    every = face_ops.readings(session, known) if known else {}
    for covers, decision in zip(covering, decisions):
        out.append(None)
        if not covers:
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
        out[-1] = Known([r for pid in shown for r in every.get(pid, [])],
                        [r for pid, rs in every.items() if pid not in shown for r in rs])
    return out, list(notes.values())
