"""OTIO and EDL: every clip in its own film's rate, with the film's available range; the EDL
has sound events and SMPTE drop-frame where the rate calls for it; both read back."""

from fractions import Fraction
from pathlib import Path

import opentimelineio as otio
import pytest

from media import timecode
from media.export.plan import ExportSettings, PlanItem, ReelPlan
from media.export.otio_edl import edl_text, timeline

NTSC = Fraction(30000, 1001)


def _item(n, title, fps, start_us, end_us, video=True, audio=True):
    return PlanItem(position=n, clip_id=n + 1, clip_title=title, film_id=n + 1, film_title=f"{title} film",
                    source=Path(f"/films/{title}.mp4"), start_us=start_us, end_us=end_us, fps=fps, has_video=video,
                    has_audio=audio, width=640, height=360, rotation=0, film_duration_us=10_000_000)


@pytest.fixture
def plan():
    items = [
        _item(0, "ntsc", NTSC, timecode.frame_start_us(144, NTSC), timecode.frame_start_us(204, NTSC)),
        _item(1, "thirty", Fraction(30), 2_421_300, 4_000_000, audio=False),  # 2.4213 s: frame 72
        _item(2, "voice", None, 1_000_000, 2_500_000, video=False),
    ]
    return ReelPlan(1, "Board", "", "team", items, ExportSettings(fps=Fraction(25)), opening_card=True)


def test_otio_source_ranges_are_in_each_films_own_rate(plan, tmp_path):
    tl = timeline(plan)
    path = tmp_path / "r.otio"
    otio.adapters.write_to_file(tl, str(path))
    back = otio.adapters.read_from_file(str(path))
    picture, sound = back.tracks
    clips = {c.name: c for c in picture.find_clips()}
    assert clips["ntsc"].source_range.start_time.rate == pytest.approx(float(NTSC))
    assert clips["ntsc"].source_range.start_time.value == 144  # whole frames, never 143.86
    assert clips["ntsc"].source_range.duration.value == 60
    assert clips["thirty"].source_range.start_time.value == 72 and clips["thirty"].source_range.start_time.rate == 30
    available = clips["ntsc"].media_reference.available_range
    assert available.duration.value == timecode.frame_index_at(10_000_000 - 1, NTSC) + 1
    assert [c.name for c in sound.find_clips()] == ["ntsc", "voice"]  # the silent clip has no sound event
    # Both tracks are as long as the MP4 at the reel's rate (3 s card + clips).
    assert picture.duration().to_seconds() == pytest.approx(sound.duration().to_seconds(), abs=0.04)


def test_edl_has_sound_events_and_timecode_in_each_films_rate(plan):
    lines = [line.split() for line in edl_text(plan).splitlines() if line[:3].isdigit()]
    assert [(e[1], e[2]) for e in lines] == [("BL", "V"), ("AX", "AA/V"), ("AX", "V"), ("AX", "AA")]
    # 29.97 source: drop-frame timecode; frame 144 = 00:00:04;24, back through opentime.
    assert lines[1][4] == "00:00:04;24"
    assert otio.opentime.from_timecode(lines[1][4], float(NTSC)).value == 144
    assert otio.opentime.from_timecode(lines[2][4], 30).value == 72
    # Record side: continuous, at the reel's 25 fps, starting after the 3 s card.
    assert lines[1][6] == "00:00:03:00" and lines[1][7] == lines[2][6] and lines[2][7] == lines[3][6]
    assert "FCM: NON-DROP FRAME" in edl_text(plan)


def test_edl_record_side_is_drop_frame_for_a_29_97_reel(plan):
    plan.settings.fps = NTSC
    text = edl_text(plan)
    assert "FCM: DROP FRAME" in text
    first = [line.split() for line in text.splitlines() if line.startswith("002")][0]
    assert first[6] == "00:00:03;00"


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
