"""The packaged app (scripts/build-app.sh -> dist/ProtoReel/protoreel), run as a facilitator's
laptop would: a bare environment (env -i: a new HOME, PATH=/usr/bin:/bin, no venv, no PYTHON*
variables). Skipped until the app has been built (CI does not build it: minutes and ~800 MB)."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import av
import numpy as np
import pytest

from tests.conftest import sample

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "dist" / "ProtoReel" / "protoreel"
pytestmark = pytest.mark.skipif(not APP.is_file(), reason="no packaged app: run scripts/build-app.sh first")


def protoreel(home: Path, *args: str, extra: dict | None = None) -> subprocess.CompletedProcess:
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", **(extra or {})}
    return subprocess.run([str(APP), *args], env=env, cwd=home, capture_output=True, text=True, timeout=300)


def test_the_packaged_app_imports_cuts_and_exports_from_a_bare_environment(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    stamp = time.time() - 1
    film = home / "role-play.mpg"
    film.write_bytes(sample("people-talking-grid-woman-360x288p25-mpeg1-mp2.mpg").read_bytes())
    done = protoreel(home, "--version")
    assert done.returncode == 0 and done.stdout.startswith("protoreel "), done.stderr
    for args in (["import", str(film), "--event", "Tuesday workshop"],
                 ["clip", "add", "1", "--start", "0.5", "--end", "2.5", "--title", "At the front desk",
                  "--tag", "challenge:Waiting and delay"],
                 ["reel", "create", "Breakfast reel", "--clip", "1", "--audience", "team"],
                 ["reel", "export", "Breakfast reel", str(home / "reel.mp4")]):
        done = protoreel(home, *args)
        assert done.returncode == 0, (args, done.stderr)
    with av.open(str(home / "reel.mp4")) as c:
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    assert len(frames) == 75 + 50  # a 3 s card at 25 fps, then the 2 s clip
    card, clip = frames[37], frames[100]
    assert (card > 200).all(axis=2).sum() > 500  # the title, in the shipped font
    assert (clip[-140:] > 200).all(axis=2).sum() > 200  # the caption in the lower third
    # The user's data is in the per-user folders; nothing was written inside the app's folder.
    assert (home / ".local" / "share" / "ProtoReel" / "Library" / "library.db").is_file()
    written = [p for p in APP.parent.rglob("*") if p.stat().st_mtime > stamp and not p.is_dir()]
    assert written == []


def test_the_packaged_app_transcribes_with_its_own_model_and_finds_what_was_said(tmp_path):
    """The speech model ships inside the app (no download: the network is not asked), is checked
    against its known SHA-256 and hears the JFK sample word for word."""
    from media.speech.score import word_error_rate
    from tests.speech_films import JFK

    home = tmp_path / "home"
    home.mkdir()
    sound = home / "jfk.flac"
    sound.write_bytes(sample("audio-speech-jfk-11s-44k-stereo.flac").read_bytes())
    stamp = time.time() - 1
    for args in (["import", str(sound)], ["transcribe", "1"]):
        done = protoreel(home, *args)
        assert done.returncode == 0, (args, done.stderr)
    done = protoreel(home, "transcript", "1")
    heard = " ".join(line.strip().split("  ", 1)[1] for line in done.stdout.splitlines())
    assert done.returncode == 0 and word_error_rate(JFK, heard) <= 0.10, done.stdout
    done = protoreel(home, "said", "ask not", "--json")
    assert done.returncode == 0 and '"start_us": 3' in done.stdout, done.stdout
    # The model is read where it lies: nothing (no joined model, no cache) written in the app's folder.
    assert [p for p in APP.parent.rglob("*") if p.stat().st_mtime > stamp and not p.is_dir()] == []


def test_the_packaged_app_anonymises_on_the_portable_path(tmp_path):
    """The face filter runs in a child started by the app's own executable (no python -m)."""
    home = tmp_path / "home"
    home.mkdir()
    film = home / "office.mp4"
    film.write_bytes(sample("face-man-office-1080x720p29.97-h264-aac-1s.mp4").read_bytes())
    for args in (["import", str(film)], ["clip", "add", "1", "--start", "0", "--end", "1", "--title", "Office"],
                 ["person", "add", "Jane Realname", "--role", "lived_experience", "--consent", "team"],
                 ["person", "appears", "Jane Realname", "1"],
                 ["reel", "create", "Public", "--clip", "1", "--audience", "public"],
                 ["reel", "export", "Public", str(home / "anon.mp4"), "--anonymise", "--no-cards", "--no-captions"]):
        done = protoreel(home, *args, extra={"PROTOREEL_PORTABLE": "1"})
        assert done.returncode == 0, (args, done.stderr)
    with av.open(str(home / "anon.mp4")) as c:
        covered = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    with av.open(str(film)) as c:
        plain = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    assert abs(len(covered) - len(plain)) <= 1  # the reel's rate rounds the 1 s clip
    middle = len(covered) // 2
    x0, x1 = 100, 1180  # the 1080x720 film letterboxed into 1280x720
    diff = np.abs(covered[middle][:, x0:x1].astype(int) - np.asarray(
        __import__("cv2").resize(plain[middle], (x1 - x0, 720))).astype(int)).mean(axis=2)
    assert (diff > 30).sum() > 5000  # a face's worth of the picture was covered


def test_the_packaged_app_says_in_one_line_that_no_window_can_open(tmp_path):
    done = protoreel(tmp_path)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "ProtoReel: no window could be opened (no display to open a window on (DISPLAY and WAYLAND_DISPLAY "
        "are not set)); the commands work without one: protoreel --help"]


def test_the_app_folder_carries_what_it_needs():
    internal = APP.parent / "_internal"
    assert list((internal / "imageio_ffmpeg" / "binaries").glob("ffmpeg-*"))
    assert (internal / "resources" / "fonts" / "DejaVuSans-Bold.ttf").is_file()
    assert (internal / "resources" / "fonts" / "LICENSE-DejaVu.txt").is_file()
    assert list((internal / "media" / "anonymise" / "models").iterdir())
    assert list((internal / "PySide6" / "Qt" / "plugins" / "multimedia").iterdir())
    assert (internal / "app" / "migrations" / "env.py").is_file()
    assert os.access(APP, os.X_OK)
