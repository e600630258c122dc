"""Every operating-system-specific call, each with a portable path a test can force.

Two paths, chosen once per call by ``portable()``:

- **Linux** (the default on Linux): children tied to us by a parent-death signal, FIFOs for
  the encoder's two inputs, 1 MB pipes and kernel-side copying (``splice``) watched with
  ``poll``, glibc's allocator told to give freed frames back, CPU read from ``/proc``.
- **Portable** (the default on Windows and macOS; forced anywhere by ``PROTOREEL_PORTABLE=1``,
  which CI does for the export, bundle and anonymise tests): only what every system has.
  Plain children (on Windows without a console window of their own), anonymous pipes read by
  a thread (no FIFOs, no ``poll``, no ``splice``), the encoder's sound through its own pipe
  into its own process (``media.export.mp4``), process liveness and CPU from the process
  table (psutil, never a signal: on Windows signal 0 is CTRL_C_EVENT), and Windows' file
  rules: a file open in another program cannot be replaced, so replacing waits a moment and
  then says which file is held; names Windows cannot hold (``CON``, ``NUL``, ``a:b``, a
  trailing dot or space) are refused for exports and never built from titles.

Whatever the path: stored paths use ``/`` (``stored_path``), names made from titles are safe
on every system (``safe_file_name``), long paths get Windows' ``\\\\?\\`` form there
(``long_path``), and Python code run in a child goes through ``python_command`` (in the
packaged app there is no ``python -m``: the app's own executable runs the module).

Children started portably still end on their own when the app is gone, because every one of
them reads from or writes to a pipe the app holds (a broken pipe or end of input stops it),
and what a dead export leaves on disk is cleared the next time the library opens.

Caveat of the Linux path: the parent-death signal fires when the *thread* that started the
child ends, so start a child from the thread that waits for it.
"""

from __future__ import annotations

import errno
import os
import queue
import re
import subprocess
import sys
import threading
import time
from pathlib import Path, PurePath, PureWindowsPath

PIPE_BYTES = 1 << 20
CHUNK = 1 << 20

FORCE_PORTABLE_ENV = "PROTOREEL_PORTABLE"  # "1": take the portable path (tests, CI's second run)
LINUX = sys.platform.startswith("linux")
WINDOWS = sys.platform == "win32"
RUN_MODULE = "--protoreel-run-module"  # the packaged app's way to run ``python -m MODULE``


def _find_setpriv() -> str | None:
    """util-linux's ``setpriv`` (every Debian has it): it arms the child's death signal and
    execs the command. Arming it from Python between fork and exec (``preexec_fn``) made the
    child run the interpreter's after-fork clean-up, which could free another thread's PyAV
    scaler and wait for its threads forever: exports hung in CI."""
    if not LINUX:
        return None
    import shutil

    return shutil.which("setpriv")


_SETPRIV = _find_setpriv()
_SH = "/bin/sh"
# Run by the shell ``setpriv`` execs, once the death signal is armed: if the app died before
# that (the child is someone else's now), go; else become the command. ``$0`` is the app's pid.
_STILL_OURS = '[ "$PPID" = "$0" ] || exit 125; exec "$@"'


def portable() -> bool:
    """True off Linux, and on Linux when a test or CI forces it."""
    return not LINUX or os.environ.get(FORCE_PORTABLE_ENV) == "1"


# -- children ------------------------------------------------------------------------------

def ties_to_parent() -> bool:
    """Whether children started by ``spawn`` are killed by the system when we die."""
    return _SETPRIV is not None and os.path.exists(_SH) and not portable()


def _child(command: list[str], args: dict) -> tuple[list[str], dict]:
    if ties_to_parent():  # SIGKILL when this process dies; nothing of Python runs in the child
        command = [_SETPRIV, "--pdeathsig", "KILL", "--", _SH, "-c", _STILL_OURS, str(os.getpid()), *command]
    if WINDOWS:  # no console window flashing up for each child of the (console-less) app
        args["creationflags"] = args.get("creationflags", 0) | getattr(subprocess, "CREATE_NO_WINDOW", 0)
    return command, args


