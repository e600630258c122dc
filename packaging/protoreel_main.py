"""The packaged app's entry point (PyInstaller runs this file): the same ``protoreel`` as a
checkout's, with no command the window, otherwise the command line."""

import sys

sys.dont_write_bytecode = True  # nothing is ever written inside the app's folder (migrations are sources)

from ui.shell.launch import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
