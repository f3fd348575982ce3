"""Completing a sale: the paid basket becomes a committed sale, then a new basket starts.

Everything is written in ONE transaction (``Store.write``, ``BEGIN IMMEDIATE``) through the
sales repository (posclient/store/sales.py): an exchange's return first, the next gap-free
receipt number, the sale with its lines, tenders and tax summary, the card journal's capture,
the store credit debit, the member's pending points, the ``sale`` (or ``pickup``) outbox event
(a typed :class:`sync.protocol.SalePayload`) and the stock movements naming its terminal_seq.
Any refusal rolls all of it back. Printing happens after the commit and can never undo it
(see :mod:`posclient.app.receipts`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from posclient.domain.cart import CartLine, Discount, Measure, PricedLine, Totals
from posclient.domain.clock import iso
from posclient.domain.errors import InvalidInput
from posclient.domain.money import Money
from posclient.domain.tender import Tender, TenderKind
from posclient.store import aisle as aisle_rows
from posclient.store import audit
from posclient.store.sales import SaleLineRow, SaleRepository, SaleRow
from sync.protocol.clock import new_event_id

from .aisle_order import AisleOrder
from .members import MemberView
from .returns import EXCHANGE, CompletedReturn, RefundTender
from .sale_state import SaleState, promotions_json

if TYPE_CHECKING:
    from sync.protocol import SalePayload


@dataclass(frozen=True, slots=True)
class CompletedSale:
    sale_id: int
    receipt_no: str
    event_id: str
    terminal_seq: int
    totals: Totals
    tenders: tuple[Tender, ...]
    change: Money
    rounding: Money
    completed_at: datetime
    exchange: CompletedReturn | None = None  # the goods that came back in the same basket
    member: MemberView | None = None  # the member the sale was for
    points_earned: int = 0  # as the till works it out (the central's count is the authority)
    points_redeemed: int = 0
    points_balance: int | None = None  # the till's view: available before - redeemed + earned
    aisle: tuple[AisleOrder, ...] = ()  # orders placed for other stores, paid in this sale


@dataclass(frozen=True, slots=True)
class _Closing:
    """The sale as it is committed, worked out before its transaction."""

    event_id: str
    now: datetime
    totals: Totals
    tenders: tuple[Tender, ...]
    rounding: Money
    change: Money
    paid: Money
    member_id: int | None
    earned: int
    redeemed: int
    balance: int | None

    @property
    def at(self) -> str:
        return iso(self.now)


@dataclass(frozen=True, slots=True)
class _Recorded:
    sale_id: int
    receipt_no: str
    terminal_seq: int


class SaleCompletion(SaleState):
    """Commits the paid basket."""

    def complete(self, *, member_id: int | None = None,
                 also: Callable[[sqlite3.Connection, int, str], None] | None = None
                 ) -> CompletedSale:
        """Commit the paid sale: everything in one transaction, then start a new sale.

        The member is the one attached (:meth:`attach_member`); ``member_id`` names a member by
        the central's id only when none is attached (older callers). With a member, the sale
        records the points it earns and redeems, and both go to ``points_pending`` until the
        central has counted them. ``also(conn, sale_id, event_id)`` writes more in the same
        transaction, after the sale's event (a card orphan's resolution).
        """
        self._active()
        self._check_can_pay()
        totals = self.cart.totals()
        self.payment.total = totals.total + self.aisle_paid
        if not self.payment.is_settled:
            raise InvalidInput.of("not_paid", due=self.payment.due)
        closing = self._closing(totals, member_id)
        exchange = self.exchange
        refunds = self._exchange_refund(closing.event_id) if exchange is not None else []
        returned: CompletedReturn | None = None
        with self.store.write() as conn:
            if exchange is not None:  # the goods back first: the sale's tender names them
                returned = exchange.returns.write(conn, exchange.draft, refunds,
                                                  exchange.approved_by)
                closing = replace(closing, tenders=tuple(
                    replace(t, reference=returned.return_no)
                    if t.kind is TenderKind.EXCHANGE else t for t in closing.tenders))
            recorded = self._record(conn, closing)
            if also is not None:
                also(conn, recorded.sale_id, closing.event_id)
        c = closing
        done = CompletedSale(recorded.sale_id, recorded.receipt_no, c.event_id,
                             recorded.terminal_seq, c.totals, c.tenders, c.change, c.rounding,
                             c.now, returned, self.member, c.earned, c.redeemed, c.balance,
                             tuple(self.aisle))
        self._new_sale()
        return done

    def _closing(self, totals: Totals, member_id: int | None) -> _Closing:
        tenders = tuple(self.payment.tenders)
        member = self.member
        if member is not None:
            member_id = member.id
        earned = self._points_earned(totals, tenders) if member is not None else 0
        redeemed = self.points_in_payment()
        balance = (member.available - redeemed + earned) if member is not None else None
        now = self.clock.now()
        return _Closing(
            event_id=new_event_id(self.clock), now=now, totals=totals,
            tenders=tenders, rounding=self.payment.rounding or Money.zero(self.settings.currency),
            change=self.payment.change, paid=self.payment.paid, member_id=member_id,
            earned=earned, redeemed=redeemed, balance=balance)

    def _exchange_refund(self, event_id: str) -> list[RefundTender]:
        """The return's tenders: what the new sale used of it, and the rest refunded (card
        refunds happen here, before the transaction, journalled)."""
        ex = self.exchange
        assert ex is not None
        used = sum((t.amount for t in self.payment.tenders if t.kind is TenderKind.EXCHANGE),
                   Money.zero(self.settings.currency))
        rest = ex.credit - used
        tenders = [RefundTender(EXCHANGE, used, event_id)] if used else []
        if rest.minor:
            tenders += ex.returns.refund_plan(ex.draft, rest)
        return ex.returns.pay_back(ex.draft, tenders, exchange=True)

    def _record(self, conn: sqlite3.Connection, c: _Closing) -> _Recorded:
        """The sale's rows, its event and its stock movements, in the caller's transaction."""
        s, repo = self.settings, SaleRepository(conn)
        sale_no = repo.next_sale_no()
        receipt_no = f"{s.store_id}-{s.terminal_id}-{sale_no:06d}"
        lines = [_line_row(no, ln, pl) for no, (ln, pl) in enumerate(
            zip(self.cart.active_lines, c.totals.lines, strict=True), start=1)]
        sale_id = repo.insert(self._sale_row(c, sale_no, receipt_no), lines, c.tenders,
                              c.totals.taxes)
        if self.aisle:  # orders for other stores, paid here (migration 0024)
            aisle_rows.insert(conn, sale_id, [o.row(n) for n, o in enumerate(self.aisle, 1)])
        repo.settle(sale_id, c.tenders, c.at)
        if self.member is not None:
            repo.hold_points(c.event_id, self.member.member_no, (-c.redeemed, c.earned))
        pickup = self.pickup
        if pickup is not None:
            audit.append(conn, at=c.at, action="order_pickup", staff_id=self.session.staff.id,
                         approved_by=pickup.approved_by,
                         detail={"order_no": pickup.order_no, "receipt_no": receipt_no,
                                 "without_code": pickup.without_code})
        seq = repo.publish(sale_id=sale_id, event_id=c.event_id, kind=_kind(self),
                           at=c.at, payload=event_json(self._event(c, receipt_no, lines)),
                           lines=lines)
        return _Recorded(sale_id, receipt_no, seq)

    def _sale_row(self, c: _Closing, sale_no: int, receipt_no: str) -> SaleRow:
        s, t, member, pickup = self.settings, c.totals, self.member, self.pickup
        priced = bool(self.cart.promotions or self.coupons_used)
        return SaleRow(
            event_id=c.event_id, receipt_no=receipt_no, store_id=s.store_id,
            terminal_id=s.terminal_id, terminal_sale_no=sale_no, staff_id=self.session.staff.id,
            member_id=c.member_id, started_at=iso(self.started_at), completed_at=c.at,
            currency=s.currency, tax_inclusive=s.tax_inclusive, subtotal=t.subtotal.minor,
            discount_total=t.discount_total.minor, tax_total=t.tax_total.minor,
            rounding=c.rounding.minor, total=t.total.minor + self.aisle_paid.minor,
            paid=c.paid.minor,
            change_given=c.change.minor, basket_discount=_discount_json(self.cart.basket_discount),
            kind=_kind(self), order_no=pickup.order_no if pickup is not None else None,
            member_no=member.member_no if member else None,
            member_label=member.label if member else None, points_earned=c.earned,
            points_redeemed=c.redeemed, points_balance=c.balance,
            promotions=promotions_json(self.cart.promotions) if priced else None,
            coupons=json.dumps(list(self.coupons_used)) if priced else None)

    def _event(self, c: _Closing, receipt_no: str, lines: list[SaleLineRow]) -> SalePayload:
        """The ``sale`` (or ``pickup``) event sent to the central (sync protocol v1)."""
        # The wire models (pydantic) load at first use, not at the till's start
        # (startup_rss_mb, docs/performance.md); import-linter checks this import too.
        from sync.protocol import PickupPayload, SalePayload

        s, t = self.settings, c.totals
        fields: dict[str, Any] = {
            "receipt_no": receipt_no, "store_id": s.store_id, "terminal_id": s.terminal_id,
            "staff_id": self.session.staff.id, "member_id": c.member_id,
            "started_at": self.started_at, "completed_at": c.now, "currency": s.currency,
            "tax_inclusive": s.tax_inclusive, "subtotal": t.subtotal.minor,
            "discount_total": t.discount_total.minor, "tax_total": t.tax_total.minor,
            "rounding": c.rounding.minor, "total": t.total.minor + self.aisle_paid.minor,
            "change": c.change.minor,
            "tenders": [{"kind": x.kind.value, "amount": x.amount.minor,
                         "reference": x.reference,
                         **({"points": int(x.detail)} if x.kind is TenderKind.POINTS else {})}
                        for x in c.tenders],
            "taxes": [{"code": x.code, "rate_ppm": x.rate_ppm, "net": x.net, "tax": x.tax}
                      for x in t.taxes]}
        if self.cart.promotions:
            fields["promotions"] = json.loads(promotions_json(self.cart.promotions))
        if self.coupons_used:
            fields["coupons"] = list(self.coupons_used)
        if self.member is not None:
            fields["member_no"] = self.member.member_no
            fields["points_earned"] = c.earned
        if self.aisle:  # the goods' total + the orders' paid_now is what the tenders paid
            fields["aisle_orders"] = [o.payload() for o in self.aisle]
        # One validation of the whole document (pydantic-core): cheaper than building the
        # models one by one, and a value outside the protocol's bounds fails here, not at the
        # central.
        pickup = self.pickup
        if pickup is None:
            return SalePayload.model_validate(
                {**fields, "lines": [_line_payload(ln) for ln in lines]})
        return PickupPayload.model_validate(
            {**fields, "order_no": pickup.order_no, "without_code": pickup.without_code,
             "lines": [{**_line_payload(ln), "order_line_no": ln.order_line_no}
                       for ln in lines]})


# The order the outbox's JSON has always listed an event's keys in (the central reads them by
# name; the same order keeps the stored bytes as they were).
_EVENT_KEYS = ("receipt_no", "store_id", "terminal_id", "staff_id", "member_id", "started_at",
               "completed_at", "currency", "tax_inclusive", "subtotal", "discount_total",
               "tax_total", "rounding", "total", "change", "lines", "tenders", "taxes",
               "promotions", "coupons", "member_no", "points_earned", "order_no", "without_code")
_LINE_KEYS = ("line_no", "product_id", "sku", "barcode", "measure", "qty", "list_price",
              "unit_price", "label_price", "gross", "line_discount", "basket_discount", "total",
              "tax_code", "tax_rate_ppm", "promo_discount", "order_line_no")


def event_json(payload: SalePayload) -> dict[str, Any]:
    """A sale's event as the outbox keeps it: the fields the till set (the others are the
    protocol's defaults), its times in the stored form (``posclient.domain.clock.iso``)."""
    doc = payload.model_dump(mode="json", exclude_unset=True)
    for name in ("started_at", "completed_at"):
        moment = getattr(payload, name)
        if name in doc and moment is not None:
            doc[name] = iso(moment)
    doc["lines"] = [_ordered(line, _LINE_KEYS) for line in doc["lines"]]
    return _ordered(doc, _EVENT_KEYS)


