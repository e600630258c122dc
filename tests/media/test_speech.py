"""Transcription (media/speech): what was said, word timings inside speech, cancel, resume.

Speech with known words comes from the sample films (../shared/samples: the JFK excerpt and
the GRID sentences; GRID man 2 stays held out, untested here). The tests use the smallest
installed model (tiny.en when installed) on inputs of seconds, so they stay quick.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from media.jobs import Cancelled, CancelToken
from media.speech import MODELS, SpeechUnavailable, available, load, transcribe
from media.speech.models import _load
from media.speech.score import normalise, word_error_rate
from media.speech.sound import RATE, whole_sound
from tests.conftest import ROOT, sample
from tests.speech_films import JFK, SPEECH_SAMPLES, Timeline, write_film

FRAME_US = 40_000  # one frame at 25 fps: how precisely a word's edge is asked to be placed


@pytest.fixture(scope="module")
def recogniser():
    names = available()
    if not names:
        pytest.skip("no speech model installed (faster-whisper and a model package)")
    return load("tiny.en" if "tiny.en" in names else names[-1])


def sample_speech(key: str) -> tuple[np.ndarray, str]:
    name, text = SPEECH_SAMPLES[key]
    return whole_sound(sample(name)), text


def test_the_jfk_sample_is_heard_word_for_word_with_americans_where_whisper_puts_it(recogniser):
    transcript = transcribe(sample("audio-speech-jfk-11s-44k-stereo.flac"), recogniser)  # a sound-only file
    assert word_error_rate(JFK, transcript.text) <= 0.10, transcript.text
    assert transcript.sound_us == 11_000_000
    # openai/whisper's own test of this file: "Americans" is timed across 1.8 s.
    (americans,) = [w for w in transcript.words if normalise(w.text) == ["americans"]]
    assert americans.start_us <= 1_800_000 <= americans.end_us
    for word in transcript.words:
        assert isinstance(word.start_us, int) and isinstance(word.end_us, int)
        assert 0 <= word.start_us < word.end_us <= transcript.sound_us


def test_no_word_is_timed_in_the_pauses_between_three_sentences(recogniser, tmp_path):
    timeline = Timeline().pause(2.0)
    for key in ("grid-woman", "jfk", "grid-man1"):
        samples, text = sample_speech(key)
        timeline.say(samples, text).pause(3.0)
    film = write_film(tmp_path / "three.mp4", timeline.samples(), channels=2)
    transcript = transcribe(film, recogniser)
    words = transcript.words
    assert len(words) >= 25
    silences = [(a * 1_000_000 // RATE, b * 1_000_000 // RATE) for a, b in timeline.silences()]
    for word in words:
        reach = max(min(word.end_us, b) - max(word.start_us, a) for a, b in silences)
        assert reach <= FRAME_US, f"{word.text!r} at {word.start_us}-{word.end_us} µs reaches {reach} µs into a pause"
    # And each sentence's words lie in that sentence: "fellow", "country" in the JFK excerpt.
    jfk_start, jfk_end = (x * 1_000_000 // RATE for x in timeline.spans[1])
    for word in words:
        if normalise(word.text) in (["fellow"], ["country"], ["americans"]):
            assert jfk_start - FRAME_US <= word.start_us and word.end_us <= jfk_end + FRAME_US


def test_a_five_one_film_is_mixed_down_and_heard(recogniser, tmp_path):
    samples, text = sample_speech("jfk")
    film = write_film(tmp_path / "surround.mp4", samples, channels=6)
    transcript = transcribe(film, recogniser)
    assert word_error_rate(text, transcript.text) <= 0.10, transcript.text


def test_a_film_with_no_sound_gives_an_empty_transcript(recogniser, tmp_path):
    film = write_film(tmp_path / "mute.mp4", np.zeros(RATE * 2, np.float32), sound=False)
    journal = tmp_path / "mute.jsonl"
    transcript = transcribe(film, recogniser, journal=journal)
    assert transcript.segments == [] and transcript.sound_us == 0 and transcript.text == ""
    # Done is remembered: asked again, the journal answers.
    assert json.loads(journal.read_text().splitlines()[-1]) == {"done": True, "end": 0}


def test_a_sample_film_with_no_sound_gives_an_empty_transcript(recogniser):
    assert transcribe(sample("container-mpegts-hevc-854x480p30-noaudio.ts"), recogniser).segments == []


def test_silence_and_faint_noise_give_no_words(recogniser, tmp_path):
    film = write_film(tmp_path / "room.mp4", Timeline().pause(6.0).samples(), channels=2)
    assert transcribe(film, recogniser).words == []


CHUNK = 8  # seconds: small chunks, so a 40 s film has several


@pytest.fixture(scope="module")
def talk(recogniser, tmp_path_factory):
    """About 40 s: the three dev sentences, each after a pause, twice over; and its transcript
    made in one go."""
    timeline = Timeline().pause(1.0)
    for _ in range(2):
        for key in ("jfk", "grid-woman", "grid-man1"):
            samples, text = sample_speech(key)
            timeline.say(samples, text).pause(1.0)
    film = write_film(tmp_path_factory.mktemp("talk") / "talk.mp4", timeline.samples(), channels=1)
    whole = transcribe(film, recogniser, chunk_seconds=CHUNK)
    assert len(whole.words) >= 40
    return film, whole


def as_rows(transcript):
    return [(w.text, w.start_us, w.end_us) for w in transcript.words]


def test_cancel_stops_and_the_next_run_carries_on_to_the_same_transcript(recogniser, talk, tmp_path):
    film, whole = talk

    journal, token, seen = tmp_path / "talk.jsonl", CancelToken(), []

    def progress(fraction, message=""):
        seen.append((fraction, message))
        if fraction > 0.3:
            token.cancel()

    with pytest.raises(Cancelled):
        transcribe(film, recogniser, journal=journal, chunk_seconds=CHUNK, progress=progress, cancel=token)
    kept = [json.loads(line) for line in journal.read_text().splitlines()[1:]]
    assert kept and all("chunk" in entry for entry in kept)  # finished chunks kept, no "done"
    assert kept[-1]["chunk"][1] < whole.sound_us * RATE // 1_000_000  # stopped before the end
    assert all(b >= a for (a, _), (b, _) in zip(seen, seen[1:]))  # progress only goes forward
    assert any(message.startswith("Transcribing: 0:") for _, message in seen)

    resumed_from = kept[-1]["chunk"][1]
    seen.clear()
    resumed = transcribe(film, recogniser, journal=journal, chunk_seconds=CHUNK, progress=progress_only(seen))
    assert seen[0][0] == pytest.approx(resumed_from / RATE / (whole.sound_us / 1e6), abs=0.05)  # not from zero
    assert as_rows(resumed) == as_rows(whole)


def progress_only(seen):
    return lambda fraction, message="": seen.append((fraction, message))


def test_a_crash_mid_write_loses_at_most_the_chunk_under_way(recogniser, talk, tmp_path):
    film, whole = talk
    journal = tmp_path / "talk.jsonl"
    assert as_rows(transcribe(film, recogniser, journal=journal, chunk_seconds=CHUNK)) == as_rows(whole)
    lines = journal.read_text().splitlines()
    assert len(lines) >= 5  # header, three or more chunks, done
    # The power went while the third chunk was being written.
    journal.write_text("\n".join(lines[:3]) + "\n" + lines[3][: len(lines[3]) // 2])
    again = transcribe(film, recogniser, journal=journal, chunk_seconds=CHUNK)
    assert as_rows(again) == as_rows(whole)
    assert journal.read_text().splitlines()[:3] == lines[:3]


def test_a_journal_of_another_film_or_model_is_not_carried_on(recogniser, tmp_path):
    film = write_film(tmp_path / "jfk.mp4", sample_speech("jfk")[0])
    journal = tmp_path / "t.jsonl"
    journal.write_text(json.dumps({"journal": 1, "film": "other", "model": recogniser.identity}) + "\n"
                       + json.dumps({"chunk": [0, 160000], "speech": [], "segments": [
                           {"text": "not said", "words": [["not", 0, 100, 1.0]]}]}) + "\n")
    transcript = transcribe(film, recogniser, journal=journal, film_key="sha256:abc")
    assert "not said" not in transcript.text and word_error_rate(JFK, transcript.text) <= 0.10


def test_a_transcription_killed_mid_film_carries_on_from_its_last_chunk(recogniser, talk, tmp_path):
    film, whole = talk
    journal = tmp_path / "killed.jsonl"
    code = ("import sys; from pathlib import Path; from media.speech import load, transcribe; "
            f"transcribe(Path(sys.argv[1]), load({recogniser.name!r}), journal=Path(sys.argv[2]), chunk_seconds={CHUNK})")
    proc = subprocess.Popen([sys.executable, "-c", code, str(film), str(journal)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not journal.exists() or journal.read_text().count('"chunk"') < 2:  # two chunks written
        assert time.monotonic() < deadline and proc.poll() is None, "the transcription never got going"
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)  # like a battery dying
    proc.wait()
    kept = journal.read_text()
    assert '"done"' not in kept
    resumed = transcribe(film, recogniser, journal=journal, chunk_seconds=CHUNK)
    assert as_rows(resumed) == as_rows(whole)
    assert journal.read_text().startswith(kept.rsplit("\n", 1)[0])  # what was written stayed


def test_the_default_model_hears_the_jfk_sample_with_no_network_at_all(recogniser):
    """The default (best installed) model, joined from its parts and checked, in a process with
    no network (a namespace of its own: `unshare -n`, as root here)."""
    jfk = sample("audio-speech-jfk-11s-44k-stereo.flac")
    if shutil.which("unshare") is None or subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode:
        pytest.skip("cannot take the network away here (unshare -n needs root or user namespaces)")
    code = ("import sys, socket; from media.speech import available, load, transcribe\n"
            "try:\n socket.create_connection(('pypi.org', 443), timeout=3); print('NETWORK')\n"
            "except OSError: pass\n"
            "print(available()[0]); print(transcribe(sys.argv[1], load()).text)")
    env = {k: v for k, v in os.environ.items() if k != "HF_HUB_OFFLINE"}
    done = subprocess.run(["unshare", "-n", sys.executable, "-c", code, str(jfk)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert "NETWORK" not in lines and lines[0] == available()[0]
    assert word_error_rate(JFK, lines[1]) <= 0.10, lines[1]


def test_a_model_whose_parts_do_not_join_into_the_known_model_is_refused(recogniser):
    split = [m for m in MODELS.values() if len(m.parts) > 1 and m.installed()]
    if not split:
        pytest.skip("no model shipped in parts is installed")
    wrong = dataclasses.replace(split[0], model_sha256="0" * 64)
    with pytest.raises(SpeechUnavailable, match="do not join into the known model"):
        _load(wrong, beam_size=1, threads=1, language="en")
    with pytest.raises(SpeechUnavailable, match="not a speech model ProtoReel knows"):
        load("large-v3")
