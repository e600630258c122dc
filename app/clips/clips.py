"""Clips: half-open time ranges of a film, with title, notes, a quote and tags."""

from __future__ import annotations

from sqlalchemy.orm import Session

from media.reading import frame_times
from media import timecode
from media.timecode import US
from media.errors import BadInput, EditConflict
from app.library import Library
from app.models import Clip, ClipTag, Film, Tag
from app.codebook import codebook
from app import lookup


def check_range(film: Film, start_us: int, end_us: int) -> None:
    where = f"clip {timecode.format_clock(start_us)}–{timecode.format_clock(end_us)} of {film.title!r}"
    if start_us < 0:
        raise BadInput(f"{where}: starts before the film")
    if end_us <= start_us:
        raise BadInput(f"{where}: the end must come after the start")
    if start_us >= film.duration_us:
        raise BadInput(f"{where}: starts after the film ends ({timecode.format_clock(film.duration_us)})")
    if end_us > film.duration_us:
        raise BadInput(f"{where}: ends after the film ends ({timecode.format_clock(film.duration_us)})")


def snap(lib: Library, film: Film, start_us: int, end_us: int) -> tuple[int, int]:
    """In and out points moved to the start of the film's frame on screen at each time (what
    the player shows there, and where the export will cut). Films without picture, or whose
    file is away, keep the times as given."""
    if not film.has_video or start_us < 0 or end_us <= start_us:
        return start_us, end_us
    path = lib.film_path(film)
    if not path.is_file():
        return start_us, end_us
    if end_us < film.duration_us:  # one opening of the film for both points
        start, end = frame_times.frame_starts_at(path, film.start_us, [start_us, end_us])
    else:
        start, end = frame_times.frame_start_at(path, film.start_us, start_us), end_us
    # Past the last picture (a sound tail) there is no frame boundary to snap to.
    longest = US if film.vfr or not film.fps else 2 * timecode.frame_duration_us(film.fps)
    start = start_us if start is None or start_us - start > longest else max(start, 0)
    end = end_us if end is None or end_us - end > longest else end
    if end <= start:  # both inside one frame: keep that frame
        end = end_us
    return start, end


def default_title(film_title: str, start_us: int) -> str:
    """A title that tells clips apart in a list: the film's short name and where the clip starts
    (``Kitchen role-play 2 · 3:05``)."""
    return f"{short_name(film_title)} · {timecode.format_short(start_us, 0)}"


def short_name(title: str, limit: int = 28) -> str:
    """The first words of a film's title, up to ``limit`` characters (file-name dashes read as spaces)."""
    words = title.replace("_", " ").replace("-", " ").split()
    out = ""
    for word in words:
        if out and len(out) + 1 + len(word) > limit:
            break
        out = f"{out} {word}".strip()
    return out[:limit] or "Clip"


def resolve_tags(session: Session, refs: list[str]):
    """``KIND:NAME`` creates the tag if the codebook lacks it, unless the name is a near miss of
    a tag it has (a typo must not grow a second "Not being listened to"); a bare name must exist."""
    tags = []
    for ref in refs:
        kind, name = lookup.split_tag_ref(ref)
        if kind and not lookup.tag_or_none(session, name, kind):
            near = lookup.near_tags(session, name, kind)
            if near:
                raise BadInput(f"tag {ref!r}: not in the codebook; did you mean {near[0]!r}? (a new tag with "
                               f"this name: protoreel tag add {name!r} --kind {kind})")
        tags.append(codebook.get_or_create(session, name, kind) if kind else lookup.tag(session, name))
    return tags


def add(
    lib: Library,
    film_id: int,
    start_us: int,
    end_us: int,
    title: str = "",
    tags: list[str] = (),
    note: str = "",
    quote: str = "",
) -> int:
    with lib.op("Add clip") as s:
        film = lookup.by_id(s, Film, film_id)
        check_range(film, start_us, end_us)
        start_us, end_us = snap(lib, film, start_us, end_us)
        clip = Clip(film_id=film_id, start_us=start_us, end_us=end_us, title=title.strip(), note=note, quote=quote)
        s.add(clip)
        s.flush()
        for tag in {t.id: t for t in resolve_tags(s, list(tags))}.values():
            s.add(ClipTag(clip_id=clip.id, tag_id=tag.id))
        if not clip.title:
            clip.title = default_title(film.title, start_us)
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
    with lib.op("Change clip in/out") as s:
        clip = lookup.by_id(s, Clip, clip_id)
        unchanged_since(clip, version, read, ("start_us", "end_us"))
        check_range(clip.film, start_us, end_us)
        clip.start_us, clip.end_us = snap(lib, clip.film, start_us, end_us)


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
         read: dict | None = None, **fields) -> None:
    """Change a clip's range, text fields and tags as one undoable step: all of it or none."""
    unknown = set(fields) - {"title", "note", "quote"}
    if unknown:
        raise BadInput(f"clip fields {sorted(unknown)}: cannot be changed this way")
    with lib.op("Edit clip") as s:
        clip = lookup.by_id(s, Clip, clip_id)
        ranged = ("start_us", "end_us") if start_us is not None or end_us is not None else ()
        unchanged_since(clip, version, read, (*ranged, *fields))
        if start_us is not None or end_us is not None:
            start = clip.start_us if start_us is None else start_us
            end = clip.end_us if end_us is None else end_us
            check_range(clip.film, start, end)
            clip.start_us, clip.end_us = snap(lib, clip.film, start, end)
        for key, value in fields.items():
            setattr(clip, key, value.strip() if key == "title" else value)
        if "title" in fields and not clip.title:
            clip.title = default_title(clip.film.title, clip.start_us)
        for tag in resolve_tags(s, list(add_tags)):
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
