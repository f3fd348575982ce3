"""Returns at the central: what came back of each purchase, anywhere, and never refunded twice.

A purchase is a store receipt (any store's: the ``sale`` or ``pickup`` event the central holds)
or a web order. ``return_lines`` holds, per purchase line, what was returned (``returned``, by a
``return`` event) and what returns in progress hold (``reserved``, with an expiry):

- A till online asks ``POST /v1/returns/reserve`` before it refunds. The purchase is locked
  (PostgreSQL: its row ``FOR UPDATE``; SQLite: the write lock), returnable = received -
  returned - other tills' live reservations, and the reservation is written, or the whole
  request is refused (``409 return_beyond_returnable``) and nothing is held. Two stores asking
  for the last unit: one gets it.
- The ``return`` event then turns its reservation into returned rows. An event without a
  reservation (refunded offline) is accepted all the same: it happened, the money is gone.
  Beyond what was received, or money beyond what a card or web payment paid, it is filed as
  ONE exception for a manager (the incident: this purchase refunded twice), ``double_refund``
  (a line returned beyond what was bought; the detail lists the lines and the over-payments)
  or else ``refund_over_payment``. Two offline tills refunding the same last unit: the second
  event files it; a third adds itself to it while it is open (sync/central/incidents.py).
- A web payment refunded becomes a refund request (``refund_requests``) the web shop carries
  out (``GET /v1/admin/refund-requests``, then ``POST .../{id}/done``). The refund request of
  an event that files such an exception is ``held``: not payable until a manager resolves the
  exception with a decision (approve: ``requested``; refuse: ``refused``).
- Goods back: ledger reason ``return`` (+qty); written off as damaged: ``return`` then
  ``damaged`` (-qty), so the trail shows both.

Any store's till reads any purchase to return it (issue 17: that is how another store's web
order, or a delivery, comes back), but a web order only while something of it can come back
(:func:`check_returnable`): nothing collected or delivered yet, a cancellation before any
hand-over, or everything received returned already is ``409 order_not_returnable``, and the
order's customer is masked (``sync.protocol.order_purchase``).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import Engine, and_, delete, insert, select, update

from sync.central import ledger
from sync.central.db import is_postgres, reader
from sync.central.errors import Conflict, InvalidRequest, NotFound
from sync.central.feed import Tx
from sync.central.identity import TerminalIdentity
from sync.central.incidents import shown
from sync.central.schema import (
    events,
    refund_requests,
    refund_tenders,
    return_lines,
    sales,
)
from sync.protocol import (
    PurchaseData,
    PurchaseLineData,
    PurchaseTenderData,
    RefundRequestData,
    ReserveRequest,
    ReserveResponse,
    ReturnPayload,
    SalePayload,
    order_purchase,
)

HOLD = timedelta(minutes=15)  # a reservation not confirmed by its return event expires

Problem = tuple[str, str, str, dict[str, Any]]  # kind, subject, message, detail


# -- purchases ----------------------------------------------------------------------------------

def get_purchase(engine: Engine, kind: str, ref: str, now: datetime) -> PurchaseData:
    """``GET /v1/returns/purchase``: a receipt or an order as it stands for a return (an order
    with nothing to return is refused: :func:`check_returnable`)."""
    with reader(engine) as conn:
        return check_returnable(_purchase(conn, kind, ref, now, lock=False))


def check_returnable(purchase: PurchaseData) -> PurchaseData:
    """``purchase``, or ``409 order_not_returnable`` for a web order nothing of which can come
    back: none of its units reached the customer (nothing collected, a delivery not delivered,
    a cancellation), or all that did came back already. Units held by returns in progress do
    not count: they may still be released."""
    if purchase.kind != "order" or any(ln.received > ln.returned for ln in purchase.lines):
        return purchase
    if any(ln.received for ln in purchase.lines):
        why = "everything the customer received has been returned already"
    elif purchase.status == "cancelled":
        why = "it was cancelled before anything was handed over"
    elif purchase.store_id is None:  # a delivery
        why = f"it has not been delivered yet (status {purchase.status})"
    else:
        why = "nothing of it has been collected yet"
    raise Conflict(f"Order {purchase.ref} cannot be returned: {why}.",
                   code="order_not_returnable")


def _purchase(conn: Any, kind: str, ref: str, now: datetime, *, lock: bool,
              exclude: UUID | None = None) -> PurchaseData:
    """The purchase with its returned/reserved counts (``exclude``: a reservation not to count).
    A pick-up slip's receipt is the web order it handed over."""
    if kind == "receipt":
        row = conn.execute(_locked(conn, select(sales.c.event_id, sales.c.store_id, events.c.type,
                                                 events.c.payload)
                                   .join(events, events.c.event_id == sales.c.event_id)
                                   .where(sales.c.receipt_no == ref), lock)).first()
        if row is None:
            raise NotFound(f"No receipt {ref} has reached the central.", code="purchase_unknown")
        payload = json.loads(row.payload)
        if row.type == "pickup":
            return _purchase(conn, "order", payload["order_no"], now, lock=lock, exclude=exclude)
        base = _from_sale(ref, row.store_id, SalePayload.model_validate(payload))
    elif kind == "order":
        from sync.central import orders

        order = orders.read(conn, ref, lock=lock)
        if order is None:
            raise NotFound(f"No order {ref!r}.", code="purchase_unknown")
        base = order_purchase(order)
    else:
        raise InvalidRequest(f"Unknown purchase kind {kind!r}.", code="invalid_request")
    return _with_returns(conn, base, now, exclude)


