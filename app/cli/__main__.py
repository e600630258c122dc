"""``python -m app.cli``: the command line without the window (the tests and benches run it)."""

import sys

from app.cli.main import main

sys.exit(main())
