"""The open window hears of changes made by another process (a newcomer added and withdrew
people from the command line while the GUI was open, and the GUI showed none of it)."""

import subprocess
import sys
import time

from app.library import Library
from app.people import people
from app.outside_changes import OutsideChanges


def news_within(watch, seconds: float = 1.0) -> bool:
    """A team library's notices arrive a moment after the commit (the window looks every second)."""
    end = time.monotonic() + seconds
    while not watch.poll():
        if time.monotonic() > end:
            return False
        time.sleep(0.02)
    return True


def test_another_process_committing_is_news_and_our_own_commits_are_not(lib):
    watch = OutsideChanges(lib)
    try:
        assert watch.watching and not watch.poll()
        people.add(lib, "Ann", "carer", "team")  # ours
        assert not watch.poll()
        subprocess.run([sys.executable, "-m", "app.cli", "--library", str(lib.root), "person", "add", "Bob",
                        "--role", "carer", "--consent", "team"], check=True, capture_output=True)
        assert news_within(watch)
        assert not watch.poll()  # said once
    finally:
        watch.close()


def test_a_second_library_object_in_this_process_counts_as_outside(lib):
    watch = OutsideChanges(lib)
    try:
        with Library.open(lib.root) as other:
            people.add(other, "Cat", "carer", "team")
        assert news_within(watch)
    finally:
        watch.close()
