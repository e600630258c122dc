"""Tearing the player down cannot re-enter our code, and does not deadlock while frames arrive."""

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from ui.kit.qt_calls import call_without_gil


class Poster(QObject):
    poked = Signal()


def test_a_teardown_call_runs_nothing_else_of_ours(qtbot, film_window):
    w = film_window
    ran = []
    QTimer.singleShot(0, lambda: ran.append("timer"))
    poster = Poster()
    poster.poked.connect(lambda: ran.append("queued signal"), Qt.ConnectionType.QueuedConnection)
    poster.poked.emit()
    call_without_gil(w.player.media, "stop")
    assert ran == []  # a nested event loop would have run both here
    qtbot.waitUntil(lambda: len(ran) == 2)  # they run later, from the window's own loop


def test_switching_films_while_playing_never_hangs(qtbot, film_window, counting_film, tmp_path):
    from app.films import importing

    w = film_window
    copy = tmp_path / "other.mp4"
    copy.write_bytes(counting_film.read_bytes() + b"\0\0")
    other = importing.import_file(w.lib, copy).film_id
    for n in range(12):
        w.player.play()
        qtbot.waitUntil(w.player.is_playing, timeout=5_000)
        qtbot.waitUntil(lambda: w.player.position_us > 100_000, timeout=5_000)
        w.library_panel.select_film(other if n % 2 == 0 else w.film_id)  # stop + setSource mid-playback
    assert w.player.film is not None
