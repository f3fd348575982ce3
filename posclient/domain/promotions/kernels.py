"""Each kind's discounts: an integer kernel per kind (the hot path) and the readable
reference they all equal (:func:`reference_discounts`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction

from posclient.domain.cart import Measure
from posclient.domain.money import Rounding, allocate, div_round
from posclient.domain.promotions.model import BP, BasketLine, Kind, Promotion

# Hot loops work on plain lists of integers. A candidate's discounts are a list aligned with its
# lines (0 where it takes nothing); each kind has a kernel that computes them from what the lines
# have left, exactly as :func:`reference_discounts` (the readable reference) does, in integers only.
_BP2 = 2 * BP
Kernel = Callable[["Candidate", list[int]], list[int]]


class Candidate:
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
        self.kernel: Kernel = by_reference
        self.count = 0  # buy_x_get_y: the units it makes free; mix_and_match: the bundles
        self.qty: list[int] = []  # unit kinds: each line's units
        # amount_off: the most it takes off each line; unit kinds: each line's multiplier m
        # such that rem * m orders the lines by price per unit exactly (m = lcm(qty) / qty)
        self.per_line: list[int] = []
        self.canon = canon  # the basket's lines in canonical order


def half_up(n: int, d: int) -> int:
    """``n / d`` rounded half up, for ``n >= 0`` and ``d > 0`` (:func:`div_round`'s HALF_UP)."""
    return (2 * n + d) // (2 * d)


def spread(total: int, weights: list[int], wsum: int) -> list[int]:
    """:func:`posclient.domain.money.allocate` for ``0 <= total`` and positive ``wsum`` (the
    weights' sum, known): by largest remainder, ties to the earlier weight."""
    parts = [total * w // wsum for w in weights]
    short = total - sum(parts)
    if short:
        rema = sorted([(total * w % wsum, -i) for i, w in enumerate(weights)], reverse=True)
        for _, neg_i in rema[:short]:
            parts[-neg_i] += 1
    return parts


def _percent_off(c: Candidate, rem: list[int]) -> list[int]:
    bp2 = 2 * c.promo.percent_bp
    return [(rem[li] * bp2 + BP) // _BP2 for li in c.lines]


def _amount_off(c: Candidate, rem: list[int]) -> list[int]:
    return [off if off < r else r for off, r in zip(c.per_line, [rem[li] for li in c.lines],
                                                    strict=True)]


def _spend_get_off(c: Candidate, rem: list[int]) -> list[int]:
    vals = [rem[li] for li in c.lines]
    spend = sum(vals)
    p = c.promo
    if spend <= 0 or spend < p.min_spend:
        return [0] * len(vals)
    off = p.amount or (2 * spend * p.percent_bp + BP) // _BP2
    return spread(off if off < spend else spend, vals, spend)


def _buy_x_get_y(c: Candidate, rem: list[int]) -> list[int]:
    lines = c.lines
    out = [0] * len(lines)
    free = c.count
    if not free:
        return out
    qty = c.qty
    gbp = c.promo.get_percent_bp
    if len(lines) == 1:  # the usual case: the free units are all on the one line
        out[0] = half_up(rem[lines[0]] * free * gbp, qty[0] * BP)
        return out
    # cheapest per unit first, then canonical order
    for _, j in sorted([(rem[li] * m, j) for j, (li, m) in enumerate(zip(lines, c.per_line,
                                                                            strict=True))]):
        q = qty[j]
        k = free if free < q else q
        free -= k
        out[j] = half_up(rem[lines[j]] * k * gbp, q * BP)
        if not free:
            break
    return out


def _mix_and_match(c: Candidate, rem: list[int]) -> list[int]:
    lines = c.lines
    out = [0] * len(lines)
    bundles = c.count
    if not bundles:
        return out
    qty = c.qty
    left = bundles * c.promo.bundle_qty
    if len(lines) == 1:  # the usual case: all the bundles' units are on the one line
        saving = half_up(rem[lines[0]] * left, qty[0]) - bundles * c.promo.bundle_price
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
        used.append((j, half_up(rem[lines[j]] * k, q)))
        if not left:
            break
    values = [v for _, v in used]
    value = sum(values)
    saving = value - bundles * c.promo.bundle_price
    if saving > 0:
        used.sort()  # canonical order
        values = [v for _, v in used]
        for (j, _), part in zip(used, spread(saving, values, value), strict=True):
            out[j] = part
    return out


def by_reference(c: Candidate, rem: list[int]) -> list[int]:
    """Any basket: :func:`reference_discounts` itself (the kernels assume every line's qty >= 1)."""
    d = reference_discounts(c.promo, c.lines, c.canon, list(rem))
    return [d.get(li, 0) for li in c.lines]


KERNELS: list[Kernel] = [_percent_off, _amount_off, _spend_get_off, _buy_x_get_y,
                         _mix_and_match]  # by kind code


# -- the readable reference -------------------------------------------------------------------
#
# Each takes the promotion, its lines (canonical indexes), the basket's lines in canonical
# order and what each has left, and gives what the promotion takes off each line.

_Reference = Callable[[Promotion, Sequence[int], list[BasketLine], list[int]], dict[int, int]]


def _ref_percent_off(p: Promotion, idx: Sequence[int], canon: list[BasketLine],
                     rem: list[int]) -> dict[int, int]:
    return {li: div_round(rem[li] * p.percent_bp, BP, Rounding.HALF_UP) for li in idx}


def _ref_amount_off(p: Promotion, idx: Sequence[int], canon: list[BasketLine],
                    rem: list[int]) -> dict[int, int]:
    out: dict[int, int] = {}
    for li in idx:
        ln = canon[li]
        off = (div_round(p.amount * ln.qty, 1000, Rounding.HALF_UP)
               if ln.measure is Measure.GRAM else p.amount * ln.qty)
        out[li] = min(off, rem[li])
    return out


def _ref_spend_get_off(p: Promotion, idx: Sequence[int], canon: list[BasketLine],
                       rem: list[int]) -> dict[int, int]:
    spend = sum(rem[li] for li in idx)
    if not (spend > 0 and spend >= p.min_spend):
        return {}
    off = p.amount or div_round(spend * p.percent_bp, BP, Rounding.HALF_UP)
    parts = allocate(min(off, spend), [rem[li] for li in idx])
    return dict(zip(idx, parts, strict=True))


def _ref_buy_x_get_y(p: Promotion, idx: Sequence[int], canon: list[BasketLine],
                     rem: list[int]) -> dict[int, int]:
    out: dict[int, int] = {}
    units = sum(canon[li].qty for li in idx)
    free = units // (p.buy_qty + p.get_qty) * p.get_qty
    if not free:
        return out
    for li in sorted(idx, key=lambda li: (Fraction(rem[li], canon[li].qty), li)):
        k = min(free, canon[li].qty)
        free -= k
        out[li] = div_round(rem[li] * k * p.get_percent_bp, canon[li].qty * BP,
                            Rounding.HALF_UP)
        if not free:
            break
    return out


def _ref_mix_and_match(p: Promotion, idx: Sequence[int], canon: list[BasketLine],
                       rem: list[int]) -> dict[int, int]:
    units = sum(canon[li].qty for li in idx)
    bundles = units // p.bundle_qty
    if not bundles:
        return {}
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
    if saving <= 0:
        return {}
    order = sorted(range(len(lines)), key=lambda j: lines[j])  # canonical
    parts = allocate(saving, [values[j] for j in order])
    return {lines[j]: part for j, part in zip(order, parts, strict=True)}


_REFERENCES: dict[Kind, _Reference] = {
    Kind.PERCENT_OFF: _ref_percent_off, Kind.AMOUNT_OFF: _ref_amount_off,
    Kind.SPEND_GET_OFF: _ref_spend_get_off, Kind.BUY_X_GET_Y: _ref_buy_x_get_y,
}


def reference_discounts(p: Promotion, idx: Sequence[int], canon: list[BasketLine],
                        rem: list[int]) -> dict[int, int]:
    """What ``p`` takes off each of its lines given what they have left (``rem``, updated)."""
    kind = p.kind
    reference = next((f for k, f in _REFERENCES.items() if kind is k), _ref_mix_and_match)
    out = reference(p, idx, canon, rem)
    for li, d in out.items():
        rem[li] -= d
    return out
