"""The store's quick keys as the till keeps them (``quick_keys``, from the central, or a demo
till's own), with their products' names."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TileRow:
    """A quick key of a product this till sells, its labels filled in from the product."""

    id: int
    product_id: int
    category_zh: str
    category_en: str
    label_zh: str  # the tile's label, or the product's name
    label_en: str
    weighed: bool  # the product is sold by weight


@dataclass(frozen=True, slots=True)
class DemoCandidate:
    """An active product that may become a demo tile (fruit, vegetables, bread, a bag)."""

    product_id: int
    category: str
    measure: str
    name_zh: str


def tiles(conn: sqlite3.Connection) -> list[TileRow]:
    """The tiles in their order (position, id); those of products this till does not have or
    no longer sells are left out."""
    return [TileRow(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6])) for r in conn.execute(
        "SELECT q.id, q.product_id, q.category_zh, q.category_en, "
        "coalesce(nullif(q.label_zh, ''), p.name_zh), "
        "coalesce(nullif(q.label_en, ''), nullif(p.name_en, ''), p.name_zh), "
        "p.measure = 'g' FROM quick_keys q JOIN products p ON p.id = q.product_id "
        "WHERE p.active = 1 ORDER BY q.position, q.id")]


def demo_candidates(conn: sqlite3.Connection) -> list[DemoCandidate]:
    """Active products of the categories ``FR``, ``VG``, ``BK`` or named a bag (袋), by id."""
    return [DemoCandidate(*r) for r in conn.execute(
        "SELECT id, category, measure, name_zh FROM products WHERE active = 1 AND "
        "(category IN ('FR', 'VG', 'BK') OR name_zh LIKE '%袋%') ORDER BY id")]


def add_tiles(conn: sqlite3.Connection, rows: Sequence[tuple[str, str, int]]) -> None:
    """Add ``(category_zh, category_en, product_id)`` tiles numbered 1.. (id and position)."""
    conn.executemany("INSERT INTO quick_keys (id, product_id, category_zh, category_en, "
                     "position) VALUES (?, ?, ?, ?, ?)",
                     [(n, pid, zh, en, n) for n, (zh, en, pid) in enumerate(rows, start=1)])
