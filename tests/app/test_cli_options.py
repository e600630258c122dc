"""Issue 11, items 2 and 10: global options work before or after every command, once, with the
same meaning; ``reels`` lists reels; ``--version`` answers."""

import json
import subprocess
import sys

import pytest

from tests.postgres import on_postgres

from app.cli.main import main


def records(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


@pytest.fixture
def decoy(tmp_path, monkeypatch):
    """The default library, which no command given --library may touch."""
    default = tmp_path / "default-library"
    monkeypatch.setenv("PROTOREEL_LIBRARY", str(default))
    monkeypatch.delenv("PROTOREEL_DATABASE_URL", raising=False)
    return default


def every_command(film, tmp_path):
    """(argv) for every command, in an order that makes each one succeed."""
    (tmp_path / "book.json").write_text('{"tags": [{"kind": "theme", "name": "Hope"}]}', encoding="utf-8")
    return [
        ["import", str(film), "--event", "Workshop"],
        ["films"],
        ["clip", "add", "1", "--start", "0", "--end", "1", "--title", "C1", "--tag", "challenge:Waiting and delay"],
        ["clips", "--text", "C1"],
        ["tag", "add", "Lonely evenings", "--kind", "challenge"],
        ["tags"],
        ["codebook", "import", str(tmp_path / "book.json")],
        ["codebook", "export", str(tmp_path / "out.csv")],
        ["prototype", "add", "Welcome desk"],
        ["prototype", "link", "Welcome desk", "C1"],
        ["reel", "create", "R", "--clip", "C1", "--audience", "public"],
        ["reels"],
        ["reel", "export", "R", str(tmp_path / "r.srt")],
        ["relink", "1", str(film)],
        ["person", "add", "Sam", "--role", "actor", "--consent", "public"],
        ["person", "appears", "Sam", "1"],
        ["person", "withdraw", "Sam"],
        ["record", "--source", "test", "--seconds", "0.5"],
        ["recover"],
    ]


COMMAND_WORDS = {"import", "films", "clip", "clips", "tag", "tags", "codebook", "prototype", "reels", "reel",
                 "relink", "person", "record", "recover"}


@pytest.mark.parametrize("where", ["before", "after"])
def test_every_command_takes_global_options_before_or_after(where, tmp_path, decoy, counting_film, capsys):
    library = tmp_path / "lib"
    seen_commands = set()
    for argv in every_command(counting_film, tmp_path):
        options = ["--library", str(library), "--json"]
        full = options + argv if where == "before" else argv + options
        code = main(full)
        out, err = capsys.readouterr()
        assert code == 0, (full, err)
        for line in out.splitlines():
            json.loads(line)  # --json was heard, wherever it stood
        if argv[0] not in ("recover",):
            assert out.strip(), full
        seen_commands.add(argv[0])
    assert seen_commands == COMMAND_WORDS
    assert not decoy.exists()
    assert on_postgres() or (library / "library.db").exists()


@pytest.mark.parametrize("where", ["before", "after"])
def test_database_url_before_or_after(where, tmp_path, decoy, capsys):
    url = f"sqlite:///{tmp_path / 'other.db'}"
    argv = ["--database-url", url, "tags"] if where == "before" else ["tags", "--database-url", url]
    assert main(argv + ["--library", str(tmp_path / "lib")]) == 0
    assert (tmp_path / "other.db").exists()
    assert not (tmp_path / "lib" / "library.db").exists()
    assert (tmp_path / "other.db").stat().st_mode & 0o077 == 0  # private like a library's own


@pytest.mark.parametrize("argv", [
    ["--library", "A", "films", "--library", "B"],
    ["--json", "films", "--json"],
    ["--database-url", "sqlite:///a.db", "tags", "--database-url", "sqlite:///b.db"],
    ["clip", "--library", "A", "add", "1", "--start", "0", "--end", "1", "--library", "B"],
])
def test_a_global_option_given_twice_is_refused_in_one_line(argv, tmp_path, decoy, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "give it once" in err
    assert not decoy.exists()


def test_reels_lists_reels_as_text_and_json(tmp_path, decoy, counting_film, capsys):
    lib = ["--library", str(tmp_path / "lib")]
    assert main(["reels", *lib]) == 0 and capsys.readouterr().out == ""
    main(["import", str(counting_film), *lib])
    main(["clip", "add", "1", "--start", "0", "--end", "1.52", "--title", "C1", *lib])  # 25 fps: frame 38
    main(["clip", "add", "1", "--start", "2", "--end", "3", "--title", "C2", *lib])
    main(["reel", "create", "Breakfast", "--clip", "C1", "--clip", "C2", "--audience", "collaborative", *lib])
    main(["reel", "create", "Empty for now", "--clip", "C2", *lib])
    capsys.readouterr()
    assert main(["reels", "--json", *lib]) == 0
    got = records(capsys.readouterr().out)
    assert [(r["title"], r["clips"], r["duration_us"], r["audience"]) for r in got] == [
        ("Breakfast", 2, 2_520_000, "collaborative"), ("Empty for now", 1, 1_000_000, "team")]
    assert main(["reels", *lib]) == 0
    text = capsys.readouterr().out.splitlines()
    assert len(text) == 2 and "Breakfast" in text[0] and "2 clips" in text[0] and "00:02.520" in text[0]


def test_version_is_the_installed_package_version():
    from importlib import metadata

    done = subprocess.run([sys.executable, "-m", "app.cli", "--version"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == f"protoreel {metadata.version('protoreel')}"


def test_a_reader_that_goes_away_gets_no_traceback(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "tags", "--library", str(tmp_path / "lib")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc.stdout.close()  # like `protoreel tags | head -0`
    err = proc.stderr.read()
    assert proc.wait(timeout=60) in (0, 1)
    assert "Traceback" not in err and "Exception ignored" not in err, err


def _leaves(parser, path=()):
    import argparse

    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield path, parser
        return
    for name, child in subs[0].choices.items():
        yield from _leaves(child, (*path, name))


def test_every_command_of_the_parser_hears_the_global_options_the_same_way():
    """Structural: a command added later (without the shared options, or redefining one with a
    default that would overwrite the main parser's value) fails here."""
    import argparse

    from app.cli import main as cli
    from app.cli.grammar import Given

    given = Given()
    once = given.action()
    parser = cli.build(given).parser
    leaves = list(_leaves(parser))
    assert len(leaves) >= 19
    for path, leaf in leaves:
        options = {opt: a for a in leaf._actions for opt in a.option_strings}
        for flag in ("--library", "--database-url", "--json"):
            assert flag in options, (path, flag)
            action = options[flag]
            assert action.default is argparse.SUPPRESS and type(action).__name__ == once.__name__, (path, flag)
