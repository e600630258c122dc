"""One meaning of an out point: the O key on a frame makes that frame the clip's last (Out is
where it ends), and ``clip add --end`` takes that same time (the time just after the last frame),
as its help and the README say in plain words."""

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app import reads
from app.cli.main import main
from ui.clips.clip_list import COLUMNS
from tests.ui.helpers import pump, shown_index, wait_until


def keys(window, *ks):
    for k in ks:
        QTest.keyClick(window, k)
        pump(20)


def test_o_on_a_frame_and_clip_add_end_make_the_same_clip(film_window, capsys):
    w = film_window
    keys(w, *([Qt.Key.Key_Right] * 5), Qt.Key.Key_I, *([Qt.Key.Key_Right] * 20))
    wait_until(lambda: shown_index(w) == 25)  # 1:00 of a 25 fps film is on screen
    keys(w, Qt.Key.Key_O, Qt.Key.Key_Return)
    (made,) = reads.film_clips(w.lib, w.film_id)
    assert (made.start_us, made.end_us) == (200_000, 1_040_000)  # frames 5..25: the one on screen is the last
    model = w.clip_list.model
    row = model.row_of(made.id)
    out_shown = model.index(row, COLUMNS.index("Out")).data()
    assert out_shown == "0:01.04"
    # The Out the list shows, typed as --end, is the same clip.
    code = main(["clip", "add", str(w.film_id), "--start", "0:00.20", "--end", out_shown, "--title", "typed",
                 "--library", str(w.lib.root)])
    out, err = capsys.readouterr()
    assert code == 0, err
    typed = next(c for c in reads.film_clips(w.lib, w.film_id) if c.title == "typed")
    assert (typed.start_us, typed.end_us) == (made.start_us, made.end_us)


def test_clip_help_says_what_end_is(capsys):
    for command in (["clip", "add", "--help"], ["clip", "edit", "--help"]):
        assert main(command) == 0
        said = " ".join(capsys.readouterr().out.split())
        assert "the time just after the clip's last frame" in said
        assert "the frame on screen at this time is not in the clip" in said
        assert "O key" in said
