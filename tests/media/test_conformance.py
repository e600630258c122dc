"""Export conformance matrix: generated films of every rate, container and orientation a
workshop produces, cut into two reels and read back frame by frame and beep by beep.

For every clip: the reel's first frame is the frame shown at its in point, every later frame
is the source frame due at that moment (its bar code and its colour agree: no synthetic,
green or black frame), the beep is where the picture says it should be (within one reel
frame), and the reel has exactly its length. Cards are the card, never green.

Cases (film -> what it covers):
    rates reel, 60 fps by the rate rule, cards and captions on:
        23.976 MP4, 24 MKV, 25 WebM, 29.97 MOV, 30 MPEG-TS, 50 MP4, 59.94 MKV, 60 MP4 (twice, one in
        point inside a frame), VFR MP4
    sources reel, 25 fps, cards and captions off:
        MPEG-2 program stream (starts at 0.53 s, in point mid-GOP), MPEG-1 program stream, AVI
        (MPEG-4 + MP3), anamorphic PAL (720x576, 64:45), rotation 90/180/270, rotation 90 +
        mirror, sound starting 0.5 s after the picture, sound only (M4A), picture only
    off-grid reel, 30 fps (frame times off the nominal grid; issue 24):
        WebM (millisecond times: the issue's 3.05-4.05 s, frames 91-120), MKV, MPEG-TS whose
        first picture is at 21 ms (clip from 0), MP4 whose sound starts 0.1 s before the
        picture (clip from 0), MPEG-2 program stream, MPEG-1 program stream from 0, VFR phone
    mixed-rates reel, 25 fps: 25, 29.97, 23.976 and 59.94 clips, and a 23.976 AVI (each starts
        on its in point)

Every reel is also exported as OTIO and EDL and read back by OpenTimelineIO's own readers
(cmx_3600 for the EDL): each clip's source range is its own frames (the index of its first
frame and how many), against the truth read from the film's decoded bar codes.
Interlaced films (TFF, BFF, and TFF flagged progressive) and a damaged MPEG-TS have their
own tests below.
"""

from __future__ import annotations

from fractions import Fraction as F

import av
import cv2
import numpy as np
import pytest

from app.reels import reel_plan
from app.clips import clips
from app.reels import export, reels
from app.films import importing
from media import timecode
from media.export.segments import Layout
from media.reading.probe import probe
from tests.conformance_films import RATE, FilmSpec, make_film
from tests.media_factory import read_index

W, H = 1280, 720
CARD = np.array([24, 28, 34])

