"""Issue 11, item 3: a codebook import never makes parent loops, reads Excel's UTF-8 with a
byte-order mark, refuses a parent name two kinds share; ``protoreel codebook import|export``;
a library that already has a loop still opens."""

import json
import subprocess
import sys

import pytest
from sqlalchemy import select, update

from app import queries
from app.cli.main import main
from app.library import Library
from app.models import Tag
from app.codebook import codebook, codebook_files
from media.errors import BadInput
from tests.snapshot import library_state


def tag(lib, kind, name) -> Tag:
    with lib.read() as s:
        return s.scalars(select(Tag).where(Tag.kind == kind, Tag.name == name)).one()


def write_csv(path, rows, bom=False):
    text = "kind,name,parent\n" + "".join(f"{k},{n},{p}\n" for k, n, p in rows)
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


@pytest.mark.parametrize("rows,reason", [
    ([("theme", "A", "B"), ("theme", "B", "A")], "loop"),
    ([("theme", "A", "A")], "its own parent"),
    ([("theme", "A", "B"), ("theme", "B", "C"), ("theme", "C", "A")], "loop"),
])
def test_import_refuses_parent_loops_and_changes_nothing(lib, tmp_path, rows, reason):
    before = library_state(lib)
    with pytest.raises(BadInput, match=reason) as err:
        codebook_files.read_file(lib, write_csv(tmp_path / "book.csv", rows))
    assert "\n" not in str(err.value)
    assert library_state(lib) == before


def test_import_refuses_a_loop_through_tags_already_in_the_codebook(lib, tmp_path):
    codebook_files.read_file(lib, write_csv(tmp_path / "one.csv", [("theme", "A", ""), ("theme", "B", "A")]))
    before = library_state(lib)
    with pytest.raises(BadInput, match="loop"):
        codebook_files.read_file(lib, write_csv(tmp_path / "two.csv", [("theme", "A", "B")]))
    assert library_state(lib) == before


def test_import_reads_utf8_with_a_byte_order_mark(lib, tmp_path):
    path = write_csv(tmp_path / "excel.csv", [("challenge", "Wartezeit für Ärzte", ""),
                                              ("challenge", "Köln nights", "Wartezeit für Ärzte")], bom=True)
    assert codebook_files.read_file(lib, path) == 2
    assert tag(lib, "challenge", "Köln nights").parent_id == tag(lib, "challenge", "Wartezeit für Ärzte").id


def test_a_parent_two_kinds_share_must_be_written_kind_name(lib, tmp_path):
    codebook.add(lib, "Crisis", "challenge")  # the default codebook has theme:Crisis too
    before = library_state(lib)
    with pytest.raises(BadInput, match=r"more than one kind .*write KIND:NAME"):
        codebook_files.read_file(lib, write_csv(tmp_path / "a.csv", [("opportunity", "Safe haven", "Crisis")]))
    assert library_state(lib) == before
    codebook_files.read_file(lib, write_csv(tmp_path / "b.csv", [("opportunity", "Safe haven", "challenge:Crisis")]))
    assert tag(lib, "opportunity", "Safe haven").parent_id == tag(lib, "challenge", "Crisis").id


def test_export_then_import_round_trips_parents_and_formula_like_names(lib, tmp_path):
    codebook.add(lib, "Crisis", "challenge")
    codebook_files.read_file(lib, write_csv(tmp_path / "a.csv", [("opportunity", "Safe haven", "challenge:Crisis"),
                                                           ("theme", "=1+1", "")]))
    out = tmp_path / "out.csv"
    codebook_files.write_file(lib, out)
    text = out.read_text(encoding="utf-8")
    assert "challenge:Crisis" in text and "'=1+1" in text
    with Library.open(tmp_path / "other") as other:
        codebook_files.read_file(other, out)
        assert tag(other, "opportunity", "Safe haven").parent_id == tag(other, "challenge", "Crisis").id
        assert tag(other, "theme", "=1+1")


def test_cli_codebook_import_and_export(tmp_path, capsys):
    lib = ["--library", str(tmp_path / "lib")]
    book = tmp_path / "book.json"
    book.write_text(json.dumps({"tags": [{"kind": "theme", "name": "Hope", "parent": "Crisis"}]}), encoding="utf-8")
    assert main(["codebook", "import", str(book), "--json", *lib]) == 0
    assert json.loads(capsys.readouterr().out)["tags"] == 1
    assert main(["codebook", "export", str(tmp_path / "out.csv"), *lib]) == 0
    assert "Hope,#888888,,,Crisis" in (tmp_path / "out.csv").read_text(encoding="utf-8")
    write_csv(tmp_path / "loop.csv", [("theme", "X", "Y"), ("theme", "Y", "X")])
    capsys.readouterr()
    assert main(["codebook", "import", str(tmp_path / "loop.csv"), *lib]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "loop" in err


def test_a_library_that_already_has_a_loop_opens_and_lists_its_tags(tmp_path):
    with Library.open(tmp_path / "lib") as lib:
        a, b = tag(lib, "theme", "Crisis").id, tag(lib, "theme", "Assessment").id
        with lib.engine.begin() as conn:  # as an older version's import could leave it
            conn.execute(update(Tag).where(Tag.id == a).values(parent_id=b))
            conn.execute(update(Tag).where(Tag.id == b).values(parent_id=a))
    done = subprocess.run([sys.executable, "-m", "app.cli", "tags", "--json", "--library", str(tmp_path / "lib")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    with Library.open(tmp_path / "lib") as lib:
        with lib.read() as s:
            shown = {t.id: t.parent_id for t in queries.tags(s)}
        assert shown[a] is None and shown[b] is None  # each loop member shown at the top
        with lib.read() as s:  # and the library itself was not changed by reading it
            assert s.get(Tag, a).parent_id == b


def test_shortcuts_and_archived_travel_both_ways_and_bad_ones_refuse_the_file(lib, tmp_path):
    """Issue 23: they used to be dropped on import, silently, whatever they said."""
    codebook.add(lib, "Night buses", "challenge")
    codebook.set_shortcut(lib, tag(lib, "challenge", "Night buses").id, "7")
    codebook.set_archived(lib, tag(lib, "challenge", "Night buses").id, True)
    for suffix in (".csv", ".json"):
        out = tmp_path / f"book{suffix}"
        codebook_files.write_file(lib, out)
        with Library.open(tmp_path / f"other{suffix}") as other:
            codebook_files.read_file(other, out)
            moved = tag(other, "challenge", "Night buses")
            assert moved.shortcut == "7" and moved.archived is True
    before = library_state(lib)
    for bad, reason in (('{"tags": [{"kind": "theme", "name": "A", "shortcut": "\u0661"}]}', "shortcut"),
                        ('{"tags": [{"kind": "theme", "name": "A", "shortcut": 10}]}', "shortcut"),
                        ('{"tags": [{"kind": "theme", "name": "A", "archived": "maybe"}]}', "archived"),
                        ('{"tags": [{"kind": "theme", "name": "A", "shortcut": "3"}, '
                         '{"kind": "theme", "name": "B", "shortcut": "3"}]}', "both have the shortcut 3"),
                        ('{"tags": []}', "no tags")):
        (tmp_path / "bad.json").write_text(bad, encoding="utf-8")
        with pytest.raises(BadInput, match=reason):
            codebook_files.read_file(lib, tmp_path / "bad.json")
    assert library_state(lib) == before
