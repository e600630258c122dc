"""OTIO and EDL: every clip is its own frames (the index of its first frame in its film and
how many), read back by OpenTimelineIO's own readers; the EDL at the reel's one rate, with
sound events and SMPTE drop-frame where the rate calls for it."""

from fractions import Fraction
from pathlib import Path

import opentimelineio as otio
import pytest

from media import timecode
from media.export.plan import ExportSettings, PlanItem, ReelPlan
from media.export.otio_edl import edl_text, timeline
from media.timecode import FrameRange

NTSC = Fraction(30000, 1001)


def _item(n, title, fps, start_us, end_us, video=True, audio=True, frames=None, film_frames=None):
    return PlanItem(position=n, clip_id=n + 1, clip_title=title, film_id=n + 1, film_title=f"{title} film",
                    source=Path(f"/films/{title}.mp4"), start_us=start_us, end_us=end_us, fps=fps, has_video=video,
                    has_audio=audio, width=640, height=360, rotation=0, film_duration_us=10_000_000,
                    frames=frames, film_frames=film_frames)


@pytest.fixture
def plan():
    items = [
        _item(0, "ntsc", NTSC, timecode.frame_start_us(144, NTSC), timecode.frame_start_us(204, NTSC),
              frames=FrameRange(144, 60), film_frames=299),
        # A WebM's millisecond times: frame 91 starts at 3.033 s (the 30 fps grid says frame 90).
        _item(1, "webm", Fraction(30), 3_033_000, 4_033_000, audio=False, frames=FrameRange(91, 30), film_frames=500),
        _item(2, "voice", None, 1_000_000, 2_500_000, video=False),
    ]
    return ReelPlan(1, "Board", "", "team", items, ExportSettings(fps=Fraction(30)), opening_card=True)


def _read_edl(text: str, rate: Fraction):
    return otio.adapters.read_from_string(text, adapter_name="cmx_3600", rate=float(rate))


def test_otio_source_ranges_are_each_clips_own_frames_in_its_films_rate(plan, tmp_path):
    path = tmp_path / "r.otio"
    otio.adapters.write_to_file(timeline(plan), str(path))
    picture, sound = otio.adapters.read_from_file(str(path)).tracks
    clips = {c.name: c for c in picture.find_clips()}
    assert clips["ntsc"].source_range.start_time.rate == pytest.approx(float(NTSC))
    assert (clips["ntsc"].source_range.start_time.value, clips["ntsc"].source_range.duration.value) == (144, 60)
    assert (clips["webm"].source_range.start_time.value, clips["webm"].source_range.duration.value) == (91, 30)
    assert clips["webm"].media_reference.available_range.duration.value == 500  # the film's frames, not 501
    assert [c.name for c in sound.find_clips()] == ["ntsc", "voice"]  # the silent clip has no sound event
    assert picture.duration().to_seconds() == pytest.approx(sound.duration().to_seconds(), abs=0.04)


def test_edl_reads_back_with_the_clips_own_frames_where_the_reel_shows_them_one_for_one(plan):
    text = edl_text(plan)
    back = _read_edl(text, Fraction(30))  # no EDLParseError: every event's lengths agree
    picture = next(t for t in back.tracks if t.kind == otio.schema.TrackKind.Video)
    webm = next(c for c in picture.find_clips() if c.name == "webm")
    assert (webm.source_range.start_time.value, webm.source_range.duration.value) == (91, 30)
    lines = [line.split() for line in text.splitlines() if line[:3].isdigit()]
    assert [(e[1], e[2]) for e in lines] == [("BL", "V"), ("AX", "AA/V"), ("AX", "V"), ("AX", "AA")]
    assert lines[2][4:6] == ["00:00:03:01", "00:00:04:01"]  # frames 91-120, as the MP4 has them
    # The 29.97 clip in a 30 fps reel: its time at the reel's rate, and its own frames said exactly.
    assert "* SOURCE FRAMES: 144 +60 AT 30000/1001" in text
    assert lines[1][6] == "00:00:03:00" and lines[1][7] == lines[2][6] and lines[2][7] == lines[3][6]
    assert "FCM: NON-DROP FRAME" in text


def test_edl_of_a_29_97_reel_is_drop_frame_and_exact_for_its_29_97_clips(plan):
    plan.settings.fps = NTSC
    text = edl_text(plan)
    assert "FCM: DROP FRAME" in text
    first = [line.split() for line in text.splitlines() if line.startswith("002")][0]
    assert first[4] == "00:00:04;24" and first[6] == "00:00:03;00"  # frame 144 in drop-frame
    tracks = _read_edl(text, NTSC).tracks
    picture = next(t for t in tracks if t.kind == otio.schema.TrackKind.Video)
    ntsc = next(c for c in picture.find_clips() if c.name == "ntsc")
    assert (ntsc.source_range.start_time.value, ntsc.source_range.duration.value) == (144, 60)


def test_srt_captions_are_what_the_srt_package_writes(tmp_path, monkeypatch):
    """ProtoReel writes SubRip itself (the srt package has no wheel for Windows or macOS): the
    same bytes as the srt package's compose, the reference, past an hour and off the millisecond."""
    import datetime as dt

    import srt

    from media.export import interchange

    cues = [(0, 2_000_999, "First — Waiting and delay"), (3_723_456_789, 3_725_000_000, "Two\nlines"),
            (36_000_000_000, 36_001_500_000, "Ten hours in")]
    monkeypatch.setattr(interchange, "caption_cues", lambda _plan: cues)
    from media.export import atomic

    work = tmp_path / ".tmp" / "srt"  # the format alone: written as a private working file (the gate is
    work.mkdir(parents=True)  # for a user's file; tests/app/test_one_gate.py checks the .srt goes through it)
    with atomic.scratch(work):
        out = interchange.write_srt(None, work / "c.srt")
    reference = srt.compose([srt.Subtitle(n, dt.timedelta(microseconds=a), dt.timedelta(microseconds=b), text)
                             for n, (a, b, text) in enumerate(cues, 1)])
    assert out.read_text(encoding="utf-8") == reference
