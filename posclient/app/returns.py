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
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from posclient.domain.clock import Clock, iso
from posclient.domain.errors import InvalidInput, NotFound, PaymentError
from posclient.domain.loyalty import points_for_value, points_taken_back
from posclient.domain.money import Money, div_round
from posclient.domain.policy import Action
from posclient.domain.settings import StoreSettings
from posclient.store import audit, outbox
from posclient.store.catalog import Catalog
from posclient.store.db import Store
from posclient.store.settings import load_settings
from sync.protocol.clock import new_event_id

from . import reasons
from .orders import OrderBook
from .staff import Approval, StaffService, StaffSession

if TYPE_CHECKING:
    import sqlite3

    from posclient.devices.payment import PaymentTerminal
    from sync.protocol import PurchaseData, PurchaseLineData, ReserveResponse

CONDITIONS = ("restock", "damaged")
REFUND_KINDS = ("cash", "card", "store_credit", "web", "points")
EXCHANGE = "exchange"  # the return's value paid a new sale in the same basket (Checkout)
# Back the way it came, before cash; points first (to the member: the store's money is not
# paid out for what points paid).
_PREFERENCE = {"points": 0, "card": 1, "web": 2, "store_credit": 3}


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
        raise NotFound(f"{self.ref} has no line {line_id}", code="purchase_line_unknown",
                       ref=self.ref, line_id=line_id)

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


@dataclass(frozen=True, slots=True)
class ReturnLine:
    source_line: int | None  # the purchase's line; None without a receipt
    product_id: int
    sku: str
    name_zh: str
    name_en: str
    measure: str
    qty: int
    amount: int  # refunded for the line, minor units
    condition: str
    tax_code: str
    tax_rate_ppm: int
    category: str = ""


@dataclass(frozen=True, slots=True)
class RefundTender:
    kind: str  # cash, card, store_credit, web
    amount: Money
    reference: str = ""  # the card payment / web payment it goes back to, the credit account
    detail: str = ""
    journal: str = ""  # a card refund's own reference in the payment journal


@dataclass(frozen=True)
class ReturnDraft:
    """A return ready to refund: what comes back, for how much, and what it needs."""

    purchase: Purchase | None  # None: without a receipt
    lines: tuple[ReturnLine, ...]
    reason: str
    total: Money
    needs: tuple[Action, ...]  # the approvals it needs (a manager's PIN covers them all)
    reservation_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    reason_code: str | None = None  # picked from the list (posclient/app/reasons.py)

    @property
    def online(self) -> bool:
        return self.purchase is not None and self.purchase.online

    def reserve_lines(self) -> dict[int, int]:
        """``{line_id: qty}`` to reserve at the central."""
        out: dict[int, int] = {}
        for ln in self.lines:
            if ln.source_line is not None:
                out[ln.source_line] = out.get(ln.source_line, 0) + ln.qty
        return out


@dataclass(frozen=True, slots=True)
class CompletedReturn:
    return_id: int
    return_no: str
    event_id: str
    terminal_seq: int
    total: Money
    tenders: tuple[RefundTender, ...]
    completed_at: datetime

    @property
    def cash(self) -> Money:
        """Cash to hand back from the drawer."""
        return sum((t.amount for t in self.tenders if t.kind == "cash"),
                   Money.zero(self.total.currency))


