"""The card payment journal: every card attempt is written before the terminal is asked, so an
approval is never lost even if the till dies before its sale commits (posclient/app/
card_recovery.py finds such orphans). Each writer is its own short write transaction: the
journal must outlive a sale that is rolled back.
"""

from __future__ import annotations

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
