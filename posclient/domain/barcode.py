"""Retail barcodes: GTIN check digits, normalisation, and in-store variable-measure codes.

A scanned GTIN-8 (EAN-8), GTIN-12 (UPC-A), GTIN-13 (EAN-13) or GTIN-14 is normalised to its
GTIN-14 integer value, which is the key of the local barcode index: ``012345678905`` (UPC-A) and
``0012345678905`` (the same item printed as EAN-13) are one item.

Codes starting with ``2`` (GS1 restricted circulation, used by scales in the store) carry an item
code and a weight or price; :class:`VariableMeasureRule` says how a store's scales print them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .errors import InvalidInput

GTIN_LENGTHS = (8, 12, 13, 14)


def gtin_check_digit(body: str) -> int:
    """The GS1 mod-10 check digit for ``body`` (all digits but the last)."""
    if not body.isdigit():
        raise ValueError("GTIN body must be digits")
    total = 0
    # Weights 3,1,3,1... from the rightmost digit of the body.
    for i, ch in enumerate(reversed(body)):
        total += int(ch) * (3 if i % 2 == 0 else 1)
    return (10 - total % 10) % 10


def with_check_digit(body: str) -> str:
    return body + str(gtin_check_digit(body))


def is_valid_gtin(code: str) -> bool:
    return (
        code.isascii()
        and code.isdigit()
        and len(code) in GTIN_LENGTHS
        and gtin_check_digit(code[:-1]) == int(code[-1])
    )


def looks_like_gtin(text: str) -> bool:
    """True if ``text`` has the shape of a GTIN (digits of a GTIN length), valid or not."""
    return text.isascii() and text.isdigit() and len(text) in GTIN_LENGTHS


def gtin_key(code: str) -> int:
    """Validate a scanned GTIN and return its GTIN-14 integer key.

    Raises :class:`InvalidInput` with a message a cashier understands.
    """
    code = code.strip()
    if not looks_like_gtin(code):
        raise InvalidInput.of("barcode_malformed.digits", barcode=code)
    if gtin_check_digit(code[:-1]) != int(code[-1]):
        raise InvalidInput.of("barcode_check_digit.scanned", barcode=code)
    return int(code)


def gtin_display(key: int) -> str:
    """A key in the form printed on the pack: EAN-8, UPC-A (12), EAN-13, else GTIN-14.

    GS1 keeps the forms apart (an EAN-13 starting with 0 is a UPC-A; one starting with 00000 is
    an EAN-8), so the shortest form that holds the key is the one on the pack.
    """
    for width in (8, 12, 13):
        if key < 10**width:
            return f"{key:0{width}d}"
    return f"{key:014d}"


class MeasureKind(StrEnum):
    WEIGHT_G = "weight_g"  # the value is a weight in grams
    PRICE = "price"  # the value is the line price in minor units


@dataclass(frozen=True, slots=True)
class VariableMeasureRule:
    """How in-store scale labels encode an item and a value in an EAN-13 with prefix 2x.

    Layout ``PP IIIII VVVVV C``: ``prefix_digits`` of prefix (e.g. "20".."29"), ``item_digits``
    of item code (the product's PLU), ``value_digits`` of weight or price, then the EAN check.
    Common layouts: China scales "2 IIIIII VVVVV C" (prefix 1 digit, 6 item digits).
    """

    prefixes: tuple[str, ...]
    item_digits: int
    value_digits: int
    kind: MeasureKind

    def __post_init__(self) -> None:
        lengths = {len(p) for p in self.prefixes}
        if len(lengths) != 1:
            raise ValueError("all prefixes of one rule must have the same length")
        if lengths.pop() + self.item_digits + self.value_digits + 1 != 13:
            raise ValueError("prefix + item + value + check digit must make 13 digits")

    def matches(self, code: str) -> bool:
        return len(code) == 13 and code.isdigit() and code.startswith(self.prefixes)

    def parse(self, code: str) -> tuple[str, int]:
        """Return ``(plu, value)``; the caller checks :meth:`matches` first."""
        if not is_valid_gtin(code):
            raise InvalidInput.of("barcode_check_digit.scale_label", barcode=code)
        p = len(self.prefixes[0])
        plu = code[p : p + self.item_digits]
        value = int(code[p + self.item_digits : p + self.item_digits + self.value_digits])
        return plu, value

    def encode(self, prefix: str, plu: str, value: int) -> str:
        """Make the label a scale would print (used by demo data and tests)."""
        if prefix not in self.prefixes or len(plu) != self.item_digits:
            raise ValueError("prefix or PLU does not fit this rule")
        if not 0 <= value < 10**self.value_digits:
            raise ValueError("value does not fit the label")
        return with_check_digit(f"{prefix}{plu}{value:0{self.value_digits}d}")


# The demo store's scales: prefixes 21/22 carry a weight in grams, 23 a price in minor units.
# A real store sets its own layout in store settings (see posclient.domain.settings).
DEFAULT_SCALE_RULES: tuple[VariableMeasureRule, ...] = (
    VariableMeasureRule(prefixes=("21", "22"), item_digits=5, value_digits=5,
                        kind=MeasureKind.WEIGHT_G),
    VariableMeasureRule(prefixes=("23",), item_digits=5, value_digits=5, kind=MeasureKind.PRICE),
)


def match_scale_rule(
    code: str, rules: tuple[VariableMeasureRule, ...]
) -> VariableMeasureRule | None:
    for rule in rules:
        if rule.matches(code):
            return rule
    return None
