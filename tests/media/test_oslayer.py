"""Every OS-specific call of media/oslayer.py, each path exercised here: on Linux children die
with the app (parent-death signal); the portable path (the default on Windows and macOS, forced
here) exports the same frame-exact reel with no FIFO, no poll and no splice, tells a live
process from a dead one without a signal, and keeps Windows' file rules."""

from __future__ import annotations

import errno
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path, PurePosixPath, PureWindowsPath

import av
import pytest

from app.clips import clips
from app.films import importing
from app.models import ExportRecord
from app.reels import export, reels
from media import oslayer
from media.errors import FolderUnusable
from tests.media_factory import make_counting_film, read_index

ROOT = Path(__file__).resolve().parents[2]
LAUNCH = ("import sys, time\nfrom media import oslayer\n"
          "child = oslayer.spawn(['sleep', '60'])\nprint(child.pid, flush=True)\ntime.sleep(60)\n")


def _linux_env() -> dict:
    return {k: v for k, v in os.environ.items() if k != oslayer.FORCE_PORTABLE_ENV}


def _orphan_after_parent_killed(env: dict, script: str = LAUNCH, says: str = "stdout") -> tuple[int, bool]:
    """Start ``script``, read the pid its child says (on stdout or stderr), kill the script."""
    parent = subprocess.Popen([sys.executable, "-c", script], text=True, env=env, cwd=ROOT,
                              **{says: subprocess.PIPE})
    child = int(getattr(parent, says).readline())
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and _alive(child):
        time.sleep(0.05)
    return child, _alive(child)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.fixture
def forced(monkeypatch):
    """The portable path, with the calls Windows lacks taken away as they are there."""
    monkeypatch.setenv(oslayer.FORCE_PORTABLE_ENV, "1")
    monkeypatch.delattr(os, "mkfifo", raising=False)
    monkeypatch.delattr(os, "splice", raising=False)
    monkeypatch.delattr(select, "poll", raising=False)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signals are Linux's")
def test_a_child_dies_when_the_app_is_killed():
    child, alive = _orphan_after_parent_killed(_linux_env())
    assert not alive, "the child outlived its parent"


def test_no_python_runs_in_a_child_between_fork_and_exec(monkeypatch):
    """A ``preexec_fn`` makes CPython run its after-fork clean-up in the child, which can free
    another thread's PyAV scaler and wait forever for its slice threads: exports hung in CI.
    Whatever ties a child to us must be done by the system or by the command itself."""
    seen = []

    class Recording(subprocess.Popen):
        def __init__(self, args, **kwargs):
            seen.append(kwargs)
            super().__init__(args, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", Recording)
    oslayer.spawn(["true"]).wait(10)
    oslayer.run(["true"], check=True)
    assert len(seen) == 2
    assert all(kwargs.get("preexec_fn") is None for kwargs in seen)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signals are Linux's")
def test_a_child_whose_app_died_before_its_death_signal_was_armed_does_not_run(monkeypatch, tmp_path):
    """The signal is armed in the child after fork: had the app died in between, nothing would
    kill the child later. It then sees that its parent is not the app, and goes."""
    if not oslayer.ties_to_parent():
        pytest.skip("setpriv is not installed here")
    marker = tmp_path / "ran"
    assert oslayer.run(["touch", str(marker)]).returncode == 0 and marker.exists()
    marker.unlink()
    monkeypatch.setattr(os, "getpid", lambda: 1)  # as if the app had died: the parent is another
    assert oslayer.run(["touch", str(marker)]).returncode == 125
    assert not marker.exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="compares with the Linux path")
def test_the_portable_path_is_plain_children(monkeypatch):
    monkeypatch.setenv(oslayer.FORCE_PORTABLE_ENV, "1")
    assert not oslayer.ties_to_parent()
    child, alive = _orphan_after_parent_killed(dict(os.environ))
    try:
        assert alive  # nothing ties it: it lives on until its pipes close (here: sleep has none)
    finally:
        os.kill(child, signal.SIGKILL)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signals are Linux's")
