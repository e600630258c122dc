"""Scenes played in a real window under Xvfb and saved as screenshots.

    python -m tests.ui.scenes workspace LIBRARY_DIR OUT.png

Each scene drives the app with simulated keys like a facilitator would, checks what it must,
grabs the window with QScreen.grabWindow (which, unlike QWidget.grab, sees real video) and
exits non-zero on any failure.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.conftest import SAMPLES
from tests.ui.helpers import pump


def wait_until(app, condition, timeout_ms: int = 20_000) -> None:
    end = time.monotonic() + timeout_ms / 1000
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {condition}")
        pump(20)


def keys(window, *sequence) -> None:
    for key in sequence:
        modifier = Qt.KeyboardModifier.NoModifier
        if isinstance(key, tuple):
            key, modifier = key
        QTest.keyClick(window, key, modifier)
        pump(30)


def open_window(lib, fit: bool = False):
    """The main window; ``fit``: at the size the app itself chooses for the screen."""
    from ui.shell.main_window import MainWindow

    window = MainWindow(lib)
    if not fit:
        window.resize(1500, 920)
    window.show()
    window.activateWindow()
    QTest.qWaitForWindowExposed(window)
    return window


def grab(app, window, out: Path) -> QImage:
    pump(300)
    pixmap = app.primaryScreen().grabWindow(window.winId())
    out.parent.mkdir(parents=True, exist_ok=True)
    assert pixmap.save(str(out)), f"could not save {out}"
    return pixmap.toImage()


def region(window, widget):
    """``widget``'s rectangle in window coordinates (what grabWindow captured)."""
    box = widget.geometry()
    box.moveTopLeft(widget.mapTo(window, box.topLeft() * 0))
    return box


def assert_shows(image: QImage, window, widget, minimum: int, failure: str) -> None:
    """The grabbed ``widget`` shows more than ``minimum`` colours (a real picture, not blank)."""
    assert distinct_colours(image, region(window, widget)) > minimum, failure


