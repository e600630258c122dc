"""Screenshot scene for transcripts (played by tests/ui/scenes.py under Xvfb): a reception-desk
role-play heard on this computer, its speakers named, a clip made from the carer's words and the
word being said highlighted as it plays.

The film is made here: the picture is the GRID corpus's woman and man side by side (../shared/
samples), the voices are espeak-ng reading lines written for this scene (two voices), so what is
said is known and no real participant is heard. The transcript is the default model's own.
"""

from __future__ import annotations

import shutil
import subprocess
import wave
from pathlib import Path

import numpy as np
from PySide6.QtWidgets import QApplication

from tests.conftest import SAMPLES

WOMAN = "people-talking-grid-woman-360x288p25-mpeg1-mp2.mpg"
MAN = "people-talking-grid-man1-360x288p25-mpeg1-mp2.mpg"
LINES = [  # (who, voice, words)
    ("Receptionist", "en-gb+f3", "Good morning. How can I help you today?"),
    ("Carer", "en-gb", "I rang on Monday about my son's appointment, and nobody called me back."),
    ("Receptionist", "en-gb+f3", "You'll have to ring back at eight tomorrow. The lines open then."),
    ("Carer", "en-gb", "I have rung at eight three times. Nobody asked me what he needs."),
    ("Receptionist", "en-gb+f3", "Let me take your number, and I will ask the duty worker to call you."),
]


def _helpers():
    from tests.ui import scenes  # imported when a scene plays: scenes.py imports this module

    return scenes


def role_play_film(folder: Path) -> tuple[Path, list[tuple[str, float, float]]]:
    """The film, and when each line is said: (who, start s, end s)."""
    import imageio_ffmpeg

    from tests.speech_films import RATE, Timeline, espeak

    timeline = Timeline().pause(1.0)
    for _who, voice, words in LINES:
        timeline.say(espeak(words, voice=voice, speed=150) * 0.8, words).pause(1.2)
    samples = np.clip(timeline.samples() * 32767, -32768, 32767).astype(np.int16)
    speech = folder / "speech.wav"
    with wave.open(str(speech), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(samples.tobytes())
    film = folder / "Reception desk role-play.mp4"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-stream_loop", "-1", "-i", str(SAMPLES / WOMAN),
                    "-stream_loop", "-1", "-i", str(SAMPLES / MAN), "-i", str(speech), "-filter_complex",
                    "[0:v][1:v]hstack,fps=25[v]", "-map", "[v]", "-map", "2:a", "-shortest", "-c:v", "libx264",
                    "-preset", "veryfast", "-crf", "20", "-c:a", "aac", str(film)], check=True, timeout=120)
    spans = [(who, a / RATE, b / RATE) for (who, _v, _w), (a, b) in zip(LINES, timeline.spans)]
    return film, spans


def scene_transcript(library: Path, out: Path) -> None:
    from app import reads
    from app.films import importing
    from app.library import Library
    from app.transcripts import transcribing, transcripts
    from app.transcripts.transcripts import WordRef

    s = _helpers()
    if shutil.which("espeak-ng") is None:
        raise AssertionError("espeak-ng is not installed (scripts/setup.sh test installs it)")
    app = QApplication.instance()
    lib = Library.open(library)
    film, spans = role_play_film(library.parent)
    film_id = importing.import_files(lib, [film], event="Living well workshop, 14 Nov")[0].film_id
    (result,) = transcribing.transcribe_films(lib, [film_id])  # the default model, on this computer
    assert result.status == "transcribed" and result.words >= 50, result
    record = reads.transcript(lib, film_id)
    for who, a, b in spans:  # each line's speaker, named as a facilitator would
        lines = [seg.id for seg in record.segments if a - 0.3 <= seg.start_us / 1e6 < b]
        if lines:
            transcripts.name_speaker(lib, lines, who)
    record = reads.transcript(lib, film_id)
    words = [(seg.id, i, w) for seg in record.segments for i, w in enumerate(seg.words)]
    plain = [transcripts_tokens(w.text) for _s, _i, w in words]
    at = max(i for i in range(len(plain) - 1) if plain[i] == ["nobody"] and plain[i + 1] == ["asked"])
    end = next(i for i in range(at, len(plain)) if plain[i] == ["needs"])
    clip_id = transcripts.clip_from_words(lib, WordRef(words[at][0], words[at][1]), WordRef(words[end][0], words[end][1]),
                                          title="Nobody asked what he needs", tags=["challenge:Not being listened to"])
    lib.undo_stack.clear()
    window = s.open_window(lib)
    window.library_panel.select_film(film_id)
    s.wait_until(app, lambda: window.video.current_image() is not None)
    window.show_dock("transcript")
    window.selection.select(clip_id)
    ring = next(i for i in range(len(plain) - 1) if plain[i] == ["ring"] and plain[i + 1] == ["back"])
    window.player.seek_us(words[ring][2].start_us + 60_000)
    panel = window.transcript_panel
    s.wait_until(app, lambda: panel.current_word is not None and panel.view.placed[panel.current_word].text == words[ring][2].text)
    text = panel.view.toPlainText()
    assert "Receptionist:" in text and "Carer:" in text, text
    assert reads.clip(lib, clip_id).quote.lower().startswith("nobody asked me what he needs")
    image = s.grab(app, window, out)
    s.assert_shows(image, window, window.video, 50, "the player shows no real picture")
    window.close()
    lib.close()


def transcripts_tokens(text: str) -> list[str]:
    from app.transcripts.search import tokens

    return tokens(text)


SCENES = {"transcript": scene_transcript}
