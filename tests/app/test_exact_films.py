"""Exact facts and in points on the films issue 24 found wrong: a one-frame film's rate, lengths
without encoder priming, an MPEG-1 film's first frame as an in point, a damaged MPEG-TS, and
clips worked out before the library's write lock is taken."""

from __future__ import annotations

import random
import subprocess
from fractions import Fraction
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest

from app.clips import clips
from app.films import frame_indexes, importing
from app.models import Clip, Film
from app.reels import export, reels
from media.reading.probe import probe
from tests.conftest import sample
from tests.conformance_films import FilmSpec, make_film

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()


def _ffmpeg(*args: str) -> None:
    subprocess.run([FFMPEG, "-v", "error", "-y", *args], check=True)


def _lavfi(seconds: float, rate: int = 30) -> list[str]:
    return ["-f", "lavfi", "-i", f"testsrc2=s=160x120:r={rate}:d={seconds}",
            "-f", "lavfi", "-i", f"sine=f=440:beep_factor=4:sample_rate=48000:d={seconds}"]


def test_a_one_frame_film_has_the_rate_its_header_declares(tmp_path):
    path = tmp_path / "one.mp4"
    _ffmpeg("-f", "lavfi", "-i", "testsrc2=s=160x120:r=30", "-frames:v", "1", "-c:v", "libx264", str(path))
    info = probe(path)
    assert (info.frame_count, info.fps) == (1, Fraction(30))  # was None


def test_lengths_leave_out_the_sound_encoders_priming(tmp_path):
    """An MKV's AAC tracks start 21-23 ms before zero and a WebM's Opus 7 ms: never heard, not
    part of the film (picture and sound end at 2.000 s)."""
    mkv, webm = tmp_path / "two-tracks.mkv", tmp_path / "opus.webm"
    _ffmpeg(*_lavfi(2), "-map", "0", "-map", "1", "-map", "1", "-c:v", "libx264", "-preset", "ultrafast",
            "-c:a", "aac", str(mkv))
    _ffmpeg(*_lavfi(2), "-c:v", "libvpx", "-deadline", "realtime", "-c:a", "libopus", str(webm))
    assert probe(mkv).duration_us == 2_000_000  # was 2.023 s
    assert 2_000_000 <= probe(webm).duration_us <= 2_001_000  # was 2.008 s (the last Opus packet: 1 ms ticks)


DEBIAN_FFMPEG, DEBIAN_FFPROBE = Path("/usr/bin/ffmpeg"), Path("/usr/bin/ffprobe")


def _frame_spans(path: Path) -> dict[str, list[tuple[Fraction, Fraction]]]:
    """(start, end) of every decoded picture and sound frame, as ffprobe -show_frames reads
    them (its own decoders: a WebM's Opus priming and padding trimmed, as the file says)."""
    import json

    out = json.loads(subprocess.run([str(DEBIAN_FFPROBE), "-v", "error", "-show_frames", "-show_streams", "-of", "json",
                                     str(path)], capture_output=True, text=True, check=True).stdout)
    rates = {s["index"]: int(s.get("sample_rate") or 0) for s in out["streams"]}
    spans: dict[str, list] = {"video": [], "audio": []}
    for f in out["frames"]:
        start = Fraction(f["pts_time"])
        if f["media_type"] == "audio":
            length = Fraction(int(f["nb_samples"]), rates[f["stream_index"]])
        else:
            length = Fraction(f.get("duration_time") or f["pkt_duration_time"])
        spans[f["media_type"]].append((start, start + length))
    return spans


@pytest.mark.skipif(not (DEBIAN_FFMPEG.exists() and DEBIAN_FFPROBE.exists()),
                    reason="needs Debian's ffmpeg and ffprobe in /usr/bin (FFmpeg 5.1 muxes differently)")
