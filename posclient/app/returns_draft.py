"""Preparing a return: the lines that come back and what they are worth, the approvals the
rules ask for, the reason (posclient/app/returns.py has the rules)."""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from posclient.domain.errors import InvalidInput, NotFound
from posclient.domain.money import Money, div_round
from posclient.domain.policy import Action
from posclient.domain.settings import StoreSettings
from posclient.store.catalog import Catalog, Product

from . import reasons
from .lookup import Lookup
from .returns_purchase import Purchase

if TYPE_CHECKING:
    from sync.protocol import PurchaseLineData

CONDITIONS = ("restock", "damaged")


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


# -- with a receipt ------------------------------------------------------------------------------

def check_currency(purchase: Purchase, settings: StoreSettings) -> None:
    if purchase.data.currency != settings.currency:
        raise InvalidInput.of("currency_mismatch.refund", ref=purchase.ref,
                              currency=purchase.data.currency, till_currency=settings.currency)


def purchase_lines(purchase: Purchase, quantities: dict[int, int], conditions: dict[int, str],
                   catalog: Catalog) -> list[ReturnLine]:
    """The return lines of ``{line_id: qty}`` (a zero skipped), in line order; refuses more than
    is returnable and part of a weighed line."""
    lines = []
    for line_id, qty in sorted(quantities.items()):
        if qty == 0:
            continue
        ln = _returnable_line(purchase, line_id, qty)
        product = catalog.by_id(ln.product_id)
        tax_code, rate = _tax(ln, product, catalog)
        lines.append(ReturnLine(
            line_id, ln.product_id, ln.sku,
            ln.name_zh or (product.name_zh if product else ""),
            ln.name_en or (product.name_en if product else ""), ln.measure, qty,
            purchase.refund_value(line_id, qty), condition(conditions.get(line_id)),
            tax_code, rate, product.category if product else ""))
    return lines


def _returnable_line(purchase: Purchase, line_id: int, qty: int) -> PurchaseLineData:
    ln = purchase.line(line_id)
    left = purchase.returnable(line_id)
    if qty < 0 or qty > left:
        raise InvalidInput.of(
            "return_beyond_returnable", ref=purchase.ref, line_id=line_id,
            product=ln.name_en or ln.sku, product_zh=ln.name_zh or ln.sku, left=left, qty=qty)
    if ln.measure == "g" and qty != left:
        raise InvalidInput.of("return_weighed_part", ref=purchase.ref, line_id=line_id)
    return ln


def _tax(ln: PurchaseLineData, product: Product | None, catalog: Catalog) -> tuple[str, int]:
    """The line's tax; a web order's line has none: the till's tax of the product."""
    if ln.tax_code or product is None:
        return ln.tax_code, ln.tax_rate_ppm
    tax = catalog.tax_rates().get(product.tax_code)
    return product.tax_code, tax.rate_ppm if tax else 0


# -- without a receipt ---------------------------------------------------------------------------

def unreceipted_lines(items: list[tuple[str, int, str]], lookup: Lookup, catalog: Catalog,
                      settings: StoreSettings) -> list[ReturnLine]:
    """``(code, qty, condition)`` per item, each refunded at today's shelf price."""
    return [_unreceipted_line(lookup, catalog, settings, code, qty, cond)
            for code, qty, cond in items]


def _unreceipted_line(lookup: Lookup, catalog: Catalog, settings: StoreSettings, code: str,
                      qty: int, cond: str) -> ReturnLine:
    found = lookup.resolve(code)
    p = found.product
    if qty <= 0 or qty > settings.limits.max_qty:
        raise InvalidInput.of("return_qty_invalid", qty=qty)
    price = lookup.price(p)
    tax = catalog.tax_rates().get(p.tax_code)
    if price is None or tax is None:
        raise NotFound.of("price_missing", product=p.name_en, product_zh=p.name_zh,
                       sku=p.sku)
    if p.measure.value == "g" and found.weight_g is None and found.label_price is None:
        raise InvalidInput.of("return_weighed_label", product=p.name_en,
                           product_zh=p.name_zh)
    units = found.weight_g if found.weight_g is not None else qty
    amount = (found.label_price if found.label_price is not None
              else div_round(price.minor * units, 1000) if p.measure.value == "g"
              else price.minor * units)
    return ReturnLine(None, p.id, p.sku, p.name_zh, p.name_en, p.measure.value, units, amount,
                      condition(cond), tax.code, tax.rate_ppm, p.category)


# -- either way ----------------------------------------------------------------------------------

def needed_approvals(settings: StoreSettings, now: datetime, lines: list[ReturnLine],
          purchase: Purchase | None) -> tuple[Action, ...]:
    """The approvals the amount and the purchase's age ask for."""
    s, out = settings, []
    if sum(ln.amount for ln in lines) > s.return_approval_above:
        out.append(Action.RETURN_OVER_LIMIT)
    if purchase is not None:
        age = now - _aware(purchase.data.purchased_at, now)
        for ln in lines:
            window = s.return_window_by_category.get(ln.category, s.return_window_days)
            if window <= 0 or age > timedelta(days=window):
                out.append(Action.RETURN_OUTSIDE_POLICY)
                break
    return tuple(out)


def make_draft(conn: sqlite3.Connection, settings: StoreSettings, purchase: Purchase | None,
               lines: list[ReturnLine], reason: str, needs: tuple[Action, ...],
               reason_code: str | None) -> ReturnDraft:
    """The draft, once it has lines and a reason; offline (no central's copy) a manager
    approves too."""
    if not lines:
        raise InvalidInput.of("return_empty")
    code, reason = reasons.resolve(conn, "return", reason_code, reason,
                                   free_text=settings.reason_free_text)
    if not reason:
        raise InvalidInput.of("reason_required.return")
    total = Money(sum(ln.amount for ln in lines), settings.currency)
    if purchase is None or not purchase.online:
        needs = (*needs, Action.RETURN_OFFLINE)
    return ReturnDraft(purchase, tuple(lines), reason, total, tuple(dict.fromkeys(needs)),
                       reason_code=code)


def condition(value: str | None) -> str:
    """A returned item's condition: restock (the default) or damaged."""
    value = value or "restock"
    if value not in CONDITIONS:
        raise InvalidInput.of("return_condition_invalid", condition=value)
    return value


def _aware(t: datetime, like: datetime) -> datetime:
    """Compare times of the same kind (the central's are aware, old local ones may not be)."""
    if (t.tzinfo is None) == (like.tzinfo is None):
        return t
    return t.replace(tzinfo=like.tzinfo) if t.tzinfo is None else t.replace(tzinfo=None)
