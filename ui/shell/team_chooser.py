"""File → Open Team Library…: a team library's PostgreSQL URL, and this computer's path to
the team's shared media folder (asked once per library, then remembered on this computer)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout,
    QWidget,
)

from app.team import opening
from app.team.machine import MachineSettings
from media.errors import ProtoReelError


class TeamChooser(QDialog):
    def __init__(self, url: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("teamChooser")
        self.setWindowTitle("Open a team library")
        self.chosen: tuple[str, Path] | None = None
        self.url = QLineEdit(url, self)
        self.url.setObjectName("teamUrl")
        self.url.setPlaceholderText("postgresql+psycopg://you@server/protoreel")
        self.url.setToolTip("The team's PostgreSQL database. A password is best kept in ~/.pgpass "
                            "(this computer never writes one down)")
        self.media_root = QLineEdit(self)
        self.media_root.setObjectName("teamMediaRoot")
        self.media_root.setToolTip("The team's shared media folder, as this computer reaches it "
                                   "(asked once per library)")
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.media_root, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow("Database:", self.url)
        form.addRow("Shared media folder:", row)
        self.note = QLabel(self)
        self.note.setObjectName("teamNote")
        self.note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self._open)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Several facilitators work on one team library at once: its database is on "
                                "a PostgreSQL server, its films in a shared folder.", self))
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        self.url.textChanged.connect(self._remembered)
        self._remembered()
        self.resize(640, 200)

    def _remembered(self) -> None:
        """A library this computer opened before: its media root is filled in."""
        text = self.url.text().strip()
        if not opening.is_url(text):
            return
        try:
            known = MachineSettings(opening.team_url(text)).media_root
        except ProtoReelError:
            return
        if known is not None and not self.media_root.text().strip():
            self.media_root.setText(str(known))

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "The team's shared media folder", self.media_root.text())
        if folder:
            self.media_root.setText(folder)

    def _open(self) -> None:
        if not self.url.text().strip():
            self.note.setText("Type the team library's database, for example "
                              "postgresql+psycopg://you@server/protoreel.")
            return
        try:
            url = opening.team_url(self.url.text())
            if not self.media_root.text().strip():
                self.note.setText("Choose this computer's way to the team's shared media folder "
                                  "(Browse…): it is asked once, then remembered here.")
                return
            root = opening.media_root_for(url, self.media_root.text().strip())
        except ProtoReelError as exc:
            self.note.setText(str(exc))
            return
        self.chosen = (url, root)
        self.accept()
