"""Card approvals without a sale, as the central hears of them (``card_orphan_found``,
``card_orphan_resolved``: sync/protocol/events.py, posclient/app/card_recovery.py).

A till that finds a customer charged by card for a sale it never committed, and cannot reverse
the charge at once, says so: the central files a ``card_charged_without_sale`` exception for the
store's manager (the subject is the card reference). When the till resolves it (reversed on the
terminal, refunded to the card, or completed as a sale: that sale arrives as its own ``sale``
event), the resolution closes the exception with what happened, in the same transaction as the
event. Both events also show in the store's reconciliation (:func:`orphan_lines`).
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, select, update

from posclient.domain.money import Money
from sync.central.feed import Tx
from sync.central.identity import TerminalIdentity
from sync.central.schema import exceptions
from sync.protocol import CardOrphanFoundPayload, CardOrphanLine, CardOrphanResolvedPayload

KIND = "card_charged_without_sale"
TYPES = ("card_orphan_found", "card_orphan_resolved")

# (kind, subject, message, data): a business exception for ingest to file (its ``Problem``)
Filed = tuple[str, str, str, dict[str, Any]]


def record_found(found: CardOrphanFoundPayload) -> list[Filed]:
    """The exception a ``card_orphan_found`` files: open until resolved."""
    amount = f"{Money(found.amount, found.currency).to_decimal_str()} {found.currency}"
    when = found.approved_at.strftime("%Y-%m-%d %H:%M")
    return [(KIND, found.reference,
             f"till {found.terminal_id} charged a card {amount} at {when} without a sale; a "
             "manager reverses it or completes the sale",
             {"reference": found.reference, "amount": found.amount,
              "currency": found.currency, "approved_at": found.approved_at.isoformat(),
              "terminal_state": found.terminal_state, "basket_total": found.basket_total,
              "lines": [ln.model_dump() for ln in found.lines]})]


def record_resolved(tx: Tx, who: TerminalIdentity,
                    resolved: CardOrphanResolvedPayload) -> list[Filed]:
    """Close the reference's open exception with the outcome (none was filed when the till
    reversed it at start)."""
    comment = {"reversed": "reversed on the card terminal",
               "refunded": f"refunded to the card ({resolved.refund_reference or ''})",
               "completed": f"completed as sale {resolved.receipt_no or resolved.sale_event_id}"
               }[resolved.outcome]
    who_did = (f"{resolved.approved_by or resolved.staff_id or ''}@{who.terminal_id}"
               if resolved.by == "manager" else f"terminal@{who.terminal_id}")
    for row in _open_exceptions(tx.conn, who, resolved.reference, resolved.found_event_id):
        tx.conn.execute(update(exceptions).where(exceptions.c.id == row)
                        .values(status="resolved", comment=comment, resolved_at=tx.now,
                                resolved_by=who_did[:64]))
    return []


def _open_exceptions(conn: Connection, who: TerminalIdentity, reference: str,
                     found_event: UUID | None) -> list[int]:
    t = exceptions
    q = select(t.c.id, t.c.detail, t.c.event_id).where(
        t.c.kind == KIND, t.c.status == "open", t.c.store_id == who.store_id,
        t.c.terminal_id == who.terminal_id)
    return [r.id for r in conn.execute(q)
            if (found_event is not None and r.event_id == found_event)
            or json.loads(r.detail).get("reference") == reference]


def orphan_lines(rows: list[tuple[str, str, Any, dict[str, Any]]]) -> list[CardOrphanLine]:
    """The day's card orphans from its ``card_orphan_*`` events (terminal, type, occurred_at,
    payload), one line per reference: its last state."""
    out: dict[tuple[str, str], CardOrphanLine] = {}
    for terminal_id, typ, at, p in rows:
        key = (terminal_id, str(p.get("reference")))
        status = "open" if typ == "card_orphan_found" else str(p.get("outcome"))
        out[key] = CardOrphanLine(
            terminal_id=terminal_id, reference=key[1], amount=int(p.get("amount", 0)),
            approved_at=p.get("approved_at") or at, status=status,  # type: ignore[arg-type]
            by=p.get("by"), receipt_no=p.get("receipt_no"), at=at)
    return list(out.values())
