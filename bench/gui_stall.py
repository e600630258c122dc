"""Measure stalls of the GUI thread: a heartbeat timer on it, the thread's own CPU time per
gap (so a gap the scheduler made, on a loaded machine, is told apart from one our code made),
a watchdog thread that samples the GUI thread's Python stack while a beat is late, so a
stall names the code that made it, and a trace of the events the GUI thread delivered, so a
stall spent inside Qt itself (laying out a view, say) still names the event it was handling."""

from __future__ import annotations

import sys
import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field

LATE_S = 0.03  # a beat this late: sample where the GUI thread is


@dataclass
class Gap:
    wall_s: float
    cpu_s: float  # the GUI thread's own CPU time within the gap
    end: float = 0.0  # perf_counter at its end


@dataclass
class Sample:
    at: float
    where: str


@dataclass
class Delivery:
    at: float  # perf_counter when the GUI thread began delivering it
    what: str  # "Timer to QTimer", "MetaCall to Job", ...


@dataclass
class StallReport:
    gaps: list[Gap] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)  # 'entry -> innermost' project frames seen while late
    deliveries: list[Delivery] = field(default_factory=list)

    def longest_stretch_in(self, gap: Gap) -> tuple[float, str]:
        """Within ``gap``, the longest time between two events delivered, and the event whose
        delivery began it: the one event-loop turn (or step of it) that held the thread."""
        start = gap.end - gap.wall_s
        inside = [d for d in self.deliveries if start <= d.at <= gap.end]
        before = [d for d in self.deliveries if d.at < start]
        marks = ([before[-1]] if before else []) + inside
        best, what = 0.0, "nothing delivered"
        for here, after in zip(marks, marks[1:] + [Delivery(gap.end, "")]):
            took = after.at - max(here.at, start)
            if took > best:
                best, what = took, here.what
        return best, what

    @property
    def culprits(self) -> Counter:
        return Counter(s.where for s in self.samples)

    def culprits_in(self, gap: Gap) -> Counter:
        """Where the GUI thread was during one gap (the worst one, say)."""
        return Counter(s.where for s in self.samples if gap.end - gap.wall_s <= s.at <= gap.end)

    @property
    def worst_wall(self) -> Gap:
        return max(self.gaps, key=lambda g: g.wall_s)

    @property
    def worst_cpu(self) -> Gap:
        return max(self.gaps, key=lambda g: g.cpu_s)


class StallMeter:
    """``start()`` on the GUI thread, spin its event loop, ``stop()``; read ``report``."""

    def __init__(self, interval_ms: int = 5, project_dirs: tuple[str, ...] = ("/ui/", "/app/", "/media/")) -> None:
        from PySide6.QtCore import QTimer

        self.report = StallReport()
        self._timer = QTimer(interval=interval_ms)
        self._timer.timeout.connect(self._beat)
        self._project_dirs = project_dirs
        self._last_wall = self._last_cpu = 0.0
        self._gui_thread = threading.get_ident()
        self._stop = threading.Event()
        self._watchdog = threading.Thread(target=self._watch, name="stall-watchdog", daemon=True)
        self._trace = _EventTrace(self.report.deliveries)

    def start(self) -> None:
        from PySide6.QtWidgets import QApplication

        self._last_wall, self._last_cpu = time.perf_counter(), time.thread_time()
        QApplication.instance().installEventFilter(self._trace)
        self._timer.start()
        self._watchdog.start()

    def stop(self) -> StallReport:
        from PySide6.QtWidgets import QApplication

        self._timer.stop()
        QApplication.instance().removeEventFilter(self._trace)
        self._stop.set()
        self._watchdog.join()
        return self.report

    def _beat(self) -> None:
        wall, cpu = time.perf_counter(), time.thread_time()  # thread_time: this (GUI) thread only
        self.report.gaps.append(Gap(wall - self._last_wall, cpu - self._last_cpu, wall))
        self._last_wall, self._last_cpu = wall, cpu

    def _watch(self) -> None:
        while not self._stop.wait(0.01):
            if time.perf_counter() - self._last_wall < LATE_S:
                continue
            frame = sys._current_frames().get(self._gui_thread)
            if frame is None:
                continue
            stack = [f for f in traceback.extract_stack(frame) if any(d in f.filename for d in self._project_dirs)]
            if stack:  # where the GUI thread entered our code, and where it is now
                self.report.samples.append(Sample(time.perf_counter(), f"{_name(stack[0])} -> {_name(stack[-1])}"))


def _event_trace_class():
    from PySide6.QtCore import QObject

    class EventTrace(QObject):
        """Notes each event the GUI thread delivers (only Python-side names: an object being
        destroyed is never called)."""

        def __init__(self, into: list) -> None:
            super().__init__()
            self._into = into

        def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
            kind = event.type()
            self._into.append(Delivery(time.perf_counter(), f"{getattr(kind, 'name', kind)} to {type(obj).__name__}"))
            return False

    return EventTrace


def _EventTrace(into: list):  # noqa: N802 - made on first use: this module imports no Qt at import time
    return _event_trace_class()(into)


def _name(frame) -> str:
    folder, module = frame.filename.rsplit("/", 2)[-2:]
    return f"{folder}/{module}:{frame.lineno} {frame.name}"
