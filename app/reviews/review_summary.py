"""A review's one-page summary, to email after the meeting: what was shown (a still per clip,
how long it was on screen), the notes, the marks and the actions.

One HTML builder serves both outputs: the HTML file (opened in any browser) and the PDF,
which the GUI side renders with Qt's own PDF writer (``ui.present.summary_pdf``). The markup
is tables and inline styles, which a browser and Qt's rich text both lay out the same way.
A withheld clip gets no still: the summary goes to the same room that was not shown it.

Writers are registered by suffix; ``.pdf`` is registered by the GUI package (the core never
imports Qt), so ``protoreel review summary R OUT.pdf`` works from the installed command.
"""

from __future__ import annotations

import base64
import html
import shutil
from pathlib import Path
from typing import Callable

from app.ways_out import consent_policy
from app.library import Library
from app.wording import plural
from app.ways_out.name_guard import Note, Text, no_note
from app.ways_out.name_texts import out_text
from app.ways_out.gate import Exit, Passage, way_out
from app.reviews.review_records import MARK_LABELS, ReviewDetail, detail
from media.errors import BadInput
from media.export.atomic import atomic_output
from media.export.report import still
from media.timecode import format_short

Writer = Callable[[str, Path], None]  # (html text with stills beside it, out path)
WRITERS: dict[str, Writer] = {}
STILL_WIDTH = 150


def register(suffix: str, writer: Writer) -> None:
    WRITERS[suffix] = writer


