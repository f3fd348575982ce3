"""The cart: lines, repeat scans, weights, discounts, overrides, voids, totals, suspend/resume."""

from __future__ import annotations

import json
from typing import Any

import pytest

from posclient.domain.cart import Cart, Discount, DiscountKind, Item, Measure
from posclient.domain.errors import InvalidInput
from posclient.domain.money import Money, Rounding
from posclient.domain.policy import Limits

VAT_13 = 130_000
VAT_9 = 90_000


def cny(minor: int) -> Money:
    return Money(minor, "CNY")


def make_item(
    product_id: int = 1,
    price: int = 1000,
    *,
    measure: Measure = Measure.EACH,
    tax_code: str = "VAT13",
    rate: int = VAT_13,
    currency: str = "CNY",
) -> Item:
    return Item(
        product_id=product_id, sku=f"SKU{product_id}", name_zh=f"商品{product_id}",
        name_en=f"Product {product_id}", measure=measure, unit_price=Money(price, currency),
        tax_code=tax_code, tax_rate_ppm=rate,
    )


MILK = make_item(1, 650)
BREAD = make_item(2, 1200)
APPLES = make_item(3, 1598, measure=Measure.GRAM)  # 15.98 per kg
WINE = make_item(4, 9900, tax_code="VAT9", rate=VAT_9)


def snapshot(cart: Cart) -> dict[str, Any]:
    return cart.to_dict()


def assert_refused(cart: Cart, code: str, action) -> None:
    before = snapshot(cart)
    with pytest.raises(InvalidInput) as err:
        action()
    assert err.value.code == code
    assert snapshot(cart) == before


# -- adding items ---------------------------------------------------------------------------------

def test_a_new_cart_is_empty_and_owes_nothing() -> None:
    cart = Cart("CNY")
    assert cart.is_empty
    t = cart.totals()
    assert t.lines == ()
    assert t.total == t.subtotal == t.tax_total == cny(0)
    assert t.taxes == ()


def test_adding_an_item_makes_a_priced_line() -> None:
    cart = Cart("CNY")
    line = cart.add(BREAD, 2)
    assert (line.line_id, line.qty, line.gross) == (1, 2, 2400)
    t = cart.totals()
    assert t.total == cny(2400)
    assert t.line(line.line_id).total == 2400
    assert t.tax_total == cny(276)  # 24.00 * 13 / 113 = 2.761


def test_a_repeat_scan_of_a_plain_item_adds_to_its_line() -> None:
    cart = Cart("CNY")
    first = cart.add(MILK)
    again = cart.add(MILK, 2)
    assert again is first
    assert len(cart.lines) == 1
    assert first.qty == 3
    assert cart.totals().total == cny(1950)


def test_a_repeat_scan_raises_the_quantity_of_its_line_wherever_it_is() -> None:
    cart = Cart("CNY")
    cart.add(MILK)
    cart.add(BREAD)
    again = cart.add(MILK)
    assert [(ln.item.product_id, ln.qty) for ln in cart.lines] == [(1, 2), (2, 1)]
    assert again.line_id == 1


def test_with_merging_off_every_scan_is_a_line_of_its_own() -> None:
    cart = Cart("CNY")
    for item in (MILK, MILK, BREAD, MILK):
        cart.add(item, merge=False)
    assert [(ln.item.product_id, ln.qty) for ln in cart.lines] == [(1, 1), (1, 1), (2, 1),
                                                                   (1, 1)]
    assert [ln.line_id for ln in cart.lines] == [1, 2, 3, 4]


def test_a_repeat_scan_does_not_merge_into_a_discounted_line() -> None:
    cart = Cart("CNY")
    line = cart.add(MILK)
    cart.set_line_discount(line.line_id, Discount.percent(1000))
    cart.add(MILK)
    assert len(cart.lines) == 2


def test_a_repeat_scan_does_not_merge_into_an_overridden_line() -> None:
    cart = Cart("CNY")
    line = cart.add(MILK)
    cart.override_price(line.line_id, cny(500))
    cart.add(MILK)
    assert len(cart.lines) == 2
    assert cart.totals().total == cny(1150)


