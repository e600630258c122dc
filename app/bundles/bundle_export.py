"""Export a bundle: the clips of a reel, an event or a prototype, for another ProtoReel library.

The same consent policy as every other way out: checked when the export starts (clips beyond
someone's consent refused, naming pseudonyms and clips, unless anonymised; a withdrawn person's
clips never go), and again by the gate in the transaction that moves the finished file into
place and logs it (a withdrawal in between wins). Each clip's picture and sound are cut
frame-exactly by the reel exporter (media/export/mp4.py) at the film's own rate and shape, not
the whole film. People travel as pseudonyms or roles with their consent; names never leave.
"""

from __future__ import annotations

import copy
import datetime as dt
import shutil
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from app.bundles import bundle_contents, bundle_format
from app.people import face_plan
from app.ways_out import consent_policy
from app.bundles.bundle_contents import Contents
from app.library import Library
from app.ways_out.name_guard import Note, no_note
from app.reels.export import COVER_STYLES, _apply_anonymisation, _describe
from app.ways_out.gate import Exit, Passage, way_out
from app.version import version
from media.errors import BadInput, ConsentRefused
from media.export import atomic, leftovers, mp4
from media.export.atomic import atomic_output
from media.export.plan import ExportSettings, PlanItem, ReelPlan
from media.jobs import CancelToken, ProgressFn, no_progress, sub_progress

MAX_CUT_HEIGHT = 1080
# What to do about a short consent, in the words of whoever asked: the command line's flag here,
# the export dialog's tick box in the GUI (ui.bundles.bundle_flow passes its own).
CLI_COVER_HINT = ("--anonymise covers the faces of people whose consent is short (never of a withdrawal); "
                  "--leave-out leaves those clips out")
DEFAULT_FPS = Fraction(30)


def export_bundle(lib: Library, out: Path | str, reel=None, event=None, prototype=None, audience: str | None = None,
                  anonymise: bool = False, style: str = "blur", mask_voice: bool = False, replace: bool = False,
                  progress: ProgressFn = no_progress, cancel: CancelToken | None = None,
                  note: Note = no_note, cover_hint: str = CLI_COVER_HINT, leave_out: bool = False) -> Path:
    """Write the bundle to ``out`` (``.protoreel``) through the one gate; returns its path.
    ``audience``: who may see it (default: the reel's own audience; the collaborative for an
    event or a prototype). ``leave_out``: clips that cannot go to it (even covered, with
    ``anonymise``) are left out instead of refusing the bundle. Faces are covered as a reel's
    anonymised export covers them (``app.people.face_plan``: the restricted and the unknown;
    people who may be shown stay visible where their faces are known)."""
    cancel = cancel or CancelToken()
    out = Path(out).expanduser().absolute()
    if out.suffix.lower() != bundle_format.SUFFIX:
        raise BadInput(f"{out.name}: a bundle is written to a {bundle_format.SUFFIX} file")
    if style not in COVER_STYLES:
        raise BadInput(f"style {style!r}: must be one of {', '.join(COVER_STYLES)}")
    if mask_voice and not anonymise:
        raise BadInput("--mask-voice goes with --anonymise (it masks the voices in the covered clips)")
    with lib.read() as s:
        selection = bundle_contents.select_clips(s, reel, event, prototype, audience)
        found = bundle_contents.gather(lib, s, selection)
    missing = [i for i in found.items if not i.source.is_file()]
    if missing:
        raise BadInput(f"{missing[0].source}: the film of clip {missing[0].clip_title!r} is missing; relink it first")
    exit = Exit("bundle", selection.subject, f"bundle {selection.subject!r}", selection.audience, selection.clip_ids,
                out=out, reading=[i.source for i in found.items], replace=replace, anonymise=anonymise,
                can_anonymise=True, leave_out=leave_out, reel_id=selection.reel_id, note=note,
                refusal=lambda result, what, written: refusal(result, what, anonymise, cover_hint, written),
                person_words=lambda p: p.label,
                texts=lambda _s, going: bundle_contents.words_out(_going(found, going), _data(_going(found, going), ""),
                                                                  out))

    def write(passage: Passage) -> None:
        going = _going(found, passage.first)
        if not going.items:
            raise ConsentRefused(f"bundle {selection.subject!r}: none of its clips can go to a {selection.audience} "
                                 "audience. Nothing was written.")
        uid = bundle_contents.library_uid(lib)  # made once, on the library's first bundle (not on a refusal)
        plan = ReelPlan(selection.reel_id or 0, selection.subject, "", selection.audience, going.items)
        by_clip = {d.clip_id: d for d in passage.decisions}
        decided = consent_policy.PolicyResult(selection.audience, [by_clip[i.clip_id] for i in going.items])
        _apply_anonymisation(plan, decided, style, False, set(), mask_voice)
        work = lib.work_dir("bundle")
        try:
            if any(i.cover_faces for i in going.items):  # the reel export's face plan, the same readings
                with lib.read() as s:
                    face_plan.plan(s, going.items, decided.decisions, False, set(), work)
            face_plan.mark_covered(going.items)
            data = _data(going, uid)
            passage.items = [{"clip_id": i.clip_id, "clip": i.clip_title, "position": n + 1, "member": _member(n),
                              "people": [{"label": p.label, "role": p.role, "anonymised": p.anonymised}
                                         for p in i.people]}
                             for n, i in enumerate(going.items)]
            passage.anonymisation = _describe(plan, style)
            media = _cut(lib, going.items, work, sub_progress(progress, 0.0, 0.95), cancel)
            manifest = {"created_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                        "made_by": f"ProtoReel {version()}",
                        "subject": {"kind": selection.kind, "name": selection.subject},
                        "audience": selection.audience, "anonymisation": passage.anonymisation, "from_library": uid,
                        "clips": len(going.items)}
            progress(0.96, "writing the bundle")
            with atomic_output(exit.out) as partial:
                leftovers.note_partial(work, partial)  # a kill leaves nothing beside the target for long
                bundle_format.write(partial, manifest, data, media, cancel)
                cancel.check()
        finally:
            shutil.rmtree(work, ignore_errors=True)

    way_out(lib, exit, write)
    progress(1.0, "done")
    return exit.out


