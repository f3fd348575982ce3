"""The engine's fast paths against its readable reference (hypothesis).

posclient/domain/promotions/ prices with one integer kernel per kind and an incremental
greedy; ``reference_discounts`` is the reference each kernel must equal, and re-applying the
chosen promotions in application order from the lines' bases is what the greedy's incremental state
must equal. The public behaviour is tested in test_promotion_scenarios.py and
test_promotion_properties.py; these tests pin the internals those rely on.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from promotions_kit import AT, lines_st, numbered, promotions_st

from posclient.domain import promotions as engine
from posclient.domain.money import allocate
from posclient.domain.promotions.kernels import reference_discounts, spread
from posclient.domain.promotions.search import candidates, greedy

FAST = settings(max_examples=200, deadline=None)
CTX = engine.PricingContext(at=AT, store_id="S1", member_tier="gold")


def basket(lines: list[engine.BasketLine]) -> tuple[list[engine.BasketLine], list[int]]:
    canon = sorted(numbered(lines), key=engine.BasketLine.sort_key)
    base = [ln.gross - min(max(ln.manual_discount, 0), ln.gross) for ln in canon]
    return canon, base


@FAST
@given(lines_st(), promotions_st(max_size=10), st.randoms(use_true_random=False))
def test_each_kernel_equals_the_reference(lines, promos, rnd):
    canon, base = basket(lines)
    for c in candidates(engine.PromotionBook(promos), canon, base, CTX):
        for rem in (base, [rnd.randint(0, b) for b in base]):
            want = reference_discounts(c.promo, c.lines, canon, list(rem))
            assert c.kernel(c, rem) == [want.get(li, 0) for li in c.lines]


@FAST
@given(lines_st(), promotions_st(max_size=engine.EXHAUSTIVE_MAX + 8))
def test_the_greedy_state_equals_applying_its_choice_from_the_start(lines, promos):
    canon, base = basket(lines)
    cands = [c for c in candidates(engine.PromotionBook(promos), canon, base, CTX)
             if not c.promo.exclusive]
    chosen, total = greedy(cands, base)  # one "cluster" of them all: still exact
    assert [c.order for c, _ in chosen] == sorted(c.order for c, _ in chosen)
    rem = list(base)
    for c, took in chosen:
        want = reference_discounts(c.promo, c.lines, canon, rem)
        assert took == [want.get(li, 0) for li in c.lines]
    assert total == sum(sum(took) for _, took in chosen)


@FAST
@given(st.integers(0, 10**6), st.lists(st.integers(0, 10**5), min_size=1, max_size=12))
def test_spread_is_allocate(total, weights):
    wsum = sum(weights)
    if wsum and total <= wsum:
        assert spread(total, weights, wsum) == allocate(total, weights)
