"""Kill the app mid-meeting (SIGKILL: no handler runs) and everything typed is there."""

import os
import signal
import subprocess
import sys
import time

from app.reviews import review_records
from app.library import Library
from app.reviews import reviews
from tests.ui.test_present import stock

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COMMITTED_WITHIN_S = 1.0  # the promise: what is typed is in the library within a second


def test_sigkill_mid_meeting_loses_nothing_typed(tmp_path, counting_film):
    with Library.open(tmp_path / "lib") as lib:
        ids = stock(lib, counting_film)
        review_id = reviews.start(lib, clip_ids=ids)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.Popen([sys.executable, "-m", "tests.ui.present_kill_scene", str(tmp_path / "lib"),
                              str(review_id)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             text=True)
    try:
        line = child.stdout.readline()
        assert line.strip() == "TYPED", f"the meeting did not get going: {line!r}"
        time.sleep(COMMITTED_WITHIN_S)
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(10) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
    with Library.open(tmp_path / "lib") as lib:  # reopen, as the next start of the app does
        d = review_records.detail(lib, review_id)
    first = d.items[0]
    assert first.note == "The receptionist never looked up, twice"
    assert first.marks == {"matters": 2, "surprising": 1, "action": 0}
    (action,) = d.actions
    assert (action.text, action.owner, action.due, action.clip_id) == (
        "Put a greeter at the door", "Ravi", "2026-12-17", ids[0])
    assert d.review.ended_at is None  # killed, not ended: the Reviews panel offers to continue it
    assert first.shown_us > 0 or d.review.last_position == 0
