"""Money in integer minor units: rounding, arithmetic, parsing, display and allocation."""

from __future__ import annotations

import dataclasses
import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from posclient.domain.money import (
    MAX_TYPED_MINOR,
    Money,
    Rounding,
    allocate,
    currency_exponent,
    div_round,
    round_to_increment,
)

FAST = settings(max_examples=200, deadline=None)
HALF_MODES = (Rounding.HALF_UP, Rounding.HALF_EVEN)


def reference_round(value: Fraction, mode: Rounding) -> int:
    """An independent rounding of an exact fraction, built on the standard library."""
    sign = -1 if value < 0 else 1
    magnitude = abs(value)
    if mode is Rounding.DOWN:
        return sign * math.floor(magnitude)
    if mode is Rounding.UP:
        return sign * math.ceil(magnitude)
    if mode is Rounding.HALF_UP:
        return sign * math.floor(magnitude + Fraction(1, 2))
    return round(value)  # Fraction.__round__ rounds half to even


# -- div_round ------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("numerator", "denominator", "half_up", "half_even", "down", "up"),
    [
        (6, 3, 2, 2, 2, 2),  # exact
        (0, 7, 0, 0, 0, 0),
        (7, 2, 4, 4, 3, 4),  # 3.5: half to even goes up to 4
        (5, 2, 3, 2, 2, 3),  # 2.5: half to even stays at 2
        (15, 10, 2, 2, 1, 2),  # 1.5
        (25, 10, 3, 2, 2, 3),  # 2.5
        (1, 3, 0, 0, 0, 1),  # 0.33
        (2, 3, 1, 1, 0, 1),  # 0.67
        (-5, 2, -3, -2, -2, -3),  # -2.5: half-up is away from zero
        (-7, 2, -4, -4, -3, -4),  # -3.5
        (-25, 10, -3, -2, -2, -3),
        (-1, 3, 0, 0, 0, -1),
        (-2, 3, -1, -1, 0, -1),
        (5, -2, -3, -2, -2, -3),  # negative denominator
        (-5, -2, 3, 2, 2, 3),
    ],
)
def test_div_round_resolves_fractions_by_each_mode(
    numerator: int, denominator: int, half_up: int, half_even: int, down: int, up: int
) -> None:
    assert div_round(numerator, denominator, Rounding.HALF_UP) == half_up
    assert div_round(numerator, denominator, Rounding.HALF_EVEN) == half_even
    assert div_round(numerator, denominator, Rounding.DOWN) == down
    assert div_round(numerator, denominator, Rounding.UP) == up


def test_div_round_defaults_to_half_up() -> None:
    assert div_round(5, 2) == 3
    assert div_round(-5, 2) == -3


def test_div_round_by_zero_raises() -> None:
    with pytest.raises(ZeroDivisionError):
        div_round(1, 0)


def test_div_round_is_exact_for_numbers_beyond_float_precision() -> None:
    big = 10**30 + 1
    assert div_round(big * 2 + 1, 2, Rounding.HALF_UP) == big + 1
    assert div_round(big * 2 + 1, 2, Rounding.HALF_EVEN) == big + 1  # big + 0.5, big is odd
    assert div_round(big * 2 + 1, 2, Rounding.DOWN) == big


@FAST
@given(
    st.integers(min_value=-(10**15), max_value=10**15),
    st.integers(min_value=-(10**6), max_value=10**6).filter(bool),
    st.sampled_from(list(Rounding)),
)
def test_div_round_agrees_with_exact_fraction_rounding(n: int, d: int, mode: Rounding) -> None:
    assert div_round(n, d, mode) == reference_round(Fraction(n, d), mode)


@FAST
@given(
    st.integers(min_value=-(10**12), max_value=10**12),
    st.integers(min_value=1, max_value=10**6),
    st.sampled_from(list(Rounding)),
)
def test_div_round_is_symmetric_around_zero(n: int, d: int, mode: Rounding) -> None:
    assert div_round(-n, d, mode) == -div_round(n, d, mode)
    assert div_round(n, -d, mode) == -div_round(n, d, mode)


# -- round_to_increment ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("amount", "increment", "mode", "expected"),
    [
        (5147, 10, Rounding.HALF_UP, 5150),
        (5144, 10, Rounding.HALF_UP, 5140),
        (5145, 10, Rounding.HALF_UP, 5150),
        (5145, 10, Rounding.HALF_EVEN, 5140),  # 514.5 -> 514
        (5155, 10, Rounding.HALF_EVEN, 5160),  # 515.5 -> 516
        (5149, 10, Rounding.DOWN, 5140),
        (5141, 10, Rounding.UP, 5150),
        (5140, 10, Rounding.UP, 5140),
        (-5145, 10, Rounding.HALF_UP, -5150),
        (1232, 5, Rounding.HALF_UP, 1230),  # CHF 0.05
        (1233, 5, Rounding.HALF_UP, 1235),
        (1249, 100, Rounding.HALF_UP, 1200),
        (1250, 100, Rounding.HALF_UP, 1300),
        (3, 10, Rounding.HALF_UP, 0),
        (1234, 1, Rounding.UP, 1234),  # increment 1 is no rounding
    ],
)
def test_round_to_increment(amount: int, increment: int, mode: Rounding, expected: int) -> None:
    assert round_to_increment(amount, increment, mode) == expected