def test_the_anonymisers_decoder_dies_with_its_filter():
    """media.anonymise.stream starts its decoder through the OS layer: kill the filter, the
    decoder goes too (it used to be a plain Popen, left running)."""
    decoder = "import os, sys, time; sys.stderr.write(str(os.getpid()) + chr(10)); sys.stderr.flush(); time.sleep(60)"
    script = f"import sys\nfrom media.anonymise import stream\nstream.run([sys.executable, '-c', {decoder!r}], 16, 16, 25, 'blur')\n"
    child, alive = _orphan_after_parent_killed(_linux_env(), script, says="stderr")
    assert not alive, "the decoder outlived the filter"


def test_the_portable_path_is_the_default_off_linux(monkeypatch):
    monkeypatch.delenv(oslayer.FORCE_PORTABLE_ENV, raising=False)
    monkeypatch.setattr(oslayer, "LINUX", False)
    assert oslayer.portable() and not oslayer.fifos() and not oslayer.ties_to_parent()
    assert oslayer.lean_env() is None
    monkeypatch.setattr(oslayer, "LINUX", True)
    assert not oslayer.portable() or os.environ.get(oslayer.FORCE_PORTABLE_ENV) == "1"


def test_portable_path_exports_the_same_exact_reel(lib, tmp_path, forced):
    film = importing.import_file(lib, make_counting_film(tmp_path / "f.mp4", seconds=3)).film_id
    clip = clips.add(lib, film, 520_000, 2_000_000)  # 25 fps: frames 13..49
    reel_id = reels.create(lib, "Portable", [str(clip)])
    out = export.export_reel(lib, reel_id, tmp_path / "p.mp4", cards=False, captions=False)
    with av.open(str(out)) as c:
        import cv2

        assert [s.type for s in c.streams] == ["video", "audio"]
        assert "title" not in c.metadata or c.metadata["title"] == "Portable"
        got = [read_index(cv2.resize(f.to_ndarray(format="rgb24")[:, 160:1120], (320, 240))) for f in c.decode(video=0)]
    assert got == list(range(13, 50))
    with av.open(str(out)) as c:
        a = c.streams.audio[0]
        audio_s = float(a.duration * a.time_base)
    assert abs(audio_s - 37 / 25) <= 1 / 25


def test_children_give_freed_frames_back_unless_portable(monkeypatch):
    monkeypatch.delenv(oslayer.FORCE_PORTABLE_ENV, raising=False)
    env = oslayer.lean_env()
    if sys.platform.startswith("linux"):
        assert env["MALLOC_MMAP_THRESHOLD_"] == str(oslayer.MMAP_THRESHOLD) and env["PATH"] == os.environ["PATH"]
    monkeypatch.setenv(oslayer.FORCE_PORTABLE_ENV, "1")
    assert oslayer.lean_env() is None  # the portable path: children inherit our environment


# -- liveness and CPU without signals or /proc --------------------------------------------------

@pytest.mark.parametrize("portable", [False, True], ids=["linux", "portable"])
def test_a_live_process_is_told_from_a_dead_one(monkeypatch, portable):
    if portable:
        monkeypatch.setenv(oslayer.FORCE_PORTABLE_ENV, "1")

        kill = os.kill

        def no_signals(pid, sig):  # on Windows signal 0 is CTRL_C_EVENT: never sent to look
            if sig == 0 and pid != os.getpid():
                raise AssertionError("the portable path sent a signal to see if a process lives")
            return kill(pid, sig)
        monkeypatch.setattr(os, "kill", no_signals)
    else:
        monkeypatch.delenv(oslayer.FORCE_PORTABLE_ENV, raising=False)
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert oslayer.process_alive(os.getpid())
        assert oslayer.process_alive(proc.pid)
    finally:
        proc.kill()
        proc.wait()
    assert not oslayer.process_alive(proc.pid)
    assert not oslayer.process_alive(0)