R60 = FilmSpec("r60", ".mp4", F(60))
RATES_REEL = [  # (spec, in seconds, out seconds)
    (FilmSpec("r23976", ".mp4", F(24000, 1001)), 0.71, 1.62),
    (FilmSpec("r24", ".mkv", F(24)), 0.72, 1.5),
    (FilmSpec("r25", ".webm", F(25)), 0.61, 1.4),
    (FilmSpec("r2997", ".mov", F(30000, 1001)), 0.75, 1.6),
    (FilmSpec("r30", ".ts", F(30)), 0.8, 1.7),
    (FilmSpec("r50", ".mp4", F(50)), 0.77, 1.5),
    (FilmSpec("r5994", ".mkv", F(60000, 1001)), 0.7, 1.45),
    (R60, 1.5083, 2.3),  # inside frame 90: the reel starts on 90
    (R60, 0.4, 1.2),
    (R60, 2.05, 2.6),
    (FilmSpec("vfr", ".mp4", vfr=True), 0.62, 1.5),
]
SOURCES_REEL = [
    (FilmSpec("ps", ".mpg", F(25), seconds=5, gop=15), 2.33, 3.3),
    (FilmSpec("m1", ".m1v.mpg", F(25), seconds=5, gop=15), 2.77, 3.6),
    (FilmSpec("avi", ".avi", F(25)), 0.7, 1.5),
    (FilmSpec("pal", ".mpg", F(25), size=(720, 576), sar=F(64, 45), seconds=2), 0.7, 1.4),
    (FilmSpec("rot90", rotation=90), 0.7, 1.3),
    (FilmSpec("rot180", rotation=180), 0.7, 1.3),
    (FilmSpec("rot270", rotation=270), 0.7, 1.3),
    (FilmSpec("mirror90", rotation=90, mirror=True), 0.7, 1.3),
    (FilmSpec("late", audio_delay=0.5), 0.2, 1.3),
    (FilmSpec("sound", ".m4a", video=False), 0.7, 1.4),
    (FilmSpec("silent", audio=False), 0.7, 1.3),
]
VFR = RATES_REEL[-1][0]
OFFGRID_REEL = [
    (FilmSpec("webm30", ".webm", F(30), seconds=5), 3.05, 4.05),  # the repro: frames 91-120
    (FilmSpec("mkv30", ".mkv", F(30)), 1.05, 2.05),
    (FilmSpec("tslate", ".ts", F(30)), 0.0, 1.0),  # the AAC's delay puts the first picture at 21 ms
    (FilmSpec("mp4late", ".mp4", F(30), video_delay_frames=3), 0.0, 1.0),  # sound 0.1 s before the picture
    (FilmSpec("ps30", ".mpg", F(30), seconds=4, gop=15), 1.1, 2.0),
    (FilmSpec("m1at0", ".m1v.mpg", F(30), seconds=3, gop=15), 0.0, 0.8),
    (VFR, 0.3, 1.1),
]
MIXED_REEL = [  # a 25 fps reel: every clip's first reel frame is its in point's frame
    (FilmSpec("m25", ".mp4", F(25)), 0.5, 1.3),
    (RATES_REEL[3][0], 0.9, 1.7),  # 29.97 MOV
    (RATES_REEL[0][0], 0.9, 1.8),  # 23.976 MP4
    (RATES_REEL[6][0], 0.72, 1.5),  # 59.94 MKV
    (FilmSpec("m5994", ".mp4", F(60000, 1001)), 0.71, 1.4),  # 59.94 MP4
    # An AVI ticks once a frame: frame 34 starts at 1.4180833 s, 1,418,084 µs rounded up; the
    # reel began on frame 35 (the offset cut toward zero put both frames on the reel's 0).
    (FilmSpec("avi23976", ".avi", F(24000, 1001)), 1.42, 2.2),
]


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    from app.library import Library

    folder = tmp_path_factory.mktemp("conformance")
    with Library.open(folder / "lib") as lib:
        made = {}
        for spec, start, end in RATES_REEL + SOURCES_REEL + OFFGRID_REEL + MIXED_REEL:
            if spec.name not in made:
                path = make_film(folder, spec)
                film_id = importing.import_file(lib, path, link=True).film_id
                made[spec.name] = (film_id, _shown_times(path, spec))
        yield lib, folder, made


def _shown_times(path, spec) -> list[float]:
    """Film time at which each bar-code index is shown, as the player (PyAV) decodes it: the
    container's own timestamps, not the grid we meant to write (MKV keeps milliseconds)."""
    if not spec.video:
        return []
    start = probe(path).start_us / 1e6
    shown = {}
    with av.open(str(path)) as c:
        for frame in c.decode(video=0):
            img = spec_upright(frame, spec)
            shown.setdefault(read_index(img), float(frame.pts * frame.time_base) - start)
    assert sorted(shown) == list(range(len(spec.times))), f"{spec.name}: frames lost in the source itself"
    return [shown[i] for i in range(len(spec.times))]


def spec_upright(frame, spec):
    from media.reading.orientation import Orientation

    return Orientation.of_frame(frame).upright(frame.to_ndarray(format="rgb24"))


def _make_reel(lib, made, cases, title, **settings):
    ids = []
    for n, (spec, start, end) in enumerate(cases):
        film_id, _ = made[spec.name]
        ids.append(clips.add(lib, film_id, round(start * 1e6), round(end * 1e6), title=f"{spec.name} {n}"))
    reel_id = reels.create(lib, title, [str(i) for i in ids])
    if settings:
        reels.update(lib, reel_id, **settings)
    return reel_id, ids


def _expected_rect(spec: FilmSpec) -> tuple[int, int, int, int]:
    dw, dh = spec.size
    if spec.sar:
        dw = round(dw * spec.sar)
    scale = min(W / dw, H / dh)
    w, h = round(dw * scale), round(dh * scale)
    return (W - w) // 2, (H - h) // 2, w, h


