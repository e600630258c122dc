"""Run as a program by tests/media/test_fonts.py, once as the machine is and once in a mount
namespace where the system's font folder is an empty tmpfs: a reel with an opening card and a
caption exported to MP4, and a review's PDF summary, in FOLDER. Prints one JSON line: what
fonts the system offered (files under /usr/share/fonts, families fontconfig gave Qt)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(folder: Path) -> None:
    from PySide6.QtGui import QFontDatabase, QGuiApplication

    from app.clips import clips
    from app.films import importing
    from app.library import Library
    from app.reels import export, reels
    from app.reviews import reviews
    from tests.media_factory import make_counting_film
    from ui.shell.launch import main as protoreel

    app = QGuiApplication([])
    fc_list = shutil.which("fc-list")
    system = {"font_files": sum(len(files) for _d, _s, files in os.walk("/usr/share/fonts")),
              "fontconfig": subprocess.run([fc_list], capture_output=True, text=True).stdout.split("\n")[:-1]
              if fc_list else None,
              "qt_families": sorted(QFontDatabase.families())}  # before the shipped fonts are loaded
    with Library.open(folder / "lib") as lib:
        film = importing.import_file(lib, make_counting_film(folder / "film.mp4", seconds=2)).film_id
        clip = clips.add(lib, film, 0, 1_000_000, title="At the front desk")
        reel = reels.create(lib, "Tuesday breakfast", [clip])
        export.export_reel(lib, reel, folder / "reel.mp4")  # opening card, caption, closing card
        review = reviews.start(lib, clip_ids=[clip])
        reviews.set_note(lib, review, clip, "Nobody looked up")
    code = protoreel(["review", "summary", str(review), str(folder / "summary.pdf"), "--library", str(folder / "lib")])
    del app
    print(json.dumps({**system, "summary": code}))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
