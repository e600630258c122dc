"""Transport bar: play/pause, timecode (type one to jump), speed, volume and mute."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QLabel, QLineEdit, QSizePolicy, QSlider, QStyle, QToolButton, QWidget,
)

from media import timecode
from media.errors import BadInput
from ui.player.player import Player

SPEEDS = (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0)


class ElidedMessage(QLabel):
    """A one-line message that takes the room there is and never asks for more: a long
    refusal is cut with "…" (whole in its tooltip) instead of widening the window."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(0)

    def say(self, text: str) -> None:
        self.full = text
        self.setToolTip(text)
        self._fit()

    def clear(self) -> None:
        self.say("")

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        super().setText(self.fontMetrics().elidedText(self.full, Qt.TextElideMode.ElideRight, max(0, self.width())))


class TransportBar(QWidget):
    refused = Signal(str)  # a typed time that cannot be read: the value and the reason, in one line

    def __init__(self, player: Player, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.player = player
        style = self.style()
        self.play_button = QToolButton(self)
        self.play_button.setObjectName("playButton")
        self.play_button.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay))
        self.play_button.setToolTip("Play / pause (Space)")
        self.play_button.clicked.connect(player.toggle_play)
        self.timecode = QLineEdit("0:00.00", self)
        self.timecode.setObjectName("timecodeField")
        self.timecode.setToolTip("Type a time (1:05.20, 1:02:03.5, seconds, or HH:MM:SS:FF with frames) and press Enter to jump (Ctrl+G)")
        self.timecode.setMaximumWidth(110)
        # Room for hours whatever room the row has: squeezed, 1:15:00.00 read "5:00.00".
        self.timecode.setMinimumWidth(self.timecode.fontMetrics().horizontalAdvance("0:00:00.00") + 16)
        self.timecode.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.timecode.returnPressed.connect(self._jump)
        self.duration = QLabel("/ 0:00.00", self)
        self.message = ElidedMessage(self)
        self.message.setObjectName("timecodeMessage")
        self.message.setStyleSheet("color: #b3261e")
        self.speed = QComboBox(self)
        self.speed.setObjectName("speedBox")
        for s in SPEEDS:
            self.speed.addItem(f"{s:g}×", s)
        self.speed.setCurrentIndex(SPEEDS.index(1.0))
        self.speed.setToolTip("Playback speed")
        self.speed.currentIndexChanged.connect(lambda i: player.set_rate(SPEEDS[i]))
        self.mute = QToolButton(self)
        self.mute.setCheckable(True)
        self.mute.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_MediaVolume))
        self.mute.setToolTip("Mute (M)")
        self.mute.toggled.connect(self._on_mute)
        self.volume = QSlider(Qt.Orientation.Horizontal, self)
        self.volume.setRange(0, 100)
        self.volume.setValue(80)
        self.volume.setToolTip("Volume")
        self.volume.setMaximumWidth(100)
        self.volume.valueChanged.connect(lambda v: player.set_volume(v / 100))
        player.set_volume(0.8)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        for w in (self.play_button, self.timecode, self.duration):
            layout.addWidget(w)
        layout.addWidget(self.message, 1)  # the room between the time and the speed, no more
        # No "Speed" label (the box says 1×, 2×… and its tooltip names it): the row must fit
        # the player's column on a 1366-pixel laptop with the time field wide enough for hours.
        for w in (self.speed, self.mute, self.volume):
            layout.addWidget(w)
        player.position_changed.connect(self._show_position)
        player.playing_changed.connect(self._show_playing)
        player.film_changed.connect(self._show_film)

    def _show_position(self, us: int) -> None:
        if not self.timecode.hasFocus():
            self.timecode.setText(timecode.format_short(us, 2))

    def _show_playing(self, playing: bool) -> None:
        icon = QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay
        self.play_button.setIcon(self.style().standardIcon(icon))

    def _show_film(self, film) -> None:
        self.duration.setText("/ " + timecode.format_short(film.duration_us, 2) if film else "")
        self.message.clear()

    def _on_mute(self, muted: bool) -> None:
        self.player.set_muted(muted)
        icon = QStyle.StandardPixmap.SP_MediaVolumeMuted if muted else QStyle.StandardPixmap.SP_MediaVolume
        self.mute.setIcon(self.style().standardIcon(icon))

    def toggle_mute(self) -> None:
        self.mute.toggle()

    def _jump(self) -> None:
        try:
            us = timecode.parse(self.timecode.text(), self.player.fps)
        except BadInput as exc:  # said whole (the row may have no room), the field back to the time shown
            self.message.say(str(exc))
            self.refused.emit(str(exc))
            self.timecode.clearFocus()
            self.timecode.setText(timecode.format_short(self.player.position_us, 2))
            return
        self.message.clear()
        self.player.seek_us(us)
        self.timecode.clearFocus()

    def focus_timecode(self) -> None:
        self.timecode.setFocus()
        self.timecode.selectAll()
