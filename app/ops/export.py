"""Export a reel: plan it, pass the export policy, write it atomically, record it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from app import export_policy, reel_plan
from app.ops import export_guard
from media.errors import BadInput, ProtoReelError
from media.jobs import CancelToken, ProgressFn, no_progress
from app.library import Library
from app.models import ExportRecord, Film
from media.export import adapter_for
from media.export.atomic import atomic_output
from media.export.plan import ReelPlan


def export_reel(
    lib: Library,
    reel_ref,
    out: Path | str,
    height: int | None = None,
    cards: bool | None = None,
    captions: bool | None = None,
    anonymise: bool = False,
    fps=None,
    rules: list | None = None,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> Path:
    out = Path(out).expanduser().absolute()
    writer = adapter_for(out)
    if height is not None and height not in (720, 1080):
        raise BadInput(f"height {height}: must be 720 or 1080")
    with lib.read() as s:
        rate = reel_plan.parse_reel_rate(str(fps)) if fps is not None else None
        plan = reel_plan.build(lib, s, reel_ref, height=height, cards=cards, captions=captions, fps=rate)
        hashes = {f.id: f.sha256 for f in s.query(Film).filter(Film.id.in_([i.film_id for i in plan.items]))}
    # Never onto the footage, a file being read, or into the library (except exports/).
    sources = [item.source for item in plan.items]
    out = export_guard.check_output(lib, out, reading=sources)
    if out.suffix.lower() == ".mp4":
        export_guard.check_output(lib, manifest_path(out), reading=sources)
    if not plan.items:
        raise BadInput(f"reel {plan.title!r}: has no clips to export")
    if anonymise:
        raise ProtoReelError("anonymising (blurring people) is not yet available in this version; nothing was written")
    export_policy.check(plan, rules)  # before anything is written, on every path
    if out.suffix.lower() == ".mp4":  # its working files live in the library's .tmp/, cleared if we die
        writer(plan, out, progress, cancel or CancelToken(), work_dir=lib.work_dir("export"))
    else:
        writer(plan, out, progress, cancel or CancelToken())
    manifest = _manifest(plan, out, hashes)
    if out.suffix.lower() == ".mp4":
        _write_manifest(out, manifest)
    with lib.op(f"Export {out.name}", undoable=False) as s:
        s.add(ExportRecord(reel_id=plan.reel_id, path=str(out), format=out.suffix.lower().lstrip("."),
                           audience=plan.audience, items_json=json.dumps(manifest["items"])))
    return out


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
                "people": [{"role": p.role, "consent": p.consent} for p in item.people],
                "caption": item.caption,
            }
            for item in plan.items
        ],
    }


def _write_manifest(out: Path, manifest: dict) -> None:
    target = manifest_path(out)
    with atomic_output(target) as partial:
        partial.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