def spawn(command: list[str], **popen_args) -> subprocess.Popen:
    """``subprocess.Popen`` whose child cannot outlive this process where the system allows."""
    command, popen_args = _child(list(command), popen_args)
    return subprocess.Popen(command, **popen_args)


def run(command: list[str], **run_args) -> subprocess.CompletedProcess:
    """``subprocess.run``, its child started as ``spawn`` starts one."""
    command, run_args = _child(list(command), run_args)
    return subprocess.run(command, **run_args)


def frozen() -> bool:
    """Running from the packaged app (PyInstaller), not from a Python installation."""
    return bool(getattr(sys, "frozen", False))


def python_command(module: str, *args: str) -> list[str]:
    """The command that runs ``python -m module args`` in a child, from a checkout or from the
    packaged app (whose executable takes ``RUN_MODULE`` instead: ``ui.shell.launch``)."""
    if frozen():
        # The console executable: Windows' windowed ProtoReel.exe has no standard streams.
        console = Path(sys.executable).with_name("protoreel.exe" if WINDOWS else "protoreel")
        return [str(console) if console.is_file() else sys.executable, RUN_MODULE, module, *args]
    return [sys.executable, "-m", module, *args]


def python_env() -> dict[str, str]:
    """The environment for ``python_command``: this checkout first on the module path."""
    if frozen():
        return dict(os.environ)
    root = str(Path(__file__).resolve().parents[1])
    return dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])))


MMAP_THRESHOLD = 256 * 1024


def lean_env() -> dict[str, str] | None:
    """Environment for the encoder and decoders. glibc's malloc raises its mmap threshold
    each time a big block is freed, after which full-size frames (3 MB at 1080p) are carved
    from the heap and kept there; fixing the threshold sends them back to the system when
    freed: 30 MB less for x264 at 1080p, same CPU (bench/long_export_memory.py). ``None``
    (inherit) on the portable path or where the C library is not glibc."""
    if portable():
        return None
    return dict(os.environ, MALLOC_MMAP_THRESHOLD_=str(MMAP_THRESHOLD))


def process_alive(pid: int) -> bool:
    """Whether a process still runs (to tell a write in progress from one a crash left).
    Linux: signal 0, which only asks. Portable: the process table (psutil; on Windows
    ``os.kill(pid, 0)`` would send CTRL_C_EVENT and could end the process it looks at)."""
    if pid <= 0:
        return False
    if portable():
        import psutil

        try:
            return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False
        except psutil.Error:  # another user's process: it exists
            return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def tree_cpu_seconds(pid: int) -> float | None:
    """CPU seconds used so far by ``pid`` and every process below it (``/proc`` on Linux,
    the process table through psutil on the portable path); ``None`` if it cannot be read,
    so callers fall back to wall time."""
    if portable():
        return _tree_cpu_psutil(pid)
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


def _tree_cpu_psutil(pid: int) -> float | None:
    import psutil

    try:
        top = psutil.Process(pid)
        procs = [top, *top.children(recursive=True)]
    except psutil.Error:
        return None
    total = 0.0
    for proc in procs:
        try:
            times = proc.cpu_times()
        except psutil.Error:
            continue  # ended while we looked
        total += times.user + times.system
    return total


# -- pipes ---------------------------------------------------------------------------------

def fifos() -> bool:
    """Whether the encoder's inputs are named pipes (Linux path) or its own stdin (portable)."""
    return not portable() and hasattr(os, "mkfifo")


def make_fifo(path: Path) -> None:
    os.mkfifo(path)


def open_fifo_for_writing(path: Path, give_up) -> int:
    """Open a FIFO for writing without hanging if its reader never opens it: retried until
    the reader is there or ``give_up()`` says stop (then ``OSError``)."""
    while True:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            os.set_blocking(fd, True)
            big_pipe(fd)
            return fd
        except OSError:
            if give_up():
                raise
            time.sleep(0.01)


def big_pipe(fd: int) -> None:
    """1 MB pipes instead of 64 KB (Linux): a 1080p frame is 3 MB, and every refill is a
    context switch between decoder, us and encoder."""
    if portable():
        return
    try:
        import fcntl

        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_BYTES)
    except OSError:
        pass


