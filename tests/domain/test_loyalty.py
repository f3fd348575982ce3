"""Loyalty rules (posclient/domain/loyalty.py): earning rounds down once per sale, multipliers
and exclusions, redemption steps, proportional take-back, masking and member codes."""

from __future__ import annotations

import pytest

from posclient.domain.errors import InvalidInput
from posclient.domain.loyalty import (
    EarnLine,
    LoyaltyRules,
    member_qr,
    parse_member_code,
    points_earned,
    points_taken_back,
    points_value,
)


def test_one_point_per_yuan_rounded_down_once() -> None:
    rules = LoyaltyRules()
    lines = [EarnLine(1, "dairy", 1250), EarnLine(2, "bakery", 799)]
    assert points_earned(rules, lines, total=2049) == 20  # 20.49 -> 20, not 12 + 7


def test_multipliers_exclusions_and_points_paid_do_not_earn() -> None:
    rules = LoyaltyRules.from_dict({"category_multipliers": {"dairy": 200},
                                    "excluded_categories": ["tobacco"],
                                    "excluded_products": [3]})
    lines = [EarnLine(1, "dairy", 1000), EarnLine(2, "tobacco", 5000), EarnLine(3, "x", 900)]
    assert points_earned(rules, lines, total=6900) == 20
    # half of the sale paid with points: half the earning base
    assert points_earned(rules, lines, total=6900, not_earning=3450) == 10
    assert points_earned(LoyaltyRules(enabled=False), lines, total=6900) == 0


def test_redeem_rate_and_steps() -> None:
    assert points_value(LoyaltyRules(), 500) == 500  # 100 points = 1.00
    rules = LoyaltyRules(redeem_points=200, redeem_value=100)  # 2 points per fen
    assert points_value(rules, 400) == 200
    with pytest.raises(InvalidInput) as exc:
        points_value(rules, 301)
    assert exc.value.code == "points_step"
    with pytest.raises(InvalidInput):
        points_value(rules, 0)


def test_take_back_is_proportional_and_complete() -> None:
    assert points_taken_back(25, 2500, 1000) == 10
    assert points_taken_back(25, 2500, 1100) == 11
    assert points_taken_back(25, 2500, 2500) == 25
    assert points_taken_back(25, 2500, 9999) == 25


def test_member_codes() -> None:
    assert parse_member_code(member_qr("8800000001")) == ("member_no", "8800000001")
    assert parse_member_code("138 1234 1234") == ("phone", "13812341234")
    assert parse_member_code("+86 138-1234-1234") == ("phone", "13812341234")
    assert parse_member_code("23812341234") == ("member_no", "23812341234")  # not a mobile
    assert parse_member_code("S001T01M000001") == ("member_no", "S001T01M000001")
    with pytest.raises(InvalidInput):
        parse_member_code("  ")
