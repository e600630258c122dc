"""The People panel's "Known faces" row: the faces a facilitator said are this person's, as
small pictures, with Add face… and Remove. Without one, exports cover every face in the
clips where the person must not be shown; with one, only theirs (and faces the app cannot
tell apart)."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListView, QListWidget, QListWidgetItem, QPushButton

from app.people import faces
from media import timecode


class KnownFaces:
    def __init__(self, parent) -> None:
        self.title = QLabel(parent)
        self.add_button = QPushButton("Add face…", parent)
        self.add_button.setObjectName("addFace")
        self.add_button.setToolTip("Click this person's face in a frame of a film: exports then cover their face "
                                   "only (and any face they cannot tell apart), not everyone's")
        self.remove_button = QPushButton("Remove", parent)
        self.remove_button.setToolTip("Forget the selected face")
        self.row = QHBoxLayout()
        self.row.addWidget(self.title)
        self.row.addStretch(1)
        self.row.addWidget(self.add_button)
        self.row.addWidget(self.remove_button)
        self.list = QListWidget(parent)
        self.list.setObjectName("knownFaces")
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setIconSize(QSize(64, 64))
        self.list.setFlow(QListView.Flow.LeftToRight)
        self.list.setWrapping(False)
        self.list.setFixedHeight(84)
        # People the recogniser finds too alike to this one: the one who may be shown will often stay covered.
        self.alike = QLabel(parent)
        self.alike.setObjectName("lookAlikes")
        self.alike.setWordWrap(True)
        self.alike.hide()

    def show_person(self, lib, person_id: int, name: str) -> None:
        self.list.clear()
        known = faces.faces_of(lib, person_id)
        for face in known:
            pixmap = QPixmap()
            pixmap.loadFromData(face.picture, "JPG")
            item = QListWidgetItem(QIcon(pixmap), timecode.format_clock(face.time_us)[3:8], self.list)
            item.setToolTip(f"From {face.film_title or 'a film since removed'} at "
                            f"{timecode.format_clock(face.time_us)}")
            item.setData(Qt.ItemDataRole.UserRole, face.id)
        self.title.setText(f"<b>Known faces ({len(known)})</b>" if known else "<b>Known faces</b>: none yet")
        self.title.setToolTip(f"Exports tell {name}'s face from others' by these faces" if known else
                              f"Without a known face, exports cannot tell {name}'s face from others': where "
                              f"{name} may not be shown, every face in their clips is covered")
        self.remove_button.setEnabled(bool(known))
        alike = faces.look_alikes(lib, person_id) if known else []
        self.alike.setText("\n".join(alike))
        self.alike.setVisible(bool(alike))

    def current_face(self) -> int | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None
