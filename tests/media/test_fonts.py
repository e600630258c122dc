"""Fonts ship with the app (resources/fonts/, with their licence): an export on a machine with
no fonts at all draws its cards and captions exactly as here, and the PDF summary carries the
same font. "No fonts at all": the system's font folder hidden under an empty tmpfs in a mount
namespace of its own (root; skipped where unshare is not allowed)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest

from media import fonts
from media.export import cards

ROOT = Path(__file__).resolve().parents[2]
SCENE = [sys.executable, "-m", "tests.media.no_fonts_scene"]
HIDE_FONTS = "mount -t tmpfs none /usr/share/fonts && exec \"$@\""


def test_the_fonts_and_their_licence_ship_in_resources():
    folder = ROOT / "resources" / "fonts"
    assert fonts.folder().resolve() == folder.resolve()
    assert Path(cards.font_path(bold=True)).resolve() == (folder / "DejaVuSans-Bold.ttf").resolve()
    assert Path(cards.font_path(bold=False)).resolve() == (folder / "DejaVuSans.ttf").resolve()
    assert "Bitstream" in (folder / "LICENSE-DejaVu.txt").read_text(encoding="utf-8")


def _scene(folder: Path, hide_fonts: bool) -> dict:
    folder.mkdir()
    command = SCENE + [str(folder)]
    if hide_fonts:
        command = ["unshare", "-m", "sh", "-c", HIDE_FONTS, "sh", *command]
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as c:
        return [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]


def _hiding_works() -> bool:
    if shutil.which("unshare") is None or not Path("/usr/share/fonts").is_dir():
        return False
    probe = subprocess.run(["unshare", "-m", "sh", "-c", HIDE_FONTS, "sh", "true"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="mount namespaces are Linux's")
def test_an_export_with_no_system_fonts_draws_its_cards_and_captions(tmp_path):
    if not _hiding_works():
        pytest.skip("cannot hide the system's fonts here (unshare -m and mount need root)")
    bare = _scene(tmp_path / "bare", hide_fonts=True)
    # Truly no fonts at all: no file, nothing fontconfig knows, no real family in Qt (only its aliases).
    assert bare["font_files"] == 0 and bare["fontconfig"] in ([], None), bare
    assert not [f for f in bare["qt_families"] if f not in ("Monospace", "Sans Serif", "Serif")], bare
    assert bare["summary"] == 0
    _scene(tmp_path / "here", hide_fonts=False)

    got, want = _frames(tmp_path / "bare" / "reel.mp4"), _frames(tmp_path / "here" / "reel.mp4")
    assert len(got) == len(want)
    card, clip = 37, 75 + 12  # inside the 3 s opening card; inside the clip (its caption band)
    for n in (card, clip):
        text = (got[n] > 200).all(axis=2)  # white letters
        assert text.sum() > 500, f"frame {n} has no text"
        assert np.abs(got[n].astype(int) - want[n].astype(int)).max() <= 2, f"frame {n} drawn differently"
    empty = (got[card][:, :, :] > 200).all(axis=2)[: got[card].shape[0] // 5].sum()
    assert empty == 0  # the title sits mid-frame: the top fifth is background only

    if shutil.which("pdffonts") is None:
        pytest.skip("pdffonts (Debian poppler-utils) is not installed: the PDF was written but not read")
    listed = subprocess.run(["pdffonts", str(tmp_path / "bare" / "summary.pdf")], capture_output=True,
                            text=True).stdout
    embedded = [line for line in listed.splitlines()[2:] if line.strip()]
    assert embedded and all("DejaVuSans" in line for line in embedded), listed
    text = subprocess.run(["pdftotext", str(tmp_path / "bare" / "summary.pdf"), "-"], capture_output=True,
                          text=True).stdout
    assert "Nobody looked up" in text