@dataclass(frozen=True)
class ClipShort:
    position: int  # 1-based, in the bundle's order
    title: str
    who: list[str]  # by pseudonym or role, with their consent
    withdrawn: bool  # someone on it withdrew: it cannot go even covered


@dataclass
class BundleConsent:
    """What the one consent policy would let into a bundle, before a file is chosen (the
    Export Bundle dialog). The export asks the gate again when it runs: advice, never the gate."""

    subject: str
    audience: str
    count: int  # clips in the selection
    cannot_go: list[ClipShort] = field(default_factory=list)

    @property
    def covering_helps(self) -> bool:
        return any(not c.withdrawn for c in self.cannot_go)


def bundle_consent(lib: Library, reel=None, event=None, prototype=None, audience: str | None = None,
                   anonymise: bool = False) -> BundleConsent:
    with lib.read() as s:
        selection = bundle_contents.select_clips(s, reel, event, prototype, audience)
        result = consent_policy.evaluate(s, selection.audience, selection.clip_ids, anonymise=anonymise)
    out = BundleConsent(selection.subject, selection.audience, len(selection.clip_ids))
    for d in result.decisions:
        if d.allowed:
            continue
        short = [p for p in d.people if p.withdrawn or not consent_policy.covers(p.consent, result.audience)]
        who = [f"{p.label} ({'withdrew consent' if p.withdrawn else 'consent: ' + p.consent})" for p in short]
        out.cannot_go.append(ClipShort(d.position, d.title, who or list(d.reasons), any(p.withdrawn for p in short)))
    return out


def _going(found: Contents, result: consent_policy.PolicyResult) -> Contents:
    """The bundle without the clips the gate left out."""
    keep = set(result.allowed_ids)
    if keep >= {i.clip_id for i in found.items}:
        return found
    going = copy.copy(found)
    going.items = [i for i in found.items if i.clip_id in keep]
    return going


def refusal(result: consent_policy.PolicyResult, what: str, anonymise: bool, cover_hint: str = "",
            written: str = "Nothing was written.") -> str:
    """Which clips cannot go (by their place in the bundle and title), and who is on them, by
    pseudonym or role (never by name)."""
    lines = []
    for d in result.decisions:
        if d.allowed:
            continue
        if not d.people:
            lines.append(f"{d.where}: {', '.join(d.reasons)}")
            continue
        short = [f"{p.label} ({'withdrew consent' if p.withdrawn else 'consent: ' + p.consent})"
                 for p in d.people if p.withdrawn or not consent_policy.covers(p.consent, result.audience)]
        lines.append(f"{d.where}: {', '.join(short)}")
    hint = "" if anonymise or not cover_hint or written != "Nothing was written." else f"; {cover_hint}"
    return f"{what} cannot go to a {result.audience} audience: {'; '.join(lines)}. {written.rstrip('.')}{hint}."


