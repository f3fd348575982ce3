"""Cash counted by denomination: a drawer's float at the start of a shift, its count at the end.

A count is ``{denomination in minor units: number of notes or coins}``. Denominations are the
currency's (CNY: 100, 50, 20, 10, 5, 1 yuan; 5 and 1 jiao); a count naming another value, a
negative number or an absurd one is refused, so a typo never becomes a shortage.
"""

from __future__ import annotations

from collections.abc import Mapping

from .errors import InvalidInput
from .money import Money

DENOMINATIONS: dict[str, tuple[int, ...]] = {
    "CNY": (10_000, 5_000, 2_000, 1_000, 500, 100, 50, 10),
    "HKD": (100_000, 50_000, 10_000, 5_000, 2_000, 1_000, 500, 200, 100, 50, 20, 10),
    "USD": (10_000, 5_000, 2_000, 1_000, 500, 100, 25, 10, 5, 1),
    "EUR": (50_000, 20_000, 10_000, 5_000, 2_000, 1_000, 500, 200, 100, 50, 20, 10, 5, 2, 1),
}
MAX_PIECES = 100_000  # of one denomination in one drawer: beyond it, a typo


def denominations(currency: str) -> tuple[int, ...]:
    """The notes and coins of ``currency``, largest first (unknown currencies: 1 minor unit,
    so a count is typed as one total)."""
    return DENOMINATIONS.get(currency, (1,))


def count_total(counts: Mapping[int, int], currency: str) -> Money:
    """The value of a count; refuses an unknown denomination or an impossible number."""
    known = set(denominations(currency))
    total = 0
    for value, pieces in counts.items():
        if value not in known:
            raise InvalidInput.of("denomination_unknown", value=Money(value, currency))
        if pieces < 0 or pieces > MAX_PIECES:
            raise InvalidInput.of("count_invalid", pieces=pieces)
        total += value * pieces
    return Money(total, currency)
