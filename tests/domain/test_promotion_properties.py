"""Properties of the promotion engine over random baskets and promotions (hypothesis):

- the total is never negative and never above the undiscounted sum;
- the result does not depend on the order of scanning (nor on the order promotions are listed);
- the result is at least as good for the customer as any single applicable promotion alone;
- the engine is a pure function of its inputs: a promotion book reused across baskets, built
  from a list in any order, or rebuilt from its protocol records (as the till and the central
  each do) gives the same answer. The HTTP equality of web and till prices is tested in
  tests/sync/central/test_price_basket.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from posclient.domain.cart import Measure
from posclient.domain.promotions import (
    EXHAUSTIVE_MAX,
    BasketLine,
    Kind,
    PricingContext,
    PricingResult,
    Promotion,
    PromotionBook,
    price_basket,
    promotion_from_dict,
    promotion_to_dict,
)
from sync.protocol import PromotionData

FAST = settings(max_examples=150, deadline=None)
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


CTX = st.builds(lambda member: PricingContext(at=AT, store_id="S1",
                                              member_tier="gold" if member else None),
                st.booleans())


def summary(result: PricingResult, lines: list[BasketLine]) -> tuple[object, ...]:
    """What must not depend on scan order: totals, savings, and each line's price by what the
    line is (two identical lines may swap a tied fen)."""
    by_id = {ln.line_id: ln for ln in lines}
    content = sorted((by_id[lp.line_id].sort_key()[:-1], lp.total, lp.promotion_discount)
                     for lp in result.lines)
    return (result.total, result.promotion_discount,
            [(a.promotion_id, a.saved) for a in result.applied], content)


@FAST
@given(lines_st(), promotions_st(), CTX)
def test_total_is_never_negative_nor_above_the_undiscounted_sum(lines, promos, ctx):
    lines = numbered(lines)
    result = price_basket(promos, lines, ctx)
    undiscounted = sum(ln.gross for ln in lines)
    assert 0 <= result.total <= undiscounted - result.manual_discount <= undiscounted
    assert all(0 <= lp.total <= lp.gross for lp in result.lines)
    assert sum(lp.total for lp in result.lines) == result.total
    assert sum(a.saved for a in result.applied) == result.promotion_discount


@FAST
@given(lines_st(), promotions_st(), CTX, st.randoms(use_true_random=False))
def test_result_does_not_depend_on_scan_order(lines, promos, ctx, rnd):
    first = numbered(lines)
    shuffled = list(lines)
    rnd.shuffle(shuffled)
    second = numbered(shuffled)
    reordered = list(promos)
    rnd.shuffle(reordered)
    assert summary(price_basket(promos, first, ctx), first) == \
        summary(price_basket(reordered, second, ctx), second)


@FAST
@given(lines_st(), promotions_st(max_size=EXHAUSTIVE_MAX + 6), CTX)
def test_result_is_at_least_as_good_as_any_single_promotion(lines, promos, ctx):
    lines = numbered(lines)
    best = price_basket(promos, lines, ctx).promotion_discount
    for p in promos:
        assert price_basket([p], lines, ctx).promotion_discount <= best


@FAST
@given(st.lists(lines_st(), min_size=2, max_size=4), promotions_st(), CTX)
def test_engine_is_a_pure_function_of_its_inputs(baskets, promos, ctx):
    book = PromotionBook(promos)
    # Rebuilt from protocol records, as the till (its promotions table) and the central (its
    # entities) each do.
    records = [promotion_from_dict(
        PromotionData.model_validate(promotion_to_dict(p)).model_dump(mode="json"))
        for p in promos]
    assert records == promos
    rebuilt = PromotionBook(reversed(records))
    baskets = [numbered(b) for b in baskets]
    fresh = [price_basket(promos, b, ctx) for b in baskets]
    for b, expected in zip(baskets + baskets[::-1], fresh + fresh[::-1], strict=True):
        assert price_basket(book, b, ctx) == expected
        assert price_basket(rebuilt, b, ctx) == expected
