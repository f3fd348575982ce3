"""A web order's lines in the cart keep the order's price in any basket (hypothesis): whatever
the store's promotions (the real engine, "spend over N" included), a basket discount, or a
promotion discount set on them by mistake, each order line costs what the order says, and the
store's own items beside them are priced exactly as they would be without them (the order's
lines count toward no threshold)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from promotions_kit import AT, lines_st, promotions_st

from posclient.domain.cart import Cart, Discount, Item, Measure, OrderLineRef
from posclient.domain.errors import InvalidInput
from posclient.domain.money import Money
from posclient.domain.promotions import BasketLine, PricingContext, price_basket

FAST = settings(max_examples=150, deadline=None)


def item(product_id: int, price: int, measure: Measure = Measure.EACH,
         category: str = "") -> Item:
    return Item(product_id, f"S{product_id}", "", f"P{product_id}", measure,
                Money(price, "CNY"), "VAT13", 130_000, category)


@st.composite
def order_lines_st(draw: st.DrawFn) -> list[tuple[Item, int, int]]:
    """(item, qty, the order's discount on the line)."""
    out = []
    for _ in range(draw(st.integers(1, 4))):
        pid, qty, price = draw(st.integers(1, 5)), draw(st.integers(1, 6)), \
            draw(st.integers(1, 20_000))
        out.append((item(pid, price, category=("dairy", "drinks", "snacks")[pid % 3]), qty,
                    draw(st.integers(0, qty * price))))
    return out


def priced(cart: Cart, book, member: bool, junk: int) -> None:
    """As the checkout prices a cart: the engine sees the lines the store prices; a promotion
    discount is also set on each order line, which the cart must ignore."""
    lines = [BasketLine(ln.line_id, ln.item.product_id, ln.unit_price.minor, ln.qty,
                        ln.item.measure, ln.item.category, "", manual_discount=ln.line_discount)
             for ln in cart.priceable]
    result = price_basket(book, lines, PricingContext(at=AT, store_id="S1",
                                                      member_tier="gold" if member else None))
    cart.promo = {lp.line_id: lp.promotion_discount for lp in result.lines}
    cart.promo.update({ln.line_id: junk for ln in cart.active_lines if ln.order is not None})


@FAST
@given(ordered=order_lines_st(), store=lines_st(), book=promotions_st(),
       member=st.booleans(), basket=st.one_of(st.none(), st.integers(1, 10_000)),
       junk=st.integers(1, 10**6), order_first=st.booleans())
def test_an_orders_lines_keep_the_orders_price_beside_the_stores_items(
        ordered, store, book, member, basket, junk, order_first):
    mixed, alone = Cart("CNY"), Cart("CNY")

    def add_order_lines() -> None:
        for no, (it, qty, off) in enumerate(ordered, start=1):
            mixed.add_order_line(it, qty, OrderLineRef("W1", no),
                                 Discount.amount(off) if off else None)

    if order_first:
        add_order_lines()
    for bl in store:
        it = item(bl.product_id, bl.unit_price, bl.measure, bl.category)
        for cart in (mixed, alone):
            line = cart.add(it, bl.qty)
            if bl.manual_discount and bl.manual_discount <= line.gross:
                cart.set_line_discount(line.line_id, Discount.amount(bl.manual_discount))
    if not order_first:
        add_order_lines()
    for cart in (mixed, alone):
        priced(cart, book, member, junk)
    if basket is not None:
        discount = Discount.percent(basket)
        try:
            alone.set_basket_discount(discount)
        except InvalidInput:
            with pytest.raises(InvalidInput):
                mixed.set_basket_discount(discount)
        else:
            mixed.set_basket_discount(discount)
    t, a = mixed.totals(), alone.totals()
    values = []
    for ln in mixed.active_lines:
        if ln.order is None:
            continue
        pl = t.line(ln.line_id)
        it, qty, off = ordered[ln.order.line_no - 1]
        assert (pl.gross, pl.promo_discount, pl.basket_discount, pl.total) == (
            it.unit_price.minor * qty, 0, 0, it.unit_price.minor * qty - off)
        values.append(pl.total)
    assert t.total.minor == sum(values) + a.total.minor
    assert t.basket_discount == a.basket_discount


def test_an_orders_line_is_never_merged_with_a_scan_of_the_same_item():
    cart = Cart("CNY")
    milk = item(1, 1250)
    order_line = cart.add_order_line(milk, 2, OrderLineRef("W1", 1))
    scanned = cart.add(milk, 1)
    assert scanned.line_id != order_line.line_id and order_line.qty == 2


def test_an_orders_line_survives_a_suspend_and_resume_copy():
    cart = Cart("CNY")
    cart.add_order_line(item(1, 1250), 2, OrderLineRef("W1", 3), Discount.amount(100))
    twin = cart.copy()
    assert twin.active_lines[0].order == OrderLineRef("W1", 3)
    with pytest.raises(InvalidInput) as refused:
        twin.void_line(twin.active_lines[0].line_id)
    assert refused.value.code == "pickup_locked"
