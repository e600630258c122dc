"""Issue 23, item 7: the logs and the settings file (which holds the last library's path) are
as private as the library: the log folder 700, every log file 600 (rotated ones too), the
settings file 600 in a 700 folder, whatever the umask; an older 755/644 log folder of the app's
own is tightened. Each check runs in a child process: logging redirects file descriptor 2, and
Qt reads where the settings go once per process."""

import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def child(code: str, env: dict) -> None:
    result = subprocess.run([sys.executable, "-c", "import os; os.umask(0o022)\n" + textwrap.dedent(code)],
                            cwd=ROOT, env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **env},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


LOGGING = """
    import logging
    from ui.shell import diagnostics
    path = diagnostics.setup_logging()
    logging.getLogger("protoreel").error("a film's folder: /home/sam/Films")
    handler = next(h for h in logging.getLogger().handlers if hasattr(h, "doRollover"))
    handler.doRollover()  # the rotated file and the new one
    logging.getLogger("protoreel").error("after the rollover")
    diagnostics.redirect_native_output()
    os.write(2, b"ffmpeg says something\\n")
"""


def test_a_new_log_folder_and_its_files_are_private(tmp_path):
    logs = tmp_path / "state" / "logs"
    child(LOGGING, {"PROTOREEL_LOG_DIR": str(logs)})
    assert mode(logs) == 0o700
    names = sorted(p.name for p in logs.iterdir())
    assert names == ["crash.log", "output.log", "protoreel.log", "protoreel.log.1"], names
    for name in names:
        assert mode(logs / name) == 0o600, name
    assert "ffmpeg says something" in (logs / "output.log").read_text()


def test_the_apps_own_older_log_folder_is_tightened(tmp_path):
    """The platform's log folder (``$XDG_STATE_HOME/ProtoReel/log``) written by an older version
    with the umask's modes: folder and files narrowed to the owner."""
    logs = tmp_path / "ProtoReel" / "log"
    logs.mkdir(parents=True, mode=0o755)
    logs.chmod(0o755)
    for name in ("protoreel.log", "protoreel.log.1", "output.log"):
        (logs / name).write_text("old\n")
        (logs / name).chmod(0o644)
    env = {"XDG_STATE_HOME": str(tmp_path)}
    env_no_override = {k: v for k, v in os.environ.items() if k != "PROTOREEL_LOG_DIR"}
    result = subprocess.run([sys.executable, "-c", "import os; os.umask(0o022)\n" + textwrap.dedent(LOGGING)],
                            cwd=ROOT, env={**env_no_override, "QT_QPA_PLATFORM": "offscreen", **env},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert mode(logs) == 0o700
    for path in logs.iterdir():
        assert mode(path) == 0o600, path.name


def test_a_log_folder_a_setting_names_keeps_its_mode(tmp_path):
    """PROTOREEL_LOG_DIR pointing at a folder that is there already: not ours to change; the
    files made in it are still 600."""
    logs = tmp_path / "shared"
    logs.mkdir()
    logs.chmod(0o755)
    child(LOGGING, {"PROTOREEL_LOG_DIR": str(logs)})
    assert mode(logs) == 0o755
    assert mode(logs / "protoreel.log") == 0o600


def test_the_settings_file_with_the_last_library_is_private(tmp_path):
    config = tmp_path / "config"
    child("""
        from PySide6.QtCore import QSettings
        from PySide6.QtWidgets import QApplication
        from ui.shell.app import protect_settings
        app = QApplication([])
        app.setOrganizationName("ProtoReel")
        app.setApplicationName("ProtoReel")
        path = protect_settings()
        settings = QSettings()
        settings.setValue("library/last", "/home/sam/Library")
        settings.sync()
        assert QSettings().fileName() == str(path)
        print(path)
    """, {"XDG_CONFIG_HOME": str(config)})
    conf = config / "ProtoReel" / "ProtoReel.conf"
    assert "/home/sam/Library" in conf.read_text()
    assert mode(conf) == 0o600 and mode(conf.parent) == 0o700


def test_the_app_makes_its_settings_private_when_it_starts(tmp_path):
    """``run`` calls it: a settings file left 644 by an older version is 600 once the app ran."""
    config = tmp_path / "config" / "ProtoReel"
    config.mkdir(parents=True)
    (config / "ProtoReel.conf").write_text("[library]\nlast=/x\n")
    (config / "ProtoReel.conf").chmod(0o644)
    child("""
        import ui.shell.app as shell
        shell.AppController.open = lambda self, folder: False  # no window: only the start-up
        assert shell.run() == 1
    """, {"XDG_CONFIG_HOME": str(tmp_path / "config"), "PROTOREEL_LOG_DIR": str(tmp_path / "logs"),
          "PROTOREEL_LOG_TO_TERMINAL": "1"})
    assert mode(config / "ProtoReel.conf") == 0o600 and mode(config) == 0o700
