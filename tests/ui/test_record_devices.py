"""Recording from real capture devices through QtMultimedia: the screen under Xvfb and a
PulseAudio microphone (this machine has no camera and no sound card; see sound_server.py)."""

import numpy as np
import av
import pytest

from app.library import Library
from app import queries
from media.reading.probe import probe
from tests.ui.sound_server import plug_microphone, sound_server
from tests.ui.xvfb import SCREENSHOTS, run_scene

pytestmark = pytest.mark.xvfb


def heard_frequency(path) -> float:
    with av.open(str(path)) as c:
        sound = np.hstack([f.to_ndarray()[0] for f in c.decode(audio=0)])
    middle = sound[len(sound) // 4: 3 * len(sound) // 4]
    spectrum = np.abs(np.fft.rfft(middle))
    return np.argmax(spectrum) * 48_000 / len(middle)


def test_screen_and_microphone_record_and_a_dead_microphone_keeps_the_take(tmp_path):
    with sound_server(tmp_path / "pulse") as env:
        plug_microphone(env)
        done = run_scene("record_devices", str(tmp_path / "lib"), str(SCREENSHOTS / "record-devices.png"), env=env)
    assert "microphone" in done.stdout
    with Library.open(tmp_path / "lib") as lib:
        with lib.read() as s:
            films = queries.film_records(s, lib, None)
        caches = [lib.cache_dir(film.sha256) for film in films]
    assert len(films) == 2
    for film, cache in zip(films, caches):
        assert (cache / "thumbs" / "L0-00000.jpg").stat().st_size > 0 and (cache / "peaks.u8").stat().st_size > 0
        info = probe(film.path)
        assert info.video_duration_us >= 3_000_000 and film.has_audio and film.event == "Online role-play, 28 Nov"
        assert abs(info.audio_duration_us - info.video_duration_us) <= 33_334  # within one frame
        assert abs(heard_frequency(film.path) - 440) < 3  # what the microphone heard, not silence
