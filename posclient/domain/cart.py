"""The cart: lines, quantities and weights, discounts, overrides, voids, and its priced totals.

Every mutating method validates first and raises :class:`InvalidInput` before touching state,
so a refused change leaves the cart exactly as it was.

Rounding rules (explicit):
- a weighed line costs ``price_per_kg * grams / 1000``, rounded half-up to the minor unit;
- a percent discount is ``amount * bp / 10000``, rounded half-up;
- a basket discount is spread over the lines in proportion to their amounts by largest
  remainder, so the parts add up to the discount exactly and tax per rate stays right;
- tax is computed per rate on the discounted sums (see :mod:`posclient.domain.tax`).

A web order's line handed over at the till (:meth:`Cart.add_order_line`) carries the order's
price and discount and is never priced again: no override, discount or quantity change, no
share of a basket discount, and the store's promotions are neither given it (:attr:`Cart.
priceable`) nor applied to it (:meth:`Cart.totals` ignores a promotion discount on it). It was
priced on the web; the web payment and the customer's pick-up bill are worked out from that
price (posclient/app/orders.py), so the till must charge exactly it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple

from .errors import InvalidInput
from .money import Money, Rounding, allocate, div_round
from .names import local_name
from .policy import DEFAULT_LIMITS, Limits
from .tax import TaxLine, summarize


class Measure(StrEnum):
    EACH = "each"  # quantity is a count of units; price is per unit
    GRAM = "g"  # quantity is a weight in grams; price is per kilogram


@dataclass(frozen=True, slots=True)
class Item:
    """What the cart knows about a product, captured when it is scanned."""

    product_id: int
    sku: str
    name_zh: str
    name_en: str
    measure: Measure
    unit_price: Money  # per unit, or per kg for weighed items
    tax_code: str
    tax_rate_ppm: int
    category: str = ""
    barcode: str = ""
    discountable: bool = True  # False: never reduced (a gift card), see the module docstring

    def name(self, lang: str) -> str:
        return local_name(self.name_zh, self.name_en, lang)


class DiscountKind(StrEnum):
    PERCENT = "percent"
    AMOUNT = "amount"


@dataclass(frozen=True, slots=True)
class Discount:
    kind: DiscountKind
    value: int  # basis points (10% = 1000) for PERCENT, minor units for AMOUNT
    reason: str = ""

    @classmethod
    def percent(cls, bp: int, reason: str = "") -> Discount:
        if not 0 < bp <= 10_000:
            raise InvalidInput.of("discount_range.percent")
        return cls(DiscountKind.PERCENT, bp, reason)

    @classmethod
    def amount(cls, minor: int, reason: str = "") -> Discount:
        if minor <= 0:
            raise InvalidInput.of("discount_range.amount")
        return cls(DiscountKind.AMOUNT, minor, reason)

    @classmethod
    def parse(cls, text: str, currency: str, reason: str = "") -> Discount:
        """``"10%"``, ``"12.5%"`` or an amount such as ``"5"`` / ``"5.50"``."""
        t = text.strip()
        try:
            if t.endswith("%"):
                whole, _, frac = t[:-1].strip().partition(".")
                if not whole.isdigit() or (frac and not frac.isdigit()) or len(frac) > 2:
                    raise ValueError
                return cls.percent(int(whole) * 100 + int(frac.ljust(2, "0") or 0), reason)
            return cls.amount(Money.parse(t, currency).minor, reason)
        except ValueError:
            raise InvalidInput.of("discount_malformed", text=text) from None

    def amount_off(self, base: int) -> int:
        if self.kind is DiscountKind.PERCENT:
            return div_round(base * self.value, 10_000, Rounding.HALF_UP)
        return self.value

    def exceeds_percent(self, base: int, limit_bp: int) -> bool:
        """Whether this discount gives more than ``limit_bp`` of ``base``."""
        if self.kind is DiscountKind.PERCENT:
            return self.value > limit_bp
        return self.value * 10_000 > base * limit_bp


@dataclass(frozen=True, slots=True)
class OrderLineRef:
    """The web order's line a cart line hands over."""

    order_no: str
    line_no: int


