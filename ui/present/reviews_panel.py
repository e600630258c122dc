"""The Reviews panel: every breakfast review kept (date, audience, what was shown and for how
long, counts of notes, marks and actions); reopen one to read or edit what was captured,
continue it where it stopped, or export its one-page summary (PDF or HTML)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout, QListWidget, QListWidgetItem, QMessageBox, QPushButton, QSplitter, QTreeWidget,
    QTreeWidgetItem, QVBoxLayout, QWidget,
)

from app.reviews import present_sequence as seq
from app import reads
from app.reviews import review_records
from app.reviews import reviews
from ui.kit.bridge import LibraryBridge
from ui.kit.name_notes import NameNotes
from ui.kit.operations import OperationRunner
from ui.present.presenter import PresenterView
from ui.kit.save_dialog import ask_save_path, replace_agreed
from ui.kit.saying import plural
from ui.kit.text_keys import is_text_input

COLUMNS = ("Date", "Review", "For", "Shown", "Notes · marks · actions", "")


def minutes(us: int) -> str:
    secs = us // 1_000_000
    return f"{secs // 60}:{secs % 60:02d}"


REVIEW_TIPS = {"reopen": "Open the notes, marks and actions of the selected review",
               "continue": "Present the selected review again from where it stopped",
               "export": "Write the selected review's summary as a web page or PDF",
               "delete": "Delete the selected review (Undo brings it back)"}

class ReviewsPanel(QWidget):
    continue_requested = Signal(int, int)  # review id, item to start at

    def __init__(self, bridge: LibraryBridge, runner: OperationRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewsPanel")
        self.bridge, self.runner = bridge, runner
        self.tree = QTreeWidget(self, objectName="reviewList")
        self.tree.setHeaderLabels(COLUMNS)
        self.tree.setRootIsDecorated(False)
        self.tree.itemDoubleClicked.connect(lambda _i, _c: self.reopen())
        self.buttons = {}
        row = QHBoxLayout()
        for name, text, slot in (("reopen", "Reopen notes", self.reopen), ("continue", "Continue", self.continue_),
                                 ("export", "Export summary…", self.export), ("delete", "Delete", self.delete)):
            button = QPushButton(text, self, objectName=f"review_{name}")
            button.setToolTip(REVIEW_TIPS[name])
            # clicked(bool) carries `checked`: a slot with an optional argument must not get it
            # (export(path=False) returned at once: the button did nothing).
            button.clicked.connect(lambda _checked=False, slot=slot: slot())
            row.addWidget(button)
            self.buttons[name] = button
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree)
        layout.addLayout(row)
        self.jobs: list = []
        self.windows: list[QWidget] = []
        bridge.changed.connect(self._on_changed)
        self.reload()

    def _on_changed(self, changes) -> None:
        """Only the reviews a change names (a note, mark, action or item names its review)
        are read again, and only their rows redrawn."""
        named = changes.about("reviews")
        if named:
            self.reload(named)

    def reload(self, ids=None) -> None:
        """Read every review again, or just ``ids``: rows of reviews not read are left as they
        are (a note typed during a meeting redraws that review's row only); a new review's row
        is put in its place (newest first), a deleted one's taken out."""
        current = self.current_id()
        rows = {self.tree.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole).id: self.tree.topLevelItem(i)
                for i in range(self.tree.topLevelItemCount())}
        records = {r.id: r for r in (reads.reviews(self.bridge.lib, None if ids is None else sorted(ids)))}
        if ids is not None:
            records = {**{i: row.data(0, Qt.ItemDataRole.UserRole) for i, row in rows.items() if i not in ids},
                       **records}
        order = sorted(records.values(), key=lambda r: (r.held_on or "", r.id), reverse=True)
        came_or_went = set(rows) != set(records)
        self.tree.blockSignals(True)
        try:
            for review_id in set(rows) - set(records):  # deleted
                self.tree.takeTopLevelItem(self.tree.indexOfTopLevelItem(rows.pop(review_id)))
            for place, r in enumerate(order):
                row = rows.get(r.id)
                if row is None:
                    row = QTreeWidgetItem()
                    self.tree.insertTopLevelItem(place, row)
                elif self.tree.indexOfTopLevelItem(row) != place:
                    self.tree.insertTopLevelItem(place, self.tree.takeTopLevelItem(self.tree.indexOfTopLevelItem(row)))
                if row.data(0, Qt.ItemDataRole.UserRole) != r:
                    self._fill(row, r)
            if current in records:
                self.select(current)
        finally:
            self.tree.blockSignals(False)
        if came_or_went:  # columns sized to what is there
            for col in range(len(COLUMNS)):
                self.tree.resizeColumnToContents(col)
        if self.tree.currentItem() is None and self.tree.topLevelItemCount():
            self.tree.setCurrentItem(self.tree.topLevelItem(0))
        for button in self.buttons.values():
            button.setEnabled(bool(order))

    @staticmethod
    def _fill(row: QTreeWidgetItem, r) -> None:
        shown = f"{r.shown_items}/{r.items} in {minutes(r.shown_us)}" + (f", {r.withheld} withheld"
                                                                       if r.withheld else "")
        for col, text in enumerate([r.held_on or "", r.title, r.audience, shown,
                                    f"{r.notes} · {r.marks} · {r.actions}", "" if r.ended_at else "not ended"]):
            row.setText(col, text)
        row.setData(0, Qt.ItemDataRole.UserRole, r)

    def current(self):
        item = self.tree.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item else None

    def current_id(self) -> int | None:
        r = self.current()
        return r.id if r else None

    def select(self, review_id: int) -> None:
        for n in range(self.tree.topLevelItemCount()):
            if self.tree.topLevelItem(n).data(0, Qt.ItemDataRole.UserRole).id == review_id:
                self.tree.setCurrentItem(self.tree.topLevelItem(n))

    def reopen(self) -> None:
        if self.current_id() is not None:
            # A window of the main window's: it closes with it (Quit used to leave the process
            # running with this window open), and is never the app's last window.
            window = ReviewNotesWindow(self.bridge, self.runner, self.current_id(), self.window())
            window.show()
            self.windows.append(window)
            window.closed.connect(lambda w=window: self.windows.remove(w) if w in self.windows else None)

    def close_windows(self) -> None:
        """The notes windows opened again close with the workspace (what was typed is saved)."""
        for window in list(self.windows):
            window.close()

    def continue_(self) -> None:
        r = self.current()
        if r is not None:
            self.continue_requested.emit(r.id, r.last_position)

    def export(self, path: str | None = None) -> None:
        review_id = self.current_id()
        if review_id is None:
            return
        if path is None:
            path = ask_save_path(self, "Export the review's summary", f"review-{review_id}.pdf",
                                 "PDF (*.pdf);;Web page (*.html)", self.bridge.lib.exports_dir)
        if not path:
            return
        from app.reviews import review_summary  # (stills: the film decoders, loaded when first used)
        from ui.present import summary_pdf

        summary_pdf.register()  # the window writes PDFs however it was started (not only by `protoreel`)
        lib = self.bridge.lib
        notes = NameNotes()
        job = self.runner.start(  # stills are decoded: on a worker
            lambda progress, cancel: review_summary.write_summary(lib, review_id, Path(path),
                                                                  replace=replace_agreed(Path(path)), note=notes),
            parent=self, on_success=lambda out: self._summary_written(out, notes),
            on_done=lambda: self.jobs.remove(job) if job in self.jobs else None)
        self.jobs.append(job)

    def _summary_written(self, out, notes: NameNotes) -> None:
        if hasattr(self.window(), "statusBar"):
            self.window().statusBar().showMessage(f"Summary written: {out}", 8000)
        notes.show(self)

    def delete(self) -> None:
        r = self.current()
        if r is None:
            return
        answer = QMessageBox.question(self, "Delete review", f"Delete the review “{r.title}” of {r.held_on} with its "
                                      "notes, marks and actions? (Edit → Undo brings it back.)")
        if answer == QMessageBox.StandardButton.Yes:
            self.runner.run(lambda lib: reviews.delete(lib, r.id), self, say=f"Deleted the review “{r.title}”.")