def test_a_repeat_scan_at_a_new_price_starts_a_new_line() -> None:
    cart = Cart("CNY")
    cart.add(MILK)
    cart.add(make_item(1, 700))
    assert [ln.gross for ln in cart.lines] == [650, 700]


def test_weighed_items_and_scale_labels_never_merge() -> None:
    cart = Cart("CNY")
    cart.add(APPLES, 500)
    cart.add(APPLES, 500)
    cart.add(MILK, fixed_amount=cny(650))
    cart.add(MILK, fixed_amount=cny(650))
    cart.add(MILK)  # the last line is a label: not plain, so a new line
    assert len(cart.lines) == 5


def test_a_repeat_scan_beyond_the_quantity_limit_is_refused() -> None:
    cart = Cart("CNY")
    cart.add(MILK, 9999)
    assert_refused(cart, "qty_too_large", lambda: cart.add(MILK))


def test_an_item_priced_in_another_currency_is_refused() -> None:
    cart = Cart("CNY")
    assert_refused(cart, "currency_mismatch", lambda: cart.add(make_item(9, 100, currency="USD")))


def test_a_sale_may_hold_only_so_many_lines() -> None:
    cart = Cart("CNY", limits=Limits(max_lines=3))
    for pid in range(1, 4):
        cart.add(make_item(pid))
    assert_refused(cart, "too_many_lines", lambda: cart.add(make_item(4)))
    cart.add(make_item(3))  # a repeat scan of the last line still fits
    assert cart.lines[-1].qty == 2


# -- quantities and weights -----------------------------------------------------------------------

@pytest.mark.parametrize(
    ("qty", "code"),
    [(0, "qty_invalid"), (-1, "qty_invalid"), (10_000, "qty_too_large"), (1.5, "qty_invalid"),
     (2.0, "qty_invalid"), (True, "qty_invalid"), ("2", "qty_invalid"), (None, "qty_invalid")],
)
def test_a_bad_quantity_is_refused_and_the_cart_is_unchanged(qty: object, code: str) -> None:
    cart = Cart("CNY")
    line = cart.add(BREAD, 2)
    assert_refused(cart, code, lambda: cart.add(MILK, qty))  # type: ignore[arg-type]
    assert_refused(cart, code, lambda: cart.set_qty(line.line_id, qty))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("grams", "code"), [(0, "qty_invalid"), (-5, "qty_invalid"), (50_001, "qty_too_large")]
)
def test_a_bad_weight_is_refused_and_the_cart_is_unchanged(grams: int, code: str) -> None:
    cart = Cart("CNY")
    line = cart.add(APPLES, 1000)
    assert_refused(cart, code, lambda: cart.add(APPLES, grams))
    assert_refused(cart, code, lambda: cart.set_qty(line.line_id, grams))


def test_the_largest_allowed_quantity_and_weight_are_accepted() -> None:
    cart = Cart("CNY")
    assert cart.add(MILK, 9999).qty == 9999
    assert cart.add(APPLES, 50_000).gross == 79900  # 50 kg at 15.98


def test_set_qty_changes_the_line() -> None:
    cart = Cart("CNY")
    line = cart.add(BREAD)
    cart.set_qty(line.line_id, 5)
    assert cart.totals().total == cny(6000)


def test_set_qty_of_an_unknown_line_is_refused() -> None:
    cart = Cart("CNY")
    cart.add(BREAD)
    assert_refused(cart, "line_not_found", lambda: cart.set_qty(99, 1))


@pytest.mark.parametrize(
    ("price_per_kg", "grams", "gross"),
    [
        (1598, 1234, 1972),  # 15.98/kg * 1.234 kg = 19.71932 -> 19.72
        (999, 500, 500),  # 4.995 -> 5.00: half up
        (999, 499, 499),  # 4.985 -> 4.99
        (1, 500, 1),  # half a fen rounds up
        (1, 499, 0),
        (2000, 1000, 2000),
    ],
)
def test_a_weighed_line_costs_price_per_kg_times_weight_half_up(
    price_per_kg: int, grams: int, gross: int
) -> None:
    cart = Cart("CNY")
    line = cart.add(make_item(5, price_per_kg, measure=Measure.GRAM), grams)
    assert line.gross == gross
    assert cart.totals().total == cny(gross)