class Returns:
    """The return use cases of one terminal for one logged-in staff member."""

    def __init__(self, store: Store, staff: StaffService, session: StaffSession, *,
                 clock: Clock, payments: PaymentTerminal,
                 settings: StoreSettings | None = None, catalog: Catalog | None = None) -> None:
        self.store, self.staff, self.session = store, staff, session
        self.clock, self.payments = clock, payments
        self.settings = settings or load_settings(store.conn)
        self.catalog = catalog or Catalog(store.conn)

    def _money(self, minor: int) -> Money:
        return Money(minor, self.settings.currency)

    # -- finding the purchase --------------------------------------------------------------------
    def find_local(self, text: str) -> Purchase:
        """A purchase from what this till holds (offline): one of its own receipts (a pick-up
        slip's receipt is its order), or a cached web order (its number or QR code)."""
        from sync.protocol import order_purchase

        ref = text.strip()
        conn = self.store.conn
        row = conn.execute("SELECT id, kind, order_no FROM sales WHERE receipt_no = ?",
                           (ref,)).fetchone()
        if row is not None and row[1] == "pickup":
            ref = row[2]
        elif row is not None:
            return self._merge(self._local_receipt(row[0], ref), online=False)
        try:  # the cached order with this till's own pick-ups the central has not counted
            view = OrderBook(conn, self.clock).view(ref)
        except NotFound:
            raise NotFound(f"{text.strip()} is not a receipt of this till nor an order it "
                           "holds: with the central away, only those can be returned",
                           code="purchase_unknown_offline", ref=text.strip()) from None
        order = view.order.model_copy(update={
            "paid_at_pickup": view.paid_at_pickup,
            "lines": [ln.model_copy(update={"collected": view.collected.get(ln.line_no, 0)})
                      for ln in view.order.lines]})
        return self._merge(order_purchase(order), online=False)

    def from_central(self, data: PurchaseData) -> Purchase:
        """The central's copy, just fetched (``SyncEngine.fetch_purchase``)."""
        return self._merge(data, online=True)

    def _local_receipt(self, sale_id: int, receipt_no: str) -> PurchaseData:
        from sync.protocol import PurchaseData, PurchaseLineData, PurchaseTenderData

        conn = self.store.conn
        store_id, currency, at, member = conn.execute(
            "SELECT store_id, currency, completed_at, member_id FROM sales WHERE id = ?",
            (sale_id,)).fetchone()
        lines = [PurchaseLineData(line_id=r[0], product_id=r[1], sku=r[2], name_zh=r[3],
                                  name_en=r[4], measure=r[5], qty=r[6], total=r[7],
                                  received=r[6], tax_code=r[8], tax_rate_ppm=r[9])
                 for r in conn.execute(
                     "SELECT line_no, product_id, sku, name_zh, name_en, measure, qty, total, "
                     "tax_code, tax_rate_ppm FROM sale_lines WHERE sale_id = ? ORDER BY line_no",
                     (sale_id,))]
        tenders = [PurchaseTenderData(kind=r[0], amount=r[1], reference=r[2] or "",
                                      detail=r[3] or "")
                   for r in conn.execute(
                       "SELECT kind, amount, reference, detail FROM sale_tenders "
                       "WHERE sale_id = ? AND amount > 0 ORDER BY seq", (sale_id,))]
        return PurchaseData(kind="receipt", ref=receipt_no, store_id=store_id, channel="store",
                            currency=currency, purchased_at=datetime.fromisoformat(at),
                            member_id=member, lines=lines, tenders=tenders)

    def _merge(self, data: PurchaseData, *, online: bool) -> Purchase:
        """Add this till's returns of the purchase that ``data`` does not count yet."""
        applied = {str(e) for e in data.applied_returns}
        returned = {ln.line_id: ln.returned for ln in data.lines}
        refunded = {}
        for t in data.tenders:
            key = (t.kind, t.reference)
            refunded[key] = refunded.get(key, 0) + t.refunded
        conn = self.store.conn
        for rid, event_id in conn.execute(
                "SELECT id, event_id FROM returns WHERE source_kind = ? AND source_ref = ?",
                (data.kind, data.ref)).fetchall():
            if event_id in applied:
                continue
            for line, qty in conn.execute(
                    "SELECT source_line, qty FROM return_lines WHERE return_id = ?", (rid,)):
                returned[line] = returned.get(line, 0) + qty
            for kind, reference, amount in conn.execute(
                    "SELECT kind, reference, amount FROM return_tenders WHERE return_id = ?",
                    (rid,)):
                refunded[(kind, reference)] = refunded.get((kind, reference), 0) + amount
        return Purchase(data, returned, refunded, online)

    # -- preparing -------------------------------------------------------------------------------
    def prepare(self, purchase: Purchase, quantities: dict[int, int], *, reason: str = "",
                conditions: dict[int, str] | None = None,
                reason_code: str | None = None) -> ReturnDraft:
        """The return of ``{line_id: qty}`` of the purchase. Refuses, changing nothing: more
        than is returnable, part of a weighed line, no reason, another currency."""
        self.staff.ensure_active(self.session)
        conditions = conditions or {}
        if purchase.data.currency != self.settings.currency:
            raise InvalidInput(f"{purchase.ref} was paid in {purchase.data.currency}; this till "
                               f"refunds in {self.settings.currency}", code="currency_mismatch",
                               ref=purchase.ref, currency=purchase.data.currency,
                               till_currency=self.settings.currency)
        lines = []
        for line_id, qty in sorted(quantities.items()):
            if qty == 0:
                continue
            ln = purchase.line(line_id)
            left = purchase.returnable(line_id)
            if qty < 0 or qty > left:
                raise InvalidInput(
                    f"Line {line_id} of {purchase.ref} ({ln.name_en or ln.sku}) has {left} left "
                    f"to return, not {qty}", code="return_beyond_returnable", ref=purchase.ref,
                    line_id=line_id, product=ln.name_en or ln.sku,
                    product_zh=ln.name_zh or ln.sku, left=left, qty=qty)
            if ln.measure == "g" and qty != left:
                raise InvalidInput(f"Line {line_id} of {purchase.ref} is weighed: it comes back "
                                   "whole", code="return_weighed_part", ref=purchase.ref,
                                   line_id=line_id)
            product = self.catalog.by_id(ln.product_id)
            tax_code, rate = ln.tax_code, ln.tax_rate_ppm
            if not tax_code and product is not None:  # a web order's line: the till's tax
                tax = self.catalog.tax_rates().get(product.tax_code)
                tax_code, rate = product.tax_code, tax.rate_ppm if tax else 0
            lines.append(ReturnLine(
                line_id, ln.product_id, ln.sku,
                ln.name_zh or (product.name_zh if product else ""),
                ln.name_en or (product.name_en if product else ""), ln.measure, qty,
                purchase.refund_value(line_id, qty), _condition(conditions.get(line_id)),
                tax_code, rate, product.category if product else ""))
        if not lines:
            raise InvalidInput("Choose at least one item to return", code="return_empty")
        needs = self._needs(lines, purchase)
        return self._draft(purchase, lines, reason, needs, reason_code)

    def prepare_without_receipt(self, items: list[tuple[str, int, str]], *, reason: str = "",
                                reason_code: str | None = None) -> ReturnDraft:
        """A return with no receipt at all (a manager approves it): ``(code, qty, condition)``
        per item, scanned or typed; each refunded at today's shelf price."""
        from .lookup import Lookup

        self.staff.ensure_active(self.session)
        lookup = Lookup(self.catalog, self.settings, self.clock)
        lines = []
        for code, qty, condition in items:
            found = lookup.resolve(code)
            p = found.product
            if qty <= 0 or qty > self.settings.limits.max_qty:
                raise InvalidInput(f"{qty} is not a quantity that can be returned",
                                   code="return_qty_invalid", qty=qty)
            price = lookup.price(p)
            tax = self.catalog.tax_rates().get(p.tax_code)
            if price is None or tax is None:
                raise NotFound(f"{p.name_en} ({p.sku}) has no price: call a supervisor",
                               code="price_missing", product=p.name_en, product_zh=p.name_zh,
                               sku=p.sku)
            if p.measure.value == "g" and found.weight_g is None and found.label_price is None:
                raise InvalidInput(f"{p.name_en} is sold by weight: scan its scale label",
                                   code="return_weighed_label", product=p.name_en,
                                   product_zh=p.name_zh)
            units = found.weight_g if found.weight_g is not None else qty
            amount = (found.label_price if found.label_price is not None
                      else div_round(price.minor * units, 1000) if p.measure.value == "g"
                      else price.minor * units)
            lines.append(ReturnLine(None, p.id, p.sku, p.name_zh, p.name_en, p.measure.value,
                                    units, amount, _condition(condition), tax.code,
                                    tax.rate_ppm, p.category))
        if not lines:
            raise InvalidInput("Choose at least one item to return", code="return_empty")
        needs = (Action.RETURN_WITHOUT_RECEIPT, *self._needs(lines, None))
        return self._draft(None, lines, reason, needs, reason_code)

    def _draft(self, purchase: Purchase | None, lines: list[ReturnLine], reason: str,
               needs: tuple[Action, ...], reason_code: str | None) -> ReturnDraft:
        code, reason = reasons.resolve(self.store.conn, "return", reason_code, reason,
                                       free_text=self.settings.reason_free_text)
        if not reason:
            raise InvalidInput("Give a reason for the return", code="reason_required")
        total = self._money(sum(ln.amount for ln in lines))
        if purchase is None or not purchase.online:
            needs = (*needs, Action.RETURN_OFFLINE)
        return ReturnDraft(purchase, tuple(lines), reason, total, tuple(dict.fromkeys(needs)),
                           reason_code=code)

    def _needs(self, lines: list[ReturnLine], purchase: Purchase | None) -> tuple[Action, ...]:
        s, needs = self.settings, []
        if sum(ln.amount for ln in lines) > s.return_approval_above:
            needs.append(Action.RETURN_OVER_LIMIT)
        if purchase is not None:
            age = self.clock.now() - _aware(purchase.data.purchased_at, self.clock.now())
            for ln in lines:
                window = s.return_window_by_category.get(ln.category, s.return_window_days)
                if window <= 0 or age > timedelta(days=window):
                    needs.append(Action.RETURN_OUTSIDE_POLICY)
                    break
        return tuple(needs)

    def refund_plan(self, draft: ReturnDraft, amount: Money | None = None) -> list[RefundTender]:
        """Back the way it was paid where possible: card, web payment, store credit, each up to
        what it paid and has not had back; the rest in cash. ``amount``: part of the return's
        value (the rest of an exchange); default all of it."""
        left, plan = (amount or draft.total).minor, []
        p = draft.purchase
        if p is not None:
            tenders = sorted((t for t in p.data.tenders if t.kind in _PREFERENCE),
                             key=lambda t: _PREFERENCE[t.kind])
            seen: set[tuple[str, str]] = set()
            for t in tenders:
                if (t.kind, t.reference) in seen or left == 0:
                    continue
                seen.add((t.kind, t.reference))
                take = min(left, p.tender_left(t.kind, t.reference))
                if take > 0:
                    plan.append(RefundTender(t.kind, self._money(take), t.reference, t.detail))
                    left -= take
        if left:
            plan.append(RefundTender("cash", self._money(left)))
        return plan

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
            raise InvalidInput("The return is not reserved at the central yet",
                               code="return_not_reserved")
        approved_by = None
        for action in draft.needs:
            approver = self.staff.authorize(self.session, action, approval)
            approved_by = approved_by or approver
        if Action.RETURN_OFFLINE in draft.needs:
            self._check_offline_limits(draft.total)
        return approved_by

    def pay_back(self, draft: ReturnDraft, tenders: list[RefundTender], *,
                 exchange: bool = False) -> list[RefundTender]:
        """Check the refund tenders against the return and the purchase, then give card money
        back through the payment terminal; returns the tenders as given. ``exchange``: the
        checkout of an exchange may use tender ``exchange`` (the new sale took that much)."""
        self._check_tenders(draft, tenders, exchange=exchange)
        return self._refund_cards(tenders)

    def _check_offline_limits(self, total: Money) -> None:
        s = self.settings
        if total.minor > s.offline_return_limit:
            raise InvalidInput(
                f"With the central away a return may refund at most "
                f"{self._money(s.offline_return_limit).to_decimal_str()}",
                code="return_offline_limit", limit=self._money(s.offline_return_limit))
        since = iso(self.clock.now() - timedelta(days=1))
        today = self.store.conn.execute(
            "SELECT coalesce(sum(total), 0) FROM returns WHERE reservation_id IS NULL AND "
            "completed_at > ?", (since,)).fetchone()[0]
        if today + total.minor > s.offline_return_daily_limit:
            left = max(0, s.offline_return_daily_limit - today)
            raise InvalidInput(
                f"This till may refund only {self._money(left).to_decimal_str()} more without "
                "the central today", code="return_offline_daily_limit", left=self._money(left))

    def _check_tenders(self, draft: ReturnDraft, tenders: list[RefundTender], *,
                       exchange: bool = False) -> None:
        total = sum(t.amount.minor for t in tenders)
        if total != draft.total.minor or any(t.amount.minor <= 0 for t in tenders):
            raise InvalidInput(f"The refund must be {draft.total.to_decimal_str()} in all",
                               code="refund_mismatch", total=draft.total)
        p = draft.purchase
        taken: dict[tuple[str, str], int] = {}
        for t in tenders:
            allowed = t.kind in REFUND_KINDS or (exchange and t.kind == EXCHANGE)
            if not allowed or t.amount.currency != self.settings.currency:
                raise InvalidInput(f"{t.kind} cannot take a refund", code="refund_kind_invalid",
                                   kind=t.kind)
            if t.kind == "store_credit" and self.store.conn.execute(
                    "SELECT 1 FROM store_credit WHERE account = ?",
                    (t.reference,)).fetchone() is None:
                raise NotFound(f"There is no store credit account {t.reference!r}",
                               code="credit_unknown", account=t.reference)
            if t.kind in ("card", "web", "points"):  # only back to a payment of this purchase
                key = (t.kind, t.reference)
                taken[key] = taken.get(key, 0) + t.amount.minor
                left = p.tender_left(*key) if p is not None else 0
                if taken[key] > left:
                    raise InvalidInput(
                        f"That {t.kind} payment can take back only "
                        f"{self._money(left).to_decimal_str()}: give the rest in cash",
                        code="refund_over_tender", kind=t.kind, left=self._money(left))

    def _refund_cards(self, tenders: list[RefundTender]) -> list[RefundTender]:
        """Give card money back through the payment terminal, journalled before it is asked."""
        done = []
        for t in tenders:
            if t.kind != "card":
                done.append(t)
                continue
            reference = str(uuid.uuid4())
            now = iso(self.clock.now())
            with self.store.write() as conn:
                conn.execute(
                    "INSERT INTO payment_journal (reference, amount, currency, status, "
                    "created_at, updated_at, detail) VALUES (?, ?, ?, 'pending', ?, ?, ?)",
                    (reference, -t.amount.minor, t.amount.currency, now, now,
                     f"refund of {t.reference}"))
            result = self.payments.refund(t.amount, reference, t.reference)
            with self.store.write() as conn:
                conn.execute("UPDATE payment_journal SET status = ?, auth_code = ?, "
                             "updated_at = ? WHERE reference = ?",
                             (result.status.value, result.auth_code, iso(self.clock.now()),
                              reference))
            if result.status.value != "approved":
                reason = result.message or result.status.value
                raise PaymentError(
                    f"The card terminal did not refund {t.amount.to_decimal_str()} "
                    f"({reason}): nothing was recorded. Try again, or give the refund in "
                    "cash.", code="refund_card_failed", amount=t.amount, reason=reason)
            done.append(RefundTender("card", t.amount, t.reference,
                                     f"{result.detail} {result.auth_code}".strip(), reference))
        return done

    def write(self, conn: sqlite3.Connection, draft: ReturnDraft, tenders: list[RefundTender],
              approved_by: int | None) -> CompletedReturn:
        """Record the return in the caller's write transaction: its lines, tenders, stock
        movements, store credit, the outbox ``return`` event and the audit record."""
        s, p = self.settings, draft.purchase
        now = self.clock.now()
        at = iso(now)
        event_id = new_event_id(self.clock)
        reservation = draft.reservation_id if draft.online else None
        no = outbox.next_counter(conn, "return")
        return_no = f"{s.store_id}-{s.terminal_id}-R{no:06d}"
        cur = conn.execute(
            "INSERT INTO returns (event_id, return_no, store_id, terminal_id, source_kind, "
            "source_ref, reservation_id, staff_id, approved_by, reason, reason_code, "
            "completed_at, currency, total) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (event_id, return_no, s.store_id, s.terminal_id, p.kind if p else "none",
             p.ref if p else None, reservation, self.session.staff.id, approved_by,
             draft.reason, draft.reason_code, at, s.currency, draft.total.minor))
        rid = int(cur.lastrowid or 0)
        conn.executemany(
            "INSERT INTO return_lines (return_id, line_no, source_line, product_id, sku, "
            "name_zh, name_en, measure, qty, amount, condition, tax_code, tax_rate_ppm) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(rid, i, ln.source_line, ln.product_id, ln.sku, ln.name_zh, ln.name_en,
              ln.measure, ln.qty, ln.amount, ln.condition, ln.tax_code, ln.tax_rate_ppm)
             for i, ln in enumerate(draft.lines, start=1)])
        conn.executemany(
            "INSERT INTO return_tenders (return_id, seq, kind, amount, reference, detail) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(rid, i, t.kind, t.amount.minor, t.reference, t.detail)
             for i, t in enumerate(tenders, start=1)])
        for t in tenders:
            if t.kind == "store_credit":
                conn.execute("UPDATE store_credit SET balance = balance + ? WHERE account = ?",
                             (t.amount.minor, t.reference))
            elif t.kind == "card":
                conn.execute("UPDATE payment_journal SET status = 'captured', updated_at = ? "
                             "WHERE reference = ?", (at, t.journal))
        rules = s.loyalty_rules
        points_back = {i: points_for_value(rules, t.amount.minor)
                       for i, t in enumerate(tenders) if t.kind == "points"}
        pending = [(event_id, tenders[i].reference, n) for i, n in points_back.items() if n]
        if p is not None and p.kind == "receipt":
            pending += _take_back(conn, event_id, p.ref, draft.total.minor)
        conn.executemany("INSERT INTO points_pending (event_id, member_no, points) "
                         "VALUES (?, ?, ?)", pending)
        payload = {
            "return_no": return_no, "store_id": s.store_id, "terminal_id": s.terminal_id,
            "staff_id": self.session.staff.id, "approved_by": approved_by,
            "source_kind": p.kind if p else "none", "source_ref": p.ref if p else None,
            "reservation_id": reservation, "reason": draft.reason,
            "reason_code": draft.reason_code, "completed_at": at,
            "currency": s.currency, "total": draft.total.minor,
            "lines": [{"line_no": i, "source_line": ln.source_line,
                       "product_id": ln.product_id, "sku": ln.sku, "measure": ln.measure,
                       "qty": ln.qty, "amount": ln.amount, "condition": ln.condition,
                       "tax_code": ln.tax_code, "tax_rate_ppm": ln.tax_rate_ppm}
                      for i, ln in enumerate(draft.lines, start=1)],
            "tenders": [{"kind": t.kind, "amount": t.amount.minor, "reference": t.reference,
                         **({"points": points_back[i]} if points_back.get(i) else {})}
                        for i, t in enumerate(tenders)],
        }
        seq = outbox.append(conn, event_id=event_id, type="return", occurred_at=at,
                            payload=payload)
        # After the event: a movement names its terminal_seq (posclient/store/stock.py).
        moves = [(ln.product_id, ln.qty, "return") for ln in draft.lines]
        moves += [(ln.product_id, -ln.qty, "damaged") for ln in draft.lines
                  if ln.condition == "damaged"]
        conn.executemany(
            "INSERT INTO stock_movements (product_id, qty_delta, reason, event_id, "
            "occurred_at, terminal_seq) VALUES (?, ?, ?, ?, ?, ?)",
            [(pid, qty, why, event_id, at, seq) for pid, qty, why in moves])
        audit.append(conn, at=at, action="refund", staff_id=self.session.staff.id,
                     approved_by=approved_by,
                     detail={"return_no": return_no, "source": payload["source_ref"],
                             "total": draft.total.minor, "offline": reservation is None,
                             "needs": [a.value for a in draft.needs], "reason": draft.reason,
                             "reason_code": draft.reason_code})
        return CompletedReturn(rid, return_no, event_id, seq, draft.total, tuple(tenders), now)


