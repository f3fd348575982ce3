"""Catalogue queries on the local copy: barcode, SKU and PLU look-ups, prices, stock, search.

All reads; cheap enough for the scan path (a barcode is one rowid look-up, a price one index
seek). The catalogue is never loaded whole into memory.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from posclient.domain.cart import Measure
from posclient.domain.names import local_name
from posclient.domain.prices import price_rank_sql
from posclient.domain.tax import TaxRate

from .search import fts_query

# Search ranks at most this many FTS matches, so a one-character query over a million names
# costs the same as a precise one.
RANK_POOL = 200

_PRICE_ORDER = price_rank_sql()
_PRODUCT_COLS = "p.id, p.sku, p.name_zh, p.name_en, p.category, p.brand, p.measure, " \
                "p.tax_code, p.plu, p.active, p.discountable"


@dataclass(frozen=True, slots=True)
class Product:
    id: int
    sku: str
    name_zh: str
    name_en: str
    category: str
    brand: str
    measure: Measure
    tax_code: str
    plu: str | None
    active: bool
    discountable: bool = True  # False: sold at its full price, never reduced (a gift card)

    def name(self, lang: str) -> str:
        """The name in ``lang``, the other language's when empty (name_en is optional)."""
        return local_name(self.name_zh, self.name_en, lang)

    @classmethod
    def from_row(cls, row: tuple) -> Product:  # type: ignore[type-arg]
        return cls(row[0], row[1], row[2], row[3], row[4], row[5], Measure(row[6]), row[7],
                   row[8], bool(row[9]), bool(row[10]))


class Catalog:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._taxes: dict[str, TaxRate] | None = None

    # -- reference data ------------------------------------------------------------------------
    def tax_rates(self) -> dict[str, TaxRate]:
        if self._taxes is None:
            self._taxes = {
                code: TaxRate(code, rate, zh, en)
                for code, rate, zh, en in self.conn.execute(
                    "SELECT code, rate_ppm, name_zh, name_en FROM tax_rates")
            }
        return self._taxes

    def refresh(self) -> None:
        """Forget cached reference data (after a sync changed it)."""
        self._taxes = None

    # -- look-ups ------------------------------------------------------------------------------
    def by_gtin(self, key: int) -> Product | None:
        row = self.conn.execute(
            f"SELECT {_PRODUCT_COLS} FROM barcodes b JOIN products p ON p.id = b.product_id "
            "WHERE b.gtin = ?", (key,)).fetchone()
        return Product.from_row(row) if row else None

    def by_sku(self, sku: str) -> Product | None:
        row = self.conn.execute(f"SELECT {_PRODUCT_COLS} FROM products p WHERE p.sku = ?",
                                (sku,)).fetchone()
        return Product.from_row(row) if row else None

    def by_plu(self, plu: str) -> Product | None:
        row = self.conn.execute(f"SELECT {_PRODUCT_COLS} FROM products p WHERE p.plu = ?",
                                (plu,)).fetchone()
        return Product.from_row(row) if row else None

    def by_id(self, product_id: int) -> Product | None:
        row = self.conn.execute(f"SELECT {_PRODUCT_COLS} FROM products p WHERE p.id = ?",
                                (product_id,)).fetchone()
        return Product.from_row(row) if row else None

    def price_at(self, product_id: int, at_unix: int, price_list: str = "retail") -> int | None:
        """The price in force at ``at_unix``: the rule of :mod:`posclient.domain.prices` (latest
        ``valid_from`` not after it, not expired; on a tie the highest id), in SQL."""
        row = self.conn.execute(
            "SELECT amount FROM prices WHERE product_id = ? AND price_list = ? "
            "AND valid_from <= ? AND (valid_to IS NULL OR valid_to > ?) "
            f"ORDER BY {_PRICE_ORDER} LIMIT 1",
            (product_id, price_list, at_unix, at_unix)).fetchone()
        return row[0] if row else None

    def barcodes(self, product_id: int) -> list[int]:
        return [r[0] for r in self.conn.execute(
            "SELECT gtin FROM barcodes WHERE product_id = ? ORDER BY gtin", (product_id,))]

    def stock(self, product_id: int) -> int | None:
        """Central level for this store plus this terminal's movements it does not hold yet
        (the view ``stock_pending``: posclient/store/stock.py). One statement, so both parts
        are read from the same state of the database."""
        row = self.conn.execute(
            "SELECT (SELECT qty FROM stock_levels WHERE product_id = ?), "
            "(SELECT total(qty_delta) FROM stock_pending WHERE product_id = ?)",
            (product_id, product_id)).fetchone()
        if row[0] is None and not row[1]:
            return None
        return (row[0] or 0) + int(row[1])

    # -- search --------------------------------------------------------------------------------
    def search(self, text: str, limit: int = 50) -> list[Product]:
        """Products whose names match ``text``: Chinese by any substring, English by word prefix.

        Ranking (names starting with the query first, then shorter names) is applied only to the
        first :data:`RANK_POOL` matches.
        """
        query = fts_query(text)
        if query is None or limit <= 0:
            return []
        ids = [r[0] for r in self.conn.execute(
            "SELECT rowid FROM product_search WHERE product_search MATCH ? LIMIT ?",
            (query, RANK_POOL))]
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        products = [Product.from_row(r) for r in self.conn.execute(
            f"SELECT {_PRODUCT_COLS} FROM products p WHERE p.id IN ({marks}) AND p.active = 1",
            ids)]
        needle = text.strip().lower()

        def score(p: Product) -> tuple[int, int, int]:
            zh, en = p.name_zh.lower(), p.name_en.lower()
            starts = zh.startswith(needle) or en.startswith(needle)
            contains = needle in zh or needle in en
            return (0 if starts else 1 if contains else 2, len(p.name_zh), p.id)

        products.sort(key=score)
        return products[:limit]
