"""`python -m bot`: the same as `lair run`."""

import sys

from bot.cli import main

sys.exit(main(sys.argv[1:] or ["run"]))