@dataclass(slots=True)
class CartLine:
    line_id: int
    item: Item
    qty: int  # units, or grams when item.measure is GRAM
    price_override: Money | None = None
    override_reason: str = ""
    discount: Discount | None = None
    fixed_amount: Money | None = None  # price printed on a scale label
    voided: bool = False
    order: OrderLineRef | None = None  # a web order's line: the order's price, fixed

    @property
    def order_line_no(self) -> int | None:
        return self.order.line_no if self.order is not None else None

    @property
    def unit_price(self) -> Money:
        return self.price_override if self.price_override is not None else self.item.unit_price

    @property
    def gross(self) -> int:
        """Line amount before discounts, minor units."""
        if self.fixed_amount is not None:
            return self.fixed_amount.minor
        if self.item.measure is Measure.GRAM:
            return div_round(self.unit_price.minor * self.qty, 1000, Rounding.HALF_UP)
        return self.unit_price.minor * self.qty

    @property
    def line_discount(self) -> int:
        return self.discount.amount_off(self.gross) if self.discount else 0


class PricedLine(NamedTuple):
    """One line's amounts in minor units (a tuple: made for every line on every scan)."""

    line_id: int
    gross: int
    line_discount: int
    basket_discount: int
    total: int  # gross - discounts: what the customer pays for this line (before exclusive tax)
    promo_discount: int = 0  # the promotions' share of the line (posclient/domain/promotions)


@dataclass(frozen=True, slots=True)
class Totals:
    currency: str
    inclusive: bool
    lines: tuple[PricedLine, ...]
    subtotal: Money  # sum of gross amounts
    line_discounts: Money
    basket_discount: Money
    taxes: tuple[TaxLine, ...]
    tax_total: Money
    total: Money  # what is due
    promo_discounts: Money | None = None  # the promotions' discounts, all lines

    @property
    def discount_total(self) -> Money:
        promo = self.promo_discounts or Money.zero(self.currency)
        return self.line_discounts + promo + self.basket_discount

    def line(self, line_id: int) -> PricedLine:
        for pl in self.lines:
            if pl.line_id == line_id:
                return pl
        raise KeyError(line_id)