def write_all(fd: int, data: bytes | memoryview) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def reader(stream) -> "PollReader | ThreadReader":
    """What reads a child's stdout for the feeders: ``wait(seconds)`` for something to read
    (or its end), ``move(sink_fd, count)`` it on (0 at the end), ``close()``."""
    if portable() or not hasattr(os, "splice"):
        return ThreadReader(stream)
    return PollReader(stream)


class PollReader:
    """Linux: poll the pipe, then move its bytes inside the kernel (splice): gigabytes of raw
    frames never pass through Python, yet every byte is counted."""

    def __init__(self, stream) -> None:
        import select

        self.fd = stream.fileno()
        big_pipe(self.fd)
        self._poller = select.poll()
        self._poller.register(self.fd, select.POLLIN | select.POLLHUP | select.POLLERR)

    def wait(self, seconds: float) -> bool:
        return bool(self._poller.poll(seconds * 1000))

    def move(self, sink: int, count: int) -> int:
        return os.splice(self.fd, sink, count)

    def close(self) -> None:
        pass


class ThreadReader:
    """Portable: a thread reads the pipe in chunks (blocking reads work on every system's
    pipes; ``poll`` does not exist on Windows, and on macOS not for every kind of file), and
    hands them over through a queue of two, so a stuck child is seen as nothing arriving."""

    _END = b""

    def __init__(self, stream, chunk: int = CHUNK) -> None:
        self._stream, self._chunk = stream, chunk
        self._queue: queue.Queue = queue.Queue(maxsize=2)
        self._held = memoryview(b"")
        self._ended = False
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._read, daemon=True, name="pipe-reader")
        self._thread.start()

    def _read(self) -> None:
        try:
            while not self._closed.is_set():
                data = self._stream.read(self._chunk)
                self._put(data or self._END)
                if not data:
                    return
        except (OSError, ValueError):  # closed under us (the child was stopped)
            self._put(self._END)

    def _put(self, data: bytes) -> None:
        while not self._closed.is_set():
            try:
                self._queue.put(data, timeout=0.2)
                return
            except queue.Full:
                continue

    def wait(self, seconds: float) -> bool:
        if self._held or self._ended:
            return True
        try:
            data = self._queue.get(timeout=seconds)
        except queue.Empty:
            return False
        self._held = memoryview(data)
        self._ended = not data
        return True

    def move(self, sink: int, count: int) -> int:
        if not self.wait(3600.0) or self._ended and not self._held:
            return 0
        piece, self._held = self._held[:count], self._held[count:]
        write_all(sink, piece)
        return len(piece)

    def close(self) -> None:
        self._closed.set()
        self._held = memoryview(b"")


# -- files ---------------------------------------------------------------------------------

class FileInUse(OSError):
    """A file another program holds open, which Windows will not let us replace or remove."""


REPLACE_WAIT = 2.0  # a player or virus scanner that holds the file a moment lets go


def _held_open(exc: OSError) -> bool:
    # Windows: ERROR_ACCESS_DENIED (5) or ERROR_SHARING_VIOLATION (32) on a file open elsewhere.
    return isinstance(exc, PermissionError) and getattr(exc, "winerror", None) in (5, 32, None)


def replace(source: Path, target: Path) -> None:
    """``os.replace``, with Windows' rule on the portable path: a target open in another
    program cannot be replaced. Retried for ``REPLACE_WAIT`` seconds, then ``FileInUse``
    naming the file (the source stays, for the caller to remove)."""
    deadline = time.monotonic() + REPLACE_WAIT
    while True:
        try:
            os.replace(source, target)
            return
        except PermissionError as exc:
            if not portable() or not _held_open(exc):
                raise
            if time.monotonic() >= deadline:
                raise FileInUse(errno.EACCES, f"{Path(target).name} is open in another program; close it "
                                "there and try again", str(target)) from exc
            time.sleep(0.1)


_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
                     *(f"{kind}{n}" for kind in ("COM", "LPT") for n in (*"123456789", "¹", "²", "³"))}
_WINDOWS_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


