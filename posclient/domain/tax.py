"""Tax: rates in parts per million, tax-inclusive and tax-exclusive stores, per-rate summary.

Rounding rule (explicit, the same in every store and on the central): tax is computed once per
rate on the sum of that rate's discounted line amounts, never per line, and rounded with the
store's :class:`~posclient.domain.money.Rounding` mode (half-up by default). So the receipt's tax
summary is the exact tax and the lines never disagree with it.

- Tax-inclusive (China VAT, EU VAT): shelf prices contain tax; tax = gross * r / (1 + r).
- Tax-exclusive (US sales tax): tax is added on top; tax = net * r.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .money import Rounding, div_round

PPM = 1_000_000


@dataclass(frozen=True, slots=True)
class TaxRate:
    code: str
    rate_ppm: int  # 13% = 130_000; 8.875% = 88_750
    name_zh: str = ""
    name_en: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.rate_ppm <= PPM:
            raise ValueError(f"tax rate {self.rate_ppm} ppm is out of range")

    @property
    def percent_str(self) -> str:
        """``"13%"``, ``"8.875%"``: exact, for receipts."""
        whole, frac = divmod(self.rate_ppm, 10_000)
        return f"{whole}%" if not frac else f"{whole}.{f'{frac:04d}'.rstrip('0')}%"


@dataclass(frozen=True, slots=True)
class TaxLine:
    """One row of the receipt's tax summary, in minor units."""

    code: str
    rate_ppm: int
    net: int  # amount without tax
    tax: int
    gross: int  # net + tax


def tax_included(gross: int, rate_ppm: int, mode: Rounding = Rounding.HALF_UP) -> int:
    return div_round(gross * rate_ppm, PPM + rate_ppm, mode)


def tax_on_top(net: int, rate_ppm: int, mode: Rounding = Rounding.HALF_UP) -> int:
    return div_round(net * rate_ppm, PPM, mode)


def summarize(
    amounts: Iterable[tuple[str, int, int]],
    *,
    inclusive: bool,
    mode: Rounding = Rounding.HALF_UP,
) -> list[TaxLine]:
    """Per-rate summary of ``(tax_code, rate_ppm, amount)`` triples.

    ``amount`` is each line's discounted total: gross when ``inclusive``, net otherwise.
    """
    groups: dict[tuple[str, int], int] = {}
    for code, rate, amount in amounts:
        groups[(code, rate)] = groups.get((code, rate), 0) + amount
    out = []
    for (code, rate), amount in sorted(groups.items()):
        if inclusive:
            tax = tax_included(amount, rate, mode)
            out.append(TaxLine(code, rate, net=amount - tax, tax=tax, gross=amount))
        else:
            tax = tax_on_top(amount, rate, mode)
            out.append(TaxLine(code, rate, net=amount, tax=tax, gross=amount + tax))
    return out