def distinct_colours(image: QImage, rect) -> int:
    seen = set()
    for y in range(rect.top(), rect.bottom(), max(rect.height() // 40, 1)):
        for x in range(rect.left(), rect.right(), max(rect.width() // 40, 1)):
            seen.add(image.pixel(x, y))
    return len(seen)


def scene_workspace(library: Path, out: Path, fit: str = "") -> None:
    from app.library import Library
    from app.clips import clips
    from app.films import importing
    app = QApplication.instance()
    lib = Library.open(library)
    names = [
        "people-talking-grid-woman-360x288p25-mpeg1-mp2.mpg",
        "people-talking-grid-man1-360x288p25-mpeg1-mp2.mpg",
        "people-talking-grid-man2-360x288p25-mpeg1-mp2.mpg",
        "faces-tos-actors-640x360p24-h264-noaudio.mp4",
        "phone-android12-2160p60-h264-aac-rot90.mp4",
        "long-15s-london-320x240p60-h264-aac.mp4",
    ]
    results = importing.import_files(lib, [SAMPLES / n for n in names[:4]], event="Living well workshop, 14 Nov")
    results += importing.import_files(lib, [SAMPLES / n for n in names[4:]], event="Breakfast review, 21 Nov")
    assert all(r.error is None for r in results), [r.error for r in results]
    window = open_window(lib, fit=bool(fit))
    woman = results[0].film_id
    window.library_panel.select_film(woman)
    wait_until(app, lambda: window.video.current_image() is not None)
    # A marking run: two clips by keys, the first tagged as a challenge, the second an opportunity.
    keys(window, *([(Qt.Key.Key_Right, Qt.KeyboardModifier.NoModifier)] * 8), Qt.Key.Key_I)
    keys(window, *([Qt.Key.Key_Right] * 22), Qt.Key.Key_O, Qt.Key.Key_Return)
    keys(window, (Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier), *([Qt.Key.Key_Right] * 5), Qt.Key.Key_I)
    keys(window, *([Qt.Key.Key_Right] * 20), Qt.Key.Key_O, Qt.Key.Key_Return)
    made = sorted(window.timeline.clips, key=lambda c: c.start_us)
    assert len(made) == 2, made
    assert made[0].start_us == 320_000 and made[0].end_us == 1_240_000, made[0]
    clips.update(lib, made[0].id, title="Receptionist doesn't look up")
    clips.add_tag(lib, [made[0].id], _tag(lib, "Not being listened to"))
    clips.update(lib, made[1].id, title="Offers a named contact")
    clips.add_tag(lib, [made[1].id], _tag(lib, "One point of contact"))
    keys(window, Qt.Key.Key_Home, *([Qt.Key.Key_Right] * 40))
    wait_until(app, lambda: window.player.frame_index == 40)
    window.timeline.select_clip(made[1].id)
    wait_until(app, lambda: not window.library_panel.model.pictures.busy())  # read off the GUI thread
    image = grab(app, window, out)
    assert_shows(image, window, window.video, 50, "the player shows no real picture")
    assert_shows(image, window, window.timeline, 30, "the timeline shows no thumbnails")
    assert_shows(image, window, window.library_panel.view, 30, "the library shows no pictures")
    if fit:
        assert_fits(app, window)
        view = window.library_panel.view
        rows = view.viewport().height() // view.visualRect(view.model().index(0, 0)).height()
        assert rows >= 10, f"the library has room for {rows} rows only"  # the newcomer saw 2-3 films at 1366x768
        assert abs(region(window, window.video).center().x() - window.width() // 2) < window.width() // 10, \
            "the player is not in the middle"
    window.close()
    lib.close()


def assert_fits(app, window) -> None:
    """Nothing cut off: the window lies on the screen and uses it; the status bar, the clip list's
    filter rows and every dock's tabs are inside the window."""
    screen = app.primaryScreen().availableGeometry()
    frame = window.frameGeometry()
    assert screen.contains(frame), f"window {frame} is not inside the screen {screen}"
    assert frame.width() >= screen.width() - 20 and frame.height() >= screen.height() - 40, (frame, screen)
    inside = window.rect()
    for widget in (window.statusBar(), window.clip_list.person_box, window.clip_list.count, window.timeline,
                   window.transport):
        box = region(window, widget)
        assert widget.isVisible() and inside.contains(box), f"{widget.objectName() or type(widget).__name__} {box} cut off"
    from PySide6.QtWidgets import QTabBar

    for bar in window.findChildren(QTabBar):
        if bar.isVisible():
            assert inside.contains(region(window, bar)), f"dock tabs {region(window, bar)} cut off"


def workshop(lib):
    """Four role-play films of one workshop and four tagged clips with quotes."""
    from app.clips import clips
    from app.films import importing

    names = ["people-talking-grid-woman-360x288p25-mpeg1-mp2.mpg", "people-talking-grid-man1-360x288p25-mpeg1-mp2.mpg",
             "people-talking-grid-man2-360x288p25-mpeg1-mp2.mpg", "faces-tos-actors-640x360p24-h264-noaudio.mp4"]
    ids = [r.film_id for r in importing.import_files(lib, [SAMPLES / n for n in names], event="Living well workshop, 14 Nov")]
    made = [
        clips.add(lib, ids[0], 320_000, 1_240_000, title="Receptionist doesn't look up",
                  quote="Take a seat, someone will call you", tags=["challenge:Not being listened to", "theme:First contact"]),
        clips.add(lib, ids[1], 400_000, 2_000_000, title="Asked to repeat his story", quote="I've told this three times already",
                  tags=["challenge:Telling my story again", "challenge:Not being listened to"]),
        clips.add(lib, ids[3], 1_000_000, 4_500_000, title="Peer worker steps in", quote="I've been where you are",
                  tags=["opportunity:Peer support"]),
        clips.add(lib, ids[2], 500_000, 2_500_000, title="Offers a named contact", tags=["opportunity:One point of contact"]),
    ]
    return ids, made


def scene_reel_builder(library: Path, out: Path) -> None:
    from app.library import Library
    from app.people import people
    from app.reels import reels
    app = QApplication.instance()
    lib = Library.open(library)
    ids, made = workshop(lib)
    reel_id = reels.create(lib, "Front door: what we saw", made, audience="collaborative")
    reels.update(lib, reel_id, subtitle="Evidence for the Welcome desk prototype", credits="Actors of the Living well company")
    with lib.read() as s:
        from app.models import Reel

        first = s.get(Reel, reel_id).items[2].id
    reels.update_item(lib, first, card_text="What good looks like", fade=True,
                      discuss="What would a peer worker change at your service?")
    from app.clips import safeguarding

    safeguarding.flag(lib, [made[1]], note="The next clip shows a man becoming very distressed.")
    people.add(lib, "Actor A", "actor", "public")
    people.appears(lib, "Actor A", [ids[0]])
    window = open_window(lib)
    window.show_dock("reel")
    builder = window.reel_builder
    builder.items.setCurrentIndex(builder.items_model.index(2))
    window.library_panel.select_film(ids[3])
    wait_until(app, lambda: window.video.current_image() is not None)
    window.player.seek_us(2_000_000)
    wait_until(app, lambda: window.player.frame_index == 48)
    assert [i.clip_title for i in builder.items_model.items][2] == "Peer worker steps in"
    assert builder.discuss.text() == "What would a peer worker change at your service?"
    image = grab(app, window, out)
    assert_shows(image, window, builder.items, 3, "the reel's clip list is empty")
    window.close()
    lib.close()


def scene_safeguarding(library: Path, out: Path) -> None:
    """A facilitator flags a clip as distressing in the Clip panel and writes the warning; the
    clip list marks it."""
    from app import reads
    from app.library import Library
    app = QApplication.instance()
    lib = Library.open(library)
    ids, made = workshop(lib)
    window = open_window(lib)
    window.show_dock("clip")
    window.show_dock("clips")
    window.library_panel.select_film(ids[1])
    wait_until(app, lambda: window.video.current_image() is not None)
    window.timeline.select_clip(made[1])
    box = window.clip_details.safeguarding
    QTest.mouseClick(box.flag, Qt.MouseButton.LeftButton)
    QTest.keyClicks(box.note, "The next clip shows a man becoming very distressed at the front desk.")
    QTest.keyClick(box.note, Qt.Key.Key_Return)
    rec = reads.clip(lib, made[1])
    assert rec.safeguarding and rec.safeguarding_note.startswith("The next clip shows a man"), rec
    window.player.seek_us(1_000_000)
    image = grab(app, window, out)
    assert_shows(image, window, window.video, 50, "the player shows no real picture")
    window.close()
    lib.close()


def scene_evidence(library: Path, out: Path) -> None:
    from app.library import Library
    from app.prototypes import prototypes
    app = QApplication.instance()
    lib = Library.open(library)
    ids, made = workshop(lib)
    proto = prototypes.add(lib, "Welcome desk", "A peer worker and one named contact at the front door", "prototyping")
    prototypes.link(lib, proto, made)
    window = open_window(lib)
    window.show_dock("prototypes")
    window.prototypes_panel.select(proto)
    window.codebook_panel.select_tag(_tag(lib, "Not being listened to"))
    window.library_panel.select_film(ids[1])
    wait_until(app, lambda: window.video.current_image() is not None)
    board = window.prototypes_panel.board
    assert board.topLevelItemCount() == 5, board.topLevelItemCount()  # 2 challenges, 2 opportunities, 1 theme
    image = grab(app, window, out)
    assert_shows(image, window, board, 20, "the evidence board shows no pictures")
    window.close()
    lib.close()


def scene_record(library: Path, out: Path) -> None:
    from app.library import Library
    app = QApplication.instance()
    lib = Library.open(library)
    window = open_window(lib)
    view = window.record_view
    window.show_dock("record")
    view.event.setText("Living well workshop, 28 Nov")
    view.countdown.setChecked(False)
    keys(window, (Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier))
    wait_until(app, lambda: view.elapsed.text() >= "00:03")
    image = grab(app, window, out)
    assert_shows(image, window, view.preview, 20, "the live preview shows nothing")
    films_before = window.library_panel.model.film_count()
    keys(window, (Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier))
    wait_until(app, lambda: window.library_panel.model.film_count() == films_before + 1, 60_000)
    window.close()
    lib.close()


def scene_record_devices(library: Path, out: Path) -> None:
    """Record from real capture devices: the screen (what an online role-play is recorded
    from) and a microphone served by PulseAudio, which goes dead during the second take."""
    import os

    from app.library import Library
    from tests.ui.sound_server import MICROPHONE, plug_microphone, silence_microphone
    from ui.capture.capture_devices import SCREEN
    app = QApplication.instance()
    lib = Library.open(library)
    window = open_window(lib)
    view = window.record_view
    window.show_dock("record")
    wait_until(app, lambda: view.microphone.findText(MICROPHONE) >= 0)
    view.microphone.setCurrentIndex(view.microphone.findText(MICROPHONE))
    view.camera.setCurrentIndex(view.camera.findData(SCREEN))
    wait_until(app, lambda: view.capture is not None and view.level.value() > 0)  # the room's tone, live
    wait_until(app, lambda: view.preview.current_image() is not None)
    view.event.setText("Online role-play, 28 Nov")
    view.countdown.setChecked(False)
    films = window.library_panel.model.film_count()
    keys(window, (Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier))
    wait_until(app, lambda: view.elapsed.text() >= "00:03")
    image = grab(app, window, out)
    assert_shows(image, window, view.preview, 20, "the live preview shows nothing")
    keys(window, (Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier))
    wait_until(app, lambda: window.library_panel.model.film_count() == films + 1, 60_000)
    wait_until(app, lambda: "Record" in view.button.text())  # the film is listed a moment before the take ends
    assert view.message.text() == "The take is in the library.", view.message.text()
    # Take two: the microphone stops delivering after four seconds; the take so far is kept.
    wait_until(app, lambda: view.level.value() > 0)  # still heard between takes
    keys(window, (Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier))
    wait_until(app, lambda: view.elapsed.text() >= "00:04")
    silence_microphone(dict(os.environ))
    wait_until(app, lambda: window.library_panel.model.film_count() == films + 2, 60_000)
    wait_until(app, lambda: "Record" in view.button.text())
    assert "microphone" in view.message.text() and "is in the library" in view.message.text(), view.message.text()
    print("message:", view.message.text())
    # A microphone plugged in while the panel is open appears in the list by itself.
    plug_microphone(dict(os.environ), "usb_mic", "USB microphone")
    wait_until(app, lambda: view.microphone.findText("USB microphone") >= 0)
    window.close()
    lib.close()


def _tag(lib, name: str) -> int:
    from app import lookup

    with lib.read() as s:
        return lookup.tag(s, name).id


def scene_event_day(library: Path, out: Path, fit: str = "", wrong_clock: str = "") -> None:
    """A workshop day: a camera left running three hours, and phones' films around it; the
    Event day tab in front, and the clip list finding the 11:00 role-play. ``wrong_clock``: one
    more phone whose clock was three years out, shown apart above the day."""
    import datetime as dt

    from app.library import Library
    from app.films import importing
    from tests.media_factory import make_long_film

    app = QApplication.instance()
    media = library.parent / "event media"
    camera, phones = media / "camera", media / "phones"
    camera.mkdir(parents=True), phones.mkdir()
    make_long_film(camera / "Hall camera.mkv", 3 * 3600, size=(320, 180), fps=5, creation_time="2026-11-28T09:30:00Z")
    day = dt.datetime(2026, 11, 28)
    for n, (hour, minute, seconds) in enumerate([(9, 40, 90), (10, 5, 150), (10, 50, 60), (11, 0, 240),
                                                  (11, 35, 120), (12, 20, 90), (13, 45, 180), (14, 10, 60),
                                                  (14, 55, 300), (15, 30, 120), (16, 5, 90)]):
        utc = day + dt.timedelta(hours=hour, minutes=minute)
        local = utc.strftime("%Y-%m-%dT%H:%M:%S+0000")
        size = (90, 160) if n % 3 == 0 else (160, 90)
        make_long_film(phones / f"IMG_{4100 + n * 7}.mov", seconds, size=size, fps=5,
                       creation_time=utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
                       extra_metadata={"com.apple.quicktime.creationdate": local})
    if wrong_clock:  # an iPhone whose date was never set right: 2023
        make_long_film(phones / "IMG_4200.mov", 120, size=(160, 90), fps=5, creation_time="2023-05-09T10:40:00Z",
                       extra_metadata={"com.apple.quicktime.creationdate": "2023-05-09T10:40:00+0000"})
    lib = Library.open(library)
    results = importing.import_files(lib, [camera, phones], event="Living well workshop day", link=True)
    assert all(r.error is None for r in results), [r.error for r in results]
    from app.clips import clips

    by_name = {r.source.name: r.film_id for r in results}
    clips.add(lib, by_name["Hall camera.mkv"], 88 * 60 * 1_000_000, 92 * 60 * 1_000_000, title="Crisis line call")
    clips.add(lib, by_name["IMG_4121.mov"], 30_000_000, 90_000_000, title="Reception, second take")
    clips.add(lib, by_name["IMG_4135.mov"], 0, 30_000_000, title="Carer's assessment")
    window = open_window(lib, fit=bool(fit))
    window.show_dock("event")
    window.clip_list.at_box.setText("11:00")
    wait_until(app, lambda: len(window.clip_list.model.ids) == 2)
    wait_until(app, lambda: window.library_panel.model.index_of(results[-1].film_id).isValid())
    window.library_panel.select_film(by_name["Hall camera.mkv"])
    wait_until(app, lambda: window.event_day.event_name == "Living well workshop day")
    wait_until(app, lambda: len(window.event_day.spans) == 12)
    wait_until(app, lambda: len(window.event_day.outside) == (1 if wrong_clock else 0))
    wait_until(app, lambda: window.video.current_image() is not None)
    shown = []
    window.video.frame_shown.connect(shown.append)
    window.player.seek_us(75 * 60 * 1_000_000)
    wait_until(app, lambda: shown and abs(shown[-1] - 75 * 60 * 1_000_000) < 1_000_000, 60_000)
    image = grab(app, window, out)
    assert_shows(image, window, window.event_day, 20, "the event timeline shows no films")
    assert_shows(image, window, window.timeline, 30, "the timeline shows no thumbnails of the 3-hour film")
    if fit:
        assert_fits(app, window)
    window.close()
    lib.close()


SCENES = {"workspace": scene_workspace, "reel_builder": scene_reel_builder, "safeguarding": scene_safeguarding,
          "evidence": scene_evidence, "record": scene_record,
          "record_devices": scene_record_devices, "event_day": scene_event_day}
SCENES.update(__import__("tests.ui.scenes_consent", fromlist=["SCENES"]).SCENES)  # people and anonymising
SCENES.update(__import__("tests.ui.scenes_faces", fromlist=["SCENES"]).SCENES)  # telling faces apart
SCENES.update(__import__("tests.ui.scenes_transcripts", fromlist=["SCENES"]).SCENES)  # what was said


def play_in_app(argv: list[str], scene) -> int:
    """Run ``scene()`` inside a QApplication whose settings live in the scene's library folder
    (``argv[2]``); 1 if it raised (the traceback is printed), else 0. Shared by every scene script."""
    app = QApplication([argv[0]])
    app.setOrganizationName("ProtoReelTests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(Path(argv[2]) / "settings"))
    failure: list[BaseException] = []

    def play():
        try:
            scene()
        except BaseException as exc:  # reported through the exit code
            failure.append(exc)
            import traceback

            traceback.print_exc()
        finally:
            app.quit()

    QTimer.singleShot(0, play)
    app.exec()
    return 1 if failure else 0


def main(argv: list[str]) -> int:
    return play_in_app(argv, lambda: SCENES[argv[1]](Path(argv[2]), Path(argv[3]), *argv[4:]))


if __name__ == "__main__":
    sys.exit(main(sys.argv))

