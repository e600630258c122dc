"""The logs keep the news, not the noise (issue 25: output.log reached 2,385 lines in 40
minutes, 1,728 of them "[mp2 @ …] Header missing" from one MPEG-2 film, and "No HW decoder
found" came at every film opened)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import sample

ROOT = Path(__file__).resolve().parents[2]


def test_a_line_said_again_and_again_is_written_once_then_counted():
    from ui.shell.quiet_output import Repeats

    now = [1000.0]
    repeats = Repeats(clock=lambda: now[0])
    written = []
    for n in range(1728):
        now[0] += 1.3
        written += repeats.feed(f"[mp2 @ 0x{0x55d0a000 + 16 * (n % 3):x}] Header missing")
        if n == 500:
            written += repeats.feed("[mpeg2video @ 0x55d0a100] ac-tex damaged at 12 20")  # news: kept
    written += repeats.flush()
    # the first, its count at 10, 100 and 1,000, before the news line (a minute unsaid), and at the end
    assert len(written) <= 7, written
    assert written[0].endswith("] Header missing")
    assert any("ac-tex damaged" in line for line in written)
    assert written[-1].endswith("1,728 in all)")


def test_the_file_is_capped(tmp_path):
    from ui.shell.quiet_output import CappedFile

    old = os.umask(0o022)
    try:
        log = CappedFile(tmp_path / "output.log", max_bytes=10_000, backups=2)
        for n in range(2000):
            log.write([f"line {n} of news nobody has seen before {'x' * 20}"])
    finally:
        os.umask(old)
    sizes = sorted(p.stat().st_size for p in tmp_path.iterdir())
    assert len(sizes) == 3 and max(sizes) <= 10_000
    assert {oct(p.stat().st_mode & 0o777) for p in tmp_path.iterdir()} == {"0o600"}  # rotated ones too


SESSION = textwrap.dedent("""
    import ctypes, sys, threading
    from pathlib import Path
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from ui.shell import app as shell
    from tests.ui.helpers import pump

    films = sys.argv[2:]

    def ffmpeg_chatter():  # what FFmpeg's own logger does on a damaged MP2 stream: C writes to fd 2
        libc = ctypes.CDLL(None)
        for n in range(1728):
            libc.dprintf(2, b"[mp2 @ 0x%x] Header missing\\n", 0x55d0a000 + 16 * (n % 4))

    def session():
        from app.films import importing
        window = controller[0].window
        for path in films:
            film_id = importing.import_file(window.lib, Path(path), link=True).film_id
            window.library_panel.select_film(film_id)
            pump(1500)
            window.player.toggle_play(); pump(1500); window.player.toggle_play()
        chatter = threading.Thread(target=ffmpeg_chatter)
        chatter.start(); chatter.join()
        pump(500)
        window.actions_by_name["quit"].trigger()  # File → Quit

    controller = []
    real = shell.AppController.open
    def open_and_play(self, folder):
        controller.append(self)
        done = real(self, folder)
        QTimer.singleShot(300, session)
        return done
    shell.AppController.open = open_and_play
    sys.exit(shell.run(Path(sys.argv[1])))
""")


def test_a_session_with_mpeg_films_leaves_short_readable_logs(tmp_path):
    films = [sample("container-mpegps-mpeg2-mp2-640x426p25.mpg"), sample("people-talking-grid-woman-360x288p25-mpeg1-mp2.mpg")]
    logs = tmp_path / "state" / "ProtoReel" / "log"  # the app's own log folder (one a setting names keeps its mode)
    logs.mkdir(parents=True, mode=0o755)
    (logs / "protoreel.log.1").write_text("an older session's log, written 644\n")
    os.chmod(logs, 0o755)
    os.chmod(logs / "protoreel.log.1", 0o644)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_STATE_HOME": str(tmp_path / "state"),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "PYTHONPATH": str(ROOT)}
    env.pop("PROTOREEL_LOG_TO_TERMINAL", None)
    env.pop("PROTOREEL_LOG_DIR", None)
    done = subprocess.run([sys.executable, "-c", SESSION, str(tmp_path / "lib"), *map(str, films)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, umask=0o022)
    assert done.returncode == 0, done.stderr[-3000:]
    output = (logs / "output.log").read_text()
    header_missing = [line for line in output.splitlines() if "Header missing" in line]
    assert 1 <= len(header_missing) <= 6, header_missing  # the first, then its count at 10, 100, 1000, the end
    assert sum(int(line.rsplit("; ", 1)[1].split(" in all")[0].replace(",", "")) for line in header_missing
               if "in all" in line[-20:]) >= 1728 or any("1,7" in line for line in header_missing)
    assert "Input #0" not in output  # Qt's FFmpeg no longer describes every film it opens
    app_log = (logs / "protoreel.log").read_text()
    assert "No HW decoder found" not in app_log and "setup plugin" not in app_log
    assert app_log.count("No audio device detected") <= 1
    assert len(output.splitlines()) + len(app_log.splitlines()) < 60
    # the logs name films and folders: kept as the library is (issue 25: folder 755, files 644)
    assert oct(logs.stat().st_mode & 0o777) == "0o700"
    modes = {p.name: oct(p.stat().st_mode & 0o777) for p in logs.iterdir()}
    assert {"protoreel.log", "output.log", "crash.log", "protoreel.log.1"} <= set(modes)
    assert set(modes.values()) == {"0o600"}, modes
