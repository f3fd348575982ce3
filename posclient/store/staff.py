"""Staff in the till's database (``staff``, from the central): credentials and the lockout
counters a wrong PIN moves. Writers take the caller's write transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class StaffRow:
    """A ``staff`` row as a PIN check needs it."""

    id: int
    name: str
    role: str
    pin_hash: str
    active: bool
    failed_pins: int
    locked_until: str | None  # ISO time, or None: not locked


def staff_row(conn: sqlite3.Connection, staff_id: int) -> StaffRow | None:
    row = conn.execute(
        "SELECT id, name, role, pin_hash, active, failed_pins, locked_until FROM staff "
        "WHERE id = ?", (staff_id,)).fetchone()
    if row is None:
        return None
    sid, name, role, pin_hash, active, failed, locked_until = row
    return StaffRow(sid, name, role, pin_hash, bool(active), failed, locked_until)


def lockouts(conn: sqlite3.Connection) -> list[StaffRow]:
    """Staff with wrong PINs counted or a lockout's end set (it may be over), by number."""
    return [StaffRow(sid, name, role, pin_hash, bool(active), failed, locked_until)
            for sid, name, role, pin_hash, active, failed, locked_until in conn.execute(
                "SELECT id, name, role, pin_hash, active, failed_pins, locked_until FROM staff "
                "WHERE failed_pins > 0 OR locked_until IS NOT NULL ORDER BY id")]


def exists(conn: sqlite3.Connection, staff_id: int) -> bool:
    return conn.execute("SELECT 1 FROM staff WHERE id = ?", (staff_id,)).fetchone() is not None


def clear_lockout(conn: sqlite3.Connection, staff_id: int) -> None:
    """No failed PINs counted, not locked."""
    conn.execute("UPDATE staff SET failed_pins = 0, locked_until = NULL WHERE id = ?",
                 (staff_id,))


def set_failed(conn: sqlite3.Connection, staff_id: int, failed: int,
               locked_until: str | None) -> None:
    """The failed PINs counted so far, and the lockout's end (None: not locked)."""
    conn.execute("UPDATE staff SET failed_pins = ?, locked_until = ? WHERE id = ?",
                 (failed, locked_until, staff_id))


def any_staff(conn: sqlite3.Connection) -> bool:
    """The database has at least one staff member (active or not)."""
    return conn.execute("SELECT 1 FROM staff LIMIT 1").fetchone() is not None


@dataclass(frozen=True, slots=True)
class StaffIdentity:
    id: int
    name: str
    role: str


def identities(conn: sqlite3.Connection) -> list[StaffIdentity]:
    """Every staff member, active or not."""
    return [StaffIdentity(*row) for row in conn.execute("SELECT id, name, role FROM staff")]


def set_pins(conn: sqlite3.Connection, pin_hashes: Mapping[int, str]) -> None:
    """New PINs (``{staff id: its hash}``); their lockouts cleared."""
    conn.executemany("UPDATE staff SET pin_hash = ?, failed_pins = 0, locked_until = NULL "
                     "WHERE id = ?", [(h, sid) for sid, h in pin_hashes.items()])
