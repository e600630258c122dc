"""Measure stalls of the GUI thread: a heartbeat timer on it, the thread's own CPU time per
gap (so a gap the scheduler made, on a loaded machine, is told apart from one our code made),
and a watchdog thread that samples the GUI thread's Python stack while a beat is late, so a
stall names the code that made it."""

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
class StallReport:
    gaps: list[Gap] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)  # 'entry -> innermost' project frames seen while late

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

    def start(self) -> None:
        self._last_wall, self._last_cpu = time.perf_counter(), time.thread_time()
        self._timer.start()
        self._watchdog.start()

    def stop(self) -> StallReport:
        self._timer.stop()
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


def _name(frame) -> str:
    folder, module = frame.filename.rsplit("/", 2)[-2:]
    return f"{folder}/{module}:{frame.lineno} {frame.name}"
