"""Export a reel: plan it, pass the one gate (path, names, consent; written atomically, checked
again, logged), in every format."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from app.ways_out import name_texts
from app.people import face_plan
from app.reels import reel_plan
from app.ways_out.name_guard import Guard, Note, no_note
from app.library import Library
from app.wording import numbered
from app.models import Film
from app import lookup
from app.ways_out.gate import Exit, Passage, way_out
from media.errors import BadInput
from media.export import adapter_for
from media.export.atomic import atomic_output
from media.export.plan import ReelPlan
from media.reading import interlace
from media.jobs import CancelToken, ProgressFn, no_progress

COVER_STYLES = ("blur", "pixelate")
# Only a rendered picture can be anonymised: the other formats point at the plain films.
ANONYMISING_SUFFIXES = (".mp4",)


def export_reel(
    lib: Library,
    reel_ref,
    out: Path | str,
    height: int | None = None,
    cards: bool | None = None,
    captions: bool | None = None,
    anonymise: bool = False,
    fps=None,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
    style: str = "blur",
    cover_all: bool = False,
    cover_people: list | None = None,
    mask_voice: bool = False,
    replace: bool = False,
    notes: list | None = None,
    note: Note = no_note,
    told: list | None = None,
) -> Path:
    """Export a reel. ``anonymise``: people whose consent does not reach the audience are
    shown with every face in their clips covered (``style``); ``cover_all`` covers every
    face in the reel, ``cover_people`` the faces in the clips where those people appear;
    ``mask_voice`` also pitch-shifts the sound of every covered clip (always done for a clip
    with someone who gave no consent at all). ``replace``: a file
    already at ``out`` may be replaced (never footage: see ``export_guard``). In a clip covered
    for some people whose faces are known, only faces not recognised as someone who may be
    shown are covered (``app.people.face_plan``); ``notes`` receives what the facilitator is told
    about it ("Jane's face is not known yet: every face in their clips will be covered").
    ``note`` hears what is worth knowing about the words but does not stop the export (a
    first name in them). ``told`` receives what the video export did that is worth saying
    (an interlaced film deinterlaced: a picture per field or per frame, and why)."""
    out = Path(out).expanduser().absolute()
    writer = adapter_for(out)
    if height is not None and height not in (720, 1080):
        raise BadInput(f"height {height}: must be 720 or 1080")
    if style not in COVER_STYLES:
        raise BadInput(f"style {style!r}: must be one of {', '.join(COVER_STYLES)}")
    covering = anonymise or cover_all or bool(cover_people) or mask_voice
    if covering and out.suffix.lower() not in ANONYMISING_SUFFIXES:
        raise BadInput(f"{out.name}: anonymising needs a video export (.mp4); {out.suffix} files point at the "
                       "plain films, so they cannot hide faces")
    with lib.read() as s:
        rate = reel_plan.parse_reel_rate(str(fps)) if fps is not None else None
        plan = reel_plan.build(lib, s, reel_ref, height=height, cards=cards, captions=captions, fps=rate)
        hashes = {f.id: f.sha256 for f in s.query(Film).filter(Film.id.in_([i.film_id for i in plan.items]))}
        chosen = {lookup.person(s, ref).id for ref in (cover_people or [])}
    if not plan.items:
        raise BadInput(f"reel {plan.title!r}: has no clips to export")
    mp4 = out.suffix.lower() == ".mp4"
    exit = Exit("reel", plan.title, f"reel {plan.title!r}", plan.audience, [i.clip_id for i in plan.items], out=out,
                also=[manifest_path(out)] if mp4 else [], reading=[item.source for item in plan.items],
                replace=replace, anonymise=anonymise, can_anonymise=out.suffix.lower() in ANONYMISING_SUFFIXES,
                reel_id=plan.reel_id, note=note,
                texts=lambda _s, _r: [name_texts.out_text(out),
                                       *name_texts.reel_texts(plan, name_texts.carries_speech(plan, out))])

    def write(passage: Passage) -> None:
        if out.suffix.lower() in name_texts.REFERENCE_SUFFIXES:
            with lib.read() as s:
                name_texts.hide_named_files(Guard.of(s), plan, hashes, note)
        _apply_anonymisation(plan, passage.first, style, cover_all, chosen, mask_voice)
        # Face readings for the face filter, in the library's .tmp/ (owner-only; cleared if we die).
        readings = lib.work_dir("faces") if any(i.cover_faces for i in plan.items) else None
        try:
            if readings is not None:
                with lib.read() as s:
                    said = face_plan.plan(s, plan.items, passage.decisions, cover_all, chosen, readings)
                if notes is not None:
                    notes.extend(said)
            face_plan.mark_covered(plan.items)
            manifest = _manifest(plan, exit.out, hashes)
            passage.items = manifest["items"]
            passage.anonymisation = _describe(plan, style)
            if mp4:  # its working files live in the library's .tmp/, cleared if we die
                writer(plan, exit.out, progress, cancel or CancelToken(), work_dir=lib.work_dir("export"))
                _write_manifest(exit.out, manifest)
            else:
                writer(plan, exit.out, progress, cancel or CancelToken())
        finally:
            if readings is not None:
                shutil.rmtree(readings, ignore_errors=True)

    way_out(lib, exit, write)
    if mp4 and told is not None:
        told.extend(_deinterlaced(plan))
    return exit.out


def _deinterlaced(plan: ReelPlan) -> list[str]:
    """One line per interlaced film in a video export: how it was deinterlaced, and why."""
    said, seen = [], set()
    for item in plan.items:
        if item.has_video and item.field_order and item.film_id not in seen:
            seen.add(item.film_id)
            said.append(f"film {item.film_title!r} is "
                        f"{interlace.describe(item.field_order, item.fps, plan.settings.fps)}")
    return said


def _apply_anonymisation(plan: ReelPlan, result, style: str, cover_all: bool, chosen: set, mask_voice: bool) -> None:
    for item, decision in zip(plan.items, result.decisions):
        restricted = {p.person_id for p in decision.anonymise}
        on_clip = {p.person_id for p in decision.people}
        for person, on in zip(item.people, decision.people):
            person.anonymised = on.person_id in restricted or on.person_id in chosen or cover_all
        if cover_all or restricted or (chosen & on_clip):
            item.cover_faces = style
            item.mask_voice = mask_voice or decision.mask_voice


def _describe(plan: ReelPlan, style: str) -> str:
    covered = [i.position + 1 for i in plan.items if i.cover_faces]
    if not covered:
        return ""
    voices = [i.position + 1 for i in plan.items if i.mask_voice]
    done = {"blur": "blurred", "pixelate": "pixelated"}[style]
    text = f"faces {done} in {numbered('item', covered)}"
    told = [i.position + 1 for i in plan.items if i.cover_faces and i.known_faces]
    if told:
        text += f" (in {numbered('item', told)} only faces not recognised as people who may be shown)"
    return text + (f"; voices masked in {numbered('item', voices)}" if voices else "")


def manifest_path(out: Path) -> Path:
    return out.with_name(out.stem + ".manifest.json")


def _manifest(plan: ReelPlan, out: Path, hashes: dict[int, str]) -> dict:
    # Beside a shared video: roles and consent, never names (the library keeps who).
    return {
        "reel": plan.title,
        "subtitle": plan.subtitle,
        "audience": plan.audience,
        "file": out.name,
        "exported_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "duration_us": plan.duration_us,
        "frame_rate": str(plan.settings.fps),
        "height": plan.settings.height,
        "items": [
            {
                "position": item.position + 1,
                "clip_id": item.clip_id,
                "clip": item.clip_title,
                "film": item.film_title,
                "film_sha256": hashes.get(item.film_id),
                "start_us": item.start_us,
                "end_us": item.end_us,
                "tags": [{"kind": k, "name": n} for k, n in item.tags],
                "prototypes": item.prototypes,
                "people": [{"label": p.label, "role": p.role, "consent": p.consent, "anonymised": p.anonymised}
                           for p in item.people],
                "faces_covered": item.cover_faces or None,
                # True: only faces not recognised as someone who may be shown; False: every face.
                "faces_recognised": bool(item.cover_faces and item.known_faces),
                "voice_masked": item.mask_voice,
                # An interlaced film: "per field" or "per frame" (media.reading.interlace); None: progressive.
                "deinterlaced": (("per field" if interlace.field_rate(item.fps, plan.settings.fps) else "per frame")
                                 if item.has_video and item.field_order else None),
                "caption": item.caption,
            }
            for item in plan.items
        ],
    }


def _write_manifest(out: Path, manifest: dict) -> None:
    target = manifest_path(out)
    with atomic_output(target) as partial:
        partial.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
