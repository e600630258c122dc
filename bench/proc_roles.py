"""Who holds the memory: peak RSS of a command's whole process tree, and of each process in it.

Samples the tree every 50 ms. The tree's peak is the largest sum of the processes' PSS at one
moment (RSS with shared pages counted once) (what the machine must have); each process's own peak is its kernel high-water mark
(``VmHWM``, exact even between samples), read at the last sample before it ended. Processes
are grouped by role (the CLI, the encoder, picture and sound decoders...) so a bench can say
which one grows with the film's length. Linux only (``/proc``): a bench, not the app.
"""

from __future__ import annotations

import resource
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.proc_tree import _children


def _status(pid: int) -> dict[str, int]:
    """VmRSS, VmHWM (kB) and Pss: pages a forked child still shares with us count once, by share."""
    out = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0])
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                out["Pss"] = int(line.split()[1])
    except OSError:
        pass
    return out


def role(pid: int) -> str:
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return "?"
    name = Path(args[0]).name
    if "app.cli" in args:
        return "cli (python)"
    if "media.export.pieces" in args:
        return "film reader (python)"
    if "media.export.stills" in args:
        return "cards (python)"
    if "media.anonymise.stream" in args:
        return "face filter (python)"
    if name.startswith("ffmpeg") and "concat=" in " ".join(args):
        return "reference ffmpeg"
    if "libx264" in args:
        return "encoder (x264+aac)"
    if "s16le" in args:
        return "sound decoder"
    if "rawvideo" in args and "-frames:v" in args:
        return "card picture"
    if "rawvideo" in args:
        return "picture decoder"
    return name if name and not name.startswith("python") else "?"


@dataclass
class TreeRun:
    wall: float = 0.0
    cpu: float = 0.0  # user+system seconds of the whole tree
    peak_mb: float = 0.0  # largest sum of PSS at one moment
    rss_peak_mb: float = 0.0  # largest sum of RSS at one moment (shared pages once per process)
    at_peak: dict[str, float] = field(default_factory=dict)  # role -> MB at that moment
    role_peak: dict[str, float] = field(default_factory=dict)  # role -> largest VmHWM of one process
    role_count: dict[str, int] = field(default_factory=dict)

    def table(self) -> str:
        rows = [f"    {'role':<22}{'procs':>6}{'own peak MB':>13}{'at tree peak MB':>17}"]
        for name in sorted(self.role_peak, key=lambda r: -self.role_peak[r]):
            rows.append(f"    {name:<22}{self.role_count[name]:>6}{self.role_peak[name]:>13.0f}"
                        f"{self.at_peak.get(name, 0.0):>17.0f}")
        return "\n".join(rows)


def run_measured(command: list[str], **kwargs) -> TreeRun:
    result = TreeRun()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(command, **kwargs)
    seen: dict[int, str] = {}
    hwm: dict[int, int] = {}

    def sample():
        while proc.poll() is None:
            now: dict[str, float] = {}
            rss = 0.0
            todo = [proc.pid]
            while todo:
                pid = todo.pop()
                todo += _children(pid)
                status = _status(pid)
                if not status:
                    continue
                name = role(pid)  # asked each time: a forked child is its parent until it execs
                if name == "?" and pid in seen:
                    name = seen[pid]  # ending: its command line is already gone
                elif seen.get(pid) != name:
                    seen[pid], hwm[pid] = name, 0  # exec: a new process image, a new high-water mark
                hwm[pid] = max(hwm.get(pid, 0), status.get("VmHWM", 0))
                now[name] = now.get(name, 0.0) + status.get("Pss", status.get("VmRSS", 0)) / 1024
                rss += status.get("VmRSS", 0) / 1024
            result.rss_peak_mb = max(result.rss_peak_mb, rss)
            if sum(now.values()) > result.peak_mb:
                result.peak_mb, result.at_peak = sum(now.values()), now
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    proc.wait()
    result.wall = time.perf_counter() - start
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result.cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    for pid, name in seen.items():
        result.role_peak[name] = max(result.role_peak.get(name, 0.0), hwm.get(pid, 0) / 1024)
        result.role_count[name] = result.role_count.get(name, 0) + 1
    if proc.returncode != 0:
        raise RuntimeError(f"{command[0]} exited with {proc.returncode}")
    return result
