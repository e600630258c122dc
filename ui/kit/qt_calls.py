"""Calling Qt slots that tear down multimedia engines without deadlocking on the GIL, and
without spinning an event loop in which our own code could run again half-way through.

Slots such as QMediaPlayer.stop/setSource and QCamera/QScreenCapture.stop join Qt's decoder or
capture threads, which may need the GIL to reach our Python objects: called straight from
Python, holding the GIL, they deadlock. So the call is posted to the object and delivered at
once with ``QCoreApplication.sendPostedEvents(obj, MetaCall)``, which PySide runs with the GIL
released. It delivers only the calls queued for that one object: no timers, no input, no other
object's signals, so nothing of ours can re-enter (a nested ``QEventLoop`` ran all of those).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QMetaObject, QObject, Qt


def call_without_gil(obj: QObject, slot: str, *args) -> None:
    """Call ``obj.slot(*args)`` with the GIL released and return when it has run."""
    QMetaObject.invokeMethod(obj, slot, Qt.ConnectionType.QueuedConnection, *args)
    QCoreApplication.sendPostedEvents(obj, QEvent.Type.MetaCall)
