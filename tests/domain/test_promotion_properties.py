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

from hypothesis import given, settings
from hypothesis import strategies as st
from promotions_kit import AT, lines_st, numbered, promotions_st

from posclient.domain.promotions import (
    EXHAUSTIVE_MAX,
    BasketLine,
    PricingContext,
    PricingResult,
    PromotionBook,
    price_basket,
    promotion_from_dict,
    promotion_to_dict,
)
from sync.protocol import PromotionData

FAST = settings(max_examples=150, deadline=None)


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
