"""The card payment journal: every card attempt is written before the terminal is asked, so an
approval is never lost even if the till dies before its sale commits (posclient/app/
card_recovery.py finds such orphans). The checkout's writers are each their own short write
transaction: the journal must outlive a sale that is rolled back. Card recovery's readers and
writers take the caller's connection (its resolutions write the journal row with their audit
record and event in one transaction).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from posclient.store.db import Store


def attempt(store: Store, *, reference: str, amount: int, currency: str, at: str,
            holder: str | None, basket_id: str, basket: str) -> None:
    """A card attempt about to be sent to the terminal: ``pending``, with its basket."""
    with store.write() as conn:
        conn.execute(
            "INSERT INTO payment_journal (reference, amount, currency, status, created_at, "
            "updated_at, holder, basket_id, basket) VALUES (?, ?, ?, 'pending', ?, ?, ?, ?, ?)",
            (reference, amount, currency, at, at, holder, basket_id, basket))


def answered(store: Store, reference: str, *, status: str, auth_code: str | None,
             detail: str | None, at: str) -> None:
    """What the terminal answered to an attempt."""
    with store.write() as conn:
        conn.execute("UPDATE payment_journal SET status = ?, auth_code = ?, detail = ?, "
                     "updated_at = ? WHERE reference = ?",
                     (status, auth_code, detail, at, reference))


def set_status(store: Store, reference: str, status: str, at: str) -> None:
    """A journalled payment's new status (``reversed`` when a void gave it back)."""
    with store.write() as conn:
        conn.execute("UPDATE payment_journal SET status = ?, updated_at = ? WHERE reference = ?",
                     (status, at, reference))


# -- card recovery (posclient/app/card_recovery.py): in the caller's transaction ------------------

@dataclass(frozen=True, slots=True)
class UnresolvedCharge:
    """A positive card attempt with no sale and no resolution (``approved``, or ``pending``:
    the terminal never answered): an orphan once the connection that made it is gone."""

    reference: str
    amount: int  # minor units
    currency: str
    created_at: str
    auth_code: str  # '' when none
    detail: str
    status: str  # approved | pending
    basket: str | None  # JSON, None on older rows
    found_event: str | None  # the card_orphan_found event, once the central was told
    holder: str | None  # the lease of the connection that made it
    basket_id: str | None


def unresolved_charges(conn: sqlite3.Connection,
                       reference: str | None = None) -> list[UnresolvedCharge]:
    """The charges without a sale nobody has resolved (only ``reference``'s when given), oldest
    first."""
    sql = ("SELECT reference, amount, currency, created_at, coalesce(auth_code, ''), "
           "detail, status, basket, found_event, holder, basket_id FROM payment_journal "
           "WHERE sale_id IS NULL AND amount > 0 AND status IN ('approved', 'pending') "
           "AND resolution IS NULL")
    args: tuple[str, ...] = ()
    if reference is not None:
        sql += " AND reference = ?"
        args = (reference,)
    return [UnresolvedCharge(*row) for row in conn.execute(sql + " ORDER BY id", args)]


def unmatched_refunds(conn: sqlite3.Connection) -> int:
    """Card refunds approved (or unanswered) whose return never committed."""
    return int(conn.execute(
        "SELECT count(*) FROM payment_journal WHERE sale_id IS NULL AND amount < 0 "
        "AND status IN ('approved', 'pending')").fetchone()[0])


@dataclass(frozen=True, slots=True)
class JournalBasket:
    """The basket a journalled attempt paid for (both None when unknown)."""

    basket_id: str | None
    basket: str | None  # JSON


def basket_of(conn: sqlite3.Connection, reference: str) -> JournalBasket:
    row = conn.execute("SELECT basket_id, basket FROM payment_journal WHERE reference = ?",
                       (reference,)).fetchone()
    return JournalBasket(row[0], row[1])


def close_not_charged(conn: sqlite3.Connection, reference: str, at: str) -> None:
    """An attempt that never charged anyone: declined, resolved as ``not_charged``."""
    conn.execute("UPDATE payment_journal SET status = 'declined', resolution = "
                 "'not_charged', resolved_at = ?, updated_at = ? WHERE reference = ?",
                 (at, at, reference))


def claim_found(conn: sqlite3.Connection, reference: str, *, event_id: str, auth_code: str,
                detail: str, at: str) -> bool:
    """Mark the orphan reported to the central by ``event_id`` (approved; the terminal's auth
    code and detail fill empty ones). False: another process reported or resolved it first."""
    claimed = conn.execute(
        "UPDATE payment_journal SET status = 'approved', found_event = ?, "
        "auth_code = coalesce(nullif(auth_code, ''), ?), "
        "detail = CASE WHEN detail = '' THEN ? ELSE detail END, updated_at = ? "
        "WHERE reference = ? AND found_event IS NULL AND resolution IS NULL",
        (event_id, auth_code, detail, at, reference))
    return claimed.rowcount == 1


def refund_under_way(conn: sqlite3.Connection, detail: str) -> bool:
    """A refund journalled with ``detail`` that is pending or went through."""
    return conn.execute("SELECT 1 FROM payment_journal WHERE detail = ? AND amount < 0 "
                        "AND status IN ('pending', 'approved', 'captured')",
                        (detail,)).fetchone() is not None


def refund_attempt(conn: sqlite3.Connection, *, reference: str, amount: int, currency: str,
                   at: str, detail: str, holder: str | None) -> None:
    """A refund about to be sent to the terminal: ``pending``, ``amount`` negative."""
    conn.execute(
        "INSERT INTO payment_journal (reference, amount, currency, status, created_at, "
        "updated_at, detail, holder) VALUES (?, ?, ?, 'pending', ?, ?, ?, ?)",
        (reference, amount, currency, at, at, detail, holder))


def refund_answered(conn: sqlite3.Connection, reference: str, *, status: str,
                    auth_code: str | None, at: str) -> None:
    """What the terminal answered to a refund."""
    conn.execute("UPDATE payment_journal SET status = ?, auth_code = ?, updated_at = ? "
                 "WHERE reference = ?", (status, auth_code, at, reference))


def mark(conn: sqlite3.Connection, reference: str, status: str) -> None:
    """A new status (``captured``, ``reversed``) for a resolution; ``updated_at`` is the
    resolution's own."""
    conn.execute("UPDATE payment_journal SET status = ? WHERE reference = ?",
                 (status, reference))


def found_event(conn: sqlite3.Connection, reference: str) -> str | None:
    """The card_orphan_found event that told the central of it, if any."""
    row = conn.execute("SELECT found_event FROM payment_journal WHERE reference = ?",
                       (reference,)).fetchone()
    return None if row[0] is None else str(row[0])


def claim_resolution(conn: sqlite3.Connection, reference: str, *, outcome: str, event_id: str,
                     at: str, resolved_by: int | None) -> bool:
    """Record the resolution ``event_id``. False (nothing written): already resolved."""
    claimed = conn.execute(
        "UPDATE payment_journal SET resolution = ?, resolution_event = ?, resolved_at = ?, "
        "resolved_by = ?, updated_at = ? WHERE reference = ? AND resolution IS NULL",
        (outcome, event_id, at, resolved_by, at, reference))
    return claimed.rowcount == 1


def resolution_event(conn: sqlite3.Connection, reference: str) -> str:
    """The event that resolved ``reference`` ('' when none)."""
    row = conn.execute("SELECT resolution_event FROM payment_journal WHERE reference = ?",
                       (reference,)).fetchone()
    return str(row[0] or "") if row else ""
