"""Returns at the till: goods and money back, of a store receipt, a web order, or (a manager
only) without a receipt, and never refunded twice.

Finding the purchase: online, the central's copy (``SyncEngine.fetch_purchase``: any store's
receipt or any web order, with what was returned anywhere); offline, this till's own receipts
and its cached web orders only (:meth:`Returns.find_local`). Either way this till's own returns
that the central has not counted yet are added (their events are not in ``applied_returns``),
so a second return here never takes back what was already taken back.

Rules (explicit):
- Money: the first ``n`` units of a line are worth ``round(total * n / qty)`` half up
  (``total`` after the line's discounts), so the returns of a line add up to what it cost.
  A weighed line comes back whole.
- Online, the quantities are reserved at the central (``SyncEngine.reserve_return``) before
  the refund: :meth:`Returns.complete` refuses an online return without its reservation.
  Offline (no reservation): a manager approves, and the refund may not pass
  ``offline_return_limit`` per return nor ``offline_return_daily_limit`` per day at this till.
  If it proves a double refund, the central accepts the event and files the exception.
- A manager also approves: a refund above ``return_approval_above``, a purchase older than its
  category's window (``return_window_by_category``, else ``return_window_days``; a window of
  0 days: not returnable without a manager), a return without a receipt.
- The refund goes back the way the purchase was paid where possible (:meth:`refund_plan`):
  to the card (through the payment terminal), to the web payment (a refund request the central
  passes to the web shop), to the store-credit account; the rest in cash. The cashier may give
  cash instead (a card the terminal cannot refund); never more to a tender than it paid.
- Goods back on the shelf (``restock``) move stock +qty; ``damaged`` goods are written off in
  the same transaction (+qty ``return``, -qty ``damaged``).

Everything of one return (lines, tenders, stock movements, store credit, the outbox ``return``
event, the audit record) is written in ONE transaction; card refunds are journalled before the
terminal is asked, as card payments are.

This module is the use case; its parts: finding the purchase (returns_purchase.py), preparing
the return (returns_draft.py), preparing the refund (returns_refund.py), writing the return
(returns_record.py), all reading and writing SQLite through posclient/store/returns.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from posclient.domain.clock import Clock
from posclient.domain.errors import InvalidInput
from posclient.domain.money import Money
from posclient.domain.policy import Action
from posclient.domain.settings import StoreSettings
from posclient.store.catalog import Catalog
from posclient.store.db import Store
from posclient.store.settings import load_settings

from .lookup import Lookup
from .returns_draft import (
    ReturnDraft,
    check_currency,
    make_draft,
    needed_approvals,
    purchase_lines,
    unreceipted_lines,
)
from .returns_purchase import Purchase, find_local, merge
from .returns_record import CompletedReturn, record_return
from .returns_refund import (
    EXCHANGE,
    CardRefunds,
    RefundTender,
    check_offline_limits,
    check_tenders,
    refund_cards,
    refund_plan,
)
from .staff import Approval, StaffService, StaffSession

if TYPE_CHECKING:
    import sqlite3

    from sync.protocol import PurchaseData, ReserveResponse

# The use case and the values its callers hold (EXCHANGE: the checkout of an exchange); the
# parts (returns_purchase, returns_draft, returns_refund, returns_record) are its inside.
__all__ = ["EXCHANGE", "CardRefunds", "CompletedReturn", "Purchase", "RefundTender",
           "ReturnDraft", "Returns"]


class Returns:
    """The return use cases of one terminal for one logged-in staff member."""

    def __init__(self, store: Store, staff: StaffService, session: StaffSession, *,
                 clock: Clock, payments: CardRefunds,
                 settings: StoreSettings | None = None, catalog: Catalog | None = None) -> None:
        self.store, self.staff, self.session = store, staff, session
        self.clock, self.payments = clock, payments
        self.settings = settings or load_settings(store.conn)
        self.catalog = catalog or Catalog(store.conn)

    # -- finding the purchase --------------------------------------------------------------------
    def find_local(self, text: str) -> Purchase:
        """A purchase from what this till holds (offline): one of its own receipts (a pick-up
        slip's receipt is its order), or a cached web order (its number or QR code)."""
        return find_local(self.store.conn, self.clock, text)

    def from_central(self, data: PurchaseData) -> Purchase:
        """The central's copy, just fetched (``SyncEngine.fetch_purchase``)."""
        return merge(self.store.conn, data, online=True)

    # -- preparing -------------------------------------------------------------------------------
    def prepare(self, purchase: Purchase, quantities: dict[int, int], *, reason: str = "",
                conditions: dict[int, str] | None = None,
                reason_code: str | None = None) -> ReturnDraft:
        """The return of ``{line_id: qty}`` of the purchase. Refuses, changing nothing: more
        than is returnable, part of a weighed line, no reason, another currency."""
        self.staff.ensure_active(self.session)
        check_currency(purchase, self.settings)
        lines = purchase_lines(purchase, quantities, conditions or {}, self.catalog)
        needs = needed_approvals(self.settings, self.clock.now(), lines, purchase)
        return make_draft(self.store.conn, self.settings, purchase, lines, reason, needs,
                          reason_code)

    def prepare_without_receipt(self, items: list[tuple[str, int, str]], *, reason: str = "",
                                reason_code: str | None = None) -> ReturnDraft:
        """A return with no receipt at all (a manager approves it): ``(code, qty, condition)``
        per item, scanned or typed; each refunded at today's shelf price."""
        self.staff.ensure_active(self.session)
        lookup = Lookup(self.catalog, self.settings, self.clock)
        lines = unreceipted_lines(items, lookup, self.catalog, self.settings)
        needs = (Action.RETURN_WITHOUT_RECEIPT,
                 *needed_approvals(self.settings, self.clock.now(), lines, None))
        return make_draft(self.store.conn, self.settings, None, lines, reason, needs,
                          reason_code)

    def refund_plan(self, draft: ReturnDraft, amount: Money | None = None) -> list[RefundTender]:
        """Back the way it was paid where possible: card, web payment, store credit, each up to
        what it paid and has not had back; the rest in cash. ``amount``: part of the return's
        value (the rest of an exchange); default all of it."""
        return refund_plan(draft.purchase, (amount or draft.total).minor, self.settings.currency)

    # -- completing ------------------------------------------------------------------------------
    def complete(self, draft: ReturnDraft, *, reservation: ReserveResponse | None = None,
                 tenders: list[RefundTender] | None = None,
                 approval: Approval | None = None) -> CompletedReturn:
        """Refund and record the return, in one transaction (card refunds first, journalled).

        ``reservation``: the central's hold, required for an online return; ``tenders``:
        defaults to :meth:`refund_plan`. Refuses, changing nothing: a missing reservation or
        approval, a tender that does not fit, an offline refund beyond the limits.
        """
        approved_by = self.authorize(draft, reservation=reservation, approval=approval)
        paid = self.pay_back(draft, tenders if tenders is not None else self.refund_plan(draft))
        with self.store.write() as conn:
            return self.write(conn, draft, paid, approved_by)

    def authorize(self, draft: ReturnDraft, *, reservation: ReserveResponse | None = None,
                  approval: Approval | None = None) -> int | None:
        """What must hold before any money moves: the central's hold of an online return, the
        approvals the rules ask for (returns the approver), the offline limits."""
        self.staff.ensure_active(self.session)
        if draft.online and (reservation is None
                             or str(reservation.reservation_id) != draft.reservation_id):
            raise InvalidInput.of("return_not_reserved")
        approved_by = None
        for action in draft.needs:
            approver = self.staff.authorize(self.session, action, approval)
            approved_by = approved_by or approver
        if Action.RETURN_OFFLINE in draft.needs:
            check_offline_limits(self.store.conn, self.settings, self.clock.now(), draft.total)
        return approved_by

    def pay_back(self, draft: ReturnDraft, tenders: list[RefundTender], *,
                 exchange: bool = False) -> list[RefundTender]:
        """Check the refund tenders against the return and the purchase, then give card money
        back through the payment terminal; returns the tenders as given. ``exchange``: the
        checkout of an exchange may use tender ``exchange`` (the new sale took that much)."""
        check_tenders(self.store.conn, self.settings.currency, draft, tenders,
                      exchange=exchange)
        return refund_cards(self.store, self.clock, self.payments, tenders)

    def write(self, conn: sqlite3.Connection, draft: ReturnDraft, tenders: list[RefundTender],
              approved_by: int | None) -> CompletedReturn:
        """Record the return in the caller's write transaction: its lines, tenders, stock
        movements, store credit, the outbox ``return`` event and the audit record."""
        return record_return(conn, self.settings, self.clock, self.session.staff.id, draft,
                             tenders, approved_by)
