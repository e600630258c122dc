"""Typed errors whose message a facilitator can act on.

The UI shows ``str(error)`` in one place; the CLI prints it on stderr and exits with
``exit_code``. Cancelling is not an error (see ``media.jobs.Cancelled``).
"""


class ProtoReelError(Exception):
    """Base of every error the core raises on purpose."""

    exit_code = 1


class BadInput(ProtoReelError):
    """The user gave something we cannot use: a file, a timecode, a name. Nothing changed."""

    exit_code = 2


class UnsupportedMedia(BadInput):
    """A file that FFmpeg cannot open or decode."""


class NotFound(BadInput):
    """A film, clip, tag, reel... named by id or title that does not exist."""


class Ambiguous(BadInput):
    """A name that matches more than one thing."""


class ConsentRefused(BadInput):
    """An export whose audience goes beyond someone's consent."""


class NothingToUndo(ProtoReelError):
    pass


class StorageError(ProtoReelError):
    """Disk full, folder not writable, file vanished while we worked."""


class FolderUnusable(StorageError):
    """A folder the user chose is missing, read-only or full: theirs to fix, so bad input (exit 2)."""

    exit_code = 2


class EditConflict(ProtoReelError):
    """Two people changed the same thing at once: the later change, made from an older reading,
    was refused and nothing of it written (never a silent overwrite of the other's work)."""
