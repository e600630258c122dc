"""Transcription on this machine: word error rate, speed and word timing, against known speech.

    .venv/bin/python bench/transcribe_bench.py                 # the default model and beam
    .venv/bin/python bench/transcribe_bench.py --model all --beam 1 5
    .venv/bin/python bench/transcribe_bench.py --dev-only      # hide the held-out sample
    .venv/bin/python bench/transcribe_bench.py --minutes 12    # also a 12-minute film (speed, memory)

References (independent of any recogniser):
- the JFK excerpt (../shared/samples, openai/whisper's tests/jfk.flac): "And so my fellow
  Americans, ask not what your country can do for you, ask what you can do for your country."
  (the 1961 inaugural address);
- the GRID films: the sentence their corpus name codes (SOURCES.md; FACTS.md has the grammar).
  GRID man 2 is HELD OUT: it was never looked at while the model, beam and settings were chosen;
- a "talk" film: the JFK excerpt and GRID woman/man 1 between sentences spoken by espeak-ng
  (when installed), with pauses of faint noise: speed on minutes of sound (a 3 s clip costs a
  whole 30 s Whisper window, so short clips cannot show a long film's speed);
- word timing: three espeak-ng sentences (else the three dev samples) 3 s apart; where each
  is loud is known from the samples themselves, so a word timed in a pause is a word in silence;
  and a film of espeak-ng words each spoken alone (its start and end known to the sample) for
  the error of each word's start and end.
Word error rate after the issue's normalisation (media/speech/score.py). Real-time factor =
sound length / wall time of media.speech.transcribe (decoding, voice detection, recognition),
with the process's CPU time beside it; the machine's load is printed (other work shares it).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from media.speech import load, transcribe  # noqa: E402
from media.speech.models import PREFERRED, available  # noqa: E402
from media.speech.score import normalise, word_error_rate  # noqa: E402
from media.speech.sound import RATE, whole_sound  # noqa: E402
from tests.speech_films import HELD_OUT, SPEECH_SAMPLES, Timeline, espeak, write_film  # noqa: E402

SAMPLES = Path(os.environ.get("PROTOREEL_SAMPLES") or ROOT.parent / "shared" / "samples")
LINES = [  # a reception desk role-play, spoken by espeak-ng voices (written for this bench)
    ("en-gb", "Good morning, you have reached the surgery. How can I help you today?"),
    ("en-us", "Hello, I need to see a doctor about my medication, it has not been working for weeks."),
    ("en-gb", "I am sorry, all the appointments for today have gone. You will have to ring back at eight tomorrow."),
    ("en-us", "I rang at eight this morning and the line was busy for forty minutes."),
    ("en-gb+f3", "Is there anyone else who could speak to me? My carer is here with me."),
    ("en-gb", "Nobody asked me what I needed. I have been looking after my son for three years."),
    ("en-us+m3", "We could book you a call with the practice nurse on Thursday afternoon."),
    ("en-gb", "That would help. Could you send the letter to my new address please?"),
    ("en-gb+f3", "The letter went to the old flat again, and I missed the appointment in March."),
    ("en-us", "Let us write down your details now, so that it does not happen again."),
]


def load_average() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def timed(path: Path, recogniser) -> tuple[object, float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    transcript = transcribe(path, recogniser)
    return transcript, time.perf_counter() - wall, time.process_time() - cpu


def dev_pieces() -> list[tuple[np.ndarray, str]]:
    out = []
    for key in ("jfk", "grid-woman", "grid-man1"):
        name, text = SPEECH_SAMPLES[key]
        if (SAMPLES / name).exists():
            out.append((whole_sound(SAMPLES / name), text))
    return out


def talk_film(folder: Path, repeats: int = 2) -> tuple[Path, str] | None:
    """Minutes of talk: espeak-ng lines with the dev samples among them, ``repeats`` times over."""
    dev = dev_pieces()
    lines = [(espeak(text, voice), text) for voice, text in LINES]
    if lines[0][0] is None:
        lines = []
    if not dev and not lines:
        return None
    timeline = Timeline().pause(1.0)
    for _ in range(repeats):
        for i, (samples, text) in enumerate(lines or dev * 4):
            timeline.say(samples, text).pause(1.5)
            if lines and i % 4 == 3 and dev:
                s, t = dev[(i // 4) % len(dev)]
                timeline.say(s, t).pause(1.5)
    path = write_film(folder / f"talk{repeats}.mp4", timeline.samples(), channels=2)
    return path, timeline.text


def pause_film(folder: Path) -> tuple[Path, Timeline] | None:
    """Three sentences 3 s apart, in faint noise."""
    picks = [espeak(LINES[i][1], LINES[i][0]) for i in (0, 2, 8)]
    texts = [LINES[i][1] for i in (0, 2, 8)]
    floor = 0.002  # espeak-ng's pauses are digital silence: its speech is everything above it
    if picks[0] is None:
        floor = 0.02  # the samples' own quiet ends (room noise) are not speech
        dev = dev_pieces()
        if len(dev) < 3:
            return None
        picks, texts = [d[0] for d in dev], [d[1] for d in dev]
    timeline = Timeline().pause(3.0)
    for samples, text in zip(picks, texts):
        timeline.say(samples, text, floor).pause(3.0)
    return write_film(folder / "pauses.mp4", timeline.samples(), channels=2), timeline


def word_film(folder: Path) -> tuple[Path, Timeline] | None:
    """Sentences spoken a word at a time (each word's extent known), 0.12 s between words."""
    if espeak("test") is None:
        return None
    timeline = Timeline().pause(1.0)
    for voice, text in LINES[:6]:
        for word in text.replace(",", "").replace(".", "").replace("?", "").split():
            timeline.say(espeak(word, voice, speed=170), word, floor=0.002).pause(0.12)
        timeline.pause(1.2)
    return write_film(folder / "words.mp4", timeline.samples(), channels=1), timeline


def outside(words, silences) -> list[tuple[str, float]]:
    """Words overlapping a silence, with how far (s) they reach into it."""
    bad = []
    for w in words:
        s, e = w.start_us * RATE // 1_000_000, w.end_us * RATE // 1_000_000
        worst = max((min(e, b) - max(s, a) for a, b in silences), default=0)
        if worst > 0:
            bad.append((w.text, worst / RATE))
    return bad


def timing_errors(words, timeline: Timeline) -> dict:
    """Align the heard words to the spoken ones (same normalised text, in order) and measure."""
    truth = [(normalise(t), span) for t, span in zip(timeline.texts, timeline.spans)]
    starts, ends, inside = [], [], 0
    j = 0
    for w in words:
        norm = normalise(w.text)
        for k in range(j, min(j + 4, len(truth))):
            if truth[k][0] == norm:
                a, b = truth[k][1]
                ws, we = w.start_us * RATE / 1e6, w.end_us * RATE / 1e6
                starts.append(abs(ws - a) / RATE)
                ends.append(abs(we - b) / RATE)
                inside += a <= (ws + we) / 2 < b
                j = k + 1
                break
    if not starts:
        return {"matched": 0}
    return {"matched": f"{len(starts)}/{len(truth)}", "middle inside its word": f"{inside}/{len(starts)}",
            "start error median/90%/max s": [round(float(np.percentile(starts, q)), 3) for q in (50, 90, 100)],
            "end error median/90%/max s": [round(float(np.percentile(ends, q)), 3) for q in (50, 90, 100)]}


def rss_mb() -> int:
    try:
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) // 1024 for line in f if line.startswith("VmRSS"))
    except (OSError, StopIteration):
        return 0


