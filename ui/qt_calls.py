"""Calling Qt slots that tear down multimedia engines without deadlocking on the GIL."""

from __future__ import annotations

from PySide6.QtCore import QEventLoop, QMetaObject, QObject, Qt


def call_without_gil(obj: QObject, slot: str, *args) -> None:
    """Call ``obj.slot(*args)`` from an event loop that has released the GIL and wait for it.

    Slots such as QMediaPlayer.stop/setSource and QCamera/QScreenCapture.stop join Qt's decoder
    or capture threads, which may need the GIL to disconnect from our Python objects: called
    straight from Python, while holding the GIL, they deadlock."""
    loop = QEventLoop()
    QMetaObject.invokeMethod(obj, slot, Qt.ConnectionType.QueuedConnection, *args)
    QMetaObject.invokeMethod(loop, "quit", Qt.ConnectionType.QueuedConnection)
    loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
