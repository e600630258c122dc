"""Saying which face is a person's: choose a film and a moment, the faces found there are
shown numbered, and a click picks the person's face. Exports then cover only the faces of
people who may not be shown (and any face the app cannot tell), not everyone's.

The frame is read and searched on a worker of the one runner (``app.people.faces.faces_at``);
the picked face is stored by the People panel through ``app.people.faces.add_face`` (undoable).
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSlider,
    QVBoxLayout, QWidget,
)

from app.people import faces
from media import timecode
from ui.kit.saying import plural, possessive

PICKED = QColor("#2f9e6e")
CAN_PICK = QColor("#f1c40f")
CANNOT = QColor("#95a5a6")


class FaceFrame(QWidget):
    """A frame with its faces boxed and numbered; a click on a face picks it."""

    picked = Signal(int)  # the face's number (1-based, left to right)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("faceFrame")
        self.setMinimumSize(480, 270)
        self.image: QImage | None = None
        self.faces: list = []
        self.choice: int | None = None
        self.setMouseTracking(True)

    def show_frame(self, rgb, found: list) -> None:
        h, w = rgb.shape[:2]
        self._rgb = rgb.copy()  # QImage does not own the buffer
        self.image = QImage(self._rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888)
        self.faces, self.choice = found, None
        self.update()

    def _place(self) -> tuple[float, float, float]:
        """Scale and offset of the picture inside the widget (letterboxed)."""
        k = min(self.width() / self.image.width(), self.height() / self.image.height())
        return k, (self.width() - self.image.width() * k) / 2, (self.height() - self.image.height() * k) / 2

    def _rect(self, face) -> QRectF:
        k, ox, oy = self._place()
        x, y, w, h = face.box
        return QRectF(ox + x * k, oy + y * k, w * k, h * k)

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#111"))
        if self.image is None:
            return
        k, ox, oy = self._place()
        painter.drawImage(QRectF(ox, oy, self.image.width() * k, self.image.height() * k), self.image)
        font = QFont(painter.font())
        font.setBold(True)
        font.setPointSize(max(10, font.pointSize() + 2))
        painter.setFont(font)
        for face in self.faces:
            colour = PICKED if face.number == self.choice else (CAN_PICK if face.readable else CANNOT)
            pen = QPen(colour, 4 if face.number == self.choice else 2)
            if not face.readable:
                pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            rect = self._rect(face)
            painter.drawRect(rect)
            label = QRectF(rect.left(), rect.top() - 24, 28, 22)
            painter.fillRect(label, colour)
            painter.setPen(QColor("#111"))
            painter.drawText(label, Qt.AlignmentFlag.AlignCenter, str(face.number))

    def mousePressEvent(self, event) -> None:
        if self.image is None:
            return
        at = QPointF(event.position())
        for face in self.faces:
            if self._rect(face).contains(at):
                self.choice = face.number
                self.update()
                self.picked.emit(face.number)
                return


class FacePickerDialog(QDialog):
    """``values()`` -> (film id, time in µs, face number) once a readable face is picked."""

    def __init__(self, runner, name: str, films: list[tuple[int, str]], first_film: int | None = None,
                 parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Add a face of {name}")
        self.setObjectName("facePicker")
        self.runner, self.name = runner, name
        self.job = None
        self.pick: faces.FramePick | None = None
        intro = QLabel(f"Choose a film and a moment where <b>{name}</b> faces the camera, then click their face. "
                       "Exports will then cover only the faces of people who may not be shown, and any face the "
                       "app cannot tell apart; the others stay visible.", self)
        intro.setWordWrap(True)
        self.film = QComboBox(self)
        self.film.setObjectName("faceFilm")
        for film_id, title in films:
            self.film.addItem(title, film_id)
        if first_film is not None and self.film.findData(first_film) >= 0:
            self.film.setCurrentIndex(self.film.findData(first_film))
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setObjectName("faceTime")
        self.time = QLineEdit(self)
        self.time.setObjectName("faceTimecode")
        self.time.setMaximumWidth(110)
        show = QPushButton("Show faces", self)
        show.setObjectName("showFaces")
        row = QHBoxLayout()
        row.addWidget(self.slider, 1)
        row.addWidget(self.time)
        row.addWidget(show)
        form = QFormLayout()
        form.addRow("Film", self.film)
        form.addRow("Moment", row)
        self.frame = FaceFrame(self)
        self.status = QLabel(self)
        self.status.setObjectName("faceStatus")
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.ok = self.buttons.addButton(f"This is {name}", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setObjectName("thisIsThePerson")
        self.ok.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.frame, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.resize(760, 600)

        self.film.currentIndexChanged.connect(lambda _i: self._film_chosen())
        self.slider.sliderReleased.connect(lambda: self._moment(self.slider.value() * 1000))
        self.time.editingFinished.connect(self._typed)
        show.clicked.connect(self._typed)
        self.frame.picked.connect(self._picked)
        self._film_chosen()

    def _film_chosen(self) -> None:
        film_id = self.film.currentData()
        if film_id is None:
            self.status.setText("No film yet: import a film with this person first.")
            return
        self.duration_us, self.fps = faces.film_length(self.runner.lib, film_id)
        self.slider.setRange(0, max(0, self.duration_us // 1000 - 1))
        self._moment(min(self.duration_us // 2, 1_000_000))

    def _typed(self) -> None:
        try:
            at = timecode.parse(self.time.text(), self.fps)
        except Exception as exc:  # noqa: BLE001 - a mistyped timecode, said where it was typed
            self.status.setText(str(exc))
            return
        self._moment(at)

    def _moment(self, time_us: int) -> None:
        """Read the frame at ``time_us`` and look for faces, on a worker."""
        film_id = self.film.currentData()
        time_us = max(0, min(time_us, self.duration_us - 1))
        self.time.setText(timecode.format_clock(time_us))
        self.slider.blockSignals(True)
        self.slider.setValue(time_us // 1000)
        self.slider.blockSignals(False)
        self.ok.setEnabled(False)
        self.status.setText("Looking for faces…")
        lib = self.runner.lib
        self.job = self.runner.start(lambda progress, cancel: faces.faces_at(lib, film_id, time_us), parent=self,
                                     on_success=self._shown, title="Add a face",
                                     on_failure=lambda exc: self.status.setText(str(exc)))

    def _shown(self, pick) -> None:
        if pick.film_id != self.film.currentData():
            return  # an answer for a film no longer chosen
        self.pick = pick
        self.frame.show_frame(pick.rgb, pick.faces)
        readable = [f for f in pick.faces if f.readable]
        if not pick.faces:
            self.status.setText("No face found at this moment: try another one.")
        elif not readable:
            self.status.setText("The faces here are turned away or too small to recognise (dashed): try a moment "
                                "where the person faces the camera.")
        else:
            self.status.setText(f"{plural(len(pick.faces), 'face')} found. Click {possessive(self.name)} face.")
        if len(readable) == 1 and len(pick.faces) == 1:
            self.frame.choice = readable[0].number
            self._picked(readable[0].number)

    def _picked(self, number: int) -> None:
        face = self.pick.faces[number - 1] if self.pick else None
        if face is None:
            return
        if not face.readable:
            self.ok.setEnabled(False)
            self.status.setText(f"Face {number} is turned away or too small to recognise: pick a moment where "
                                f"{self.name} faces the camera.")
            return
        self.ok.setEnabled(True)
        self.status.setText(f"Face {number} chosen. Press “This is {self.name}” to keep it.")

    def values(self) -> tuple[int, int, int] | None:
        if self.pick is None or self.frame.choice is None:
            return None
        return self.pick.film_id, self.pick.time_us, self.frame.choice

    def done(self, result: int) -> None:
        if self.job is not None:
            self.job.cancel()
        super().done(result)
