"""Issue 11, item 3 (defence in depth): a library whose tag parents go round in a loop (as an
older version's codebook import could leave it) opens in the app and shows every tag."""

import pytest
from sqlalchemy import select, update

from app.models import Tag


@pytest.mark.timeout(60, method="thread")  # a loop hangs inside Qt, out of reach of signals
def test_the_window_opens_on_a_library_with_a_parent_loop(qtbot, lib):
    from ui.shell.main_window import MainWindow

    with lib.read() as s:
        a, b = (s.scalar(select(Tag.id).where(Tag.name == name)) for name in ("Crisis", "Assessment"))
    with lib.engine.begin() as conn:
        conn.execute(update(Tag).where(Tag.id == a).values(parent_id=b))
        conn.execute(update(Tag).where(Tag.id == b).values(parent_id=a))
    window = MainWindow(lib)
    qtbot.addWidget(window)
    window.show()
    names = set()
    from PySide6.QtWidgets import QTreeWidget

    for tree in window.findChildren(QTreeWidget):
        it = tree.invisibleRootItem()
        stack = [it]
        while stack:
            item = stack.pop()
            names.add(item.text(0))
            stack.extend(item.child(i) for i in range(item.childCount()))
    assert {"Crisis", "Assessment"} <= names
