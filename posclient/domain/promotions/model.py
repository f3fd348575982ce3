"""The promotion engine's values: promotions, basket lines, the pricing context and the
result, and a promotion's protocol record (see the package's docstring for the rules)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from posclient.domain.cart import Measure
from posclient.domain.money import Rounding, div_round

BP = 10_000  # basis points in 100%


class Kind(StrEnum):
    PERCENT_OFF = "percent_off"
    AMOUNT_OFF = "amount_off"
    BUY_X_GET_Y = "buy_x_get_y"
    MIX_AND_MATCH = "mix_and_match"
    SPEND_GET_OFF = "spend_get_off"


UNIT_KINDS = (Kind.BUY_X_GET_Y, Kind.MIX_AND_MATCH)


def normalize_code(code: str) -> str:
    """A coupon code as compared and stored: no spaces, upper case."""
    return "".join(code.split()).upper()


@dataclass(frozen=True, slots=True)
class Promotion:
    """One promotion (see the module docstring for every field's rule). Money in minor units."""

    id: str
    kind: Kind
    name_zh: str = ""
    name_en: str = ""
    product_ids: frozenset[int] = frozenset()
    categories: frozenset[str] = frozenset()
    brands: frozenset[str] = frozenset()
    percent_bp: int = 0
    amount: int = 0
    buy_qty: int = 0
    get_qty: int = 0
    get_percent_bp: int = BP
    bundle_qty: int = 0
    bundle_price: int = 0
    min_spend: int = 0
    priority: int = 0
    exclusive: bool = False
    stackable: bool = False
    member_only: bool = False
    tiers: frozenset[str] = frozenset()
    coupon_code: str | None = None
    valid_from: int = 0
    valid_to: int | None = None
    days: frozenset[int] = frozenset()
    minute_from: int | None = None
    minute_to: int | None = None
    store_ids: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        problem = _problem(self)
        if problem:
            raise ValueError(f"promotion {self.id}: {problem}")

    @property
    def targets_all(self) -> bool:
        return not (self.product_ids or self.categories or self.brands)

    def name(self, lang: str) -> str:
        if lang.startswith("zh"):
            return self.name_zh or self.name_en
        return self.name_en or self.name_zh

    def holds(self, ctx: PricingContext) -> bool:
        """Whether the promotion exists for this basket: store, dates, days, hours, member,
        tier, coupon (not whether its lines are in the basket)."""
        if self.store_ids and ctx.store_id not in self.store_ids:
            return False
        t = ctx.at_unix
        if t < self.valid_from or (self.valid_to is not None and t >= self.valid_to):
            return False
        if self.days and ctx.at.isoweekday() not in self.days:
            return False
        if self.minute_from is not None and self.minute_to is not None:
            m = ctx.minute
            lo, hi = self.minute_from, self.minute_to
            if not (lo <= m < hi if lo <= hi else (m >= lo or m < hi)):
                return False
        if (self.member_only or self.tiers) and ctx.member_tier is None:
            return False
        if self.tiers and ctx.member_tier not in self.tiers:
            return False
        return self.coupon_code is None or normalize_code(self.coupon_code) in ctx.codes


def _problem(p: Promotion) -> str:
    """Why the promotion's parameters make no sense for its kind ("" if they do)."""
    return _range_problem(p) or _kind_problem(p) or _schedule_problem(p)


def _range_problem(p: Promotion) -> str:
    if not 0 <= p.percent_bp <= BP or not 0 <= p.get_percent_bp <= BP:
        return "percentages are 0..10000 basis points"
    if min(p.amount, p.bundle_price, p.min_spend, p.buy_qty, p.get_qty, p.bundle_qty) < 0:
        return "amounts and quantities are never negative"
    return ""


# What each kind needs of its parameters, and the problem when it does not have it.
_KIND_NEEDS: dict[Kind, tuple[Callable[[Promotion], bool], str]] = {
    Kind.PERCENT_OFF: (lambda p: bool(p.percent_bp), "percent_off needs percent_bp"),
    Kind.AMOUNT_OFF: (lambda p: bool(p.amount), "amount_off needs amount"),
    Kind.BUY_X_GET_Y: (lambda p: p.buy_qty >= 1 and p.get_qty >= 1 and bool(p.get_percent_bp),
                       "buy_x_get_y needs buy_qty, get_qty and get_percent_bp"),
    Kind.MIX_AND_MATCH: (lambda p: p.bundle_qty >= 2 and not p.targets_all,
                         "mix_and_match needs bundle_qty (2 or more) and a group (targets)"),
    Kind.SPEND_GET_OFF: (lambda p: bool(p.amount) != bool(p.percent_bp),
                         "spend_get_off needs either amount or percent_bp"),
}


def _kind_problem(p: Promotion) -> str:
    for kind, (has, problem) in _KIND_NEEDS.items():
        if p.kind is kind and not has(p):
            return problem
    return ""


def _schedule_problem(p: Promotion) -> str:
    if (p.minute_from is None) != (p.minute_to is None):
        return "hours need both a start and an end"
    for m in (p.minute_from, p.minute_to):
        if m is not None and not 0 <= m <= 24 * 60:
            return "hours are minutes 0..1440 after midnight"
    if any(not 1 <= d <= 7 for d in p.days):
        return "days are ISO weekdays 1 (Monday) .. 7 (Sunday)"
    if p.valid_to is not None and p.valid_to <= p.valid_from:
        return "valid_to must be after valid_from"
    return ""


@dataclass(frozen=True, slots=True)
class BasketLine:
    """One line to price. ``qty``: units, or grams when ``measure`` is g (``unit_price`` is then
    per kg). ``fixed_amount``: a scale label's amount (it replaces qty x price)."""

    line_id: int
    product_id: int
    unit_price: int
    qty: int = 1
    measure: Measure = Measure.EACH
    category: str = ""
    brand: str = ""
    manual_discount: int = 0
    fixed_amount: int | None = None
    tax_code: str = ""
    tax_rate_ppm: int = 0
    discountable: bool = True  # False: priced at its gross, never counted (a gift card)

    @property
    def gross(self) -> int:
        """The line before any discount, rounded as the cart rounds it."""
        if self.fixed_amount is not None:
            return self.fixed_amount
        if self.measure is Measure.GRAM:
            return div_round(self.unit_price * self.qty, 1000, Rounding.HALF_UP)
        return self.unit_price * self.qty

    @property
    def counts_units(self) -> bool:
        return self.measure is Measure.EACH and self.fixed_amount is None

    def sort_key(self) -> tuple[Any, ...]:
        return (self.product_id, self.measure.value, self.qty, self.unit_price,
                self.manual_discount, self.fixed_amount or 0, self.category, self.brand,
                self.line_id)


@dataclass(frozen=True, slots=True)
class PricingContext:
    """When, where and for whom. ``at``: timezone-aware, in the store's local time."""

    at: datetime
    store_id: str = ""
    member_tier: str | None = None  # None: no member identified
    coupons: frozenset[str] = frozenset()
    at_unix: int = field(init=False)
    minute: int = field(init=False)
    codes: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("PricingContext.at must be timezone-aware (the store's local time)")
        object.__setattr__(self, "at_unix", int(self.at.timestamp()))
        object.__setattr__(self, "minute", self.at.hour * 60 + self.at.minute)
        object.__setattr__(self, "codes", frozenset(normalize_code(c) for c in self.coupons))


@dataclass(frozen=True, slots=True)
class LinePrice:
    line_id: int
    gross: int
    manual_discount: int
    promotion_discount: int
    total: int
    promotions: tuple[tuple[str, int], ...] = ()  # (promotion id, discount), order applied


@dataclass(frozen=True, slots=True)
class AppliedPromotion:
    """A promotion the basket got, for the receipt and the screen: what it saved in all."""

    promotion_id: str
    name_zh: str
    name_en: str
    kind: Kind
    saved: int
    line_ids: tuple[int, ...]  # the lines it discounted (ascending)
    coupon_code: str | None = None


@dataclass(frozen=True, slots=True)
class PricingResult:
    lines: tuple[LinePrice, ...]  # in the order the lines were given
    applied: tuple[AppliedPromotion, ...]  # in application order
    subtotal: int
    manual_discount: int
    promotion_discount: int
    total: int  # subtotal - manual - promotion discounts (before any tax added on top)

    def line(self, line_id: int) -> LinePrice:
        for ln in self.lines:
            if ln.line_id == line_id:
                return ln
        raise KeyError(line_id)

    @property
    def coupons_used(self) -> tuple[str, ...]:
        return tuple(sorted(normalize_code(a.coupon_code) for a in self.applied
                            if a.coupon_code))


def _minutes(text: str | None) -> int | None:
    """``"HH:MM"`` -> minutes after midnight (``"24:00"`` is the end of the day)."""
    if text is None or text == "":
        return None
    hh, _, mm = text.partition(":")
    return int(hh) * 60 + int(mm or 0)


def _hhmm(minutes: int | None) -> str | None:
    return None if minutes is None else f"{minutes // 60:02d}:{minutes % 60:02d}"


def promotion_to_dict(p: Promotion) -> dict[str, Any]:
    """The protocol record of a promotion (the inverse of :func:`promotion_from_dict`): sets
    as sorted lists, minutes as ``"HH:MM"``."""
    return {
        "id": p.id, "kind": p.kind.value, "name_zh": p.name_zh, "name_en": p.name_en,
        "product_ids": sorted(p.product_ids), "categories": sorted(p.categories),
        "brands": sorted(p.brands), "percent_bp": p.percent_bp, "amount": p.amount,
        "buy_qty": p.buy_qty, "get_qty": p.get_qty, "get_percent_bp": p.get_percent_bp,
        "bundle_qty": p.bundle_qty, "bundle_price": p.bundle_price, "min_spend": p.min_spend,
        "priority": p.priority, "exclusive": p.exclusive, "stackable": p.stackable,
        "member_only": p.member_only, "tiers": sorted(p.tiers), "coupon_code": p.coupon_code,
        "valid_from": p.valid_from, "valid_to": p.valid_to, "days": sorted(p.days),
        "hour_from": _hhmm(p.minute_from), "hour_to": _hhmm(p.minute_to),
        "store_ids": sorted(p.store_ids),
    }


def promotion_from_dict(data: Mapping[str, Any]) -> Promotion:
    """A promotion from its protocol record (sync.protocol ``PromotionData`` dumped):
    lists become sets, ``hour_from``/``hour_to`` (``"HH:MM"``) become minutes."""
    code = data.get("coupon_code")
    return Promotion(
        id=str(data["id"]), kind=Kind(data["kind"]), name_zh=data.get("name_zh", ""),
        name_en=data.get("name_en", ""),
        product_ids=frozenset(int(x) for x in data.get("product_ids") or ()),
        categories=frozenset(data.get("categories") or ()),
        brands=frozenset(data.get("brands") or ()),
        percent_bp=int(data.get("percent_bp") or 0), amount=int(data.get("amount") or 0),
        buy_qty=int(data.get("buy_qty") or 0), get_qty=int(data.get("get_qty") or 0),
        get_percent_bp=int(data.get("get_percent_bp", BP)),
        bundle_qty=int(data.get("bundle_qty") or 0),
        bundle_price=int(data.get("bundle_price") or 0),
        min_spend=int(data.get("min_spend") or 0), priority=int(data.get("priority") or 0),
        exclusive=bool(data.get("exclusive")), stackable=bool(data.get("stackable")),
        member_only=bool(data.get("member_only")), tiers=frozenset(data.get("tiers") or ()),
        coupon_code=normalize_code(code) if code else None,
        valid_from=int(data.get("valid_from") or 0), valid_to=data.get("valid_to"),
        days=frozenset(int(d) for d in data.get("days") or ()),
        minute_from=_minutes(data.get("hour_from")), minute_to=_minutes(data.get("hour_to")),
        store_ids=frozenset(data.get("store_ids") or ()),
    )
