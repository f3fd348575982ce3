"""Schema v10: reserved for issue 17's pick-up codes (task C, branch p17-pickup-codes).

In this branch (p17-member-data, whose step is v11) a step that changes nothing, so that v11
keeps the number it was given. At the merge, task C's own v10 step (and its frozen DDL)
replaces this file.
"""

from __future__ import annotations

from sqlalchemy import Connection


def upgrade(conn: Connection) -> None:
    """v10: nothing here (see the module docstring)."""
    return None
