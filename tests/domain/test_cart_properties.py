"""Properties of the cart over random sales: totals add up, order and suspend do not matter."""

from __future__ import annotations

import json
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from posclient.domain.cart import Cart, Discount, Item, Measure
from posclient.domain.errors import InvalidInput
from posclient.domain.money import Money, Rounding

FAST = settings(max_examples=200, deadline=None)
VAT_13 = 130_000
VAT_9 = 90_000


def cny(minor: int) -> Money:
    return Money(minor, "CNY")


def make_item(product_id: int, price: int, *, measure: Measure, tax_code: str, rate: int) -> Item:
    return Item(
        product_id=product_id, sku=f"SKU{product_id}", name_zh=f"商品{product_id}",
        name_en=f"Product {product_id}", measure=measure, unit_price=cny(price),
        tax_code=tax_code, tax_rate_ppm=rate,
    )


@dataclass(frozen=True)
class LineSpec:
    measure: Measure
    price: int
    qty: int
    rate: tuple[str, int]
    override: int | None
    fixed: int | None
    discount: tuple[str, int] | None  # ("pct", bp) or ("amt", permille of the line's gross)


RATES = [("VAT13", VAT_13), ("VAT9", VAT_9), ("VAT6", 60_000), ("ZERO", 0)]

line_specs = st.one_of(
    st.builds(
        LineSpec,
        measure=st.just(Measure.EACH),
        price=st.integers(min_value=0, max_value=100_000),
        qty=st.integers(min_value=1, max_value=50),
        rate=st.sampled_from(RATES),
        override=st.none() | st.integers(min_value=0, max_value=100_000),
        fixed=st.none(),
        discount=st.none() | st.tuples(st.just("pct"), st.integers(1, 10_000))
        | st.tuples(st.just("amt"), st.integers(1, 1000)),
    ),
    st.builds(
        LineSpec,
        measure=st.just(Measure.GRAM),
        price=st.integers(min_value=1, max_value=30_000),
        qty=st.integers(min_value=1, max_value=50_000),
        rate=st.sampled_from(RATES),
        override=st.none(),
        fixed=st.none() | st.integers(min_value=1, max_value=100_000),
        discount=st.none() | st.tuples(st.just("pct"), st.integers(1, 10_000))
        | st.tuples(st.just("amt"), st.integers(1, 1000)),
    ),
)
basket_specs = st.none() | st.tuples(st.just("pct"), st.integers(1, 10_000)) | st.tuples(
    st.just("amt"), st.integers(1, 1000))


def to_discount(spec: tuple[str, int], base: int) -> Discount | None:
    kind, value = spec
    if kind == "pct":
        return Discount.percent(value)
    minor = base * value // 1000
    return Discount.amount(minor) if minor > 0 else None


def build_cart(
    specs: list[tuple[int, LineSpec]], basket: tuple[str, int] | None, *, inclusive: bool,
    rounding: Rounding = Rounding.HALF_UP,
) -> Cart:
    cart = Cart("CNY", tax_inclusive=inclusive, tax_rounding=rounding)
    for product_id, spec in specs:
        item = make_item(product_id, spec.price, measure=spec.measure, tax_code=spec.rate[0],
                         rate=spec.rate[1])
        line = cart.add(item, spec.qty,
                        fixed_amount=None if spec.fixed is None else cny(spec.fixed))
        if spec.override is not None:
            cart.override_price(line.line_id, cny(spec.override))
        if spec.discount is not None and line.gross > 0:
            cart.set_line_discount(line.line_id, to_discount(spec.discount, line.gross))
    base = sum(ln.gross - ln.line_discount for ln in cart.active_lines)
    if basket is not None and base > 0:
        cart.set_basket_discount(to_discount(basket, base))
    return cart


operations = st.lists(
    st.one_of(
        st.tuples(st.just("qty"), st.integers(0, 30), st.integers(-2, 60_000)),
        st.tuples(st.just("void"), st.integers(0, 30), st.just(0)),
        st.tuples(st.just("override"), st.integers(0, 30), st.integers(-5, 200_000)),
        st.tuples(st.just("scan"), st.integers(0, 30), st.integers(1, 3)),
    ),
    max_size=8,
)


