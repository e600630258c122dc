"""The paused player's frame server while the playhead is dragged: the latest request wins, what
it shows is the frame asked for (read back from the picture's bar code), never a stale one."""

from fractions import Fraction

import numpy as np

from media.reading.frame_index import read_index as read_frame_index
from tests.media_factory import make_counting_film, read_index
from ui.player.frame_server import FrameServer


def _rgb(image) -> np.ndarray:
    w, h = image.width(), image.height()
    return np.frombuffer(image.constBits(), np.uint8).reshape(h, image.bytesPerLine())[:, : 3 * w].reshape(h, w, 3)


def test_a_drag_shows_the_latest_frame_asked_for_and_only_frames_asked_for(qtbot, tmp_path):
    path = make_counting_film(tmp_path / "drag.mp4", seconds=6, fps=Fraction(30), gop=60, preset="veryfast",
                              audio=False, x264_params="bframes=3:b-adapt=0:b-pyramid=none")
    index = read_frame_index(path, 0)
    server = FrameServer(str(path), 0, 0)
    shown = []
    server.ready.connect(lambda seq, time_us, image: shown.append((seq, time_us, read_index(_rgb(image)))))
    asked = {}
    drag = list(range(10, 170, 5)) + list(range(170, 40, -7)) + [41, 40, 39, 121, 119, 60, 59]
    for seq, frame in enumerate(drag, start=1):
        asked[seq] = frame
        server.request(seq, index.middle(frame))
        if seq % 8 == 0:  # mouse moves come faster than frames decode: most are passed over
            qtbot.wait(2)
    qtbot.waitUntil(lambda: bool(shown) and shown[-1][0] == len(drag), timeout=10_000)
    server.stop()
    for seq, time_us, code in shown:
        assert code == asked[seq] and time_us == index.start(asked[seq]), (seq, asked[seq], code)
    assert [seq for seq, _t, _c in shown] == sorted({seq for seq, _t, _c in shown})  # never an older one after
    assert len(shown) < len(drag)  # requests passed over while decoding were dropped, not queued