def _locked(conn: Any, q: Any, lock: bool) -> Any:
    return q.with_for_update(of=sales) if lock and is_postgres(conn) else q


def _from_sale(ref: str, store_id: str, sale: SalePayload) -> PurchaseData:
    return PurchaseData(
        kind="receipt", ref=ref, store_id=store_id, channel="store", currency=sale.currency,
        purchased_at=sale.completed_at, member_id=sale.member_id,
        lines=[PurchaseLineData(
            line_id=ln.line_no, product_id=ln.product_id, sku=ln.sku, measure=ln.measure,
            qty=ln.qty, total=ln.total, received=ln.qty, tax_code=ln.tax_code,
            tax_rate_ppm=ln.tax_rate_ppm) for ln in sale.lines],
        tenders=[PurchaseTenderData(kind=str(t.get("kind", "cash")), amount=int(t["amount"]),
                                    reference=str(t.get("reference", "")))
                 for t in sale.tenders if int(t.get("amount", 0)) > 0])


def _with_returns(conn: Any, base: PurchaseData, now: datetime,
                  exclude: UUID | None) -> PurchaseData:
    r = return_lines
    src = and_(r.c.source_kind == base.kind, r.c.source_ref == base.ref)
    returned: dict[int, int] = {}
    reserved: dict[int, int] = {}
    applied: set[UUID] = set()
    for line_id, qty, state, event_id, reservation, expires in conn.execute(
            select(r.c.line_id, r.c.qty, r.c.state, r.c.event_id, r.c.reservation_id,
                   r.c.expires_at).where(src)):
        if state == "returned":
            returned[line_id] = returned.get(line_id, 0) + qty
            applied.add(event_id)
        elif expires is not None and expires > now and reservation != exclude:
            reserved[line_id] = reserved.get(line_id, 0) + qty
    t = refund_tenders
    refunded: dict[tuple[str, str], int] = {}
    for kind, reference, amount, event_id in conn.execute(
            select(t.c.kind, t.c.reference, t.c.amount, t.c.event_id).where(
                t.c.source_kind == base.kind, t.c.source_ref == base.ref)):
        refunded[(kind, reference)] = refunded.get((kind, reference), 0) + amount
        applied.add(event_id)
    tenders = []
    for tender in base.tenders:  # refunds are counted against the first matching tender
        key = (tender.kind, tender.reference)
        take = min(tender.amount, refunded.get(key, 0))
        refunded[key] = refunded.get(key, 0) - take
        tenders.append(tender.model_copy(update={"refunded": take}))
    return base.model_copy(update={
        "lines": [ln.model_copy(update={"returned": returned.get(ln.line_id, 0),
                                        "reserved": reserved.get(ln.line_id, 0)})
                  for ln in base.lines],
        "tenders": tenders, "applied_returns": sorted(applied, key=str)})