def _read(img: np.ndarray, spec: FilmSpec) -> tuple[int, int]:
    """(bar code index, the green level of its lower half) of a reel frame showing ``spec``."""
    x, y, w, h = _expected_rect(spec)
    crop = cv2.resize(img[y:y + h, x:x + w], spec.size, interpolation=cv2.INTER_AREA)  # the picture as drawn
    green = int(np.median(crop[int(crop.shape[0] * 0.55):int(crop.shape[0] * 0.7), 20:-20, 1]))
    return read_index(crop), green


def _decode(path):
    """Frames reduced as they decode (a 720p reel would not fit in memory as pictures)."""
    pictures = []
    with av.open(str(path)) as c:
        for frame in c.decode(video=0):
            pictures.append(frame.to_ndarray(format="rgb24"))
            if len(pictures) % 64 == 0:
                yield from pictures
                pictures = []
    yield from pictures


def _audio(path) -> np.ndarray:
    with av.open(str(path)) as c:
        parts = [f.to_ndarray().reshape(-1) if f.format.is_planar is False else f.to_ndarray()[0]
                 for f in c.decode(audio=0)]
    return np.concatenate(parts)


def _beeps(mono: np.ndarray) -> list[float]:
    """Onsets (s) of the 1760 Hz beeps, from band energies over 5 ms windows."""
    n = np.arange(len(mono))
    window = 240
    energy = {}
    for f in (440, 1760):
        z = mono * np.exp(-2j * np.pi * f * n / RATE)
        c = np.concatenate([[0], np.cumsum(z)])
        energy[f] = np.abs(c[window:] - c[:-window]) ** 2
    loud = (energy[1760] > 4 * energy[440]) & (energy[1760] > (0.05 * window) ** 2)
    edges = np.flatnonzero(loud[1:] & ~loud[:-1]) + 1
    return [(e + window / 2) / RATE - 0.0025 for e in edges]


def _check_reel(lib, folder, made, reel_id, cases, expect_fps, cards):
    out = export.export_reel(lib, reel_id, folder / f"reel{reel_id}.mp4")
    with lib.read() as s:
        plan = reel_plan.build(lib, s, reel_id)
    assert plan.settings.fps == expect_fps
    layout, segments, t = Layout(plan.settings.fps), [], 0
    for kind, item, duration in plan.segments():
        frames, _ = layout.next(duration, item, kind)
        segments.append((kind, item, t, frames))
        t += frames
    total = t
    specs = {spec.name: spec for spec, _s, _e in cases if spec.times or not spec.video}
    frames = _decode(out)
    rows = []
    for kind, item, first, count in segments:
        pictures = [next(frames) for _ in range(count)]
        if kind != "clip":
            for img in pictures:  # the card, every frame of it: never green, never black
                assert np.abs(img[5:60, 5:60].reshape(-1, 3).mean(axis=0) - CARD).max() < 12, kind
            continue
        spec = specs[item.clip_title.split()[0]]
        _, times = made[spec.name]
        if not spec.video:
            assert max(int(img.max()) for img in pictures) < 30  # black under the sound
            rows.append((spec, item, first, count, []))
            continue
        read = [_read(img, spec) for img in pictures]
        got = [i for i, _g in read]
        in_s = item.start_us / 1e6
        shown = max(i for i, ti in enumerate(times) if ti <= in_s + 1e-6)
        assert got[0] == shown, f"{spec.name}: first frame {got[0]}, the player shows {shown}"
        for k, (index, green) in enumerate(read):
            due = max(i for i, ti in enumerate(times) if ti <= in_s + k / float(plan.settings.fps) + 1e-6)
            assert abs(index - due) <= 1, f"{spec.name}: reel frame {k} shows {index}, due {due}"
            assert abs(green - (index * 7) % 256) <= 16, f"{spec.name}: frame {k} is not source frame {index}"
        assert got == sorted(got)
        if item.frame_for_frame(plan.settings.fps):  # its own frames one for one, as its EDL says
            assert got == list(range(shown, shown + count)), f"{spec.name}: reel shows {got}"
        rows.append((spec, item, first, count, times))
    with pytest.raises(StopIteration):
        next(frames)  # exactly the reel's length
    fps = float(plan.settings.fps)
    sound = _audio(out)
    assert abs(len(sound) / RATE - total / fps) <= 1 / fps + 0.03  # AAC's last block may pad a little
    onsets = _beeps(sound)
    for spec, item, first, count, times in rows:
        begin, end = first / fps, (first + count) / fps
        if not spec.audio:
            assert np.abs(sound[int((begin + 0.05) * RATE):int((end - 0.05) * RATE)]).max() < 1e-3
            continue
        in_s = item.start_us / 1e6
        whole = [s for s in range(0, 10) if in_s < s < item.end_us / 1e6 - 0.05 and s >= spec.audio_delay]
        # Where the beep is in the film: at its whole second, moved as the muxer moved the
        # picture (an MPEG-TS shifts both by the AAC encoder's delay).
        shift = times[0] - spec.times[0] if spec.video else 0.0
        for second in whole:
            due = begin + (second + shift - in_s)
            near = [o for o in onsets if abs(o - due) < 0.2]
            assert near, f"{spec.name}: no beep near {due:.3f} s"
            assert abs(near[0] - due) <= 1 / fps, f"{spec.name}: beep {1000 * (near[0] - due):+.1f} ms off"
    _check_interchange(lib, folder, made, reel_id, plan, specs, segments)
    return total


