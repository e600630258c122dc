"""docs/measured.md: PySide6 6.12.0 on Python 3.11 aborts after ~3,700 calls of methods returning
None (none_dealloc). This makes 10,000 such calls; a bad pin would crash this test."""

from PySide6.QtWidgets import QLabel


def test_ten_thousand_none_returning_calls(qtbot, qapp):
    label = QLabel()
    qtbot.addWidget(label)
    for i in range(10_000):
        label.setText(str(i))
        qapp.processEvents()
    assert label.text() == "9999"