@pytest.mark.parametrize("kind", ["mkv", "webm"])
def test_lengths_of_films_muxed_by_another_ffmpeg_leave_out_the_sound_encoders_padding(tmp_path, kind):
    """FFmpeg 5.1 (Debian's) muxes 6 s of picture and sound differently from the app's own:
    an MKV with two AAC tracks puts the priming at zero (picture from 0.021 s) and does not say
    where the last frame's padding is (its sound ends 16 ms after the picture: was 6.037 s); a
    WebM's last Opus packet says 648 of its samples are padding (was 6.014 s). The length is the
    end of the last picture or sound really presented, as ffprobe's own decoders give them, and
    the one-pass facts of an import are the full probe's. The MKV's zero is its first picture
    (was the priming's start: 6.021 s long), 21 ms into the player's clock."""
    path = tmp_path / f"six.{kind}"
    codecs = (["-map", "0", "-map", "1", "-map", "1", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac"]
              if kind == "mkv" else ["-c:v", "libvpx", "-deadline", "realtime", "-c:a", "libopus"])
    subprocess.run([str(DEBIAN_FFMPEG), "-v", "error", "-y", *_lavfi(6), *codecs, str(path)], check=True)
    spans = _frame_spans(path)
    picture_start, picture_end = spans["video"][0][0], spans["video"][-1][1]
    sound_end = max(end for _, end in spans["audio"])
    container_start = min(start for kind_spans in spans.values() for start, _ in kind_spans)
    if kind == "mkv":
        # ffprobe decodes the AAC's priming and padding too: each less than one frame (1,024
        # samples) before the first picture and after the last.
        assert container_start < picture_start <= container_start + Fraction(1024, 48000)
        assert picture_end < sound_end < picture_end + Fraction(1024, 48000)
        zero, expected = picture_start, picture_end - picture_start  # 6.000 s
    else:
        zero, expected = container_start, max(picture_end, sound_end) - container_start
    info = probe(path)
    assert info.start_us == round(zero * 1_000_000)  # the MKV's was 0
    assert info.play_offset_us == round((zero - container_start) * 1_000_000)  # 21,000 µs for the MKV
    assert abs(info.duration_us - expected * 1_000_000) <= 1, (info.duration_us, float(expected))
    folder = tmp_path / "cache"
    folder.mkdir()
    from media.analysis.one_pass import analyse
    from media.reading.probe import probe_quick

    quick = probe_quick(path)  # what a film being imported is marked on: the same zero as the finished film's
    assert (quick.start_us, quick.play_offset_us) == (info.start_us, info.play_offset_us)
    assert analyse(quick, folder) == info


@pytest.mark.parametrize("kept", [True, False])
def test_the_first_frame_of_a_grid_mpeg1_film_is_an_in_point(lib, kept):
    """GRID's MPEG-1 program stream: the first packet read after a seek to 0 has pts 3600, so
    reading near the in point took frame 1 (40,000 µs) for 0; the film's frame index has it,
    and a film without a kept index (imported before) is read from its start there."""
    film_id = importing.import_file(lib, sample("people-talking-grid-woman-360x288p25-mpeg1-mp2.mpg"),
                                    link=True).film_id
    if not kept:
        with lib.read() as s:
            (lib.cache_dir(s.get(Film, film_id).sha256) / frame_indexes.INDEX_FILE).unlink()
        frame_indexes._memo.clear()
    clip_id = clips.add(lib, film_id, 0, 1_000_000)
    with lib.read() as s:
        assert (s.get(Clip, clip_id).start_us, s.get(Clip, clip_id).end_us) == (0, 1_000_000)


def test_clips_are_worked_out_before_the_write_lock_is_taken(lib, tmp_path, monkeypatch):
    """Reading a film (its frame index; a long film's packets the first time) never happens
    inside the write transaction: a GUI's clip on a 3-hour film held the lock 0.2 s."""
    path = make_film(tmp_path, FilmSpec("plain", ".mp4", Fraction(25)))
    film_id = importing.import_file(lib, path, link=True).film_id
    real = frame_indexes.frame_index
    opened = []  # changes begun so far
    original_op = type(lib).op

    def op(self, *args, **kwargs):
        opened.append(True)
        return original_op(self, *args, **kwargs)

    monkeypatch.setattr(type(lib), "op", op)
    calls = []  # how many changes had begun each time the film was read
    monkeypatch.setattr(frame_indexes, "frame_index", lambda *a, **k: (calls.append(len(opened)), real(*a, **k))[1])
    clip_id = clips.add(lib, film_id, 1_010_000, 2_000_000)
    clips.set_range(lib, clip_id, 1_050_000, 2_100_000)
    clips.edit(lib, clip_id, start_us=500_000, title="moved")
    assert calls == [0, 1, 2]  # each read before that change's transaction began (none was open yet)
    with lib.read() as s:
        clip = s.get(Clip, clip_id)
        assert (clip.start_us, clip.end_us) == (480_000, 2_080_000)  # frames 12-51 at 25 fps


def _damage_sound(ts: Path, out: Path, where: str) -> Path:
    """Scramble the sound's transport packets: its last 40 (``tail``: the sound's end does not
    decode) or drop a tenth of them in the middle (``hole``)."""
    data = ts.read_bytes()
    packets = [bytearray(data[i:i + 188]) for i in range(0, len(data), 188)]
    pid = lambda p: ((p[1] & 0x1F) << 8) | p[2]  # noqa: E731
    import av

    with av.open(str(ts)) as container:
        sound = container.streams.audio[0].id  # its transport stream PID
    mine = [n for n, p in enumerate(packets) if pid(p) == sound]
    rng = random.Random(1)
    if where == "tail":
        for n in mine[-40:]:
            packets[n][8:] = bytes(rng.randrange(256) for _ in range(180))
        kept = packets
    else:
        gone = set(mine[len(mine) * 4 // 10:len(mine) * 5 // 10])
        kept = [p for n, p in enumerate(packets) if n not in gone]
    out.write_bytes(b"".join(bytes(p) for p in kept))
    return out


@pytest.mark.parametrize("where", ["tail", "hole"])
def test_a_damaged_transport_stream_is_imported_with_what_export_can_use_and_says_so(lib, tmp_path, where):
    """Its sound's last packets do not decode: the import says from where, and the film's sound
    ends there, so every export of it works (silence where the film has no sound, as for a
    film whose sound stops early). A hole inside is said, and played as silence in time."""
    from tests.media.test_conformance import _audio, _beeps, read_back, source_frames

    spec = FilmSpec("ts", ".ts", Fraction(25), seconds=4)
    path = _damage_sound(make_film(tmp_path, spec), tmp_path / f"damaged-{where}.ts", where)
    result = importing.import_file(lib, path, link=True)
    assert result.error is None
    assert any("sound is damaged" in w for w in result.warnings), result.warnings
    with lib.read() as s:
        film = s.get(Film, result.film_id)
        sound_end, duration = film.sound_end_us, film.duration_us
    if where == "tail":
        assert sound_end is not None and 3_000_000 < sound_end < duration
    else:
        assert sound_end is None and any("silence there" in w for w in result.warnings)
    title = f"over the damage {where}"
    clip_id = clips.add(lib, result.film_id, 500_000, duration - 100_000, title=title)
    reel_id = reels.create(lib, f"Damaged {where}", [str(clip_id)])
    reels.update(lib, reel_id, cards=False, captions=False)
    out = export.export_reel(lib, reel_id, tmp_path / f"reel-{where}.mp4")  # used to fail: "sound ended early"
    sound = _audio(out)
    onsets = _beeps(sound)
    for second in (1, 2):  # before the damage, the beeps are where the film has them (its zero: the first picture)
        due = second - 0.5
        assert any(abs(o - due) <= 1 / 25 for o in onsets), (second, onsets[:8])
    if where == "tail":
        assert np.abs(sound[int((sound_end / 1e6 - 0.5 + 0.05) * 48000):]).max() < 1e-3  # silence after it
    otio_clips, edl_clips = read_back(lib, tmp_path, reel_id, Fraction(25))  # its OTIO and EDL read back
    first = int(0.5 * 25)  # the frame on screen at 0.5 s (the picture used to start at the AAC's delay: 11)
    assert source_frames(otio_clips[title]) == source_frames(edl_clips[title])
    assert source_frames(otio_clips[title])[0] == first


def test_the_cli_says_what_is_damaged_at_import(tmp_path, cli):
    path = _damage_sound(make_film(tmp_path, FilmSpec("ts", ".ts", Fraction(25), seconds=4)),
                         tmp_path / "damaged.ts", "tail")
    code, _out, err = cli("import", str(path), "--link")
    assert code == 0
    assert "note: damaged.ts: its sound is damaged from" in err


def test_the_cli_says_how_an_interlaced_film_was_deinterlaced_and_why(tmp_path, cli):
    """A reel with more pictures a second than the film has frames gets a picture per field;
    at the film's rate, a picture per frame: the export says which and why (issue 24, 2)."""
    import json

    from tests.conformance_films import make_interlaced

    path = make_interlaced(tmp_path, "camcorder", "bff", ".mp4", seconds=2)
    code, out, _err = cli("import", str(path), "--link")
    assert code == 0 and "25 fps interlaced (bottom field first)" in out, out
    assert cli("clip", "add", "camcorder", "--start", "0.4", "--end", "1.2", "--title", "moving")[0] == 0
    assert cli("reel", "create", "Fields", "--clip", "moving")[0] == 0
    for rate, how, why in (("50", "per field", "has room for every moment filmed"),
                           ("25", "per frame", "shows no more pictures a second than the film has frames")):
        out = tmp_path / f"fields-{rate}.mp4"
        code, _out, err = cli("reel", "export", "Fields", str(out), "--rate", rate, "--no-cards", "--no-captions")
        assert code == 0, err
        assert (f"note: film 'camcorder' is interlaced (bottom field first): deinterlaced to a picture {how}"
                in err and why in err), err
        manifest = json.loads(out.with_name(out.stem + ".manifest.json").read_text())
        assert manifest["items"][0]["deinterlaced"] == how


def _sound_offset_s(sound: np.ndarray, reel_s: float, second: int, before: float = 0.03, search: float = 0.02,
                    rate: int = 48_000) -> float:
    """How far (s) the film's sound of its content second ``second`` (a 440 Hz tone, then the
    1760 Hz beep from the whole second: tests/conformance_films.py) is from reel time ``reel_s``,
    where the picture of that moment is: the shift, to the sample, at which the film's own tone
    around the beep's onset best matches the reel's sound."""
    from tests.conformance_films import beep_tone

    model = beep_tone(round((second - before) * rate), round(2 * before * rate), rate).astype(np.float64)
    scores = {}
    for shift in range(-round(search * rate), round(search * rate) + 1):
        at = round((reel_s - before) * rate) + shift
        part = sound[at:at + len(model)].astype(np.float64)
        scores[shift] = float(part @ model / (np.linalg.norm(part) * np.linalg.norm(model) + 1e-12))
    return max(scores, key=scores.get) / rate


@pytest.mark.skipif(not DEBIAN_FFMPEG.exists(), reason="needs Debian's ffmpeg in /usr/bin (FFmpeg 5.1)")
def test_an_mkv_muxed_by_ffmpeg_5_1_counts_from_its_first_picture_in_clips_exports_and_sound(lib, tmp_path):
    """Its AAC priming sits at the container's start and its first picture 21 ms later: the film
    counts from that picture (it was 4.021 s long and every time was 21 ms early: a clip typed
    from 1.05 s began on frame 30, content time 1.000). Clips are the frames the film shows at
    the times typed, the MP4 shows exactly those (read back by bar code) with the sound of each
    moment within 1 ms of its picture, and the OTIO and EDL name the same frames."""
    from tests.conformance_films import make_ffmpeg51_mkv
    from tests.media.test_conformance import _audio, read_back, source_frames
    from tests.media_factory import read_index

    path = make_ffmpeg51_mkv(tmp_path, seconds=4)
    film_id = importing.import_file(lib, path, link=True).film_id
    with lib.read() as s:
        film = s.get(Film, film_id)
        assert (film.duration_us, film.frame_count) == (4_000_000, 120)  # was 4,021,000
        assert (film.start_us, film.play_offset_us) == (21_000, 21_000)  # the first picture, on Qt's clock too
        index = frame_indexes.frame_index(lib, film)
    assert (index.start(0), index.start(31), index.end(119)) == (0, 1_033_000, 4_000_000)
    cases = [(0.0, 1.2, (0, 36)), (1.05, 2.05, (31, 30)), (2.9, 4.0, (87, 33))]  # (in, out, (first frame, count))
    ids = [clips.add(lib, film_id, round(a * 1e6), round(b * 1e6), title=f"part {n}")
           for n, (a, b, _) in enumerate(cases)]
    with lib.read() as s:
        stored = [(s.get(Clip, i).start_us, s.get(Clip, i).end_us) for i in ids]
    assert stored == [(0, 1_200_000), (1_033_000, 2_033_000), (2_900_000, 4_000_000)]  # was (21,000, 1,188,000), …
    reel_id = reels.create(lib, "From the first picture", [str(i) for i in ids])
    reels.update(lib, reel_id, cards=False, captions=False, fps="30")
    out = export.export_reel(lib, reel_id, tmp_path / "first-picture.mp4")
    import av
    import cv2

    shown = []
    with av.open(str(out)) as container:
        for frame in container.decode(video=0):
            img = frame.to_ndarray(format="rgb24")
            h, w, _ = img.shape
            scale = min(w / 256, h / 144)
            pw, ph = round(256 * scale), round(144 * scale)
            x, y = (w - pw) // 2, (h - ph) // 2
            shown.append(read_index(cv2.resize(img[y:y + ph, x:x + pw], (256, 144), interpolation=cv2.INTER_AREA)))
    want = [i for _a, _b, (first, count) in cases for i in range(first, first + count)]
    assert shown == want, shown  # the old zero gave 0-34, 30-59, 86-118
    sound = _audio(out)
    for second, at in ((1, 30), (2, 36 + 29), (3, 36 + 30 + 3)):  # the reel frame showing content second ``second``
        assert shown[at] == 30 * second
        offset = _sound_offset_s(sound, at / 30, second)
        assert abs(offset) <= 0.001, f"the sound of second {second} is {offset * 1000:+.2f} ms from its picture"
    otio_clips, edl_clips = read_back(lib, tmp_path, reel_id, Fraction(30))
    for n, (_a, _b, frames) in enumerate(cases):
        assert source_frames(otio_clips[f"part {n}"]) == frames
        assert source_frames(edl_clips[f"part {n}"]) == frames


@pytest.mark.parametrize("kind", ["ffmpeg51", "late sound"])
def test_the_waveform_is_drawn_in_film_time(lib, tmp_path, kind):
    """Peak k is the sound of film time k × 10 ms: the beep of second 1 (tests/conformance_films.py)
    is loud from peak 100. An FFmpeg 5.1 MKV's priming before its first picture is left out (its
    beep was drawn 21 ms late, from peak 102); sound that starts 0.5 s after the picture follows
    silence (it was drawn from 0: its beep 0.5 s early)."""
    from media.analysis.waveform import load_peaks
    from tests.conformance_films import make_ffmpeg51_mkv

    if kind == "ffmpeg51":
        if not DEBIAN_FFMPEG.exists():
            pytest.skip("needs Debian's ffmpeg in /usr/bin")
        path = make_ffmpeg51_mkv(tmp_path, seconds=3)
    else:
        path = make_film(tmp_path, FilmSpec("late", audio_delay=0.5))
    film_id = importing.import_file(lib, path, link=True).film_id
    with lib.read() as s:
        film = s.get(Film, film_id)
        peaks = np.asarray(load_peaks(lib.cache_dir(film.sha256))).astype(int)
        duration = film.duration_us
    assert abs(len(peaks) - duration // 10_000) <= 1
    tone = int(np.median(peaks[60:95]))  # the 440 Hz tone: half as loud as the beep
    assert all(peaks[k] > 1.5 * tone for k in (100, 101, 102)), peaks[95:106].tolist()
    assert peaks[97] < 1.2 * tone, peaks[95:106].tolist()
    if kind == "late sound":
        assert peaks[:45].max() < 5, peaks[:50].tolist()  # no sound before 0.5 s


@pytest.mark.sqlite_only("steps a library's own SQLite file back to 0012")
@pytest.mark.skipif(not DEBIAN_FFMPEG.exists(), reason="needs Debian's ffmpeg in /usr/bin")
def test_a_film_imported_before_keeps_its_zero_and_its_clips_their_frames(tmp_path):
    """A library whose FFmpeg 5.1 MKV was imported before the film counted from its first
    picture (0012: zero at the container's start, 4.021 s): opened now (0013), the film keeps
    that zero (no offset on the player's clock), so a clip made then is still on the same
    frames, and its MP4 shows exactly those with its sound in step."""
    from alembic import command
    from sqlalchemy import text

    from app import db
    from app.library import Library
    from tests.conformance_films import make_ffmpeg51_mkv
    from tests.media.test_conformance import _audio
    from tests.media_factory import read_index

    path = make_ffmpeg51_mkv(tmp_path, seconds=4)
    with Library.open(tmp_path / "lib") as lib:
        film_id = importing.import_file(lib, path, link=True).film_id
        with lib.read() as s:
            sha = s.get(Film, film_id).sha256
        (lib.cache_dir(sha) / frame_indexes.INDEX_FILE).unlink()  # as kept then: counted from the old zero
    frame_indexes._memo.clear()
    engine = db.open_engine(db.sqlite_url(tmp_path / "lib" / "library.db"))
    cfg = db.alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0013_list_order_indexes")
        conn.execute(text("update films set start_us = 0, duration_us = 4021000"))  # what the earlier import stored
    engine.dispose()
    with Library.open(tmp_path / "lib") as lib:
        with lib.read() as s:
            film = s.get(Film, film_id)
            assert (film.start_us, film.play_offset_us, film.duration_us) == (0, 0, 4_021_000)
        # Typed 0.9-2.05 s, counted from the container's start as then: frames 26-59, as the earlier version made it.
        clip_id = clips.add(lib, film_id, 900_000, 2_050_000, title="made then")
        with lib.read() as s:
            clip = s.get(Clip, clip_id)
            frames = frame_indexes.frame_index(lib, s.get(Film, film_id)).frames(clip.start_us, clip.end_us)
            assert (frames.first, frames.count) == (26, 34)
        reel_id = reels.create(lib, "Made then", [str(clip_id)])
        reels.update(lib, reel_id, cards=False, captions=False, fps="30")
        out = export.export_reel(lib, reel_id, tmp_path / "made-then.mp4")
    import av
    import cv2

    shown = []
    with av.open(str(out)) as container:
        for frame in container.decode(video=0):
            img = frame.to_ndarray(format="rgb24")
            h, w, _ = img.shape
            scale = min(w / 256, h / 144)
            pw, ph = round(256 * scale), round(144 * scale)
            x, y = (w - pw) // 2, (h - ph) // 2
            shown.append(read_index(cv2.resize(img[y:y + ph, x:x + pw], (256, 144), interpolation=cv2.INTER_AREA)))
    assert shown == list(range(26, 60))
    assert abs(_sound_offset_s(_audio(out), 4 / 30, 1)) <= 0.001  # the film's second 1 (frame 30) with its sound


@pytest.mark.skipif(not DEBIAN_FFMPEG.exists(), reason="needs Debian's ffmpeg in /usr/bin")
def test_clips_marked_while_an_earlier_version_imported_a_film_stay_on_their_frames(lib, tmp_path):
    """An FFmpeg 5.1 MKV registered by the earlier version (zero at the container's start) and
    marked while it imported, then finished by this one (zero at its first picture, 21 ms on):
    the clip keeps its frames (26-59), not one more at its end."""
    from sqlalchemy import update

    from tests.conformance_films import make_ffmpeg51_mkv

    path = make_ffmpeg51_mkv(tmp_path, seconds=4)
    film_id = importing.register(lib, path, link=True).film_id
    with lib.op("as the earlier version registered it") as s:
        s.execute(update(Film).where(Film.id == film_id).values(start_us=0, play_offset_us=0, duration_us=4_021_000))
    frame_indexes._memo.clear()
    clip_id = clips.add(lib, film_id, 900_000, 2_050_000, title="marked while importing")
    with lib.read() as s:
        clip = s.get(Clip, clip_id)
        before = frame_indexes.frame_index(lib, s.get(Film, film_id)).frames(clip.start_us, clip.end_us)
    assert (before.first, before.count) == (26, 34)
    importing.complete(lib, film_id)
    with lib.read() as s:
        film, clip = s.get(Film, film_id), s.get(Clip, clip_id)
        assert (film.start_us, film.duration_us) == (21_000, 4_000_000)
        after = frame_indexes.frame_index(lib, film).frames(clip.start_us, clip.end_us)
    assert (after.first, after.count) == (26, 34), (clip.start_us, clip.end_us)  # was 26 + 35
