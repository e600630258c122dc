"""Issue 23, item 6: one rule for all text (``app.texts``), applied by the models whoever writes,
and what the command line prints never acts on a terminal."""

import json

import pytest
from sqlalchemy import update

from app import texts
from app.clips import clips
from app.films import films, importing
from app.library import Library
from app.models import Clip, Film
from app.people import people
from app.prototypes import prototypes
from media.errors import BadInput
from tests.snapshot import library_state


@pytest.mark.parametrize("text,reason", [
    ("a\x1b[31mb", "control character"),
    ("a\rb", "line break"),
    ("a\u2028b", "line break"),
    ("gpj\u202eexe", "direction override"),
    ("\u2066isolated\u2069", "direction override"),
    ("a\u200bb", "invisible"),
    ("\ufeffBOM", "invisible"),
    ("\ue000private", "invisible"),
    ("x" * 301, "too long"),
])
def test_a_title_is_refused_with_the_reason(text, reason):
    with pytest.raises(BadInput, match=reason) as err:
        texts.title(text, "clip title")
    assert "\n" not in str(err.value) and len(str(err.value)) < 200


@pytest.mark.parametrize("text", ["\u3164", "\u2800\u2800", " \u00a0 ", "\u0301\u0301", "\u200d"])
def test_text_that_shows_nothing_is_refused(text):
    with pytest.raises(BadInput, match="shows nothing|invisible|cannot be empty"):
        texts.name(text, "reel")


@pytest.mark.parametrize("text", [
    "Kitchen role-play 2 · 3:05",
    "Wartezeit für Ärzte",
    "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # Persian with a zero-width non-joiner
    "Family \U0001F469\u200d\U0001F469\u200d\U0001F467",  # an emoji sequence joined by ZWJ
    "\u05e9\u05dc\u05d5\u05dd",  # Hebrew, right to left by itself (no override needed)
])
def test_everyday_titles_in_any_script_pass(text):
    assert texts.title(text, "clip title") == text


def test_notes_keep_their_lines_and_tabs_and_windows_line_breaks_become_plain():
    assert texts.note("first\r\nsecond\tthird\rfourth", "note") == "first\nsecond\tthird\nfourth"
    with pytest.raises(BadInput, match="control character"):
        texts.note("bell\x07", "note")
    with pytest.raises(BadInput, match="too long"):
        texts.note("x" * 100_000, "note")


def test_unicode_digits_are_not_numbers():
    for text in ("\u0661", "\uff11", "\u00b2", "1\u0662"):
        with pytest.raises(BadInput, match="digits 0-9"):
            texts.whole_number(text, "--pick")
        assert not texts.is_ascii_id(text)
    assert texts.whole_number(" 12 ", "--pick") == 12 and texts.is_ascii_id("12")


def test_the_rule_holds_in_the_core_for_every_field(lib, counting_film):
    """The window calls the core, not the command line: the models refuse whoever writes."""
    (result,) = importing.import_files(lib, [counting_film])
    clip = clips.add(lib, result.film_id, 0, 1_000_000, title="C1")
    proto = prototypes.add(lib, "P")
    people.add(lib, "Sam", "actor", "team")
    before = library_state(lib)
    attempts = [
        lambda: clips.update(lib, clip, title="a\nb"),
        lambda: clips.update(lib, clip, note="\u202e"),
        lambda: clips.update(lib, clip, quote="x" * 100_000),
        lambda: clips.edit(lib, clip, title="\u200b"),
        lambda: films.rename(lib, result.film_id, "a\x00b"),
        lambda: prototypes.update(lib, proto, summary="a\x1bb"),
        lambda: prototypes.add(lib, "Q", summary="a\x1bb"),
        lambda: people.edit(lib, "Sam", notes="a\x1b[2J"),
        lambda: people.give_consent(lib, "Sam", "team", notes="\u202e"),
    ]
    for attempt in attempts:
        with pytest.raises(BadInput):
            attempt()
    assert library_state(lib) == before


def test_a_film_named_after_a_strange_file_gets_a_clean_title(lib, counting_film, tmp_path):
    odd = tmp_path / "role\u202eplay\x1b[31m\tday.mp4"
    odd.write_bytes(counting_film.read_bytes())
    (result,) = importing.import_files(lib, [odd])
    assert result.error is None
    with lib.read() as s:
        assert s.get(Film, result.film_id).title == "role play [31m day"


def test_clips_never_prints_escape_sequences_raw(cli, counting_film):
    """A title written before the rule (an older library) reaches the terminal escaped."""
    assert cli("import", str(counting_film))[0] == 0
    assert cli("clip", "add", "1", "--start", "0", "--end", "1", "--title", "plain")[0] == 0
    with Library.open(cli.library) as lib, lib.engine.begin() as conn:
        conn.execute(update(Clip).values(title="red\x1b[31m\x1b]0;pwned\x07\r\u202eexe.gpj\x9b2J"))
    code, out, _ = cli("clips")
    assert code == 0
    assert not any(ch in out for ch in "\x1b\x07\r\u202e\x9b"), repr(out)
    assert "\\x1b[31m" in out and "\\u202e" in out
    code, out, _ = cli("clips", "--json")
    assert not any(ch in out for ch in "\x1b\x07\r\u202e\x9b"), repr(out)
    assert json.loads(out.splitlines()[0])["title"] == "red\x1b[31m\x1b]0;pwned\x07\r\u202eexe.gpj\x9b2J"


def test_questions_typed_for_a_review_follow_the_rule(lib, counting_film):
    """The presenter's launcher types a question for every clip, the presenter view edits one:
    people's text, refused as any other (they went in unchecked)."""
    from app.models import ReviewItem
    from app.reels import reels
    from app.reviews import reviews

    (film,) = importing.import_files(lib, [counting_film])
    clip = clips.add(lib, film.film_id, 0, 1_000_000, title="C")
    reels.create(lib, "R", [clip], audience="team")
    before = library_state(lib)
    for bad in ("what now?\u202e", "ring\x07", "x" * 20_001):
        with pytest.raises(BadInput, match="question to discuss"):
            reviews.start(lib, reel="R", audience="team", discuss=bad)
    assert library_state(lib) == before
    review = reviews.start(lib, reel="R", audience="team", discuss="What would help here?")
    with lib.read() as s:
        item = s.query(ReviewItem).filter_by(review_id=review).one()
        assert item.discuss == "What would help here?"
    with pytest.raises(BadInput, match="question to discuss .*direction override"):
        reviews.set_discuss(lib, item.id, "gpj\u202eexe")
    with lib.read() as s:
        assert s.get(ReviewItem, item.id).discuss == "What would help here?"


def test_a_reels_credits_follow_the_rule(lib, counting_film):
    """The closing card's credits are kept in the reel's settings, not a column of their own, so
    the models' rule never saw them: a direction override or a bell went onto the card."""
    from app.reels import reels

    (film,) = importing.import_files(lib, [counting_film])
    reel = reels.create(lib, "R", [clips.add(lib, film.film_id, 0, 1_000_000, title="C")], audience="team")
    before = library_state(lib)
    for bad in ("With thanks\u202e", "ring\x07", "x" * 20_001):
        with pytest.raises(BadInput, match="reel credits"):
            reels.update(lib, reel, credits=bad)
    assert library_state(lib) == before
    reels.update(lib, reel, credits="With thanks to the Lambeth collaborative")
