"""The till's stock: the central's level plus this terminal's movements it has not counted yet.

Which movements still count is decided in ONE place, the view ``stock_pending``
(migration 0006): a movement counts unless it is acknowledged, i.e. flagged (``acked = 1``),
or at or below the acknowledged-through watermark (``sync_state`` 'acked_through', on the
outbox's gap-free ``terminal_seq``) and not held (``stock_held``: events at or below the
watermark that the central had not counted when the watermark was set).

The sync engine acknowledges in two steps:

1. :func:`acknowledge_sent`, in the same transaction as the page that brings the central's
   levels up to date after a push: the watermark, the held events, and (rare) the movements
   of events sent above the watermark, one by one. A handful of rows, whatever was pushed.
2. :func:`tidy_acknowledged`, afterwards, in small transactions of their own: the flag for
   movements the view already leaves out (:func:`tidy_candidates`). It changes no stock (the
   view's rule is its condition), it only keeps the partial index ``stock_movements_pending``
   small. A crash before or during it is harmless: the watermark alone decides, and the next
   tidy finishes.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

WATERMARK_KEY = "acked_through"


@dataclass(frozen=True, slots=True)
class Watermark:
    """What :func:`acknowledge_sent` set."""

    through: int  # every event with terminal_seq <= this was answered (or is held)
    held: int  # events at or below it whose movements still count
    acked_above: int  # movements of events sent above it, flagged one by one


def watermark(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT value FROM sync_state WHERE key = ?", (WATERMARK_KEY,)).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def acknowledge_sent(conn: sqlite3.Connection) -> Watermark:
    """Stop counting the movements of every event the central accepted. Call inside the write
    transaction that applies the central's levels read after the push (the feed's head).

    The watermark moves to just below the first event still waiting (or to the last event),
    never back: every event up to it has an answer. Those at or below it that are not 'sent'
    (rejected; or waiting again, should one ever be sent anew) are held: their movements keep
    counting until a later watermark finds them sent. Events sent above the watermark (an
    unanswered one in between) have their movements flagged here, one by one.
    """
    first_waiting = conn.execute(
        "SELECT min(terminal_seq) FROM outbox WHERE status = 'pending'").fetchone()[0]
    if first_waiting is None:
        top = conn.execute("SELECT max(terminal_seq) FROM outbox").fetchone()[0] or 0
    else:
        top = first_waiting - 1
    through = max(watermark(conn), top)
    conn.execute("DELETE FROM stock_held")
    held = conn.execute(
        "INSERT INTO stock_held (terminal_seq) "
        "SELECT terminal_seq FROM outbox WHERE status = 'rejected' AND terminal_seq <= :w "
        "UNION ALL "
        "SELECT terminal_seq FROM outbox WHERE status = 'pending' AND terminal_seq <= :w",
        {"w": through}).rowcount
    acked_above = 0
    if conn.execute("SELECT EXISTS (SELECT 1 FROM outbox WHERE terminal_seq > ? "
                    "AND status = 'sent')", (through,)).fetchone()[0]:
        acked_above = conn.execute(
            "UPDATE stock_movements SET acked = 1 WHERE acked = 0 AND terminal_seq IN "
            "(SELECT terminal_seq FROM outbox WHERE terminal_seq > ? AND status = 'sent')",
            (through,)).rowcount
    conn.execute("INSERT INTO sync_state (key, value) VALUES (?, ?) "
                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                 (WATERMARK_KEY, str(through)))
    return Watermark(through, held, acked_above)


# Movements still flagged as counting that the view leaves out: the tidy's work.
_UNTIDY = ("FROM stock_movements m WHERE m.acked = 0 "
           "AND NOT EXISTS (SELECT 1 FROM stock_pending p WHERE p.id = m.id)")


def tidy_candidates(conn: sqlite3.Connection) -> list[int]:
    """Ids of the movements :func:`tidy_acknowledged` may flag, in order (a read: no lock).

    In id order, a chunk of them lies on a few neighbouring pages of the table: measured,
    2,000 flags took 4 ms this way and 15 ms in the partial index's (product) order.
    """
    return sorted(r[0] for r in conn.execute(f"SELECT m.id {_UNTIDY}"))


def tidy_acknowledged(conn: sqlite3.Connection, ids: list[int]) -> int:
    """Flag those of ``ids`` that ``stock_pending`` does not count; returns how many.

    Call in a write transaction of its own, a chunk of :func:`tidy_candidates` at a time. The
    view is checked again inside the transaction: its rule is the condition, so the stock
    does not change.
    """
    return conn.execute(
        "UPDATE stock_movements SET acked = 1 WHERE id IN (SELECT value FROM json_each(?)) "
        "AND acked = 0 AND NOT EXISTS "
        "(SELECT 1 FROM stock_pending p WHERE p.id = stock_movements.id)",
        (json.dumps(ids),)).rowcount
