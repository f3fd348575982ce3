"""Hypothesis strategies and an independent oracle for handing over web orders while the store
prices things its own way (promotions, member tiers, coupons, price changes): a plain module, so
the till's and the central's tests import it by a unique name.

The oracle restates the money rule of docs/sync-protocol.md from the order alone, without the
till's code: the first ``n`` units of a line are worth ``round(total * n / qty)`` half up, and at
each visit the customer pays what the goods collected so far are worth beyond all the money
received so far (online and at earlier visits), never less than zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

GOLD = "gold"


@dataclass(frozen=True)
class OrderLine:
    product_id: int
    sku: str
    qty: int
    unit_price: int
    discount: int

    @property
    def total(self) -> int:
        return self.qty * self.unit_price - self.discount

    def worth(self, units: int) -> int:
        """The first ``units`` units, half up (integers only)."""
        return (2 * self.total * units + self.qty) // (2 * self.qty)


@dataclass(frozen=True)
class Case:
    """An order, how it was paid online, and what each visit collects of each line."""

    lines: tuple[OrderLine, ...]
    paid_online: int
    visits: tuple[dict[int, int], ...]  # per visit: {line_no: qty} (no zero quantities)

    @property
    def total(self) -> int:
        return sum(ln.total for ln in self.lines)

    def expected(self) -> list[tuple[int, int]]:
        """Per visit: (value of the goods handed over, due at the till)."""
        collected = [0] * len(self.lines)
        received, out = self.paid_online, []
        for visit in self.visits:
            before = sum(ln.worth(c) for ln, c in zip(self.lines, collected, strict=True))
            for line_no, qty in visit.items():
                collected[line_no - 1] += qty
            after = sum(ln.worth(c) for ln, c in zip(self.lines, collected, strict=True))
            due = max(0, after - received)
            received += due
            out.append((after - before, due))
        return out

    def payments(self) -> list[dict[str, Any]]:
        rest = self.total - self.paid_online
        return ([{"kind": "online", "amount": self.paid_online}] if self.paid_online else []) + \
            ([{"kind": "at_pickup", "amount": rest}] if rest else [])


@st.composite
def case_st(draw: st.DrawFn, products: dict[int, str], max_visits: int = 3) -> Case:
    """A random order over ``products`` ({product_id: sku}), paid online in part or whole, and
    up to ``max_visits`` visits that collect all of it or part (what is left stays open)."""
    ids = sorted(products)
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        pid = draw(st.sampled_from(ids))
        qty = draw(st.integers(1, 6))
        price = draw(st.integers(1, 20_000))
        discount = draw(st.integers(0, qty * price)) if draw(st.booleans()) else 0
        lines.append(OrderLine(pid, products[pid], qty, price, discount))
    total = sum(ln.total for ln in lines)
    paid = draw(st.sampled_from([0, total, None]))
    if paid is None:
        paid = draw(st.integers(0, total))
    visits: list[dict[int, int]] = [{} for _ in range(max_visits)]
    for no, ln in enumerate(lines, start=1):
        left = ln.qty - draw(st.integers(0, 1))  # now and then a unit is never collected
        for visit in visits:
            take = draw(st.integers(0, left))
            if take:
                visit[no] = take
                left -= take
        if left and draw(st.booleans()):
            visits[-1][no] = visits[-1].get(no, 0) + left
    return Case(tuple(lines), paid, tuple(v for v in visits if v) or ({1: 1},))


@st.composite
def promotion_st(draw: st.DrawFn, pid: str, product_ids: list[int],
                 categories: list[str]) -> dict[str, Any]:
    """A promotion record (``PromotionData`` fields) that covers some of the order's items."""
    kind = draw(st.sampled_from(["percent_off", "amount_off", "buy_x_get_y", "mix_and_match",
                                 "spend_get_off"]))
    p: dict[str, Any] = {"id": pid, "name_zh": f"促销{pid}", "name_en": f"Offer {pid}",
                         "kind": kind, "priority": draw(st.integers(0, 3)),
                         "stackable": draw(st.booleans()),
                         "exclusive": draw(st.integers(0, 5)) == 0}
    target = draw(st.sampled_from(["products", "category", "all"]))
    if kind == "mix_and_match" or target == "products":
        p["product_ids"] = sorted(set(draw(st.lists(st.sampled_from(product_ids), min_size=1,
                                                    max_size=3))))
    elif target == "category":
        p["categories"] = [draw(st.sampled_from(categories))]
    if kind == "percent_off":
        p["percent_bp"] = draw(st.integers(1, 10_000))
    elif kind == "amount_off":
        p["amount"] = draw(st.integers(1, 3_000))
    elif kind == "buy_x_get_y":
        p.update(buy_qty=draw(st.integers(1, 3)), get_qty=draw(st.integers(1, 2)),
                 get_percent_bp=draw(st.sampled_from([10_000, 5_000])))
    elif kind == "mix_and_match":
        p.update(bundle_qty=draw(st.integers(2, 4)), bundle_price=draw(st.integers(0, 3_000)))
    else:  # spend over N: thresholds around a large order's total
        p["min_spend"] = draw(st.sampled_from([0, 1_000, 10_000, 50_000]))
        if draw(st.booleans()):
            p["amount"] = draw(st.integers(1, 3_000))
        else:
            p["percent_bp"] = draw(st.integers(1, 5_000))
    if draw(st.integers(0, 3)) == 0:
        p.update(member_only=True, tiers=[GOLD])
    if draw(st.integers(0, 3)) == 0:
        p["coupon_code"] = f"C{pid}".replace("-", "")
    return p


@st.composite
def book_st(draw: st.DrawFn, product_ids: list[int], categories: list[str],
            max_size: int = 4) -> list[dict[str, Any]]:
    """A promotion book of the store: up to ``max_size`` promotions (ids P0, P1, ...)."""
    n = draw(st.integers(1, max_size))
    return [draw(promotion_st(f"P{i}", product_ids, categories)) for i in range(n)]


@st.composite
def visit_extras_st(draw: st.DrawFn, product_ids: list[int]) -> dict[str, Any]:
    """What else happens at a visit: the customer shows a gold member card, presents the
    coupons, and the store changed a price since the last visit."""
    return {"member": draw(st.booleans()), "coupons": draw(st.booleans()),
            "price_change": draw(st.one_of(st.none(), st.tuples(
                st.sampled_from(product_ids), st.integers(1, 30_000))))}