# -- reservations -------------------------------------------------------------------------------

def reserve(tx: Tx, who: TerminalIdentity, req: ReserveRequest) -> ReserveResponse:
    """Hold the quantities for ``req.reservation_id`` (replacing its earlier hold), or refuse
    the whole request when a line has less returnable than asked (``409``)."""
    try:
        kind, ref = req.source
    except ValueError as exc:
        raise InvalidRequest(str(exc), code="invalid_request") from None
    conn, now = tx.conn, tx.now
    purchase = check_returnable(_purchase(conn, kind, ref, now, lock=True,
                                          exclude=req.reservation_id))
    lines = {ln.line_id: ln for ln in purchase.lines}
    asked: dict[int, int] = {}
    for ask in req.lines:
        asked[ask.line_id] = asked.get(ask.line_id, 0) + ask.qty
    for line_id, qty in sorted(asked.items()):
        line = lines.get(line_id)
        if line is None:
            raise NotFound(f"{purchase.ref} has no line {line_id}.", code="purchase_line_unknown")
        if qty > line.returnable:
            held = f", {line.reserved} held by a return in progress" if line.reserved else ""
            raise Conflict(
                f"Line {line_id} of {purchase.ref} ({line.sku}): {line.returnable} can still be "
                f"returned, not {qty} ({line.received} received, {line.returned} returned"
                f"{held}).", code="return_beyond_returnable")
        if line.measure == "g" and qty != line.returnable:
            raise Conflict(f"Line {line_id} of {purchase.ref} is weighed: it comes back whole.",
                           code="return_weighed_part")
    r = return_lines
    conn.execute(delete(r).where(r.c.reservation_id == req.reservation_id,
                                 r.c.state == "reserved"))
    conn.execute(delete(r).where(r.c.state == "reserved", r.c.expires_at <= now))  # tidy
    expires = now + HOLD
    conn.execute(insert(r), [
        {"source_kind": purchase.kind, "source_ref": purchase.ref, "line_id": line_id,
         "qty": qty, "amount": 0, "state": "reserved", "store_id": who.store_id,
         "terminal_id": who.terminal_id, "reservation_id": req.reservation_id,
         "event_id": None, "created_at": now, "expires_at": expires}
        for line_id, qty in sorted(asked.items())])
    return ReserveResponse(reservation_id=req.reservation_id, expires_at=expires,
                           purchase=purchase)


def release(tx: Tx, who: TerminalIdentity, reservation_id: UUID) -> int:
    """The cashier gave up: the hold goes at once (else it would expire)."""
    r = return_lines
    return int(tx.conn.execute(delete(r).where(
        r.c.reservation_id == reservation_id, r.c.state == "reserved",
        r.c.store_id == who.store_id, r.c.terminal_id == who.terminal_id)).rowcount or 0)


# -- the return event ---------------------------------------------------------------------------

