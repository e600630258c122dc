"""The ``protoreel`` command: with no command the app opens, otherwise the command line runs.
In the packaged app the same executable also runs the export's helper modules
(``media.oslayer.python_command``).

Opening the app (``protoreel`` alone, or with ``--library``/``--database-url``) does not load
the command line's modules first: the window's start is what a facilitator waits for."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from media import oslayer
from ui.shell import startup_trace


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


def window_only(argv: list[str]) -> tuple[Path | None, str | None] | None:
    """(library, database URL) when ``argv`` asks for the window and nothing else; None
    otherwise (a command, --help, --version, anything unusual: the command line decides)."""
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    parser.add_argument("--library")
    parser.add_argument("--database-url")
    try:
        args, rest = parser.parse_known_args(argv)
    except SystemExit:
        return None
    if rest or any(a.startswith("--") and "=" not in a and a not in ("--library", "--database-url") for a in argv):
        return None
    if any(sum(a.split("=")[0] == name for a in argv) > 1 for name in ("--library", "--database-url")):
        return None  # given twice: the command line says so
    for value in (args.library, args.database_url):
        if value is not None and (not value.strip() or "\x00" in value):
            return None  # the command line says what is wrong with it
    return (Path(args.library).expanduser() if args.library else None), args.database_url


def main(argv: list[str] | None = None) -> int:
    startup_trace.mark("launch")
    for name in ("stdout", "stderr"):  # Windows' windowed app has none: what is said goes nowhere
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == [oslayer.RUN_MODULE] and len(argv) >= 2:
        return run_module(argv[1], argv[2:])
    window = window_only(argv)
    if window is not None:
        return open_app(*window)
    from app.cli import main as cli
    from app.reviews import review_summary

    review_summary.register(".pdf", write_pdf)
    return cli.main(argv, open_app=open_app)


if __name__ == "__main__":
    raise SystemExit(main())