def own_frames(times: list[float], start_us: int, end_us: int) -> tuple[int, int]:
    """A clip's frames by the film's truth (the times its decoded bar codes are shown): the
    frame on screen at its in point and every frame that starts before its out point."""
    start, end = start_us / 1e6, end_us / 1e6
    first = max(i for i, t in enumerate(times) if t <= start + 1e-6)
    last = max(i for i, t in enumerate(times) if t < end - 1e-6)
    return first, last - first + 1


def read_back(lib, folder, reel_id, fps):
    """The reel exported as OTIO and EDL and read by OpenTimelineIO's own readers (the EDL by
    ``cmx_3600`` at the reel's rate: an event whose source and record lengths differ is an
    EDLParseError): the picture clips of each, by title."""
    import opentimelineio as otio

    otio_path = export.export_reel(lib, reel_id, folder / f"reel{reel_id}.otio")
    edl_path = export.export_reel(lib, reel_id, folder / f"reel{reel_id}.edl")
    timeline = otio.adapters.read_from_file(str(otio_path))
    edl = otio.adapters.read_from_file(str(edl_path), adapter_name="cmx_3600", rate=float(fps))
    tracks = list(edl.tracks)
    return ({c.name: c for c in timeline.tracks[0].find_clips()},
            {c.name: c for t in tracks if t.kind == otio.schema.TrackKind.Video for c in t.find_clips()})


def source_frames(clip) -> tuple[int, int]:
    return round(clip.source_range.start_time.value), round(clip.source_range.duration.value)


