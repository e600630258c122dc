"""The rules an export relies on: the reel's frame rate (documented rule, a setting, --rate),
in and out points on the film's own frames, and true film lengths (no AAC priming)."""

import json
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio
import pytest

from app.reels import reel_plan
from app.cli.main import main
from media.errors import BadInput
from media.export.plan import PlanItem
from media.reading.probe import probe
from tests.media_factory import make_counting_film


def _item(fps, seconds, video=True):
    return PlanItem(position=0, clip_id=1, clip_title="c", film_id=1, film_title="f", source=Path("/x.mp4"),
                    start_us=0, end_us=int(seconds * 1e6), fps=fps, has_video=video, has_audio=True, width=640,
                    height=360, rotation=0)


def test_reel_rate_is_the_most_common_standard_rate_of_its_clips():
    # The reported case: 30, 25 and 15 fps clips came out at 23.976. Now 15 fps does not vote.
    rate = reel_plan.reel_rate([_item(Fraction(30), 2), _item(Fraction(25), 3), _item(Fraction(15), 10)])
    assert rate == 25  # one vote each for 30 and 25: the one with more running time
    assert reel_plan.reel_rate([_item(Fraction(30), 2), _item(Fraction(30), 2), _item(Fraction(25), 9)]) == 30
    assert reel_plan.reel_rate([_item(Fraction(2997, 100), 2)]) == Fraction(30000, 1001)  # 29.97 means NTSC
    assert reel_plan.reel_rate([_item(Fraction(15), 5), _item(None, 5, video=False)]) == 30  # nobody votes
    assert reel_plan.parse_reel_rate("29.97") == Fraction(30000, 1001)
    assert reel_plan.parse_reel_rate("auto") is None
    with pytest.raises(BadInput, match="frame rate '15': use auto or one of 23.976, 24, 25"):
        reel_plan.parse_reel_rate("15")


@pytest.fixture
def cli(tmp_path, capsys):
    library = tmp_path / "lib"

    def run(*args):
        code = main([*args, "--library", str(library)])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_cli_rate_option_and_frame_exact_clip_bounds(cli, tmp_path):
    film = make_counting_film(tmp_path / "sixty.mp4", seconds=3, fps=Fraction(60), gop=60)
    assert probe(film).duration_us == 3_000_000  # AAC priming is not counted (was +21 ms)
    assert cli("import", str(film))[0] == 0
    code, out, err = cli("clip", "add", "sixty", "--start", "2.5083", "--end", "2.91", "--title", "Mid", "--json")
    assert code == 0, err
    clip = json.loads(out)
    assert clip["start_us"] == 2_500_000  # inside frame 150: snapped to its start, what the player shows
    assert clip["end_us"] == 2_900_000  # inside frame 174: its start
    code, _out, err = cli("clip", "add", "sixty", "--start", "2.5", "--end", "3.01")
    assert code == 2 and "ends after the film ends (00:00:03.000)" in err and len(err.strip().splitlines()) == 1
    assert cli("reel", "create", "R", "--clip", "Mid")[0] == 0
    assert cli("reel", "export", "R", str(tmp_path / "r.otio"), "--rate", "25")[0] == 0
    tl = otio.adapters.read_from_file(str(tmp_path / "r.otio"))
    assert tl.metadata["protoreel"]["frame_rate"] == "25"
    code, _out, err = cli("reel", "export", "R", str(tmp_path / "s.otio"), "--rate", "15")
    assert code == 2 and "frame rate '15'" in err and not (tmp_path / "s.otio").exists()