def test_a_scale_label_price_is_the_line_amount() -> None:
    cart = Cart("CNY")
    line = cart.add(APPLES, 1234, fixed_amount=cny(1999))
    assert line.gross == 1999
    assert cart.totals().total == cny(1999)


def test_a_scale_label_cannot_be_reweighed_or_overridden() -> None:
    cart = Cart("CNY")
    line = cart.add(APPLES, 1234, fixed_amount=cny(1999))
    assert_refused(cart, "qty_fixed", lambda: cart.set_qty(line.line_id, 1000))
    assert_refused(cart, "price_fixed", lambda: cart.override_price(line.line_id, cny(1000)))


@pytest.mark.parametrize(("amount", "code"), [
    (cny(0), "price_invalid"), (cny(-100), "price_invalid"),
    (Money(100, "USD"), "currency_mismatch"),
])
def test_a_bad_scale_label_price_is_refused(amount: Money, code: str) -> None:
    cart = Cart("CNY")
    cart.add(MILK)
    assert_refused(cart, code, lambda: cart.add(APPLES, 500, fixed_amount=amount))


# -- line discounts -------------------------------------------------------------------------------

def test_a_percent_line_discount_is_rounded_half_up() -> None:
    cart = Cart("CNY")
    line = cart.add(make_item(7, 1999), 3)  # 59.97
    cart.set_line_discount(line.line_id, Discount.percent(1000))  # 5.997 -> 6.00
    pl = cart.totals().line(line.line_id)
    assert (pl.gross, pl.line_discount, pl.total) == (5997, 600, 5397)


def test_an_amount_line_discount() -> None:
    cart = Cart("CNY")
    line = cart.add(BREAD, 2)
    cart.set_line_discount(line.line_id, Discount.amount(500, "damaged"))
    t = cart.totals()
    assert t.line_discounts == cny(500)
    assert t.total == cny(1900)
    assert t.discount_total == cny(500)


def test_a_line_discount_can_make_a_line_free_but_not_less() -> None:
    cart = Cart("CNY")
    line = cart.add(BREAD)
    cart.set_line_discount(line.line_id, Discount.amount(1200))
    assert cart.totals().total == cny(0)
    assert_refused(cart, "discount_too_large",
                   lambda: cart.set_line_discount(line.line_id, Discount.amount(1201)))


def test_a_line_discount_can_be_removed() -> None:
    cart = Cart("CNY")
    line = cart.add(BREAD)
    cart.set_line_discount(line.line_id, Discount.percent(5000))
    cart.set_line_discount(line.line_id, None)
    assert cart.totals().total == cny(1200)


def test_lowering_the_quantity_drops_an_amount_discount_that_no_longer_fits() -> None:
    # Regression: set_qty used to keep a 25.00 discount on a line now worth 10.00, giving the
    # line a negative total that reduced the price of the other lines.
    cart = Cart("CNY")
    line = cart.add(make_item(8, 1000), 3)
    cart.add(BREAD)
    cart.set_line_discount(line.line_id, Discount.amount(2500))
    cart.set_qty(line.line_id, 1)
    t = cart.totals()
    assert all(pl.total >= 0 for pl in t.lines)
    assert line.discount is None
    assert t.total == cny(2200)


def test_lowering_the_quantity_keeps_a_discount_that_still_fits() -> None:
    cart = Cart("CNY")
    line = cart.add(make_item(8, 1000), 3)
    cart.set_line_discount(line.line_id, Discount.amount(500))
    cart.set_qty(line.line_id, 1)
    assert cart.totals().total == cny(500)
    pct = cart.add(BREAD, 4)
    cart.set_line_discount(pct.line_id, Discount.percent(2500))
    cart.set_qty(pct.line_id, 1)
    assert cart.totals().line(pct.line_id).total == 900


# -- basket discounts -----------------------------------------------------------------------------

