"""Transcripts: hear films (``transcribe``), print what was said (``transcript``), find where
something was said (``said``), switch transcription on or off for the library."""

from __future__ import annotations

from app import lookup
from app.queries import MAX_SEARCH_CHARS
from app.cli.grammar import Commands, nonempty, whole_number
from app.cli.output import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, cancel_on_interrupt, progress_on_terminal
from media import timecode
from media.errors import BadInput


def register(commands: Commands) -> None:
    hear = commands.command("transcribe", cmd_transcribe,
                            help="hear what is said in films, on this computer (resumes where it stopped)")
    hear.add_argument("films", nargs="*", help="film ids or exact titles")
    which = hear.add_mutually_exclusive_group()
    which.add_argument("--event", type=nonempty, help="every film of this event")
    which.add_argument("--all", action="store_true", help="every film in the library")
    hear.add_argument("--again", action="store_true",
                      help="hear films already transcribed again (their corrections and speakers are lost)")

    show = commands.command("transcript", cmd_transcript,
                            help="print what was said in a film (as captions: names said aloud are refused)")
    show.add_argument("film", help="film id or exact title")
    form = show.add_mutually_exclusive_group()
    form.add_argument("--srt", action="store_true", help="as SubRip captions")
    form.add_argument("--vtt", action="store_true", help="as WebVTT captions")

    said = commands.command("said", cmd_said, help="find the moments something was said, best first")
    said.add_argument("words", nargs="+", type=nonempty)
    said.add_argument("--limit", type=whole_number, default=20, help="at most this many moments (default 20)")

    switch = commands.command("transcription", cmd_switch, help="switch transcription on or off for this library")
    switch.add_argument("state", choices=["on", "off", "status"])


def cmd_transcribe(lib, args, out) -> int:
    from app.transcripts import transcribing

    if args.films and (args.event or args.all):
        raise BadInput("transcribe: name films, or --event NAME, or --all (not several)")
    if args.all:
        film_ids = transcribing.all_films(lib)
    elif args.event:
        film_ids = transcribing.event_films(lib, args.event)
    elif args.films:
        with lib.read() as s:
            film_ids = [lookup.film(s, ref).id for ref in args.films]
    else:
        raise BadInput("transcribe: name the films (ids or titles), or give --event NAME or --all")
    if not film_ids:
        out.note("no films to transcribe")
        return EXIT_OK
    status = EXIT_OK

    def said(result) -> None:
        nonlocal status
        if result.status == "skipped":
            out.fail(f"film {result.film_id} {result.title!r}: {result.reason}")
            status = EXIT_FAILED
            return
        line = {"transcribed": f"{result.words} words from {timecode.format_clock(result.sound_us, 0)} of sound "
                               f"in {result.seconds:.0f} s",
                "no sound": "no sound to hear", "already": "already transcribed (--again to hear it again)"}
        out.record(result.to_json(), f"{result.film_id:>5}  {result.title}  {line[result.status]}")

    transcribing.transcribe_films(lib, film_ids, progress=progress_on_terminal(), cancel=cancel_on_interrupt(),
                                  again=args.again, on_result=said)
    return status


def cmd_transcript(lib, args, out) -> int:
    from app.transcripts import captions, transcripts

    with lib.read() as s:
        film = lookup.film(s, args.film)
        record = transcripts.transcript_record(s, film.id)
        title = film.title
    if record is None:
        out.fail(f"film {film.id} {title!r}: no transcript yet (protoreel transcribe {film.id})")
        return EXIT_BAD_INPUT
    if args.srt or args.vtt:
        # Caption files are made to be published: a name said aloud stops them, as in a reel's.
        from app.ways_out.name_guard import Guard, Text
        from app.ways_out.name_texts import SPEECH_FIX

        words = [(w.text, w.start_us, w.end_us, seg.speaker) for seg in record.segments for w in seg.words]
        cues = captions.cues(words)
        with lib.read() as s:
            guard = Guard.of(s)
        guard.check([Text(f"film {film.id} {title!r} at {timecode.format_short(c.start_us, 2)}", "transcript",
                          c.text, SPEECH_FIX) for c in cues], out.note)
        print(captions.srt(cues) if args.srt else captions.vtt(cues), end="", flush=True)
        return EXIT_OK
    for segment in record.segments:
        who = f"{segment.speaker}: " if segment.speaker else ""
        out.record(segment.to_json(film.id), f"{timecode.format_short(segment.start_us, 2):>10}  {who}{segment.text}")
    if not record.segments and not out.as_json:
        out.note(f"film {film.id} {title!r}: nothing was heard said" + ("" if record.sound_us else " (it has no sound)"))
    return EXIT_OK


def cmd_said(lib, args, out) -> int:
    from app.transcripts import search

    words = " ".join(args.words)
    if len(words) > MAX_SEARCH_CHARS:
        raise BadInput(f"said: {len(words)} characters to look for; at most {MAX_SEARCH_CHARS}")
    if not search.tokens(words):
        raise BadInput(f"said {words!r}: no words to look for (letters or digits)")
    if not 1 <= args.limit <= 1000:
        raise BadInput(f"--limit {args.limit}: between 1 and 1000")
    with lib.read() as s:
        moments = search.said(s, words, limit=args.limit)
    for m in moments:
        who = f"{m.speaker}: " if m.speaker else ""
        out.record(m.to_json(), f"{m.film_id:>5}  {m.film}  {timecode.format_short(m.start_us, 2)}  {who}{m.text}")
    if not moments and not out.as_json:
        out.note(f"nobody was heard saying {words!r} in a transcribed film")
    return EXIT_OK


def cmd_switch(lib, args, out) -> int:
    from app.transcripts import transcripts

    if args.state != "status":
        transcripts.switch(lib, args.state == "on")
    on = transcripts.is_on(lib)
    out.record({"transcription": "on" if on else "off"}, f"transcription is {'on' if on else 'off'} for this library")
    return EXIT_OK

