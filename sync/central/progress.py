"""A one-line progress bar on stderr, for the central's long commands (imports, demo data).
Called as ``progress(stage, done, total)``; ``close()`` ends the line.

The same bar as the till's command line (posclient/progress.py), kept apart: the central
imports nothing of the till but its domain and the protocol, and neither is the place for
terminal output.
"""

from __future__ import annotations

import sys


class Progress:
    def __init__(self) -> None:
        self.stage = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage and self.stage:
            sys.stderr.write("\n")
        self.stage = stage
        pct = min(100, 100 * done // total) if total else 100
        sys.stderr.write(f"\r  {stage:<14} [{'#' * (pct // 4):<25}] {pct:3d}%  "
                         f"{done:,}/{total:,}")
        sys.stderr.flush()

    def close(self) -> None:
        if self.stage:
            sys.stderr.write("\n")
