"""The outbox: business events waiting to go up to the central, and gap-free counters.

An event is appended inside the same transaction as the business rows it describes, so the
two can never disagree. ``terminal_seq`` is gap-free per terminal (the central reports gaps).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
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


# -- the upload (the sync engine's push) ----------------------------------------------------------

@dataclass(frozen=True, slots=True)
class OutboxEvent:
    """An event as it goes up to the central."""

    terminal_seq: int
    event_id: str
    type: str
    occurred_at: str
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Waiting:
    """What the outbox holds unanswered or refused (``posclient doctor``)."""

    pending: int = 0
    rejected: int = 0
    oldest_pending: str | None = None  # when the oldest waiting event happened


def last_seq(conn: sqlite3.Connection) -> int:
    """The newest event's terminal_seq (0: none yet)."""
    return int(conn.execute("SELECT max(terminal_seq) FROM outbox").fetchone()[0] or 0)


def pending_batch(conn: sqlite3.Connection, through: int, limit: int) -> list[OutboxEvent]:
    """Up to ``limit`` waiting events with terminal_seq <= ``through``, oldest first."""
    return [OutboxEvent(seq, eid, typ, at, json.loads(payload))
            for seq, eid, typ, at, payload in conn.execute(
                "SELECT terminal_seq, event_id, type, occurred_at, payload FROM outbox "
                "WHERE status = 'pending' AND terminal_seq <= ? ORDER BY terminal_seq LIMIT ?",
                (through, limit))]


def mark_rejected(conn: sqlite3.Connection, reasons: Mapping[int, str]) -> None:
    """Events the central refused, ``{terminal_seq: its reason}``: they go up no more."""
    conn.executemany(
        "UPDATE outbox SET status = 'rejected', attempts = attempts + 1, "
        "last_error = ? WHERE terminal_seq = ?",
        [(reason, seq) for seq, reason in reasons.items()])


def mark_sent(conn: sqlite3.Connection, at: str, notes: Mapping[int, str | None]) -> None:
    """Events the central accepted at ``at``, ``{terminal_seq: the exceptions it filed for
    it (text) or None}``."""
    conn.executemany(
        "UPDATE outbox SET status = 'sent', attempts = attempts + 1, "
        "acked_at = ?, last_error = ? WHERE terminal_seq = ?",
        [(at, note, seq) for seq, note in notes.items()])


def waiting(conn: sqlite3.Connection) -> Waiting:
    """How many events wait to go up (and since when), how many the central refused."""
    pending, rejected, oldest = 0, 0, None
    for status, n, first in conn.execute(
            "SELECT status, count(*), min(occurred_at) FROM outbox "
            "WHERE status IN ('pending', 'rejected') GROUP BY status"):
        if status == "pending":
            pending, oldest = n, first
        else:
            rejected = n
    return Waiting(pending, rejected, oldest)