def test_the_portable_path_reads_a_process_trees_cpu_from_the_process_table(monkeypatch):
    monkeypatch.setenv(oslayer.FORCE_PORTABLE_ENV, "1")
    asked = []
    real = oslayer._tree_cpu_psutil
    monkeypatch.setattr(oslayer, "_tree_cpu_psutil", lambda pid: asked.append(pid) or real(pid))
    script = ("import subprocess, sys\nsubprocess.run([sys.executable, '-c', "
              "'import time\\nend = time.process_time() + 1.0\\nwhile time.process_time() < end: pass'])")
    proc = subprocess.Popen([sys.executable, "-c", script])
    most = 0.0
    try:
        while proc.poll() is None:
            most = max(most, oslayer.tree_cpu_seconds(proc.pid) or 0.0)
            time.sleep(0.05)
    finally:
        proc.wait()
    assert most >= 0.5 and asked  # the grandchild's busy loop, read through the process table
    assert oslayer.tree_cpu_seconds(proc.pid) is None  # gone


def test_the_packaged_app_runs_the_helper_modules_itself(monkeypatch, tmp_path):
    """No ``python -m`` in the packaged app: its own executable takes the module (frozen), and
    the entry point runs it (here through the installed ``protoreel`` entry point's code)."""
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "ProtoReel" / "protoreel"))
    assert oslayer.python_command("media.export.pieces", "x") == [sys.executable, oslayer.RUN_MODULE,
                                                                   "media.export.pieces", "x"]
    monkeypatch.undo()
    assert oslayer.python_command("media.export.pieces") == [sys.executable, "-m", "media.export.pieces"]
    film = make_counting_film(tmp_path / "f.mp4", seconds=2)
    order = ('{"work": "%s", "jobs": [{"n": 0, "source": "%s", "film_start_us": 0, "start_us": 400000, '
             '"end_us": 1000000, "fps": "25", "video": true, "audio": true, "cut": false}]}' % (tmp_path, film))
    done = subprocess.run([sys.executable, "-c", "import sys; from ui.shell.launch import main; sys.exit(main())",
                           oslayer.RUN_MODULE, "media.export.pieces"], input=order.encode(), capture_output=True,
                          cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=120)
    assert done.returncode == 0, done.stderr.decode()[-500:]
    assert b'"in_us": 400000' in done.stdout


# -- Windows' file rules ---------------------------------------------------------------------

class HeldOpen:
    """Windows' rule, played on Linux: a file another program holds open cannot be replaced
    (ERROR_SHARING_VIOLATION, which Python raises as PermissionError with winerror 32)."""

    def __init__(self, monkeypatch, path: Path) -> None:
        self.path, self.held = path, True
        real = os.replace

        def replace(src, dst, *a, **k):
            if self.held and Path(dst) == self.path:
                exc = PermissionError(errno.EACCES, "The process cannot access the file because it is being "
                                      "used by another process", str(dst))
                exc.winerror = 32
                raise exc
            return real(src, dst, *a, **k)
        monkeypatch.setattr(os, "replace", replace)


def test_a_reel_open_in_a_player_is_not_replaced_and_the_message_names_it(lib, tmp_path, forced, monkeypatch):
    monkeypatch.setattr(oslayer, "REPLACE_WAIT", 0.3)
    film = importing.import_file(lib, make_counting_film(tmp_path / "f.mp4", seconds=2)).film_id
    reel_id = reels.create(lib, "Tuesday", [str(clips.add(lib, film, 0, 1_000_000))])
    target = tmp_path / "Tuesday.mp4"
    export.export_reel(lib, reel_id, target, cards=False, captions=False)  # last week's, now playing
    before = target.read_bytes()
    HeldOpen(monkeypatch, target)
    with pytest.raises(FolderUnusable, match=r"Tuesday\.mp4: Tuesday\.mp4 is open in another program; close it "
                                             "there and try again"):
        export.export_reel(lib, reel_id, target, cards=False, captions=False, replace=True)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no partial left
    with lib.read() as s:
        assert s.query(ExportRecord).count() == 1  # only last week's: nothing new went out


def test_a_player_that_lets_go_in_time_is_waited_for(tmp_path, monkeypatch):
    monkeypatch.setenv(oslayer.FORCE_PORTABLE_ENV, "1")
    target, source = tmp_path / "reel.mp4", tmp_path / "new"
    target.write_bytes(b"old")
    source.write_bytes(b"new")
    holder = HeldOpen(monkeypatch, target)
    import threading

    threading.Timer(0.5, lambda: setattr(holder, "held", False)).start()
    oslayer.replace(source, target)
    assert target.read_bytes() == b"new"


