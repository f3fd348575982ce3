"""Promotions indexed for pricing, and the kinds' small integer codes the kernels use."""

from __future__ import annotations

from collections.abc import Iterable

from posclient.domain.promotions.model import UNIT_KINDS, BasketLine, Kind, Promotion

# Kind codes (a small int per kind: cheaper than comparing enum members in the hot loops).
PERCENT, AMOUNT, SPEND, BXGY, MIX = range(5)
KIND_CODES = {Kind.PERCENT_OFF: PERCENT, Kind.AMOUNT_OFF: AMOUNT, Kind.SPEND_GET_OFF: SPEND,
              Kind.BUY_X_GET_Y: BXGY, Kind.MIX_AND_MATCH: MIX}


class PromotionBook:
    """Promotions indexed by product, category and brand, built once and priced against many
    times (a till keeps one per catalogue version)."""

    def __init__(self, promotions: Iterable[Promotion]) -> None:
        self.promotions = tuple(sorted(promotions, key=lambda p: p.id))
        self.by_product: dict[int, list[int]] = {}
        self.by_category: dict[str, list[int]] = {}
        self.by_brand: dict[str, list[int]] = {}
        self.everywhere: list[int] = []
        # Per promotion (by index): its rank in application order (equal keys, equal ranks) and
        # whether it counts units (then weighed and scale-label lines are not its lines).
        keys = [(-p.priority, p.id) for p in self.promotions]
        dense = {key: r for r, key in enumerate(sorted(set(keys)))}
        self.rank = [dense[key] for key in keys]
        self.counts_units = [p.kind in UNIT_KINDS for p in self.promotions]
        self.codes = [KIND_CODES[p.kind] for p in self.promotions]
        for i, p in enumerate(self.promotions):
            if p.targets_all:
                self.everywhere.append(i)
            for pid in p.product_ids:
                self.by_product.setdefault(pid, []).append(i)
            for cat in p.categories:
                self.by_category.setdefault(cat, []).append(i)
            for brand in p.brands:
                self.by_brand.setdefault(brand, []).append(i)

    def __len__(self) -> int:
        return len(self.promotions)

    def matching(self, line: BasketLine) -> set[int]:
        """Indexes of the promotions whose targets match the line."""
        found = set(self.everywhere)
        found.update(self.by_product.get(line.product_id, ()))
        if line.category:
            found.update(self.by_category.get(line.category, ()))
        if line.brand:
            found.update(self.by_brand.get(line.brand, ()))
        return found
