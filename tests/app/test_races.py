"""Issue 11, item 6: the app and the command line on one library at once. Real processes race
to create the same tag, person, prototype and reel title: one wins, the others get a clean
refusal, never an IntegrityError or a traceback, and the title exists once. Undo in one
process never removes or changes what another process did since."""

import json
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from app.library import Library
from app.models import ClipPrototype, Person, Prototype, Reel, Tag
from app.clips import clips
from app.films import importing
from app.prototypes import prototypes
from app.reels import reels
from app.codebook import codebook
from app.undo import UndoConflict

WORKER = r"""
import json, sys, time
from app.library import Library
from app.codebook import codebook
from app.people import people
from app.prototypes import prototypes
from app.reels import reels
from media.errors import ProtoReelError

library, start, n = sys.argv[1], float(sys.argv[2]), sys.argv[3]
calls = [
    lambda lib: codebook.add(lib, "Night buses", "challenge"),
    lambda lib: people.add(lib, "Sam Okafor", "actor", "team"),
    lambda lib: prototypes.add(lib, "Welcome desk"),
    lambda lib: reels.create(lib, "Breakfast", [1]),
]
results = []
with Library.open(library) as lib:
    for i, call in enumerate(calls):
        time.sleep(max(0.0, start + i * 0.4 - time.time()))  # everyone at the same moment
        try:
            call(lib)
            results.append("ok")
        except ProtoReelError as exc:
            results.append(f"{type(exc).__name__}:{exc.exit_code}:{exc}")
print(json.dumps(results))
"""


@pytest.fixture
def shared_library(tmp_path, counting_film):
    with Library.open(tmp_path / "lib") as lib:
        (film,) = importing.import_files(lib, [counting_film])
        clips.add(lib, film.film_id, 0, 1_000_000, title="C1")
    return tmp_path / "lib"


def test_processes_creating_the_same_things_at_once_get_one_each_and_clean_refusals(shared_library):
    start = time.time() + 6  # time for every process to start and open the library
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(shared_library), str(start), str(n)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n in range(3)]
    outputs = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == 0 and "Traceback" not in err, err
    results = [json.loads(out) for out, _ in outputs]
    for column in zip(*results):
        assert sorted(r == "ok" for r in column) == [False, False, True], column
        for refusal in (r for r in column if r != "ok"):
            assert refusal.startswith(("BadInput:2:", "StorageError:1:")) and "\n" not in refusal, refusal
    with Library.open(shared_library) as lib, lib.read() as s:
        assert s.scalar(select(func.count()).select_from(Tag).where(Tag.name == "Night buses")) == 1
        assert s.scalar(select(func.count()).select_from(Person)) == 1
        assert s.scalar(select(func.count()).select_from(Prototype)) == 1
        assert s.scalar(select(func.count()).select_from(Reel)) == 1


def test_reel_titles_are_unique_in_the_database_itself(shared_library):
    from sqlalchemy.exc import IntegrityError

    with Library.open(shared_library) as lib:
        reels.create(lib, "Breakfast", [1])
        with pytest.raises(IntegrityError), lib.engine.begin() as conn:  # past the app's own check
            conn.execute(Reel.__table__.insert().values(title="BREAKFAST", audience="team", height=720,
                                                        subtitle="", settings_json="{}"))