def test_on_the_linux_path_a_permission_error_is_a_permission_error(tmp_path, monkeypatch):
    monkeypatch.delenv(oslayer.FORCE_PORTABLE_ENV, raising=False)
    if oslayer.portable():
        pytest.skip("the Linux path runs on Linux only")
    target = tmp_path / "reel.mp4"
    HeldOpen(monkeypatch, target)
    (tmp_path / "new").write_bytes(b"new")
    with pytest.raises(PermissionError):
        oslayer.replace(tmp_path / "new", target)


@pytest.mark.parametrize("name", ["CON", "con.mp4", "NUL.txt", "Aux.srt", "COM1.mp4", "lpt9.edl", "COM¹.csv",
                                  "a:b.mp4", "Q3: next?.mp4", "Tuesday.", "Tuesday ", "Tuesday.mp4.", 'say "hi".mp4',
                                  "x<y>.mp4", "a|b.mp4", "tab\there.mp4"])
def test_names_windows_cannot_hold(name):
    assert oslayer.name_problem(name)


@pytest.mark.parametrize("name", ["Tuesday.mp4", "Console.mp4", "CONference.mp4", "COM10.mp4", "a_b.mp4",
                                  "Café — review.pdf", ".hidden.mp4", "reel.v2.mp4"])
def test_names_windows_can_hold(name):
    assert oslayer.name_problem(name) is None


@pytest.mark.parametrize("title, want", [
    ("Q3: what next?", "Q3_ what next_.mp4"),
    ("CON", "_CON.mp4"),
    ("nul.backup", "_nul.backup.mp4"),
    ("Tuesday. ", "Tuesday.mp4"),
    ("  ", "reel.mp4"),
    ("a/b\\c", "a_b_c.mp4"),
    ("Café — review", "Café — review.mp4"),
])
def test_names_made_from_titles_are_safe_on_every_system(title, want):
    got = oslayer.safe_file_name(title, ".mp4", fallback="reel")
    assert got == want and oslayer.name_problem(got) is None


def test_a_long_title_makes_a_name_of_bounded_length():
    got = oslayer.safe_file_name("Role-play " * 60, ".protoreel")
    assert len(got) <= 120 + len(".protoreel") and got.endswith("play.protoreel")  # no trailing space kept
    assert oslayer.name_problem(got) is None


def test_a_film_copied_in_gets_a_name_every_system_can_hold(lib, tmp_path):
    source = make_counting_film(tmp_path / "nul.mp4", seconds=1)
    weird = source.rename(tmp_path / "Role-play at the desk. ")  # Windows would drop the dot and space
    film = importing.import_file(lib, weird).film_id
    from app.models import Film

    with lib.read() as s:
        record = s.get(Film, film)
        stored, where = record.path, lib.film_path(record)
    assert stored.startswith("media/") and "\\" not in stored
    assert oslayer.name_problem(Path(stored).name) is None and stored.endswith("at the desk")
    assert where.is_file()


def test_exports_refuse_names_windows_cannot_hold_on_the_portable_path(lib, tmp_path, monkeypatch, capsys):
    from ui.shell.launch import main

    film = importing.import_file(lib, make_counting_film(tmp_path / "f.mp4", seconds=1)).film_id
    reels.create(lib, "Tuesday", [str(clips.add(lib, film, 0, 500_000))])
    monkeypatch.setenv(oslayer.FORCE_PORTABLE_ENV, "1")
    for name, why in (("CON.srt", "CON is a device name on Windows"), ("a:b.srt", "cannot contain ':'"),
                      ("nul.backup.srt", "nul is a device name on Windows"), ("why?.srt", "cannot contain '?'")):
        code = main(["reel", "export", "Tuesday", str(tmp_path / name), "--library", str(lib.root)])
        err = capsys.readouterr().err
        assert code == 2 and why in err and len(err.strip().splitlines()) == 1, err
        assert not (tmp_path / name).exists()
    monkeypatch.delenv(oslayer.FORCE_PORTABLE_ENV)
    if not oslayer.portable():  # Linux holds such names: its own rules apply there
        assert main(["reel", "export", "Tuesday", str(tmp_path / "a:b.srt"), "--library", str(lib.root)]) == 0


