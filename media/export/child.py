"""A short-lived Python child for one heavy step of an export (drawing cards, reading films),
so that what it loads and allocates is gone before the encoder starts instead of staying
resident beside it for the whole export. It dies with us (``oslayer.spawn``) and is killed
within a poll tick on Cancel."""

from __future__ import annotations

import subprocess

from media import oslayer
from media.errors import ProtoReelError
from media.jobs import Cancelled, CancelToken

TICK = 0.2


def run_module(module: str, payload: bytes, cancel: CancelToken | None, what: str) -> bytes:
    """Run ``python -m module`` with ``payload`` on its stdin; its stdout, or a one-line
    error naming ``what`` could not be done and the child's last word."""
    proc = oslayer.spawn(oslayer.python_command(module), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=oslayer.python_env())
    try:
        data: bytes | None = payload
        while True:
            try:
                out, err = proc.communicate(data, timeout=TICK)
                break
            except subprocess.TimeoutExpired:
                data = None  # already sent
                if cancel is not None and cancel.cancelled:
                    raise Cancelled()
    finally:
        proc.kill()
        proc.wait()
    if proc.returncode != 0:
        lines = err.decode(errors="replace").strip().splitlines()
        raise ProtoReelError(f"{what} ({lines[-1] if lines else 'no reason given'})")
    return out