class ReviewNotesWindow(QWidget):
    """A finished (or interrupted) review opened again: pick an item, read and edit what was
    captured, add actions; saved as typed, like during the meeting."""

    closed = Signal()

    def __init__(self, bridge: LibraryBridge, runner: OperationRunner, review_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("reviewNotesWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.lib, self.review_id, self.runner = bridge.lib, review_id, runner
        self.detail = review_records.detail(self.lib, review_id)
        self.setWindowTitle(f"Review — {self.detail.review.title} ({self.detail.review.held_on})")
        self.items = QListWidget(self, objectName="reviewItems")
        self.presenter = PresenterView(self.lib, review_id, runner, self)
        self.presenter.timer_label.hide()
        self.presenter.mark_pressed.connect(self._mark)
        splitter = QSplitter(self)
        splitter.addWidget(self.items)
        splitter.addWidget(self.presenter)
        splitter.setStretchFactor(1, 1)
        QVBoxLayout(self).addWidget(splitter)
        self.items.currentRowChanged.connect(self._pick)
        self._unsubscribe = self.lib.subscribe(self._on_changed)
        self._fill()
        self._pick(0)
        self.presenter.keys_help.setText("Pick an item on the left to read and edit what was captured; saved as you "
                                         "type · Esc leave (in a text field: leave the field first)")
        self.resize(1200, 700)

    def keyPressEvent(self, event) -> None:
        """Esc leaves, as the help line says: from a text field, first the field (what was typed
        stays), then the window."""
        if event.key() == Qt.Key.Key_Escape:
            focus = self.focusWidget()
            if is_text_input(focus) and focus.hasFocus():
                self.items.setFocus()
            else:
                self.close()
            return
        super().keyPressEvent(event)

    def _fill(self) -> None:
        row = self.items.currentRow()
        self.items.blockSignals(True)
        self.items.clear()
        for item in self.detail.items:
            marks = sum(item.marks.values())
            text = f"{item.position + 1}. {item.title}" + ("  (withheld)" if item.withheld else "") + \
                (f"  · {plural(marks, 'mark')}" if marks else "")
            self.items.addItem(QListWidgetItem(text))
        self.items.addItem(QListWidgetItem("The meeting as a whole"))
        self.items.setCurrentRow(max(row, 0))
        self.items.blockSignals(False)

    def _pick(self, row: int) -> None:
        slides = seq.slides(self.detail.items)
        if row < 0:
            return
        self.presenter.show_slide(self.detail, slides, seq.first_slide_of(slides, row))

    def _mark(self, kind: str) -> None:
        item = self.presenter.item
        if item is not None and item.clip_id is not None:
            self.runner.run(lambda lib: reviews.add_mark(lib, self.review_id, item.clip_id, kind), self)

    def _on_changed(self, changes) -> None:
        if changes.touches("review_marks", "review_actions"):
            self.detail = review_records.detail(self.lib, self.review_id)
            self.presenter.refresh_marks(self.detail)
            self.presenter.fill_actions(self.detail)
            self._fill()

    def closeEvent(self, event) -> None:
        self.presenter.flush()
        self._unsubscribe()
        super().closeEvent(event)
        self.closed.emit()
