"""An import reads a film once: the thumbnail and waveform pass over its packets also gives its
exact facts (length, rate, frame count, variable rate), the same as a full probe would, so no
second pass over a long file. Peaks are the loudest channel at the sound's own rate."""

from __future__ import annotations

from fractions import Fraction

import av
import numpy as np
import pytest

from app.films import importing
from media.reading import probe as probe_module
from media.analysis.one_pass import analyse
from media.reading.probe import probe, probe_quick
from media.analysis.thumbnails import load_strip
from media.analysis.waveform import load_peaks
from tests.conformance_films import FilmSpec, make_film
from tests.media_factory import make_long_film

F = Fraction
SPECS = [
    FilmSpec("r2997", ".mov", F(30000, 1001)),
    FilmSpec("r24", ".mkv", F(24)),
    FilmSpec("r25", ".webm", F(25)),
    FilmSpec("r30", ".ts", F(30)),
    FilmSpec("vfr", ".mp4", vfr=True),
    FilmSpec("ps", ".mpg", F(25), seconds=5, gop=15),
    FilmSpec("avi", ".avi", F(25)),
    FilmSpec("rot90", rotation=90),
    FilmSpec("late", audio_delay=0.5),
    FilmSpec("sound", ".m4a", video=False),
    FilmSpec("silent", audio=False),
]
SAMPLE_NAMES = [
    "phone-android10-slowmo240-720p-h264-vfr.mp4",
    "edge-mp4-audio-shorter-than-video-320x240p60.mp4",
    "edge-mp4-extra-empty-video-track.mp4",
    "container-mpegts-mpeg2-mp2-1080p24-bbb.ts",
    "audio-speech-jfk-11s-44k-stereo.flac",
    "broken-mp4-audio-track-missing-stsd.mp4",
]


def _same_facts(path, tmp_path):
    folder = tmp_path / "cache"
    folder.mkdir()
    facts = analyse(probe_quick(path), folder)
    assert facts == probe(path), path.name


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_the_thumbnail_pass_gives_the_facts_a_full_probe_gives(tmp_path, spec):
    _same_facts(make_film(tmp_path, spec), tmp_path)


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_the_thumbnail_pass_gives_the_full_probes_facts_for_real_files(tmp_path, name):
    from tests.conftest import sample

    _same_facts(sample(name), tmp_path)


def test_an_import_reads_every_packet_once(lib, tmp_path, monkeypatch):
    """Two openings of the file (each reads an MP4's whole packet index: 0.1 s and 15 MB an
    hour) and no full probe pass beside the thumbnail pass (it took 1.8 s of a 2-hour film's
    import); the strip reaches the film's exact end."""
    film = make_long_film(tmp_path / "session.mp4", 14 * 60)
    passes, opened = [], []
    measure, real_open = probe_module._measure, av.open

    def counted(container, streams, cancel, limit=None, firsts=None):
        passes.append(limit)
        return measure(container, streams, cancel, limit, firsts)

    def counted_open(path, *args, **kwargs):
        opened.append(path)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(probe_module, "_measure", counted)
    monkeypatch.setattr(av, "open", counted_open)
    result = importing.import_file(lib, film)
    assert passes == [probe_module.QUICK_PACKETS]  # the quick probe's first packets, nothing more
    assert opened == [str(film)] * 2  # the quick probe, the thumbnail pass
    monkeypatch.setattr(av, "open", real_open)
    monkeypatch.setattr(probe_module, "_measure", measure)
    full = probe(film)
    with lib.read() as s:
        from app import queries

        (r,) = queries.film_records(s, lib, [result.film_id])
    assert (r.duration_us, r.frame_count, r.fps) == (full.duration_us, full.frame_count, str(full.fps))
    # The facts came from the pass, not the header: the quick probe has no frame count. (Its
    # length was the header's plus the MP2's 30 ms of priming before zero; priming no longer counts.)
    assert probe_quick(film).frame_count is None and r.frame_count == full.frame_count
    strip = load_strip(lib.cache_dir(r.sha256))
    assert len(strip.times_us) == len(range(0, full.duration_us, strip.interval_us))


def _wav(path, rate: int, fmt: str, seconds: float, burst_at: float, level: float) -> None:
    """Stereo: a quiet tone on the left, a loud 50 ms burst on the right channel only."""
    codec = {"s16": "pcm_s16le", "flt": "pcm_f32le"}[fmt]
    with av.open(str(path), "w") as out:
        stream = out.add_stream(codec, rate=rate, layout="stereo")
        t = np.arange(int(seconds * rate)) / rate
        left = 0.1 * np.sin(2 * np.pi * 300 * t)
        right = np.where((t >= burst_at) & (t < burst_at + 0.05), level * np.sin(2 * np.pi * 1000 * t), 0.0)
        both = np.stack([left, right], axis=1).astype(np.float32)  # interleaved
        for start in range(0, len(t), 1024):
            chunk = both[start:start + 1024]
            data = (chunk * 32767).astype(np.int16) if fmt == "s16" else chunk
            frame = av.AudioFrame.from_ndarray(data.reshape(1, -1), format=fmt, layout="stereo")
            frame.sample_rate, frame.pts = rate, start
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


@pytest.mark.parametrize("rate,fmt", [(22050, "s16"), (44100, "flt"), (8000, "s16")])
def test_peaks_are_the_loudest_channel_every_10_ms_at_any_rate(tmp_path, rate, fmt):
    path = tmp_path / f"burst-{rate}.wav"
    _wav(path, rate, fmt, seconds=3.0, burst_at=1.234, level=0.8)
    folder = tmp_path / "cache"
    folder.mkdir()
    analyse(probe_quick(path), folder)
    peaks = np.asarray(load_peaks(folder)).astype(int)
    assert len(peaks) == 300
    burst = peaks[124:128]  # 1.24-1.28 s: inside the burst, on the right channel alone
    assert burst.min() >= round(0.8 * 255) - 4, burst
    assert peaks[:120].max() <= round(0.1 * 255) + 2 and peaks[:120].min() >= round(0.1 * 255) - 4
    assert peaks[130:].max() <= round(0.1 * 255) + 2
