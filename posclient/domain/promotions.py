"""The promotion engine: one pure, deterministic function from a basket to its promotion prices.

Used by the till (the lead wires it into the cart) and by the central's ``POST
/v1/price-basket``, so the web shop prices a basket exactly as the till does. No I/O, no clock:
the time, the store, the member's tier and the coupon codes come in a :class:`PricingContext`.

Kinds (:class:`Kind`; a promotion's *targets* are product ids, categories and brands, and a
line matches if any one matches; no targets at all means every line):

- ``percent_off``: ``percent_bp`` basis points (10% = 1000) off each matching line, rounded
  half up per line;
- ``amount_off``: ``amount`` minor units off each unit (a weighed item: off each kilogram,
  ``amount * grams / 1000`` half up), never more than the line;
- ``buy_x_get_y``: for every ``buy_qty + get_qty`` units of the matching unit-priced lines,
  the ``get_qty`` cheapest units of the whole pool are ``get_percent_bp`` off (10000: free);
- ``mix_and_match``: any ``bundle_qty`` units of the group for ``bundle_price``: as many
  bundles as the units make, filled with the dearest units (best for the customer); the saving
  (value of those units minus the bundles' price, if positive) is spread over them;
- ``spend_get_off``: when the matching lines come to at least ``min_spend`` (after the
  discounts applied before this promotion), ``amount`` off (or ``percent_bp`` of it).

A line that is not ``discountable`` (a gift card) is priced at its gross and nothing else: no
promotion discounts it, claims it or counts it (toward a spend threshold, a bundle or a
"buy x"), and its manual discount is ignored; the other lines are priced exactly as if it
were not in the basket.

Weighed lines (``measure`` g) never count as units: ``buy_x_get_y`` and ``mix_and_match`` skip
them. A scale-label line (``fixed_amount``) is discounted on its label's amount.

Who may have it (all must hold, else the promotion does not exist for this basket):
``store_ids`` (empty: every store; every store's till gets every promotion in its feed and the
engine filters here), ``valid_from <= at < valid_to`` (unix seconds), ``days`` (ISO weekdays,
1 = Monday; empty: every day) and ``minute_from``/``minute_to`` (minutes after local midnight,
end excluded; an end before the start wraps past midnight) read on ``at`` **in the time zone
of the datetime given**, so callers pass the store's local time; ``member_only`` (any member)
and ``tiers`` (the member's tier must be listed); ``coupon_code`` (the code must be among the
basket's coupons; compared without case or spaces, see :func:`normalize_code`).

Amounts. Each line's base is its gross minus the manual line discount already given (never
below 0). Promotions are applied one after another in **application order**: ``priority``
descending, then ``id`` ascending; each sees what the earlier ones left of each line, so a
stacked percentage takes a share of the already reduced line, and a spend threshold counts the
earlier discounts. No promotion takes a line below zero. A discount spread over several lines
(``spend_get_off``, ``mix_and_match``) is split in proportion to what the lines had left, by
largest remainder (:func:`posclient.domain.money.allocate`) over the lines in canonical order,
so the parts add up exactly and tax, computed per rate on the discounted line amounts
(:func:`line_taxes`, :mod:`posclient.domain.tax`), stays right.

Which promotions apply together:

- A promotion *claims* every line it matches (its eligible lines), whether or not it
  discounts each of them.
- Two promotions may share a line only if **both** are ``stackable``. So a non-stackable
  promotion competes with every other promotion on its lines.
- An ``exclusive`` promotion applies alone: nothing else in the basket. It is chosen only when
  it saves strictly more than the best combination of the others.
- Among the valid combinations the customer gets the one that saves the most. Ties go to the
  combination that includes the promotion earliest in application order (higher priority,
  then lower id). A promotion that saves nothing in the chosen combination is not listed.

The bounded search. Candidates (promotions that hold for this basket and save something on
their own) are grouped into independent *clusters*: promotions that share a line are in one
cluster. A cluster of at most :data:`EXHAUSTIVE_MAX` candidates is searched exhaustively
(depth first in application order, each promotion in or out); a larger one greedily: the
candidates in order of what each saves alone (then application order), each added when it is
allowed with those already taken and makes the cluster's saving grow. Clusters' savings add
up, so the result is at least what any single promotion saves alone (the greedy's first pick is
the best single one) and never more than the undiscounted sum.

How it is computed (none of this changes a result): each kind has a kernel in integers only
(half up as integer arithmetic; lines ordered by price per unit through multiples of the lcm
of their quantities, not fractions), the same as the readable :func:`_discounts`, which still
prices any basket with a line whose qty is below 1. The greedy is incremental and exact: it
keeps what each chosen promotion takes, tries a candidate applied after all of them (or on
lines none of them claims) on what they left, and one that lands in the middle of the order
by re-applying only the later promotions whose lines it changed. What the searches found each
promotion takes is what the basket gets (clusters share no line).

Determinism: lines are put in a canonical order (product, measure, quantity, price, manual
discount, category, brand, then line id) before anything is computed, so the order of scanning
changes nothing but which of two identical lines takes a tied fen; promotions are ordered by
id; no sets are iterated where order matters.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from fractions import Fraction
from typing import Any

from .cart import Measure
from .money import Rounding, allocate, div_round
from .tax import TaxLine, summarize

EXHAUSTIVE_MAX = 8  # candidates in one cluster searched exhaustively (2**8 combinations)
BP = 10_000  # basis points in 100%


class Kind(StrEnum):
    PERCENT_OFF = "percent_off"
    AMOUNT_OFF = "amount_off"
    BUY_X_GET_Y = "buy_x_get_y"
    MIX_AND_MATCH = "mix_and_match"
    SPEND_GET_OFF = "spend_get_off"


_UNIT_KINDS = (Kind.BUY_X_GET_Y, Kind.MIX_AND_MATCH)


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
    if not 0 <= p.percent_bp <= BP or not 0 <= p.get_percent_bp <= BP:
        return "percentages are 0..10000 basis points"
    if min(p.amount, p.bundle_price, p.min_spend, p.buy_qty, p.get_qty, p.bundle_qty) < 0:
        return "amounts and quantities are never negative"
    if p.kind is Kind.PERCENT_OFF and not p.percent_bp:
        return "percent_off needs percent_bp"
    if p.kind is Kind.AMOUNT_OFF and not p.amount:
        return "amount_off needs amount"
    if p.kind is Kind.BUY_X_GET_Y and not (p.buy_qty >= 1 and p.get_qty >= 1
                                           and p.get_percent_bp):
        return "buy_x_get_y needs buy_qty, get_qty and get_percent_bp"
    if p.kind is Kind.MIX_AND_MATCH and not (p.bundle_qty >= 2 and not p.targets_all):
        return "mix_and_match needs bundle_qty (2 or more) and a group (targets)"
    if p.kind is Kind.SPEND_GET_OFF and bool(p.amount) == bool(p.percent_bp):
        return "spend_get_off needs either amount or percent_bp"
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


class PromotionBook:
    """Promotions indexed by product, category and brand, built once and priced against many
    times (a till keeps one per catalogue version)."""

    def __init__(self, promotions: Iterable[Promotion]) -> None:
        self.promotions = tuple(sorted(promotions, key=lambda p: p.id))
        self.by_product: dict[int, list[int]] = {}
        self.by_category: dict[str, list[int]] = {}
        self.by_brand: dict[str, list[int]] = {}
        self.everywhere: list[int] = []
        # Per promotion (by index): its rank in application order (equal keys, equal ranks) and
        # whether it counts units (then weighed and scale-label lines are not its lines).
        keys = [(-p.priority, p.id) for p in self.promotions]
        dense = {key: r for r, key in enumerate(sorted(set(keys)))}
        self.rank = [dense[key] for key in keys]
        self.counts_units = [p.kind in _UNIT_KINDS for p in self.promotions]
        self.codes = [_CODES[p.kind] for p in self.promotions]
        for i, p in enumerate(self.promotions):
            if p.targets_all:
                self.everywhere.append(i)
            for pid in p.product_ids:
                self.by_product.setdefault(pid, []).append(i)
            for cat in p.categories:
                self.by_category.setdefault(cat, []).append(i)
            for brand in p.brands:
                self.by_brand.setdefault(brand, []).append(i)

    def __len__(self) -> int:
        return len(self.promotions)

    def matching(self, line: BasketLine) -> set[int]:
        """Indexes of the promotions whose targets match the line."""
        found = set(self.everywhere)
        found.update(self.by_product.get(line.product_id, ()))
        if line.category:
            found.update(self.by_category.get(line.category, ()))
        if line.brand:
            found.update(self.by_brand.get(line.brand, ()))
        return found


# -- the engine -------------------------------------------------------------------------------
#
# Hot loops work on plain lists of integers. A candidate's discounts are a list aligned with its
# lines (0 where it takes nothing); each kind has a kernel that computes them from what the lines
# have left, exactly as :func:`_discounts` (the readable reference) does, in integers only.

_BP2 = 2 * BP
# Kind codes (a small int per kind: cheaper than comparing enum members in the hot loops).
_PERCENT, _AMOUNT, _SPEND, _BXGY, _MIX = range(5)
_CODES = {Kind.PERCENT_OFF: _PERCENT, Kind.AMOUNT_OFF: _AMOUNT, Kind.SPEND_GET_OFF: _SPEND,
          Kind.BUY_X_GET_Y: _BXGY, Kind.MIX_AND_MATCH: _MIX}
_Kernel = Callable[["_Candidate", list[int]], list[int]]


class _Candidate:
    """A promotion that holds for this basket, with what its kernel needs precomputed."""

    __slots__ = ("alone", "canon", "count", "first", "kernel", "lines", "mask", "order",
                 "per_line", "promo", "qty", "stackable")

    def __init__(self, promo: Promotion, order: int, lines: list[int], mask: int,
                 canon: list[BasketLine]) -> None:
        self.promo = promo
        self.order = order  # rank in application order
        self.lines = lines  # canonical indexes of its eligible lines (ascending; not mutated)
        self.mask = mask  # the same lines as a bit mask
        self.stackable = promo.stackable
        self.alone = 0  # what it saves on its own
        self.first: list[int] | None = None  # its discounts on the untouched lines, once known
        self.kernel: _Kernel = _by_reference
        self.count = 0  # buy_x_get_y: the units it makes free; mix_and_match: the bundles
        self.qty: list[int] = []  # unit kinds: each line's units
        # amount_off: the most it takes off each line; unit kinds: each line's multiplier m
        # such that rem * m orders the lines by price per unit exactly (m = lcm(qty) / qty)
        self.per_line: list[int] = []
        self.canon = canon  # the basket's lines in canonical order


def _half_up(n: int, d: int) -> int:
    """``n / d`` rounded half up, for ``n >= 0`` and ``d > 0`` (:func:`div_round`'s HALF_UP)."""
    return (2 * n + d) // (2 * d)


def _spread(total: int, weights: list[int], wsum: int) -> list[int]:
    """:func:`posclient.domain.money.allocate` for ``0 <= total`` and positive ``wsum`` (the
    weights' sum, known): by largest remainder, ties to the earlier weight."""
    parts = [total * w // wsum for w in weights]
    short = total - sum(parts)
    if short:
        rema = sorted([(total * w % wsum, -i) for i, w in enumerate(weights)], reverse=True)
        for _, neg_i in rema[:short]:
            parts[-neg_i] += 1
    return parts


def _percent_off(c: _Candidate, rem: list[int]) -> list[int]:
    bp2 = 2 * c.promo.percent_bp
    return [(rem[li] * bp2 + BP) // _BP2 for li in c.lines]


def _amount_off(c: _Candidate, rem: list[int]) -> list[int]:
    return [off if off < r else r for off, r in zip(c.per_line, [rem[li] for li in c.lines],
                                                    strict=True)]


def _spend_get_off(c: _Candidate, rem: list[int]) -> list[int]:
    vals = [rem[li] for li in c.lines]
    spend = sum(vals)
    p = c.promo
    if spend <= 0 or spend < p.min_spend:
        return [0] * len(vals)
    off = p.amount or (2 * spend * p.percent_bp + BP) // _BP2
    return _spread(off if off < spend else spend, vals, spend)


def _buy_x_get_y(c: _Candidate, rem: list[int]) -> list[int]:
    lines = c.lines
    out = [0] * len(lines)
    free = c.count
    if not free:
        return out
    qty = c.qty
    gbp = c.promo.get_percent_bp
    if len(lines) == 1:  # the usual case: the free units are all on the one line
        out[0] = _half_up(rem[lines[0]] * free * gbp, qty[0] * BP)
        return out
    # cheapest per unit first, then canonical order
    for _, j in sorted([(rem[li] * m, j) for j, (li, m) in enumerate(zip(lines, c.per_line,
                                                                            strict=True))]):
        q = qty[j]
        k = free if free < q else q
        free -= k
        out[j] = _half_up(rem[lines[j]] * k * gbp, q * BP)
        if not free:
            break
    return out


def _mix_and_match(c: _Candidate, rem: list[int]) -> list[int]:
    lines = c.lines
    out = [0] * len(lines)
    bundles = c.count
    if not bundles:
        return out
    qty = c.qty
    left = bundles * c.promo.bundle_qty
    if len(lines) == 1:  # the usual case: all the bundles' units are on the one line
        saving = _half_up(rem[lines[0]] * left, qty[0]) - bundles * c.promo.bundle_price
        if saving > 0:
            out[0] = saving
        return out
    used: list[tuple[int, int]] = []  # (j, value of the units it gives)
    # dearest per unit first, then canonical order
    for _, j in sorted([(-rem[li] * m, j) for j, (li, m) in enumerate(zip(lines, c.per_line,
                                                                             strict=True))]):
        q = qty[j]
        k = left if left < q else q
        left -= k
        used.append((j, _half_up(rem[lines[j]] * k, q)))
        if not left:
            break
    values = [v for _, v in used]
    value = sum(values)
    saving = value - bundles * c.promo.bundle_price
    if saving > 0:
        used.sort()  # canonical order
        values = [v for _, v in used]
        for (j, _), part in zip(used, _spread(saving, values, value), strict=True):
            out[j] = part
    return out


def _by_reference(c: _Candidate, rem: list[int]) -> list[int]:
    """Any basket: :func:`_discounts` itself (the kernels assume every line's qty >= 1)."""
    d = _discounts(c.promo, c.lines, c.canon, list(rem))
    return [d.get(li, 0) for li in c.lines]

_KERNELS: list[_Kernel] = [_percent_off, _amount_off, _spend_get_off, _buy_x_get_y,
                           _mix_and_match]  # by kind code


def price_basket(promotions: PromotionBook | Iterable[Promotion],
                 lines: Sequence[BasketLine], ctx: PricingContext) -> PricingResult:
    """Price ``lines`` with the best combination of ``promotions`` (see the module docstring).

    A pure function of its arguments: the same basket, promotions and context always give the
    same result, on the till and on the central.
    """
    book = promotions if isinstance(promotions, PromotionBook) else PromotionBook(promotions)
    if len({ln.line_id for ln in lines}) != len(lines):
        raise ValueError("line ids must be unique")
    if not all(ln.discountable for ln in lines):
        return _with_full_price(lines, price_basket(
            book, [ln for ln in lines if ln.discountable], ctx))
    canon = sorted(lines, key=BasketLine.sort_key)
    gross = [ln.gross for ln in canon]
    manual = [min(max(ln.manual_discount, 0), g) for ln, g in zip(canon, gross, strict=True)]
    base = [g - m for g, m in zip(gross, manual, strict=True)]

    cands = _candidates(book, canon, base, ctx)
    exclusive = [c for c in cands if c.promo.exclusive]
    shared = [c for c in cands if not c.promo.exclusive]
    # (candidate, what it takes off each of its lines): the searches give what each chosen
    # promotion takes in their combination, which is what it takes in the basket, since
    # clusters share no line.
    chosen: list[tuple[_Candidate, list[int]]] = []
    saving = 0
    for cluster in _clusters(shared):
        if len(cluster) <= EXHAUSTIVE_MAX:
            best, value = _exhaustive(cluster, base)
        else:
            best, value = _greedy(cluster, base)
        chosen += best
        saving += value
    best_ex = max(exclusive, key=lambda c: (c.alone, -c.order), default=None)
    if best_ex is not None and best_ex.alone > saving:
        chosen = [(best_ex, best_ex.first if best_ex.first is not None
                   else best_ex.kernel(best_ex, base))]
    chosen.sort(key=lambda cd: cd[0].order)
    per_line, per_promo = _tally(chosen, len(canon))
    return _result(lines, canon, gross, manual, [c for c, _ in chosen], per_line, per_promo)


def _candidates(book: PromotionBook, canon: list[BasketLine], base: list[int],
                ctx: PricingContext) -> list[_Candidate]:
    """The promotions that hold for this basket and save something alone, with their lines
    (in application order)."""
    promos = book.promotions
    counts_units = book.counts_units
    n = len(canon)
    each = Measure.EACH
    units_ok = [ln.measure is each and ln.fixed_amount is None for ln in canon]
    all_lines = list(range(n))
    unit_lines = [i for i in all_lines if units_ok[i]]
    eligible: dict[int, list[int]] = {k: unit_lines if counts_units[k] else all_lines
                                      for k in book.everywhere if promos[k].holds(ctx)}
    holds: dict[int, bool] = dict.fromkeys(book.everywhere, False)
    by_product, by_category, by_brand = book.by_product, book.by_category, book.by_brand
    for i, line in enumerate(canon):
        found = set(by_product.get(line.product_id, ()))
        if line.category:
            found.update(by_category.get(line.category, ()))
        if line.brand:
            found.update(by_brand.get(line.brand, ()))
        units = units_ok[i]
        for k in found:
            ok = holds.get(k)
            if ok is None:
                ok = holds[k] = promos[k].holds(ctx)
            if ok and (units or not counts_units[k]):
                eligible.setdefault(k, []).append(i)

    # What a kernel needs of each line; any line without a positive qty: the reference.
    regular = all(ln.qty >= 1 for ln in canon)
    qty = [ln.qty for ln in canon]
    gram = Measure.GRAM
    grams = [ln.measure is gram for ln in canon]
    all_mask = (1 << n) - 1
    unit_mask = 0
    for li in unit_lines:
        unit_mask |= 1 << li
    all_spend = sum(base)
    codes = book.codes
    out = []
    for order, k in enumerate(sorted(eligible, key=book.rank.__getitem__)):
        lines = eligible[k]
        if not lines:
            continue
        p = promos[k]
        code = codes[k]
        if code == _SPEND:  # alone: without spreading it over the lines
            spend = all_spend if lines is all_lines else sum([base[li] for li in lines])
            if spend <= 0 or spend < p.min_spend:
                continue
            alone = min(p.amount or _half_up(spend * p.percent_bp, BP), spend)
            if alone <= 0:
                continue
        if lines is all_lines:
            mask = all_mask
        elif lines is unit_lines:
            mask = unit_mask
        else:
            mask = 0
            for li in lines:
                mask |= 1 << li
        c = _Candidate(p, order, lines, mask, canon)
        if regular:
            c.kernel = _KERNELS[code]
            if code == _AMOUNT:
                amount = p.amount
                c.per_line = [_half_up(amount * qty[li], 1000) if grams[li]
                              else amount * qty[li] for li in lines]
            elif code >= _BXGY:
                c.qty = q = [qty[li] for li in lines]
                lcm = math.lcm(*q)
                c.per_line = [lcm // x for x in q]
                units = sum(q)
                c.count = (units // (p.buy_qty + p.get_qty) * p.get_qty if code == _BXGY
                           else units // p.bundle_qty)
        if code == _SPEND:
            c.alone = alone
        else:
            c.first = c.kernel(c, base)
            c.alone = sum(c.first)
            if c.alone <= 0:
                continue
        out.append(c)
    return out


def _clusters(cands: list[_Candidate]) -> list[list[_Candidate]]:
    """Candidates (given in application order) that share lines, transitively, each cluster in
    application order. The lines' components first, from each distinct line set (bit masks,
    widest first: a whole-basket offer joins everything at once), then each candidate to the
    component of its lowest line."""
    comps: list[int] = []
    for mask in sorted({c.mask for c in cands}, key=int.bit_count, reverse=True):
        keep = []
        for other in comps:
            if other & mask:
                mask |= other
            else:
                keep.append(other)
        keep.append(mask)
        comps = keep
    groups: dict[int, list[_Candidate]] = {}
    for c in cands:
        low = c.mask & -c.mask
        for comp in comps:
            if comp & low:
                groups.setdefault(comp, []).append(c)
                break
    return sorted(groups.values(), key=lambda g: g[0].order)


def _exhaustive(cluster: list[_Candidate], base: list[int]
                ) -> tuple[list[tuple[_Candidate, list[int]]], int]:
    """Every allowed combination, depth first in application order (including before
    excluding, so the first best found is the tie-break's choice). ``taken``: the lines some
    chosen promotion claims; ``alone``: those a non-stackable one claims (bit masks). The
    best, each with what it takes, and its saving."""
    best: tuple[int, list[tuple[_Candidate, list[int]]]] = (0, [])
    n = len(cluster)

    def dfs(i: int, rem: list[int], taken: int, alone: int,
            chosen: list[tuple[_Candidate, list[int]]], total: int) -> None:
        nonlocal best
        if i == n:
            if total > best[0]:
                best = (total, list(chosen))
            return
        c = cluster[i]
        if not c.mask & (alone if c.stackable else taken):
            ds = c.kernel(c, rem)
            d = sum(ds)
            if d > 0:
                after = list(rem)
                for li, x in zip(c.lines, ds, strict=True):
                    after[li] -= x
                chosen.append((c, ds))
                dfs(i + 1, after, taken | c.mask, alone if c.stackable else alone | c.mask,
                    chosen, total + d)
                chosen.pop()
        dfs(i + 1, rem, taken, alone, chosen, total)

    dfs(0, list(base), 0, 0, [], 0)
    return best[1], best[0]


def _greedy(cluster: list[_Candidate], base: list[int]
            ) -> tuple[list[tuple[_Candidate, list[int]]], int]:
    """Best single saving first; each next one added if allowed and the saving grows.

    Exact and incremental: the chosen are kept in application order with what each takes off
    its lines, and ``rem`` is what they all leave. A candidate applied after all of them, or
    on lines none of them claims, is tried on ``rem``. Otherwise it goes in the middle of the
    order: from what the lines had before it (``rem`` plus what the later ones took), it is
    applied, and then each later one either re-evaluated (if a line it claims now holds a
    different amount) or given what it took before (its lines are as they were). The
    chosen, each with what it takes, and their saving.
    """
    chosen: list[_Candidate] = []  # in application order
    took: list[list[int]] = []  # what each chosen takes off its lines
    orders: list[int] = []
    taken = alone = 0  # lines claimed; lines claimed by a non-stackable promotion
    rem = list(base)
    total = 0
    for c in sorted(cluster, key=lambda c: (-c.alone, c.order)):
        mask = c.mask
        if mask & (alone if c.stackable else taken):
            continue
        pos = bisect_right(orders, c.order)
        changed: list[tuple[int, list[int]]] = []
        if not mask & taken:  # its lines are as they were: what it took alone
            ds = c.first if c.first is not None else c.kernel(c, rem)
            gain = sum(ds)
            if gain <= 0:
                continue
            trial = rem
        elif pos == len(orders):
            ds = c.kernel(c, rem)
            gain = sum(ds)
            if gain <= 0:
                continue
            trial = rem
        else:
            trial = list(rem)
            for j in range(pos, len(chosen)):
                for li, x in zip(chosen[j].lines, took[j], strict=True):
                    trial[li] += x
            ds = c.kernel(c, trial)
            gain = sum(ds)
            dirty = 0  # lines whose amount now differs from before at this point of the order
            for li, x in zip(c.lines, ds, strict=True):
                if x:
                    trial[li] -= x
                    dirty |= 1 << li
            for j in range(pos, len(chosen)):
                later = chosen[j]
                if later.mask & dirty:
                    now = later.kernel(later, trial)
                    for li, x, was in zip(later.lines, now, took[j], strict=True):
                        trial[li] -= x
                        if x != was:
                            dirty |= 1 << li
                    gain += sum(now) - sum(took[j])
                    changed.append((j, now))
                else:
                    for li, x in zip(later.lines, took[j], strict=True):
                        trial[li] -= x
            if gain <= 0:
                continue
        for j, now in changed:
            took[j] = now
        if trial is rem:
            for li, x in zip(c.lines, ds, strict=True):
                rem[li] -= x
        else:
            rem = trial
        chosen.insert(pos, c)
        took.insert(pos, ds)
        orders.insert(pos, c.order)
        taken |= mask
        if not c.stackable:
            alone |= mask
        total += gain
    return list(zip(chosen, took, strict=True)), total


def _tally(chosen: list[tuple[_Candidate, list[int]]], n: int
           ) -> tuple[list[list[tuple[str, int]]], dict[str, int]]:
    """Each line's discounts (in application order) and each promotion's sum, from the chosen
    (in application order) and what each takes off its lines."""
    per_line: list[list[tuple[str, int]]] = [[] for _ in range(n)]
    per_promo: dict[str, int] = {}
    for c, ds in chosen:
        pid = c.promo.id
        saved = 0
        for li, d in zip(c.lines, ds, strict=True):
            if d:
                per_line[li].append((pid, d))
                saved += d
        if saved:
            per_promo[pid] = saved
    return per_line, per_promo


def _discounts(p: Promotion, idx: Sequence[int], canon: list[BasketLine],
               rem: list[int]) -> dict[int, int]:
    """What ``p`` takes off each of its lines given what they have left (``rem``, updated)."""
    kind = p.kind
    out: dict[int, int] = {}
    if kind is Kind.PERCENT_OFF:
        for li in idx:
            out[li] = div_round(rem[li] * p.percent_bp, BP, Rounding.HALF_UP)
    elif kind is Kind.AMOUNT_OFF:
        for li in idx:
            ln = canon[li]
            off = (div_round(p.amount * ln.qty, 1000, Rounding.HALF_UP)
                   if ln.measure is Measure.GRAM else p.amount * ln.qty)
            out[li] = min(off, rem[li])
    elif kind is Kind.SPEND_GET_OFF:
        spend = sum(rem[li] for li in idx)
        if spend > 0 and spend >= p.min_spend:
            off = p.amount or div_round(spend * p.percent_bp, BP, Rounding.HALF_UP)
            parts = allocate(min(off, spend), [rem[li] for li in idx])
            out = dict(zip(idx, parts, strict=True))
    elif kind is Kind.BUY_X_GET_Y:
        units = sum(canon[li].qty for li in idx)
        free = units // (p.buy_qty + p.get_qty) * p.get_qty
        if free:
            for li in sorted(idx, key=lambda li: (Fraction(rem[li], canon[li].qty), li)):
                k = min(free, canon[li].qty)
                free -= k
                out[li] = div_round(rem[li] * k * p.get_percent_bp, canon[li].qty * BP,
                                    Rounding.HALF_UP)
                if not free:
                    break
    else:  # MIX_AND_MATCH
        units = sum(canon[li].qty for li in idx)
        bundles = units // p.bundle_qty
        if bundles:
            left = bundles * p.bundle_qty
            lines: list[int] = []
            values: list[int] = []
            for li in sorted(idx, key=lambda li: (-Fraction(rem[li], canon[li].qty), li)):
                k = min(left, canon[li].qty)
                left -= k
                lines.append(li)
                values.append(div_round(rem[li] * k, canon[li].qty, Rounding.HALF_UP))
                if not left:
                    break
            saving = sum(values) - bundles * p.bundle_price
            if saving > 0:
                order = sorted(range(len(lines)), key=lambda j: lines[j])  # canonical
                parts = allocate(saving, [values[j] for j in order])
                out = {lines[j]: part for j, part in zip(order, parts, strict=True)}
    for li, d in out.items():
        rem[li] -= d
    return out


def _result(lines: Sequence[BasketLine], canon: list[BasketLine], gross: list[int],
            manual: list[int], chosen: list[_Candidate],
            per_line: list[list[tuple[str, int]]], per_promo: dict[str, int]) -> PricingResult:
    priced: dict[int, LinePrice] = {}
    touched: dict[str, list[int]] = {}
    for i, ln in enumerate(canon):
        got = per_line[i]
        lid = ln.line_id
        promo = 0
        for pid, d in got:
            promo += d
            touched.setdefault(pid, []).append(lid)
        priced[lid] = LinePrice(lid, gross[i], manual[i], promo, gross[i] - manual[i] - promo,
                                tuple(got))
    applied = tuple(
        AppliedPromotion(c.promo.id, c.promo.name_zh, c.promo.name_en, c.promo.kind,
                         per_promo[c.promo.id], tuple(sorted(touched[c.promo.id])),
                         c.promo.coupon_code)
        for c in chosen if per_promo.get(c.promo.id))
    discount = sum(per_promo.values())
    subtotal, manual_sum = sum(gross), sum(manual)
    return PricingResult(lines=tuple([priced[ln.line_id] for ln in lines]), applied=applied,
                         subtotal=subtotal, manual_discount=manual_sum,
                         promotion_discount=discount, total=subtotal - manual_sum - discount)


def _with_full_price(lines: Sequence[BasketLine], priced: PricingResult) -> PricingResult:
    """``priced`` (the discountable lines) with the other lines added at their gross."""
    by_id = {lp.line_id: lp for lp in priced.lines}
    full = {ln.line_id: LinePrice(ln.line_id, ln.gross, 0, 0, ln.gross)
            for ln in lines if not ln.discountable}
    by_id.update(full)
    added = sum(lp.gross for lp in full.values())
    return PricingResult(
        lines=tuple([by_id[ln.line_id] for ln in lines]),
        applied=priced.applied, subtotal=priced.subtotal + added,
        manual_discount=priced.manual_discount,
        promotion_discount=priced.promotion_discount, total=priced.total + added)


def line_taxes(result: PricingResult, lines: Sequence[BasketLine], *, inclusive: bool,
               mode: Rounding = Rounding.HALF_UP) -> list[TaxLine]:
    """The tax summary of a priced basket: per rate, on the discounted line totals (the
    lines' ``tax_code``/``tax_rate_ppm``), as :func:`posclient.domain.tax.summarize` does."""
    rates = {ln.line_id: (ln.tax_code, ln.tax_rate_ppm) for ln in lines}
    return summarize(((*rates[lp.line_id], lp.total) for lp in result.lines),
                     inclusive=inclusive, mode=mode)


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
