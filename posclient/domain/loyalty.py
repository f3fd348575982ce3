"""Loyalty: the points rules, the one earn function both ends use, the member QR (masking is
posclient/domain/privacy.py's).

Pure: no clock, no database. The till computes a sale's points for its receipt with
:func:`points_earned`; the central computes them again with the same function and the same
rules as the authority (sync/central/loyalty.py), so the two agree unless the rules changed in
between (the central's number is the one on the member's account).

Earning (explicit rules, docs/loyalty.md):

- ``points_per_unit`` points per ``unit`` minor units (100 = one yuan) of what the customer
  actually paid for a line: its total after line and sale discounts;
- a category may have a multiplier in percent (``200`` = double points); an excluded category or
  product earns nothing;
- money that was not spent at this visit earns nothing here: the part of the sale paid with
  points, and the part already paid on the web (a pick-up: the web order earned it). The
  earning base of each line is scaled by ``(total - points - web) / total``;
- rounding: the exact (fractional) points of the whole sale are rounded **down once**, never
  per line.

Redeeming: ``redeem_points`` points are worth ``redeem_value`` minor units. A points tender is a
whole number of points whose value is an exact number of minor units (:func:`points_value`).

Taking back (a return): a purchase that earned ``E`` points on a total ``T`` has had, after
returns worth ``C`` in all, ``floor(E * C / T)`` points taken back (:func:`points_taken_back`):
returned whole, it gives back exactly what it earned, and partial returns never take back more.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import InvalidInput
from .privacy import normalise_phone

QR_PREFIX = "MBR:"  # the web/app member QR code: "MBR:<member_no>"


@dataclass(frozen=True, slots=True)
class LoyaltyRules:
    """A store's points rules (``store_settings.loyalty``; defaults when absent)."""

    enabled: bool = True
    points_per_unit: int = 1  # points earned per ``unit`` minor units paid
    unit: int = 100  # minor units: 100 = one yuan / one dollar
    category_multipliers: Mapping[str, int] = field(default_factory=dict)  # percent, 200 = 2x
    excluded_categories: frozenset[str] = frozenset()
    excluded_products: frozenset[int] = frozenset()
    redeem_points: int = 100  # this many points ...
    redeem_value: int = 100  # ... are worth this many minor units
    # The most points a member known to the till only from a QR token (not in its database)
    # may redeem in one sale: the token's points are as of its issue (docs/loyalty.md).
    token_redeem_cap: int = 5_000

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> LoyaltyRules:
        """Rules from a settings block; unknown keys are ignored, bad values refused."""
        d = dict(data or {})
        rules = cls(
            enabled=bool(d.get("enabled", True)),
            points_per_unit=int(d.get("points_per_unit", 1)),
            unit=int(d.get("unit", 100)),
            category_multipliers={str(k): int(v) for k, v in
                                  dict(d.get("category_multipliers") or {}).items()},
            excluded_categories=frozenset(str(c) for c in d.get("excluded_categories") or ()),
            excluded_products=frozenset(int(p) for p in d.get("excluded_products") or ()),
            redeem_points=int(d.get("redeem_points", 100)),
            redeem_value=int(d.get("redeem_value", 100)),
            token_redeem_cap=int(d.get("token_redeem_cap", 5_000)),
        )
        if (rules.points_per_unit < 0 or rules.unit < 1 or rules.redeem_points < 1
                or rules.redeem_value < 1 or rules.token_redeem_cap < 0
                or any(m < 0 for m in rules.category_multipliers.values())):
            raise ValueError("loyalty rules: counts must be positive")
        return rules

    def to_dict(self) -> dict[str, Any]:
        return {"enabled": self.enabled, "points_per_unit": self.points_per_unit,
                "unit": self.unit, "category_multipliers": dict(self.category_multipliers),
                "excluded_categories": sorted(self.excluded_categories),
                "excluded_products": sorted(self.excluded_products),
                "redeem_points": self.redeem_points, "redeem_value": self.redeem_value,
                "token_redeem_cap": self.token_redeem_cap}

    def multiplier(self, product_id: int, category: str) -> int:
        """The line's multiplier in percent (0: it earns nothing)."""
        if product_id in self.excluded_products or category in self.excluded_categories:
            return 0
        return int(self.category_multipliers.get(category, 100))


@dataclass(frozen=True, slots=True)
class EarnLine:
    """One line as earning sees it: what was paid for it after discounts."""

    product_id: int
    category: str
    amount: int  # minor units, after line and sale discounts


def points_earned(rules: LoyaltyRules, lines: Iterable[EarnLine], *, total: int,
                  not_earning: int = 0) -> int:
    """The points a sale earns (rounded down once, on the whole sale).

    ``total``: the sale's total; ``not_earning``: the part of it paid with points or already
    paid on the web.
    """
    if not rules.enabled or total <= 0:
        return 0
    spent = max(0, total - max(0, not_earning))
    weighted = sum(max(0, ln.amount) * rules.multiplier(ln.product_id, ln.category)
                   for ln in lines)
    return (weighted * rules.points_per_unit * spent) // (100 * rules.unit * total)


def points_value(rules: LoyaltyRules, points: int) -> int:
    """What ``points`` pay, in minor units. Refuses a count that is not a whole amount."""
    if points <= 0:
        raise InvalidInput.of("points_invalid")
    value, rest = divmod(points * rules.redeem_value, rules.redeem_points)
    if rest:
        step = rules.redeem_points // _gcd(rules.redeem_points, rules.redeem_value)
        raise InvalidInput.of("points_step", step=step)
    return value


def points_for_value(rules: LoyaltyRules, minor: int) -> int:
    """The points worth ``minor`` units (rounded down: never more than that value)."""
    return max(0, minor) * rules.redeem_points // rules.redeem_value


def points_taken_back(earned: int, purchase_total: int, returned_total: int) -> int:
    """Points taken back so far after returns worth ``returned_total`` of a purchase that
    earned ``earned`` on ``purchase_total`` (rounded down; all of them once all came back)."""
    if earned <= 0 or purchase_total <= 0:
        return 0
    returned_total = min(max(0, returned_total), purchase_total)
    return earned * returned_total // purchase_total


def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a


# -- member codes ---------------------------------------------------------------------------------

def member_qr(member_no: str) -> str:
    """The member QR code the web shop and the app show: ``MBR:<member_no>``."""
    return f"{QR_PREFIX}{member_no}"


def parse_member_code(text: str) -> tuple[str, str]:
    """What a scanned or typed member code is: ``("member_no", no)`` for a card's barcode or
    the app's QR (``MBR:<member_no>``), ``("phone", digits)`` for a mainland mobile number
    (its 11 digits: posclient/domain/privacy.py ``normalise_phone``)."""
    raw = text.strip()
    if not raw:
        raise InvalidInput.of("member_code_empty.empty")
    if raw.upper().startswith(QR_PREFIX):
        no = raw[len(QR_PREFIX):].strip()
        if not no:
            raise InvalidInput.of("member_code_empty.qr")
        return "member_no", no
    phone = normalise_phone(raw)
    if phone is not None:
        return "phone", phone
    return "member_no", raw
