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
from posclient.domain.receipt import (
    Receipt,
    ReceiptLine,
    ReceiptMember,
    ReceiptTax,
    ReceiptTender,
    label,
)
from posclient.domain.settings import StoreSettings
from posclient.domain.tax import TaxRate, summarize
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
        row = self.store.conn.execute("SELECT id FROM sales WHERE receipt_no = ?",
                                      (receipt_no.strip(),)).fetchone()
        if row is None:
            raise NotFound.of("receipt_unknown", receipt_no=receipt_no)
        return int(row[0])

    def build(self, sale_id: int, lang: str = "zh", *, reprint: bool = False) -> Receipt:
        conn = self.store.conn
        s = self.settings
        row = conn.execute(
            "SELECT s.receipt_no, s.event_id, s.completed_at, s.staff_id, st.name, "
            "s.terminal_id, s.currency, s.subtotal, s.discount_total, s.total, "
            "s.tax_inclusive, s.rounding, s.change_given, s.order_no, s.member_no, "
            "s.member_label, s.points_earned, s.points_redeemed, s.points_balance, "
            "s.promotions FROM sales s LEFT JOIN staff st ON st.id = s.staff_id WHERE s.id = ?",
            (sale_id,)).fetchone()
        if row is None:
            raise NotFound.of("sale_unknown", sale_id=sale_id)
        (receipt_no, event_id, completed_at, staff_id, staff_name, terminal_id, cur,
         subtotal, discount_total, total, inclusive, rounding, change, order_no, member_no,
         member_label, earned, redeemed, balance, promotions) = row
        zh = lang.startswith("zh")
        lines = []
        item_count = 0
        line_discounts = 0
        promo_discounts = 0
        for (name_zh, name_en, measure, qty, unit_price, label_price, gross, line_disc,
             total_l, reason, promo) in conn.execute(
                "SELECT name_zh, name_en, measure, qty, unit_price, label_price, gross, "
                "line_discount, total, override_reason, promo_discount FROM sale_lines "
                "WHERE sale_id = ? ORDER BY line_no", (sale_id,)):
            fixed = label_price is not None
            lines.append(ReceiptLine(
                name=(name_zh or name_en) if zh else (name_en or name_zh),
                qty_text=_qty_text(measure, qty, unit_price, label_price, cur),
                gross=Money(gross, cur), line_discount=Money(line_disc, cur),
                total=Money(total_l, cur), price_changed=reason is not None,
                promo_discount=Money(promo, cur) if promo else None))
            promo_discounts += promo
            item_count += qty if measure == Measure.EACH.value and not fixed else 1
            line_discounts += line_disc
        taxes = tuple(
            ReceiptTax(TaxRate(code, rate), Money(net, cur), Money(tax, cur))
            for code, rate, net, tax in conn.execute(
                "SELECT tax_code, rate_ppm, net, tax FROM sale_taxes WHERE sale_id = ? "
                "ORDER BY tax_code", (sale_id,)))
        tenders = tuple(
            ReceiptTender(kind, Money(amount, cur), Money(tendered, cur), Money(chg, cur),
                          detail)
            for kind, amount, tendered, chg, detail in conn.execute(
                "SELECT kind, amount, tendered, change, detail FROM sale_tenders "
                "WHERE sale_id = ? ORDER BY seq", (sale_id,)))
        local = parse_iso(completed_at).astimezone(ZoneInfo(s.timezone))
        return Receipt(
            **_store_part(s, zh),
            receipt_no=receipt_no,
            event_id=event_id,
            local_time=local.strftime("%Y-%m-%d %H:%M:%S"),
            cashier=f"{staff_name or ''} ({staff_id})",
            terminal_id=terminal_id,
            lines=tuple(lines),
            subtotal=Money(subtotal, cur),
            basket_discount=Money(discount_total - line_discounts - promo_discounts, cur),
            total=Money(total, cur),
            tax_inclusive=bool(inclusive),
            taxes=taxes,
            rounding=Money(rounding, cur),
            tenders=tenders,
            change=Money(change, cur),
            item_count=item_count,
            reprint=reprint,
            order_no=order_no,
            member=None if not member_no else ReceiptMember(
                member_label or member_no, earned, redeemed, balance),
            promotions=tuple(((p["name_zh"] or p["name_en"]) if zh else
                              (p["name_en"] or p["name_zh"]), Money(p["saved"], cur))
                             for p in json.loads(promotions or "[]")),
        )

    def return_id(self, return_no: str) -> int | None:
        """The return with this number (a return slip's code), or None."""
        row = self.store.conn.execute("SELECT id FROM returns WHERE return_no = ?",
                                      (return_no.strip(),)).fetchone()
        return None if row is None else int(row[0])

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
        conn = self.store.conn
        s = self.settings
        row = conn.execute(
            "SELECT r.return_no, r.event_id, r.completed_at, r.staff_id, st.name, "
            "r.terminal_id, r.currency, r.total, r.source_ref FROM returns r "
            "LEFT JOIN staff st ON st.id = r.staff_id WHERE r.id = ?", (return_id,)).fetchone()
        if row is None:
            raise NotFound.of("return_unknown", return_id=return_id)
        (return_no, event_id, completed_at, staff_id, staff_name, terminal_id, cur, total,
         source) = row
        zh = lang.startswith("zh")
        damaged = label("damaged", lang)
        lines, amounts, count = [], [], 0
        for name_zh, name_en, measure, qty, amount, condition, code, rate in conn.execute(
                "SELECT name_zh, name_en, measure, qty, amount, condition, tax_code, "
                "tax_rate_ppm FROM return_lines WHERE return_id = ? ORDER BY line_no",
                (return_id,)):
            name = (name_zh or name_en) if zh else (name_en or name_zh)
            qty_text = (f"{qty // 1000}.{qty % 1000:03d} kg" if measure == Measure.GRAM.value
                        else f"{qty}")
            if condition == "damaged":
                qty_text += f" ({damaged})"
            lines.append(ReceiptLine(name=name, qty_text=qty_text, gross=Money(amount, cur),
                                     line_discount=Money(0, cur), total=Money(amount, cur)))
            amounts.append((code, rate, amount))
            count += qty if measure == Measure.EACH.value else 1
        taxes = tuple(ReceiptTax(TaxRate(t.code, t.rate_ppm), Money(t.net, cur),
                                 Money(t.tax, cur))
                      for t in summarize(amounts, inclusive=s.tax_inclusive,
                                         mode=Rounding(s.tax_rounding)))
        tenders = tuple(
            ReceiptTender(kind, Money(amount, cur), Money(amount, cur), Money(0, cur), detail)
            for kind, amount, detail in conn.execute(
                "SELECT kind, amount, detail FROM return_tenders WHERE return_id = ? "
                "ORDER BY seq", (return_id,)))
        local = parse_iso(completed_at).astimezone(ZoneInfo(s.timezone))
        return Receipt(
            **_store_part(s, zh), receipt_no=return_no, event_id=event_id,
            local_time=local.strftime("%Y-%m-%d %H:%M:%S"),
            cashier=f"{staff_name or ''} ({staff_id})", terminal_id=terminal_id,
            lines=tuple(lines), subtotal=Money(total, cur), basket_discount=Money(0, cur),
            total=Money(total, cur), tax_inclusive=s.tax_inclusive, taxes=taxes,
            rounding=Money(0, cur), tenders=tenders, change=Money(0, cur), item_count=count,
            reprint=reprint, refund_of=source or "")

    def unprinted(self) -> list[UnprintedSale]:
        """Committed sales whose receipt never printed, oldest first."""
        return [UnprintedSale(r[0], r[1], r[2], Money(r[3], r[4]))
                for r in self.store.conn.execute(
                    "SELECT id, receipt_no, completed_at, total, currency FROM sales "
                    "WHERE printed_at IS NULL ORDER BY id")]

    def mark_printed(self, sale_id: int) -> None:
        with self.store.write() as conn:
            conn.execute("UPDATE sales SET printed_at = ? WHERE id = ? AND printed_at IS NULL",
                         (iso(self.clock.now()), sale_id))

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
