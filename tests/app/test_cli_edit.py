"""Changing and removing from the command line: clip edit/delete, reel edit/delete. Each command
is one step in the core (undoable in the window); a refused one leaves the library exactly as it was."""

import json

import pytest

from app.library import Library
from app.clips import clips
from app.reels import reels
from tests.snapshot import library_state


@pytest.fixture
def cli(cli, counting_film):
    """The shared ``cli`` on a library with two clips in a reel (one of them twice)."""
    run = cli
    assert run("import", str(counting_film))[0] == 0
    assert run("clip", "add", "1", "--start", "0", "--end", "1", "--title", "Waiting room",
               "--new-tag", "challenge:Waiting")[0] == 0
    assert run("clip", "add", "1", "--start", "2", "--end", "3", "--title", "Front desk")[0] == 0
    assert run("reel", "create", "Morning", "--clip", "1", "--clip", "2", "--clip", "1")[0] == 0
    return run


def clip(cli, ref):
    code, out, _ = cli("clips", "--json")
    return next(c for c in map(json.loads, out.splitlines()) if str(c["id"]) == str(ref) or c["title"] == ref)


def reel(cli, title):
    code, out, _ = cli("reels", "--json")
    return next(r for r in map(json.loads, out.splitlines()) if r["title"] == title)


def test_clip_edit_changes_range_words_and_tags_in_one_undoable_step(cli):
    code, out, err = cli("clip", "edit", "Waiting room", "--end", "1.5", "--note", "she waits",
                         "--title", "Waiting long", "--new-tag", "opportunity:Welcome", "--untag", "challenge:Waiting",
                         "--json")
    assert code == 0, err
    edited = json.loads(out)
    assert edited["title"] == "Waiting long" and edited["note"] == "she waits"
    assert 1_400_000 <= edited["end_us"] <= 1_500_000  # snapped to the frame on screen at 1.5 s
    assert edited["tags"] == [{"name": "Welcome", "kind": "opportunity"}]
    with Library.open(cli.library) as lib:  # the same step in the window is one Undo
        clips.edit(lib, 1, end_us=2_000_000, title="Again", add_tags=["theme:Hope"], remove_tags=["Welcome"])
        assert lib.undo_name == "Edit clip"
        lib.undo()
        assert lib.undo_name is None
    assert clip(cli, 1) == edited


@pytest.mark.parametrize("args, says", [
    (["clip", "edit", "1", "--end", "99"], "ends after the film ends"),
    (["clip", "edit", "1", "--start", "0.8", "--end", "0.2"], "the end must come after the start"),
    (["clip", "edit", "1", "--end", "1:2:3:4:5"], "1:2:3:4:5"),
    (["clip", "edit", "1", "--untag", "challenge:Nope"], "Nope"),
    (["clip", "edit", "2", "--untag", "challenge:Waiting"], "does not have it"),
    (["clip", "edit", "1", "--title", "X", "--tag", "challenge:Waitng"], "closest: 'challenge:Waiting'"),
    (["clip", "edit", "1"], "nothing to change"),
    (["clip", "edit", "77", "--title", "X"], "clip '77'"),
    (["clip", "delete", "1", "77"], "clip '77'"),
    (["clip", "delete", "Spare"], "in 1 reel ('Spare reel'); give --from-reels"),
    (["reel", "edit", "Morning", "--remove", "2", "--add", "77"], "clip '77'"),
    (["reel", "edit", "Morning", "--title", "Evening", "--remove", "99"], "clip '99'"),
    (["reel", "edit", "Morning"], "nothing to change"),
    (["reel", "delete", "Nope"], "reel 'Nope'"),
])
def test_refused_edits_name_the_value_and_change_nothing(cli, args, says):
    assert cli("clip", "add", "1", "--start", "0.5", "--end", "0.9", "--title", "Spare")[0] == 0
    cli("reel", "create", "Spare reel", "--clip", "Spare")
    with Library.open(cli.library) as lib:
        before = library_state(lib)
    code, out, err = cli(*args)
    assert code == 2 and says in err and len(err.strip().splitlines()) == 1, err
    with Library.open(cli.library) as lib:
        assert library_state(lib) == before


def test_a_reel_title_another_reel_has_is_refused_whatever_its_case(cli):
    cli("reel", "create", "Evening", "--clip", "2")
    code, _, err = cli("reel", "edit", "Evening", "--title", "morning", "--remove", "2")
    assert code == 2 and "another reel has this title" in err
    assert reel(cli, "Evening")["clips"] == 1


def test_reel_edit_renames_retargets_and_moves_clips_as_one_step(cli):
    code, out, err = cli("reel", "edit", "Morning", "--title", "Breakfast", "--audience", "public",
                         "--remove", "1", "--add", "1", "--json")
    assert code == 0, err
    changed = json.loads(out)
    assert (changed["title"], changed["audience"], changed["clips"]) == ("Breakfast", "public", 2)
    with Library.open(cli.library) as lib:
        from app import queries

        with lib.read() as s:
            order = [s.get(__import__("app.models", fromlist=["ReelItem"]).ReelItem, i).clip_id
                     for i in queries.reel_item_ids(s, changed["id"])]
        assert order == [2, 1]  # both items of clip 1 out, one added at the end
        reels.edit(lib, changed["id"], add=[2], remove=[1], title="Third")
        assert lib.undo_name == "Edit reel"
        lib.undo()
        assert lib.undo_name is None
    assert reel(cli, "Breakfast")["clips"] == 2


def test_delete_says_what_went_and_undo_brings_it_back(cli):
    code, out, err = cli("clip", "delete", "Front desk", "--from-reels")
    assert code == 0 and "deleted clip 2" in out and "Front desk" in out
    assert err == "note: taken out of 1 reel: 'Morning'\n"
    assert reel(cli, "Morning")["clips"] == 2
    code, out, err = cli("reel", "delete", "Morning", "--json")
    assert code == 0 and json.loads(out) == {"id": 1, "title": "Morning", "deleted": True}
    assert cli("reels", "--json")[1] == ""


def test_the_export_log_names_the_file_where_it_is_however_the_path_was_typed(cli, tmp_path, monkeypatch):
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    code, _, err = cli("reel", "export", "Morning", "../sub/./r.srt")
    assert code == 0, err
    code, out, _ = cli("exports", "--json")
    assert json.loads(out)["path"] == str((tmp_path / "sub" / "r.srt").resolve())


def test_a_reel_whose_film_is_gone_is_bad_input_like_a_bundle_of_it(cli, tmp_path, counting_film):
    import shutil

    moved = tmp_path / "away.mp4"
    shutil.copy(counting_film, moved)
    with open(moved, "ab") as fh:
        fh.write(b"\0" * 8)  # another film (another hash)
    assert cli("import", str(moved), "--link")[0] == 0
    cli("clip", "add", "away", "--start", "0", "--end", "1", "--title", "Gone")
    cli("reel", "create", "Linked", "--clip", "Gone")
    moved.unlink()
    for out, argv in (("r.mp4", ["reel", "export", "Linked"]), ("r.protoreel", ["bundle", "export", "--reel", "Linked"])):
        code, _, err = cli(*argv, str(tmp_path / out))
        assert code == 2 and "away.mp4" in err and "relink" in err, (out, err)
        assert not (tmp_path / out).exists()
