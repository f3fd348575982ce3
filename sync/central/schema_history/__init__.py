"""The central schema's history: one frozen upgrade step per version.

``vN.upgrade`` turns a database of version N-1 into version N. A step never refers to today's
table definitions (sync/central/schema.py): it defines the tables and columns it creates as
they were at its version, so a later change to a table cannot reach into an old step. A new
version adds a module here and an entry to :data:`UPGRADES`; a released step is never edited.

A new database is created from today's definitions directly (schema.init_schema); the test
tests/sync/central/test_schema_upgrades.py builds a database as each earlier version's program
created it, upgrades it, and checks it ends identical to a new one.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection

from sync.central.schema_history import (
    v2,
    v3,
    v4,
    v5,
    v6,
    v7,
    v8,
    v9,
    v10,
    v11,
    v12,
    v13,
    v14,
    v15,
    v16,
    v17,
    v18,
)

# version -> the step that upgrades a database of that version to the next one
UPGRADES: dict[int, Callable[[Connection], None]] = {
    1: v2.upgrade, 2: v3.upgrade, 3: v4.upgrade, 4: v5.upgrade, 5: v6.upgrade,
    6: v7.upgrade, 7: v8.upgrade, 8: v9.upgrade, 9: v10.upgrade, 10: v11.upgrade,
    11: v12.upgrade, 12: v13.upgrade, 13: v14.upgrade, 14: v15.upgrade,
    15: v16.upgrade, 16: v17.upgrade, 17: v18.upgrade}
