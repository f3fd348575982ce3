"""Members in the till's database: the central's copy (``members``, from the feed), this till's
sign-ups not synced yet (``member_signups``), and the points waiting for the central
(``points_pending``). Writers take the caller's write transaction.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class MemberRow:
    """A ``members`` row (the central's copy)."""

    id: int
    member_no: str
    name: str
    phone: str | None
    tier: str
    points: int  # the central's balance
    active: bool


@dataclass(frozen=True, slots=True)
class SignupRow:
    """A ``member_signups`` row: a member signed up at this till, not synced yet."""

    member_no: str
    name: str
    phone: str | None
    tier: str


_COLUMNS = "id, member_no, name, phone, tier, points, active"


def _member(row: tuple[int, str, str, str | None, str, int, int]) -> MemberRow:
    mid, no, name, phone, tier, points, active = row
    return MemberRow(int(mid), no, name, phone, tier, int(points), bool(active))


def member_by_phone(conn: sqlite3.Connection, phone: str) -> MemberRow | None:
    """The member with this exact phone (an active one first), through ``members_phone``."""
    row = conn.execute(f"SELECT {_COLUMNS} FROM members WHERE phone = ? "
                       "ORDER BY active DESC LIMIT 1", (phone,)).fetchone()
    return None if row is None else _member(row)


def member_by_no(conn: sqlite3.Connection, member_no: str) -> MemberRow | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM members WHERE member_no = ?",
                       (member_no,)).fetchone()
    return None if row is None else _member(row)


def signup_no_by_phone(conn: sqlite3.Connection, phone: str) -> str | None:
    """The member number of this till's first sign-up with this phone."""
    row = conn.execute("SELECT member_no FROM member_signups WHERE phone = ? "
                       "ORDER BY created_at LIMIT 1", (phone,)).fetchone()
    return None if row is None else str(row[0])


def signup_by_no(conn: sqlite3.Connection, member_no: str) -> SignupRow | None:
    row = conn.execute("SELECT member_no, name, phone, tier FROM member_signups "
                       "WHERE member_no = ?", (member_no,)).fetchone()
    return None if row is None else SignupRow(row[0], row[1], row[2], row[3])


def add_signup(conn: sqlite3.Connection, *, member_no: str, event_id: str, name: str,
               phone: str, consent_version: str, at: str, staff_id: int) -> None:
    """Keep a sign-up (tier ``standard``, consented and created at ``at``)."""
    conn.execute(
        "INSERT INTO member_signups (member_no, event_id, name, phone, tier, "
        "consent_version, consented_at, staff_id, created_at) "
        "VALUES (?, ?, ?, ?, 'standard', ?, ?, ?, ?)",
        (member_no, event_id, name, phone, consent_version, at, staff_id, at))


def pending_points(conn: sqlite3.Connection, member_no: str) -> int:
    """This till's redemptions and take-backs the central has not counted yet (<= 0).
    Uses the partial index ``points_pending_member``."""
    row = conn.execute("SELECT coalesce(sum(points), 0) FROM points_pending "
                       "WHERE member_no = ? AND acked = 0 AND points < 0",
                       (member_no,)).fetchone()
    return int(row[0])


def acknowledge_points(conn: sqlite3.Connection) -> None:
    """Members' points of events the central accepted are in the balances just read: stop
    counting them locally (few rows: only members' sales and returns)."""
    conn.execute(
        "UPDATE points_pending SET acked = 1 WHERE acked = 0 AND event_id IN "
        "(SELECT event_id FROM outbox WHERE status = 'sent')")
