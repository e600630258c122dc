"""Codebook panel and key-driven tagging, through the real window."""

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app import queries
from media import timecode
from app.clips import clips
from app.codebook import codebook, codebook_files
from app import lookup
from tests.ui.test_workspace import wait_frame
from tests.ui.driving import button, click


def tag(lib, name):
    with lib.read() as s:
        return lookup.tag(s, name).id


def clip_tags(lib, clip_id):
    with lib.read() as s:
        (rec,) = queries.clip_records(s, [clip_id])
    return [t["name"] for t in rec.tags]


def test_keys_tag_during_playback_making_clips_that_end_at_the_playhead(qtbot, film_window):
    w = film_window
    w.player.seek_frame(75)
    wait_frame(qtbot, w, 75)
    QTest.keyClick(w, Qt.Key.Key_1)  # "Waiting and delay" has key 1 in the default codebook
    (made,) = [c.id for c in w.timeline.clips]
    assert w.timeline.clips[0].end_us == timecode.frame_start_us(76, w.player.fps)
    assert w.timeline.clips[0].start_us == 0  # 10 s back, clamped at the film's start
    assert clip_tags(w.lib, made) == ["Waiting and delay"]
    w.timeline.select_clip(made)
    QTest.keyClick(w, Qt.Key.Key_5)  # "Peer support": tags the selected clip
    assert set(clip_tags(w.lib, made)) == {"Waiting and delay", "Peer support"}
    QTest.keyClick(w, Qt.Key.Key_5)  # again: takes it off
    assert clip_tags(w.lib, made) == ["Waiting and delay"]
    w.timeline.select_clip(None)
    w.clip_list.view.clearSelection()
    w.player.play()
    qtbot.waitUntil(lambda: w.player.position_us > 1_500_000, timeout=10_000)
    QTest.keyClick(w, Qt.Key.Key_6)  # while playing: a new clip up to now
    assert len(w.timeline.clips) == 2
    w.player.pause()
    assert w.undo_actions.undo.text() == "Undo Add clip"


def test_merge_with_undo_and_key_assignment(qtbot, film_window):
    w = film_window
    lib = w.lib
    a = clips.add(lib, w.film_id, 0, 1_000_000, tags=["challenge:Waiting and delay"])
    b = clips.add(lib, w.film_id, 1_000_000, 2_000_000, tags=["challenge:Access barriers"])
    panel = w.codebook_panel
    panel.merge_into(tag(lib, "Waiting and delay"), tag(lib, "Access barriers"))
    assert clip_tags(lib, a) == ["Access barriers"] and clip_tags(lib, b) == ["Access barriers"]
    assert "Waiting and delay" not in [i.text(0) for i in panel._tag_items()]
    w.undo_actions.undo.trigger()
    assert clip_tags(lib, a) == ["Waiting and delay"]
    assert "Waiting and delay" in [i.text(0) for i in panel._tag_items()]
    panel.select_tag(tag(lib, "Crisis"))
    panel.key_box.setCurrentIndex(panel.key_box.findData("7"))
    panel.key_box.activated.emit(panel.key_box.currentIndex())
    assert codebook.shortcut_tag(lib, "7") == tag(lib, "Crisis")
    crisis_item = next(i for i in panel._tag_items() if i.text(0) == "Crisis")
    assert crisis_item.text(1) == "7"


def test_counts_rename_inline_and_filter_from_the_codebook(qtbot, film_window):
    w = film_window
    clips.add(w.lib, w.film_id, 0, 1_000_000, title="One", tags=["theme:Crisis"])
    clips.add(w.lib, w.film_id, 1_000_000, 2_000_000, title="Two")
    panel = w.codebook_panel
    item = next(i for i in panel._tag_items() if i.text(0) == "Crisis")
    assert item.text(2) == "1"
    tag_id = item.data(0, Qt.ItemDataRole.UserRole)
    item.setText(0, "Crisis care")  # an inline edit: renames through the core, the tree redraws
    assert next(i for i in panel._tag_items() if i.data(0, Qt.ItemDataRole.UserRole) == tag_id).text(0) == "Crisis care"
    panel.tag_activated.emit(tag(w.lib, "Crisis care"))
    model = w.clip_list.model  # the tag's clips are read off the GUI thread (issue 29)
    qtbot.waitUntil(lambda: [model.record(r).title for r in range(model.rowCount())] == ["One"], timeout=5000)


def test_codebook_files_round_trip(lib, tmp_path):
    out = tmp_path / "codebook.csv"
    codebook_files.write_file(lib, out)
    other = tmp_path / "more.json"
    other.write_text('{"tags": [{"kind": "challenge", "name": "Lonely evenings", "color": "#123456"}]}')
    assert codebook_files.read_file(lib, other) == 1
    assert tag(lib, "Lonely evenings")
    lib.undo()
    assert codebook_files.read_file(lib, out) > 20
    bad = tmp_path / "bad.json"
    bad.write_text('{"tags": [{"kind": "mood", "name": "x"}]}')
    import pytest

    from media.errors import BadInput

    with pytest.raises(BadInput, match="tag kind 'mood'"):
        codebook_files.read_file(lib, bad)


def test_export_replaces_only_what_the_save_dialog_agreed_and_never_footage(qtbot, window, tmp_path, monkeypatch,
                                                                          counting_film):
    """Qt's save dialog asks "Replace?": a yes lets the core replace a file there, never footage
    (a phone film renamed .csv is still a film)."""
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    notes = tmp_path / "codebook.csv"
    notes.write_text("my own notes\n")
    film_named_csv = tmp_path / "phone.csv"
    film_named_csv.write_bytes(counting_film.read_bytes())
    chosen = {"path": notes}
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(chosen["path"]), ""))
    window.show_dock("codebook")
    click(button(window.codebook_panel, "Export…"))
    assert notes.read_text() != "my own notes\n" and "Waiting" in notes.read_text()
    chosen["path"] = film_named_csv
    click(button(window.codebook_panel, "Export…"))
    qtbot.waitUntil(lambda: bool(window.findChildren(QMessageBox, "errorBox")))
    texts = [b.text() for b in window.findChildren(QMessageBox, "errorBox")]
    assert any("ProtoReel did not export" in t for t in texts), texts
    assert film_named_csv.read_bytes() == counting_film.read_bytes()