def test_a_basket_discount_is_spread_over_lines_by_amount() -> None:
    cart = Cart("CNY")
    a = cart.add(make_item(10, 3000))
    b = cart.add(make_item(11, 7000, tax_code="VAT9", rate=VAT_9))
    cart.set_basket_discount(Discount.amount(1000))
    t = cart.totals()
    assert (t.line(a.line_id).basket_discount, t.line(b.line_id).basket_discount) == (300, 700)
    assert (t.line(a.line_id).total, t.line(b.line_id).total) == (2700, 6300)
    assert t.total == cny(9000) == cny(sum(pl.total for pl in t.lines))
    # Tax follows the discounted amounts per rate: 27.00 at 13% and 63.00 at 9%.
    assert {tl.code: tl.tax for tl in t.taxes} == {"VAT13": 311, "VAT9": 520}


def test_a_basket_discount_applies_after_line_discounts() -> None:
    cart = Cart("CNY")
    line = cart.add(make_item(10, 10000))
    cart.add(make_item(11, 10000))
    cart.set_line_discount(line.line_id, Discount.amount(5000))
    cart.set_basket_discount(Discount.percent(1000))  # 10% of 150.00
    t = cart.totals()
    assert t.basket_discount == cny(1500)
    assert t.total == cny(13500)
    assert [pl.basket_discount for pl in t.lines] == [500, 1000]


def test_an_odd_basket_discount_parts_add_up_exactly() -> None:
    cart = Cart("CNY")
    for pid in range(3):
        cart.add(make_item(20 + pid, 1000))
    cart.set_basket_discount(Discount.amount(100))
    t = cart.totals()
    assert [pl.basket_discount for pl in t.lines] == [34, 33, 33]
    assert t.total == cny(2900)


def test_a_basket_discount_larger_than_the_sale_is_refused() -> None:
    cart = Cart("CNY")
    cart.add(BREAD)
    assert_refused(cart, "discount_too_large",
                   lambda: cart.set_basket_discount(Discount.amount(1201)))
    cart.set_basket_discount(Discount.amount(1200))
    assert cart.totals().total == cny(0)


def test_a_basket_discount_on_nothing_is_refused() -> None:
    cart = Cart("CNY")
    assert_refused(cart, "discount_too_large",
                   lambda: cart.set_basket_discount(Discount.percent(1000)))
    line = cart.add(BREAD)
    cart.set_line_discount(line.line_id, Discount.percent(10_000))
    assert_refused(cart, "discount_too_large",
                   lambda: cart.set_basket_discount(Discount.amount(1)))


def test_a_basket_discount_can_be_removed() -> None:
    cart = Cart("CNY")
    cart.add(BREAD)
    cart.set_basket_discount(Discount.percent(1000))
    cart.set_basket_discount(None)
    assert cart.totals().total == cny(1200)


# -- tax ------------------------------------------------------------------------------------------

def test_tax_inclusive_cart_summarises_tax_per_rate() -> None:
    cart = Cart("CNY")
    cart.add(make_item(30, 11300))
    cart.add(make_item(31, 10900, tax_code="VAT9", rate=VAT_9))
    cart.add(make_item(32, 5650))
    t = cart.totals()
    assert t.total == cny(27850)
    assert [(tl.code, tl.net, tl.tax, tl.gross) for tl in t.taxes] == [
        ("VAT13", 15000, 1950, 16950), ("VAT9", 10000, 900, 10900),
    ]
    assert t.tax_total == cny(2850)


def test_tax_exclusive_cart_adds_tax_to_the_total() -> None:
    cart = Cart("USD", tax_inclusive=False)
    cart.add(make_item(40, 10000, tax_code="NYC", rate=88_750, currency="USD"))
    t = cart.totals()
    assert t.subtotal == Money(10000, "USD")
    assert t.tax_total == Money(888, "USD")
    assert t.total == Money(10888, "USD")
    assert not t.inclusive


def test_the_cart_uses_its_tax_rounding_mode() -> None:
    cart = Cart("USD", tax_inclusive=False, tax_rounding=Rounding.DOWN)
    cart.add(make_item(40, 10000, tax_code="NYC", rate=88_750, currency="USD"))
    assert cart.totals().tax_total == Money(887, "USD")


# -- price override -------------------------------------------------------------------------------

def test_a_price_override_replaces_the_unit_price() -> None:
    cart = Cart("CNY")
    line = cart.add(BREAD, 3)
    cart.override_price(line.line_id, cny(1000), "price match")
    assert line.unit_price == cny(1000)
    assert line.override_reason == "price match"
    assert cart.totals().total == cny(3000)


