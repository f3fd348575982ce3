"""The price in force: one rule for the till (in SQL, on its copy of the prices) and the
central (on its records), so both price a product the same at any moment.

Of a product's entries in one price list, those in force at a moment are the ones with
``valid_from <= at`` and no ``valid_to`` or ``valid_to > at``; the one that applies is the
greatest by :data:`PRICE_RANK`: the latest ``valid_from``, and on a tie the highest ``id``
(the entry made last). The till's query orders by the same columns
(:func:`price_rank_sql`), so the two cannot drift.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# The columns (and fields) that rank the entries in force, most significant first; the
# greatest wins.
PRICE_RANK = ("valid_from", "id")


@dataclass(frozen=True, slots=True)
class PriceEntry:
    """One entry of a product's price list (the protocol's ``PriceData``): ``amount`` in minor
    units (per unit, or per kg), valid from ``valid_from`` up to ``valid_to`` (unix seconds,
    excluded; None: open-ended)."""

    id: int
    amount: int
    price_list: str = "retail"
    valid_from: int = 0
    valid_to: int | None = None

    def in_force(self, at_unix: int) -> bool:
        return self.valid_from <= at_unix and (self.valid_to is None or self.valid_to > at_unix)

    def rank(self) -> tuple[int, ...]:
        """This entry's :data:`PRICE_RANK` key."""
        return tuple(int(getattr(self, name)) for name in PRICE_RANK)


def price_in_force(entries: Iterable[PriceEntry], at_unix: int,
                   price_list: str = "retail") -> PriceEntry | None:
    """The entry of ``price_list`` that applies at ``at_unix`` (None: no price then)."""
    live = [e for e in entries if e.price_list == price_list and e.in_force(at_unix)]
    return max(live, key=PriceEntry.rank, default=None)


def price_rank_sql() -> str:
    """The ``ORDER BY`` terms that put the applying entry first (:data:`PRICE_RANK`, each
    descending)."""
    return ", ".join(f"{name} DESC" for name in PRICE_RANK)
