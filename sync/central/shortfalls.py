"""Shortfalls (issue 18): a store's level fell below the units held there.

When a movement lowers a level (a till's sale made offline, a count, an import) and leaves
``qty - held < 0`` with something held, the store can no longer keep all its promises of that
product. The ledger (sync/central/ledger.py) notes the (store, product) here, in the
movement's own transaction: one row per store and product while it waits (``INSERT ... ON
CONFLICT DO NOTHING``), and only the store's own row, so a sale never locks another store's.
The settler (sync/central/oversell.py) applies the chain's rule to it later, in a transaction
of its own, and decides from the levels it locks then: a row that is no longer short (a
pick-up counted just after its sale, say) is dropped without any change.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from sqlalchemy import Connection

from sync.central.db import bulk_insert
from sync.central.schema import oversell_queue


class Level(Protocol):
    @property
    def product_id(self) -> int: ...
    @property
    def delta(self) -> int: ...
    @property
    def qty(self) -> int: ...
    @property
    def held(self) -> int: ...


def short(changes: Iterable[Level]) -> list[int]:
    """The products a fall (``delta < 0``) left below what is held, in product order."""
    return sorted({c.product_id for c in changes if c.delta < 0 and c.held > 0 and c.qty < c.held})


def note(conn: Connection, store_id: str, product_ids: Iterable[int], now: datetime) -> None:
    """Queue ``(store_id, product)`` for the settler (once while it waits)."""
    rows = [{"store_id": store_id, "product_id": p, "queued_at": now}
            for p in sorted(set(product_ids))]
    if rows:
        bulk_insert(conn, oversell_queue, rows, conflict=("store_id", "product_id"))
