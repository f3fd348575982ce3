"""Every amount a person types has a bound: a typo (``99999999999999`` for ``99.99``) is refused
with the limit named, never committed, never an overflow; cash far above what is due needs the
cashier's confirmation, and beyond ten of the largest notes is refused outright."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from posclient.domain.errors import InvalidInput
from posclient.domain.money import MAX_TYPED_MINOR, AmountTooLarge, Money
from posclient.domain.tender import (
    MAX_CHANGE_NOTES,
    CashRounding,
    Payment,
    TenderNeedsConfirmation,
    largest_note,
)

FAST = settings(max_examples=300, deadline=None)
SQLITE_MAX = 2**63 - 1


def cny(minor: int) -> Money:
    return Money(minor, "CNY")


@pytest.mark.parametrize("text", ["99999999999999", "1" + "0" * 23, "9" * 5000,
                                  "100000000.01", "-100000000.01"])
def test_an_amount_beyond_the_limit_is_refused_naming_the_limit(text):
    with pytest.raises(AmountTooLarge) as err:
        Money.parse(text, "CNY")
    assert "100000000.00 at most" in str(err.value)
    assert len(str(err.value)) < 120  # a 5,000-digit typo is not echoed back whole


def test_the_limit_itself_and_leading_zeros_parse():
    assert Money.parse("100000000.00", "CNY").minor == MAX_TYPED_MINOR
    assert Money.parse("000000000000000012.50", "CNY") == cny(1250)


@FAST
@given(st.text(alphabet="0123456789.-,", max_size=40))
def test_any_typed_amount_parses_within_bounds_or_is_refused_plainly(text):
    try:
        m = Money.parse(text, "CNY")
    except AmountTooLarge:
        return
    except ValueError as exc:
        assert "not an amount" in str(exc)
        return
    assert abs(m.minor) <= MAX_TYPED_MINOR < SQLITE_MAX


def test_the_largest_note_is_the_currencys():
    assert largest_note("CNY") == cny(10_000)
    assert largest_note("EUR") == Money(50_000, "EUR")
    assert largest_note("JPY") == Money(100, "JPY")  # notes unknown: 100 major units


def test_cash_that_leaves_change_under_the_largest_note_is_taken_as_it_is():
    p = Payment(cny(350))
    t = p.add_cash(cny(10_000))
    assert (t.amount, t.change) == (cny(350), cny(9_650))


def test_cash_far_above_due_needs_confirmation_and_changes_nothing_until_then():
    p = Payment(cny(350))
    with pytest.raises(TenderNeedsConfirmation) as err:
        p.add_cash(cny(20_000))
    assert err.value.details["change"] == cny(19_650)
    assert p.tenders == [] and p.due == cny(350)
    t = p.add_cash(cny(20_000), confirmed=True)
    assert t.change == cny(19_650) and p.is_settled


def test_change_beyond_ten_notes_is_refused_even_when_confirmed():
    p = Payment(cny(350))
    with pytest.raises(InvalidInput) as err:
        p.add_cash(cny(9_999_999_999_999), confirmed=True)
    assert err.value.code == "tender_too_large"
    assert p.tenders == []


@FAST
@given(due=st.integers(100, 10**9), change=st.integers(0, 20 * 10_000),
       increment=st.sampled_from([1, 10, 50]))
def test_confirmation_is_asked_exactly_when_change_exceeds_the_largest_note(
        due, change, increment):
    p = Payment(cny(due), CashRounding(increment))
    tendered = p.cash_due() + cny(change)
    note = largest_note("CNY")
    if change > note.minor * MAX_CHANGE_NOTES:
        with pytest.raises(InvalidInput, match="more than the till gives"):
            p.add_cash(tendered, confirmed=True)
        return
    if change > note.minor:
        with pytest.raises(TenderNeedsConfirmation):
            p.add_cash(tendered)
        assert p.tenders == []
    t = p.add_cash(tendered, confirmed=change > note.minor)
    assert t.change == cny(change) and p.is_settled
    assert t.amount + t.change == tendered
