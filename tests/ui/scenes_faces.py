"""Screenshot scenes for telling faces apart (played by tests/ui/scenes.py under Xvfb): the
People panel's face picker on a film of two people, and the anonymised preview of a clip
where the person who may not be shown is covered and the facilitator who may is not."""

from __future__ import annotations

import subprocess
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.conftest import SAMPLES

WOMAN = "people-talking-grid-woman-360x288p25-mpeg1-mp2.mpg"
MAN = "people-talking-grid-man1-360x288p25-mpeg1-mp2.mpg"


def _helpers():
    from tests.ui import scenes  # imported when a scene plays: scenes.py imports this module

    return scenes


def two_people_library(lib, folder: Path):
    """Jane (lived experience, team review) and Sam (facilitator, public) talking side by side."""
    import imageio_ffmpeg

    from app.films import importing
    from app.people import people

    film = folder / "Welcome desk role-play.mp4"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-i", str(SAMPLES / WOMAN), "-i",
                    str(SAMPLES / MAN), "-filter_complex", "[0:v][1:v]hstack[v]", "-map", "[v]", "-map", "0:a",
                    "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-c:a", "aac", str(film)],
                   check=True, timeout=120)
    film_id = importing.import_files(lib, [film], event="Living well workshop, 14 Nov")[0].film_id
    jane = people.add(lib, "Jane", "lived_experience", "team", given_on="2026-11-14", how="written form")
    sam = people.add(lib, "Sam", "facilitator", "public", given_on="2026-11-14", how="written form")
    people.appears(lib, jane, [film_id])
    people.appears(lib, sam, [film_id])
    return film_id, jane, sam


def scene_face_picker(library: Path, out: Path) -> None:
    from app.library import Library
    from ui.people.face_picker import FacePickerDialog

    s = _helpers()
    app = QApplication.instance()
    lib = Library.open(library)
    film_id, jane, _sam = two_people_library(lib, library.parent)
    window = s.open_window(lib)
    window.show_dock("people")
    panel = window.people_panel
    panel.select(jane)
    assert "none yet" in panel.faces.title.text(), panel.faces.title.text()
    dialog = FacePickerDialog(window.runner, "Jane", [(film_id, "Welcome desk role-play")], film_id, panel)
    dialog.show()
    s.wait_until(app, lambda: dialog.pick is not None and dialog.pick.time_us > 0, 60_000)
    assert [f.readable for f in dialog.pick.faces] == [True, True], dialog.pick.faces
    assert not dialog.ok.isEnabled()
    left = dialog.frame._rect(dialog.pick.faces[0]).center()  # a facilitator clicks Jane's face
    QTest.mouseClick(dialog.frame, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(int(left.x()), int(left.y())))
    assert dialog.values() == (film_id, dialog.pick.time_us, 1) and dialog.ok.isEnabled()
    image = s.grab(app, dialog, out)
    s.assert_shows(image, dialog, dialog.frame, 50, "the face picker shows no picture")
    dialog.reject()
    window.close()
    lib.close()


def scene_chosen_faces(library: Path, out: Path) -> None:
    """Jane's and Sam's faces are known; a public reel's anonymised preview covers only Jane."""
    from app.library import Library
    from app.clips import clips
    from app.people import faces
    from app.reels import reels
    from ui.people.preview_window import PreviewDialog

    s = _helpers()
    app = QApplication.instance()
    lib = Library.open(library)
    film_id, jane, sam = two_people_library(lib, library.parent)
    faces.add_face(lib, jane, film_id, 1_000_000, pick=1)
    faces.add_face(lib, sam, film_id, 1_000_000, pick=2)
    clip = clips.add(lib, film_id, 0, 2_800_000, title="Sam welcomes Jane")
    reel = reels.create(lib, "Welcome desk: for the website", [clip], audience="public")
    window = s.open_window(lib)
    window.show_dock("reel")
    window.reel_builder.fill_reels(select=reel)
    dialog = window.reel_builder.choose_export()
    s.wait_until(app, lambda: dialog.isVisible())
    assert "Jane's face is known" in dialog.face_notes.text(), dialog.face_notes.text()
    window.reel_builder.preview_anonymised(reel, 1, dialog.choice())
    s.wait_until(app, lambda: window.findChild(PreviewDialog) is not None, 240_000)
    preview = window.findChild(PreviewDialog)
    preview.resize(900, 520)
    s.wait_until(app, lambda: preview.video.frame_time_us is not None and preview.video.frame_time_us > 1_000_000,
                 60_000)
    preview.player.pause()
    image = s.grab(app, preview, out)
    s.assert_shows(image, preview, preview.video, 20, "the preview shows no picture")
    preview.reject()
    dialog.reject()
    window.close()
    lib.close()


SCENES = {"face_picker": scene_face_picker, "chosen_faces": scene_chosen_faces}
