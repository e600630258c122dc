"""Closing the window stops every job the one runner holds and waits for it: a take being
recorded is finished and brought in, a background import stops with its film registered (it
resumes on the next start). Nothing is lost."""

from __future__ import annotations

import pytest

from app import reads
from app.clips import clips
from app.films import takes, importing
from media.capture.recorder import interrupted
from tests.media_factory import make_long_film
from tests.ui.driving import click


@pytest.fixture(scope="module")
def half_hour_film(tmp_path_factory):
    return make_long_film(tmp_path_factory.mktemp("close") / "morning.mp4", 1800)


def test_closing_during_a_recording_finishes_the_take_and_keeps_it(qtbot, window):
    view = window.record_view
    view.camera.setCurrentIndex(view.camera.findData("test"))  # the built-in test pattern and tone
    view.countdown.setChecked(False)
    films_before = len(reads.films(window.lib))
    window.show_dock("record")
    click(view.button)
    qtbot.waitUntil(lambda: view.recording, timeout=5_000)
    assert view.job in window.runner.jobs  # the take runs on the one runner, not beside it
    qtbot.waitUntil(lambda: view.elapsed.text() >= "00:01", timeout=15_000)
    job = view.job
    window.close()
    assert not job.is_running()  # close waited for the take to be brought in
    assert len(reads.films(window.lib)) == films_before + 1
    assert interrupted(takes.recordings_dir(window.lib)) == []  # nothing left half-done


def test_closing_during_a_background_import_stops_it_and_loses_nothing(qtbot, window, half_hour_film):
    background = window.import_flow.background
    with qtbot.waitSignal(window.import_flow.finished, timeout=30_000) as blocker:
        window.import_flow.start([half_hour_film])
    film_id = blocker.args[0][0].film_id
    clip_id = clips.add(window.lib, film_id, 60_000_000, 70_000_000, title="Marked while it imports")
    assert background.busy()
    jobs = list(background.running.values())
    assert jobs and all(job in window.runner.jobs for job in jobs)  # on the one runner
    window.close()
    assert not any(job.is_running() for job in jobs)  # cancelled and waited for
    assert importing.pending(window.lib) == [film_id]  # resumes on the next start
    assert reads.film(window.lib, film_id).importing
    assert [c.id for c in reads.clips(window.lib, [clip_id])] == [clip_id]


def test_no_view_runs_a_job_or_shows_an_error_beside_the_runner():
    """One way: jobs are made by ui/kit/operations.py, errors shown by it (and the excepthook)."""
    import re
    from pathlib import Path

    ui = Path(__file__).resolve().parents[2] / "ui"
    allowed = {"operations.py", "errors.py", "workers.py", "diagnostics.py"}
    beside = [f"{path.relative_to(ui)}:{n}" for path in sorted(ui.rglob("*.py")) if path.name not in allowed
              for n, line in enumerate(path.read_text().splitlines(), 1)
              if re.search(r"(?<![\w.])(Job|show_error)\(", line)]
    assert beside == []
