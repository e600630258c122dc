"""A film with a damaged H.264 frame imports, and the import says where its picture is damaged
(the sample: one NAL unit that does not decode, the 27th of 30 frames, at 0.8675 s)."""

from tests.conftest import sample

BROKEN = "broken-mp4-h264-invalid-nalu-noaudio.mp4"


def test_the_cli_import_says_where_the_picture_is_damaged(cli):
    code, out, err = cli("import", str(sample(BROKEN)))
    assert code == 0, err
    assert "broken-mp4-h264-invalid-nalu-noaudio" in out
    notes = [line for line in err.splitlines() if "picture" in line]
    assert notes == [f"note: {BROKEN}: its picture is damaged from 0:00.86 to 0:00.90: frames there cannot be "
                     "decoded"], err


def test_a_whole_film_says_nothing_of_damage(cli):
    code, out, err = cli("import", str(sample("long-15s-london-320x240p60-h264-aac.mp4")))
    assert code == 0 and "damaged" not in err, err