def name_problem(name: str) -> str | None:
    """Why Windows cannot hold a file of this name (None: it can). A colon would write an
    NTFS alternate stream, hidden from every folder view; ``CON`` and ``NUL`` are devices."""
    bad = sorted(set(_WINDOWS_FORBIDDEN.findall(name)))
    if bad:
        shown = " ".join(repr(c) for c in bad)
        return f"a file name cannot contain {shown} on Windows"
    if name != name.rstrip(". "):
        return "a file name cannot end with a dot or a space on Windows"
    stem = name.split(".", 1)[0].rstrip(" ").upper()
    if stem in _WINDOWS_RESERVED:
        return f"{name.split('.', 1)[0]} is a device name on Windows, not a file"
    return None


def export_name_problem(name: str) -> str | None:
    """``name_problem`` where the system is held to Windows' rules (the portable path)."""
    return name_problem(name) if portable() else None


def safe_file_name(text: str, suffix: str = "", limit: int = 120, fallback: str = "untitled") -> str:
    """A file name made from a title, valid on Windows, macOS and Linux alike: characters
    Windows forbids become ``_``, no trailing dots or spaces, no device name, at most
    ``limit`` characters before ``suffix``."""
    stem = _WINDOWS_FORBIDDEN.sub("_", text.strip())[:limit].rstrip(". ") or fallback
    if stem.split(".", 1)[0].rstrip(" ").upper() in _WINDOWS_RESERVED:
        stem = "_" + stem
    return stem + suffix


def stored_path(path: PurePath | str) -> str:
    """A path as the library stores it: always with ``/`` (a library made on Windows opens on
    a Mac, and its paths compare the same everywhere)."""
    return path.as_posix() if isinstance(path, PurePath) else Path(path).as_posix()


LONG_PATH = 240  # Windows' MAX_PATH is 260 with the terminating NUL; leave room for a temporary suffix


def long_path(path: Path, windows: bool = WINDOWS) -> Path:
    """On Windows, an absolute path too long for MAX_PATH in its ``\\\\?\\`` form (``\\\\?\\UNC\\``
    for a share), which every Windows file call accepts whatever the system's long-path
    setting; elsewhere, the path as it is."""
    if not windows:
        return path
    text = str(PureWindowsPath(path))
    if len(text) < LONG_PATH or text.startswith("\\\\?\\") or not PureWindowsPath(text).is_absolute():
        return path
    long = "\\\\?\\UNC\\" + text[2:] if text.startswith("\\\\") else "\\\\?\\" + text
    return type(path)(long) if isinstance(path, PureWindowsPath) else Path(long)


def mounted_read_only(folder: Path) -> bool:
    """Whether the disk holding ``folder`` is mounted read-only (False where the system does not
    say: Windows has no ``statvfs``; a read-only folder there shows in ``os.access``)."""
    if not hasattr(os, "statvfs"):
        return False
    try:
        return bool(os.statvfs(folder).f_flag & getattr(os, "ST_RDONLY", 1))
    except OSError:
        return False


# -- the display ---------------------------------------------------------------------------

def display_problem(env: dict[str, str] | None = None) -> str | None:
    """Why no window can open here, known before Qt is loaded (None: try). On Linux and the
    BSDs a window needs an X display or a Wayland compositor; Windows and macOS always have a
    desktop in a user's session, and a failure there is caught when Qt says so (``ui.shell``)."""
    env = os.environ if env is None else env
    if WINDOWS or sys.platform == "darwin":
        return None
    platform = env.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith(("xcb", "wayland")):
        return None  # offscreen, vnc, eglfs...: Qt's own business
    if env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return None
    return "no display to open a window on (DISPLAY and WAYLAND_DISPLAY are not set)"


# -- opening files safely (media.safe_io, app.private_files) ----------------------------------
# A temporary file is made with O_CREAT|O_EXCL: never an existing name, and never through a
# symbolic link (POSIX says an existing link fails with EEXIST; Windows' CREATE_NEW likewise).
# O_NOFOLLOW is added where the system has it (Linux, macOS, the BSDs), and inputs that might be
# a FIFO are opened with O_NONBLOCK there, so opening one cannot hang. The portable path is what
# a system without them gets (Windows: no such flags, and no FIFOs in its file system): O_EXCL
# for what we create, and a look (``stat``) before and after opening what we read
# (``media.safe_io``). The flags are taken by what the system has, not by ``portable()``: macOS
# takes the portable path for children and pipes, yet has FIFOs, so it needs both flags.


