"""Interlaced films (issue 24, 2): found at import (flags, and the picture when the flags lie),
and deinterlaced in the export (a picture a frame, or a picture a field), in stills and
thumbnails, and by the playing player.

The films are woven from a progressive source at the field rate (50 a second) whose every
picture carries its field number as a bar code and a bright bar sweeping across, so two
fields of a frame differ and comb when shown woven. The measure of combing: how far each line
is from the mean of the lines above and below it (``comb``), over the moving part of the
picture. The reference is ffmpeg's own ``bwdif`` run on the same frames (and the same scaling).
"""

from __future__ import annotations

import json
import subprocess

import av
import cv2
import numpy as np
import pytest

from app.clips import clips
from app.films import importing
from app.models import Film
from app.reels import export, reel_plan, reels
from media.export.segments import fit
from media.reading.frames import FrameReader
from media.reading.probe import probe
from tests.conformance_films import make_interlaced
from tests.media.test_conformance import own_frames, read_back, source_frames
from tests.media_factory import read_index

W, H = 1280, 720
SIZE = (384, 288)
WITHIN = 1.3  # the reel's combing at most this many times bwdif's own


def comb(gray: np.ndarray) -> float:
    """Mean distance of each line from the mean of its neighbours (woven moving fields: large)."""
    y = gray.astype(np.float32)
    return float(np.mean(np.abs(y[1:-1] - (y[:-2] + y[2:]) / 2)))


def _gray(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY)


@pytest.fixture(scope="module")
def films(tmp_path_factory):
    from app.library import Library

    folder = tmp_path_factory.mktemp("interlaced")
    made = {
        "tff": make_interlaced(folder, "tff", "tff", ".ts"),
        "bff": make_interlaced(folder, "bff", "bff", ".mp4"),
        "lying": make_interlaced(folder, "lying", "tff", ".mp4", flagged=False),
    }
    with Library.open(folder / "lib") as lib:
        ids = {name: importing.import_file(lib, path, link=True).film_id for name, path in made.items()}
        yield lib, folder, made, ids


def _film(lib, film_id) -> Film:
    with lib.read() as s:
        film = s.get(Film, film_id)
        s.expunge(film)
        return film


def test_interlaced_films_are_found_by_their_flags_and_by_their_picture(films):
    lib, _folder, made, ids = films
    assert probe(made["tff"]).field_order == "tff" and probe(made["bff"]).field_order == "bff"
    assert probe(made["lying"]).field_order == ""  # the flags say progressive...
    assert {name: _film(lib, i).field_order for name, i in ids.items()} == {
        "tff": "tff", "bff": "bff", "lying": "tff"}  # ...the picture says otherwise, and wins


def _reference(path, order: str, per_field: bool, plan, item) -> dict[int, np.ndarray]:
    """ffmpeg's bwdif of the film, scaled into the reel's frame as the export scales: gray
    pictures by the field number their bar code carries."""
    from imageio_ffmpeg import get_ffmpeg_exe

    mode = "send_field" if per_field else "send_frame"
    chain = f"bwdif=mode={mode}:parity={order}:deint=all" if order else "null"
    out = subprocess.run([get_ffmpeg_exe(), "-v", "error", "-i", str(path), "-vf",
                          f"{chain},{fit(plan, item)},format=rgb24", "-f", "rawvideo", "-"],
                         capture_output=True, check=True).stdout
    frames = np.frombuffer(out, np.uint8).reshape(-1, H, W, 3)
    return {_code(f): _gray(f) for f in frames}


def _code(rgb: np.ndarray) -> int:
    x, y, w, h = _rect()
    crop = cv2.resize(rgb[y:y + h, x:x + w], SIZE, interpolation=cv2.INTER_AREA)
    return read_index(crop)


def _rect():
    scale = min(W / SIZE[0], H / SIZE[1])
    w, h = round(SIZE[0] * scale), round(SIZE[1] * scale)
    return (W - w) // 2, (H - h) // 2, w, h


