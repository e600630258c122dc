"""Menus and keyboard shortcuts of the workspace, in one table-like place."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu


def action(window: QMainWindow, menu: QMenu, text: str, slot: Callable, *keys, name: str | None = None) -> QAction:
    act = QAction(text, window)
    if keys:
        act.setShortcuts([k if isinstance(k, QKeySequence) else QKeySequence(k) for k in keys])
    # Window-wide, so keys work whichever panel has focus; text fields still get their
    # typing first (they claim printable keys through ShortcutOverride).
    act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    act.triggered.connect(lambda _checked=False: slot())
    if name:
        act.setObjectName(name)
    menu.addAction(act)
    window.addAction(act)
    return act


def build_menus(w) -> dict[str, QAction]:
    """``w`` is the MainWindow; returns the actions by object name (for tests)."""
    bar = w.menuBar()
    acts: dict[str, QAction] = {}

    def add(menu, text, slot, *keys, name):
        acts[name] = action(w, menu, text, slot, *keys, name=name)

    file_menu = bar.addMenu("&File")
    add(file_menu, "&Open or Create Library…", w.choose_library, QKeySequence.StandardKey.Open, name="openLibrary")
    add(file_menu, "Open &Team Library…", w.choose_team_library, name="openTeamLibrary")
    add(file_menu, "&Import Films…", w.import_flow.choose_and_import, "Ctrl+I", name="import")
    add(file_menu, "Import &Folder…", w.import_flow.choose_folder_and_import, "Ctrl+Shift+I", name="importFolder")
    add(file_menu, "&Present…", w.presenting.choose, "F5", name="present")
    file_menu.addSeparator()
    add(file_menu, "Export &Bundle…", w.bundles.choose_export, name="exportBundle")
    add(file_menu, "Import Bu&ndle…", w.bundles.choose_import, name="importBundle")
    file_menu.addSeparator()
    add(file_menu, "&Relink Missing Film…", w.relink_current, name="relink")
    file_menu.addSeparator()
    add(file_menu, "&Settings…", w.open_settings, QKeySequence.StandardKey.Preferences, name="settings")
    file_menu.addSeparator()
    # Ctrl+Q written out: Windows (and Qt's offscreen platform) have no standard Quit key, so
    # StandardKey.Quit was no key at all there. On a Mac Ctrl reads as Cmd: Cmd+Q.
    add(file_menu, "&Quit", w.close, "Ctrl+Q", name="quit")
    # Ctrl+Q quits from any of the app's windows (a review's notes window in front too).
    acts["quit"].setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)

    edit = bar.addMenu("&Edit")
    edit.addAction(w.undo_actions.undo)
    edit.addAction(w.undo_actions.redo)
    w.addAction(w.undo_actions.undo)
    w.addAction(w.undo_actions.redo)
    edit.addSeparator()
    add(edit, "&Delete Clip", w.delete_clip, "Delete", "Backspace", name="deleteClip")
    add(edit, "Find Clips", w.focus_search, QKeySequence.StandardKey.Find, name="find")

    play = bar.addMenu("&Playback")
    p = w.player
    add(play, "Play / Pause", p.toggle_play, "Space", name="playPause")
    add(play, "Shuttle Back (J)", p.shuttle_back, "J", name="shuttleBack")
    add(play, "Stop (K)", p.shuttle_stop, "K", name="shuttleStop")
    add(play, "Shuttle Forward (L)", p.shuttle_forward, "L", name="shuttleForward")
    play.addSeparator()
    add(play, "Previous Frame", lambda: p.step_frames(-1), "Left", name="prevFrame")
    add(play, "Next Frame", lambda: p.step_frames(1), "Right", name="nextFrame")
    add(play, "Back 1 Second", lambda: p.step_seconds(-1), "Shift+Left", name="back1s")
    add(play, "Forward 1 Second", lambda: p.step_seconds(1), "Shift+Right", name="forward1s")
    add(play, "Go to Start", lambda: p.seek_us(0), "Home", name="goStart")
    add(play, "Go to End", lambda: p.seek_us(p.duration_us), "End", name="goEnd")
    add(play, "Go to Timecode…", w.transport.focus_timecode, "Ctrl+G", name="goTo")
    play.addSeparator()
    add(play, "Mute", w.transport.toggle_mute, "M", name="mute")

    mark = bar.addMenu("&Mark")
    t = w.timeline
    add(mark, "Set &In", t.mark_in, "I", name="markIn")
    add(mark, "Set &Out", t.mark_out, "O", name="markOut")
    add(mark, "&Create Clip", t.create_clip, "Return", "Enter", name="createClip")
    add(mark, "Clear In/Out and Selection", w.escape, "Escape", name="clearMarks")
    mark.addSeparator()
    tag_menu = mark.addMenu("Tag with Key")
    for key in "123456789":
        add(tag_menu, f"Tag {key}", lambda key=key: w.key_tagger.tag_by_key(key), key, name=f"tagKey{key}")
    mark.addSeparator()
    add(mark, "Zoom In", t.zoom_in, "+", "=", name="zoomIn")
    add(mark, "Zoom Out", t.zoom_out, "-", name="zoomOut")

    said = bar.addMenu("&Transcripts")
    add(said, "Transcribe This &Film", w.transcribe_film, name="transcribeFilm")
    add(said, "Transcribe the &Event's Films", w.transcribe_event, name="transcribeEvent")
    add(said, "Transcribe the &Whole Library", w.transcribe_all, name="transcribeAll")
    add(said, "&Stop Transcribing", w.transcribing.stop, name="transcribeStop")

    record = bar.addMenu("&Record")
    add(record, "Start / Stop Recording", lambda: (w.show_dock("record"), w.record_view.toggle()), "Ctrl+R",
        name="recordToggle")

    view = bar.addMenu("&View")
    for dock in w.docks.values():
        view.addAction(dock.toggleViewAction())
    view.addSeparator()
    add(view, "Reset Layout", w.reset_layout, name="resetLayout")

    from ui.shell.help_menu import build_help_menu

    build_help_menu(w, add)
    return acts
