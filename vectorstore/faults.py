"""A test hook for crash tests: pause at a named point of a write so a test can kill the process there.

`NEWSDESK_PAUSE_AT=between-commit-and-vectors` (or `between-remove-and-vectors`) makes the process write
a line naming the point to stderr and sleep there (for `NEWSDESK_PAUSE_SECONDS`, default 60), so a test
can SIGKILL it inside the window.
Unset (always, outside tests), `pause` does nothing.
"""

from __future__ import annotations

import os
import sys
import time


def pause(point: str) -> None:
    """Sleep at this point when the environment names it (crash tests only)."""
    if os.environ.get("NEWSDESK_PAUSE_AT") != point:
        return
    print(f"newsdesk: paused at {point}", file=sys.stderr, flush=True)
    time.sleep(float(os.environ.get("NEWSDESK_PAUSE_SECONDS", "60")))
