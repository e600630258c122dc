"""Exported reels checked by decoding them: exact cuts, sync, orientation, silence, and the
interchange formats read back by their own libraries."""

import json
import os
import signal
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import opentimelineio as otio
import pytest
import srt
import webvtt

from media import timecode
from media.errors import BadInput, ConsentRefused, StorageError
from media.jobs import Cancelled, CancelToken
from app.clips import clips
from app.reels import export, reels
from app.films import importing
from app.people import people
from tests.conftest import sample
from tests.media_factory import make_counting_film, read_index
from tests.snapshot import db_state

FPS = Fraction(25)


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sources")
    with_sound = make_counting_film(folder / "a.mp4", seconds=6, fps=FPS, gop=50, preset="veryfast")
    silent = make_counting_film(folder / "b.mp4", seconds=4, fps=FPS, gop=25, audio=False, size=(240, 320))
    return with_sound, silent


@pytest.fixture
def reel(lib, sources):
    a = importing.import_file(lib, sources[0], event="W").film_id
    b = importing.import_file(lib, sources[1], event="W").film_id
    f = timecode.frame_start_us
    c1 = clips.add(lib, a, f(13, FPS), f(37, FPS), title="First", tags=["challenge:Waiting and delay"])
    c2 = clips.add(lib, b, f(7, FPS), f(31, FPS), title="Silent one")
    c3 = clips.add(lib, a, f(81, FPS), f(118, FPS), title="Third", tags=["opportunity:Peer support"])
    reel_id = reels.create(lib, "Board", [c1, c2, c3], audience="team")
    return lib, reel_id, [(13, 37), (7, 31), (81, 118)]


