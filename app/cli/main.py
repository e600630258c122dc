"""Run one command: parse it, open the library, run what the command's group registered, and
turn every error into one line and an exit status (0 done, 1 failed, 2 bad input: the message
names the file or value and the reason, and nothing in the library changed for that item)."""

from __future__ import annotations

import argparse
import os
import sys

from app.cli import bundles, clips, codebook, exports, films, people, prototypes, reels, reviews, transcripts
from app.cli.errors import unexpected
from app.cli.grammar import Commands, Given
from app.cli.output import EXIT_BAD_INPUT, EXIT_FAILED, Out
from app.library import Library, default_library_dir
from app.team import opening
from media.errors import ProtoReelError
from media.jobs import Cancelled

# In the order ``protoreel --help`` lists them.
GROUPS = (films, clips, codebook, prototypes, reels, people, bundles, reviews, exports, transcripts)


def build(given: Given) -> Commands:
    commands = Commands(given)
    for group in GROUPS:
        group.register(commands)
    return commands


def parse(argv: list[str]) -> tuple[argparse.Namespace | None, int, Commands]:
    """(args, 0, commands), or (None, exit status, commands) when argparse answered itself
    (--help, --version, an error)."""
    given = Given()
    commands = build(given)
    try:
        args = commands.parser.parse_args(argv)
    except SystemExit as exc:
        return None, exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT, commands
    args.library = given.get("library")
    args.database_url = given.get("database_url")
    args.media_root = given.get("media_root")
    args.json = bool(given.get("json", False))
    return args, 0, commands


def main(argv: list[str] | None = None, open_app=None) -> int:
    """Run one command. With no command, ``open_app(library, database_url)`` opens the GUI
    (``ui.shell.launch`` passes it: the core never imports the GUI)."""
    argv = sys.argv[1:] if argv is None else argv
    args, status, commands = parse(argv)
    if args is None:
        return status
    out = Out(args.json)
    try:
        # A team library's URL: its folder is this computer's media root (app.team.opening).
        args.library, args.database_url = opening.resolve(args.library, args.database_url, args.media_root)
    except ProtoReelError as exc:
        out.fail(str(exc))
        return exc.exit_code
    if args.command is None:
        if open_app is None:
            commands.parser.print_usage(sys.stderr)
            return EXIT_BAD_INPUT
        return open_app(args.library, args.database_url)
    args.open_app = open_app  # `present` ends in the GUI
    try:
        with Library.open(args.library or default_library_dir(), args.database_url) as lib:
            for name in lib.interrupted_imports:
                out.fail(f"note: an import was stopped before {name} was in the library (a crash, or the "
                         "command was killed); nothing of it was kept: import it again to add it")
            return commands.runs[(args.command, getattr(args, "action", None))](lib, args, out)
    except BrokenPipeError:  # `protoreel films | head -1`: the reader has gone, nothing to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED
    except (Cancelled, KeyboardInterrupt):
        out.fail("cancelled")
        return EXIT_FAILED
    except ProtoReelError as exc:
        out.fail(str(exc))
        return exc.exit_code
    except Exception as exc:  # noqa: BLE001 - the contract: one line, never a traceback
        error = unexpected(exc)
        out.fail(str(error))
        return error.exit_code
