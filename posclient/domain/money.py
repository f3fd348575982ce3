"""Money as integers in minor units, with a currency, and explicit rounding.

Never a float. Arithmetic that can produce fractions of a minor unit (percentages, tax, weights)
goes through :func:`div_round` with a named :class:`Rounding` mode.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .errors import InvalidInput

# The largest amount a person may type anywhere (a tender, a price, a cash movement, a
# discount): 100,000,000.00 in a two-decimal currency. Far above any till's business, far below
# what a 64-bit integer column (the till's SQLite, the central's BIGINT) holds, so that no sum
# of a day's amounts can overflow either.
MAX_TYPED_MINOR = 10_000_000_000
# The largest amount anywhere (a sale's total, a day's sums in a report, an amount on the wire:
# sync/protocol/bounds.py): 1,000,000,000,000.00. Ten thousand typed maximums, far inside a BIGINT.
MAX_MINOR = 10**14


class AmountTooLarge(InvalidInput):
    """A typed amount beyond :data:`MAX_TYPED_MINOR`: a typo or a scanner gone wrong, never
    money. Not a ``ValueError``: it is not "not an amount", and says what the limit is."""

    code = "amount_too_large"


class Rounding(StrEnum):
    """How a fraction of a minor unit is resolved."""

    HALF_UP = "half_up"  # 0.5 away from zero: the usual retail and VAT rule
    HALF_EVEN = "half_even"  # banker's rounding
    DOWN = "down"  # toward zero
    UP = "up"  # away from zero


def div_round(numerator: int, denominator: int, mode: Rounding = Rounding.HALF_UP) -> int:
    """Integer division ``numerator / denominator`` rounded by ``mode``; exact for any size."""
    if denominator == 0:
        raise ZeroDivisionError("division by zero")
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    sign = -1 if numerator < 0 else 1
    n = abs(numerator)
    q, r = divmod(n, denominator)
    if r and (
        mode is Rounding.UP
        or (mode is Rounding.HALF_UP and 2 * r >= denominator)
        or (mode is Rounding.HALF_EVEN
            and (2 * r > denominator or (2 * r == denominator and q % 2 == 1)))
    ):
        q += 1  # DOWN never adds
    return sign * q


def round_to_increment(amount: int, increment: int, mode: Rounding = Rounding.HALF_UP) -> int:
    """Round ``amount`` (minor units) to a multiple of ``increment`` (e.g. 5 for CHF 0.05)."""
    if increment <= 0:
        raise ValueError("increment must be positive")
    if increment == 1:
        return amount
    return div_round(amount, increment, mode) * increment


# ISO 4217 minor-unit exponents for the currencies this product is sold in.
_EXPONENTS: dict[str, int] = {
    "CNY": 2, "HKD": 2, "TWD": 2, "SGD": 2, "MYR": 2, "USD": 2, "EUR": 2, "GBP": 2,
    "CHF": 2, "AUD": 2, "CAD": 2, "JPY": 0, "KRW": 0,
}


def currency_exponent(currency: str) -> int:
    try:
        return _EXPONENTS[currency]
    except KeyError:
        raise ValueError(f"unsupported currency {currency!r}") from None


@dataclass(frozen=True, slots=True, order=False)
class Money:
    """An amount in minor units (fen, cents) of one currency."""

    minor: int
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.minor, int) or isinstance(self.minor, bool):
            raise TypeError(f"Money needs an int of minor units, got {type(self.minor).__name__}")
        currency_exponent(self.currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    @classmethod
    def parse(cls, text: str, currency: str) -> Money:
        """Parse a decimal amount typed by a person ("12", "12.5", "12.50") without floats."""
        exp = currency_exponent(currency)
        s = text.strip().replace(",", "")
        neg = s.startswith("-")
        if neg:
            s = s[1:]
        whole, _, frac = s.partition(".")
        if not whole and frac:
            whole = "0"  # ".5"
        if not whole.isdigit() or (frac and not frac.isdigit()) or len(frac) > exp:
            raise ValueError(f"not an amount: {text!r}")
        whole = whole.lstrip("0") or "0"
        # The length first: a 5,000-digit "amount" is refused without building its integer.
        minor = (MAX_TYPED_MINOR + 1 if len(whole) > len(str(MAX_TYPED_MINOR)) else
                 int(whole) * 10**exp + int((frac or "0").ljust(exp, "0")[:exp] or "0"))
        if minor > MAX_TYPED_MINOR:
            shown = s if len(s) <= 24 else f"{s[:24]}…"
            limit = cls(MAX_TYPED_MINOR, currency)
            raise AmountTooLarge.of("amount_too_large", text=shown, limit=limit)
        return cls(-minor if neg else minor, currency)

    def _check(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError("can only combine Money with Money")
        if other.currency != self.currency:
            raise ValueError(f"currency mismatch: {self.currency} vs {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.minor - other.minor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency)

    def __mul__(self, factor: int) -> Money:
        if not isinstance(factor, int) or isinstance(factor, bool):
            raise TypeError("Money can only be multiplied by an int; use div_round for fractions")
        return Money(self.minor * factor, self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        self._check(other)
        return self.minor < other.minor

    def __le__(self, other: Money) -> bool:
        self._check(other)
        return self.minor <= other.minor

    def __gt__(self, other: Money) -> bool:
        self._check(other)
        return self.minor > other.minor

    def __ge__(self, other: Money) -> bool:
        self._check(other)
        return self.minor >= other.minor

    def __bool__(self) -> bool:
        return self.minor != 0

    def to_decimal_str(self) -> str:
        """``"12.50"`` for 1250 CNY: exact, no float."""
        exp = currency_exponent(self.currency)
        sign = "-" if self.minor < 0 else ""
        n = abs(self.minor)
        if exp == 0:
            return f"{sign}{n}"
        return f"{sign}{n // 10**exp}.{n % 10**exp:0{exp}d}"

    def __str__(self) -> str:
        return f"{self.to_decimal_str()} {self.currency}"


def allocate(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` minor units over ``weights`` in proportion, by largest remainder.

    The parts always add up to ``total`` exactly; ties go to the earlier weight. Used to spread a
    basket discount over lines so tax per rate stays right.
    """
    if not weights:
        if total:
            raise ValueError("cannot allocate a non-zero amount over nothing")
        return []
    wsum = sum(weights)
    if wsum == 0:
        raise ValueError("cannot allocate over zero weights")
    sign = -1 if total < 0 else 1
    t = abs(total)
    base = [t * w // wsum for w in weights]
    rema = [(t * w % wsum, -i) for i, w in enumerate(weights)]
    short = t - sum(base)
    for _, neg_i in sorted(rema, reverse=True)[:short]:
        base[-neg_i] += 1
    return [sign * b for b in base]
