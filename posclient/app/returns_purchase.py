"""Finding the purchase a return takes back, and what of it is still returnable
(posclient/app/returns.py has the rules).

Online the purchase is the central's copy; offline one of this till's own receipts or a web
order it holds. Either way this till's own returns the central has not counted yet are added
(their events are not in ``applied_returns``), so a second return here never takes back what
was already taken back.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from posclient.domain.clock import Clock
from posclient.domain.errors import NotFound
from posclient.domain.money import div_round
from posclient.store import returns as repo

from .orders import OrderBook

if TYPE_CHECKING:
    from sync.protocol import PurchaseData, PurchaseLineData


@dataclass(frozen=True, slots=True)
class Purchase:
    """A purchase as it stands for this till: the central's (or local) copy + this till's own
    returns the central has not counted yet."""

    data: PurchaseData
    returned: dict[int, int]  # line_id -> returned anywhere so far
    refunded: dict[tuple[str, str], int]  # (tender kind, reference) -> given back so far
    online: bool  # read from the central just now (a return then reserves first)

    @property
    def kind(self) -> str:
        return self.data.kind

    @property
    def ref(self) -> str:
        return self.data.ref

    def line(self, line_id: int) -> PurchaseLineData:
        for ln in self.data.lines:
            if ln.line_id == line_id:
                return ln
        raise NotFound.of("purchase_line_unknown", ref=self.ref, line_id=line_id)

    def returnable(self, line_id: int) -> int:
        ln = self.line(line_id)
        return max(0, ln.received - self.returned.get(line_id, 0) - ln.reserved)

    def value(self, line_id: int, units: int) -> int:
        """What the first ``units`` units of the line cost (cumulative, half up)."""
        ln = self.line(line_id)
        return div_round(ln.total * units, ln.qty)

    def refund_value(self, line_id: int, qty: int) -> int:
        done = self.returned.get(line_id, 0)
        return self.value(line_id, done + qty) - self.value(line_id, done)

    def tender_left(self, kind: str, reference: str) -> int:
        """What a tender of the purchase can still take back."""
        paid = sum(t.amount for t in self.data.tenders
                   if t.kind == kind and t.reference == reference)
        return max(0, paid - self.refunded.get((kind, reference), 0))


def find_local(conn: sqlite3.Connection, clock: Clock, text: str) -> Purchase:
    """A purchase from what this till holds (offline): one of its own receipts (a pick-up
    slip's receipt is its order), or a cached web order (its number or QR code)."""
    ref = text.strip()
    sale = repo.find_sale(conn, ref)
    if sale is not None and sale.kind == "pickup":
        ref = sale.order_no or ""
    elif sale is not None:
        return merge(conn, _local_receipt(conn, sale.sale_id, ref), online=False)
    try:  # the cached order with this till's own pick-ups the central has not counted
        view = OrderBook(conn, clock).view(ref)
    except NotFound:
        raise NotFound.of("purchase_unknown_offline", ref=text.strip()) from None
    order = view.order.model_copy(update={
        "paid_at_pickup": view.paid_at_pickup,
        "lines": [ln.model_copy(update={"collected": view.collected.get(ln.line_no, 0)})
                  for ln in view.order.lines]})
    from sync.protocol import order_purchase  # see _local_receipt

    return merge(conn, order_purchase(order), online=False)


def _local_receipt(conn: sqlite3.Connection, sale_id: int, receipt_no: str) -> PurchaseData:
    # The wire models (pydantic) load at first use, not at the till's start
    # (startup_rss_mb, docs/performance.md); import-linter checks this import too.
    from sync.protocol import PurchaseData, PurchaseLineData, PurchaseTenderData

    r = repo.read_receipt(conn, sale_id)
    return PurchaseData(
        kind="receipt", ref=receipt_no, store_id=r.store_id, channel="store",
        currency=r.currency, purchased_at=datetime.fromisoformat(r.completed_at),
        member_id=r.member_id,
        lines=[PurchaseLineData(**asdict(ln), received=ln.qty) for ln in r.lines],
        tenders=[PurchaseTenderData(**asdict(t)) for t in r.tenders])


def merge(conn: sqlite3.Connection, data: PurchaseData, *, online: bool) -> Purchase:
    """Add this till's returns of the purchase that ``data`` does not count yet."""
    applied = {str(e) for e in data.applied_returns}
    returned = {ln.line_id: ln.returned for ln in data.lines}
    refunded: dict[tuple[str, str], int] = {}
    for t in data.tenders:
        key = (t.kind, t.reference)
        refunded[key] = refunded.get(key, 0) + t.refunded
    for own in repo.till_returns(conn, data.kind, data.ref):
        if own.event_id in applied:
            continue
        for line, qty in own.lines:
            returned[line] = returned.get(line, 0) + qty
        for kind, reference, amount in own.tenders:
            refunded[(kind, reference)] = refunded.get((kind, reference), 0) + amount
    return Purchase(data, returned, refunded, online)
