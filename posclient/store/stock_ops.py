"""Stock work at the till in its database: what a whole-store count covers, the movements a
count or a delivery books, and the deliveries this store expects (``deliveries``, the central's
copy). Writers take the caller's write transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class DeliveryRow:
    """A ``deliveries`` row: the central's document, its status, and whether this till has
    received it (the event that did)."""

    data: dict[str, Any]  # the central's copy (sync.protocol DeliveryData as JSON)
    status: str  # expected | received | cancelled
    received_event: str | None


def products_in_stock(conn: sqlite3.Connection) -> set[int]:
    """Products the central holds some of (or less than none) or with movements still
    counting here: what a whole-store count expects."""
    return {pid for (pid,) in conn.execute(
        "SELECT product_id FROM stock_levels WHERE qty != 0 UNION "
        "SELECT product_id FROM stock_pending")}


def add_movements(conn: sqlite3.Connection, reason: str, deltas: Iterable[tuple[int, int]], *,
                  event_id: str, at: str, terminal_seq: int) -> None:
    """``(product_id, qty_delta)`` movements for ``reason``, named by their event (append the
    event first: a movement names its terminal_seq)."""
    conn.executemany(
        "INSERT INTO stock_movements (product_id, qty_delta, reason, event_id, "
        "occurred_at, terminal_seq) VALUES (?, ?, ?, ?, ?, ?)",
        [(pid, delta, reason, event_id, at, terminal_seq) for pid, delta in deltas])


def open_deliveries(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """The deliveries and transfers still expected here (not received here, not received or
    cancelled at the central), oldest expected first: their documents."""
    return [json.loads(raw) for (raw,) in conn.execute(
        "SELECT data FROM deliveries WHERE status = 'expected' AND received_event IS NULL "
        "ORDER BY data ->> '$.expected_at', id")]


def delivery(conn: sqlite3.Connection, delivery_id: str) -> DeliveryRow | None:
    row = conn.execute("SELECT data, status, received_event FROM deliveries WHERE id = ?",
                       (delivery_id,)).fetchone()
    return None if row is None else DeliveryRow(json.loads(row[0]), row[1], row[2])


def mark_received(conn: sqlite3.Connection, delivery_id: str, event_id: str, at: str) -> bool:
    """Note that ``event_id`` received the delivery; False when another already had."""
    return conn.execute(
        "UPDATE deliveries SET received_event = ?, received_at = ? WHERE id = ? AND "
        "received_event IS NULL", (event_id, at, delivery_id)).rowcount > 0
