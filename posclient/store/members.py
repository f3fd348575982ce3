"""Members in the till's database: the central's copy (``members``, from the feed or an online
look-up), this till's sign-ups not synced yet (``member_signups``), the points waiting for
the central (``points_pending``), and the members erased or withdrawn (``member_erasures``,
:func:`forget`). Writers take the caller's write transaction.

No phone number and no whole name is kept (issue 17, posclient/domain/privacy.py): a member is
found by its phone's keyed hash (``phone_hash``, one probe of ``members_phone_hash``) and shown
by its masked name and last four digits.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class MemberRow:
    """A ``members`` row (the central's copy)."""

    id: int
    member_no: str
    name_masked: str
    phone_hash: str | None
    phone_last4: str | None
    tier: str
    points: int  # the central's balance
    active: bool


@dataclass(frozen=True, slots=True)
class SignupRow:
    """A ``member_signups`` row: a member signed up at this till, not synced yet."""

    member_no: str
    name_masked: str
    phone_last4: str
    tier: str


_COLUMNS = "id, member_no, name_masked, phone_hash, phone_last4, tier, points, active"


def _member(row: tuple[int, str, str, str | None, str | None, str, int, int]) -> MemberRow:
    mid, no, name, digest, last4, tier, points, active = row
    return MemberRow(int(mid), no, name, digest, last4, tier, int(points), bool(active))


def member_by_phone_hash(conn: sqlite3.Connection, digest: str) -> MemberRow | None:
    """The member whose phone has this keyed hash (an active one first), through
    ``members_phone_hash``."""
    row = conn.execute(f"SELECT {_COLUMNS} FROM members WHERE phone_hash = ? "
                       "ORDER BY active DESC LIMIT 1", (digest,)).fetchone()
    return None if row is None else _member(row)


def member_by_no(conn: sqlite3.Connection, member_no: str) -> MemberRow | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM members WHERE member_no = ?",
                       (member_no,)).fetchone()
    return None if row is None else _member(row)


def keep_member(conn: sqlite3.Connection, m: MemberRow) -> None:
    """Keep a member the central answered for (an online look-up), as the feed would."""
    conn.execute(
        f"INSERT INTO members ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET member_no = excluded.member_no, "
        "name_masked = excluded.name_masked, phone_hash = excluded.phone_hash, "
        "phone_last4 = excluded.phone_last4, tier = excluded.tier, points = excluded.points, "
        "active = excluded.active",
        (m.id, m.member_no, m.name_masked, m.phone_hash, m.phone_last4, m.tier, m.points,
         int(m.active)))


def signup_no_by_phone_hash(conn: sqlite3.Connection, digest: str) -> str | None:
    """The member number of this till's first sign-up whose phone has this keyed hash."""
    row = conn.execute("SELECT member_no FROM member_signups WHERE phone_hash = ? "
                       "ORDER BY created_at LIMIT 1", (digest,)).fetchone()
    return None if row is None else str(row[0])


def signup_by_no(conn: sqlite3.Connection, member_no: str) -> SignupRow | None:
    row = conn.execute("SELECT member_no, name_masked, phone_last4, tier FROM member_signups "
                       "WHERE member_no = ?", (member_no,)).fetchone()
    return None if row is None else SignupRow(row[0], row[1], row[2], row[3])


def add_signup(conn: sqlite3.Connection, *, member_no: str, event_id: str, name_masked: str,
               phone_hash: str, phone_last4: str, consent_version: str, at: str,
               staff_id: int) -> None:
    """Keep a sign-up (tier ``standard``, consented and created at ``at``)."""
    conn.execute(
        "INSERT INTO member_signups (member_no, event_id, name_masked, phone_hash, phone_last4, "
        "tier, consent_version, consented_at, staff_id, created_at) "
        "VALUES (?, ?, ?, ?, ?, 'standard', ?, ?, ?, ?)",
        (member_no, event_id, name_masked, phone_hash, phone_last4, consent_version, at,
         staff_id, at))