def _ordered(doc: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """``doc`` with ``keys`` first, in that order (any other key after them)."""
    return {**{k: doc[k] for k in keys if k in doc}, **doc}


def _kind(sale: SaleState) -> str:
    return "sale" if sale.pickup is None else "pickup"


def _line_row(no: int, ln: CartLine, pl: PricedLine) -> SaleLineRow:
    item = ln.item
    return SaleLineRow(
        line_no=no, product_id=item.product_id, sku=item.sku, name_zh=item.name_zh,
        name_en=item.name_en, barcode=item.barcode, measure=item.measure.value, qty=ln.qty,
        list_price=item.unit_price.minor, unit_price=ln.unit_price.minor,
        label_price=ln.fixed_amount.minor if ln.fixed_amount is not None else None,
        override_reason=ln.override_reason or None, gross=pl.gross,
        line_discount=pl.line_discount, basket_discount=pl.basket_discount, total=pl.total,
        tax_code=item.tax_code, tax_rate_ppm=item.tax_rate_ppm, order_line_no=ln.order_line_no,
        promo_discount=pl.promo_discount, stock_qty=_stock_qty(ln))


def _line_payload(ln: SaleLineRow) -> dict[str, Any]:
    """A line of the sale's event, as ``SaleLinePayload`` fields."""
    return {"line_no": ln.line_no, "product_id": ln.product_id, "sku": ln.sku,
            "barcode": ln.barcode, "measure": ln.measure, "qty": ln.qty,
            "list_price": ln.list_price, "unit_price": ln.unit_price,
            "label_price": ln.label_price, "gross": ln.gross, "line_discount": ln.line_discount,
            "basket_discount": ln.basket_discount, "total": ln.total, "tax_code": ln.tax_code,
            "tax_rate_ppm": ln.tax_rate_ppm, "promo_discount": ln.promo_discount}


def _stock_qty(line: CartLine) -> int:
    """Units (or grams) that leave the shelf."""
    if line.fixed_amount is not None and line.item.measure is Measure.GRAM:
        return 0  # a price label on a weighed item: the weight is not known
    return line.qty


def _discount_json(d: Discount | None) -> str | None:
    if d is None:
        return None
    return json.dumps({"kind": d.kind.value, "value": d.value, "reason": d.reason},
                      ensure_ascii=False)
