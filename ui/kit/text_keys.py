"""Keys belong to the text field being typed in.

Workspace shortcuts are window-wide (Enter makes a clip, Delete removes one, arrows step
frames). While a text field has focus, those keys must edit the text instead: Enter confirms
a typed timecode or an inline rename, Delete deletes characters.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QLineEdit, QPlainTextEdit, QTextEdit

TEXT_KEYS = {
    Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape, Qt.Key.Key_Delete, Qt.Key.Key_Backspace,
    Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Home, Qt.Key.Key_End, Qt.Key.Key_Space,
    Qt.Key.Key_Plus, Qt.Key.Key_Minus, Qt.Key.Key_Equal,
}


def is_text_input(widget) -> bool:
    if isinstance(widget, (QLineEdit, QTextEdit, QPlainTextEdit, QAbstractSpinBox)):
        return not getattr(widget, "isReadOnly", lambda: False)()
    return isinstance(widget, QComboBox) and widget.isEditable()


class TextFieldKeys(QObject):
    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and event.key() in TEXT_KEYS:
            if is_text_input(QApplication.focusWidget()):
                event.accept()  # the field gets the key; no shortcut fires
        return False
