"""The till's promotions (table ``promotions``, filled from the central's feed by sync/apply.py),
read as a :class:`~posclient.domain.promotions.PromotionBook` for the engine.

The book is cached and built again only when the table changed: every write to ``promotions``
bumps ``promotions_version`` (triggers, migration 0007), which costs one indexed read per call to
check. The book holds the store's promotions for every time: whether one holds at a given time
(dates, days, hours), for a member or with a coupon is decided by the engine for each basket.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import datetime

from posclient.domain.promotions import (
    BasketLine,
    PricingContext,
    PricingResult,
    Promotion,
    PromotionBook,
    normalize_code,
    price_basket,
    promotion_from_dict,
)


class PromotionReader:
    """Promotions for one store, from one connection (use one reader per thread)."""

    def __init__(self, conn: sqlite3.Connection, store_id: str) -> None:
        self.conn = conn
        self.store_id = store_id
        self._version: int | None = None
        self._book = PromotionBook(())
        self._lock = threading.Lock()

    def version(self) -> int:
        return int(self.conn.execute(
            "SELECT version FROM promotions_version WHERE id = 1").fetchone()[0])

    def book(self) -> PromotionBook:
        """This store's promotions, loaded again only if the table changed since last time."""
        with self._lock:
            version = self.version()
            if version != self._version:
                self._book = PromotionBook(self._load())
                self._version = version
            return self._book

    def _load(self) -> list[Promotion]:
        out = []
        for (data,) in self.conn.execute("SELECT data FROM promotions ORDER BY id"):
            p = promotion_from_dict(json.loads(data))
            if not p.store_ids or self.store_id in p.store_ids:
                out.append(p)
        return out

    def active(self, at: datetime) -> list[Promotion]:
        """The store's promotions whose dates hold at ``at`` (for a list on screen)."""
        t = int(at.timestamp())
        return [p for p in self.book().promotions
                if p.valid_from <= t and (p.valid_to is None or t < p.valid_to)]

    def coupon(self, code: str) -> Promotion | None:
        """The promotion a coupon code belongs to, if this till knows it (offline check)."""
        row = self.conn.execute("SELECT data FROM promotions WHERE coupon_code = ?",
                                (normalize_code(code),)).fetchone()
        return promotion_from_dict(json.loads(row[0])) if row else None

    def price(self, lines: list[BasketLine], ctx: PricingContext) -> PricingResult:
        """``price_basket`` with this store's promotions."""
        return price_basket(self.book(), lines, ctx)
