"""Real windows under Xvfb, saved under docs/screenshots/ for the README (look at them)."""

import pytest

from tests.ui.xvfb import SCREENSHOTS, run_scene

pytestmark = pytest.mark.xvfb


def test_workspace_marking_run_screenshot(tmp_path):
    out = SCREENSHOTS / "workspace.png"
    run_scene("workspace", str(tmp_path / "lib"), str(out))
    assert out.stat().st_size > 50_000


def test_reel_builder_screenshot(tmp_path):
    out = SCREENSHOTS / "reel-builder.png"
    run_scene("reel_builder", str(tmp_path / "lib"), str(out))
    assert out.stat().st_size > 50_000


def test_codebook_and_evidence_board_screenshot(tmp_path):
    out = SCREENSHOTS / "evidence-board.png"
    run_scene("evidence", str(tmp_path / "lib"), str(out))
    assert out.stat().st_size > 50_000


def test_record_view_screenshot(tmp_path):
    out = SCREENSHOTS / "record.png"
    run_scene("record", str(tmp_path / "lib"), str(out))
    assert out.stat().st_size > 50_000
