"""What the presentation plays, read back from the player itself (there is no sound card or
screen to film): the clip's own frames, upright, and its sound in step with its picture.

The film: every frame carries its index as a bar code; the sound is a 440 Hz tone with a
40 ms 1760 Hz beep at every whole second (tests/conformance_films.py). It is stored turned
90° with a display matrix, as a phone stores portrait footage.

Checked:
- every picture handed to the audience screen is upright (the bar code reads, at the
  picture's top left, in the upright size) and is the clip's: first frame = the clip's first
  frame, none from before it (Qt's player ignores a seek while it opens a film);
- the sound Qt's player renders (QAudioBufferOutput, fed by the same audio renderer as the
  speakers) is the film's sound at the times it is stamped with: the beep is at 2.000 s;
- the sound for film time T and the picture for film time T reach their outputs together:
  the median of (arrival - time stamp) of sound buffers and of pictures differ by less than
  one frame.
Not checked: the sound card's and the projector's own latency (there are none here).
"""

from __future__ import annotations

import subprocess
import time
from fractions import Fraction

import numpy as np
import pytest
from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtMultimedia import QAudioBuffer, QAudioBufferOutput, QAudioFormat

from app.clips import clips
from app.films import importing
from app.reviews import reviews
from tests.conformance_films import FilmSpec, make_film
from tests.conftest import sample
from tests.media.test_conformance import _beeps
from tests.media_factory import read_index
from tests.ui.helpers import image_array, pump

RATE = 48_000
FRAME_US = 40_000  # 25 fps


class Recorder(QObject):
    """Everything the presentation's player hands on: pictures to the audience screen, sound
    buffers to the audio output, each with the wall time it arrived on the GUI thread (both
    are queued there, so both wait alike)."""

    def __init__(self, presentation) -> None:
        super().__init__()
        self.media = presentation.playback.media
        fmt = QAudioFormat()
        fmt.setSampleRate(RATE)
        fmt.setChannelCount(1)
        fmt.setSampleFormat(QAudioFormat.SampleFormat.Float)
        self.sound: list[tuple[float, int, np.ndarray]] = []  # (arrival s, start µs, mono samples)
        self.pictures: list[tuple[float, int, object]] = []  # (arrival s, start µs, QVideoFrame)
        self.output = QAudioBufferOutput(fmt, presentation.playback)  # lives as long as the player
        # Queued: the buffers are emitted on Qt's audio thread.
        self.output.audioBufferReceived.connect(self._sound, Qt.ConnectionType.QueuedConnection)
        self.media.setAudioBufferOutput(self.output)
        self.playback = presentation.playback
        self.playback.frame.connect(self._picture)
        self.ready = []  # the clip's first frame decoded while its card is up
        self.playback.first_frame_ready.connect(self.ready.append)

    def wait_on_the_card(self, presentation, timeout_s: float = 60) -> None:
        """As a facilitator does: the title card stays up until the clip has opened."""
        end = time.monotonic() + timeout_s
        pump(300)
        while not self.ready:
            assert time.monotonic() < end, f"the clip did not open: {presentation.playback.media.mediaStatus()}"
            pump(50)

    def stop(self) -> None:
        """After the presentation has stopped its player (which releases the GIL while Qt's
        threads wind down: detaching the output here while they run could deadlock)."""
        self.output.audioBufferReceived.disconnect(self._sound)
        self.playback.frame.disconnect(self._picture)
        self.playback.first_frame_ready.disconnect(self.ready.append)

    @Slot(QAudioBuffer)
    def _sound(self, buffer) -> None:
        if not buffer.isValid() or buffer.sampleCount() == 0:
            return
        samples = np.frombuffer(bytes(buffer.constData()), dtype=np.float32).copy()
        self.sound.append((time.perf_counter(), buffer.startTime(), samples))

    def _picture(self, frame) -> None:
        self.pictures.append((time.perf_counter(), frame.startTime(), frame))  # converted later: 4K is slow


@pytest.fixture(scope="module", params=["turned", "ffmpeg51"])
def beep_film(request, tmp_path_factory):
    """(film, its picture as drawn): a phone-like film stored turned 90°, and an MKV muxed by
    FFmpeg 5.1 whose first picture comes 21 ms after its container's start (its unmarked AAC
    priming): Qt's player counts from that start, the film from its first picture."""
    from tests.conformance_films import DEBIAN_FFMPEG, make_ffmpeg51_mkv

    folder = tmp_path_factory.mktemp("beeps")
    if request.param == "turned":
        return make_film(folder, FilmSpec("phone-like", seconds=4, size=(320, 240), rotation=90, gop=25)), (320, 240)
    if not DEBIAN_FFMPEG.exists():
        pytest.skip("needs Debian's ffmpeg in /usr/bin (FFmpeg 5.1 muxes differently)")
    return make_ffmpeg51_mkv(folder, fps=Fraction(25), seconds=4), (256, 144)


