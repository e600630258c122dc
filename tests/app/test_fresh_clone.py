"""Issue 11, item 9: on a fresh clone there is no ../shared/samples. Tests that need it skip
and say why; nothing fails for want of it."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_tests_needing_samples_skip_with_a_reason_when_there_are_none(tmp_path):
    env = dict(os.environ, PROTOREEL_SAMPLES=str(tmp_path / "no-samples-here"), QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs",
         "tests/ui/test_screenshots.py::test_screenshot[workspace-workspace.png]",
         "tests/ui/test_screenshots.py::test_screenshot[reel_builder-reel-builder.png]",
         "tests/ui/test_screenshots.py::test_screenshot[evidence-evidence-board.png]",
         "tests/app/test_cli.py::test_refused_file_exits_2_with_one_line"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "4 skipped" in done.stdout and "failed" not in done.stdout
    reasons = [line for line in done.stdout.splitlines() if line.startswith("SKIPPED")]
    assert len(reasons) == 4 and all("no-samples-here" in line for line in reasons), done.stdout
