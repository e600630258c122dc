"""What a command prints: records on stdout (text, or one JSON object per line), failures and
notes on stderr, each on one line; progress on a terminal; the exit statuses."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from app.texts import shown
from media import timecode
from media.reading import interlace

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def one_line(message: str) -> str:
    """Control characters (a newline in a file name...), direction overrides and invisible
    characters shown escaped, so a message stays one line and reads as it is."""
    return shown(message)


def written(path) -> Path:
    """Where a file was written, as the file system names it: absolute, no ``..`` left in."""
    return Path(path).resolve()


def safe_text(text: str) -> str:
    """A record's text for a terminal: its own line breaks kept, anything a value carries that
    a terminal would act on (escape sequences, carriage returns, direction overrides) escaped."""
    return "\n".join(shown(line) for line in str(text).split("\n"))


def safe_json(data: dict) -> str:
    """One JSON object on one line; characters JSON leaves raw that a terminal would act on
    (C1 controls, direction overrides, line separators) written as \\u escapes too."""
    text = json.dumps(data, ensure_ascii=False)
    return "".join(ch if ch.isprintable() or ch == " " else _json_escape(ch) for ch in text)


def _json_escape(ch: str) -> str:
    code = ord(ch)
    if code > 0xFFFF:
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


class Out:
    """Prints records as text or one JSON object per line; failures go to stderr."""

    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json

    def record(self, data: dict, text: str) -> None:
        print(safe_json(data) if self.as_json else safe_text(text), flush=True)

    @staticmethod
    def fail(message: str) -> None:
        print(one_line(message), file=sys.stderr, flush=True)

    @staticmethod
    def note(message: str) -> None:
        """Something worth knowing that is not a failure (stderr, so stdout stays records)."""
        print("note: " + one_line(message), file=sys.stderr, flush=True)


def progress_on_terminal():
    """A progress line on stderr when it is a terminal; silence otherwise (a log, a pipe)."""
    if not sys.stderr.isatty():
        return lambda fraction, message="": None

    def show(fraction: float, message: str = "") -> None:
        print(f"\r{fraction * 100:5.1f}%  {shown(message)[:70]:70}", end="", file=sys.stderr, flush=True)
        if fraction >= 1.0:
            print(file=sys.stderr)
    return show


def film_line(f) -> str:
    size = f"{f.width}×{f.height}" if f.width else "audio only"
    rot = f" rot {f.rotation}°" if f.rotation else ""
    fps = f" {f.fps} fps{' VFR' if f.vfr else ''}" if f.fps else ""
    fps += f" {interlace.said(f.interlaced)}" if getattr(f, "interlaced", "") else ""
    state = "  [MISSING]" if f.missing else ""
    return f"{f.id:>5}  {f.title}  {timecode.format_clock(f.duration_us)}  {size}{rot}{fps}{state}"


def clip_line(c) -> str:
    tags = ", ".join(f"{t['kind']}:{t['name']}" for t in c.tags)
    return (f"{c.id:>6}  {c.film}  {timecode.format_clock(c.start_us)}–{timecode.format_clock(c.end_us)}"
            f"  {c.title}" + (f"  [{tags}]" if tags else ""))


def cancel_on_interrupt():
    """A cancel token that Ctrl+C sets: a long job stops cleanly instead of dying mid-write."""
    import signal

    from media.jobs import CancelToken

    cancel = CancelToken()
    signal.signal(signal.SIGINT, lambda *_: cancel.cancel())
    return cancel