def _member(n: int) -> str:
    return f"media/{n + 1}.mp4"


def _data(found: Contents, uid: str) -> dict:
    """library.json: what the bundle says about its clips, tags, prototypes and people: who is
    covered in each clip as the cut shows it (``face_plan.mark_covered``)."""
    anonymised = set()
    clips = []
    for n, item in enumerate(found.items):
        clip, film = found.clips[item.clip_id], found.films[item.film_id]
        people = []
        for person_id, on in zip(found.on_clip.get(item.clip_id, []), item.people):
            if on.anonymised:
                anonymised.add(person_id)
            ranges = found.appearances.get((person_id, film.id), [])
            people.append({"person": bundle_contents.person_ref(uid, person_id), "anonymised": on.anonymised,
                           "ranges": bundle_contents.ranges_in_cut(ranges, item.start_us, item.end_us)})
        entry = {
            "member": _member(n), "title": clip.title, "start_us": 0, "end_us": item.duration_us,
            "note": clip.note, "quote": clip.quote, "safeguarding": bool(clip.safeguarding),
            "safeguarding_note": clip.safeguarding_note,
            "tags": [{"kind": k, "name": t} for k, t in item.tags], "prototypes": item.prototypes,
            "event": ({"name": film.event.name, "date": film.event.date.isoformat() if film.event.date else None,
                       "place": film.event.place} if film.event else None),
            # When the clip's first frame was filmed (UTC), the zone's offset and how it was known.
            "filmed_at": (film.recorded_at + dt.timedelta(microseconds=item.start_us)).isoformat()
            if film.recorded_at else None,
            "filmed_offset_min": film.recorded_offset_min, "filmed_from": film.recorded_source,
            "faces_covered": item.cover_faces or None, "voice_masked": item.mask_voice, "people": people,
        }
        clips.append(entry)
    going = {pid for item in found.items for pid in found.on_clip.get(item.clip_id, [])}
    people = [{"ref": bundle_contents.person_ref(uid, pid), **facts, "anonymised": pid in anonymised}
              for pid, facts in sorted(found.people.items()) if pid in going]
    data = {"clips": clips, "tags": sorted(found.tags.values(), key=lambda t: (t["kind"], t["name"])),
            "prototypes": sorted(found.prototypes.values(), key=lambda p: p["name"]), "people": people}
    return data


def cut_size(item: PlanItem) -> tuple[int, int]:
    """The clip's picture as it is shown (upright, square pixels), at most 1080 high, even sides."""
    if not item.has_video or not item.width or not item.height:
        return 640, 360
    w, h = Fraction(item.width) * item.sar, Fraction(item.height)
    if item.rotation % 180 == 90:
        w, h = h, w
    if h > MAX_CUT_HEIGHT:
        w, h = w * MAX_CUT_HEIGHT / h, Fraction(MAX_CUT_HEIGHT)
    return max(2, round(w / 2) * 2), max(2, round(h / 2) * 2)


def _cut(lib: Library, items: list[PlanItem], work: Path, progress: ProgressFn, cancel: CancelToken) -> dict[str, Path]:
    """Each clip cut on its own at its film's rate and shape (so frame N of the cut is frame N
    of the clip); faces covered and voices masked where the policy asked."""
    media = {}
    total = sum(i.duration_us for i in items) or 1
    done = 0
    for n, item in enumerate(items):
        width, height = cut_size(item)
        fps = item.fps if item.has_video and item.fps and 1 <= item.fps <= 120 else DEFAULT_FPS
        settings = ExportSettings(height=height, width=width, fps=fps, cards=False, captions=False)
        plan = ReelPlan(0, item.clip_title, "", "", [item], settings, opening_card=False)
        target = work / f"{n + 1}.mp4"
        step = sub_progress(progress, done / total, (done + item.duration_us) / total)
        with atomic.scratch(work):  # the cut clips stay in the library's .tmp/ until the bundle holds them
            mp4.write(plan, target, lambda f, m="", k=n, s=step: s(f, f"clip {k + 1} of {len(items)}: {m}"), cancel,
                      work_dir=lib.work_dir("export"))
        media[_member(n)] = target
        done += item.duration_us
    return media
