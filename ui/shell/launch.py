"""The ``protoreel`` command: with no command the app opens, otherwise the command line runs.
In the packaged app the same executable also runs the export's helper modules
(``media.oslayer.python_command``)."""

from __future__ import annotations

import os
import sys

from app.cli import main as cli
from app.reviews import review_summary
from media import oslayer


def open_app(library, database_url, present: int | None = None) -> int:
    problem = oslayer.display_problem()
    if problem:  # known before Qt loads: one line, not Qt's abort
        print(f"ProtoReel: no window could be opened ({problem}); the commands work without one: "
              "protoreel --help", file=sys.stderr)
        return 1
    from ui.shell.app import run  # Qt loads only when the window is asked for

    return run(library, database_url, present=present)


def write_pdf(text, out) -> None:
    from ui.present.summary_pdf import write_pdf as qt_pdf  # Qt loads only for a PDF

    qt_pdf(text, out)


def run_module(module: str, args: list[str]) -> int:
    """``python -m module args`` for the packaged app, which has no ``python``."""
    import runpy

    sys.argv = [module, *args]
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


def main(argv: list[str] | None = None) -> int:
    for name in ("stdout", "stderr"):  # Windows' windowed app has none: what is said goes nowhere
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == [oslayer.RUN_MODULE] and len(argv) >= 2:
        return run_module(argv[1], argv[2:])
    review_summary.register(".pdf", write_pdf)
    return cli.main(argv, open_app=open_app)


if __name__ == "__main__":
    raise SystemExit(main())
