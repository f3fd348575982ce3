"""Receipts of committed sales: build them from the database, print, reprint, recover.

Printing always happens after the sale has committed. A sale whose receipt was never printed
(printer fault, or the till died between commit and print) keeps ``printed_at`` NULL and is
offered for printing at the next start.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypedDict
from zoneinfo import ZoneInfo

from posclient.domain.cart import Measure
from posclient.domain.clock import Clock, iso, parse_iso
from posclient.domain.errors import NotFound
from posclient.domain.money import Money, Rounding
from posclient.domain.policy import Action
from posclient.domain.privacy import masked_phone
from posclient.domain.receipt import (
    Receipt,
    ReceiptAisleOrder,
    ReceiptLine,
    ReceiptMember,
    ReceiptTax,
    ReceiptTender,
    label,
)
from posclient.domain.settings import StoreSettings
from posclient.domain.tax import TaxRate, summarize
from posclient.store import aisle as aisle_rows
from posclient.store import receipts as receipt_rows
from posclient.store.db import Store
from posclient.store.settings import load_settings

from .staff import StaffService, StaffSession


@dataclass(frozen=True, slots=True)
class UnprintedSale:
    sale_id: int
    receipt_no: str
    completed_at: str
    total: Money


def _qty_text(measure: str, qty: int, unit_price: int, label_price: int | None,
              currency: str) -> str:
    if label_price is not None:  # a scale label carried the line's price
        return f"1 x {Money(label_price, currency).to_decimal_str()}"
    price = Money(unit_price, currency).to_decimal_str()
    if measure == Measure.GRAM.value:
        return f"{qty // 1000}.{qty % 1000:03d} kg x {price}/kg"
    return f"{qty} x {price}"


class Receipts:
    def __init__(self, store: Store, clock: Clock, settings: StoreSettings | None = None) -> None:
        self.store = store
        self.clock = clock
        self.settings = settings or load_settings(store.conn)

    def sale_id(self, receipt_no: str) -> int:
        found = receipt_rows.sale_id(self.store.conn, receipt_no.strip())
        if found is None:
            raise NotFound.of("receipt_unknown", receipt_no=receipt_no)
        return found

    def build(self, sale_id: int, lang: str = "zh", *, reprint: bool = False) -> Receipt:
        s = self.settings
        sale = receipt_rows.sale(self.store.conn, sale_id)
        if sale is None:
            raise NotFound.of("sale_unknown", sale_id=sale_id)
        head, cur = sale.head, sale.head.currency
        zh = lang.startswith("zh")
        lines = []
        item_count = 0
        line_discounts = 0
        promo_discounts = 0
        for ln in sale.lines:
            fixed = ln.label_price is not None
            lines.append(ReceiptLine(
                name=(ln.name_zh or ln.name_en) if zh else (ln.name_en or ln.name_zh),
                qty_text=_qty_text(ln.measure, ln.qty, ln.unit_price, ln.label_price, cur),
                gross=Money(ln.gross, cur), line_discount=Money(ln.line_discount, cur),
                total=Money(ln.total, cur), price_changed=ln.override_reason is not None,
                promo_discount=Money(ln.promo_discount, cur) if ln.promo_discount else None))
            promo_discounts += ln.promo_discount
            item_count += ln.qty if ln.measure == Measure.EACH.value and not fixed else 1
            line_discounts += ln.line_discount
        taxes = tuple(ReceiptTax(TaxRate(t.tax_code, t.rate_ppm), Money(t.net, cur),
                                 Money(t.tax, cur)) for t in sale.taxes)
        tenders = tuple(
            ReceiptTender(t.kind, Money(t.amount, cur), Money(t.tendered, cur),
                          Money(t.change, cur), t.detail)
            for t in sale.tenders)
        local = parse_iso(head.completed_at).astimezone(ZoneInfo(s.timezone))
        return Receipt(
            **_store_part(s, zh),
            receipt_no=head.receipt_no,
            event_id=head.event_id,
            local_time=local.strftime("%Y-%m-%d %H:%M:%S"),
            cashier=f"{head.staff_name or ''} ({head.staff_id})",
            terminal_id=head.terminal_id,
            lines=tuple(lines),
            subtotal=Money(head.subtotal, cur),
            basket_discount=Money(head.discount_total - line_discounts - promo_discounts, cur),
            total=Money(head.total, cur),
            tax_inclusive=head.tax_inclusive,
            taxes=taxes,
            rounding=Money(head.rounding, cur),
            tenders=tenders,
            change=Money(head.change_given, cur),
            item_count=item_count,
            reprint=reprint,
            order_no=head.order_no,
            member=None if not head.member_no else ReceiptMember(
                head.member_label or head.member_no, head.points_earned,
                head.points_redeemed, head.points_balance),
            promotions=tuple(((p["name_zh"] or p["name_en"]) if zh else
                              (p["name_en"] or p["name_zh"]), Money(p["saved"], cur))
                             for p in json.loads(head.promotions or "[]")),
            aisle=self._aisle(sale_id, zh, cur),
        )

    def _aisle(self, sale_id: int, zh: bool, cur: str) -> tuple[ReceiptAisleOrder, ...]:
        """The orders the sale placed for other stores (issue 18)."""
        return tuple(
            ReceiptAisleOrder(
                order_no=o.order_no,
                item=(o.name_zh or o.name_en) if zh else (o.name_en or o.name_zh),
                qty_text=_qty_text(Measure.EACH.value, o.qty, o.unit_price, None, cur),
                total=Money(o.total, cur),
                store=((o.store_name_zh or o.store_name_en) if zh else
                       (o.store_name_en or o.store_name_zh)) or o.store_id,
                pickup_code=o.pickup_code, paid_now=Money(o.paid_now, cur),
                customer=f"{o.customer_name} {masked_phone(o.phone_last4)}".strip(),
                delivery=o.fulfilment == "delivery", address=o.address_masked)
            for o in aisle_rows.of_sale(self.store.conn, sale_id))

    def return_id(self, return_no: str) -> int | None:
        """The return with this number (a return slip's code), or None."""
        return receipt_rows.return_id(self.store.conn, return_no.strip())

    def copy_of_return(self, session: StaffSession, staff: StaffService, return_id: int,
                       lang: str = "zh") -> Receipt:
        """A return slip marked REPRINT (audit it with :meth:`reprinted_return` once printed)."""
        staff.authorize(session, Action.REPRINT)
        return self.build_return(return_id, lang, reprint=True)

    def reprinted_return(self, session: StaffSession, staff: StaffService,
                         return_no: str) -> None:
        staff.record(session, "reprint", return_no=return_no)

    def build_return(self, return_id: int, lang: str = "zh", *,
                     reprint: bool = False) -> Receipt:
        """The return slip: what came back, what was refunded and how, the tax given back."""
        s = self.settings
        found = receipt_rows.return_record(self.store.conn, return_id)
        if found is None:
            raise NotFound.of("return_unknown", return_id=return_id)
        head, cur = found.head, found.head.currency
        zh = lang.startswith("zh")
        damaged = label("damaged", lang)
        lines, amounts, count = [], [], 0
        for ln in found.lines:
            name = (ln.name_zh or ln.name_en) if zh else (ln.name_en or ln.name_zh)
            qty = ln.qty
            qty_text = (f"{qty // 1000}.{qty % 1000:03d} kg" if ln.measure == Measure.GRAM.value
                        else f"{qty}")
            if ln.condition == "damaged":
                qty_text += f" ({damaged})"
            lines.append(ReceiptLine(name=name, qty_text=qty_text, gross=Money(ln.amount, cur),
                                     line_discount=Money(0, cur), total=Money(ln.amount, cur)))
            amounts.append((ln.tax_code, ln.tax_rate_ppm, ln.amount))
            count += qty if ln.measure == Measure.EACH.value else 1
        if not found.lines and head.source_kind == "order":  # an order placed at a till, cancelled
            lines.append(ReceiptLine(
                name=f"{label('order_cancelled', lang)} {head.source_ref or ''}", qty_text="1",
                gross=Money(head.total, cur), line_discount=Money(0, cur),
                total=Money(head.total, cur)))
        taxes = tuple(ReceiptTax(TaxRate(t.code, t.rate_ppm), Money(t.net, cur),
                                 Money(t.tax, cur))
                      for t in summarize(amounts, inclusive=s.tax_inclusive,
                                         mode=Rounding(s.tax_rounding)))
        tenders = tuple(
            ReceiptTender(t.kind, Money(t.amount, cur), Money(t.amount, cur), Money(0, cur),
                          t.detail)
            for t in found.tenders)
        local = parse_iso(head.completed_at).astimezone(ZoneInfo(s.timezone))
        return Receipt(
            **_store_part(s, zh), receipt_no=head.return_no, event_id=head.event_id,
            local_time=local.strftime("%Y-%m-%d %H:%M:%S"),
            cashier=f"{head.staff_name or ''} ({head.staff_id})", terminal_id=head.terminal_id,
            lines=tuple(lines), subtotal=Money(head.total, cur), basket_discount=Money(0, cur),
            total=Money(head.total, cur), tax_inclusive=s.tax_inclusive, taxes=taxes,
            rounding=Money(0, cur), tenders=tenders, change=Money(0, cur), item_count=count,
            reprint=reprint, refund_of=head.source_ref or "")

    def unprinted(self) -> list[UnprintedSale]:
        """Committed sales whose receipt never printed, oldest first."""
        return [UnprintedSale(r.sale_id, r.receipt_no, r.completed_at, Money(r.total, r.currency))
                for r in receipt_rows.unprinted(self.store.conn)]

    def mark_printed(self, sale_id: int) -> None:
        """The sale's receipt printed: no longer pending, and the pick-up codes of the orders
        it placed for other stores are on the customer's paper only (store/aisle.py)."""
        with self.store.write() as conn:
            receipt_rows.mark_printed(conn, sale_id, iso(self.clock.now()))
            aisle_rows.forget_codes(conn, sale_id)

    def print_sale(self, sale_id: int, printer: Callable[[Receipt], None], lang: str = "zh",
                   ) -> None:
        """Print the receipt of a sale that was never printed, and mark it printed.

        A printer fault propagates to the caller; the sale stays unprinted and is offered again.
        """
        printer(self.build(sale_id, lang))
        self.mark_printed(sale_id)

    def reprint(self, session: StaffSession, staff: StaffService, sale_id: int,
                printer: Callable[[Receipt], None], lang: str = "zh") -> None:
        """A copy marked REPRINT; audited."""
        receipt = self.copy_for_reprint(session, staff, sale_id, lang)
        printer(receipt)
        self.reprinted(session, staff, sale_id, receipt.receipt_no)

    def copy_for_reprint(self, session: StaffSession, staff: StaffService, sale_id: int,
                         lang: str = "zh") -> Receipt:
        """Step one of a reprint (a GUI prints off its own thread in between)."""
        staff.authorize(session, Action.REPRINT)
        return self.build(sale_id, lang, reprint=True)

    def reprinted(self, session: StaffSession, staff: StaffService, sale_id: int,
                  receipt_no: str, *, printed: bool = True) -> None:
        """Step two, once the copy has printed: the audit record, and the sale marked printed
        (not when the copy was only shown on a screen: ``printed=False``)."""
        staff.record(session, "reprint", sale_id=sale_id, receipt_no=receipt_no)
        if printed:
            self.mark_printed(sale_id)


class _StorePart(TypedDict):
    """The :class:`Receipt` fields that say what the store is."""

    store_name: str
    address: str
    phone: str
    tax_id: str
    return_policy: str
    footer: str


def _store_part(s: StoreSettings, zh: bool) -> _StorePart:
    """What every receipt and slip says of the store: name, address, phone, tax id, return
    policy and footer (set at the central per store), in the receipt's language."""
    return {"store_name": s.store_name_zh if zh else s.store_name_en, "address": s.address,
            "phone": s.phone, "tax_id": s.tax_id,
            "return_policy": s.return_policy_zh if zh else s.return_policy_en,
            "footer": s.receipt_footer_zh if zh else s.receipt_footer_en}
