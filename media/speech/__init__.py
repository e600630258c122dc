"""Speech: what was said in a film, heard on this machine (no network, no model download).

    from media.speech import transcribe, load, available
    transcript = transcribe(path, load(), journal=cache / "transcript.jsonl", film_key=sha256,
                            progress=progress, cancel=cancel)

``available()`` lists the shipped models installed (empty: transcription is switched off, say
so); ``load(name)`` loads one (once per process); ``transcribe`` hears a film in resumable
chunks and returns a ``Transcript`` of ``Segment``s of ``Word``s timed in integer microseconds
of film time, each word inside the speech it belongs to. ``read_sound`` gives any film's sound
as mono 16 kHz; ``score.word_error_rate`` measures a transcript against a known sentence.
"""

from media.speech.models import MODELS, Recogniser, SpeechUnavailable, available, load
from media.speech.sound import RATE, has_sound, read_sound
from media.speech.engine import transcribe
from media.speech.transcript import Segment, Transcript, Word

__all__ = ["MODELS", "RATE", "Recogniser", "Segment", "SpeechUnavailable", "Transcript", "Word", "available",
           "has_sound", "load", "read_sound", "transcribe"]