def _in_other_process(library, code: str) -> None:
    done = subprocess.run([sys.executable, "-c", "from app.library import Library\n"
                           "from app.prototypes import prototypes\nfrom app.reels import reels\nfrom app.codebook import codebook\n"
                           f"lib = Library.open({str(library)!r})\n{code}\nlib.close()"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_undo_refuses_to_remove_a_link_another_process_made_since(shared_library):
    with Library.open(shared_library) as lib:
        pid = prototypes.add(lib, "Welcome desk")
        _in_other_process(shared_library, f"prototypes.link(lib, {pid}, [1])")
        with pytest.raises(UndoConflict, match="Cannot undo Add prototype “Welcome desk”: clips have been linked to the prototype since") as err:
            lib.undo()
        assert "\n" not in str(err.value)
        with lib.read() as s:
            assert s.get(Prototype, pid) and s.get(ClipPrototype, (1, pid))
        assert lib.undo_name != "Add prototype “Welcome desk”"  # the step left the history


def test_undo_refuses_to_remove_reel_items_another_process_added(shared_library):
    with Library.open(shared_library) as lib:
        rid = reels.create(lib, "Breakfast", [1])
        _in_other_process(shared_library, f"reels.add_clips(lib, {rid}, [1])")
        with pytest.raises(UndoConflict):
            lib.undo()
        with lib.read() as s:
            assert len(s.get(Reel, rid).items) == 2


def test_undo_refuses_to_change_back_what_another_process_changed(shared_library):
    with Library.open(shared_library) as lib:
        pid = prototypes.add(lib, "Welcome desk")
        prototypes.update(lib, pid, name="Front door")
        _in_other_process(shared_library, f"prototypes.update(lib, {pid}, name='Open door')")
        with pytest.raises(UndoConflict):
            lib.undo()
        with lib.read() as s:
            assert s.get(Prototype, pid).name == "Open door"


def test_redo_refuses_when_another_process_made_the_same_row_meanwhile(shared_library):
    with Library.open(shared_library) as lib:
        codebook.add(lib, "Night buses", "challenge")
        lib.undo()
        _in_other_process(shared_library, "codebook.add(lib, 'Night buses', 'challenge', '#123456')")
        with pytest.raises(UndoConflict, match="Cannot redo"):
            lib.redo()
        with lib.read() as s:
            (tag,) = s.scalars(select(Tag).where(Tag.name == "Night buses"))
            assert tag.color == "#123456"


def test_undo_still_works_when_nobody_else_touched_it(shared_library):
    with Library.open(shared_library) as lib:
        pid = prototypes.add(lib, "Welcome desk")
        prototypes.link(lib, pid, [1])
        _in_other_process(shared_library, "prototypes.add(lib, 'Unrelated')")
        lib.undo()
        lib.undo()
        with lib.read() as s:
            assert s.get(Prototype, pid) is None
        lib.redo()
        with lib.read() as s:
            assert s.get(Prototype, pid).name == "Welcome desk"


def test_a_library_with_duplicate_reel_titles_upgrades_and_keeps_every_reel(tmp_path):
    from alembic import command
    from sqlalchemy import text

    from app import db

    engine = db.create(db.sqlite_url(tmp_path / "old.db"))
    cfg = db.alembic_config()
    with engine.begin() as conn:  # a library as the version before unique titles left it
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
        for title in ("Board", "board", "Board (2)"):
            conn.execute(text("INSERT INTO reels (title, subtitle, audience, height, settings_json, created_at) "
                              "VALUES (:t, '', 'team', 720, '{}', '2026-11-01 10:00:00')"), {"t": title})
    engine.dispose()
    engine = db.open_engine(db.sqlite_url(tmp_path / "old.db"))
    with engine.connect() as conn:
        titles = [t for (t,) in conn.execute(text("SELECT title FROM reels ORDER BY id"))]
    assert titles == ["Board", "board (3)", "Board (2)"]


def test_what_this_process_changed_outside_the_history_does_not_block_undo(shared_library, tmp_path):
    with Library.open(shared_library) as lib:
        pid = prototypes.add(lib, "Welcome desk")
        with lib.op("Note the stage in the background", undoable=False) as s:  # like an import finishing
            s.get(Prototype, pid).summary = "seen by the team"
        lib.undo()
        with lib.read() as s:
            assert s.get(Prototype, pid) is None
        lib.redo()
        with lib.read() as s:
            assert s.get(Prototype, pid).summary == "seen by the team"


def test_a_film_whose_import_finished_in_the_background_can_be_undone(tmp_path, counting_film):
    from app.models import Film
    from app.films import importing

    with Library.open(tmp_path / "lib") as lib:
        film_id = importing.register(lib, counting_film).film_id  # undoable: "Import"
        importing.complete(lib, film_id)  # not undoable: sha, path, state change
        lib.undo()
        with lib.read() as s:
            assert s.get(Film, film_id) is None
