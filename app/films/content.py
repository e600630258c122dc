"""A film file's content: the facts the library keeps of it, the quick fingerprint and the full
hash that recognise content already in the library, and the pass that hashes (or copies) the
file on one core while the other makes its thumbnails and waveform."""

from __future__ import annotations

import errno
import hashlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import select

from app.library import Library
from app.models import Film
from media.analysis.one_pass import analyse
from media.errors import ProtoReelError, StorageError
from media.files import copy_and_hash, hash_file
from media.jobs import Cancelled, CancelToken, ProgressFn, sub_progress
from media.reading.probe import MediaInfo

PENDING = "pending-"  # the provisional content key of a film still importing
SAMPLE = 1 << 20  # bytes read at each of three places to recognise content quickly


def film_facts(info: MediaInfo) -> dict:
    """The Film columns a probe (or the pass over every packet) gives."""
    return dict(
        size_bytes=info.size_bytes,
        container=info.container,
        duration_us=info.duration_us,
        start_us=info.start_us,
        play_offset_us=info.play_offset_us,
        has_video=info.has_video,
        video_codec=info.video_codec,
        width=info.width,
        height=info.height,
        rotation=info.rotation,
        mirror=info.mirror,
        sar_num=info.sar.numerator,
        sar_den=info.sar.denominator,
        fps_num=info.fps.numerator if info.fps else None,
        fps_den=info.fps.denominator if info.fps else None,
        frame_count=info.frame_count,
        vfr=info.vfr,
        has_audio=info.has_audio,
        audio_codec=info.audio_codec,
        audio_rate=info.audio_rate,
        audio_channels=info.audio_channels,
        field_order=info.field_order,
        sound_end_us=info.sound_end_us,
    )


def fingerprint(path: Path, size: int) -> str:
    """A quick content check: the size and 1 MiB from the start, middle and end."""
    sha = hashlib.sha256(str(size).encode())
    with open(path, "rb") as fh:
        for offset in sorted({0, max(size // 2 - SAMPLE // 2, 0), max(size - SAMPLE, 0)}):
            fh.seek(offset)
            sha.update(fh.read(SAMPLE))
    return sha.hexdigest()


def same_content(lib: Library, source: Path, size: int) -> int | None:
    """The film already holding this content, if any (also one still importing). Files of
    the same size whose samples match are hashed in full to be sure."""
    with lib.read() as s:
        candidates = [(f.id, lib.film_path(f), f.sha256) for f in
                      s.scalars(select(Film).where(Film.size_bytes == size))]
    if not candidates:
        return None
    mine = fingerprint(source, size)
    full = None
    for film_id, path, sha in candidates:
        try:
            if fingerprint(path, size) != mine:
                continue
            full = full or hash_file(source)
            theirs = hash_file(path) if sha.startswith(PENDING) else sha
        except OSError:
            if sha.startswith(PENDING):
                continue  # their file is missing and not yet hashed: it cannot be compared
            # Missing here (moved, or on a team library not in this computer's shared folder):
            # its content is known by its hash.
            full, theirs = full or hash_file(source), sha
        if theirs == full:
            return film_id
    return None


def hash_and_analyse(info: MediaInfo, work: Path, cache: Path, link: bool, progress, cancel) -> tuple[str, MediaInfo]:
    """Hash (or copy while hashing, into ``work/media``) on one thread while the other decodes
    thumbnails and peaks into ``cache``: two cores, two jobs that barely wait on each other.
    ``info`` may come from ``probe_quick``: the exact facts are taken from the packets the
    thumbnail pass reads (``media.analysis.one_pass.analyse``), so the file is read once for pictures,
    sound and timing, and once for the hash. Progress is the mean of the two jobs, so it only moves forward.
    Returns the sha256 and the exact facts."""
    both = _Both(sub_progress(progress, 0.02, 0.98))
    with ThreadPoolExecutor(1, thread_name_prefix="hash") as pool:
        if link:
            hashing = pool.submit(hash_file, info.path, both.hashing, cancel)
        else:
            hashing = pool.submit(copy_and_hash, info.path, work / "media", both.hashing, cancel)
        try:
            info = analyse(info, cache, both.analysing, cancel)
        except OSError as exc:
            _cancel_quietly(hashing, cancel)
            raise _analysis_error(info.path, exc) from exc
        except BaseException:
            _cancel_quietly(hashing, cancel)
            raise
        sha = hashing.result()
    return sha, info


class _Both:
    """Two jobs' progress as one figure (each reports from its own thread)."""

    def __init__(self, progress: ProgressFn) -> None:
        self.progress = progress
        self.done = {"hash": 0.0, "analyse": 0.0}

    def _report(self, job: str, fraction: float, message: str) -> None:
        self.done[job] = fraction
        self.progress((self.done["hash"] + self.done["analyse"]) / 2, message)

    def hashing(self, fraction: float, message: str = "") -> None:
        self._report("hash", fraction, message)

    def analysing(self, fraction: float, message: str = "") -> None:
        self._report("analyse", fraction, message)


def _analysis_error(film: Path, exc: OSError) -> StorageError:
    """Name the film, not the temporary folder its pictures were being written to."""
    if exc.errno == errno.ENOSPC:
        reason = "the disk is full; free some space and try again"
    else:
        reason = exc.strerror or str(exc)
    return StorageError(f"{film.name}: its thumbnails and waveform could not be written ({reason})")


def _cancel_quietly(future, cancel: CancelToken) -> None:
    """Stop the hashing thread after the other job failed, without losing the first error."""
    cancel.cancel() if not cancel.cancelled else None
    try:
        future.result()
    except (Cancelled, ProtoReelError, OSError):
        pass
