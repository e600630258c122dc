"""Words laid out as captions: what reels burn in and write as SRT/WebVTT, what the presentation
shows over a clip and what ``protoreel transcript --srt|--vtt`` prints.

A cue holds at most two lines of about 42 characters (the BBC's subtitle guidelines), at most
6 seconds, and starts afresh after a pause, at the end of a sentence once it has some words, and
when the speaker changes (a named speaker's first cue begins with their name: "GP: ..."). A cue
shows from its first word to its last, held a little longer (up to 1 s on screen in all) when
nothing follows at once.
"""

from __future__ import annotations

from dataclasses import dataclass

LINE_CHARS = 42
MAX_LINES = 2
MAX_CUE_US = 6_000_000
PAUSE_US = 1_000_000  # a silence this long ends a cue
MIN_SHOWN_US = 1_000_000  # a short cue stays up this long, unless the next one comes sooner
HOLD_US = 500_000  # ... and at most this long past its last word
SENTENCE_CHARS = 30  # a cue this long ends at a full stop

Word = tuple[str, int, int, str]  # text, start_us, end_us, speaker


@dataclass
class Cue:
    start_us: int
    end_us: int
    text: str  # lines joined by "\n"

    def shifted(self, by_us: int) -> "Cue":
        return Cue(self.start_us + by_us, self.end_us + by_us, self.text)


def wrap(words: list[str], width: int = LINE_CHARS) -> list[str]:
    """Words in lines of at most ``width`` characters (a longer word has a line of its own); two
    lines are balanced, so the bottom line is not a lone word."""
    text = " ".join(words)
    if len(text) <= width:
        return [text] if text else []
    best = None
    for cut in range(1, len(words)):  # two lines: the most even cut that fits
        top, bottom = " ".join(words[:cut]), " ".join(words[cut:])
        if len(top) <= width and len(bottom) <= width:
            score = abs(len(top) - len(bottom))
            if best is None or score < best[0]:
                best = (score, [top, bottom])
    if best is not None:
        return best[1]
    lines, line = [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return lines + ([line] if line else [])


def cues(words: list[Word], start_us: int = 0, end_us: int | None = None) -> list[Cue]:
    """The cues of the words whose middle lies in [start_us, end_us), cut to that stretch."""
    inside = [w for w in words if start_us <= (w[1] + w[2]) // 2 and (end_us is None or (w[1] + w[2]) // 2 < end_us)]
    groups: list[list[Word]] = []
    for word in inside:
        text = word[0].strip()
        if not text:
            continue
        group = groups[-1] if groups else None
        if group is not None:
            chars = len(" ".join(w[0] for w in group)) + 1 + len(text)
            said = " ".join(w[0] for w in group)
            if (word[3] != group[-1][3] or word[1] - group[-1][2] >= PAUSE_US
                    or word[2] - group[0][1] > MAX_CUE_US or chars > LINE_CHARS * MAX_LINES
                    or (group[-1][0].rstrip().endswith((".", "?", "!")) and len(said) >= SENTENCE_CHARS)):
                group = None
        if group is None:
            groups.append([word])
        else:
            group.append(word)
    out = []
    previous_speaker = ""
    for n, group in enumerate(groups):
        speaker = group[0][3]
        # In SRT and WebVTT "-->" reads as a timing line: a word holding it must not smuggle cues.
        texts = [w[0].strip().replace("-->", "→") for w in group]
        if speaker and speaker != previous_speaker:
            texts[0] = f"{speaker}: {texts[0]}"
        previous_speaker = speaker
        lines = wrap(texts)
        a, b = group[0][1], group[-1][2]
        following = groups[n + 1][0][1] if n + 1 < len(groups) else None
        shown = max(b, min(a + MIN_SHOWN_US, b + HOLD_US))
        if following is not None:
            shown = min(shown, following)
        shown = max(shown, b)
        if end_us is not None:
            shown = min(shown, end_us)
        a = max(a, start_us)
        if shown > a:
            out.append(Cue(a, shown, "\n".join(lines)))
    return out


def at(cue_list: list[Cue], t_us: int) -> str:
    """The cue's text on screen at ``t_us`` ("" between cues)."""
    for cue in cue_list:
        if cue.start_us <= t_us < cue.end_us:
            return cue.text
        if cue.start_us > t_us:
            break
    return ""


def srt(cue_list: list[Cue]) -> str:
    out = []
    for n, cue in enumerate(cue_list, 1):
        out.append(f"{n}\n{_clock(cue.start_us, ',')} --> {_clock(cue.end_us, ',')}\n{cue.text}\n")
    return "\n".join(out)


def vtt(cue_list: list[Cue]) -> str:
    out = ["WEBVTT", ""]
    for cue in cue_list:
        out.append(f"{_clock(cue.start_us, '.')} --> {_clock(cue.end_us, '.')}\n{cue.text}\n")
    return "\n".join(out)


def _clock(us: int, mark: str) -> str:
    ms = max(us, 0) // 1000
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{mark}{ms:03d}"
