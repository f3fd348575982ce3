"""The demo store's vocabulary (brands, product types, sizes, names), parsed and precomputed for
the generator (posclient/domain/demo_data.py).

The caller reads ``resources/demo/catalogue.json`` and ``people.json`` and gives their parsed
documents, the till's search text function (posclient/store/search.py ``search_text``: the
names' search texts are precomputed per brand and per type and size) and a ``random.Random``
seeded with :data:`PLANS_SEED` for the barcode plans.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

Row = tuple[Any, ...]
SearchText = Callable[..., str]
# (name_zh prefix, name_en prefix, brand column, search(zh prefix), search(en prefix),
#  search(" " + brand column), price percent)
Brand = tuple[str, str, str, str, str, str, int]
# (name_zh rest, name_en rest, search(zh rest), search(en rest), price, weighed, tax code,
#  discountable)
Combo = tuple[str, str, str, str, int, bool, str, bool]

PLANS_SEED = 1024  # the barcode plans are the same in every demo store

# The README's example: `posclient lookup 6901234567892` finds this milk (product 1).
SAMPLE_PRODUCT = ("伊利 纯牛奶 250ml", "Yili Pure Milk 250ml", "DA", "伊利", "VAT9", 350)


class Chooser(Protocol):
    """What the barcode plans are drawn with: a ``random.Random(PLANS_SEED)``."""

    def choices(self, population: Sequence[int], weights: Sequence[int], /) -> list[int]: ...


@dataclass(frozen=True)
class Category:
    code: str
    brands: tuple[Brand, ...]
    combos: tuple[Combo, ...]


@dataclass(frozen=True)
class Vocabulary:
    tax_rows: tuple[Row, ...]
    category_rows: tuple[Row, ...]
    categories: tuple[Category, ...]
    fixed: tuple[tuple[str, Brand, Combo], ...]  # (category, brand, combo)
    starts: tuple[int, ...]  # first combination number of each walked category
    total: int  # number of brand/type/size combinations walked
    surnames: tuple[str, ...]
    given: tuple[str, ...]
    phone_prefixes: tuple[str, ...]
    tiers: tuple[tuple[str, int], ...]  # 100 entries: (tier, max points), drawn uniformly
    plans: tuple[tuple[int, ...], ...]  # 1024 barcode plans (:func:`barcode_plans`)
    sample: tuple[str, str, str, str, str, int]  # SAMPLE_PRODUCT
    sample_search: str  # its search text


def _amount_label(amount: int, unit: str | list[str]) -> tuple[str, str]:
    """``(zh, en)`` label of an amount: 250ml, 1.5L, 500g, 2.5kg, or with a counted unit."""
    if isinstance(unit, list):
        return f"{amount}{unit[0]}", f"{amount}{unit[1]}"
    if amount < 1000:
        label = f"{amount}{unit}"
    else:
        whole, frac = divmod(amount, 1000)
        label = f"{whole}" + (f".{frac:03d}".rstrip("0") if frac else "")
        label += "L" if unit == "ml" else "kg"
    return label, label


def _amount_sizes(group: dict[str, Any]) -> list[tuple[str, str, int, bool]]:
    """The sizes of a size group's amounts and packs, priced from its base amount."""
    out = []
    base = int(group["base"])
    for amount in group["amounts"]:
        zh, en = _amount_label(int(amount), group["unit"])
        # Linear up to the base amount, 15% cheaper per unit beyond it.
        pct = max(1, 100 * amount // base) if amount <= base else (
            100 + (100 * (amount - base) // base) * 85 // 100)
        for pack in group.get("packs", [1]):
            if pack == 1:
                out.append((zh, en, pct, False))
            else:
                out.append((f"{zh}×{pack}", f"{en} x{pack}", pct * pack * 95 // 100, False))
    return out


def _sizes(group: list[Any] | dict[str, Any]) -> list[tuple[str, str, int, bool]]:
    """``(zh, en, price_pct, weighed)`` for every size of a size group (see catalogue.json)."""
    explicit = group if isinstance(group, list) else group.get("extra", [])
    out = _amount_sizes(group) if isinstance(group, dict) else []
    for s in explicit:
        if len(s) == 2:
            out.append((s[0], s[0].replace("×", " x"), int(s[1]), False))
        else:
            out.append((s[0], s[1], int(s[2]), len(s) > 3 and s[3] == "w"))
    return out


def _brands(cat: dict[str, Any], search_text: SearchText) -> list[Brand]:
    origin = bool(cat.get("origin"))
    brands = []
    for b in cat["brands"]:
        zh, en = b[0], b[1]
        col = "" if origin else zh
        pz = f"{zh} " if zh else ""
        pe = f"{en} " if en else ""
        brands.append((pz, pe, col, search_text(pz), search_text(pe),
                       search_text(" " + col) if col else "", int(b[2]) if len(b) > 2 else 100))
    return brands


def _combos(cat: dict[str, Any], tax_codes: set[str], search_text: SearchText) -> list[Combo]:
    sizes = {name: _sizes(group) for name, group in cat["sizes"].items()}
    combos = []
    for t in cat["types"]:
        tzh, ten, sgroup, price = t[:4]
        tax = t[4] if len(t) > 4 else cat["tax"]
        discountable = not (len(t) > 5 and t[5] == "not_discountable")  # a gift card
        if tax not in tax_codes:
            raise ValueError(f"demo catalogue: unknown tax code {tax!r} for {tzh}")
        for szh, sen, spct, weighed in sizes[sgroup]:
            rest_zh = f"{tzh} {szh}" if szh else tzh
            rest_en = f"{ten} {sen}" if sen else ten
            amount = max(1, int(price) * spct // 100)
            combos.append((rest_zh, rest_en, search_text(rest_zh), search_text(rest_en),
                           amount, weighed, tax, discountable))
    return combos


def _tiers(people: dict[str, Any]) -> tuple[tuple[str, int], ...]:
    tiers: list[tuple[str, int]] = []
    for name, weight, max_points in people["tiers"]:
        tiers.extend([(name, int(max_points))] * int(weight))
    if len(tiers) != 100:
        raise ValueError("demo people.json: tier weights must add up to 100")
    return tuple(tiers)


def barcode_plans(rng: Chooser) -> tuple[tuple[int, ...], ...]:
    """1024 plans, drawn by 10 random bits: barcode kinds per item (0 EAN-13, 1 UPC-A, 2 EAN-8).

    About 70% of items have one barcode, 26% two and 4% three.
    """
    plans = []
    for x in range(1024):
        n = 1 if x < 717 else 2 if x < 983 else 3
        kinds = [rng.choices((0, 1, 2), (93, 5, 2))[0]]
        kinds += [rng.choices((0, 1, 2), (85, 10, 5))[0] for _ in range(n - 1)]
        plans.append(tuple(kinds))
    return tuple(plans)


def parse_vocabulary(catalogue: dict[str, Any], people: dict[str, Any],
                     search_text: SearchText, plans_rng: Chooser) -> Vocabulary:
    """The parsed and precomputed vocabulary of ``catalogue.json`` and ``people.json``."""
    tax_rows = tuple((c, int(ppm), zh, en) for c, ppm, zh, en in catalogue["tax_rates"])
    tax_codes = {r[0] for r in tax_rows}
    categories = []
    fixed: list[tuple[str, Brand, Combo]] = []
    starts = []
    total = 0
    for cat in catalogue["categories"]:
        brands = _brands(cat, search_text)
        combos = _combos(cat, tax_codes, search_text)
        if cat.get("fixed"):
            fixed.extend((cat["code"], b, c) for b in brands for c in combos)
            continue
        categories.append(Category(cat["code"], tuple(brands), tuple(combos)))
        starts.append(total)
        total += len(brands) * len(combos)
    zh, en, _cat, brand, _tax, _price = SAMPLE_PRODUCT
    return Vocabulary(
        tax_rows=tax_rows,
        category_rows=tuple((c["code"], c["name_zh"], c["name_en"], None)
                            for c in catalogue["categories"]),
        categories=tuple(categories), fixed=tuple(fixed), starts=tuple(starts), total=total,
        surnames=tuple(people["surnames"]), given=tuple(people["given"]),
        phone_prefixes=tuple(people["phone_prefixes"]), tiers=_tiers(people),
        plans=barcode_plans(plans_rng), sample=SAMPLE_PRODUCT,
        sample_search=search_text(zh, en, brand),
    )