def _take_back(conn: sqlite3.Connection, event_id: str, receipt_no: str,
               amount: int) -> list[tuple[str, str, int]]:
    """The points a return of this till's own receipt takes back, as the till sees them (the
    central counts them again as the authority): ``floor(E * C / T)`` so far, less what earlier
    returns of the receipt took (posclient/domain/loyalty.py ``points_taken_back``)."""
    row = conn.execute("SELECT member_no, points_earned, total FROM sales WHERE receipt_no = ?",
                       (receipt_no,)).fetchone()
    if row is None or not row[0] or not row[1]:
        return []
    member_no, earned, total = row
    before = conn.execute(
        "SELECT coalesce(sum(total), 0) FROM returns WHERE source_kind = 'receipt' AND "
        "source_ref = ? AND event_id != ?", (receipt_no, event_id)).fetchone()[0]
    taken = (points_taken_back(earned, total, before + amount)
             - points_taken_back(earned, total, before))
    return [(event_id, member_no, -taken)] if taken else []


def _condition(value: str | None) -> str:
    value = value or "restock"
    if value not in CONDITIONS:
        raise InvalidInput(f"{value!r} is not a condition (restock or damaged)",
                           code="return_condition_invalid", condition=value)
    return value


def _aware(t: datetime, like: datetime) -> datetime:
    """Compare times of the same kind (the central's are aware, old local ones may not be)."""
    if (t.tzinfo is None) == (like.tzinfo is None):
        return t
    return t.replace(tzinfo=like.tzinfo) if t.tzinfo is None else t.replace(tzinfo=None)

