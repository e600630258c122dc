"""Opening ProtoReel shows a window at once: painted before the database layer and the
workspace load (seconds on a busy laptop; issue 25: the window came 3.8 s after launch at load
4.5 and stayed black 3 s more), and the workspace's first paint comes before the last film is
opened again (heavy work after the first paint). Timed from outside the app: a wrapper watches
the QApplication's paint events while the real ``protoreel`` command starts."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from app.films import importing

ROOT = Path(__file__).resolve().parents[2]

WATCH = textwrap.dedent("""
    import json, sys, time
    import PySide6.QtWidgets as W
    from PySide6.QtCore import QEvent, QObject, QTimer

    seen = {}

    class Watch(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint and isinstance(obj, W.QWidget):
                top = obj.window()
                if "first" not in seen:
                    seen["first"] = {"class": type(top).__name__, "database_loaded": "sqlalchemy" in sys.modules,
                                     "workspace_loaded": "ui.shell.main_window" in sys.modules}
                if isinstance(top, W.QMainWindow) and "workspace" not in seen:
                    seen["workspace"] = {"film_open": top.player.film is not None}
                    QTimer.singleShot(3000, lambda: (seen.__setitem__("later", {"film_open": top.player.film is not None}),
                                                     print("SEEN " + json.dumps(seen), flush=True), top.close()))
            return False

    watch = Watch()

    class App(W.QApplication):
        def __init__(self, *args):
            super().__init__(*args)
            self.installEventFilter(watch)

    W.QApplication = App
    sys.argv = [sys.argv[0], "--library", sys.argv[1]]
    from ui.shell.launch import main
    sys.exit(main())
""")


def start(library: Path, home: Path) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(home / "config"),
           "XDG_DATA_HOME": str(home / "data"), "PROTOREEL_LOG_DIR": str(home / "log"), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", WATCH, str(library)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    line = next((l for l in done.stdout.splitlines() if l.startswith("SEEN ")), None)
    assert line is not None, done.stderr[-3000:]
    return json.loads(line[5:])


def test_a_window_is_painted_before_the_heavy_part_and_the_last_film_opens_after(tmp_path, counting_film):
    home, root = tmp_path / "home", tmp_path / "Library"
    first = start(root, home)  # the first start: a new library
    assert first["first"] == {"class": "StartWindow", "database_loaded": False, "workspace_loaded": False}, first

    from app.library import Library

    with Library.open(root) as lib:
        film_id = importing.import_file(lib, counting_film, event="Workshop").film_id
        real_root = str(lib.root)
    conf = home / "config" / "ProtoReel" / "ProtoReel.conf"
    key = hashlib.sha1(real_root.encode()).hexdigest()[:16]  # MainWindow._place_key: the film watched last
    conf.write_text(conf.read_text() + f"\n[place]\n{key}\\film={film_id}\n{key}\\position_us=2000000\n")
    later = start(root, home)
    assert later["first"]["class"] == "StartWindow" and not later["first"]["database_loaded"]
    assert later["workspace"] == {"film_open": False}  # painted first, then the film opened again
    assert later["later"] == {"film_open": True}


def test_the_workspace_opens_without_loading_alembic_or_the_exports_modules(tmp_path):
    """What the first paint does not need waits until asked for (issue 29: start to an
    interactive window): the migrations' tool for a library at the newest schema, the reel
    export's and anonymisation's modules until a preview or an export."""
    from app.library import Library

    Library.open(tmp_path / "Library").close()
    code = textwrap.dedent("""
        import sys
        from PySide6.QtWidgets import QApplication
        app = QApplication(sys.argv)
        from app.library import Library
        from ui.shell.main_window import MainWindow
        w = MainWindow(Library.open(sys.argv[1]))
        w.show()
        app.processEvents()
        print("LOADED " + " ".join(m for m in ("alembic", "media.export.mp4", "media.anonymise.stream") if m in sys.modules))
        w.close()
    """)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "Library")], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    line = next((l for l in done.stdout.splitlines() if l.startswith("LOADED")), None)
    assert line is not None, done.stderr[-3000:]
    assert line == "LOADED ", line
