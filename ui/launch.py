"""The ``protoreel`` command: with no command the app opens, otherwise the command line runs."""

from __future__ import annotations

from app import cli


def open_app(library, database_url) -> int:
    from ui.app import run  # Qt loads only when the window is asked for

    return run(library, database_url)


def main(argv: list[str] | None = None) -> int:
    return cli.main(argv, open_app=open_app)


if __name__ == "__main__":
    raise SystemExit(main())
