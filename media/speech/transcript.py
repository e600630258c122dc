"""What was said in a film: segments of words, each timed in integer microseconds of film time."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Word:
    text: str  # as written, with its punctuation ("Americans,")
    start_us: int
    end_us: int  # half-open: [start_us, end_us)
    probability: float = 1.0  # the model's confidence, 0..1

    def to_json(self) -> dict:
        return {"text": self.text, "start_us": self.start_us, "end_us": self.end_us,
                "probability": round(self.probability, 3)}


@dataclass
class Segment:
    start_us: int
    end_us: int
    text: str
    words: list[Word] = field(default_factory=list)
    speaker: str | None = None  # named later by a person ("Actor 1", "GP"); never guessed here

    def to_json(self) -> dict:
        return {"start_us": self.start_us, "end_us": self.end_us, "speaker": self.speaker,
                "text": self.text, "words": [w.to_json() for w in self.words]}

    @classmethod
    def from_json(cls, data: dict) -> "Segment":
        return cls(int(data["start_us"]), int(data["end_us"]), data["text"],
                   [Word(w["text"], int(w["start_us"]), int(w["end_us"]), float(w.get("probability", 1.0)))
                    for w in data.get("words", [])], data.get("speaker"))


@dataclass
class Transcript:
    segments: list[Segment]
    model: str  # the recogniser's identity ("base/beam5/en")
    sound_us: int  # how much sound was heard (0: the film has no sound)
    speech: list[tuple[int, int]] = field(default_factory=list)  # where speech was heard, [start, end) µs

    @property
    def words(self) -> list[Word]:
        return [w for s in self.segments for w in s.words]

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments)

    def to_json(self) -> dict:
        return {"model": self.model, "sound_us": self.sound_us, "speech": [list(r) for r in self.speech],
                "segments": [s.to_json() for s in self.segments]}

    @classmethod
    def from_json(cls, data: dict) -> "Transcript":
        return cls([Segment.from_json(s) for s in data["segments"]], data["model"], int(data["sound_us"]),
                   [(int(a), int(b)) for a, b in data.get("speech", [])])

