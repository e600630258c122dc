"""The words each way out carries, as ``name_guard.Text`` (where each comes from and how to
fix it), so every exporter hands the guard the same kind of list before writing anything."""

from __future__ import annotations

from media.export.plan import PlanItem, ReelPlan

from app.ways_out.consent_policy import clip_label
from app.ways_out.name_guard import Guard, Note, Text, no_note

CLIP_FIX = "use their pseudonym there (edit the clip)"
FILM_FIX = "rename the film (Library panel, or protoreel film rename FILM TITLE)"
# Interchange files point at the film's file; its name cannot be changed from the app.
REFERENCE_SUFFIXES = (".edl", ".otio", ".csv")


def clip_where(title: str, position: int = 0, count: int = 0, film: str = "", start_us: int | None = None,
               end_us: int | None = None) -> str:
    """A clip as the user sees it: its place in what goes out, its title (never its id) and,
    given them, its film and times."""
    return clip_label(position, count, title, film, start_us, end_us)


def clip_texts(title: str, *, position: int = 0, count: int = 0, note: str = "", quote: str = "", tags=(),
               prototypes=(), film: str = "", event: str = "", start_us: int | None = None,
               end_us: int | None = None) -> list[Text]:
    """A clip's words, all shown together (a name split over them is refused too)."""
    where = clip_where(title, position, count, film, start_us, end_us)
    texts = [Text(where, "title", title, CLIP_FIX, where), Text(where, "note", note, CLIP_FIX, where),
             Text(where, "quote", quote, CLIP_FIX, where)]
    texts += [Text(f"tag {name!r}", "name", name, "rename the tag", where) for name in tags]
    texts += [Text(f"prototype {name!r}", "name", name, "rename the prototype", where) for name in prototypes]
    if film:
        texts.append(Text(f"film {film!r}", "title", film, FILM_FIX, where))
    if event:
        texts.append(Text(f"event {event!r}", "name", event, "rename the event", where))
    return texts


def out_text(out) -> Text:
    """The export's own file name travels too (and sits in a reel's manifest)."""
    return Text(f"export {out.name!r}", "file name", out.stem, "choose another file name")


SPEECH_SUFFIXES = (".srt", ".vtt")  # carry what was said whatever the reel's captions setting


def carries_speech(plan: ReelPlan, out) -> bool:
    """Whether the file ``out`` carries what was said: captions files, and a video with captions."""
    suffix = out.suffix.lower()
    return suffix in SPEECH_SUFFIXES or (suffix == ".mp4" and plan.settings.captions)


def reel_texts(plan: ReelPlan, speech: bool = True) -> list[Text]:
    """Everything a reel's formats carry between them: cards and captions burned into the MP4,
    its title metadata and manifest, the subtitles, the CSV, OTIO and EDL; with ``speech``, what
    was said in its clips (the captions of speech)."""
    where, fix = f"reel {plan.title!r}", "rename the reel or use their pseudonym there (edit the reel)"
    texts = [Text(where, "title", plan.title, fix), Text(where, "subtitle", plan.subtitle, fix),
             Text(where, "closing card", plan.credits, fix)]
    count = len(plan.items)
    for item in plan.items:
        clip = clip_where(item.clip_title, item.position + 1, count, item.film_title, item.start_us, item.end_us)
        texts += clip_texts(item.clip_title, position=item.position + 1, count=count, tags=[n for _k, n in item.tags],
                            prototypes=item.prototypes, film=item.film_title, start_us=item.start_us,
                            end_us=item.end_us)
        at = f"reel {plan.title!r} item {item.position + 1}"
        texts += [Text(at, "card", item.card_text, fix, clip), Text(at, "caption", item.caption, fix, clip),
                  Text(clip, "content warning", item.warning, CLIP_FIX, clip)]
        if speech:  # its line names the film and the moment already: the clip by its place and title
            texts += speech_texts(item, clip_where(item.clip_title, item.position + 1, count))
    return texts


SPEECH_FIX = "correct the words there in the Transcript panel (a name heard aloud: their pseudonym, or [name])"


def speech_texts(item: PlanItem, clip: str = "") -> list[Text]:
    """What was said in a clip, cue by cue, as its captions carry it: a name said aloud must not
    reach a caption. Each names the film and the moment, where the Transcript panel shows it,
    and the clip as the user sees it (``clip``: its place in what goes out and its title)."""
    from media.timecode import format_short

    clip = clip or clip_where(item.clip_title)
    return [Text(f"film {item.film_title!r} at {format_short(item.start_us + a, 2)} ({clip})", "transcript",
                 said, SPEECH_FIX)
            for a, _b, said in item.speech]


def neutral_name(item: PlanItem, sha256: str | None) -> str:
    return f"film-{item.film_id}-{(sha256 or '')[:12] or 'unknown'}{item.source.suffix}"


def hide_named_files(guard: Guard, plan: ReelPlan, hashes: dict[int, str], note: Note = no_note) -> None:
    """A film whose file name carries a name is referred to by its id and short hash in the
    interchange files (the stored file keeps its name; an editor relinks it by the hash)."""
    told = set()
    for item in plan.items:
        if guard.names_in(item.source.stem):
            item.source_name = neutral_name(item, hashes.get(item.film_id))
            if item.film_id not in told:
                told.add(item.film_id)
                note(f"film {item.film_title!r}: its file name carries a person's name; the export refers to it as "
                     f"{item.source_name} (its id and the start of its SHA-256)")
