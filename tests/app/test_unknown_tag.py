"""A mistyped tag on the command line is refused, naming it and the closest tags the codebook
has (exit 2, one line, the library as it was); a tag meant to be new says so with --new-tag."""

import json

import pytest

from app.library import Library
from tests.snapshot import library_state


@pytest.fixture
def cli(cli, counting_film):
    assert cli("import", str(counting_film))[0] == 0
    assert cli("clip", "add", "1", "--start", "0", "--end", "1", "--title", "At the desk")[0] == 0
    return cli


def tag_names(cli):
    code, out, _ = cli("tags", "--json")
    return [(t["kind"], t["name"]) for t in map(json.loads, out.splitlines())]


@pytest.mark.parametrize("args, says", [
    (["clip", "add", "1", "--start", "1", "--end", "2", "--tag", "Acess"],
     "tag 'Acess': not in the codebook (closest: 'challenge:Access barriers')"),
    (["clip", "add", "1", "--start", "1", "--end", "2", "--tag", "challenge:Acess"],
     "tag 'challenge:Acess': not in the codebook (closest: 'challenge:Access barriers')"),
    (["clip", "edit", "At the desk", "--title", "Desk", "--tag", "Plain langauge"],
     "tag 'Plain langauge': not in the codebook (closest: 'opportunity:Plain language')"),
    (["clip", "edit", "1", "--tag", "opportunity:Peer suport", "--tag", "Crisis"],
     "closest: 'opportunity:Peer support'"),
    (["clip", "add", "1", "--start", "1", "--end", "2", "--tag", "Qwertyuiop"],
     "tag 'Qwertyuiop': not in the codebook (see protoreel tags)"),
    (["clip", "add", "1", "--start", "1", "--end", "2", "--new-tag", "Acess"],
     "--new-tag 'Acess': say what kind of tag it is: challenge:Acess"),
])
def test_an_unknown_tag_is_refused_naming_the_closest_and_nothing_changes(cli, args, says):
    with Library.open(cli.library) as lib:
        before = library_state(lib)
    code, out, err = cli(*args)
    assert code == 2 and says in err and len(err.strip().splitlines()) == 1, err
    assert "--new-tag" in err
    with Library.open(cli.library) as lib:
        assert library_state(lib) == before


def test_new_tag_makes_the_tag_and_tags_the_clip(cli):
    code, out, err = cli("clip", "add", "1", "--start", "1", "--end", "2", "--tag", "Access barriers",
                         "--new-tag", "challenge:Access by bus", "--json")
    assert code == 0, err
    assert {"name": "Access by bus", "kind": "challenge"} in json.loads(out)["tags"]
    assert ("challenge", "Access by bus") in tag_names(cli)
    code, out, err = cli("clip", "edit", "At the desk", "--new-tag", "theme:Buses", "--json")
    assert code == 0 and {"name": "Buses", "kind": "theme"} in json.loads(out)["tags"], err
    # Said new but already there: the one tag, not a second.
    code, out, err = cli("clip", "edit", "At the desk", "--new-tag", "theme:buses", "--json")
    assert code == 0 and [k for k, n in tag_names(cli) if n.lower() == "buses"] == ["theme"], err


def test_kind_and_a_name_like_no_tag_is_a_new_tag_as_the_command_contract_says(cli):
    """``--tag KIND:NAME`` (the command line's contract) still makes a tag nothing in the codebook
    resembles, and says so on stderr: a new tag is never silent, a near miss is refused above."""
    assert ("theme", "Zebra crossings") not in tag_names(cli)
    code, out, err = cli("clip", "add", "1", "--start", "1", "--end", "2", "--tag", "theme:Zebra crossings", "--json")
    assert code == 0, err
    assert {"name": "Zebra crossings", "kind": "theme"} in json.loads(out)["tags"]
    assert ("theme", "Zebra crossings") in tag_names(cli)
    assert err.strip() == "note: new tag theme:'Zebra crossings' added to the codebook (protoreel tags lists them all)"
    code, out, err = cli("clip", "edit", "At the desk", "--tag", "theme:Zebra crossings")  # there now: no note
    assert code == 0 and "new tag" not in err, err