def test_a_price_override_on_a_weighed_line_is_per_kg() -> None:
    cart = Cart("CNY")
    line = cart.add(APPLES, 1234)
    cart.override_price(line.line_id, cny(1000))
    assert cart.totals().total == cny(1234)


def test_a_price_override_to_zero_is_allowed() -> None:
    cart = Cart("CNY")
    line = cart.add(BREAD)
    cart.override_price(line.line_id, cny(0))
    assert cart.totals().total == cny(0)


@pytest.mark.parametrize(
    ("price", "code"),
    [(cny(-1), "price_invalid"), (cny(10_000_001), "price_too_large"),
     (Money(100, "USD"), "currency_mismatch")],
)
def test_a_bad_price_override_is_refused(price: Money, code: str) -> None:
    cart = Cart("CNY")
    line = cart.add(BREAD)
    assert_refused(cart, code, lambda: cart.override_price(line.line_id, price))


def test_a_price_override_drops_an_amount_discount_larger_than_the_new_price() -> None:
    cart = Cart("CNY")
    line = cart.add(BREAD)
    cart.set_line_discount(line.line_id, Discount.amount(1000))
    cart.override_price(line.line_id, cny(800))
    assert line.discount is None
    assert cart.totals().total == cny(800)


def test_a_price_override_keeps_a_percent_discount() -> None:
    cart = Cart("CNY")
    line = cart.add(BREAD)
    cart.set_line_discount(line.line_id, Discount.percent(5000))
    cart.override_price(line.line_id, cny(800))
    assert cart.totals().total == cny(400)


# -- voids ----------------------------------------------------------------------------------------

def test_a_voided_line_stays_on_record_but_is_not_charged() -> None:
    cart = Cart("CNY")
    milk = cart.add(MILK)
    cart.add(BREAD)
    voided = cart.void_line(milk.line_id)
    assert voided is milk and milk.voided
    assert len(cart.lines) == 2  # kept for the audit trail
    assert [ln.line_id for ln in cart.active_lines] == [2]
    t = cart.totals()
    assert t.total == cny(1200)
    assert [pl.line_id for pl in t.lines] == [2]
    with pytest.raises(KeyError):
        t.line(milk.line_id)


def test_a_voided_line_cannot_be_changed_or_voided_again() -> None:
    cart = Cart("CNY")
    milk = cart.add(MILK)
    cart.add(BREAD)
    cart.void_line(milk.line_id)
    assert_refused(cart, "line_not_found", lambda: cart.void_line(milk.line_id))
    assert_refused(cart, "line_not_found", lambda: cart.set_qty(milk.line_id, 2))
    assert_refused(cart, "line_not_found",
                   lambda: cart.override_price(milk.line_id, cny(1)))
    assert_refused(cart, "line_not_found",
                   lambda: cart.set_line_discount(milk.line_id, Discount.percent(100)))


def test_line_ids_are_never_reused_after_a_void() -> None:
    cart = Cart("CNY")
    first = cart.add(MILK)
    cart.void_line(first.line_id)
    second = cart.add(MILK)
    assert second is not first
    assert second.line_id == 2


def test_voiding_a_line_drops_an_amount_basket_discount_that_no_longer_fits() -> None:
    cart = Cart("CNY")
    cart.add(BREAD)
    wine = cart.add(WINE)
    cart.set_basket_discount(Discount.amount(5000))
    cart.void_line(wine.line_id)
    assert cart.basket_discount is None
    assert cart.totals().total == cny(1200)


def test_voiding_a_line_keeps_a_basket_discount_that_still_fits() -> None:
    cart = Cart("CNY")
    cart.add(BREAD)
    wine = cart.add(WINE)
    cart.set_basket_discount(Discount.amount(500))
    cart.void_line(wine.line_id)
    assert cart.totals().total == cny(700)
    cart.set_basket_discount(Discount.percent(1000))
    assert cart.totals().total == cny(1080)


