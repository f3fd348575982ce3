"""Hypothesis strategies for the promotion engine's tests: random baskets and promotions (a
plain module, so test files import it by a unique name)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import strategies as st

from posclient.domain.cart import Measure
from posclient.domain.promotions import BasketLine, Kind, Promotion

AT = datetime(2026, 11, 23, 12, 0, tzinfo=timezone(timedelta(hours=8)))
CATS = ("dairy", "drinks", "snacks")
BRANDS = ("a", "b", "c")


@st.composite
def lines_st(draw: st.DrawFn) -> list[BasketLine]:
    n = draw(st.integers(1, 8))
    out = []
    for _ in range(n):
        pid = draw(st.integers(1, 6))
        weighed = pid == 6
        qty = draw(st.integers(50, 3000)) if weighed else draw(st.integers(1, 6))
        price = draw(st.integers(0, 2000))
        gross = (price * qty + 500) // 1000 if weighed else price * qty
        manual = draw(st.integers(0, gross)) if draw(st.booleans()) and gross else 0
        out.append(BasketLine(line_id=0, product_id=pid, unit_price=price, qty=qty,
                              measure=Measure.GRAM if weighed else Measure.EACH,
                              category=CATS[pid % 3], brand=BRANDS[(pid * 7) % 3],
                              manual_discount=manual))
    return out


@st.composite
def promotion_st(draw: st.DrawFn, pid: str) -> Promotion:
    kind = draw(st.sampled_from(list(Kind)))
    targets = draw(st.sampled_from(["products", "category", "brand", "all"]))
    if kind is Kind.MIX_AND_MATCH and targets == "all":
        targets = "products"
    kw: dict[str, object] = {}
    if targets == "products":
        kw["product_ids"] = frozenset(draw(st.lists(st.integers(1, 6), min_size=1, max_size=3)))
    elif targets == "category":
        kw["categories"] = frozenset([draw(st.sampled_from(CATS))])
    elif targets == "brand":
        kw["brands"] = frozenset([draw(st.sampled_from(BRANDS))])
    if kind is Kind.PERCENT_OFF:
        kw["percent_bp"] = draw(st.integers(1, 10_000))
    elif kind is Kind.AMOUNT_OFF:
        kw["amount"] = draw(st.integers(1, 1500))
    elif kind is Kind.BUY_X_GET_Y:
        kw.update(buy_qty=draw(st.integers(1, 3)), get_qty=draw(st.integers(1, 2)),
                  get_percent_bp=draw(st.sampled_from([10_000, 5_000, 3_333])))
    elif kind is Kind.MIX_AND_MATCH:
        kw.update(bundle_qty=draw(st.integers(2, 4)), bundle_price=draw(st.integers(0, 3000)))
    else:
        if draw(st.booleans()):
            kw["amount"] = draw(st.integers(1, 3000))
        else:
            kw["percent_bp"] = draw(st.integers(1, 5000))
        kw["min_spend"] = draw(st.integers(0, 8000))
    return Promotion(id=pid, kind=kind, priority=draw(st.integers(0, 3)),
                     stackable=draw(st.booleans()),
                     exclusive=draw(st.integers(0, 5)) == 0,
                     member_only=draw(st.integers(0, 4)) == 0, **kw)  # type: ignore[arg-type]


@st.composite
def promotions_st(draw: st.DrawFn, max_size: int = 6) -> list[Promotion]:
    n = draw(st.integers(0, max_size))
    return [draw(promotion_st(f"P{i:02d}")) for i in range(n)]


def numbered(lines: list[BasketLine]) -> list[BasketLine]:
    """Line ids in scan order, as the cart gives them."""
    return [BasketLine(**{**{f: getattr(ln, f) for f in ln.__slots__}, "line_id": i})
            for i, ln in enumerate(lines, start=1)]
