"""Clips: half-open time ranges of a film, with title, notes, a quote and tags."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.films import frame_indexes
from media import timecode
from media.errors import BadInput, EditConflict, NotFound
from app.library import Library
from app.models import Clip, ClipTag, Film, Tag
from app.codebook import codebook
from app import lookup


def check_range(film, start_us: int, end_us: int) -> None:
    where = f"clip {timecode.format_clock(start_us)}–{timecode.format_clock(end_us)} of {film.title!r}"
    if start_us < 0:
        raise BadInput(f"{where}: starts before the film")
    if end_us <= start_us:
        raise BadInput(f"{where}: the end must come after the start")
    if start_us >= film.duration_us:
        raise BadInput(f"{where}: starts after the film ends ({timecode.format_clock(film.duration_us)})")
    if end_us > film.duration_us:
        raise BadInput(f"{where}: ends after the film ends ({timecode.format_clock(film.duration_us)})")


def snap(lib: Library, film, start_us: int, end_us: int) -> tuple[int, int]:
    """In and out points moved onto the film's own frames (``FrameIndex.snap``: the in point at
    the start of the frame on screen there, the out point at the start of the frame on screen
    there), which is where the player shows them and every export cuts. The film's kept frame
    index answers at once; a film without one (still importing, or imported before indexes were
    kept) has its frames read near the two points only. Films without picture, or whose file is
    away and never indexed, keep the times as given."""
    if not film.has_video or start_us < 0 or end_us <= start_us:
        return start_us, end_us
    index = frame_indexes.frame_index(lib, film, build=False)
    if index is None:  # not kept yet (importing, or an older film): its frames near the two points
        from media.reading.frame_index import read_near

        path = lib.film_path(film) if isinstance(film, Film) else Path(film.path)
        index = read_near(path, film.start_us, [start_us, end_us]) if path.is_file() else None
    if index is None:
        return start_us, end_us
    start, end = index.snap(start_us, end_us)
    return max(start, 0), end


@dataclass(frozen=True)
class _FilmFacts:
    """What snapping needs of a film, read before the write lock is taken."""

    id: int
    title: str
    path: str
    sha256: str
    start_us: int
    duration_us: int
    has_video: bool


def _facts(lib: Library, film_id: int) -> _FilmFacts:
    with lib.read() as s:
        film = lookup.by_id(s, Film, film_id)
        return _FilmFacts(film.id, film.title, str(lib.film_path(film)), film.sha256, film.start_us,
                          film.duration_us, film.has_video)


def _snapped(lib: Library, film: _FilmFacts, start_us: int, end_us: int) -> tuple[int, int]:
    """Checked and snapped, reading the film (its frame index, or its packets once) outside
    any write transaction: the GUI thread never holds the library's write lock while a long
    film is read."""
    check_range(film, start_us, end_us)
    return snap(lib, film, start_us, end_us)


def default_title(film_title: str, start_us: int, taken=lambda title: False) -> str:
    """A title that tells clips apart in a list: the film's short name and where the clip starts
    (``Kitchen role-play 2 · 3:05``). ``taken(title)`` says a title is already a clip's: then the
    film's whole title, the start to the hundredth, and a number are tried in turn, so two takes
    (or two clips a moment apart) never get the same name."""
    whole = " ".join(film_title.replace("_", " ").split()) or "Clip"
    candidates = [f"{short_name(film_title)} · {timecode.format_short(start_us, 0)}",
                  f"{whole} · {timecode.format_short(start_us, 0)}",
                  f"{whole} · {timecode.format_short(start_us)}"]
    for title in dict.fromkeys(candidates):
        if not taken(title):
            return title
    n = 2
    while taken(f"{candidates[-1]} ({n})"):
        n += 1
    return f"{candidates[-1]} ({n})"


_OPEN, _CLOSE = "([{", ")]}"
# What tells takes apart at a title's end: a bracket group ("(take 2)") or a number ("take 2", "2").
_TAKE = re.compile(r"(?<!\S)(\([^()]*\)|\[[^\[\]]*\]|(?:(?:take|part|scene|version|v|no\.?|#)\s*)?\d+)$",
                   re.IGNORECASE)


def _balanced(text: str) -> bool:
    return all(text.count(o) <= text.count(c) for o, c in zip(_OPEN, _CLOSE))


def short_name(title: str, limit: int = 28) -> str:
    """The first words of a film's title, up to about ``limit`` characters (file-name dashes read
    as spaces), never cut inside a bracket, and keeping what tells takes apart at its end:
    ``Rôle play – GP surgery (take 1)`` stays whole (it was ``Rôle play – GP surgery (take``,
    the same for take 2); ``Reception role play at the GP surgery 2`` is ``Reception role play at
    the GP … 2``."""
    words = title.replace("_", " ").replace("-", " ").split()
    whole = " ".join(words)
    if len(whole) <= limit:
        return whole or "Clip"
    kept: list[str] = []
    for word in words:
        if kept and len(" ".join(kept + [word])) > limit:
            break
        kept.append(word)
    while len(kept) > 1 and not _balanced(" ".join(kept)):  # an open bracket: its words go
        kept.pop()
    head = " ".join(kept)
    if not _balanced(head):
        head = head.strip(_OPEN)
    tail = _TAKE.search(whole)
    if tail and not head.endswith(tail.group(1)):
        rest = whole[len(head):].strip()
        return f"{head} {tail.group(1)}" if rest == tail.group(1) else f"{head} … {tail.group(1)}"
    return head or "Clip"


def _taken(session: Session, clip_id: int):
    """Whether another clip of the library already has a title."""
    return lambda title: session.scalars(select(Clip.id).where(Clip.title == title, Clip.id != clip_id)).first() is not None


def resolve_tags(session: Session, refs: list[str], create: bool = True, new: list[str] = ()):
    """The tags ``refs`` name. With ``create`` (the Clip panel's tag box), ``KIND:NAME`` creates
    the tag if the codebook lacks it, unless the name is a near miss of a tag it has (a typo must
    not grow a second "Not being listened to"); a bare name must exist. Without ``create`` (the
    command line's ``--tag``) a bare name must be in the codebook, and so must a ``KIND:NAME``
    that looks like a tag it has (a typo): refused, naming the closest tags; a ``KIND:NAME`` like
    none of them is a new tag (the caller says so). ``new`` (``--new-tag KIND:NAME``) are said to be new tags:
    made if the codebook lacks them."""
    tags = []
    for ref in refs:
        kind, name = lookup.split_tag_ref(ref)
        if not create:
            tags.append(_known_tag(session, ref, kind, name))
            continue
        if kind and not lookup.tag_or_none(session, name, kind):
            near = lookup.near_tags(session, name, kind)
            if near:
                raise BadInput(f"tag {ref!r}: not in the codebook; did you mean {near[0]!r}? (a new tag with "
                               f"this name: protoreel tag add {name!r} --kind {kind})")
        tags.append(codebook.get_or_create(session, name, kind) if kind else lookup.tag(session, name))
    for ref in new:
        kind, name = lookup.split_tag_ref(ref)
        if not kind:
            raise BadInput(f"--new-tag {ref!r}: say what kind of tag it is: challenge:{name}, opportunity:{name} "
                           f"or theme:{name}")
        tags.append(codebook.get_or_create(session, name, kind))
    return tags


def _known_tag(session: Session, ref: str, kind: str | None, name: str):
    try:
        return lookup.tag(session, name, kind) if kind else lookup.tag(session, name)
    except NotFound:
        near = lookup.closest_tags(session, name)
        if kind and not near:  # KIND:NAME like nothing the codebook has: a new tag, as the command contract says
            return codebook.get_or_create(session, name, kind)
        closest = f"closest: {', '.join(map(repr, near))}" if near else "see protoreel tags"
        new = ref.strip() if kind else f"KIND:{name}"
        raise BadInput(f"tag {ref.strip()!r}: not in the codebook ({closest}); nothing changed; to make it a new tag, "
                       f"give --new-tag {new}") from None


def add(
    lib: Library,
    film_id: int,
    start_us: int,
    end_us: int,
    title: str = "",
    tags: list[str] = (),
    note: str = "",
    quote: str = "",
    new_tags: list[str] = (),
    create_tags: bool = True,
) -> int:
    """A new clip. ``tags``: see ``resolve_tags`` (``create_tags`` False: each must be in the
    codebook; ``new_tags`` are made if new)."""
    start_us, end_us = _snapped(lib, _facts(lib, film_id), start_us, end_us)
    with lib.op("Add clip") as s:
        film = lookup.by_id(s, Film, film_id)
        check_range(film, start_us, end_us)
        clip = Clip(film_id=film_id, start_us=start_us, end_us=end_us, title=title.strip(), note=note, quote=quote)
        s.add(clip)
        s.flush()
        for tag in {t.id: t for t in resolve_tags(s, list(tags), create_tags, list(new_tags))}.values():
            s.add(ClipTag(clip_id=clip.id, tag_id=tag.id))
        if not clip.title:
            clip.title = default_title(film.title, start_us, _taken(s, clip.id))
        return clip.id


def unchanged_since(clip: Clip, version: int | None, read: dict | None, fields) -> None:
    """Refuse (``EditConflict``) an edit of ``fields`` made from the clip as it was at ``version``
    (``read``: those fields as they were then) when someone else has since changed any of those
    fields: two people editing the same clip at once never silently overwrite each other. A
    change of other fields meanwhile (their title, your note) is no conflict. No ``version``:
    the edit is made from the clip as it is now (a command)."""
    if version is None or clip.version == version:
        return
    theirs = [f for f in fields if read is None or f not in read or getattr(clip, f) != read[f]]
    if theirs:
        said = []
        for f in theirs:
            if f in ("start_us", "end_us"):
                said.append(f"in and out (now {timecode.format_clock(clip.start_us)}–"
                            f"{timecode.format_clock(clip.end_us)})")
            else:
                now = " ".join(str(getattr(clip, f)).split())
                said.append(f"{f} (now {now[:60] + ('…' if len(now) > 60 else '')!r})")
        raise EditConflict(f"clip {clip.title!r}: someone else changed its {', '.join(dict.fromkeys(said))} a moment "
                           "ago (another window or computer); your change was not saved: look at it again, and "
                           "make it again if it still applies")


def set_range(lib: Library, clip_id: int, start_us: int, end_us: int,
              version: int | None = None, read: dict | None = None) -> None:
    with lib.read() as s:
        film_id = lookup.by_id(s, Clip, clip_id).film_id
    start_us, end_us = _snapped(lib, _facts(lib, film_id), start_us, end_us)  # before the write lock
    with lib.op("Change clip in/out") as s:
        clip = lookup.by_id(s, Clip, clip_id)
        unchanged_since(clip, version, read, ("start_us", "end_us"))
        check_range(clip.film, start_us, end_us)
        clip.start_us, clip.end_us = start_us, end_us


def update(lib: Library, clip_id: int, version: int | None = None, read: dict | None = None, **fields) -> None:
    """Change title, note or quote (made from the clip at ``version``: ``unchanged_since``)."""
    allowed = {"title", "note", "quote"}
    unknown = set(fields) - allowed
    if unknown:
        raise BadInput(f"clip fields {sorted(unknown)}: cannot be changed this way")
    name = "Rename clip" if set(fields) == {"title"} else "Edit clip"
    with lib.op(name) as s:
        clip = lookup.by_id(s, Clip, clip_id)
        unchanged_since(clip, version, read, fields)
        for key, value in fields.items():
            setattr(clip, key, value.strip() if key == "title" else value)


def edit(lib: Library, clip_id: int, start_us: int | None = None, end_us: int | None = None,
         add_tags: list[str] = (), remove_tags: list[str] = (), version: int | None = None,
         read: dict | None = None, new_tags: list[str] = (), create_tags: bool = True, **fields) -> None:
    """Change a clip's range, text fields and tags as one undoable step: all of it or none."""
    unknown = set(fields) - {"title", "note", "quote"}
    if unknown:
        raise BadInput(f"clip fields {sorted(unknown)}: cannot be changed this way")
    snapped = None
    if start_us is not None or end_us is not None:
        with lib.read() as s:
            clip = lookup.by_id(s, Clip, clip_id)
            start = clip.start_us if start_us is None else start_us
            end = clip.end_us if end_us is None else end_us
            film_id = clip.film_id
        snapped = _snapped(lib, _facts(lib, film_id), start, end)
    with lib.op("Edit clip") as s:
        clip = lookup.by_id(s, Clip, clip_id)
        ranged = ("start_us", "end_us") if snapped is not None else ()
        unchanged_since(clip, version, read, (*ranged, *fields))
        if snapped is not None:
            check_range(clip.film, *snapped)
            clip.start_us, clip.end_us = snapped
        for key, value in fields.items():
            setattr(clip, key, value.strip() if key == "title" else value)
        if "title" in fields and not clip.title:
            clip.title = default_title(clip.film.title, clip.start_us, _taken(s, clip.id))
        for tag in {t.id: t for t in resolve_tags(s, list(add_tags), create_tags, list(new_tags))}.values():
            if s.get(ClipTag, (clip.id, tag.id)) is None:
                s.add(ClipTag(clip_id=clip.id, tag_id=tag.id))
        for ref in remove_tags:
            link = s.get(ClipTag, (clip.id, lookup.tag(s, ref).id))
            if link is None:
                raise BadInput(f"tag {ref!r}: clip {clip.title!r} does not have it")
            s.delete(link)


def delete(lib: Library, clip_ids: list[int]) -> None:
    with lib.op("Delete clip" if len(clip_ids) == 1 else f"Delete {len(clip_ids)} clips") as s:
        for clip_id in clip_ids:
            s.delete(lookup.by_id(s, Clip, clip_id))


def add_tag(lib: Library, clip_ids: list[int], tag_id: int) -> None:
    with lib.op("Tag clip") as s:
        lookup.by_id(s, Tag, tag_id)
        for clip_id in clip_ids:
            lookup.by_id(s, Clip, clip_id)
            if s.get(ClipTag, (clip_id, tag_id)) is None:
                s.add(ClipTag(clip_id=clip_id, tag_id=tag_id))


def remove_tag(lib: Library, clip_ids: list[int], tag_id: int) -> None:
    with lib.op("Untag clip") as s:
        for clip_id in clip_ids:
            link = s.get(ClipTag, (clip_id, tag_id))
            if link is not None:
                s.delete(link)


def tag_with(lib: Library, clip_ids: list[int], ref: str) -> int:
    """Tag clips with ``KIND:NAME`` (created if new) or an existing name: one undoable step."""
    with lib.op("Tag clip") as s:
        (tag,) = resolve_tags(s, [ref])
        for clip_id in clip_ids:
            if s.get(ClipTag, (clip_id, tag.id)) is None:
                s.add(ClipTag(clip_id=clip_id, tag_id=tag.id))
        return tag.id