def _flag(name: str) -> int:
    return getattr(os, name, 0)


def exclusive_create_flags() -> int:
    """Flags for ``os.open`` making a new file for writing that is certainly ours."""
    return os.O_WRONLY | os.O_CREAT | os.O_EXCL | _flag("O_BINARY") | _flag("O_CLOEXEC") | _flag("O_NOFOLLOW")


def own_file_flags(append: bool) -> int:
    """Flags for ``os.open`` writing a file of the app's own (a log) that may already be there:
    never through a link where the system can tell (O_NOFOLLOW)."""
    flags = os.O_WRONLY | os.O_CREAT | _flag("O_BINARY") | _flag("O_CLOEXEC") | _flag("O_NOFOLLOW")
    return flags | (os.O_APPEND if append else os.O_TRUNC)


def input_flags() -> int:
    """Flags for ``os.open`` reading a file the user named: never blocks on a FIFO."""
    return os.O_RDONLY | _flag("O_BINARY") | _flag("O_CLOEXEC") | _flag("O_NONBLOCK")


def opened_through_a_link(exc: OSError) -> bool:
    """Whether ``os.open`` with O_NOFOLLOW failed because the last part was a link (ELOOP on
    Linux and macOS, EMLINK on FreeBSD, EFTYPE on NetBSD)."""
    return exc.errno in {errno.ELOOP, getattr(errno, "EMLINK", -1), getattr(errno, "EFTYPE", -1)}


# -- modes: only the owner may read the library, the logs, the settings ----------------------
# POSIX systems (Linux, macOS) say who may read a file by its mode bits: these are narrowed.
# Windows says it by an ACL (a user's profile folder is theirs alone by default); Python's
# ``chmod`` there only sets the read-only flag and ``stat`` invents the bits, so the portable
# answer is to leave modes alone (``modes_matter()`` is False).


def modes_matter() -> bool:
    return os.name == "posix"


def narrow_mode(path: Path, allowed: int) -> None:
    """Take away from ``path``'s mode every bit ``allowed`` does not have (never through a link;
    only what is too open is changed; a file that is not ours, or a read-only disk, keeps its
    mode: the owner's choice stands)."""
    import stat

    if not modes_matter():
        return
    try:
        st = os.lstat(path)
    except OSError:
        return
    if stat.S_ISLNK(st.st_mode) or not stat.S_IMODE(st.st_mode) & ~allowed:
        return
    try:
        os.chmod(path, stat.S_IMODE(st.st_mode) & allowed)
    except OSError:
        pass


def set_mode(path: Path, mode: int) -> None:
    """``path`` (just made by us) given exactly ``mode``, whatever the umask (nothing on Windows)."""
    if modes_matter():
        os.chmod(path, mode)


def narrow_open_file(fd: int, allowed: int) -> None:
    """The same as ``narrow_mode`` for a file we hold open (no name to swap meanwhile)."""
    import stat

    if modes_matter() and hasattr(os, "fchmod"):
        mode = stat.S_IMODE(os.fstat(fd).st_mode)
        if mode & ~allowed:
            os.fchmod(fd, mode & allowed)


# -- who may use a folder (app.private_files) -------------------------------------------------
# POSIX mode bits and owners say who may write a folder. On Windows access is an ACL and Python
# invents the mode bits (every folder reads 0o777): these questions then answer "no".


def others_may_write(st: os.stat_result) -> bool:
    """Whether anyone on this computer may create files in the folder ``st`` describes."""
    import stat

    return os.name == "posix" and bool(st.st_mode & stat.S_IWOTH)


def someone_elses(st: os.stat_result) -> bool:
    """Whether the file or folder ``st`` describes belongs to another user."""
    return os.name == "posix" and hasattr(os, "geteuid") and st.st_uid != os.geteuid()
