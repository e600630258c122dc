from fractions import Fraction

import pytest

from media import timecode as tc
from media.errors import BadInput

NTSC = Fraction(30000, 1001)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("0", 0),
        ("12.5", 12_500_000),
        ("12.000001", 12_000_001),
        ("01:02.25", 62_250_000),
        ("1:02:03.004", 3_723_004_000),
        ("00:00:07", 7_000_000),
        ("90", 90_000_000),
    ],
)
def test_clock_forms(text, expected):
    assert tc.parse(text) == expected


def test_frames_form_at_whole_rates():
    assert tc.parse("00:00:01:12", Fraction(25)) == 1_480_000
    assert tc.parse("01:00:00:00", Fraction(24)) == 3_600_000_000


def test_29_97_timecode_is_smpte_drop_frame_and_non_drop():
    # Frame 1800 at 29.97: 00:01:00;02 in drop-frame, 00:01:00:00 in non-drop (never 00:01:00:01).
    assert tc.format_timecode(tc.frame_start_us(1800, NTSC), NTSC) == "00:01:00;02"
    assert tc.frame_index_at(tc.parse("00:01:00;02", NTSC), NTSC) == 1800
    assert tc.frame_index_at(tc.parse("00:01:00:00", NTSC), NTSC) == 1800
    assert tc.frame_index_at(tc.parse("00:10:00;00", NTSC), NTSC) == 17982  # every tenth minute keeps 00
    assert tc.format_timecode(tc.frame_start_us(3600, Fraction(60000, 1001)), Fraction(60000, 1001)) == "00:01:00;04"
    assert tc.format_timecode(tc.frame_start_us(50, Fraction(24000, 1001)), Fraction(24000, 1001)) == "00:00:02:02"
    for bad, reason in (("00:01:00;00", "skips frames 00–01"), ("00:00:01;05", None)):
        if reason:
            with pytest.raises(BadInput, match=reason):
                tc.parse(bad, NTSC)
    with pytest.raises(BadInput, match="only for 29.97 and 59.94"):
        tc.parse("00:00:01;05", Fraction(25))


@pytest.mark.parametrize("fps", [Fraction(25), NTSC, Fraction(24000, 1001), Fraction(60), Fraction(50), Fraction(15),
                                 Fraction(1, 2), Fraction(1000, 37)])
def test_every_frame_round_trips(fps):
    for index in range(0, 20_000, 37):
        us = tc.frame_start_us(index, fps)
        assert tc.frame_index_at(us, fps) == index
        assert tc.parse(tc.format_timecode(us, fps), fps) == us
        assert tc.frame_index_at(tc.seek_target_us(index, fps), fps) == index


@pytest.mark.parametrize(
    "text,fps,reason",
    [
        ("", None, "empty"),
        ("abc", None, "not a time"),
        ("1:75.0", None, "seconds must be below 60"),
        ("1:61:00", None, "minutes must be below 60"),
        ("00:00:01:25", Fraction(25), "does not exist"),
        ("00:00:01:05", None, "need a film with a frame rate"),
        ("-3", None, "not a time"),
        ("1.2.3", None, "not a time"),
    ],
)
def test_bad_timecodes_name_the_value_and_reason(text, fps, reason):
    with pytest.raises(BadInput) as err:
        tc.parse(text, fps)
    assert reason in str(err.value)
    assert repr(text) in str(err.value)


def test_format_clock_truncates():
    assert tc.format_clock(3_723_004_999) == "01:02:03.004"
    assert tc.format_clock(59_999_999, 0) == "00:00:59"


def test_snap_to_frame():
    assert tc.snap_to_frame(1_019_000, Fraction(25)) == 1_000_000
    assert tc.snap_to_frame(1_021_000, Fraction(25)) == 1_040_000
    assert tc.snap_to_frame(5, None) == 5
