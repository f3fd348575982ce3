"""Shifts, cash movements and Z reports in the till's database (``shifts``,
``cash_movements``, ``z_reports``), and what a shift's drawer should hold. Writers take the
caller's write transaction (with the outbox event of what they record).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class OpenShift:
    """The till's open shift (money in minor units)."""

    id: int
    shift_no: int
    staff_id: int
    opened_at: str
    float_total: int


# -- the shift ------------------------------------------------------------------------------------

def open_shift(conn: sqlite3.Connection) -> OpenShift | None:
    row = conn.execute("SELECT id, shift_no, staff_id, opened_at, float_total FROM shifts "
                       "WHERE closed_at IS NULL").fetchone()
    return None if row is None else OpenShift(*row)


def shift_is_open(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM shifts WHERE closed_at IS NULL LIMIT 1").fetchone() \
        is not None


def add_shift(conn: sqlite3.Connection, *, shift_no: int, staff_id: int, opened_at: str,
              float_counts: str, float_total: int) -> None:
    """Open a shift; ``float_counts``: the float by denomination (JSON)."""
    conn.execute(
        "INSERT INTO shifts (shift_no, staff_id, opened_at, float_counts, float_total) "
        "VALUES (?, ?, ?, ?, ?)", (shift_no, staff_id, opened_at, float_counts, float_total))


def close_shift(conn: sqlite3.Connection, shift_id: int, *, closed_at: str, closed_by: int,
                counted: str, expected: str, comment: str, approved_by: int | None) -> None:
    """Close a shift; ``counted`` and ``expected``: per tender (JSON)."""
    conn.execute(
        "UPDATE shifts SET closed_at = ?, closed_by = ?, counted = ?, expected = ?, "
        "comment = ?, approved_by = ? WHERE id = ?",
        (closed_at, closed_by, counted, expected, comment, approved_by, shift_id))


def add_cash_movement(conn: sqlite3.Connection, *, shift_id: int, kind: str, amount: int,
                      reason: str, staff_id: int, approved_by: int | None, at: str,
                      event_id: str) -> int:
    """Money into or out of the drawer without a sale; returns the movement's id."""
    cur = conn.execute(
        "INSERT INTO cash_movements (shift_id, kind, amount, reason, staff_id, "
        "approved_by, at, event_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (shift_id, kind, amount, reason, staff_id, approved_by, at, event_id))
    return int(cur.lastrowid or 0)


# -- what the drawer should hold ------------------------------------------------------------------

def sale_tenders_since(conn: sqlite3.Connection, since: str) -> dict[str, int]:
    """Per tender kind, what sales completed at or after ``since`` took."""
    return dict(conn.execute(
        "SELECT t.kind, sum(t.amount) FROM sale_tenders t JOIN sales s ON s.id = "
        "t.sale_id WHERE s.completed_at >= ? GROUP BY t.kind", (since,)).fetchall())


def refund_tenders_since(conn: sqlite3.Connection, since: str) -> dict[str, int]:
    """Per tender kind, what returns completed at or after ``since`` paid back."""
    return dict(conn.execute(
        "SELECT t.kind, sum(t.amount) FROM return_tenders t JOIN returns r ON r.id = "
        "t.return_id WHERE r.completed_at >= ? GROUP BY t.kind", (since,)).fetchall())


def shift_movements(conn: sqlite3.Connection, shift_id: int) -> dict[str, int]:
    """Per kind (cash_in, paid_out, safe_drop), the cash movements of a shift (amounts > 0)."""
    return dict(conn.execute(
        "SELECT kind, sum(amount) FROM cash_movements WHERE shift_id = ? GROUP BY kind",
        (shift_id,)).fetchall())


# -- Z reports ------------------------------------------------------------------------------------

def last_z_at(conn: sqlite3.Connection) -> str | None:
    """Where the last Z report's period ended (None: there was none)."""
    row = conn.execute("SELECT max(to_at) FROM z_reports").fetchone()
    return None if row[0] is None else str(row[0])


def z_done(conn: sqlite3.Connection, business_day: str) -> bool:
    return conn.execute("SELECT 1 FROM z_reports WHERE business_day = ?",
                        (business_day,)).fetchone() is not None


def add_z(conn: sqlite3.Connection, *, z_no: int, business_day: str, from_at: str | None,
          to_at: str, staff_id: int, approved_by: int | None, figures: str,
          event_id: str) -> None:
    """Keep a Z report; ``figures``: the report as made (JSON)."""
    conn.execute(
        "INSERT INTO z_reports (z_no, business_day, from_at, to_at, staff_id, "
        "approved_by, figures, event_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (z_no, business_day, from_at, to_at, staff_id, approved_by, figures, event_id))


def z_figures(conn: sqlite3.Connection, z_no: int) -> str | None:
    """A Z report's figures as made (JSON), or None."""
    row = conn.execute("SELECT figures FROM z_reports WHERE z_no = ?", (z_no,)).fetchone()
    return None if row is None else str(row[0])
