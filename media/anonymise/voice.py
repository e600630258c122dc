"""Voice masking: a pitch shift that keeps the timing (so picture and sound stay in sync).

ffmpeg's rubberband filter shifts pitch without changing tempo; with formants shifted too a
voice is much harder to recognise than with a plain resampling, and speech stays clear.
"""

PITCH = 1.35  # about five semitones up


def voice_filter(pitch: float = PITCH) -> str:
    """An ffmpeg audio filter (to put before resampling) that masks voices."""
    return f"rubberband=pitch={pitch}:formant=shifted"