def apply_operations(cart: Cart, ops: list[tuple[str, int, int]]) -> None:
    """Apply cashier actions; a refused one must leave the cart exactly as it was."""
    for op, index, value in ops:
        if not cart.lines:
            return
        line = cart.lines[index % len(cart.lines)]
        before = cart.to_dict()
        try:
            if op == "qty":
                cart.set_qty(line.line_id, value)
            elif op == "void":
                cart.void_line(line.line_id)
            elif op == "override":
                cart.override_price(line.line_id, cny(value))
            else:
                cart.add(line.item, value)
        except InvalidInput:
            assert cart.to_dict() == before


def assert_consistent(cart: Cart) -> None:
    t = cart.totals()
    line_totals = sum(pl.total for pl in t.lines)
    assert t.subtotal.minor == sum(pl.gross for pl in t.lines)
    assert t.line_discounts.minor == sum(pl.line_discount for pl in t.lines)
    assert t.basket_discount.minor == sum(pl.basket_discount for pl in t.lines)
    assert t.basket_discount.minor >= 0
    for pl in t.lines:
        assert 0 <= pl.line_discount <= pl.gross
        assert 0 <= pl.total == pl.gross - pl.line_discount - pl.basket_discount
    assert t.tax_total.minor == sum(tl.tax for tl in t.taxes)
    if t.inclusive:
        assert t.total.minor == line_totals
        assert sum(tl.gross for tl in t.taxes) == t.total.minor
        assert 0 <= t.total.minor <= t.subtotal.minor
    else:
        assert t.total.minor == line_totals + t.tax_total.minor
        assert sum(tl.net for tl in t.taxes) == line_totals
        assert t.total.minor >= 0
    assert t.total == t.subtotal - t.discount_total + (
        Money(0, "CNY") if t.inclusive else t.tax_total)


@FAST
@given(
    st.lists(line_specs, max_size=12), basket_specs, st.booleans(),
    st.sampled_from(list(Rounding)), operations,
)
def test_random_carts_always_add_up(
    specs: list[LineSpec], basket: tuple[str, int] | None, inclusive: bool, rounding: Rounding,
    ops: list[tuple[str, int, int]],
) -> None:
    cart = build_cart(list(enumerate(specs, 1)), basket, inclusive=inclusive, rounding=rounding)
    assert_consistent(cart)
    apply_operations(cart, ops)
    assert_consistent(cart)


@FAST
@given(
    st.lists(line_specs, min_size=1, max_size=10).flatmap(
        lambda specs: st.tuples(st.just(specs), st.permutations(list(enumerate(specs, 1))))),
    basket_specs, st.booleans(),
)
def test_the_total_does_not_depend_on_the_order_lines_were_added(
    specs_and_order: tuple[list[LineSpec], list[tuple[int, LineSpec]]],
    basket: tuple[str, int] | None, inclusive: bool,
) -> None:
    specs, shuffled = specs_and_order
    a = build_cart(list(enumerate(specs, 1)), basket, inclusive=inclusive).totals()
    b = build_cart(shuffled, basket, inclusive=inclusive).totals()
    assert (a.subtotal, a.line_discounts, a.basket_discount) == (
        b.subtotal, b.line_discounts, b.basket_discount)
    # Discounts are allocated in a canonical order, so tax and totals match in every store.
    assert sum(pl.total for pl in a.lines) == sum(pl.total for pl in b.lines)
    assert a.taxes == b.taxes
    assert a.total == b.total


def test_an_exclusive_total_does_not_depend_on_the_scan_order() -> None:
    def total(first: int, second: int) -> Money:
        cart = Cart("CNY", tax_inclusive=False)
        items = {1: make_item(1, 108, measure=Measure.EACH, tax_code="A", rate=88_750),
                 2: make_item(2, 108, measure=Measure.EACH, tax_code="B", rate=40_000)}
        cart.add(items[first])
        cart.add(items[second])
        cart.set_basket_discount(Discount.amount(1))
        return cart.totals().total

    assert total(1, 2) == total(2, 1)


@FAST
@given(
    st.lists(line_specs, max_size=10), basket_specs, st.booleans(),
    st.sampled_from(list(Rounding)), operations,
)
def test_suspend_and_resume_gives_identical_totals(
    specs: list[LineSpec], basket: tuple[str, int] | None, inclusive: bool, rounding: Rounding,
    ops: list[tuple[str, int, int]],
) -> None:
    cart = build_cart(list(enumerate(specs, 1)), basket, inclusive=inclusive, rounding=rounding)
    apply_operations(cart, ops)
    data = json.loads(json.dumps(cart.to_dict()))
    restored = Cart.from_dict(data)
    assert restored.to_dict() == cart.to_dict()
    assert restored.totals() == cart.totals()