def source_picture(img: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """The letterboxed/pillarboxed picture, scaled back to its source size."""
    import cv2

    rows = np.where(img.max(axis=(1, 2)) > 20)[0]
    cols = np.where(img.max(axis=(0, 2)) > 20)[0]
    crop = img[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    return cv2.resize(crop, size, interpolation=cv2.INTER_AREA)


@pytest.fixture
def out_dir(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


def decode(path: Path):
    with av.open(str(path)) as c:
        v = c.streams.video[0]
        frames = [(f.time, f.to_ndarray(format="rgb24")) for f in c.decode(v)]
    with av.open(str(path)) as c:
        a = c.streams.audio[0]
        chunks = [(f.time, f.to_ndarray()) for f in c.decode(a)]
    return frames, chunks


def test_mp4_is_frame_exact_in_sync_and_silent_where_the_film_was(reel, tmp_path):
    lib, reel_id, ranges = reel
    out = export.export_reel(lib, reel_id, tmp_path / "board.mp4", cards=False, captions=False)
    frames, chunks = decode(out)
    assert len(frames) == sum(b - a for a, b in ranges)  # 25 fps sources, 25 fps reel
    cursor = 0
    for (start, end), size in zip(ranges, [(320, 240), (240, 320), (320, 240)]):
        got = [read_index(source_picture(img, size)) for _t, img in frames[cursor:cursor + end - start]]
        assert got == list(range(start, end))
        cursor += end - start
    video_s = len(frames) / 25
    audio_s = sum(a.shape[1] for _t, a in chunks) / 48000
    assert abs(audio_s - video_s) <= 1 / 25
    silent_from, silent_to = (37 - 13) / 25, (37 - 13 + 31 - 7) / 25
    quiet = np.concatenate([a for t, a in chunks if silent_from + 0.05 < t < silent_to - 0.1], axis=1)
    loud = np.concatenate([a for t, a in chunks if 0.1 < t < silent_from - 0.1], axis=1)
    assert np.abs(quiet).max() < 1e-3 < np.abs(loud).max()
    manifest = json.loads(export.manifest_path(out).read_text())
    assert [i["clip"] for i in manifest["items"]] == ["First", "Silent one", "Third"]


def test_the_manifest_names_roles_and_consent_never_people(reel, tmp_path):
    """With people in the reel: the manifest lists each one's role and consent, and no name."""
    from app.people import people

    lib, reel_id, _ = reel
    people.add(lib, "Zelda Quistgaard", "lived_experience", "public")
    people.add(lib, "Yusuf Okonkwo-Brandt", "actor", "public")
    (first_film, second_film) = sorted({c.film_id for c in reads_clips(lib)})
    people.appears(lib, "Zelda Quistgaard", [first_film])
    people.appears(lib, "Yusuf Okonkwo-Brandt", [first_film, second_film])
    out = export.export_reel(lib, reel_id, tmp_path / "named.mp4", cards=False, captions=False)
    manifest_text = export.manifest_path(out).read_text()
    manifest = json.loads(manifest_text)
    roles = sorted(p["role"] for p in manifest["items"][0]["people"])
    assert roles == ["actor", "lived_experience"]
    assert all(p["consent"] == "public" for p in manifest["items"][0]["people"])
    assert "Zelda" not in manifest_text and "Quistgaard" not in manifest_text
    assert "Yusuf" not in manifest_text and "Okonkwo" not in manifest_text


def reads_clips(lib):
    from app import reads

    return reads.clips(lib, reads.clip_ids(lib))


def test_cards_and_captions_add_their_length(reel, tmp_path):
    lib, reel_id, ranges = reel
    out = export.export_reel(lib, reel_id, tmp_path / "cards.mp4")
    with av.open(str(out)) as c:
        v, a = c.streams.video[0], c.streams.audio[0]
        video_s = float(v.duration * v.time_base)
        audio_s = float(a.duration * a.time_base)
    expected = 3 + sum(b - a for a, b in ranges) / 25
    assert abs(video_s - expected) <= 1 / 25
    assert abs(audio_s - video_s) <= 1 / 25


def test_rotated_phone_footage_comes_out_upright(lib, tmp_path):
    film = importing.import_file(lib, sample("phone-android12-2160p60-h264-aac-rot90.mp4")).film_id
    clip = clips.add(lib, film, 0, 250_000, title="Phone")
    reel_id = reels.create(lib, "Phone", [clip])
    out = export.export_reel(lib, reel_id, tmp_path / "phone.mp4", cards=False, captions=False)
    frames, _ = decode(out)
    img = frames[len(frames) // 2][1]
    lit = np.where(img.max(axis=(0, 2)) > 20)[0]  # columns with picture (pillarboxed)
    assert img.shape[:2] == (720, 1280)
    assert lit.max() - lit.min() < 720 * 0.6  # a portrait picture, not a sideways one


def test_interchange_formats_read_back(reel, tmp_path):
    lib, reel_id, ranges = reel
    tl = otio.adapters.read_from_file(str(export.export_reel(lib, reel_id, tmp_path / "r.otio")))
    got = [(c.source_range.start_time.to_frames(), c.source_range.duration.to_frames()) for c in tl.tracks[0].find_clips()]
    assert got == [(a, b - a) for a, b in ranges]
    edl = otio.adapters.read_from_file(str(export.export_reel(lib, reel_id, tmp_path / "r.edl")),
                                       adapter_name="cmx_3600", rate=25)
    assert [(c.source_range.start_time.to_frames(), c.source_range.duration.to_frames())
            for c in edl.video_tracks()[0].find_clips()
            if not isinstance(c.media_reference, otio.schema.GeneratorReference)] == [(a, b - a) for a, b in ranges]
    subs = list(srt.parse(export.export_reel(lib, reel_id, tmp_path / "r.srt").read_text()))
    assert [s.content for s in subs] == ["First — Waiting and delay", "Silent one", "Third — Peer support"]
    assert subs[0].start.total_seconds() == 3.0  # after the opening card
    vtt = webvtt.read(str(export.export_reel(lib, reel_id, tmp_path / "r.vtt")))
    assert [c.text for c in vtt] == [s.content for s in subs]
    rows = (tmp_path / "r.csv")
    export.export_reel(lib, reel_id, rows)
    assert rows.read_text().count("\n") == 4


def test_policy_refusal_writes_nothing(reel, out_dir):
    """The one consent policy refuses the second clip: every format writes nothing, and says
    which clip by its place in the reel and its title."""
    lib, reel_id, _ = reel
    people.add(lib, "Ray Nobody", "actor", "none")
    people.appears(lib, "Ray Nobody", ["b"])  # the silent film: the second clip only
    for name in ("x.mp4", "x.otio", "x.edl", "x.srt", "x.vtt", "x.csv"):
        with pytest.raises(BadInput) as err:
            export.export_reel(lib, reel_id, out_dir / name)
        assert "clip 2 of 3 'Silent one'" in str(err.value) and "Ray Nobody (consent: none)" in str(err.value)
    assert list(out_dir.iterdir()) == []


def test_consent_beyond_the_audience_is_refused_with_names(reel, tmp_path):
    lib, reel_id, _ = reel
    people.add(lib, "Sam", "lived_experience", "team")
    people.appears(lib, "Sam", ["a"])
    with lib.op("public") as s:
        from app.models import Reel

        s.get(Reel, reel_id).audience = "public"
    with pytest.raises(ConsentRefused) as err:
        export.export_reel(lib, reel_id, tmp_path / "public.mp4")
    assert "Sam (consent: team)" in str(err.value) and "'First'" in str(err.value)
    assert not (tmp_path / "public.mp4").exists()


def test_cancel_leaves_no_file_and_the_library_intact(reel, out_dir):
    lib, reel_id, _ = reel
    before = db_state(lib)
    token = CancelToken()

    def progress(fraction, message=""):
        if fraction > 0.05:
            token.cancel()

    with pytest.raises(Cancelled):
        export.export_reel(lib, reel_id, out_dir / "c.mp4", progress=progress, cancel=token)
    assert list(out_dir.iterdir()) == []
    assert db_state(lib) == before


def test_kill_9_mid_export_leaves_no_file_at_the_target(reel, out_dir):
    lib, reel_id, _ = reel
    before = db_state(lib)
    target = out_dir / "killed.mp4"
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "reel", "export", str(reel_id), str(target), "--height", "1080",
         "--library", str(lib.root)],
        start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not any(p.name.startswith(".protoreel-partial-") for p in out_dir.iterdir()):
        assert time.monotonic() < deadline and proc.poll() is None, "the export never started writing"
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)  # the app and its ffmpeg, as a power cut would
    proc.wait()
    assert not target.exists()
    assert db_state(lib) == before
    export.export_reel(lib, reel_id, out_dir / "next.csv")  # the next export clears the debris
    assert [p.name for p in out_dir.iterdir()] == ["next.csv"]


def test_bad_targets_are_named(reel, tmp_path):
    lib, reel_id, _ = reel
    with pytest.raises(BadInput, match="cannot export to .mov"):
        export.export_reel(lib, reel_id, tmp_path / "x.mov")
    with pytest.raises(StorageError, match="does not exist"):
        export.export_reel(lib, reel_id, tmp_path / "no" / "such" / "x.mp4")
