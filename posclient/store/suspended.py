"""Suspended sales kept on this till: a basket parked while the customer fetches something.

A row is ``published`` 0 (this till only), 1 (shared with the store's other tills through the
central: resuming it claims it there first, sync/parked.py) or -1 (never to be shared). A
resumed row is deleted, or kept with ``resumed_at`` while the sync cycle still has to tell the
central. Writers take the caller's write transaction.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SuspendedRow:
    id: int
    label: str
    staff_id: int
    suspended_at: str
    total: int  # minor units
    park_id: str
    published: int


@dataclass(frozen=True, slots=True)
class ParkedCart:
    """What resuming a suspended sale needs: its cart document (JSON) and how it is shared."""

    cart: str
    published: int
    park_id: str


def park(conn: sqlite3.Connection, *, staff_id: int, at: str, label: str, total: int,
         cart: str, park_id: str) -> int:
    """Keep a suspended sale; returns its id."""
    cur = conn.execute(
        "INSERT INTO suspended_sales (staff_id, suspended_at, label, total, cart, park_id) "
        "VALUES (?, ?, ?, ?, ?, ?)", (staff_id, at, label, total, cart, park_id))
    return int(cur.lastrowid or 0)


def open_sales(conn: sqlite3.Connection) -> list[SuspendedRow]:
    """The suspended sales not resumed yet, oldest first."""
    return [SuspendedRow(r[0], r[1], r[2], r[3], r[4], r[5] or "", r[6])
            for r in conn.execute(
                "SELECT id, label, staff_id, suspended_at, total, park_id, published "
                "FROM suspended_sales WHERE resumed_at IS NULL ORDER BY id")]


def parked_cart(conn: sqlite3.Connection, suspended_id: int) -> ParkedCart | None:
    """The cart of a suspended sale not resumed yet, or None."""
    row = conn.execute("SELECT cart, published, park_id FROM suspended_sales WHERE id = ? AND "
                       "resumed_at IS NULL", (suspended_id,)).fetchone()
    return None if row is None else ParkedCart(row[0], row[1], row[2])


def central_known(conn: sqlite3.Connection) -> bool:
    """The till is enrolled with a central (a shared sale's resume is for it to hear)."""
    return conn.execute("SELECT 1 FROM sync_state WHERE key = 'server_url' AND value IS NOT "
                        "NULL").fetchone() is not None


def mark_resumed(conn: sqlite3.Connection, suspended_id: int, park_id: str, *, at: str,
                 keep: bool) -> None:
    """A suspended sale resumed on this till: deleted, or (``keep``: the central has to hear
    of it) kept with ``resumed_at`` for the sync cycle; its claim journal goes."""
    if keep:
        conn.execute("UPDATE suspended_sales SET resumed_at = ? WHERE id = ?",
                     (at, suspended_id))
    else:
        conn.execute("DELETE FROM suspended_sales WHERE id = ?", (suspended_id,))
    conn.execute("DELETE FROM parked_claims WHERE park_id = ?", (park_id,))


def drop_claimed(conn: sqlite3.Connection, park_id: str) -> None:
    """A shared sale this till claimed at the central: its copy and claim journal go."""
    conn.execute("DELETE FROM suspended_sales WHERE park_id = ?", (park_id,))
    conn.execute("DELETE FROM parked_claims WHERE park_id = ?", (park_id,))