def test_stored_paths_always_use_forward_slashes():
    assert oslayer.stored_path(PureWindowsPath("media\\ab12\\film.mp4")) == "media/ab12/film.mp4"
    assert oslayer.stored_path(PureWindowsPath("C:\\Users\\Sam\\Videos\\day.mp4")) == "C:/Users/Sam/Videos/day.mp4"
    assert oslayer.stored_path(PurePosixPath("/home/sam/day.mp4")) == "/home/sam/day.mp4"


def test_no_path_is_stored_as_str_of_a_path():
    """The library stores paths through ``stored_path``: ``str(path)`` would store Windows'
    backslashes (a library made there would not open on a Mac)."""
    import ast

    found = []
    for path in (ROOT / "app").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            values = []
            if isinstance(node, ast.Assign):
                values = [node.value for t in node.targets if isinstance(t, ast.Attribute) and t.attr == "path"]
            elif isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("Film", "ExportRecord"):
                values = [k.value for k in node.keywords if k.arg == "path"]
            for value in values:
                for inner in ast.walk(value):
                    if isinstance(inner, ast.Call) and getattr(inner.func, "id", "") == "str":
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []


def test_a_read_only_disk_is_told_where_the_system_says_and_never_fails_where_it_does_not(tmp_path, monkeypatch):
    assert oslayer.mounted_read_only(tmp_path) is False
    monkeypatch.delattr(os, "statvfs")  # as on Windows
    assert oslayer.mounted_read_only(tmp_path) is False


def test_long_paths_take_windows_long_form():
    deep = PureWindowsPath("C:\\Users\\Sam\\OneDrive - Borough Council\\" + "Workshops\\" * 24 + "reel.mp4")
    assert str(oslayer.long_path(deep, windows=True)).startswith("\\\\?\\C:\\Users")
    share = PureWindowsPath("\\\\server\\team\\" + "x" * 250 + "\\reel.mp4")
    assert str(oslayer.long_path(share, windows=True)).startswith("\\\\?\\UNC\\server\\team\\")
    short = PureWindowsPath("C:\\reel.mp4")
    assert oslayer.long_path(short, windows=True) == short
    assert oslayer.long_path(Path("/x" * 200), windows=False) == Path("/x" * 200)


# -- the display --------------------------------------------------------------------------------

def test_no_display_is_known_before_qt_loads(monkeypatch):
    if not sys.platform.startswith("linux"):
        pytest.skip("Windows and macOS always have a desktop")
    assert "DISPLAY" in oslayer.display_problem({})
    assert oslayer.display_problem({"DISPLAY": ":0"}) is None
    assert oslayer.display_problem({"WAYLAND_DISPLAY": "wayland-0"}) is None
    assert oslayer.display_problem({"QT_QPA_PLATFORM": "offscreen"}) is None
    assert "DISPLAY" in oslayer.display_problem({"QT_QPA_PLATFORM": "xcb"})


