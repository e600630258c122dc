"""Fixtures shared by the core's tests."""

import pytest


@pytest.fixture
def cli(tmp_path, capsys):
    """Run one command on a library of its own: ``cli(*args) -> (code, stdout, stderr)``."""
    from app.cli.main import main

    library = tmp_path / "lib"

    def run(*args):
        code = main([*args, "--library", str(library)])
        out, err = capsys.readouterr()
        return code, out, err

    run.library = library
    return run
