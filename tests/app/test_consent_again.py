"""A withdrawal is final in that nothing undoes it; only the person's new consent brings consent
back, and the command line says how: `person consent` after a withdrawal needs --how and a date
on or after it (else exit 2, one line, nothing changed), and the history keeps both."""

import json

from app.library import Library
from tests.snapshot import library_state


def test_consent_after_a_withdrawal_is_the_persons_new_consent_kept_after_it(cli):
    assert cli("person", "add", "Jane Doe", "--role", "carer", "--consent", "public", "--date", "2026-11-01")[0] == 0
    assert cli("person", "withdraw", "Jane Doe", "--date", "2026-11-20")[0] == 0
    with Library.open(cli.library) as lib:
        before = library_state(lib)
    for args, says in (([], "Jane Doe: consent was withdrawn on 2026-11-20; to record their new consent, say how they "
                            "gave it again (--how"),
                       (["--how", "new written form", "--date", "2026-11-10"],
                        "a new consent dated 2026-11-10 would come before it")):
        code, out, err = cli("person", "consent", "Jane Doe", "team", *args)
        assert code == 2 and says in err and len(err.strip().splitlines()) == 1, err
        with Library.open(cli.library) as lib:
            assert library_state(lib) == before
    code, out, err = cli("person", "consent", "Jane Doe", "team", "--how", "new written form", "--date", "2026-12-01")
    assert code == 0, err
    assert "2026-11-20  WITHDRAWN" in out and "2026-12-01  consent: team (given again)  (new written form)" in out
    assert err == "note: consent given again after the withdrawal of 2026-11-20: both are in the consent history\n"
    code, out, _ = cli("person", "show", "Jane Doe", "--json")
    person = json.loads(out)
    assert person["consent"] == "team" and person["withdrawn_at"] is None


def test_the_help_says_how_a_person_consents_again(capsys):
    from app.cli.main import main

    assert main(["person", "withdraw", "--help"]) == 0
    said = " ".join(capsys.readouterr().out.split())
    assert "(final)" not in said
    assert "nothing undoes it: only the person's new consent, recorded with `person consent NAME SCOPE --how HOW`" in said
    assert main(["person", "consent", "--help"]) == 0
    said = " ".join(capsys.readouterr().out.split())
    assert "--how is needed and --date must be on or after the withdrawal" in said