def record_return(tx: Tx, who: TerminalIdentity, event_id: UUID,
                  ret: ReturnPayload) -> list[Problem]:
    """Apply a ``return`` event: the purchase's returned counts, the refunds (web ones become
    refund requests), the stock. Never refuses: what the central cannot square is a problem
    for a manager."""
    if ret.cancels_order:  # an order placed at a till, cancelled: its money back
        from sync.central import order_cancel

        return order_cancel.record_cancel_refund(tx, who, event_id, ret)
    conn = tx.conn
    if ret.reservation_id is not None:
        r = return_lines
        conn.execute(delete(r).where(r.c.reservation_id == ret.reservation_id,
                                     r.c.state == "reserved"))
    restock = [(ln.product_id, ln.qty) for ln in ret.lines]
    ledger.move(tx, who.store_id, restock, reason="return", event_id=event_id)
    damaged = [(ln.product_id, -ln.qty) for ln in ret.lines if ln.condition == "damaged"]
    if damaged:
        ledger.move(tx, who.store_id, damaged, reason="damaged", event_id=event_id)
    if ret.source_kind == "none" or not ret.source_ref:
        return []
    try:
        purchase = _purchase(conn, ret.source_kind, ret.source_ref, tx.now, lock=True)
    except NotFound:
        return [("return_source_unknown", ret.source_ref,
                 f"return {ret.return_no} names {ret.source_kind} {ret.source_ref}, which the "
                 "central does not know", {"return_no": ret.return_no})]
    back = _ReturnedLines(tx, who, event_id, ret, purchase)
    problems = list(back.problems)
    web = [t for t in ret.tenders if t.kind == "web"]
    incident = _refunded_twice(ret, purchase, back.beyond, _over_paid(ret, purchase),
                               held=sum(t.amount for t in web) if purchase.kind == "order"
                               else 0)
    if incident is not None:
        problems.append(incident)
    problems += _record_refunds(tx, who, event_id, ret, purchase, held=incident is not None)
    if purchase.kind == "order":
        from sync.central import orders

        orders.record_return(tx, purchase.ref, event_id,
                             {ln.line_id: ln.returned for ln in back.lines.values()})
    return problems


class _ReturnedLines:
    """A return event's lines counted against its purchase and written as ``returned``
    rows: ``lines`` the purchase's lines after it, ``beyond`` those returned beyond what was
    received, ``problems`` the lines the purchase does not have."""

    def __init__(self, tx: Tx, who: TerminalIdentity, event_id: UUID, ret: ReturnPayload,
                 purchase: PurchaseData) -> None:
        self.lines = {ln.line_id: ln for ln in purchase.lines}
        self.beyond: list[dict[str, Any]] = []
        self.problems: list[Problem] = []
        rows = []
        for ln in ret.lines:
            line = self.lines.get(ln.source_line or 0)
            if line is None:
                self.problems.append((
                    "return_line_unknown", ret.source_ref or "",
                    f"return {ret.return_no}: {ret.source_ref} has no line {ln.source_line}",
                    {"return_no": ret.return_no}))
                continue
            if line.returned + ln.qty > line.received:
                self.beyond.append({"line_id": line.line_id, "sku": line.sku, "qty": ln.qty,
                                    "returned_before": line.returned,
                                    "received": line.received, "amount": ln.amount})
            self.lines[line.line_id] = line.model_copy(
                update={"returned": line.returned + ln.qty})
            rows.append({"source_kind": purchase.kind, "source_ref": purchase.ref,
                         "line_id": line.line_id, "qty": ln.qty, "amount": ln.amount,
                         "state": "returned", "store_id": who.store_id,
                         "terminal_id": who.terminal_id, "reservation_id": ret.reservation_id,
                         "event_id": event_id, "created_at": tx.now, "expires_at": None})
        if rows:
            tx.conn.execute(insert(return_lines), rows)


def _record_refunds(tx: Tx, who: TerminalIdentity, event_id: UUID, ret: ReturnPayload,
                    purchase: PurchaseData, *, held: bool) -> list[Problem]:
    """The return's refund tenders; its web ones as refund requests (``held``: until a
    manager decides), or a problem when the purchase is not a web order."""
    if ret.tenders:
        tx.conn.execute(insert(refund_tenders), [
            {"event_id": event_id, "source_kind": purchase.kind, "source_ref": purchase.ref,
             "kind": t.kind, "reference": t.reference, "amount": t.amount}
            for t in ret.tenders])
    web = [t for t in ret.tenders if t.kind == "web"]
    if not web:
        return []
    if purchase.kind != "order":
        return [("refund_web_without_order", ret.source_ref or "",
                 f"return {ret.return_no} refunds to a web payment but {ret.source_ref} is not "
                 "a web order", {"return_no": ret.return_no})]
    tx.conn.execute(insert(refund_requests), [
        {"event_id": event_id, "order_no": purchase.ref, "store_id": who.store_id,
         "currency": ret.currency, "amount": t.amount, "payment_reference": t.reference,
         "status": "held" if held else "requested", "created_at": tx.now,
         "done_at": None} for t in web])
    return []


