"""Wrong pick-up codes per web order at this till (``pickup_code_attempts``, issue 17).

The count of wrong codes in a row is kept in the database, so a restart does not reset it; at
the limit the order's code is locked here and the till no longer checks it offline
(posclient/app/basket_start.py). A right code deletes the row. The codes are never stored.
Every function runs inside the caller's write transaction.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CodeAttempts:
    """Where an order's code stands at this till."""

    failures: int  # wrong codes in a row
    locked: bool  # the till no longer checks the code


def attempts(conn: sqlite3.Connection, order_no: str) -> CodeAttempts:
    row = conn.execute("SELECT failures, locked_at FROM pickup_code_attempts "
                       "WHERE order_no = ?", (order_no,)).fetchone()
    return CodeAttempts(0, False) if row is None else CodeAttempts(int(row[0]), row[1] is not None)


def record_failure(conn: sqlite3.Connection, order_no: str, at: str, limit: int) -> CodeAttempts:
    """Count a wrong code; at ``limit`` wrong codes in a row the code is locked."""
    (failures,) = conn.execute(
        "INSERT INTO pickup_code_attempts (order_no, failures, last_failure_at) VALUES (?, 1, ?) "
        "ON CONFLICT (order_no) DO UPDATE SET failures = failures + 1, "
        "last_failure_at = excluded.last_failure_at RETURNING failures",
        (order_no, at)).fetchone()
    if failures >= limit:
        conn.execute("UPDATE pickup_code_attempts SET locked_at = coalesce(locked_at, ?) "
                     "WHERE order_no = ?", (at, order_no))
    return CodeAttempts(int(failures), failures >= limit)


def lock(conn: sqlite3.Connection, order_no: str, at: str, limit: int) -> None:
    """The central says the order's code is locked: so it is here too."""
    conn.execute(
        "INSERT INTO pickup_code_attempts (order_no, failures, last_failure_at, locked_at) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (order_no) DO UPDATE SET "
        "failures = max(failures, excluded.failures), "
        "locked_at = coalesce(locked_at, excluded.locked_at)", (order_no, limit, at, at))


def clear(conn: sqlite3.Connection, order_no: str) -> None:
    """The right code: the count starts again."""
    conn.execute("DELETE FROM pickup_code_attempts WHERE order_no = ?", (order_no,))
