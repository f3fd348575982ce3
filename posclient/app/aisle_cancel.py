"""Cancelling an order placed at a till and giving its money back (issue 18).

A customer paid a deposit (or the full price) at a till for an order another store hands over,
and changed their mind before collecting anything. A supervisor or manager at any till of the
chain (:meth:`AisleCancel.cancel`; the role is checked here, a cashier needs their PIN):

1. Online only: the central cancels the order first (``POST /v1/orders/{no}/cancel``,
   sync/central/order_cancel.py). It refuses an order handed over (partly), cancelled or
   refunded already, or not placed at a till; the till says why. Offline the till refuses:
   it cannot know whether the order was collected.
2. The money the tills took for it (its ``store`` payments) goes back in cash: a store
   order's money is ``till`` tenders, which returns give back in cash too
   (posclient/app/returns_refund.py ``refund_plan``).
3. One local transaction writes it as a return of the order with no lines (the returns'
   tables, posclient/app/returns_record.py) and its outbox ``return`` event with
   ``cancels_order``; the Z counts it with the returns, the slip says "Order cancelled".
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol

from posclient.domain.clock import Clock
from posclient.domain.errors import InvalidInput, NotFound, Unavailable
from posclient.domain.money import Money
from posclient.domain.names import local_name
from posclient.domain.policy import Action
from posclient.domain.settings import StoreSettings
from posclient.store import aisle as aisle_rows
from posclient.store.db import Store
from posclient.store.settings import load_settings
from sync.protocol import OrderData, order_purchase

from .orders import OrderBook
from .returns_draft import ReturnDraft
from .returns_purchase import Purchase
from .returns_record import CompletedReturn, record_return
from .returns_refund import RefundTender
from .staff import Approval, StaffService, StaffSession

MAX_REASON = 200


class OrderCancelPort(Protocol):
    """The central's side (sync/chain_calls.py ``ChainCalls.cancel_placed_order``)."""

    def cancel_placed_order(self, order_no: str) -> OrderData:
        """The order, cancelled at the central now (raises a PosError a manager can read)."""
        ...


class AisleCancel:
    """Cancelling orders placed at a till, for one logged-in staff member."""

    def __init__(self, store: Store, staff: StaffService, session: StaffSession, *,
                 clock: Clock, port: OrderCancelPort | None,
                 settings: StoreSettings | None = None) -> None:
        self.store, self.staff, self.session = store, staff, session
        self.clock, self.port = clock, port
        self.settings = settings or load_settings(store.conn)

    def cancel(self, order_no: str, *, reason: str,
               approval: Approval | None = None) -> CompletedReturn:
        """Cancel the order at the central and give its money back in cash, recorded in one
        transaction (module docstring). Refuses, changing nothing: no reason, a cashier
        without a supervisor's approval, offline, the central's refusals."""
        checked = self.check(order_no, reason=reason, approval=approval)
        return self.record(checked, self.ask_central(checked))

    # The three steps of :meth:`cancel`, for a screen that asks the central off its GUI thread
    # (posclient/ui/order_cancel.py): check and record on the thread that owns the store.
    def check(self, order_no: str, *, reason: str,
              approval: Approval | None = None) -> CancelChecked:
        """Step 0, local: the staff member, the reason, the role (raises
        :class:`ApprovalRequired` for a cashier without a supervisor's approval), online."""
        self.staff.ensure_active(self.session)
        reason = reason.strip()[:MAX_REASON]
        if not reason:
            raise InvalidInput.of("order_cancel_no_reason")
        no = order_no.strip()[:64]
        approved_by = self.staff.authorize(self.session, Action.CANCEL_PLACED_ORDER, approval)
        if self.port is None:
            raise Unavailable.of("order_cancel_offline")
        return CancelChecked(no, reason, approved_by)

    def ask_central(self, checked: CancelChecked) -> OrderData:
        """Step 1, online (any thread: no database): the central cancels the order. The
        central not answering is the offline refusal: the till cannot know more."""
        if self.port is None:
            raise Unavailable.of("order_cancel_offline")
        try:
            return self.port.cancel_placed_order(checked.order_no)
        except Unavailable as exc:
            if exc.code == "central_unreachable":
                raise Unavailable.of("order_cancel_offline") from exc
            raise

    def record(self, checked: CancelChecked, order: OrderData) -> CompletedReturn:
        """Steps 2 and 3: the money back in cash, one local transaction."""
        no, s = checked.order_no, self.settings
        paid = sum(p.amount for p in order.payments if p.kind == "store")
        if paid <= 0:
            raise InvalidInput.of("order_cancel_nothing_paid", order_no=no)
        if order.currency != s.currency:
            raise InvalidInput.of("currency_mismatch.refund", ref=no, currency=order.currency,
                                  till_currency=s.currency)
        purchase = Purchase(data=order_purchase(order), returned={}, refunded={}, online=True)
        draft = ReturnDraft(purchase, (), checked.reason, Money(paid, s.currency), (),
                            reservation_id=str(uuid.uuid4()))
        tenders = [RefundTender("cash", Money(paid, s.currency))]
        with self.store.write() as conn:
            return record_return(conn, s, self.clock, self.session.staff.id, draft, tenders,
                                 checked.approved_by, cancels_order=True)


@dataclass(frozen=True, slots=True)
class CancelChecked:
    """A cancellation checked on the till (:meth:`AisleCancel.check`), not yet asked."""

    order_no: str
    reason: str
    approved_by: int | None


@dataclass(frozen=True, slots=True)
class PlacedOrder:
    """What this till knows of an order placed at a till, before the central is asked: the
    order it placed itself (``aisle_orders``), or one its store hands over (``web_orders``)."""

    order_no: str
    name_zh: str
    name_en: str
    qty: int
    store_id: str  # the store that hands it over
    paid_now: int  # minor units: what a till took for it
    currency: str
    store_name_zh: str = ""
    store_name_en: str = ""

    def item_name(self, lang: str) -> str:
        return local_name(self.name_zh, self.name_en, lang) or self.order_no

    def store_name(self, lang: str) -> str:
        return local_name(self.store_name_zh, self.store_name_en, lang) or self.store_id


def placed_order(store: Store, clock: Clock, order_no: str,
                 settings: StoreSettings | None = None) -> PlacedOrder | None:
    """The order as this till knows it (:class:`PlacedOrder`), or None: another till of the
    chain placed it for another store (the central still decides)."""
    no = order_no.strip()[:64]
    currency = (settings or load_settings(store.conn)).currency
    row = aisle_rows.by_order_no(store.conn, no)
    if row is not None:
        return PlacedOrder(no, row.name_zh, row.name_en, row.qty, row.store_id, row.paid_now,
                           currency, row.store_name_zh, row.store_name_en)
    try:
        order = OrderBook(store.conn, clock).view(no).order
    except NotFound:
        return None
    paid = sum(p.amount for p in order.payments if p.kind == "store")
    if order.channel != "store" or paid <= 0:
        return None
    first = order.lines[0]
    return PlacedOrder(no, first.name_zh, first.name_en, sum(ln.qty for ln in order.lines),
                       order.store_id or "", paid, order.currency)
