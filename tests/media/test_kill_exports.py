"""50 exports killed at random moments (SIGKILL to the app alone), then one command: no file,
no process, no work folder left. Slow (~3 min): run with PROTOREEL_SLOW=1."""

import os

import pytest

from bench.kill_bench import run


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("PROTOREEL_SLOW") != "1", reason="slow (~3 min): set PROTOREEL_SLOW=1")
def test_fifty_killed_exports_leave_nothing_after_one_command():
    report = run(50)
    assert report["summed_right_after_each_kill"]["processes"] == 0  # children died with the app
    assert report["after_one_command"] == {"processes": [], "files_in_target_folder": [],
                                           "library_tmp": [], "system_tmp": []}
    assert report["landed"]["before the partial file"] + report["landed"]["with a partial file"] >= 40
