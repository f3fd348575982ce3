"""Schema v12: reserved for issue 17's consent, export, erasure and retention (task G, in
parallel).

In this branch (p17-lookup-limits, whose step is v13) a step that changes nothing, so that v13
keeps the number it was given. At the merge, task G's own v12 step (and its frozen DDL)
replaces this file.
"""

from __future__ import annotations

from sqlalchemy import Connection


def upgrade(conn: Connection) -> None:
    """v12: nothing here (see the module docstring)."""
    return None
