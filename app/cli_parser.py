"""The command line's grammar: commands, options and the checks on their values.

Global options (``--library``, ``--database-url``, ``--json``) may stand before or after the
command, once, with the same meaning. argparse copies a subparser's defaults over the main
parser's values (FACTS.md), so every parser here shares one record of what was given
(``Given``) instead of relying on namespace defaults. Errors are one line, exit 2.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from pathlib import Path

from app import cli_bundle, cli_consent, cli_edit
from app.version import version

EXIT_BAD_INPUT = 2
_ASCII_INT = re.compile(r"[0-9]{1,9}")
_ASCII_NUMBER = re.compile(r"[0-9]{1,9}(\.[0-9]{1,6})?")
MAX_RECORD_SECONDS = 24 * 3600


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (the contract of every command)."""

    def error(self, message: str):
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: {one_line(message)} (see {self.prog} --help)\n")


def one_line(message: str) -> str:
    """Control characters (a newline in a file name...) shown escaped, so a message stays one line."""
    return "".join(ch if ch.isprintable() or ch == " " else repr(ch)[1:-1] for ch in str(message))


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


@_named("text")
def nonempty(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("'': cannot be empty")
    if "\x00" in text:
        raise argparse.ArgumentTypeError(f"{text!r}: cannot contain a NUL character")
    return text


def build(given: Given) -> OneLineParser:
    once = given.action()
    common = OneLineParser(add_help=False)
    common.add_argument("--library", type=path, action=once, default=argparse.SUPPRESS,
                        help="library folder (default: $PROTOREEL_LIBRARY, else your user data folder)")
    common.add_argument("--database-url", type=nonempty, action=once, default=argparse.SUPPRESS,
                        help="a SQLAlchemy URL to use instead of the library's SQLite file")
    common.add_argument("--json", nargs=0, action=once, default=argparse.SUPPRESS,
                        help="print one JSON object per line")

    p = OneLineParser(prog="protoreel", parents=[common],
                      description="Film, mark, tag and share co-production role-plays. "
                                  "With no command, opens the app.")
    p.add_argument("--version", action="version", version=f"protoreel {version()}")
    sub = p.add_subparsers(dest="command")

    def group(name: str, help_text: str):
        return sub.add_parser(name, parents=[common], help=help_text).add_subparsers(dest="action", required=True)

    imp = sub.add_parser("import", parents=[common], help="import films (copied into the library)")
    imp.add_argument("files", nargs="+", type=path)
    imp.add_argument("--event", type=nonempty, help="the workshop or session these films belong to")
    imp.add_argument("--link", action="store_true", help="leave files where they are instead of copying")

    sub.add_parser("films", parents=[common], help="list the library's films")
    cli_edit.add_film_parsers(group("film", "rename a film"), common)

    clip = group("clip", "clips")
    add = clip.add_parser("add", parents=[common], help="mark a clip of a film")
    add.add_argument("film", help="film id or exact title")
    add.add_argument("--start", required=True, help="SS.sss, MM:SS.sss, HH:MM:SS.sss or HH:MM:SS:FF")
    add.add_argument("--end", required=True)
    add.add_argument("--title", default="")
    add.add_argument("--tag", action="append", default=[], help="KIND:NAME (created if new) or NAME")
    add.add_argument("--note", default="")
    add.add_argument("--quote", default="")
    cli_edit.add_clip_parsers(clip, common)

    clips = sub.add_parser("clips", parents=[common], help="list and filter clips")
    clips.add_argument("--tag", action="append", default=[], help="has this tag (repeat: all of them)")
    clips.add_argument("--any-tag", action="append", default=[], help="has at least one of these tags")
    clips.add_argument("--kind", action="append", default=[], choices=["challenge", "opportunity", "theme"])
    clips.add_argument("--prototype", action="append", default=[])
    clips.add_argument("--event", action="append", default=[])
    clips.add_argument("--person", action="append", default=[])
    clips.add_argument("--text", default="", help="words in the title, note or quote")
    clips.add_argument("--at", default=None, metavar="HH:MM",
                       help="filmed around this time of day (within half an hour), nearest first")

    tag = group("tag", "the codebook")
    tag_add = tag.add_parser("add", parents=[common])
    tag_add.add_argument("name")
    tag_add.add_argument("--kind", required=True, choices=["challenge", "opportunity", "theme"])
    tag_add.add_argument("--color", type=nonempty, default=None, help="#RRGGBB")
    sub.add_parser("tags", parents=[common], help="list the codebook")

    book = group("codebook", "import or export the whole codebook (CSV or JSON)")
    book.add_parser("import", parents=[common], help="add and update tags from FILE").add_argument("file", type=path)
    book_export = book.add_parser("export", parents=[common], help="write the codebook to FILE")
    book_export.add_argument("file", type=path)
    add_replace(book_export)

    proto = group("prototype", "service prototypes")
    proto_add = proto.add_parser("add", parents=[common])
    proto_add.add_argument("name")
    proto_add.add_argument("--summary", default="")
    proto_add.add_argument("--stage", default="idea")
    proto_link = proto.add_parser("link", parents=[common])
    proto_link.add_argument("prototype")
    proto_link.add_argument("clips", nargs="+")

    sub.add_parser("reels", parents=[common], help="list the highlight reels")
    reel = group("reel", "highlight reels")
    reel_create = reel.add_parser("create", parents=[common])
    reel_create.add_argument("title")
    reel_create.add_argument("--clip", action="append", required=True, help="clip id or exact title")
    reel_create.add_argument("--audience", default="team", choices=["team", "collaborative", "public"])
    cli_edit.add_reel_parsers(reel, common)
    reel_export = reel.add_parser("export", parents=[common])
    reel_export.add_argument("reel")
    reel_export.add_argument("out", type=path)
    reel_export.add_argument("--height", type=whole_number, choices=[720, 1080])
    reel_export.add_argument("--no-cards", action="store_true")
    reel_export.add_argument("--no-captions", action="store_true")
    cli_consent.add_reel_export_options(reel_export)
    add_replace(reel_export)
    reel_export.add_argument("--rate", default=None,
                             help="frame rate: auto (the most common standard rate among the clips) or "
                                  "23.976, 24, 25, 29.97, 30, 50, 59.94, 60")

    relink = sub.add_parser("relink", parents=[common], help="point a film at its moved file")
    relink.add_argument("film")
    relink.add_argument("path", type=path)

    cli_consent.add_parsers(sub, common, group, path)
    cli_bundle.add_parsers(group, common, path)

    record = sub.add_parser("record", parents=[common], help="record a role-play")
    record.add_argument("--source", default="camera")
    record.add_argument("--seconds", type=seconds)
    record.add_argument("--event", type=nonempty)
    sub.add_parser("recover", parents=[common], help="recover interrupted recordings")
    review_parsers(sub, common)
    return p


def review_parsers(sub, common) -> None:
    """The breakfast review: present, reviews, review summary."""
    present = sub.add_parser("present", parents=[common],
                             help="the breakfast review: open the app straight into a presentation")
    present.add_argument("reel", nargs="?", type=nonempty, help="reel id or exact title")
    present.add_argument("--prototype", type=nonempty, help="present a prototype's evidence board")
    present.add_argument("--event", type=nonempty,
                         help="present an event's films (their clips; a film with none is shown whole)")
    present.add_argument("--continue", dest="continue_review", type=nonempty, metavar="REVIEW",
                         help="continue a review where it stopped")
    present.add_argument("--audience", choices=["team", "collaborative"], default=None,
                         help="who is in the room (default: collaborative); clips beyond someone's consent "
                              "are withheld")
    present.add_argument("--discuss", default="", metavar="QUESTION",
                         help="a question for the room after every clip (a reel's own questions come first)")
    sub.add_parser("reviews", parents=[common], help="list breakfast reviews")
    review = sub.add_parser("review", parents=[common], help="breakfast reviews").add_subparsers(
        dest="action", required=True)
    summary = review.add_parser("summary", parents=[common], help="write a review's one-page summary")
    summary.add_argument("review", type=nonempty, help="review id or exact title")
    summary.add_argument("out", type=path, help="OUT.pdf or OUT.html")
    add_replace(summary)


def add_replace(parser) -> None:
    """Every writer of a file the user names: an existing file is kept unless this is given."""
    parser.add_argument("--replace", action="store_true",
                        help="replace a file already at OUT (never footage: only files that are not "
                             "pictures, sound or video, or this library's own earlier exports)")


def parse(argv: list[str]) -> tuple[argparse.Namespace | None, int]:
    """(args, 0), or (None, exit status) when argparse answered itself (--help, --version, an error)."""
    given = Given()
    parser = build(given)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return None, exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT
    args.library = given.get("library")
    args.database_url = given.get("database_url")
    args.json = bool(given.get("json", False))
    args.print_usage = lambda: parser.print_usage(sys.stderr)
    return args, 0
