"""Frame-by-frame check of films whose first picture is not at their container's start: an MKV
muxed by FFmpeg 5.1 (Debian's /usr/bin/ffmpeg: AAC priming unmarked at 0, first picture at
0.021 s) and an MPEG-TS (the same 21 ms after its 1.4 s start). Each film is made here with a
bar code of its frame index in every picture and a beep at every whole second of its content
(tests/conformance_films.py), imported, cut into three clips typed in seconds, exported as a
30 fps MP4 without cards, and read back: each clip's first and last frame (bar codes) against
the frames the content shows at the times typed, and the sound of each whole second against the
frame showing it (ms, to the sample).

    .venv/bin/python bench/film_zero_check.py [--seconds 6]
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import av  # noqa: E402
import cv2  # noqa: E402

from app.clips import clips  # noqa: E402
from app.films import importing  # noqa: E402
from app.library import Library  # noqa: E402
from app.models import Clip, Film  # noqa: E402
from app.reels import export, reels  # noqa: E402
from tests.app.test_exact_films import _sound_offset_s  # noqa: E402
from tests.conformance_films import FilmSpec, make_ffmpeg51_mkv, make_film  # noqa: E402
from tests.media.test_conformance import _audio  # noqa: E402
from tests.media_factory import read_index  # noqa: E402

FPS = 30
CASES = [(0.0, 1.2), (1.05, 2.05), (4.5, 6.0)]  # typed in and out points (s)


def _bar_codes(path: Path, size=(256, 144)) -> list[int]:
    shown = []
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            img = frame.to_ndarray(format="rgb24")
            h, w, _ = img.shape
            scale = min(w / size[0], h / size[1])
            pw, ph = round(size[0] * scale), round(size[1] * scale)
            x, y = (w - pw) // 2, (h - ph) // 2
            shown.append(read_index(cv2.resize(img[y:y + ph, x:x + pw], size, interpolation=cv2.INTER_AREA)))
    return shown


def check(path: Path, seconds: float, folder: Path) -> None:
    count = int(seconds * FPS)
    with Library.open(folder / f"lib-{path.stem}") as lib:
        film_id = importing.import_file(lib, path, link=True).film_id
        with lib.read() as s:
            f = s.get(Film, film_id)
            print(f"{path.name}: length {f.duration_us} µs, zero at stream {f.start_us} µs, "
                  f"{getattr(f, 'play_offset_us', 0)} µs into Qt's clock, {f.frame_count} frames")
        cases = [(a, min(b, seconds)) for a, b in CASES]
        ids = [clips.add(lib, film_id, round(a * 1e6), round(b * 1e6), title=f"c{n}") for n, (a, b) in enumerate(cases)]
        reel_id = reels.create(lib, f"zero {path.stem}", [str(i) for i in ids])
        reels.update(lib, reel_id, cards=False, captions=False, fps=str(FPS))
        out = export.export_reel(lib, reel_id, folder / f"{path.stem}-reel.mp4")
        with lib.read() as s:
            stored = [(s.get(Clip, i).start_us, s.get(Clip, i).end_us) for i in ids]
    shown, sound = _bar_codes(out), _audio(out)
    at, right = 0, 0
    for (a, b), (start, end) in zip(cases, stored):
        # The content's truth: the frame on screen at the in point, up to the one before the out point's.
        first = math.floor(a * FPS + 1e-6)
        last = count - 1 if b >= seconds else math.floor(b * FPS + 1e-6) - 1
        n = 1
        while at + n < len(shown) and shown[at + n] == shown[at + n - 1] + 1:
            n += 1
        run = shown[at:at + n]
        ok = (run[0], run[-1]) == (first, last)
        right += ok
        line = (f"  typed {a:.2f}-{b:.2f} s, stored {start}-{end} µs: MP4 frames {run[0]}-{run[-1]} ({len(run)}), "
                f"content {first}-{last} ({last - first + 1}) {'exact' if ok else 'WRONG'}")
        for second in range(math.ceil(a), int(b) + 1):
            if second * FPS in run and run.index(second * FPS) + at > 2:
                reel_s = (at + run.index(second * FPS)) / FPS
                line += f"; sound of second {second}: {1000 * _sound_offset_s(sound, reel_s, second):+.2f} ms"
        print(line)
        at += n
    print(f"  {right} of {len(cases)} clips exact; the MP4 has {len(shown)} frames")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        check(make_ffmpeg51_mkv(folder, seconds=args.seconds), args.seconds, folder)
        transport = make_film(folder, FilmSpec("transport", ".ts", Fraction(FPS), seconds=args.seconds))
        check(transport, args.seconds, folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