@pytest.mark.parametrize("increment", [0, -5])
def test_round_to_increment_refuses_a_non_positive_increment(increment: int) -> None:
    with pytest.raises(ValueError):
        round_to_increment(100, increment)


@FAST
@given(
    st.integers(min_value=-(10**9), max_value=10**9),
    st.sampled_from([1, 2, 5, 10, 20, 50, 100]),
    st.sampled_from(list(Rounding)),
)
def test_round_to_increment_gives_the_nearest_allowed_multiple(
    amount: int, increment: int, mode: Rounding
) -> None:
    rounded = round_to_increment(amount, increment, mode)
    assert rounded % increment == 0
    if mode in HALF_MODES:
        assert 2 * abs(rounded - amount) <= increment
    else:
        assert abs(rounded - amount) < increment
    if mode is Rounding.DOWN:
        assert abs(rounded) <= abs(amount)
    if mode is Rounding.UP:
        assert abs(rounded) >= abs(amount)


# -- Money ----------------------------------------------------------------------------------------

def cny(minor: int) -> Money:
    return Money(minor, "CNY")


def test_money_adds_subtracts_negates_and_multiplies_by_int() -> None:
    assert cny(150) + cny(250) == cny(400)
    assert cny(150) - cny(250) == cny(-100)
    assert -cny(150) == cny(-150)
    assert cny(150) * 3 == cny(450)
    assert 3 * cny(150) == cny(450)
    assert cny(150) * 0 == cny(0)
    assert cny(150) * -2 == cny(-300)


def test_money_compares_and_is_falsy_only_at_zero() -> None:
    assert cny(100) < cny(200) <= cny(200) < cny(201)
    assert cny(300) > cny(200) >= cny(200)
    assert not cny(0)
    assert cny(-1)
    assert cny(1)
    assert Money.zero("JPY") == Money(0, "JPY")


def test_money_of_different_currencies_are_not_equal() -> None:
    assert Money(100, "CNY") != Money(100, "USD")
    assert hash(cny(100)) == hash(cny(100))
    assert len({cny(100), cny(100), Money(100, "USD")}) == 2


@pytest.mark.parametrize(
    "combine",
    [
        lambda a, b: a + b,
        lambda a, b: a - b,
        lambda a, b: a < b,
        lambda a, b: a <= b,
        lambda a, b: a > b,
        lambda a, b: a >= b,
    ],
)
def test_money_refuses_to_combine_currencies(combine) -> None:
    with pytest.raises(ValueError, match="currency mismatch"):
        combine(Money(100, "CNY"), Money(100, "USD"))


@pytest.mark.parametrize("other", [5, 5.0, Decimal("5"), "5", None])
def test_money_refuses_to_add_a_plain_number(other: object) -> None:
    with pytest.raises(TypeError):
        cny(100) + other  # type: ignore[operator]
    with pytest.raises(TypeError):
        _ = cny(100) < other  # type: ignore[operator]


@pytest.mark.parametrize("factor", [1.5, 2.0, True, False, Decimal("2"), Fraction(1, 2)])
def test_money_refuses_to_multiply_by_anything_but_int(factor: object) -> None:
    with pytest.raises(TypeError):
        cny(100) * factor  # type: ignore[operator]
    with pytest.raises(TypeError):
        factor * cny(100)  # type: ignore[operator]


def test_money_cannot_be_multiplied_by_money() -> None:
    with pytest.raises(TypeError):
        cny(100) * cny(2)  # type: ignore[operator]


@pytest.mark.parametrize("minor", [1.0, 12.5, True, False, Decimal("1"), "100", None])
def test_money_refuses_floats_bools_and_other_non_ints(minor: object) -> None:
    with pytest.raises(TypeError):
        Money(minor, "CNY")  # type: ignore[arg-type]


@pytest.mark.parametrize("currency", ["XYZ", "cny", "", "RMB"])
def test_money_refuses_an_unsupported_currency(currency: str) -> None:
    with pytest.raises(ValueError, match="unsupported currency"):
        Money(100, currency)


def test_money_is_immutable() -> None:
    m = cny(100)
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.minor = 5  # type: ignore[misc]


def test_currency_exponents() -> None:
    assert currency_exponent("CNY") == 2
    assert currency_exponent("USD") == 2
    assert currency_exponent("JPY") == 0
    assert currency_exponent("KRW") == 0


