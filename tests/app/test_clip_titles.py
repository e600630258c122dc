"""Default clip titles tell clips apart: never cut inside a bracket, what tells takes apart kept,
and two clips never get the same default name (issue 25: `Rôle play – GP surgery (take · 0:01`
for both takes)."""

from app import reads
from app.clips import clips
from app.films import films, importing


def test_short_names_keep_brackets_whole_and_the_take():
    assert clips.short_name("Rôle play – GP surgery (take 1)") == "Rôle play – GP surgery (take 1)"
    assert clips.short_name("Reception role-play at the GP surgery take 2") == "Reception role play at the … take 2"
    assert clips.short_name("Morning session at the community centre [camera B]") == \
        "Morning session at the … [camera B]"
    assert clips.short_name("A long workshop title about (the reception desk) and more") == \
        "A long workshop title about"  # never "…about (the reception"
    assert clips.short_name("people-talking-grid-woman-360x288p25-mpeg1-mp2") == "people talking grid woman"


def test_two_takes_and_two_clips_at_one_moment_get_different_names(lib, counting_film, tmp_path):
    first = importing.import_file(lib, counting_film).film_id
    other = tmp_path / "copy.mp4"
    other.write_bytes(counting_film.read_bytes() + b"\0" * 8)
    second = importing.import_file(lib, other).film_id
    # Two films whose titles differ only past where a short name stops
    films.rename(lib, first, "Rôle play at the GP surgery reception desk, morning")
    films.rename(lib, second, "Rôle play at the GP surgery reception desk, afternoon")
    a = clips.add(lib, first, 1_000_000, 2_000_000)
    b = clips.add(lib, second, 1_000_000, 2_000_000)
    c = clips.add(lib, first, 1_200_000, 2_000_000)  # the same second of the same film
    d = clips.add(lib, first, 1_200_000, 2_400_000)  # and the same hundredth
    titles = [reads.clip(lib, i).title for i in (a, b, c, d)]
    assert len(set(titles)) == 4, titles
    assert titles[0] == "Rôle play at the GP surgery · 0:01"
    assert titles[1] == "Rôle play at the GP surgery reception desk, afternoon · 0:01"