def _refunded_twice(ret: ReturnPayload, purchase: PurchaseData, beyond: list[dict[str, Any]],
                    over: list[dict[str, Any]], held: int) -> Problem | None:
    """The one exception of a return that refunds beyond what was bought or paid (None when
    it does not): ``double_refund`` if a line goes beyond, else ``refund_over_payment``. The
    first line's and over-payment's fields stay at the top of the detail, as before."""
    if not beyond and not over:
        return None
    offline = "" if ret.reservation_id else " (refunded offline)"
    said = [f"{b['qty']} of line {b['line_id']} ({b['sku']}): {b['returned_before']} were "
            f"already returned of {b['received']} received" for b in beyond]
    said += [f"{shown(o['over'], ret.currency)} more than the {o['kind']} payment "
             f"{o['reference'] or '(no reference)'} paid" for o in over]
    message = f"return {ret.return_no} refunds {purchase.ref} twice{offline}: " + "; ".join(said)
    if held:
        message += (f"; its web refund of {shown(held, ret.currency)} is held until a manager "
                    "decides")
    detail: dict[str, Any] = {
        **(over[0] if over else {}), **({k: v for k, v in beyond[0].items() if k != "sku"}
                                       if beyond else {}),
        "return_no": ret.return_no, "source_kind": purchase.kind,
        "offline": ret.reservation_id is None, "lines": beyond, "over_payment": over,
        "held_refund": held}
    return ("double_refund" if beyond else "refund_over_payment", purchase.ref, message, detail)


def _over_paid(ret: ReturnPayload, purchase: PurchaseData) -> list[dict[str, Any]]:
    """Money given back to a card or a web payment beyond what it paid (refunds of the same
    payment from two offline tills, say): the refund happened; a manager looks at it."""
    left: dict[tuple[str, str], int] = {}
    for paid in purchase.tenders:
        key = (paid.kind, paid.reference)
        left[key] = left.get(key, 0) + paid.amount - paid.refunded
    out: list[dict[str, Any]] = []
    for t in ret.tenders:
        key = (t.kind, t.reference)
        if t.kind not in ("card", "web") or key not in left:
            continue
        left[key] -= t.amount
        if left[key] < 0:
            out.append({"kind": t.kind, "reference": t.reference, "over": -left[key],
                        "amount": t.amount})
    return out


# -- refund requests (the web shop's side) ------------------------------------------------------

def refund_request_list(engine: Engine, status: str | None) -> list[RefundRequestData]:
    q = select(refund_requests).order_by(refund_requests.c.id)
    if status:
        q = q.where(refund_requests.c.status == status)
    with engine.connect() as conn:
        return [RefundRequestData(
            id=row.id, order_no=row.order_no, store_id=row.store_id, event_id=row.event_id,
            currency=row.currency, amount=row.amount, payment_reference=row.payment_reference,
            status=row.status, created_at=row.created_at, done_at=row.done_at,
            decided_at=row.decided_at)
            for row in conn.execute(q)]


def refund_request_done(tx: Tx, request_id: int) -> None:
    """The web shop gave the money back: the request is done (doing it twice changes nothing).
    A held or refused one is not to be paid: ``409 refund_request_not_payable``."""
    rr = refund_requests
    status = tx.conn.scalar(select(rr.c.status).where(rr.c.id == request_id))
    if status is None:
        raise NotFound(f"No refund request {request_id}.", code="refund_request_unknown")
    if status in ("held", "refused"):
        raise Conflict(f"Refund request {request_id} is {status}: "
                       + ("a manager decides it first (its store's exception)."
                          if status == "held" else "a manager refused it."),
                       code="refund_request_not_payable")
    tx.conn.execute(update(rr).where(rr.c.id == request_id, rr.c.status == "requested")
                    .values(status="done", done_at=tx.now))