# -- parse ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "minor"),
    [
        ("12", 1200),
        ("12.5", 1250),
        ("12.50", 1250),
        ("0.05", 5),
        (".5", 50),
        ("12.", 1200),
        ("0", 0),
        ("  7 ", 700),
        ("1,234.56", 123456),
        ("-3.20", -320),
        ("-.5", -50),
        ("007.10", 710),
    ],
)
def test_parse_reads_a_typed_amount_without_floats(text: str, minor: int) -> None:
    assert Money.parse(text, "CNY") == cny(minor)


@pytest.mark.parametrize(
    "text",
    ["1.234", "abc", "1e3", "12.3.4", "+5", "--5", "5-", "1 000", "0x10", "1.2a", "12.-5",
     "Infinity", "NaN", "¥12"],
)
def test_parse_refuses_what_is_not_an_amount(text: str) -> None:
    with pytest.raises(ValueError):
        Money.parse(text, "CNY")


@pytest.mark.parametrize("text", ["", "   ", ".", "-", "-."])
def test_parse_refuses_text_without_any_digit(text: str) -> None:
    with pytest.raises(ValueError):
        Money.parse(text, "CNY")


def test_parse_respects_the_currency_exponent() -> None:
    assert Money.parse("1200", "JPY") == Money(1200, "JPY")
    assert Money.parse("1,200", "JPY") == Money(1200, "JPY")
    with pytest.raises(ValueError):
        Money.parse("12.5", "JPY")


def test_parse_refuses_an_unsupported_currency() -> None:
    with pytest.raises(ValueError):
        Money.parse("12", "XYZ")


# -- to_decimal_str -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("money", "text"),
    [
        (Money(1250, "CNY"), "12.50"),
        (Money(5, "CNY"), "0.05"),
        (Money(0, "CNY"), "0.00"),
        (Money(-5, "CNY"), "-0.05"),
        (Money(-1250, "CNY"), "-12.50"),
        (Money(123456789, "CNY"), "1234567.89"),
        (Money(1200, "JPY"), "1200"),
        (Money(0, "JPY"), "0"),
        (Money(-5, "JPY"), "-5"),
    ],
)
def test_to_decimal_str_is_exact(money: Money, text: str) -> None:
    assert money.to_decimal_str() == text


def test_str_shows_amount_and_currency() -> None:
    assert str(Money(1250, "CNY")) == "12.50 CNY"
    assert str(Money(1200, "JPY")) == "1200 JPY"


@FAST
@given(st.integers(min_value=-MAX_TYPED_MINOR, max_value=MAX_TYPED_MINOR),
       st.sampled_from(["CNY", "USD", "JPY"]))
def test_decimal_str_parses_back_to_the_same_money(minor: int, currency: str) -> None:
    m = Money(minor, currency)
    assert Money.parse(m.to_decimal_str(), currency) == m
    assert Decimal(m.to_decimal_str()) == Decimal(minor).scaleb(-currency_exponent(currency))


# -- allocate -------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("total", "weights", "parts"),
    [
        (100, [1, 1, 1], [34, 33, 33]),  # a tie goes to the earlier weight
        (-100, [1, 1, 1], [-34, -33, -33]),
        (2, [1, 1, 1], [1, 1, 0]),
        (1, [1, 1], [1, 0]),
        (10, [0, 1], [0, 10]),
        (300, [3000, 7000], [90, 210]),
        (100, [1, 2], [33, 67]),  # 33.3 / 66.7: the larger remainder gets the cent
        (0, [1, 2, 3], [0, 0, 0]),
        (0, [], []),
    ],
)
def test_allocate_by_largest_remainder(total: int, weights: list[int], parts: list[int]) -> None:
    assert allocate(total, weights) == parts


def test_allocate_refuses_an_amount_over_nothing() -> None:
    with pytest.raises(ValueError):
        allocate(5, [])
    with pytest.raises(ValueError):
        allocate(5, [0, 0])


@FAST
@given(
    st.integers(min_value=-(10**9), max_value=10**9),
    st.lists(st.integers(min_value=0, max_value=10**7), min_size=1, max_size=30).filter(any),
)
def test_allocate_parts_sum_exactly_and_stay_within_one_of_the_exact_share(
    total: int, weights: list[int]
) -> None:
    parts = allocate(total, weights)
    assert len(parts) == len(weights)
    assert sum(parts) == total
    wsum = sum(weights)
    for part, w in zip(parts, weights, strict=True):
        exact = Fraction(total * w, wsum)
        assert abs(part - exact) < 1
        assert part * total >= 0  # never the opposite sign of the total
        if w == 0:
            assert part == 0
    assert allocate(total, weights) == parts  # deterministic


@FAST
@given(
    st.integers(min_value=-(10**6), max_value=10**6),
    st.lists(st.integers(min_value=1, max_value=5), min_size=2, max_size=20),
)
def test_allocate_ties_favour_the_earlier_weight(total: int, weights: list[int]) -> None:
    parts = allocate(total, weights)
    for i in range(len(weights)):
        for j in range(i + 1, len(weights)):
            if weights[i] == weights[j]:
                assert abs(parts[i]) >= abs(parts[j])
