"""Writing a return, in the caller's ONE write transaction: its lines, tenders, stock movements
(+qty ``return``, and -qty ``damaged`` for damaged goods), store credit, points, the outbox
``return`` event and the audit record (posclient/app/returns.py has the rules)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from posclient.domain.clock import Clock, iso
from posclient.domain.loyalty import points_for_value, points_taken_back
from posclient.domain.money import Money
from posclient.domain.settings import StoreSettings
from posclient.store import audit
from posclient.store import returns as repo
from sync.protocol.clock import new_event_id

from .returns_draft import ReturnDraft
from .returns_refund import RefundTender


@dataclass(frozen=True, slots=True)
class CompletedReturn:
    return_id: int
    return_no: str
    event_id: str
    terminal_seq: int
    total: Money
    tenders: tuple[RefundTender, ...]
    completed_at: datetime
    cancelled_order: str = ""  # the order cancelled, when this is its money back (aisle_cancel)

    @property
    def cash(self) -> Money:
        """Cash to hand back from the drawer."""
        return sum((t.amount for t in self.tenders if t.kind == "cash"),
                   Money.zero(self.total.currency))


def record_return(conn: sqlite3.Connection, settings: StoreSettings, clock: Clock,
                  staff_id: int, draft: ReturnDraft, tenders: list[RefundTender],
                  approved_by: int | None, *, cancels_order: bool = False) -> CompletedReturn:
    """Record the return (see the module); ``tenders`` as given (card refunds done).
    ``cancels_order``: the money back of an order placed at a till, cancelled (no lines;
    posclient/app/aisle_cancel.py)."""
    s, p = settings, draft.purchase
    now = clock.now()
    event_id = new_event_id(clock)
    no = repo.next_return_no(conn)
    row = repo.ReturnRow(
        event_id=event_id, return_no=f"{s.store_id}-{s.terminal_id}-R{no:06d}",
        store_id=s.store_id, terminal_id=s.terminal_id,
        source_kind=p.kind if p else "none", source_ref=p.ref if p else None,
        reservation_id=draft.reservation_id if draft.online else None, staff_id=staff_id,
        approved_by=approved_by, reason=draft.reason, reason_code=draft.reason_code,
        completed_at=iso(now), currency=s.currency, total=draft.total.minor)
    rid = repo.insert_return(conn, row, draft.lines, tenders)
    repo.apply_tenders(conn, tenders, row.completed_at)
    points_back = {i: points_for_value(s.loyalty_rules, t.amount.minor)
                   for i, t in enumerate(tenders) if t.kind == "points"}
    pending = [(event_id, tenders[i].reference, n) for i, n in points_back.items() if n]
    if row.source_kind == "receipt" and row.source_ref is not None:
        pending += _take_back(conn, event_id, row.source_ref, row.total)
    repo.add_points_pending(conn, pending)
    payload = _payload(row, draft, tenders, points_back)
    if cancels_order:
        payload["cancels_order"] = True
    seq = repo.queue_return_event(conn, event_id, row.completed_at, payload)
    # After the event: a movement names its terminal_seq (posclient/store/stock.py).
    moves = [(ln.product_id, ln.qty, "return") for ln in draft.lines]
    moves += [(ln.product_id, -ln.qty, "damaged") for ln in draft.lines
              if ln.condition == "damaged"]
    repo.add_stock_movements(conn, moves, event_id, row.completed_at, seq)
    audit.append(conn, at=row.completed_at, action="refund", staff_id=staff_id,
                 approved_by=approved_by,
                 detail={"return_no": row.return_no, "source": row.source_ref,
                         "total": row.total, "offline": row.reservation_id is None,
                         "needs": [a.value for a in draft.needs], "reason": draft.reason,
                         "reason_code": draft.reason_code,
                         **({"cancels_order": True} if cancels_order else {})})
    return CompletedReturn(rid, row.return_no, event_id, seq, draft.total, tuple(tenders), now,
                           p.ref if cancels_order and p is not None else "")


def _payload(row: repo.ReturnRow, draft: ReturnDraft, tenders: list[RefundTender],
             points_back: dict[int, int]) -> dict[str, Any]:
    """The ``return`` event (sync.protocol ``ReturnPayload``)."""
    return {
        "return_no": row.return_no, "store_id": row.store_id, "terminal_id": row.terminal_id,
        "staff_id": row.staff_id, "approved_by": row.approved_by,
        "source_kind": row.source_kind, "source_ref": row.source_ref,
        "reservation_id": row.reservation_id, "reason": row.reason,
        "reason_code": row.reason_code, "completed_at": row.completed_at,
        "currency": row.currency, "total": row.total,
        "lines": [{"line_no": i, "source_line": ln.source_line,
                   "product_id": ln.product_id, "sku": ln.sku, "measure": ln.measure,
                   "qty": ln.qty, "amount": ln.amount, "condition": ln.condition,
                   "tax_code": ln.tax_code, "tax_rate_ppm": ln.tax_rate_ppm}
                  for i, ln in enumerate(draft.lines, start=1)],
        "tenders": [{"kind": t.kind, "amount": t.amount.minor, "reference": t.reference,
                     **({"points": points_back[i]} if points_back.get(i) else {})}
                    for i, t in enumerate(tenders)],
    }


def _take_back(conn: sqlite3.Connection, event_id: str, receipt_no: str,
               amount: int) -> list[tuple[str, str, int]]:
    """The points a return of this till's own receipt takes back, as the till sees them (the
    central counts them again as the authority): ``floor(E * C / T)`` so far, less what earlier
    returns of the receipt took (posclient/domain/loyalty.py ``points_taken_back``)."""
    earned = repo.receipt_points(conn, receipt_no)
    if earned is None:
        return []
    member_no, points, total = earned
    before = repo.returned_before(conn, receipt_no, event_id)
    taken = (points_taken_back(points, total, before + amount)
             - points_taken_back(points, total, before))
    return [(event_id, member_no, -taken)] if taken else []
