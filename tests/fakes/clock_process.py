"""`python -m tests.fakes.clock_process OFFSET`: the real `lair clock`, its time moved OFFSET seconds.

Settings come from the environment as for `lair clock`. The offset lets a test restart
a killed clock "later" (past its old claims and lease) without waiting in real time.
"""

import sys
from datetime import timedelta

from bot.cli import _logging, serve
from bot.config import load_settings
from challenges.clock import system_clock

if __name__ == "__main__":
    offset = timedelta(seconds=float(sys.argv[1]) if len(sys.argv) > 1 else 0)
    _logging()
    serve(load_settings(), web=False, clock=True, time_source=lambda: system_clock() + offset)
