"""The command line contract of docs/design.md, on a real library and real samples."""

import json
import subprocess
import sys

import pytest

from tests.conftest import sample
from tests.snapshot import library_state


def records(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_import_every_sample_then_films_lists_exactly_the_imported(cli, samples):
    media = sorted(p for p in samples.iterdir() if p.suffix != ".md")
    code, out, err = cli("import", *map(str, media), "--event", "Workshop 1", "--json")
    assert code == 2  # some samples are refused
    imported = records(out)
    # A refused file is one line; a "note:" says what of an imported film is damaged (the
    # sample MP3's truncated last frame, the garbage before another's first).
    refused = [line for line in err.strip().splitlines() if not line.startswith("note: ")]
    assert len(imported) + len(refused) == len(media)
    for line in refused:
        name, _, reason = line.partition(": ")
        assert (samples / name).exists() and reason
    for r in imported:
        assert {"id", "title", "path", "sha256", "duration_us", "width", "height", "rotation", "fps",
                "vfr", "has_audio", "missing", "event"} <= set(r)
    code, out, _ = cli("films", "--json")
    assert code == 0
    assert sorted(r["id"] for r in records(out)) == sorted(r["id"] for r in imported)


def test_refused_file_exits_2_with_one_line(cli):
    code, out, err = cli("import", str(sample("broken-webm-vp9-invalid-bitstream.webm")))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "broken-webm-vp9-invalid-bitstream.webm: " in err


@pytest.fixture
def film(cli, counting_film):
    code, out, _ = cli("import", str(counting_film), "--json")
    assert code == 0
    return records(out)[0]


@pytest.mark.parametrize(
    "start,end,start_us,end_us",
    [
        # 25 fps film: 1.5 s is inside frame 37 (1.48 s), 2.25 s inside frame 56 (2.24 s): clip
        # bounds snap to the start of the frame on screen, as the player shows it.
        ("1.5", "2.25", 1_480_000, 2_240_000),
        ("00:01.5", "00:02.250", 1_480_000, 2_240_000),
        ("00:00:01.5", "00:00:02.25", 1_480_000, 2_240_000),
        ("00:00:01:12", "00:00:02:06", 1_480_000, 2_240_000),
        ("1.48", "2.24", 1_480_000, 2_240_000),
    ],
)
def test_clip_add_accepts_every_timecode_form(cli, film, start, end, start_us, end_us):
    code, out, err = cli("clip", "add", str(film["id"]), "--start", start, "--end", end,
                         "--tag", "challenge:Waiting and delay", "--json")
    assert code == 0, err
    (clip,) = records(out)
    assert (clip["start_us"], clip["end_us"]) == (start_us, end_us)


@pytest.mark.parametrize(
    "start,end,reason",
    [
        ("2", "1", "end must come after the start"),
        ("2", "2", "end must come after the start"),
        ("1:xx", "2", "not a time"),
        ("00:00:01:30", "2", "does not exist"),
        ("1", "99", "ends after the film ends"),
    ],
)
def test_clip_add_rejects_bad_ranges_with_exit_2_and_changes_nothing(cli, film, start, end, reason):
    from app.library import Library

    with Library.open(cli.library) as lib:
        before = library_state(lib)
    code, out, err = cli("clip", "add", film["title"], "--start", start, "--end", end)
    assert code == 2 and out == ""
    assert reason in err and err.count("\n") == 1
    with Library.open(cli.library) as lib:
        assert library_state(lib) == before


def test_clips_filter_by_tag_prototype_and_text(cli, film):
    fid = str(film["id"])
    cli("clip", "add", fid, "--start", "0", "--end", "1", "--title", "Front desk", "--tag", "challenge:Waiting and delay")
    cli("clip", "add", fid, "--start", "1", "--end", "2.5", "--title", "Peer welcome",
        "--tag", "opportunity:Peer support", "--note", "a warm hello")
    cli("clip", "add", fid, "--start", "3", "--end", "3.96", "--title", "Both",
        "--tag", "Waiting and delay", "--tag", "Peer support")
    cli("prototype", "add", "Welcome desk")
    assert cli("prototype", "link", "Welcome desk", "Both", "Front desk")[0] == 0

    _, out, _ = cli("clips", "--tag", "Waiting and delay", "--json")
    got = records(out)
    assert [c["title"] for c in got] == ["Front desk", "Both"]
    assert (got[0]["start_us"], got[0]["end_us"]) == (0, 1_000_000)
    assert got[1]["end_us"] == 3_960_000
    assert {"name": "Peer support", "kind": "opportunity"} in got[1]["tags"]
    _, out, _ = cli("clips", "--tag", "Waiting and delay", "--tag", "Peer support", "--json")
    assert [c["title"] for c in records(out)] == ["Both"]
    _, out, _ = cli("clips", "--prototype", "Welcome desk", "--json")
    assert [c["title"] for c in records(out)] == ["Front desk", "Both"]
    assert records(out)[0]["prototypes"] == ["Welcome desk"]
    _, out, _ = cli("clips", "--text", "warm", "--json")
    assert [c["title"] for c in records(out)] == ["Peer welcome"]
    code, _, err = cli("clips", "--tag", "No such tag")
    assert code == 2 and "No such tag" in err


def test_tags_people_reels_and_relink(cli, film, tmp_path):
    assert cli("tag", "add", "Lonely evenings", "--kind", "challenge", "--color", "#123456")[0] == 0
    code, _, err = cli("tag", "add", "Bad colour", "--kind", "theme", "--color", "blue")
    assert code == 2 and "colour 'blue'" in err
    assert cli("clip", "add", film["title"], "--start", "0", "--end", "1", "--title", "C1")[0] == 0
    assert cli("person", "add", "Sam", "--role", "actor", "--consent", "team")[0] == 0
    assert cli("person", "appears", "Sam", film["title"])[0] == 0
    code, out, _ = cli("reel", "create", "Board", "--clip", "C1", "--audience", "collaborative", "--json")
    assert code == 0
    code, _, err = cli("reel", "create", "board", "--clip", "C1")
    assert code == 2 and "a reel with this title exists" in err
    code, out, _ = cli("person", "withdraw", "Sam", "--json")
    assert code == 0 and records(out)[0]["reels"] == [records(out)[0]["reels"][0]]
    code, _, err = cli("relink", film["title"], str(sample("edge-silent-black-10s-320x240p30.mp4")))
    assert code == 2 and "content differs" in err


def test_reel_export_by_suffix_and_refusals(cli, film, tmp_path):
    cli("clip", "add", film["title"], "--start", "0", "--end", "1", "--title", "C1")
    cli("reel", "create", "R", "--clip", "C1", "--audience", "public")
    code, out, err = cli("reel", "export", "R", str(tmp_path / "r.srt"), "--json")
    assert code == 0, err
    assert (tmp_path / "r.srt").exists() and records(out)[0]["path"].endswith("r.srt")
    code, _, err = cli("reel", "export", "R", str(tmp_path / "r.mov"))
    assert code == 2 and "cannot export to .mov" in err
    cli("person", "add", "Sam", "--role", "carer", "--consent", "team")
    cli("person", "appears", "Sam", film["title"])
    code, _, err = cli("reel", "export", "R", str(tmp_path / "r.mp4"))
    assert code == 2 and "Sam (consent: team)" in err and "'C1'" in err
    assert not (tmp_path / "r.mp4").exists()


def test_an_export_prints_where_it_went_without_dot_dots(cli, film, tmp_path):
    """`reel export R lib/../out/r.srt`: the line (and the JSON) give the folder the file is in."""
    (tmp_path / "ProtoReel").mkdir()
    (tmp_path / "out").mkdir()
    cli("clip", "add", film["title"], "--start", "0", "--end", "1", "--title", "C1")
    cli("reel", "create", "R", "--clip", "C1", "--audience", "public")
    target = (tmp_path / "out" / "r.srt").resolve()
    code, out, err = cli("reel", "export", "R", str(tmp_path / "ProtoReel" / ".." / "out" / "r.srt"))
    assert code == 0, err
    assert out.strip() == f"exported {target}"
    code, out, err = cli("reel", "export", "R", str(tmp_path / "ProtoReel" / ".." / "out" / "r2.srt"), "--json")
    assert code == 0, err
    assert records(out)[0]["path"] == str(target.with_name("r2.srt"))


def test_the_installed_command_runs(tmp_path, counting_film):
    exe = [sys.executable, "-m", "app.cli"]
    done = subprocess.run([*exe, "import", str(counting_film), "--library", str(tmp_path / "l"), "--json"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["fps"] == "25"