def _open_window(display: dict, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {**{k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")},
           **display, "PROTOREEL_LOG_DIR": str(tmp_path / "log"), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    return subprocess.run([sys.executable, "-m", "ui.shell.launch", "--library", str(tmp_path / "lib")], cwd=ROOT,
                          env={**env, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=60)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="an X display is Linux's")
def test_no_display_says_so_in_one_line(tmp_path):
    done = _open_window({}, tmp_path)
    assert done.returncode == 1, done.stderr
    assert done.stderr.strip().splitlines() == [
        "ProtoReel: no window could be opened (no display to open a window on (DISPLAY and WAYLAND_DISPLAY "
        "are not set)); the commands work without one: protoreel --help"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="an X display is Linux's")
def test_a_display_that_cannot_be_reached_says_so_in_one_line(tmp_path):
    """Qt's own failure (its platform plugin could not start), which used to end in abort():
    "Aborted", exit 134, the reason only in a log."""
    done = _open_window({"DISPLAY": ":4321"}, tmp_path)  # no X server there
    assert done.returncode == 1, done.stderr
    lines = [line for line in done.stderr.strip().splitlines() if "messages go to" not in line]
    assert len(lines) == 1 and lines[0].startswith("ProtoReel: no window could be opened (could not connect to "
                                                   "display :4321)"), done.stderr


# -- files: modes, links, FIFOs ----------------------------------------------------------------

def test_no_mode_or_open_flag_is_reached_for_outside_the_os_layer():
    """chmod, fchmod, O_NOFOLLOW, O_NONBLOCK, O_CREAT, O_TRUNC, mkfifo: only in media/oslayer.py (the portable path
    decides there what a system without them does)."""
    import ast

    wanted = {"chmod", "fchmod", "lchmod", "mkfifo", "O_NOFOLLOW", "O_NONBLOCK", "O_CREAT", "O_TRUNC", "splice"}
    found = []
    for folder in ("app", "media", "ui"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.name == "oslayer.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                name = node.attr if isinstance(node, ast.Attribute) else node.value if (
                    isinstance(node, ast.Constant) and isinstance(node.value, str)) else None
                if name in wanted:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}")
    assert found == []


def test_a_system_with_the_flags_uses_them_whichever_path_it_takes(monkeypatch):
    """macOS takes the portable path for children and pipes, yet has FIFOs and links: it keeps
    O_NOFOLLOW and O_NONBLOCK. Without them (Windows) O_EXCL remains."""
    nofollow, nonblock = os.O_NOFOLLOW, os.O_NONBLOCK
    monkeypatch.setenv(oslayer.FORCE_PORTABLE_ENV, "1")
    assert oslayer.exclusive_create_flags() & nofollow and oslayer.exclusive_create_flags() & os.O_EXCL
    assert oslayer.input_flags() & nonblock and oslayer.own_file_flags(True) & nofollow
    monkeypatch.delattr(os, "O_NOFOLLOW")
    monkeypatch.delattr(os, "O_NONBLOCK")
    assert not oslayer.exclusive_create_flags() & nofollow and oslayer.exclusive_create_flags() & os.O_EXCL
    assert not oslayer.input_flags() & nonblock and not oslayer.own_file_flags(False) & nofollow


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs in this file system (Windows, or the portable run)")
def test_a_fifo_opened_as_an_input_does_not_hang(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    fd = os.open(fifo, oslayer.input_flags())  # without O_NONBLOCK this waits for a writer for ever
    os.close(fd)


def test_modes_are_narrowed_never_widened_and_never_through_a_link(tmp_path):
    theirs = tmp_path / "theirs.txt"
    theirs.write_text("x")
    theirs.chmod(0o644)
    link = tmp_path / "link"
    link.symlink_to(theirs)
    oslayer.narrow_mode(link, 0o600)
    assert theirs.stat().st_mode & 0o777 == 0o644
    oslayer.narrow_mode(theirs, 0o600)
    assert theirs.stat().st_mode & 0o777 == 0o600
    theirs.chmod(0o400)
    oslayer.narrow_mode(theirs, 0o600)  # already narrower: left as the owner set it
    assert theirs.stat().st_mode & 0o777 == 0o400
    oslayer.narrow_mode(tmp_path / "nothing", 0o600)  # nothing there: nothing to do


def test_where_modes_are_invented_they_are_left_alone(tmp_path, monkeypatch):
    """Windows: access is the profile folder's ACL; Python's chmod only flips read-only."""
    path = tmp_path / "f"
    path.write_text("x")
    path.chmod(0o644)
    monkeypatch.setattr(oslayer.os, "name", "nt")
    oslayer.narrow_mode(path, 0o600)
    oslayer.set_mode(path, 0o600)
    assert path.stat().st_mode & 0o777 == 0o644
    monkeypatch.undo()
    oslayer.set_mode(path, 0o600)
    assert path.stat().st_mode & 0o777 == 0o600