def long_run(folder: Path, recogniser, minutes: float) -> dict:
    """The talk film repeated to about ``minutes``: speed, WER and memory over a long film."""
    talk = talk_film(folder, repeats=max(1, round(minutes * 60 / 82)))
    if talk is None:
        return {"skipped": "no speech to make a film of"}
    seen, done = [], threading.Event()

    def watch():
        while not done.wait(0.5):
            seen.append(rss_mb())

    threading.Thread(target=watch, daemon=True).start()
    before = rss_mb()
    transcript, wall, cpu = timed(talk[0], recogniser)
    done.set()
    seconds = transcript.sound_us / 1e6
    quarter = max(len(seen) // 4, 1)
    return {"minutes": round(seconds / 60, 1), "wall s": round(wall, 1), "cpu s": round(cpu, 1),
            "x real time": round(seconds / wall, 1),
            "WER %": round(100 * word_error_rate(talk[1], transcript.text), 1),
            "RSS MB before / max first quarter / max last quarter": [before, max(seen[:quarter], default=0),
                                                                    max(seen[-quarter:], default=0)]}


def run(model: str, beam: int, dev_only: bool, minutes: float = 0) -> dict:
    report: dict = {"model": model, "beam": beam, "at start": load_average()}
    t = time.perf_counter()
    recogniser = load(model, beam_size=beam)
    report["load s"] = round(time.perf_counter() - t, 2)
    report["peak MB after load"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if minutes:
            report["long film"] = long_run(folder, recogniser, minutes)
        samples = {}
        for key, (name, text) in SPEECH_SAMPLES.items():
            if key in HELD_OUT and dev_only:
                continue
            if not (SAMPLES / name).exists():
                samples[key] = f"skipped: {name} not in {SAMPLES}"
                continue
            transcript, wall, cpu = timed(SAMPLES / name, recogniser)
            seconds = transcript.sound_us / 1e6
            samples[key + (" (HELD OUT)" if key in HELD_OUT else "")] = {
                "WER %": round(100 * word_error_rate(text, transcript.text), 1),
                "x real time": round(seconds / wall, 1), "cpu s": round(cpu, 2),
                "heard": transcript.text, "reference": text}
        report["samples"] = samples
        talk = talk_film(folder)
        if talk is not None:
            transcript, wall, cpu = timed(talk[0], recogniser)
            seconds = transcript.sound_us / 1e6
            report["talk film"] = {"seconds": round(seconds, 1), "wall s": round(wall, 1), "cpu s": round(cpu, 1),
                                   "x real time": round(seconds / wall, 1),
                                   "WER %": round(100 * word_error_rate(talk[1], transcript.text), 1)}
        pauses = pause_film(folder)
        if pauses is not None:
            transcript = transcribe(pauses[0], recogniser)
            bad = outside(transcript.words, pauses[1].silences())
            report["pause film"] = {"words": len(transcript.words), "words in a pause": bad,
                                    "WER %": round(100 * word_error_rate(pauses[1].text, transcript.text), 1)}
        words = word_film(folder)
        if words is not None:
            transcript = transcribe(words[0], recogniser)
            report["word film"] = timing_errors(transcript.words, words[1])
    report["peak MB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    report["at end"] = load_average()
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default=None, help="a shipped model (%s) or 'all'" % ", ".join(PREFERRED))
    parser.add_argument("--beam", type=int, nargs="+", default=[5])
    parser.add_argument("--dev-only", action="store_true", help="leave out the held-out sample")
    parser.add_argument("--minutes", type=float, default=0, help="also a long film of about this many minutes")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # a child run: one model, one beam
    args = parser.parse_args()
    models = available() if args.model == "all" else [args.model or (available() or ["none"])[0]]
    if not available():
        print("no speech model installed (faster-whisper and a model package are needed)")
        return 1
    print(f"{os.cpu_count()} cores; samples from {SAMPLES}")
    if args.one:
        print(json.dumps(run(models[0], args.beam[0], args.dev_only, args.minutes)))
        return 0
    for model in models:
        for beam in args.beam:
            # Each in its own process: load time and peak memory are the model's own.
            child = subprocess.run([sys.executable, __file__, "--one", "--model", model, "--beam", str(beam),
                                    "--minutes", str(args.minutes)] + (["--dev-only"] if args.dev_only else []),
                                   capture_output=True, text=True)
            if child.returncode:
                print(child.stderr[-2000:])
                return 1
            report = json.loads(child.stdout.strip().splitlines()[-1])
            print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
