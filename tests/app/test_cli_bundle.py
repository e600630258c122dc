"""`protoreel bundle export|import` on the command line: the contract's exit codes and lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli.main import main
from tests.app.test_bundle import source_library, two_films  # noqa: F401 - the shared films fixture
from app.library import Library
from tests.snapshot import library_state


def state(root: Path) -> tuple:
    with Library.open(root) as lib:
        return library_state(lib)


@pytest.fixture
def cli(capsys):
    def run(library: Path, *args):
        code = main([*args, "--library", str(library)])
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def source(tmp_path, two_films):  # noqa: F811
    lib, _ids = source_library(tmp_path / "source", two_films)
    lib.close()
    return tmp_path / "source"


def test_export_then_import_on_the_command_line(cli, source, tmp_path):
    bundle = tmp_path / "welcome.protoreel"
    code, out, err = cli(source, "bundle", "export", "--prototype", "Welcome desk", str(bundle), "--json")
    assert code == 0, err
    assert json.loads(out)["path"] == str(bundle)
    target = tmp_path / "target"
    code, out, err = cli(target, "--json", "bundle", "import", str(bundle))
    assert code == 0, err
    first = json.loads(out)
    assert first["new_clips"] == 2 and not first["already_in_library"]
    code, out, err = cli(target, "bundle", "import", str(bundle))
    assert code == 0 and "already in the library" in out
    code, out, _ = cli(target, "people", "--json")
    assert sorted(json.loads(line)["name"] for line in out.splitlines()) == ["Sam", "carer"]
    code, out, _ = cli(source, "exports", "--json")
    (logged,) = [json.loads(line) for line in out.splitlines()]
    assert (logged["kind"], logged["format"], logged["people"]) == ("bundle", "protoreel", 2)


@pytest.mark.parametrize("args, words", [
    (["bundle", "export", "OUT.protoreel"], "one of the arguments --reel --event --prototype is required"),
    (["bundle", "export", "--reel", "R", "--event", "E", "OUT.protoreel"], "not allowed with argument"),
    (["bundle", "export", "--prototype", "No such", "OUT.protoreel"], "No such"),
    (["bundle", "export", "--prototype", "Welcome desk", "OUT.mp4"], ".protoreel file"),
    (["bundle", "export", "--prototype", "Welcome desk", "--audience", "public", "OUT.protoreel"],
     "'Kitchen talk' (in 'kitchen', 0:00.40–0:01.20): Sam (consent: collaborative)"),
    (["bundle", "export", "--event", "Tuesday workshop", "--mask-voice", "OUT.protoreel"], "goes with --anonymise"),
    (["bundle", "import", "missing.protoreel"], "no such file"),
])
def test_bad_input_exits_2_in_one_line_and_changes_nothing(cli, source, tmp_path, monkeypatch, args, words):
    monkeypatch.chdir(tmp_path)
    before = state(source)
    code, out, err = cli(source, *args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and words in err and "Traceback" not in err
    assert "Jane" not in err
    assert state(source) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["source"]


def test_a_damaged_bundle_exits_2_and_the_library_is_unchanged(cli, source, tmp_path):
    bundle = tmp_path / "b.protoreel"
    assert cli(source, "bundle", "export", "--event", "Tuesday workshop", str(bundle))[0] == 0
    bundle.write_bytes(bundle.read_bytes()[:-5000])
    target = tmp_path / "target"
    cli(target, "films")
    before = state(target)
    code, out, err = cli(target, "bundle", "import", str(bundle))
    assert code == 2 and out == "" and err.count("\n") == 1 and "b.protoreel: " in err
    assert state(target) == before
