"""The face models ship with ProtoReel (checkout, wheel, packaged app), each checked against the
SHA-256 it was shipped with; a missing or altered model is refused with one line, never run."""

from __future__ import annotations

import fnmatch
import os
import re
import shutil
import subprocess
import sys
import tomllib
from fractions import Fraction
from pathlib import Path

import pytest

from media.anonymise import model_files
from tests.conftest import sample

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "media" / "anonymise" / "models"
NOT_MODELS = ("README.md", "LICENSE-*")


def shipped() -> set[str]:
    return {p.name for p in MODELS.iterdir() if p.is_file() and not any(fnmatch.fnmatch(p.name, g) for g in NOT_MODELS)}


def test_every_shipped_model_is_listed_and_is_the_file_its_readme_names():
    assert shipped() == set(model_files.SHA256)
    readme = (MODELS / "README.md").read_text()
    assert set(re.findall(r"sha256 ([0-9a-f]{64})", readme)) == set(model_files.SHA256.values())
    for name in model_files.SHA256:
        assert model_files.path(name) == MODELS / name


def test_the_wheel_and_the_packaged_app_carry_every_model():
    """pyproject's package data (what a wheel and ``pip install .`` carry) matches every model;
    the PyInstaller spec carries the models folder whole."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["media"]
    for name in shipped():
        assert any(fnmatch.fnmatch(f"anonymise/models/{name}", g) for g in data), name
    spec = (ROOT / "packaging" / "protoreel.spec").read_text()
    assert '(str(ROOT / "media" / "anonymise" / "models"), "media/anonymise/models")' in spec


@pytest.fixture
def altered(tmp_path, monkeypatch):
    """A copy of the models folder with one byte of ``name`` changed (or ``name`` missing)."""

    def make(name: str, missing: bool = False) -> Path:
        folder = tmp_path / "models"
        shutil.copytree(MODELS, folder)
        if missing:
            (folder / name).unlink()
        else:
            data = bytearray((folder / name).read_bytes())
            data[len(data) // 2] ^= 0x01
            (folder / name).write_bytes(bytes(data))
        monkeypatch.setattr(model_files, "FOLDER", folder)
        return folder

    return make


def test_an_altered_detector_is_refused_in_one_line(altered):
    from media.anonymise.finder import FaceFinder

    altered("centerface.onnx")
    with pytest.raises(model_files.ModelUnusable) as error:
        FaceFinder()
    message = str(error.value)
    assert message.startswith("centerface.onnx: ") and "not the one shipped" in message and "\n" not in message


def test_a_missing_detector_is_refused_in_one_line(altered):
    from media.anonymise.blazeface import BlazeFace

    altered("face_detection_full_range.tflite", missing=True)
    with pytest.raises(model_files.ModelUnusable, match=r"^face_detection_full_range.tflite: .*missing"):
        BlazeFace()


def test_an_altered_recogniser_leaves_recognition_unavailable(altered):
    """Recognition unavailable: the filter covers every face, as without readings."""
    from media.anonymise.recognise import FaceReader, RecognitionUnavailable

    altered("dlib_face_recognition_resnet_model_v1.dat")
    with pytest.raises(RecognitionUnavailable, match="not the one shipped"):
        FaceReader()


def test_the_face_filter_passes_no_frame_with_an_altered_detector(tmp_path):
    """The filter process as an export runs it, with a damaged CenterFace: not one frame comes
    out (an export fails with the filter's one line), never frames with faces left visible."""
    import imageio_ffmpeg

    folder = tmp_path / "models"
    shutil.copytree(MODELS, folder)
    data = bytearray((folder / "centerface.onnx").read_bytes())
    data[len(data) // 2] ^= 0x01
    (folder / "centerface.onnx").write_bytes(bytes(data))
    w, h = 320, 180
    decoder = [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(sample("face-man-office-1080x720p29.97-h264-aac-1s.mp4")),
               "-vf", f"scale={w}:{h}", "-f", "rawvideo", "-pix_fmt", "yuv420p", "pipe:1"]
    code = ("import sys; from pathlib import Path; from media.anonymise import model_files, stream; "
            f"model_files.FOLDER = Path({str(folder)!r}); sys.exit(stream.main(sys.argv[1:]))")
    args = ["--width", str(w), "--height", str(h), "--fps", str(Fraction(30000, 1001)), "--", *decoder]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, cwd=ROOT, env=env, timeout=120)
    assert done.returncode == 2 and done.stdout == b""
    lines = done.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("centerface.onnx: "), lines
