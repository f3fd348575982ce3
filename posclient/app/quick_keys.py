"""Quick keys: the store's touch tiles for items without a barcode (loose produce, bread, bags),
set at the central per store (entity ``quick_key``, sync.protocol QuickKeyData) and kept in
``quick_keys``. A tile shows its label (or the product's name) and adds its product with one
tap; a weighed product asks for its weight first (posclient/ui/quick_keys.py)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from posclient.domain.reasons import DEMO_TILES, demo_tile
from posclient.store import quick_keys as repo


@dataclass(frozen=True, slots=True)
class QuickKey:
    id: int
    product_id: int
    category_zh: str
    category_en: str
    label_zh: str
    label_en: str
    weighed: bool  # the product is sold by weight: a tap asks for grams

    def label(self, lang: str) -> str:
        zh, en = self.label_zh, self.label_en
        return (zh or en) if lang.startswith("zh") else (en or zh)

    def category(self, lang: str) -> str:
        zh, en = self.category_zh, self.category_en
        return (zh or en) if lang.startswith("zh") else (en or zh)


def quick_keys(conn: sqlite3.Connection) -> list[tuple[str, str, list[QuickKey]]]:
    """``(category_zh, category_en, tiles)`` in the order of their first tile's position; tiles
    of products this till does not have or no longer sells are left out. A tile without a
    label takes its product's names."""
    groups: dict[tuple[str, str], list[QuickKey]] = {}
    for t in repo.tiles(conn):
        key = QuickKey(t.id, t.product_id, t.category_zh, t.category_en, t.label_zh, t.label_en,
                       t.weighed)
        groups.setdefault((key.category_zh, key.category_en), []).append(key)
    return [(zh, en, tiles) for (zh, en), tiles in groups.items()]


def add_demo_quick_keys(conn: sqlite3.Connection) -> int:
    """Give a demo till quick keys (posclient/domain/reasons.py DEMO_TILES: loose fruit and
    vegetables, bread, bags). Call in a write transaction; returns how many were added."""
    picked: list[list[int]] = [[] for _ in DEMO_TILES]
    for c in repo.demo_candidates(conn):
        i = demo_tile(c.category, c.measure, c.name_zh)
        if i is not None and len(picked[i]) < DEMO_TILES[i][5]:
            picked[i].append(c.product_id)
    rows = [(DEMO_TILES[i][0], DEMO_TILES[i][1], pid) for i, ids in enumerate(picked)
            for pid in ids]
    repo.add_tiles(conn, rows)
    return len(rows)
