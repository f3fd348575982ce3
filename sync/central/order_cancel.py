"""Cancelling an order placed at a till, and giving its money back at a till (issue 18).

A customer who paid a deposit (or the full price) at store A for an order collected at store B
changes their mind before anything is handed over. A supervisor or manager at any till:

1. online, asks ``POST /v1/orders/{order_no}/cancel`` with the till's token (:func:`claim`).
   In one transaction, the order's row locked: an order placed at a till (channel ``store``),
   nothing of it handed over or returned, not cancelled, its store payments not refunded.
   Then it is cancelled as the admin cancel does (sync/central/orders.py ``cancel``: its held
   units at B are free, B's tills get it cancelled, the points it earned go back). Two tills
   asking at once: the row lock lets one through; the other is ``409 order_cancelled``.
2. gives the money back with the till's tenders and records a ``return`` event naming the
   order (``source_kind`` ``order``), no lines, ``cancels_order`` true. Its refund is counted
   against the order's store payments (:func:`record_cancel_refund`): beyond what they paid
   (a refund of an order another till refunded already, offline, or refunded again) it is
   filed as ``double_refund`` for the store's manager, as a return refunded twice is. The
   till's Z and the store's reconciliation count it as a return (count, total, tenders).

The event is idempotent by its event id (the ingest). An event whose order is not cancelled
yet (a till that skipped the check) cancels it; one whose order was handed over files
``order_cancel_started``: the money is gone, a manager looks.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path
from sqlalchemy import func, select

from sync.central import feed, orders
from sync.central.api import CentralDep, OnceRoute, TerminalDep
from sync.central.errors import Conflict, NotFound
from sync.central.feed import Tx
from sync.central.identity import TerminalIdentity
from sync.central.incidents import shown
from sync.central.schema import refund_tenders
from sync.protocol import ErrorBody, OrderData, ReturnPayload

Problem = tuple[str, str, str, dict[str, Any]]  # as sync/central/returns.py

router = APIRouter(prefix="/v1", route_class=OnceRoute,
                   responses={401: {"model": ErrorBody}, 403: {"model": ErrorBody}})


@router.post("/orders/{order_no}/cancel", response_model=OrderData, tags=["terminal"],
             responses={404: {"model": ErrorBody, "description": "order_unknown"},
                        409: {"model": ErrorBody, "description":
                              "order_not_store, order_started, order_cancelled, "
                              "order_refunded"}})
def cancel_at_till(order_no: Annotated[str, Path(max_length=64)], who: TerminalDep,
                   c: CentralDep) -> OrderData:
    """A till cancels an order placed at a till, before its money is given back there
    (module docstring): the order, now cancelled, with its ``store`` payments (what the
    till gives back)."""
    with feed.transaction(c.engine, c.clock.now()) as tx:
        return claim(tx, who, order_no)


def claim(tx: Tx, who: TerminalIdentity, order_no: str) -> OrderData:
    """Step 1 of the module docstring, under the order's row lock."""
    order = orders.read(tx.conn, order_no, lock=True)
    if order is None:
        raise NotFound(f"No order {order_no!r}.", code="order_unknown")
    if order.channel != "store":
        raise Conflict(f"Order {order_no} was not placed at a till: the web shop cancels it "
                       "and refunds its payment.", code="order_not_store")
    if order.status == "cancelled":
        raise Conflict(f"Order {order_no} is cancelled already.", code="order_cancelled")
    if refunded(tx, order_no) > 0:
        raise Conflict(f"Order {order_no} has had money back already.", code="order_refunded")
    return orders.cancel(tx, order_no)  # 409 order_started if anything was handed over


def refunded(tx: Tx, order_no: str) -> int:
    """What the tills have given back of the order so far (its returns and cancellation)."""
    t = refund_tenders
    return int(tx.conn.scalar(select(func.coalesce(func.sum(t.c.amount), 0)).where(
        t.c.source_kind == "order", t.c.source_ref == order_no)) or 0)


def store_paid(order: OrderData) -> int:
    """What the tills took for the order when it was placed (its ``store`` payments)."""
    return sum(p.amount for p in order.payments if p.kind == "store")


def record_cancel_refund(tx: Tx, who: TerminalIdentity, event_id: UUID,
                         ret: ReturnPayload) -> list[Problem]:
    """Step 2 of the module docstring: the order cancelled (if it is not yet) and the refund
    counted against its store payments. Never refuses: the money is gone."""
    no = ret.source_ref or ""
    order = orders.read(tx.conn, no, lock=True)
    if order is None:
        return [("return_source_unknown", no, f"return {ret.return_no} cancels order {no}, "
                 "which the central does not know", {"return_no": ret.return_no})]
    problems: list[Problem] = []
    if order.status != "cancelled":
        try:
            orders.cancel(tx, no)
        except Conflict:
            problems.append(("order_cancel_started", no,
                             f"return {ret.return_no} cancelled order {no} and gave its money "
                             "back, but the order was handed over (partly) already",
                             {"return_no": ret.return_no}))
    before, paid = refunded(tx, no), store_paid(order)
    if ret.tenders:
        tx.conn.execute(refund_tenders.insert(), [
            {"event_id": event_id, "source_kind": "order", "source_ref": no, "kind": t.kind,
             "reference": t.reference, "amount": t.amount} for t in ret.tenders])
    if before + ret.total > paid:
        offline = "" if ret.reservation_id else " (refunded offline)"
        problems.append(("double_refund", no, (
            f"return {ret.return_no} refunds order {no} twice{offline}: "
            f"{shown(ret.total, ret.currency)} given back at its cancellation, "
            f"{shown(before, ret.currency)} given back before, of "
            f"{shown(paid, ret.currency)} paid at the till"),
            {"return_no": ret.return_no, "source_kind": "order", "cancels_order": True,
             "offline": ret.reservation_id is None, "paid": paid, "refunded_before": before,
             "amount": ret.total, "over": before + ret.total - paid, "lines": [],
             "over_payment": [], "held_refund": 0}))
    return problems