def _check_interchange(lib, folder, made, reel_id, plan, specs, segments):
    """The reel as OTIO and EDL, read back by OpenTimelineIO's own readers: every clip is its
    own frames (OTIO at its film's rate, with the film's true frame count as available range;
    the EDL, at the reel's one rate, exactly where the reel shows the clip frame for frame and
    in its ``SOURCE FRAMES`` comment always), and the EDL's record side is the MP4's."""
    import opentimelineio as otio

    fps = plan.settings.fps
    otio_path = export.export_reel(lib, reel_id, folder / f"reel{reel_id}.otio")
    edl_path = export.export_reel(lib, reel_id, folder / f"reel{reel_id}.edl")
    timeline = otio.adapters.read_from_file(str(otio_path))
    edl = otio.adapters.read_from_file(str(edl_path), adapter_name="cmx_3600", rate=float(fps))  # no EDLParseError
    picture = {c.name: c for c in timeline.tracks[0].find_clips()}
    edl_tracks = list(edl.tracks)
    edl_picture = {c.name: c for t in edl_tracks if t.kind == otio.schema.TrackKind.Video for c in t.find_clips()}
    edl_any = {c.name: c for t in edl_tracks for c in t.find_clips()}
    checked = 0
    for kind, item, first_frame, count in segments:
        if kind != "clip":
            continue
        spec = specs[item.clip_title.split()[0]]
        name = item.clip_title
        event = edl_any[name]
        record = event.range_in_parent()
        assert round(record.duration.value) == count, f"{name}: EDL record {record.duration.value}, MP4 {count}"
        if not spec.video:
            continue
        _, times = made[spec.name]
        want = own_frames(times, item.start_us, item.end_us)
        clip = picture[name]
        got = (round(clip.source_range.start_time.value), round(clip.source_range.duration.value))
        assert got == want, f"{name}: OTIO source {got}, its own frames {want}"
        assert clip.source_range.start_time.rate == pytest.approx(float(item.fps))
        assert round(clip.media_reference.available_range.duration.value) == len(times), f"{name}: available range"
        comments = event.metadata.get("cmx_3600", {}).get("comments", [])
        assert f"SOURCE FRAMES: {want[0]} +{want[1]} AT {timecode.fps_str(item.fps)}" in comments, comments
        edl_clip = edl_picture[name]
        edl_source = (round(edl_clip.source_range.start_time.value), round(edl_clip.source_range.duration.value))
        if item.frame_for_frame(fps):
            assert edl_source == want, f"{name}: EDL source {edl_source}, its own frames {want}"
        else:  # another rate: its in point's time at the reel's rate, as long as the MP4 shows it
            assert abs(edl_source[0] / float(fps) - times[want[0]]) <= 0.5 / float(fps) + 1e-6, name
            assert edl_source[1] == count
        checked += 1
    assert checked


def test_rates_reel_with_cards_and_captions(library):
    lib, folder, made = library
    reel_id, ids = _make_reel(lib, made, RATES_REEL, "Rates")
    with lib.read() as s:
        from app.models import Clip

        assert s.get(Clip, ids[7]).start_us == timecode.frame_start_us(90, F(60))  # snapped to the frame on screen
    reels.update(lib, reel_id, credits="Thanks")
    _check_reel(lib, folder, made, reel_id, RATES_REEL, F(60), cards=True)


def test_sources_reel_without_cards_or_captions(library):
    lib, folder, made = library
    reel_id, _ = _make_reel(lib, made, SOURCES_REEL, "Sources", cards=False, captions=False)
    _check_reel(lib, folder, made, reel_id, SOURCES_REEL, F(25), cards=False)


def test_off_grid_films_reel_and_interchange_name_each_clips_own_frames(library):
    """Frame times off the nominal grid (WebM/MKV milliseconds, a picture starting after the
    sound, MPEG program streams, a phone's variable rate): the MP4 starts every clip on its
    in point's frame, and the OTIO and EDL say exactly those frames (issue 24, 1 and 3)."""
    lib, folder, made = library
    reel_id, ids = _make_reel(lib, made, OFFGRID_REEL, "Off the grid", cards=False, captions=False)
    from app.models import Clip

    with lib.read() as s:
        webm, tslate, mp4late, m1 = (s.get(Clip, ids[n]) for n in (0, 2, 3, 5))
        assert (webm.start_us, webm.end_us) == (3_033_000, 4_033_000)  # frames 91-120 of the WebM
        for clip, spec in ((tslate, OFFGRID_REEL[2][0]), (mp4late, OFFGRID_REEL[3][0]), (m1, OFFGRID_REEL[5][0])):
            # A clip from 0 starts at the film's first frame (where its first picture is).
            first = made[spec.name][1][0]
            assert abs(clip.start_us - first * 1e6) <= 1, (spec.name, clip.start_us, first)
    _check_reel(lib, folder, made, reel_id, OFFGRID_REEL, F(30), cards=False)


def test_mixed_rates_reel_starts_every_clip_on_its_in_point(library):
    """A 25 fps reel of 25, 29.97, 23.976 and 59.94 clips: the 59.94 clip's first reel frame
    used to be the frame after its in point (issue 24, 4)."""
    lib, folder, made = library
    reel_id, _ = _make_reel(lib, made, MIXED_REEL, "Mixed rates", cards=False, captions=False, fps="25")
    _check_reel(lib, folder, made, reel_id, MIXED_REEL, F(25), cards=False)
