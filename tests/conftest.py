"""Shared fixtures: real temporary libraries, real sample media, small generated films."""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# CI's second run (PROTOREEL_PORTABLE=1, scripts/run-tests.sh): the portable path, as on Windows,
# where these calls do not exist. Anything still reaching for them fails with AttributeError.
if os.environ.get("PROTOREEL_PORTABLE") == "1":
    import select

    for module, name in ((os, "mkfifo"), (os, "splice"), (select, "poll")):
        if hasattr(module, name):
            delattr(module, name)

ROOT = Path(__file__).resolve().parents[1]
# Real phone footage and broken files beside the project (not in a fresh clone: tests that need
# them skip and say why). PROTOREEL_SAMPLES points elsewhere (a test uses it to play "fresh clone").
SAMPLES = Path(os.environ.get("PROTOREEL_SAMPLES") or ROOT.parent / "shared" / "samples")


def sample(name: str) -> Path:
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"sample {name} not found beside the project ({SAMPLES})")
    return path


@pytest.fixture(scope="session", autouse=True)
def private_config(tmp_path_factory):
    """The list of known libraries (app.ways_out.known_libraries) goes to a test folder, not the user's."""
    os.environ["PROTOREEL_CONFIG_DIR"] = str(tmp_path_factory.mktemp("config"))


@pytest.fixture(scope="session")
def postgres_databases():
    """The tests' PostgreSQL databases (``tests/postgres.py``), when a server is given."""
    from tests import postgres

    server = postgres.server_url()
    if server is None:
        yield None
        return
    databases = postgres.Databases(server)
    yield databases
    databases.close()


@pytest.fixture(scope="session", autouse=True)
def libraries_on_postgres(postgres_databases):
    """CI's second run of the core's tests (``PROTOREEL_TEST_POSTGRES``): every library they open
    is a PostgreSQL database of its own (the folder keeps films and exports), as a team's."""
    if postgres_databases is None:
        yield
        return
    from app.library import Library

    plain_init = Library.__init__

    def on_postgres(self, root, url=None):
        plain_init(self, root, url or postgres_databases.for_root(root))

    Library.__init__ = on_postgres
    yield
    Library.__init__ = plain_init


@pytest.fixture(autouse=True)
def database_of_this_test(request, postgres_databases, tmp_path, monkeypatch):
    """With PostgreSQL: a test's library (and the commands it runs, which open ``tmp_path/lib``
    or whatever folder they name) use that library's database; databases go back after it."""
    if postgres_databases is None:
        yield
        return
    marker = request.node.get_closest_marker("sqlite_only")
    if marker is not None:
        pytest.skip(f"SQLite only: {marker.args[0]}")
    monkeypatch.setenv("PROTOREEL_DATABASE_URL", postgres_databases.for_root(tmp_path / "lib"))
    yield
    postgres_databases.give_back(tmp_path)


@pytest.fixture
def copy_library(postgres_databases):
    """``copy_library(source, target)``: a library folder copied, with its database."""
    import shutil

    def copy(source, target) -> None:
        shutil.copytree(source, target)
        if postgres_databases is not None:
            postgres_databases.copy(source, target)

    return copy


@pytest.fixture
def team_database(postgres_databases):
    """A team library's database: empty, at the newest schema (needs a PostgreSQL server)."""
    if postgres_databases is None:
        pytest.skip("needs a PostgreSQL server (PROTOREEL_TEST_POSTGRES; scripts/run-tests.sh starts one)")
    url = postgres_databases.take()
    yield url
    postgres_databases.give_back_url(url)


@pytest.fixture
def samples() -> Path:
    if not SAMPLES.is_dir():
        pytest.skip(f"no sample media at {SAMPLES}")
    return SAMPLES


@pytest.fixture
def lib(tmp_path):
    from app.library import Library

    with Library.open(tmp_path / "lib") as library:
        yield library


@pytest.fixture(scope="session")
def counting_film(tmp_path_factory) -> Path:
    """A 4 s 25 fps H.264/AAC film whose frames show their own index as a binary bar code."""
    from tests.media_factory import make_counting_film

    path = tmp_path_factory.mktemp("films") / "counting.mp4"
    make_counting_film(path, seconds=4, fps=Fraction(25), gop=25)
    return path
