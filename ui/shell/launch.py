"""The ``protoreel`` command: with no command the app opens, otherwise the command line runs."""

from __future__ import annotations

from app.cli import main as cli
from app.reviews import review_summary


def open_app(library, database_url, present: int | None = None) -> int:
    from ui.shell.app import run  # Qt loads only when the window is asked for

    return run(library, database_url, present=present)


def write_pdf(text, out) -> None:
    from ui.present.summary_pdf import write_pdf as qt_pdf  # Qt loads only for a PDF

    qt_pdf(text, out)


def main(argv: list[str] | None = None) -> int:
    review_summary.register(".pdf", write_pdf)
    return cli.main(argv, open_app=open_app)


if __name__ == "__main__":
    raise SystemExit(main())
