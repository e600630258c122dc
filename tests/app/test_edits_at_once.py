"""Issue 28: two people changing the same clip at once, and the same rules on every database.
Run on SQLite and again on PostgreSQL (CI's second run: every library there is a PostgreSQL
database, as a team library is)."""

from __future__ import annotations

import pytest

from app import reads
from app.clips import clips
from app.films import importing
from app.library import Library
from media.errors import BadInput, EditConflict


@pytest.fixture
def two(tmp_path, counting_film):
    """Two facilitators on one library: two openings of it (two windows, or two computers)."""
    with Library.open(tmp_path / "lib") as ann:
        (film,) = importing.import_files(ann, [counting_film])
        clip = clips.add(ann, film.film_id, 0, 1_000_000, title="At the desk", note="waits")
        with Library.open(tmp_path / "lib") as bo:
            yield ann, bo, clip


def test_the_same_field_changed_from_an_older_reading_is_refused_never_written_over(two):
    ann, bo, clip = two
    seen_by_ann, seen_by_bo = reads.clip(ann, clip), reads.clip(bo, clip)
    clips.update(ann, clip, version=seen_by_ann.version, read={"title": seen_by_ann.title}, title="At the front desk")
    with pytest.raises(EditConflict) as refused:
        clips.update(bo, clip, version=seen_by_bo.version, read={"title": seen_by_bo.title}, title="Waiting")
    message = str(refused.value)
    assert "\n" not in message and "someone else changed its title" in message and "not saved" in message
    now = reads.clip(bo, clip)
    assert now.title == "At the front desk" and now.version == seen_by_bo.version + 1
    assert bo.undo_name is None  # nothing of the refused edit to undo


def test_another_field_changed_meanwhile_is_no_conflict(two):
    ann, bo, clip = two
    seen_by_bo = reads.clip(bo, clip)
    clips.update(ann, clip, title="At the front desk")
    clips.update(bo, clip, version=seen_by_bo.version, read={"note": seen_by_bo.note}, note="waits an hour")
    now = reads.clip(ann, clip)
    assert (now.title, now.note) == ("At the front desk", "waits an hour")


def test_in_and_out_changed_from_an_older_reading_are_refused(two):
    ann, bo, clip = two
    seen = reads.clip(bo, clip)
    clips.set_range(ann, clip, 0, 2_000_000)
    with pytest.raises(EditConflict, match="in and out"):
        clips.set_range(bo, clip, 0, 3_000_000, version=seen.version,
                        read={"start_us": seen.start_us, "end_us": seen.end_us})
    assert reads.clip(ann, clip).end_us == 2_000_000


def test_an_undo_moves_the_version_on_so_a_reading_from_before_it_stays_stale(two):
    ann, bo, clip = two
    clips.update(ann, clip, title="At the front desk")
    seen = reads.clip(bo, clip)
    ann.undo()  # the title is back to "At the desk", under a newer version
    assert reads.clip(bo, clip).version > seen.version
    with pytest.raises(EditConflict):
        clips.update(bo, clip, version=seen.version, read={"title": seen.title}, title="Bo's title")
    assert reads.clip(bo, clip).title == "At the desk"


def test_a_title_too_long_is_the_same_one_line_refusal_on_every_database(cli, counting_film):
    assert cli("import", str(counting_film))[0] == 0
    code, out, err = cli("clip", "add", "1", "--start", "0", "--end", "1", "--title", "x" * 301)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "clip title 'xxxxxxxx" in err and "too long (301 characters; at most 300)" in err
    assert "Traceback" not in err and "DataError" not in err
    assert cli("clips", "--json")[1] == ""  # nothing was made
    assert cli("clip", "add", "1", "--start", "0", "--end", "1", "--title", "x" * 300)[0] == 0


def test_text_with_a_nul_character_is_refused_on_every_database(lib, counting_film):
    (film,) = importing.import_files(lib, [counting_film])
    clip = clips.add(lib, film.film_id, 0, 1_000_000)
    with pytest.raises(BadInput, match=r"clip note .*(NUL|U\+0000)"):
        clips.update(lib, clip, note="before\x00after")
    assert reads.clip(lib, clip).note == ""
