"""Tax-inclusive and tax-exclusive computation, the per-rate summary, and rate display."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from posclient.domain.money import Rounding
from posclient.domain.tax import TaxLine, TaxRate, summarize, tax_included, tax_on_top

FAST = settings(max_examples=200, deadline=None)
VAT_13 = 130_000
NYC = 88_750  # New York City sales tax, 8.875%


def test_inclusive_tax_is_taken_out_of_the_gross() -> None:
    assert tax_included(11300, VAT_13) == 1300  # 113.00 at 13% holds 13.00 tax
    assert tax_included(10900, 90_000) == 900
    assert tax_included(10600, 60_000) == 600


def test_exclusive_tax_is_added_on_top() -> None:
    assert tax_on_top(10000, NYC) == 888  # 887.5 cents, half up
    assert tax_on_top(2499, NYC) == 222  # 221.786 cents
    assert tax_on_top(20000, NYC) == 1775  # exact


def test_zero_and_full_rates() -> None:
    assert tax_included(12345, 0) == 0
    assert tax_on_top(12345, 0) == 0
    assert tax_on_top(12345, 1_000_000) == 12345
    assert tax_included(200, 1_000_000) == 100


@pytest.mark.parametrize(
    ("mode", "expected"),
    [(Rounding.HALF_UP, 888), (Rounding.HALF_EVEN, 888), (Rounding.DOWN, 887), (Rounding.UP, 888)],
)
def test_exclusive_rounding_modes_at_a_half(mode: Rounding, expected: int) -> None:
    assert tax_on_top(10000, NYC, mode) == expected  # 887.5


@pytest.mark.parametrize(
    ("mode", "expected"),
    [(Rounding.HALF_UP, 1), (Rounding.HALF_EVEN, 0), (Rounding.DOWN, 0), (Rounding.UP, 1)],
)
def test_half_even_rounds_a_half_to_the_even_cent(mode: Rounding, expected: int) -> None:
    assert tax_on_top(10, 50_000, mode) == expected  # 0.5 cent


@pytest.mark.parametrize(
    ("mode", "expected"),
    [(Rounding.HALF_UP, 12), (Rounding.HALF_EVEN, 12), (Rounding.DOWN, 11), (Rounding.UP, 12)],
)
def test_inclusive_rounding_modes(mode: Rounding, expected: int) -> None:
    assert tax_included(100, VAT_13, mode) == expected  # 11.504 fen


def test_inclusive_summary_splits_gross_into_net_and_tax() -> None:
    [line] = summarize([("VAT13", VAT_13, 11300)], inclusive=True)
    assert line == TaxLine("VAT13", VAT_13, net=10000, tax=1300, gross=11300)


def test_exclusive_summary_adds_tax_to_net() -> None:
    [line] = summarize([("NYC", NYC, 10000)], inclusive=False)
    assert line == TaxLine("NYC", NYC, net=10000, tax=888, gross=10888)


def test_summary_groups_lines_of_one_rate_and_sorts_by_code_then_rate() -> None:
    lines = summarize(
        [
            ("VAT9", 90_000, 10900),
            ("VAT13", VAT_13, 11300),
            ("VAT9", 90_000, 5450),
            ("VAT13", VAT_13, 5650),
            ("ZERO", 0, 1000),
            ("VAT13", 60_000, 1060),  # a code with a second rate is its own group
        ],
        inclusive=True,
    )
    assert [(t.code, t.rate_ppm) for t in lines] == [
        ("VAT13", 60_000), ("VAT13", VAT_13), ("VAT9", 90_000), ("ZERO", 0),
    ]
    by_key = {(t.code, t.rate_ppm): t for t in lines}
    assert by_key["VAT13", VAT_13] == TaxLine("VAT13", VAT_13, net=15000, tax=1950, gross=16950)
    assert by_key["VAT9", 90_000] == TaxLine("VAT9", 90_000, net=15000, tax=1350, gross=16350)
    assert by_key["ZERO", 0] == TaxLine("ZERO", 0, net=1000, tax=0, gross=1000)
    assert by_key["VAT13", 60_000].tax == 60


def test_tax_is_rounded_once_per_rate_not_per_line() -> None:
    # Three lines of 1.00 at 13% inclusive: 11.504 fen each. Per line that would be 3 * 12 = 36;
    # on the rate's sum of 3.00 it is 34.51 -> 35.
    [line] = summarize([("VAT13", VAT_13, 100)] * 3, inclusive=True)
    assert line.tax == 35
    assert line.net == 265


def test_summary_passes_the_rounding_mode_on() -> None:
    [down] = summarize([("NYC", NYC, 10000)], inclusive=False, mode=Rounding.DOWN)
    [up] = summarize([("NYC", NYC, 10000)], inclusive=False, mode=Rounding.UP)
    assert (down.tax, up.tax) == (887, 888)


def test_summary_of_nothing_is_empty() -> None:
    assert summarize([], inclusive=True) == []


@FAST
@given(
    st.lists(
        st.tuples(st.sampled_from(["A", "B", "C"]), st.sampled_from([0, 60_000, 90_000, VAT_13]),
                  st.integers(min_value=0, max_value=10**8)),
        max_size=20,
    ),
    st.booleans(),
    st.sampled_from(list(Rounding)),
)
def test_summary_is_consistent_and_exact_to_within_a_cent_per_rate(
    amounts: list[tuple[str, int, int]], inclusive: bool, mode: Rounding
) -> None:
    lines = summarize(amounts, inclusive=inclusive, mode=mode)
    keys = [(t.code, t.rate_ppm) for t in lines]
    assert keys == sorted(set(keys)) == sorted({(c, r) for c, r, _ in amounts})
    for t in lines:
        assert t.net + t.tax == t.gross
        group = sum(a for c, r, a in amounts if (c, r) == (t.code, t.rate_ppm))
        if inclusive:
            assert t.gross == group
            exact = Fraction(group * t.rate_ppm, 1_000_000 + t.rate_ppm)
        else:
            assert t.net == group
            exact = Fraction(group * t.rate_ppm, 1_000_000)
        assert abs(t.tax - exact) < 1
        assert 0 <= t.tax <= group
    assert summarize(list(reversed(amounts)), inclusive=inclusive, mode=mode) == lines


@pytest.mark.parametrize(
    ("rate_ppm", "text"),
    [
        (VAT_13, "13%"),
        (NYC, "8.875%"),
        (55_000, "5.5%"),
        (60_000, "6%"),
        (0, "0%"),
        (1_000_000, "100%"),
        (1, "0.0001%"),
        (72_500, "7.25%"),
    ],
)
def test_percent_str_is_exact(rate_ppm: int, text: str) -> None:
    assert TaxRate("X", rate_ppm).percent_str == text


@pytest.mark.parametrize("rate_ppm", [-1, 1_000_001])
def test_tax_rate_out_of_range_is_refused(rate_ppm: int) -> None:
    with pytest.raises(ValueError):
        TaxRate("X", rate_ppm)