def test_the_presented_clip_is_upright_its_own_frames_and_its_sound_in_sync(qtbot, lib, beep_film):
    from app.models import Film
    from ui.present.session import Presentation

    path, size = beep_film
    film = importing.import_file(lib, path).film_id
    with lib.read() as s:
        offset = s.get(Film, film).play_offset_us  # the film's zero on Qt's clock: 21 ms for the MKV
    clip = clips.add(lib, film, 1_000_000, 3_000_000, title="Turned phone")
    pres = Presentation(lib, reviews.start(lib, clip_ids=[clip], audience="team"))
    seen = Recorder(pres)
    pres.start()
    try:
        seen.wait_on_the_card(pres)  # the title card is up; the clip opens meanwhile
        pres.next()
        end = time.monotonic() + 20
        while pres.slide.kind == "clip" and pres.playback.is_playing() or not seen.pictures:
            assert time.monotonic() < end, "the clip did not play to its end"
            pump(50)
    finally:
        pres.leave()
        seen.stop()

    # Pictures: upright (as drawn), the clip's frames 25..74 and nothing before them.
    images = [frame.toImage() for _t, _s, frame in seen.pictures]
    assert {(image.width(), image.height()) for image in images} == {size}
    indexes = [read_index(image_array(image)) for image in images]
    assert indexes[0] == 25, f"first picture shown: frame {indexes[0]} (the clip starts at frame 25)"
    assert min(indexes) == 25 and indexes[-1] == 74
    assert all(index == (start - offset) // FRAME_US for (_t, start, _i), index in zip(seen.pictures, indexes))
    assert len(set(indexes)) >= 45  # played, not stepped (a few may be dropped on a busy machine)

    # Sound: stamped with film time (on Qt's clock), continuous, the beep where the film has it (2.000 s).
    starts = [start - offset for _t, start, _s in seen.sound]
    assert 990_000 <= starts[0] <= 1_010_000, starts[0]
    joined = np.concatenate([s for _t, _st, s in seen.sound])
    for (_t, a, samples), (_t2, b, _s2) in zip(seen.sound, seen.sound[1:]):
        assert abs(b - a - len(samples) * 1_000_000 / RATE) < 100, "a gap or overlap in the sound"
    onsets = [starts[0] / 1e6 + t for t in _beeps(joined)]
    inside = [t for t in onsets if 1.5 < t < 2.5]
    assert len(inside) == 1 and abs(inside[0] - 2.0) < 0.005, onsets

    # In step: sound and picture of the same film time arrive together.
    sound_lag = np.median([arrived - start / 1e6 for arrived, start, _s in seen.sound])
    picture_lag = np.median([arrived - start / 1e6 for arrived, start, _i in seen.pictures])
    offset_ms = (picture_lag - sound_lag) * 1000
    print(f"picture after sound by {offset_ms:+.1f} ms (median over {len(seen.pictures)} pictures, "
          f"{len(seen.sound)} sound buffers)")
    assert abs(offset_ms) < FRAME_US / 1000, f"picture {offset_ms:+.1f} ms from its sound"


def test_a_real_phone_s_portrait_film_is_presented_upright(qtbot, lib):
    """Android 12 portrait 4K: stored landscape with a 90° display matrix. The picture on the
    audience screen must match FFmpeg's own upright decode (its autorotate), not the turn the
    other way."""
    import imageio_ffmpeg

    from ui.present.session import Presentation

    path = sample("phone-android12-2160p60-h264-aac-rot90.mp4")
    film = importing.import_file(lib, path).film_id
    clip = clips.add(lib, film, 0, 250_000, title="Phone")
    pres = Presentation(lib, reviews.start(lib, clip_ids=[clip], audience="team"))
    seen = Recorder(pres)
    pres.start()
    try:
        seen.wait_on_the_card(pres)
        pres.next()
        end = time.monotonic() + 60
        while not seen.pictures:
            assert time.monotonic() < end, f"no picture: {pres.playback.media.mediaStatus()}, " \
                                           f"{pres.playback.media.playbackState()}"
            pump(50)
        shown = pres.audience.current_image()
    finally:
        pres.leave()
        seen.stop()
    assert shown.height() > shown.width(), (shown.width(), shown.height())  # portrait
    w, h = 270, 480
    ours = image_array(shown.scaled(w, h, Qt.AspectRatioMode.IgnoreAspectRatio,
                                    Qt.TransformationMode.SmoothTransformation)).astype(float).mean(axis=2)
    raw = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(path), "-frames:v", "1",
                          "-vf", f"scale={w}:{h}:flags=area", "-pix_fmt", "gray", "-f", "rawvideo", "-"],
                         capture_output=True, check=True).stdout
    upright = np.frombuffer(raw, dtype=np.uint8).reshape(h, w).astype(float)

    def blocks(a):  # 10x10 averages: the picture's layout, not the scalers' fine detail
        return a.reshape(h // 10, 10, w // 10, 10).mean(axis=(1, 3))

    right = np.abs(blocks(ours) - blocks(upright)).mean()
    turned = np.abs(blocks(ours) - blocks(upright[::-1, ::-1])).mean()  # turned the other way (270°)
    mirrored = np.abs(blocks(ours) - blocks(upright[:, ::-1])).mean()
    assert right < 3 and right < turned / 3 and right < mirrored / 3, (right, turned, mirrored)
