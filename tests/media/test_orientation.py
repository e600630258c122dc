"""One orientation (rotation, then mirror) read from the display matrix and applied alike by
the probe, the player's stills and the thumbnails; checked against ffmpeg's own autorotation."""

import subprocess

import imageio_ffmpeg
import numpy as np
import pytest

from media.reading.frames import FrameReader
from media.reading.orientation import Orientation
from media.reading.probe import probe
from media.analysis.thumbnails import StripCollector
from tests.media_factory import frame_image, make_counting_film, read_index, store_oriented


def test_matrix_reading_covers_all_eight_and_round_trips():
    def matrix(a, b, c, d):
        return [a * 65536, b * 65536, 0, c * 65536, d * 65536, 0, 0, 0, 1 << 30]

    # What ffmpeg writes for -display_rotation 0/90/180/270 without and with -display_hflip.
    seen = {
        (1, 0, 0, 1): Orientation(0), (-1, 0, 0, 1): Orientation(0, True),
        (0, -1, 1, 0): Orientation(270), (0, -1, -1, 0): Orientation(270, True),
        (-1, 0, 0, -1): Orientation(180), (1, 0, 0, -1): Orientation(180, True),
        (0, 1, -1, 0): Orientation(90), (0, 1, 1, 0): Orientation(90, True),
    }
    for entries, want in seen.items():
        assert Orientation.from_matrix(matrix(*entries)) == want
    assert Orientation.from_matrix(None) == Orientation()
    img = frame_image(5, 64, 32)
    assert Orientation(90, True).upright(img).shape == (64, 32, 3)


@pytest.fixture(scope="module")
def upright(tmp_path_factory):
    return make_counting_film(tmp_path_factory.mktemp("o") / "up.mp4", seconds=1, size=(256, 144), audio=False)


@pytest.mark.parametrize("rotation,mirror", [(90, False), (180, False), (270, False), (90, True), (0, True)])
def test_every_viewer_shows_the_upright_picture(upright, tmp_path, rotation, mirror):
    film = store_oriented(upright, tmp_path / "phone.mp4", rotation, mirror)
    info = probe(film)
    assert (info.rotation, info.mirror) == (rotation, mirror)
    assert info.display_size == (256, 144)
    reader = FrameReader(film, info.start_us, info.orientation)
    still = reader.frame_at(10 * 40_000 + 1)
    reader.close()
    assert still.rgb.shape == (144, 256, 3)
    assert read_index(still.rgb) == 10  # the bar code reads only on an upright, unmirrored picture
    # ffmpeg's own autorotation agrees pixel for pixel (within coding noise).
    ref = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(film), "-frames:v", "1",
                          "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], capture_output=True, check=True).stdout
    first = FrameReader(film, info.start_us, info.orientation).frame_at(0).rgb
    assert np.abs(first.astype(int) - np.frombuffer(ref, np.uint8).reshape(first.shape)).mean() < 4
    # The ffmpeg filter the export uses gives the same picture.
    mine = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-noautorotate", "-i", str(film),
                           "-vf", info.orientation.ffmpeg_filter() or "null", "-frames:v", "1",
                           "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], capture_output=True, check=True).stdout
    assert mine == ref
    # A thumbnail tile is the same upright picture, small.
    import av

    strip = StripCollector(info, tmp_path)
    with av.open(str(film)) as c:
        tile = strip._tile(next(c.decode(video=0)))
    import cv2

    small = cv2.resize(first, (tile.shape[1], tile.shape[0]), interpolation=cv2.INTER_AREA).astype(int)
    got = tile[..., ::-1].astype(int)
    assert np.abs(got - small).mean() < np.abs(got - small[:, ::-1]).mean()  # not mirrored
    assert np.abs(got - small).mean() < np.abs(got - small[::-1]).mean()  # not upside down
