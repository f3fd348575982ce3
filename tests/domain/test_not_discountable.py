"""A product marked not discountable (a gift card) is never reduced: not by a sale discount, a
line discount, a price override nor a promotion, and it never counts toward a promotion
(issue 15, item 11: a 5% sale discount sold a ¥100 gift card for 95.00)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from promotions_kit import AT, lines_st, numbered, promotions_st

from posclient.domain.cart import Cart, Discount, Item, Measure
from posclient.domain.errors import InvalidInput
from posclient.domain.money import Money
from posclient.domain.promotions import (
    BasketLine,
    Kind,
    PricingContext,
    Promotion,
    price_basket,
)

CTX = PricingContext(at=AT, store_id="S1")


def cny(minor: int) -> Money:
    return Money(minor, "CNY")


GIFT_CARD = Item(7, "GC100", "购物卡 100元", "Gift Card 100 Yuan", Measure.EACH, cny(10_000),
                 "ZERO", 0, "SV", discountable=False)
MILK = Item(1, "100001", "伊利 纯牛奶 250ml", "Yili Pure Milk 250ml", Measure.EACH, cny(1250),
            "VAT13", 130_000, "DA")


def gift_card_and_milk() -> tuple[Cart, int, int]:
    cart = Cart("CNY")
    card = cart.add(GIFT_CARD).line_id
    milk = cart.add(MILK).line_id
    return cart, card, milk


# -- the cart ---------------------------------------------------------------------------------

def test_a_sale_discount_leaves_the_gift_card_at_its_value_and_the_milk_takes_it_all():
    cart, card, milk = gift_card_and_milk()
    cart.set_basket_discount(Discount.percent(500))
    t = cart.totals()
    assert t.line(card).total == 10_000
    assert t.line(card).basket_discount == 0
    assert t.line(milk).basket_discount == 63  # 5% of 12.50, half up
    assert t.basket_discount == cny(63)
    assert t.total == cny(10_000 + 1250 - 63)


def test_a_sale_discount_amount_is_worked_out_on_the_discountable_lines_only():
    cart, card, milk = gift_card_and_milk()
    with pytest.raises(InvalidInput) as err:
        cart.set_basket_discount(Discount.amount(2000))  # more than the milk
    assert err.value.code == "discount_too_large"
    cart.set_basket_discount(Discount.amount(1250))
    t = cart.totals()
    assert t.line(card).total == 10_000 and t.line(milk).total == 0


def test_a_basket_of_gift_cards_only_has_nothing_to_discount():
    cart = Cart("CNY")
    cart.add(GIFT_CARD)
    with pytest.raises(InvalidInput) as err:
        cart.set_basket_discount(Discount.percent(500))
    assert err.value.code == "discount_too_large"
    assert cart.basket_discount is None


@pytest.mark.parametrize("change", ["discount", "override"])
def test_a_line_discount_or_price_override_on_a_gift_card_is_refused(change):
    cart, card, _ = gift_card_and_milk()
    before = cart.to_dict()
    with pytest.raises(InvalidInput) as err:
        if change == "discount":
            cart.set_line_discount(card, Discount.percent(1000))
        else:
            cart.override_price(card, cny(9000), "damaged")
    assert err.value.code == "not_discountable"
    assert "Gift Card 100 Yuan is not discountable" in str(err.value)
    assert err.value.details["product_zh"] == "购物卡 100元"
    assert cart.to_dict() == before


def test_the_cart_gives_no_promotion_discount_to_a_gift_card_line():
    cart, card, milk = gift_card_and_milk()
    assert [ln.line_id for ln in cart.priceable] == [milk]
    cart.promo = {card: 1000, milk: 100}  # whatever the engine said
    t = cart.totals()
    assert t.line(card).promo_discount == 0 and t.line(card).total == 10_000
    assert t.line(milk).promo_discount == 100


def test_a_suspended_sale_keeps_the_gift_card_not_discountable():
    cart, card, _ = gift_card_and_milk()
    again = Cart.from_dict(cart.to_dict())
    assert again.get(card).item.discountable is False
    assert again.get(card).item == GIFT_CARD


# -- the promotion engine -----------------------------------------------------------------------

def basket() -> list[BasketLine]:
    return [
        BasketLine(1, 7, 10_000, category="SV", discountable=False, manual_discount=500),
        BasketLine(2, 1, 1250, qty=2, category="DA"),
    ]


@pytest.mark.parametrize("promotion", [
    Promotion("ALL10", Kind.PERCENT_OFF, percent_bp=1000),
    Promotion("SV10", Kind.PERCENT_OFF, percent_bp=1000, categories=frozenset({"SV", "DA"})),
    Promotion("GC5", Kind.AMOUNT_OFF, amount=500, product_ids=frozenset({7, 1})),
], ids=["store-wide", "category", "product"])
def test_a_promotion_never_reduces_a_gift_card(promotion):
    result = price_basket([promotion], basket(), CTX)
    card = result.line(1)
    assert (card.gross, card.manual_discount, card.promotion_discount, card.total) == \
        (10_000, 0, 0, 10_000)
    assert result.line(2).promotion_discount > 0
    assert all(1 not in a.line_ids for a in result.applied)
    assert result.total == 10_000 + result.line(2).total


def test_a_gift_card_never_counts_toward_spend_over_n():
    spend = Promotion("SPEND100", Kind.SPEND_GET_OFF, amount=1000, min_spend=10_000)
    result = price_basket([spend], basket(), CTX)
    assert result.promotion_discount == 0  # the milk alone is 25.00
    more = [*basket(), BasketLine(3, 2, 8000, qty=1)]  # 25.00 + 80.00 of goods
    result = price_basket([spend], more, CTX)
    assert result.promotion_discount == 1000
    assert result.line(1).total == 10_000


def test_a_gift_card_never_makes_a_bundle_or_a_free_item():
    two_for_one = Promotion("B1G1", Kind.BUY_X_GET_Y, buy_qty=1, get_qty=1,
                            product_ids=frozenset({7, 1}))
    lines = [BasketLine(1, 7, 10_000, discountable=False), BasketLine(2, 1, 1250)]
    assert price_basket([two_for_one], lines, CTX).promotion_discount == 0


@settings(max_examples=150, deadline=None)
@given(lines_st(), promotions_st(), st.lists(st.booleans(), min_size=8, max_size=8),
       st.booleans())
def test_not_discountable_lines_keep_their_gross_and_the_others_are_priced_as_without_them(
        lines, promos, flags, member):
    ctx = PricingContext(at=AT, store_id="S1", member_tier="gold" if member else None)
    lines = [replace(ln, discountable=f) for ln, f in zip(numbered(lines), flags, strict=False)]
    held = [ln for ln in lines if not ln.discountable]
    rest = [ln for ln in lines if ln.discountable]
    result = price_basket(promos, lines, ctx)
    for ln in held:
        lp = result.line(ln.line_id)
        assert (lp.manual_discount, lp.promotion_discount, lp.total, lp.promotions) == \
            (0, 0, ln.gross, ())
    alone = price_basket(promos, rest, ctx)
    assert [result.line(ln.line_id) for ln in rest] == list(alone.lines)
    assert result.applied == alone.applied
    assert result.promotion_discount == alone.promotion_discount
    assert result.total == alone.total + sum(ln.gross for ln in held)
    assert result.subtotal == sum(ln.gross for ln in lines)