def test_voiding_every_line_empties_the_sale_and_its_basket_discount() -> None:
    cart = Cart("CNY")
    lines = [cart.add(MILK), cart.add(BREAD), cart.add(APPLES, 700)]
    cart.set_basket_discount(Discount.percent(1000))
    for ln in lines:
        cart.void_line(ln.line_id)
    assert cart.is_empty
    assert cart.basket_discount is None
    t = cart.totals()
    assert t.total == cny(0) and t.lines == () and t.taxes == ()
    assert len(cart.lines) == 3


# -- Discount -------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("10%", DiscountKind.PERCENT, 1000),
        ("12.5%", DiscountKind.PERCENT, 1250),
        ("12.25%", DiscountKind.PERCENT, 1225),
        (" 10 % ", DiscountKind.PERCENT, 1000),
        ("100%", DiscountKind.PERCENT, 10_000),
        ("0.01%", DiscountKind.PERCENT, 1),
        ("5", DiscountKind.AMOUNT, 500),
        ("5.50", DiscountKind.AMOUNT, 550),
        ("0.05", DiscountKind.AMOUNT, 5),
    ],
)
def test_discount_parse(text: str, kind: DiscountKind, value: int) -> None:
    d = Discount.parse(text, "CNY", "member")
    assert (d.kind, d.value, d.reason) == (kind, value, "member")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("abc", "discount_malformed"),
        ("%", "discount_malformed"),
        ("1.234%", "discount_malformed"),
        ("ten%", "discount_malformed"),
        ("-5%", "discount_malformed"),
        ("5.555", "discount_malformed"),
        ("0%", "discount_range"),
        ("101%", "discount_range"),
        ("100.01%", "discount_range"),
        ("-5", "discount_range"),
        ("0", "discount_range"),
    ],
)
def test_discount_parse_refuses_bad_input(text: str, code: str) -> None:
    with pytest.raises(InvalidInput) as err:
        Discount.parse(text, "CNY")
    assert err.value.code == code


@pytest.mark.parametrize("bp", [0, -1, 10_001])
def test_percent_discount_range(bp: int) -> None:
    with pytest.raises(InvalidInput):
        Discount.percent(bp)


@pytest.mark.parametrize("minor", [0, -1])
def test_amount_discount_must_be_positive(minor: int) -> None:
    with pytest.raises(InvalidInput):
        Discount.amount(minor)


def test_discount_amount_off_and_limit_check() -> None:
    assert Discount.percent(1000).amount_off(1995) == 200  # 199.5 -> 200
    assert Discount.percent(1000).amount_off(1994) == 199
    assert Discount.amount(300).amount_off(1000) == 300
    assert not Discount.percent(1000).exceeds_percent(5000, 1000)
    assert Discount.percent(1001).exceeds_percent(5000, 1000)
    assert not Discount.amount(500).exceeds_percent(5000, 1000)  # exactly 10%
    assert Discount.amount(501).exceeds_percent(5000, 1000)


def test_item_name_by_language_falls_back_to_the_other() -> None:
    assert MILK.name("zh_CN") == "商品1"
    assert MILK.name("en") == "Product 1"
    only_zh = Item(9, "S", "牛奶", "", Measure.EACH, cny(1), "VAT13", VAT_13)
    assert only_zh.name("en") == "牛奶"


# -- suspend / resume -----------------------------------------------------------------------------

def test_to_dict_from_dict_round_trip_keeps_everything() -> None:
    cart = Cart("CNY")
    a = cart.add(MILK, 2)
    b = cart.add(APPLES, 1234)
    cart.add(APPLES, 800, fixed_amount=cny(1500))
    cart.add(BREAD)
    cart.override_price(b.line_id, cny(1200), "reduced")
    cart.set_line_discount(a.line_id, Discount.percent(1000, "member"))
    cart.void_line(4)
    cart.set_basket_discount(Discount.amount(100, "loyalty"))
    restored = Cart.from_dict(json.loads(json.dumps(cart.to_dict())))
    assert restored.to_dict() == cart.to_dict()
    assert restored.totals() == cart.totals()
    assert restored.add(WINE).line_id == 5  # ids continue after the suspended ones


def test_copy_is_independent() -> None:
    cart = Cart("CNY")
    line = cart.add(MILK)
    other = cart.copy()
    other.set_qty(line.line_id, 5)
    other.add(BREAD)
    assert cart.to_dict()["lines"][0]["qty"] == 1
    assert len(cart.lines) == 1