@dataclass
class Cart:
    currency: str
    tax_inclusive: bool = True
    tax_rounding: Rounding = Rounding.HALF_UP
    limits: Limits = DEFAULT_LIMITS
    lines: list[CartLine] = field(default_factory=list)
    basket_discount: Discount | None = None
    _next_id: int = 1
    # Set by the checkout from the promotion engine after each change: each line's promotion
    # discount, and what applied ((id, name_zh, name_en, saved) for the screen and receipt).
    promo: dict[int, int] = field(default_factory=dict)
    promotions: tuple[tuple[str, str, str, int], ...] = ()

    # -- queries -------------------------------------------------------------------------------
    @property
    def active_lines(self) -> list[CartLine]:
        return [ln for ln in self.lines if not ln.voided]

    @property
    def priceable(self) -> list[CartLine]:
        """The active lines the store's pricing applies to (promotions, a basket discount,
        member prices): all but a web order's lines, which keep the order's price, and lines
        of products that are not discountable (a gift card), which keep their full price."""
        return [ln for ln in self.lines
                if not ln.voided and ln.order is None and ln.item.discountable]

    @property
    def is_empty(self) -> bool:
        return not self.active_lines

    def get(self, line_id: int) -> CartLine:
        for ln in self.lines:
            if ln.line_id == line_id and not ln.voided:
                return ln
        raise InvalidInput.of("line_not_found", line_id=line_id)

    def _changeable(self, line_id: int) -> CartLine:
        """The line, if the till may change it: a web order's line may not."""
        line = self.get(line_id)
        if line.order is not None:
            raise InvalidInput.of("pickup_locked", order_no=line.order.order_no)
        return line

    def _reducible(self, line_id: int) -> CartLine:
        """The line, if its price may be changed by hand: not an order's line, nor a product
        that is not discountable."""
        line = self._changeable(line_id)
        if not line.item.discountable:
            raise InvalidInput.of("not_discountable", product=line.item.name_en,
                                  product_zh=line.item.name_zh)
        return line

    # -- validation ----------------------------------------------------------------------------
    def _check_qty(self, item: Item, qty: int) -> None:
        if not isinstance(qty, int) or isinstance(qty, bool):
            raise InvalidInput.of("qty_invalid.whole")
        if item.measure is Measure.GRAM:
            if qty <= 0:
                raise InvalidInput.of("qty_invalid.weight")
            if qty > self.limits.max_weight_g:
                raise InvalidInput.of("qty_too_large.weight", weight_g=qty,
                                      max_weight_g=self.limits.max_weight_g)
        else:
            if qty <= 0:
                raise InvalidInput.of("qty_invalid.at_least_one")
            if qty > self.limits.max_qty:
                raise InvalidInput.of("qty_too_large.qty", qty=qty, max_qty=self.limits.max_qty)

    def _check_currency(self, money: Money) -> None:
        if money.currency != self.currency:
            raise InvalidInput.of("currency_mismatch.price", currency=money.currency,
                                  till_currency=self.currency)

    # -- mutations -----------------------------------------------------------------------------
    def add(self, item: Item, qty: int = 1, *, fixed_amount: Money | None = None,
            merge: bool = True) -> CartLine:
        """Add a scanned item. With ``merge`` (the store's setting, on by default) a repeat scan
        of a plain unit item raises the quantity of its line, wherever it is in the sale;
        weighed items, price labels and lines changed by hand stay lines of their own."""
        self._check_currency(item.unit_price)
        self._check_qty(item, qty)
        if fixed_amount is not None:
            self._check_currency(fixed_amount)
            if fixed_amount.minor <= 0:
                raise InvalidInput.of("price_invalid.label")
        same = None
        if merge and fixed_amount is None and item.measure is Measure.EACH:
            same = next((ln for ln in reversed(self.active_lines)
                         if ln.item.product_id == item.product_id and ln.fixed_amount is None
                         and ln.order is None and ln.price_override is None
                         and ln.discount is None and ln.item.unit_price == item.unit_price),
                        None)
        if same is not None:
            self._check_qty(item, same.qty + qty)
            same.qty += qty
            return same
        if len(self.active_lines) >= self.limits.max_lines:
            raise InvalidInput.of("too_many_lines", max_lines=self.limits.max_lines)
        line = CartLine(self._next_id, item, qty, fixed_amount=fixed_amount)
        self._next_id += 1
        self.lines.append(line)
        return line

    def add_order_line(self, item: Item, qty: int, order: OrderLineRef,
                       discount: Discount | None = None) -> CartLine:
        """A web order's line handed over: a line of its own, never merged, at the order's
        price and discount (``item.unit_price`` and ``discount``), never priced again."""
        self._check_currency(item.unit_price)
        self._check_qty(item, qty)
        if discount is not None and discount.amount_off(item.unit_price.minor * qty) > \
                item.unit_price.minor * qty:
            raise InvalidInput.of("discount_too_large.line")
        if len(self.active_lines) >= self.limits.max_lines:
            raise InvalidInput.of("too_many_lines", max_lines=self.limits.max_lines)
        line = CartLine(self._next_id, item, qty, discount=discount, order=order)
        self._next_id += 1
        self.lines.append(line)
        return line

    def set_qty(self, line_id: int, qty: int) -> None:
        line = self._changeable(line_id)
        if line.fixed_amount is not None:
            raise InvalidInput.of("qty_fixed")
        self._check_qty(line.item, qty)
        line.qty = qty
        if line.discount is not None and line.discount.amount_off(line.gross) > line.gross:
            line.discount = None  # as in override_price: an amount discount that no longer fits

    def override_price(self, line_id: int, price: Money, reason: str = "") -> None:
        line = self._reducible(line_id)
        self._check_currency(price)
        if price.minor < 0:
            raise InvalidInput.of("price_invalid.negative")
        if price.minor > self.limits.max_unit_price_minor:
            raise InvalidInput.of("price_too_large", price=price)
        if line.fixed_amount is not None:
            raise InvalidInput.of("price_fixed")
        line.price_override = price
        line.override_reason = reason
        if line.discount is not None and line.discount.amount_off(line.gross) > line.gross:
            line.discount = None  # an amount discount larger than the new price no longer fits

    def set_line_discount(self, line_id: int, discount: Discount | None) -> None:
        line = self._reducible(line_id) if discount is not None else self._changeable(line_id)
        if discount is not None and discount.amount_off(line.gross) > line.gross:
            raise InvalidInput.of("discount_too_large.line")
        line.discount = discount

    def set_basket_discount(self, discount: Discount | None) -> None:
        if discount is not None:
            base = sum(ln.gross - ln.line_discount for ln in self.priceable)
            if base <= 0:
                raise InvalidInput.of("discount_too_large.nothing")
            if discount.amount_off(base) > base:
                raise InvalidInput.of("discount_too_large.sale")
        self.basket_discount = discount

    def void_line(self, line_id: int) -> CartLine:
        line = self._changeable(line_id)
        line.voided = True
        if self.basket_discount is not None and self.priceable:
            base = sum(ln.gross - ln.line_discount for ln in self.priceable)
            if self.basket_discount.amount_off(base) > base:
                self.basket_discount = None
        elif not self.priceable:
            self.basket_discount = None
        return line

    # -- pricing -------------------------------------------------------------------------------
    def totals(self) -> Totals:
        """Price the cart. O(lines), computed after every change (the till shows the total
        after each scan), so the loop stays tight: each line's amounts are computed once."""
        active = [ln for ln in self.lines if not ln.voided]
        grosses, line_discs, promos, after_line = self._line_amounts(active)
        basket, parts = self._basket_parts(active, after_line)
        base = sum(after_line)
        priced = tuple(map(PricedLine, [ln.line_id for ln in active], grosses, line_discs, parts,
                           [a - p for a, p in zip(after_line, parts, strict=True)], promos))
        taxes = summarize(
            ((ln.item.tax_code, ln.item.tax_rate_ppm, pl.total)
             for ln, pl in zip(active, priced, strict=True)),
            inclusive=self.tax_inclusive,
            mode=self.tax_rounding,
        )
        tax_total = sum(t.tax for t in taxes)
        net_total = base - basket
        c = self.currency
        return Totals(
            currency=c,
            inclusive=self.tax_inclusive,
            lines=priced,
            subtotal=Money(sum(grosses), c),
            line_discounts=Money(sum(line_discs), c),
            basket_discount=Money(basket, c),
            taxes=tuple(taxes),
            tax_total=Money(tax_total, c),
            total=Money(net_total if self.tax_inclusive else net_total + tax_total, c),
            promo_discounts=Money(sum(promos), c),
        )

    def _line_amounts(self, active: list[CartLine]
                      ) -> tuple[list[int], list[int], list[int], list[int]]:
        """Each active line's gross, line discount, promotions' share, and what is left."""
        grosses = [ln.gross for ln in active]
        line_discs = [ln.discount.amount_off(g) if ln.discount else 0
                      for ln, g in zip(active, grosses, strict=True)]
        promos = [min(self.promo.get(ln.line_id, 0), g - d)
                  if ln.order is None and ln.item.discountable else 0
                  for ln, g, d in zip(active, grosses, line_discs, strict=True)]
        after_line = [g - d - p for g, d, p in zip(grosses, line_discs, promos, strict=True)]
        return grosses, line_discs, promos, after_line

    def _basket_parts(self, active: list[CartLine], after_line: list[int]
                      ) -> tuple[int, list[int]]:
        """The basket discount, and each active line's share of it."""
        # A basket discount is shared by the lines the store prices, never an order's lines
        # nor a product that is not discountable.
        shared = [i for i, ln in enumerate(active)
                  if ln.order is None and ln.item.discountable]
        share_base = sum(after_line[i] for i in shared)
        basket = (self.basket_discount.amount_off(share_base)
                  if self.basket_discount and share_base else 0)
        basket = min(basket, share_base)
        parts = [0] * len(active)
        if basket:
            # Allocate in a canonical order (not scan order) so that which line takes a tied
            # fen, and so an exclusive store's tax, never depends on the order of scanning.
            order = sorted(shared, key=lambda i: (
                active[i].item.tax_code, active[i].item.product_id, after_line[i],
                active[i].qty))
            for i, part in zip(order, allocate(basket, [after_line[i] for i in order]),
                               strict=True):
                parts[i] = part
        return basket, parts

    # -- persistence (suspend / resume) --------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        def money(m: Money | None) -> int | None:
            return None if m is None else m.minor

        def disc(d: Discount | None) -> dict[str, Any] | None:
            return None if d is None else {"kind": d.kind.value, "value": d.value,
                                           "reason": d.reason}

        return {
            "currency": self.currency,
            "tax_inclusive": self.tax_inclusive,
            "tax_rounding": self.tax_rounding.value,
            "basket_discount": disc(self.basket_discount),
            "next_id": self._next_id,
            "lines": [
                {
                    "line_id": ln.line_id,
                    "item": {
                        "product_id": ln.item.product_id, "sku": ln.item.sku,
                        "name_zh": ln.item.name_zh, "name_en": ln.item.name_en,
                        "measure": ln.item.measure.value, "unit_price": ln.item.unit_price.minor,
                        "tax_code": ln.item.tax_code, "tax_rate_ppm": ln.item.tax_rate_ppm,
                        "category": ln.item.category, "barcode": ln.item.barcode,
                        **({} if ln.item.discountable else {"discountable": False}),
                    },
                    "qty": ln.qty,
                    "price_override": money(ln.price_override),
                    "override_reason": ln.override_reason,
                    "discount": disc(ln.discount),
                    "fixed_amount": money(ln.fixed_amount),
                    "voided": ln.voided,
                    **({"order": [ln.order.order_no, ln.order.line_no]} if ln.order else {}),
                }
                for ln in self.lines
            ],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], limits: Limits = DEFAULT_LIMITS) -> Cart:
        c = data["currency"]

        def money(v: int | None) -> Money | None:
            return None if v is None else Money(v, c)

        def disc(d: dict[str, Any] | None) -> Discount | None:
            return None if d is None else Discount(DiscountKind(d["kind"]), d["value"],
                                                   d.get("reason", ""))

        cart = cls(currency=c, tax_inclusive=data["tax_inclusive"],
                   tax_rounding=Rounding(data["tax_rounding"]), limits=limits)
        for ld in data["lines"]:
            it = ld["item"]
            item = Item(
                product_id=it["product_id"], sku=it["sku"], name_zh=it["name_zh"],
                name_en=it["name_en"], measure=Measure(it["measure"]),
                unit_price=Money(it["unit_price"], c), tax_code=it["tax_code"],
                tax_rate_ppm=it["tax_rate_ppm"], category=it.get("category", ""),
                barcode=it.get("barcode", ""), discountable=bool(it.get("discountable", True)),
            )
            cart.lines.append(CartLine(
                line_id=ld["line_id"], item=item, qty=ld["qty"],
                price_override=money(ld["price_override"]),
                override_reason=ld.get("override_reason", ""),
                discount=disc(ld["discount"]), fixed_amount=money(ld["fixed_amount"]),
                voided=ld["voided"],
                order=OrderLineRef(str(ld["order"][0]), int(ld["order"][1]))
                if ld.get("order") else None,
            ))
        cart.basket_discount = disc(data["basket_discount"])
        cart._next_id = data["next_id"]
        return cart

    def copy(self) -> Cart:
        """A deep copy, for trying a change without committing to it (with the promotions as
        last priced: the checkout prices the cart again after each change)."""
        twin = Cart.from_dict(self.to_dict(), self.limits)
        twin.promo, twin.promotions = dict(self.promo), self.promotions
        return twin
