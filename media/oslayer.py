"""The export's operating-system calls, each with a portable path a test can force.

- Child processes that die with the app (``spawn``).
- Pipes between processes: larger kernel buffers and kernel-side copying (``big_pipe``,
  ``move``); the portable path keeps the default size and copies through Python.
- Children that give freed frames back to the system at once (``lean_env``, glibc's malloc):
  the portable path leaves the allocator as it is.
- How much CPU a child and its own children have used (``tree_cpu_seconds``), so a slow but
  working producer is told from a stuck one; the portable path does not know (``None``).

Linux: each child asks the kernel for SIGKILL when its parent goes (``prctl`` parent-death
signal, set between fork and exec), so a killed app leaves no encoder finishing a file and no
worker running for ever. The portable path (macOS, Windows, or forced by a test) starts plain
children; they still end on their own when the app is gone, because every one of them reads
from or writes to a pipe the app holds (a broken pipe or end of input stops it), and what a
dead export leaves on disk is cleared the next time the library opens.

Caveat of the Linux path: the signal fires when the *thread* that started the child ends, so
start a child from the thread that waits for it.
"""

from __future__ import annotations

import os
import subprocess
import sys

PIPE_BYTES = 1 << 20

PR_SET_PDEATHSIG = 1
FORCE_PORTABLE_ENV = "PROTOREEL_PORTABLE_CHILDREN"  # "1": take the portable path (tests)


def _load_prctl():
    """libc's prctl, looked up once here: the child may only call it, never import or allocate."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_PRCTL = _load_prctl()


def portable() -> bool:
    return os.environ.get(FORCE_PORTABLE_ENV) == "1"


def ties_to_parent() -> bool:
    """Whether children started by ``spawn`` are killed by the system when we die."""
    return _PRCTL is not None and not portable()


def _die_with(parent: int):
    def arm() -> None:  # runs in the child, between fork and exec
        _PRCTL(PR_SET_PDEATHSIG, 9, 0, 0, 0)  # SIGKILL
        if os.getppid() != parent:  # the parent died before we armed: go now
            os._exit(1)

    return arm


def spawn(command: list[str], **popen_args) -> subprocess.Popen:
    """``subprocess.Popen`` whose child cannot outlive this process where the system allows."""
    if ties_to_parent():
        popen_args["preexec_fn"] = _die_with(os.getpid())
    return subprocess.Popen(command, **popen_args)


MMAP_THRESHOLD = 256 * 1024


def lean_env() -> dict[str, str] | None:
    """Environment for the encoder and decoders. glibc's malloc raises its mmap threshold
    each time a big block is freed, after which full-size frames (3 MB at 1080p) are carved
    from the heap and kept there; fixing the threshold sends them back to the system when
    freed: 30 MB less for x264 at 1080p, same CPU (bench/long_export_memory.py). ``None``
    (inherit) on the portable path or where the C library is not glibc."""
    if portable() or not sys.platform.startswith("linux"):
        return None
    return dict(os.environ, MALLOC_MMAP_THRESHOLD_=str(MMAP_THRESHOLD))


def big_pipe(fd: int) -> None:
    """1 MB pipes instead of 64 KB (Linux): a 1080p frame is 3 MB, and every refill is a
    context switch between decoder, us and encoder."""
    if portable() or not sys.platform.startswith("linux"):
        return
    try:
        import fcntl

        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_BYTES)
    except OSError:
        pass


def move(source: int, sink: int, count: int) -> int:
    """Move up to ``count`` bytes from one pipe to another; 0 at end of input. On Linux the
    bytes never pass through Python (splice); elsewhere they are read and written."""
    if hasattr(os, "splice") and not portable():
        return os.splice(source, sink, count)
    data = os.read(source, count)
    write_all(sink, data)
    return len(data)


def write_all(fd: int, data: bytes | memoryview) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def tree_cpu_seconds(pid: int) -> float | None:
    """CPU seconds used so far by ``pid`` and every process below it (Linux /proc); ``None``
    where the system does not say (portable path), so callers fall back to wall time."""
    if portable() or not sys.platform.startswith("linux"):
        return None
    parents: dict[int, int] = {}
    used: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    try:
        entries = os.listdir("/proc")
    except OSError:
        return None
    for name in entries:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue  # ended while we looked
        parents[int(name)] = int(fields[1])
        used[int(name)] = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
    if pid not in used:
        return None
    tree, frontier = {pid}, [pid]
    while frontier:  # walk down: the anonymiser's decoder is its child
        below = [child for child, parent in parents.items() if parent in frontier and child not in tree]
        tree.update(below)
        frontier = below
    return sum(used[p] for p in tree)
