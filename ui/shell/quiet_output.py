"""What C libraries and child processes write on file descriptor 2 (FFmpeg in Qt's player,
decoders, helper processes), kept in ``output.log`` without drowning it: each line is written
the first time it is seen, with the time; the same line again (addresses and counters aside)
is counted, and said once as "… (1,727 more times since 11:02:13)" when its count reaches 10,
100, 1,000…, after a quiet minute, and at the end. The file is capped (rotated at
``MAX_BYTES``, ``BACKUPS`` kept). One MPEG-2 film's broken sound wrote 1,728 "[mp2 @ 0x…]
Header missing" lines in 40 minutes (issue 25); now it writes one, and then its count.

Descriptor 2 goes into a pipe read by a thread that only reads, sorts and writes; a crash's
Python traceback goes to ``crash.log`` directly (``faulthandler``), not through the pipe.
``Repeats`` is the rule on its own (no files, no threads), for tests.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
import threading
import time
from pathlib import Path

from ui.kit.logs import private_opener

MAX_BYTES = 1_000_000
BACKUPS = 2
QUIET_S = 60.0  # a repeat unsaid for this long is said at the next line (or the end)
_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
_NUMBER = re.compile(r"\d+")


def shape(line: str) -> str:
    """A line with its addresses and numbers taken out: what makes two lines "the same"."""
    return _NUMBER.sub("#", _ADDRESS.sub("0x…", line.strip()))


class Repeats:
    """Which lines to write: the first of each shape, then counts."""

    def __init__(self, clock=time.time) -> None:
        self.clock = clock
        self.seen: dict[str, list] = {}  # shape -> [first line, unsaid count, first unsaid time, total]

    def feed(self, line: str) -> list[str]:
        now = self.clock()
        key = shape(line)
        out = self._due(now, skip=key)
        entry = self.seen.get(key)
        if entry is None:
            if len(self.seen) > 5_000:  # a stream of ever-new lines: forget the oldest shapes
                self.seen.pop(next(iter(self.seen)))
            self.seen[key] = [line.rstrip(), 0, now, 1]
            return out + [f"{_stamp(now)} {line.rstrip()}"]
        entry[3] += 1
        if entry[1] == 0:
            entry[2] = now
        entry[1] += 1
        if _round(entry[3]):
            out.append(self._said(entry))
        return out

    def _said(self, entry: list) -> str:
        text = f"{_stamp(self.clock())} {entry[0]}  ({entry[1]:,} more {'time' if entry[1] == 1 else 'times'} " \
               f"since {_stamp(entry[2])}; {entry[3]:,} in all)"
        entry[1] = 0
        return text

    def _due(self, now: float, skip: str = "") -> list[str]:
        return [self._said(e) for k, e in self.seen.items() if e[1] and k != skip and now - e[2] >= QUIET_S]

    def flush(self) -> list[str]:
        """Every count not yet said (at the end)."""
        return [self._said(e) for e in self.seen.values() if e[1]]


def _round(n: int) -> bool:
    """10, 100, 1000…: when a growing count is worth a line."""
    return n >= 10 and str(n).strip("0") == "1"


def _stamp(when: float) -> str:
    return dt.datetime.fromtimestamp(when).strftime("%H:%M:%S")


class CappedFile:
    """A text file rotated at ``max_bytes`` (``name.1``, ``name.2``…)."""

    def __init__(self, path: Path, max_bytes: int = MAX_BYTES, backups: int = BACKUPS) -> None:
        self.path, self.max_bytes, self.backups = path, max_bytes, backups
        self.fh = open(path, "a", encoding="utf-8", errors="replace", opener=private_opener)  # noqa: SIM115 - lives with the app (600: names films)

    def write(self, lines: list[str]) -> None:
        if not lines:
            return
        text = "".join(line + "\n" for line in lines)
        if self.fh.tell() + len(text) > self.max_bytes:
            self._rotate()
        self.fh.write(text)
        self.fh.flush()

    def _rotate(self) -> None:
        self.fh.close()
        for n in range(self.backups, 0, -1):
            older = self.path.with_name(f"{self.path.name}.{n}")
            newer = self.path.with_name(f"{self.path.name}.{n - 1}") if n > 1 else self.path
            if newer.exists():
                os.replace(newer, older)
        self.fh = open(self.path, "a", encoding="utf-8", errors="replace", opener=private_opener)  # noqa: SIM115


class NativeOutput:
    """Descriptor 2 into ``path`` through ``Repeats`` (see the module's doc)."""

    def __init__(self, path: Path) -> None:
        self.file = CappedFile(path)
        self.repeats = Repeats()
        self.lock = threading.Lock()
        read, write = os.pipe()
        self.saved = os.dup(2)
        sys.stderr.flush()
        os.dup2(write, 2)
        os.close(write)
        self.reader = os.fdopen(read, "rb", buffering=0)
        self.thread = threading.Thread(target=self._read, name="native-output", daemon=True)
        self.thread.start()

    def _read(self) -> None:
        pending = b""
        while True:
            try:
                chunk = self.reader.read(65536)
            except OSError:
                return
            if not chunk:
                break
            pending += chunk
            *lines, pending = pending.split(b"\n")
            lines = [b for b in lines if b.strip()]
            if lines:
                with self.lock:
                    out = []
                    for raw in lines:
                        out += self.repeats.feed(raw.decode("utf-8", "replace"))
                    self.file.write(out)
        if pending.strip():
            with self.lock:
                self.file.write(self.repeats.feed(pending.decode("utf-8", "replace")))

    def close(self) -> None:
        """At the end: descriptor 2 back to where it was, what is left in the pipe read, the
        counts said."""
        sys.stderr.flush()
        with self.lock:
            self.file.fh.flush()
            os.dup2(self.file.fh.fileno(), 2)  # late words go to the file itself; the pipe's writer closes
        self.thread.join(1)  # (a helper process still holding the pipe: what it says later is lost)
        with self.lock:
            self.file.write(self.repeats.flush())
