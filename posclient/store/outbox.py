"""The outbox: business events waiting to go up to the central, and gap-free counters.

An event is appended inside the same transaction as the business rows it describes, so the
two can never disagree. ``terminal_seq`` is gap-free per terminal (the central reports gaps).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any


def next_counter(conn: sqlite3.Connection, name: str) -> int:
    """Increment and return a named counter; call inside a write transaction."""
    row = conn.execute("UPDATE counters SET value = value + 1 WHERE name = ? RETURNING value",
                       (name,)).fetchone()
    if row is None:
        conn.execute("INSERT INTO counters (name, value) VALUES (?, 1)", (name,))
        return 1
    return int(row[0])


def append(conn: sqlite3.Connection, *, event_id: str, type: str, occurred_at: str,
           payload: dict[str, Any]) -> int:
    """Queue one event; returns its terminal_seq. Call inside a write transaction."""
    seq = next_counter(conn, "terminal_seq")
    conn.execute(
        "INSERT INTO outbox (terminal_seq, event_id, type, occurred_at, payload) "
        "VALUES (?, ?, ?, ?, ?)",
        (seq, event_id, type, occurred_at,
         json.dumps(payload, ensure_ascii=False, separators=(",", ":"))),
    )
    return seq


def pending_count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM outbox WHERE status = 'pending'").fetchone()[0])


@dataclass(frozen=True, slots=True)
class PendingEvent:
    """An event still waiting to go up (a shift report lists them)."""

    terminal_seq: int
    type: str
    occurred_at: str


def pending_events(conn: sqlite3.Connection) -> list[PendingEvent]:
    """The events waiting to go up, oldest first."""
    return [PendingEvent(int(seq), str(kind), str(at)) for seq, kind, at in conn.execute(
        "SELECT terminal_seq, type, occurred_at FROM outbox WHERE status = 'pending' "
        "ORDER BY terminal_seq")]
