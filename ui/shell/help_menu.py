"""Help: the keyboard shortcuts (read from the menus themselves, so the list cannot go stale),
where the library is (with a button to open its folder), and About (ui.shell.about) with the version."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QHeaderView, QLabel, QMainWindow, QMessageBox, QTableWidget,
    QTableWidgetItem, QVBoxLayout,
)

from ui.shell.about import show_about
from ui.kit.desktop import show_in_folder
from ui.kit.logs import log_dir
from app.team.machine import library_key


def shortcut_rows(window: QMainWindow) -> list[tuple[str, str, str]]:
    """(menu, action, keys) for every menu action that has a key."""
    rows = []
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        if menu is None:
            continue
        stack = [(menu_action.text().replace("&", ""), a) for a in menu.actions()]
        while stack:
            title, act = stack.pop(0)
            if act.menu() is not None:
                stack[:0] = [(f"{title} › {act.text().replace('&', '')}", a) for a in act.menu().actions()]
                continue
            keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in act.shortcuts())
            if keys and act.text():
                rows.append((title, act.text().replace("&", ""), keys))
    return rows


def shortcuts_dialog(window: QMainWindow) -> QDialog:
    dialog = QDialog(window)
    dialog.setObjectName("shortcutsDialog")
    dialog.setWindowTitle("Keyboard shortcuts")
    rows = shortcut_rows(window)
    table = QTableWidget(len(rows), 3, dialog)
    table.setHorizontalHeaderLabels(["Menu", "Does", "Keys"])
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    layout = QVBoxLayout(dialog)
    layout.addWidget(QLabel("Keys work wherever you are in the window, except while typing in a text field.", dialog))
    layout.addWidget(table)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    dialog.resize(620, 560)
    return dialog


def library_dialog(window) -> QMessageBox:
    root = window.lib.root
    if window.lib.team:
        text = (f"This is a team library. Its database (clips, tags, prototypes, reels, people) is\n\n"
                f"{library_key(window.lib.url)}\n\nand its films are in the team's shared folder, which this "
                f"computer reaches at\n\n{root}\n\n(media/ the films, cache/ thumbnails and waveforms, "
                "exports/). Whoever runs the database server backs it up; the shared folder is backed up "
                f"with the team's files.\n\nLogs are in {log_dir()}")
    else:
        text = (f"Your library is the folder\n\n{root}\n\nIt holds library.db (clips, tags, prototypes, reels), "
                "media/ (the films it manages), cache/ (thumbnails and waveforms) and exports/. "
                "Back it up by copying the whole folder while ProtoReel is closed.\n\n"
                f"Logs are in {log_dir()}")
    box = QMessageBox(QMessageBox.Icon.Information, "Where is my library?", text,
                      QMessageBox.StandardButton.Close, window)
    box.setObjectName("libraryLocationBox")
    open_button = box.addButton("Open folder", QMessageBox.ButtonRole.ActionRole)
    open_button.setToolTip(f"Show {root} in the file manager")
    open_button.clicked.disconnect()  # keep the box open after opening the folder
    open_button.clicked.connect(lambda: show_in_folder(root))
    return box


def build_help_menu(window, add) -> None:
    """``add(menu, text, slot, *keys, name=...)`` is the menu builder's helper."""
    menu = window.menuBar().addMenu("&Help")
    window._help_dialogs = []

    def show(make):
        dialog = make(window)
        window._help_dialogs.append(dialog)
        dialog.open()

    add(menu, "&Keyboard Shortcuts", lambda: show(shortcuts_dialog), "F1", name="helpShortcuts")
    add(menu, "&Where Is My Library?", lambda: show(library_dialog), name="helpLibrary")
    menu.addSeparator()
    add(menu, "&About ProtoReel", lambda: show_about(window), name="about")


