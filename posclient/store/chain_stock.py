"""The chain's stock as this till last heard it (migration 0023): the central's availability of a
product at the stores of the chain, kept so that F12 can show it offline with its age.

One row per (product, store): a new answer for a product replaces every row of that product (the
last answer only; a store that left the group goes with it). The table is bounded: keeping an
answer prunes the rows received longest ago beyond :data:`MAX_ROWS`. Nothing here is a promise
of stock: the central's availability, read online, is the only one (posclient/app/chain_stock.py).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

MAX_ROWS = 50_000  # rows kept, all products and stores together


@dataclass(frozen=True, slots=True)
class StoreLevel:
    """A product at one store, as the central answered."""

    store_id: str
    name_zh: str
    name_en: str
    available: int  # what the store can still promise (on hand - held - safety, >= 0)
    on_hand: int
    distance_km: float | None  # from this store; None: not known
    upload_age_s: int | None  # the store's tills' last upload, seconds before the answer


@dataclass(frozen=True, slots=True)
class CachedLevel:
    level: StoreLevel
    answered_at: str  # the central's time of the answer (ISO, posclient/domain/clock.py iso)
    received_at: str  # this till's time when it got the answer


_COLUMNS = ("store_id, name_zh, name_en, available, on_hand, distance_km, upload_age_s, "
            "answered_at, received_at")


def keep(conn: sqlite3.Connection, product_id: int, levels: Sequence[StoreLevel], *,
         answered_at: str, received_at: str, max_rows: int = MAX_ROWS) -> int:
    """Keep the central's answer for ``product_id`` in place of the last one; prune the oldest
    rows beyond ``max_rows``. Call inside a write transaction. Returns the rows pruned."""
    conn.execute("DELETE FROM chain_stock WHERE product_id = ?", (product_id,))
    conn.executemany(
        f"INSERT OR REPLACE INTO chain_stock (product_id, {_COLUMNS}) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(product_id, lv.store_id, lv.name_zh, lv.name_en, lv.available, lv.on_hand,
          lv.distance_km, lv.upload_age_s, answered_at, received_at) for lv in levels])
    return prune(conn, max_rows)


def prune(conn: sqlite3.Connection, max_rows: int = MAX_ROWS) -> int:
    """Delete the rows received longest ago beyond ``max_rows`` (one statement, by the
    ``received_at`` index). Returns how many went."""
    cur = conn.execute(
        "DELETE FROM chain_stock WHERE rowid IN (SELECT rowid FROM chain_stock "
        "ORDER BY received_at DESC, rowid DESC LIMIT -1 OFFSET ?)", (max(0, max_rows),))
    return cur.rowcount


def cached(conn: sqlite3.Connection, product_id: int) -> list[CachedLevel]:
    """The last answer kept for ``product_id``: nearest first (stores without a distance last,
    by store id)."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM chain_stock WHERE product_id = ? "
        "ORDER BY distance_km IS NULL, distance_km, store_id", (product_id,)).fetchall()
    return [CachedLevel(StoreLevel(r[0], r[1], r[2], r[3], r[4], r[5], r[6]), r[7], r[8])
            for r in rows]


def count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM chain_stock").fetchone()[0])
