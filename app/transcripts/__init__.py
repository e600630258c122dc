"""What was said in each film: transcripts heard on this computer (``media.speech``), kept in the
library word by word, corrected and given speakers by facilitators, searched by what was said,
turned into clips and quotes, and carried by reels as captions of speech.

- ``transcripts``: the setting that switches it all off, storing, reading and correcting;
- ``transcribing``: hearing films in the background, resumable after a crash;
- ``search``: finding the moments something was said (the one place the full-text query lives);
- ``captions``: words laid out as caption cues (reels, SRT/WebVTT, the presentation).
"""