def _duration(us: int) -> str:
    secs = int(us // 1_000_000)
    return f"{secs // 60}:{secs % 60:02d}"


def stills(d: ReviewDetail, folder: Path) -> dict[int, str]:
    """Exact still at the middle of each shown clip, by item id → file name (missing films: none)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for item in d.items:
        if item.withheld or not item.film_path or not item.has_video:
            continue
        name = f"item{item.id}.jpg"
        if still(Path(item.film_path), item.film_start_us, (item.start_us + item.end_us) // 2, item.rotation,
                 folder / name):
            out[item.id] = name
    return out


def _e(text) -> str:
    return html.escape(str(text or ""))


def build_html(d: ReviewDetail, sources: dict[int, str], withdrawn: frozenset[int] | set[int] = frozenset()) -> str:
    """The summary page; ``sources`` gives each still's ``src`` by item id; ``withdrawn``: the
    items withheld because someone on them withdrew consent (the others: their consent does
    not reach the audience). Times read as everywhere in the app (``M:SS.ff``); each item is
    set apart from the next (stills touching read as one tall picture)."""
    r = d.review
    shown = [i for i in d.items if i.shown_us > 0]
    withheld = sum(1 for i in d.items if i.withheld)  # as consent stands now (a withdrawal since counts)
    head = (f"<h1 style='font-size:20pt;margin:0'>{_e(r.title)}</h1>"
            f"<p style='color:#555;margin:2pt 0 8pt 0'>Breakfast review · {_e(r.held_on)} · for a {_e(r.audience)} "
            f"audience · {len(shown)} of {plural(r.items, 'item')} shown for {_duration(r.shown_us)}"
            f"{f' · {withheld} withheld (consent)' if withheld else ''}</p>")
    if d.meeting_note.strip():
        head += f"<p style='margin:0 0 8pt 0'><b>Meeting notes:</b> {_e(d.meeting_note)}</p>"
    rows = []
    for item in d.items:
        if item.id in sources:
            picture = f"<img src='{_e(sources[item.id])}' width='{STILL_WIDTH}' alt='{_e(item.title)}'>"
        elif item.withheld and item.id in withdrawn:  # nobody named: the summary goes to the room
            picture = "<div style='color:#a33'><b>Withheld</b><br>someone on it withdrew consent</div>"
        elif item.withheld:
            picture = "<div style='color:#a33'><b>Withheld</b><br>consent does not cover this audience</div>"
        else:
            picture = "<div style='color:#777'>(no still: film missing)</div>"
        marks = " · ".join(f"{MARK_LABELS[k]} ×{n}" for k, n in item.marks.items() if n)
        tags = ", ".join(_e(t["name"]) for t in item.tags)
        on_screen = f"on screen {_duration(item.shown_us)}" if item.shown_us else "not shown"
        text = [f"<b>{item.position + 1}. {_e(item.title)}</b>",
                f"<span style='color:#666'>{format_short(item.start_us)}–{format_short(item.end_us)} · "
                f"{on_screen}{' · ' + tags if tags else ''}</span>"]
        if item.discuss and not item.withheld:
            text.append(f"<i>Asked: {_e(item.discuss)}</i>")
        if item.note:
            text.append(_e(item.note).replace("\n", "<br>"))
        if marks:
            text.append(f"<span style='color:#1d5fa8'>{marks}</span>")
        # Room (and a rule) between items: stills touching read as one tall picture.
        rule = "border-bottom:1px solid #d5d8dc;" if rows else ""
        rows.append(f"<tr><td colspan='2' style='padding:0;{rule}font-size:5pt'>&nbsp;</td></tr>"
                    "<tr><td colspan='2' style='padding:0;font-size:5pt'>&nbsp;</td></tr>" if rows else
                    "<tr><td colspan='2' style='padding:0;font-size:5pt'>&nbsp;</td></tr>")
        rows.append(f"<tr><td style='padding:0 10pt 0 0' valign='top' width='{STILL_WIDTH + 10}'>{picture}</td>"
                    f"<td style='padding:0' valign='top'>{'<br>'.join(text)}</td></tr>")
    actions = "".join(
        f"<tr><td style='padding:2pt 6pt 2pt 0'>{_e(a.text)}</td><td style='padding:2pt 6pt'>{_e(a.owner) or '—'}</td>"
        f"<td style='padding:2pt 6pt'>{_e(a.due) or '—'}</td><td style='padding:2pt 6pt'>{_e(a.prototype) or '—'}</td>"
        f"<td style='padding:2pt 0 2pt 6pt'>{_e(a.clip) or '—'}</td></tr>" for a in d.actions)
    actions_block = (
        "<h2 style='font-size:14pt;margin:10pt 0 4pt 0'>Actions</h2>"
        "<table cellspacing='6' cellpadding='0'><tr style='color:#555'><th align='left'>What</th>"
        "<th align='left'>Who</th><th align='left'>By</th><th align='left'>Prototype</th><th align='left'>Clip</th></tr>"
        f"{actions}</table>" if d.actions else "<p style='color:#555'>No actions were agreed.</p>")
    return ("<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>{_e(r.title)} — review summary</title></head>"
            "<body style=\"font-family:'DejaVu Sans',Arial,sans-serif;font-size:9.5pt;color:#1d2025\">"
            f"{head}<table cellspacing='0' cellpadding='0' style='border-collapse:collapse'>{''.join(rows)}</table>"
            f"{actions_block}</body></html>")


def write_html(text: str, out: Path) -> None:
    with atomic_output(out) as partial:
        partial.write_text(text, encoding="utf-8")


register(".html", write_html)


def _inline(path: Path) -> str:
    return "data:image/jpeg;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _texts(d: ReviewDetail, out: Path) -> list[Text]:
    """The words the summary carries: the review's title and notes, each item's title, note,
    question and tags, the actions with who owns them (the room's summary names the
    facilitators and staff who took an action on, never someone on film)."""
    fix = "use their pseudonym there (edit the review's notes)"
    where = f"review {d.review.title!r} of {d.review.held_on}"
    texts = [out_text(out), Text(where, "title", d.review.title, fix), Text(where, "meeting notes", d.meeting_note, fix)]
    for item in d.items:
        at = f"{where}, item {item.position + 1} {item.title!r}"
        texts += [Text(at, "title", item.title, fix, group=at), Text(at, "note", item.note, fix, group=at)]
        texts += [Text(f"tag {t['name']!r}", "name", t["name"], "rename the tag") for t in item.tags]
        if not item.withheld:
            texts.append(Text(at, "discussion question", item.discuss, fix, group=at))
    for a in d.actions:
        at = f"{where}, action {a.text!r}"
        texts += [Text(at, "text", a.text, fix, group=at),
                  Text(at, "owner", a.owner, "give the owner by role or as a member of staff", group=at),
                  Text(at, "prototype", a.prototype or "", "rename the prototype")]
    return texts


def _withdrawn(s, d: ReviewDetail) -> set[int]:
    """Items withheld because someone seen on them has withdrawn consent (said as such on the
    page: "consent does not cover this audience" told the room the wrong thing)."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from app.models import Appearance, Person

    clip_ids = [i.clip_id for i in d.items if i.withheld and i.clip_id is not None]
    on = consent_policy.people_on_clips(s, clip_ids) if clip_ids else {}
    out = {i.id for i in d.items if i.withheld and i.clip_id is not None and any(p.withdrawn for p in on.get(i.clip_id, []))}
    films = {i.film_id for i in d.items if i.withheld and i.clip_id is None and i.film_id is not None}
    if films:
        gone = list(s.scalars(select(Appearance).join(Appearance.person).where(
            Appearance.film_id.in_(films), Person.consent_withdrawn_at.is_not(None)).options(
            selectinload(Appearance.ranges))))
        for item in d.items:
            if item.withheld and item.clip_id is None and any(
                    a.film_id == item.film_id and (not a.ranges or any(r.start_us < item.end_us and item.start_us < r.end_us
                                                                       for r in a.ranges)) for a in gone):
                out.add(item.id)
    return out


def _withhold_changed(lib: Library, d: ReviewDetail) -> None:
    """A clip whose consent changed since the meeting loses its still and its question."""
    r = d.review
    ids = list(dict.fromkeys(i.clip_id for i in d.items if i.clip_id is not None and not i.withheld))
    with lib.read() as s:
        allowed = set(consent_policy.evaluate(s, r.audience, ids).allowed_ids)
        for item in d.items:
            if item.withheld:
                continue
            if item.clip_id is not None:
                item.withheld = item.clip_id not in allowed
            else:  # a whole film shown at the meeting: someone in it may have withdrawn since
                item.withheld = item.film_id is None or not consent_policy.stretch_may_go(
                    s, item.film_id, item.start_us, item.end_us, r.audience)


def write_summary(lib: Library, review_id: int, out: Path | str, replace: bool = False,
                  note: Note = no_note) -> Path:
    """Write the summary as ``out``'s suffix says, one self-contained file either way: ``.html``
    (stills inlined, so the page can be emailed on its own) or ``.pdf``. Through the gate: its
    shown clips checked for the review's audience now (those beyond it left out), its words
    for names, published whole and logged with the people on its clips (so a withdrawal
    lists it)."""
    out = Path(out).expanduser().absolute()
    suffix = out.suffix.lower()
    if suffix not in (".html", ".pdf"):
        raise BadInput(f"{out.name}: a summary is written as .pdf or .html")
    if suffix not in WRITERS:
        raise BadInput(f"{out.name}: PDF summaries are written by the app's Qt part; run the `protoreel` command")
    d = detail(lib, review_id)
    _withhold_changed(lib, d)
    r = d.review
    ids = list(dict.fromkeys(i.clip_id for i in d.items if i.clip_id is not None and not i.withheld))
    exit = Exit("summary", r.title, f"summary of review {r.title!r}", r.audience, ids, out=out, replace=replace,
                leave_out=True, review_id=r.id, note=note, texts=lambda _s, _going: _texts(d, out))

    def write(passage: Passage) -> None:
        for item in d.items:  # consent changed between the two looks: left out too
            if item.clip_id is not None and item.clip_id in {x.clip_id for x in passage.left_out}:
                item.withheld = True
        with lib.read() as s:
            withdrawn = _withdrawn(s, d)
        work = lib.work_dir("summary")
        try:  # stills are made in the library's scratch space and dropped once embedded
            names = stills(d, work)
            if suffix == ".html":
                sources = {item: _inline(work / name) for item, name in names.items()}
            else:
                sources = {item: str(work / name) for item, name in names.items()}
            WRITERS[suffix](build_html(d, sources, withdrawn), exit.out)
        finally:
            shutil.rmtree(work, ignore_errors=True)

    way_out(lib, exit, write)
    return exit.out