# -- sign-ups from before issue 17 (sync/member_keys.py) ----------------------------------------

def plain_signups(conn: sqlite3.Connection) -> list[tuple[int, str]]:
    """``(terminal_seq, payload)`` of the sign-up events waiting to go up with a plain phone."""
    return [(int(seq), str(text)) for seq, text in conn.execute(
        "SELECT terminal_seq, payload FROM outbox WHERE status = 'pending' AND "
        "type = 'member_signup' AND json_extract(payload, '$.phone') IS NOT NULL")]


def seal_signup(conn: sqlite3.Connection, terminal_seq: int, payload: str, member_no: str,
                phone_hash: str | None) -> None:
    """A waiting sign-up's event now carries its phone and name sealed (``payload``), and the
    till's copy gets the phone's hash."""
    conn.execute("UPDATE outbox SET payload = ? WHERE terminal_seq = ? AND status = 'pending'",
                 (payload, terminal_seq))
    conn.execute("UPDATE member_signups SET phone_hash = ? WHERE member_no = ?",
                 (phone_hash, member_no))


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


# -- erasure (issue 17, docs/privacy.md) ----------------------------------------------------------

# What this till's sign-up event carried of the person: cleared once the central has it.
_SIGNUP_PERSONAL = ("'$.sealed', '$.phone_hash', '$.phone_last4', '$.name_masked', '$.phone', "
                    "'$.name'")


def forget(conn: sqlite3.Connection, member_no: str, member_id: int | None, at: str, *,
           source: str) -> bool:
    """Forget an erased member (``source`` ``central``: the feed's record) or one whose
    membership was withdrawn here (``till``): its record, its sign-up, the label printed with
    its sales (the sales and their figures stay), and what its sign-up event carried of the
    person once the central has it (a sign-up still waiting goes up whole: the central makes
    the member and erases it). Remembered in ``member_erasures``; True when anything changed.
    Idempotent: the feed, a snapshot and this till may each name the member."""
    before = conn.execute("SELECT signup_event_id FROM member_erasures WHERE member_no = ?",
                          (member_no,)).fetchone()
    signup = conn.execute("SELECT event_id FROM member_signups WHERE member_no = ?",
                          (member_no,)).fetchone()
    event_id = signup[0] if signup else (before[0] if before else None)
    changed = 0
    if event_id is not None:
        changed += conn.execute(
            f"UPDATE outbox SET payload = json_remove(payload, {_SIGNUP_PERSONAL}) "
            "WHERE event_id = ? AND status <> 'pending' AND "
            f"json_remove(payload, {_SIGNUP_PERSONAL}) <> payload", (event_id,)).rowcount
    changed += conn.execute("DELETE FROM member_signups WHERE member_no = ?",
                            (member_no,)).rowcount
    changed += conn.execute("DELETE FROM members WHERE member_no = ? OR id = ?",
                            (member_no, member_id)).rowcount
    changed += conn.execute("UPDATE sales SET member_label = NULL WHERE member_no = ? AND "
                            "member_label IS NOT NULL", (member_no,)).rowcount
    conn.execute(
        "INSERT INTO member_erasures (member_no, member_id, signup_event_id, erased_at, source) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (member_no) DO UPDATE SET "
        "member_id = coalesce(excluded.member_id, member_id), "
        "signup_event_id = coalesce(signup_event_id, excluded.signup_event_id), "
        "source = CASE WHEN excluded.source = 'central' THEN 'central' ELSE source END, "
        "erased_at = CASE WHEN excluded.source = 'central' THEN excluded.erased_at "
        "ELSE erased_at END", (member_no, member_id, event_id, at, source))
    return changed > 0 or before is None


def is_forgotten(conn: sqlite3.Connection, member_no: str) -> bool:
    """Whether this till has forgotten the member (erased, or membership withdrawn here)."""
    return conn.execute("SELECT 1 FROM member_erasures WHERE member_no = ?",
                        (member_no,)).fetchone() is not None