SWEEP = SIZE[0] - 16  # the bar's x is 9 px a field, modulo this


def _bar_x(rgb: np.ndarray) -> int:
    """Where the sweeping bar is, in the film's own pixels (above the part whose green changes)."""
    x, y, w, h = _rect()
    crop = cv2.resize(_gray(rgb[y:y + h, x:x + w]), SIZE, interpolation=cv2.INTER_AREA)
    band = crop[SIZE[1] // 3 + 4:SIZE[1] // 2 - 4].astype(np.float32).mean(axis=0)
    return int(np.argmax(np.convolve(band, np.ones(16), mode="valid")))


def _field(rgb: np.ndarray) -> int:
    """The field a picture shows. Its bar code's last bit changes every field, and bwdif keeps
    that cell woven where the code looks still: half grey, read either way after encoding
    (127.2 from bwdif, 126.7 or 128.3 after x264, by the frame). The rest of the code names
    the frame; the bar (9 px a field) tells which of its two fields."""
    even = _code(rgb) & ~1
    x = _bar_x(rgb)
    return min((even, even + 1), key=lambda k: min((x - 9 * k) % SWEEP, (9 * k - x) % SWEEP))


def _moving(gray: np.ndarray) -> np.ndarray:
    """The part of the picture the bar sweeps (below the bar code)."""
    x, y, w, h = _rect()
    return gray[y + h // 3:y + h, x:x + w]


@pytest.mark.parametrize("name, rate, per_field", [("tff", "25", False), ("lying", "25", False), ("bff", "50", True)])
def test_reel_of_an_interlaced_film_combs_no_more_than_bwdif(films, name, rate, per_field):
    """A 25 fps reel gets a picture per frame (the first field's moment); a 50 fps reel a
    picture per field. Either way the reel combs no more than ffmpeg's bwdif of the same
    frames (within 1.3x), where the film shown woven combs several times more."""
    lib, folder, made, ids = films
    film = _film(lib, ids[name])
    clip = clips.add(lib, ids[name], 800_000, 2_000_000, title=f"{name} clip")
    reel = reels.create(lib, f"Interlaced {name}", [str(clip)])
    reels.update(lib, reel, cards=False, captions=False, fps=rate)
    told = []
    out = export.export_reel(lib, reel, folder / f"reel-{name}.mp4", told=told)
    with lib.read() as s:
        plan = reel_plan.build(lib, s, reel)
    item = plan.items[0]
    assert item.field_order == film.field_order
    # The export says which (a picture per field or per frame) and why, and its manifest keeps it.
    how = "per field" if per_field else "per frame"
    assert len(told) == 1 and f"film {film.title!r} is interlaced" in told[0] and f"a picture {how}" in told[0], told
    assert json.loads(export.manifest_path(out).read_text())["items"][0]["deinterlaced"] == how
    reference = _reference(made[name], film.field_order, per_field, plan, item)
    woven = _reference(made[name], "", False, plan, item)  # shown as it is stored
    with av.open(str(out)) as c:
        pictures = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    codes = [_code(p) for p in pictures]
    in_frame = item.frames.first  # frame i of the film holds fields 2i and 2i+1
    first = _field(pictures[0])
    assert first == 2 * in_frame, f"first reel picture shows field {first}, the in point's frame is {in_frame}"
    # The sweeping bar moves 9 px a field: every field (per field), or every frame's first.
    bars = [_bar_x(p) for p in pictures]
    steps = {(b - a) % SWEEP for a, b in zip(bars, bars[1:])}
    assert steps <= ({8, 9, 10} if per_field else {17, 18, 19}), steps
    # (bwdif keeps a bar code that changes every field woven where it looks still: the second
    # field's picture reads as the first's, in ffmpeg's own bwdif too; the bar tells them apart.)
    codes = [c - c % 2 for c in codes]
    ours = np.mean([comb(_moving(_gray(p))) for p in pictures])
    bwdif = np.mean([comb(_moving(reference[c])) for c in codes])
    raw = np.mean([comb(_moving(woven[c])) for c in codes])
    print(f"combing {name} at {rate} fps: reel {ours:.3f}, bwdif {bwdif:.3f} ({ours / bwdif:.2f}x), woven {raw:.3f}")
    assert ours <= WITHIN * bwdif, (ours, bwdif)
    assert raw >= 3 * bwdif, (raw, bwdif)  # the measure tells woven frames apart
    # OTIO and EDL, read back by OpenTimelineIO: the clip's own frames, by the decoded frames' times.
    with av.open(str(made[name])) as c:
        times = sorted(float(f.pts * f.time_base) - film.start_us / 1e6 for f in c.decode(video=0))
    own = own_frames(times, item.start_us, item.end_us)
    otio_clips, edl_clips = read_back(lib, folder, reel, plan.settings.fps)
    assert source_frames(otio_clips[f"{name} clip"]) == own
    if item.frame_for_frame(plan.settings.fps):  # the 25 fps reels: the EDL names its frames exactly
        assert source_frames(edl_clips[f"{name} clip"]) == own


def test_stills_and_thumbnails_of_an_interlaced_film_do_not_comb(films):
    """The paused player's frame (and face finding's, and the evidence stills') comes
    deinterlaced; the thumbnails are made from one field."""
    from media.analysis.thumbnails import load_strip, read_tile

    from app.films.frame_indexes import frame_index

    lib, _folder, made, ids = films
    film = _film(lib, ids["tff"])
    at = frame_index(lib, film).middle(30)
    reader = FrameReader(made["tff"], film.start_us, 0, film.field_order)
    still = reader.frame_at(at)
    reader.close()
    woven = FrameReader(made["tff"], film.start_us, 0, "")
    raw = woven.frame_at(at)
    woven.close()
    assert still.time_us == raw.time_us  # the same frame of the film
    assert read_index(still.rgb) == 2 * 30  # frame 30's first field
    assert comb(_gray(raw.rgb)) >= 3 * comb(_gray(still.rgb))
    strip = load_strip(lib.cache_dir(film.sha256))
    tile = read_tile(strip, strip.tile_for(at))
    woven_tile = cv2.resize(cv2.cvtColor(raw.rgb, cv2.COLOR_RGB2BGR), (tile.shape[1], tile.shape[0]),
                            interpolation=cv2.INTER_AREA)
    assert comb(cv2.cvtColor(tile, cv2.COLOR_BGR2GRAY)) < comb(cv2.cvtColor(woven_tile, cv2.COLOR_BGR2GRAY))


def test_the_playing_player_shows_one_field_of_an_interlaced_frame(films):
    from PySide6.QtGui import QImage

    from ui.player.video_view import one_field_image

    _lib, _folder, made, _ids = films
    with av.open(str(made["bff"])) as c:
        frame = next(f for n, f in enumerate(c.decode(video=0)) if n == 20)
    rgb = np.ascontiguousarray(frame.to_ndarray(format="rgb24"))
    image = QImage(rgb.data, rgb.shape[1], rgb.shape[0], 3 * rgb.shape[1], QImage.Format.Format_RGB888).copy()
    field = one_field_image(image, "bff")
    assert (field.width(), field.height()) == (SIZE[0], SIZE[1] // 2) and field.text("field") == "1"
    shown = field.convertToFormat(QImage.Format.Format_RGB888)
    lines = np.frombuffer(shown.constBits(), np.uint8).reshape(shown.height(), shown.bytesPerLine())[:, :SIZE[0] * 3]
    lines = lines.reshape(shown.height(), SIZE[0], 3)
    assert np.array_equal(lines, rgb[1::2])  # the bottom field: the first filmed in a BFF film
    assert comb(_gray(lines)) * 3 <= comb(_gray(rgb))
