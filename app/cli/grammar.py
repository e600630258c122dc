"""The command line's grammar: the global options, the registry each command group adds its
commands to, and the checks on values.

Global options (``--library``, ``--media-root``, ``--database-url``, ``--json``) may stand before or after the
command, once, with the same meaning. argparse copies a subparser's defaults over the main
parser's values (docs/measured.md), so every parser here shares one record of what was given
(``Given``) instead of relying on namespace defaults. Errors are one line, exit 2.
"""

from __future__ import annotations

import argparse
import math
import re
from pathlib import Path
from typing import Callable

from app.cli.output import EXIT_BAD_INPUT, one_line
from app.version import version

_ASCII_INT = re.compile(r"[0-9]{1,9}")
_ASCII_NUMBER = re.compile(r"[0-9]{1,9}(\.[0-9]{1,6})?")
MAX_RECORD_SECONDS = 24 * 3600
AUDIENCES = ["team", "collaborative", "public"]
SCOPES = ["none", *AUDIENCES]
TAG_KINDS = ["challenge", "opportunity", "theme"]

Run = Callable  # run(lib, args, out) -> exit status


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (the contract of every command)."""

    def error(self, message: str):
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: {one_line(message)} (see {self.prog} --help)\n")


class Given:
    """The global options as given anywhere on the command line, each at most once."""

    def __init__(self) -> None:
        self.values: dict[str, object] = {}

    def action(self):
        given = self

        class Once(argparse.Action):
            def __call__(self, parser, namespace, values, option_string=None):
                if self.dest in given.values:
                    parser.error(f"{option_string}: give it once (before or after the command)")
                given.values[self.dest] = True if self.nargs == 0 else values

        return Once

    def get(self, name: str, default=None):
        return self.values.get(name, default)


class Commands:
    """Where each command group adds its commands: the parser of each, and what runs it."""

    def __init__(self, given: Given) -> None:
        once = given.action()
        self.common = OneLineParser(add_help=False)
        self.common.add_argument("--library", type=library, action=once, default=argparse.SUPPRESS,
                                 help="library folder, or a team library's PostgreSQL URL (default: "
                                      "$PROTOREEL_LIBRARY, else your user data folder)")
        self.common.add_argument("--media-root", type=path, action=once, default=argparse.SUPPRESS,
                                 help="a team library: this computer's path to the team's shared media folder "
                                      "(given once, remembered)")
        self.common.add_argument("--database-url", type=nonempty, action=once, default=argparse.SUPPRESS,
                                 help="a SQLAlchemy URL to use instead of the library's SQLite file")
        self.common.add_argument("--json", nargs=0, action=once, default=argparse.SUPPRESS,
                                 help="print one JSON object per line")
        self.parser = OneLineParser(prog="protoreel", parents=[self.common],
                                    description="Film, mark, tag and share co-production role-plays. "
                                                "With no command, opens the app.")
        self.parser.add_argument("--version", action="version", version=f"protoreel {version()}")
        self._sub = self.parser.add_subparsers(dest="command")
        self._groups: dict[str, argparse._SubParsersAction] = {}
        self.runs: dict[tuple[str, str | None], Run] = {}

    def command(self, name: str, run: Run, help: str | None = None) -> OneLineParser:
        """A command of its own: ``protoreel NAME ...``."""
        self.runs[(name, None)] = run
        return self._sub.add_parser(name, parents=[self.common], help=help, description=help)

    def group(self, name: str, help: str) -> None:
        """A command with actions: ``protoreel NAME ACTION ...``."""
        parser = self._sub.add_parser(name, parents=[self.common], help=help)
        self._groups[name] = parser.add_subparsers(dest="action", required=True)

    def action(self, group: str, name: str, run: Run, help: str | None = None) -> OneLineParser:
        self.runs[(group, name)] = run  # its --help says what it does too (a withdrawal's, what undoes it)
        return self._groups[group].add_parser(name, parents=[self.common], help=help, description=help)


# -- value checks (argparse ``type=``): ASCII digits only, finite, not empty ------------------
def _named(name: str):
    def wrap(fn):
        fn.__name__ = name  # argparse names the type in its message: "invalid NAME value"
        return fn
    return wrap


@_named("whole number")
def whole_number(text: str) -> int:
    if not _ASCII_INT.fullmatch(text.strip()):
        raise argparse.ArgumentTypeError(f"{text!r}: not a whole number (digits 0-9)")
    return int(text)


@_named("seconds")
def seconds(text: str) -> float:
    # float() takes 'nan', 'inf', '1e309' and Arabic-Indic digits: none is a length of time.
    if not _ASCII_NUMBER.fullmatch(text.strip()):
        raise argparse.ArgumentTypeError(f"{text!r}: not a number of seconds (for example 90 or 12.5)")
    value = float(text)
    if not (0 < value <= MAX_RECORD_SECONDS and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"{text!r}: must be more than 0 and at most {MAX_RECORD_SECONDS}")
    return value


@_named("path")
def path(text: str) -> Path:
    if not text.strip():
        raise argparse.ArgumentTypeError("'': a path cannot be empty")
    if "\x00" in text:
        raise argparse.ArgumentTypeError(f"{text!r}: a path cannot contain a NUL character")
    return Path(text).expanduser()


@_named("library")
def library(text: str) -> Path | str:
    """A folder, or a team library's URL (kept as typed: a path would fold its ``//``)."""
    return text.strip() if "://" in text and "\x00" not in text else path(text)


@_named("text")
def nonempty(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("'': cannot be empty")
    if "\x00" in text:
        raise argparse.ArgumentTypeError(f"{text!r}: cannot contain a NUL character")
    return text


def add_replace(parser) -> None:
    """Every writer of a file the user names: an existing file is kept unless this is given."""
    parser.add_argument("--replace", action="store_true",
                        help="replace a file already at OUT (never footage: only files that are not "
                             "pictures, sound or video, or this library's own earlier exports)")
