"""The rows and statements with which the central's catalogue is written into the till's
tables: by the page applier (:mod:`sync.apply`, runs of upserts) and by the snapshot writer
(:mod:`sync.snapshot_writer`, bulk INSERTs and the careful path's comparisons)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from operator import attrgetter
from typing import Any

from posclient.domain.privacy import mask_name
from posclient.store.search import _CJK_CHAR

from .protocol import MemberData, ProductData, StockLevelData

_split_cjk = _CJK_CHAR.split  # search_text's regex: its capturing group keeps the characters


def product_search_text(name_zh: str, name_en: str, brand: str) -> str:
    """``search_text(name_zh, name_en, brand)``, the same string, about three times as fast.

    Split on search_text's own regex, whose group keeps each matched character: the parts
    alternate text, character, text, ..., so joining them with spaces puts one space on each
    side of every matched character, which is what ``sub(r" \\1 ")`` does, without a
    Python-level template per match.
    """
    if name_zh and name_en:
        joined = f"{name_zh} {name_en} {brand}" if brand else f"{name_zh} {name_en}"
    else:
        joined = " ".join(f for f in (name_zh, name_en, brand) if f)
    return " ".join(_split_cjk(joined)).lower()


# Row tuples, in the tables' column order (the careful path compares them with stored rows;
# ``active`` and ``discountable`` stay bools, which SQLite stores as 1 or 0 and which compare
# equal to them).
product_row = attrgetter("id", "sku", "name_zh", "name_en", "category", "brand", "measure",
                          "tax_code", "plu", "active", "discountable")
price_row = attrgetter("id", "product_id", "price_list", "amount", "valid_from", "valid_to")


def member_row(m: MemberData) -> tuple[Any, ...]:
    """A member as the till keeps it: its name masked again (posclient/domain/privacy.py), so
    a whole name from an older central is never kept."""
    return (m.id, m.member_no, mask_name(m.name), m.phone_hash, m.phone_last4, m.tier, m.points,
            m.active)


def level_row(s: StockLevelData) -> tuple[Any, ...]:
    return (s.product_id, s.qty)


def _products(records: list[ProductData], _store: str) -> list[Any]:
    return [(product_row(p), tuple(map(int, p.barcodes))) for p in records]


def _levels(records: list[StockLevelData], store: str) -> list[Any]:
    return [(s.product_id, s.qty) for s in records if s.store_id == store]


# What the snapshot writer buffers for a run of records of one entity: row tuples (products:
# with their GTINs); other stores' stock levels are left out (this till does not keep them).
CONVERT: dict[str, Any] = {
    "product": _products,
    "price": lambda records, _store: list(map(price_row, records)),
    "member": lambda records, _store: list(map(member_row, records)),
    "stock_level": _levels,
}

_PRODUCT_COLUMNS = ("id, sku, name_zh, name_en, category, brand, measure, tax_code, plu, active, "
                    "discountable")
PRODUCT_UPSERT = (
    f"INSERT INTO products ({_PRODUCT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (id) DO UPDATE SET "
    "sku = excluded.sku, name_zh = excluded.name_zh, name_en = excluded.name_en, "
    "category = excluded.category, brand = excluded.brand, measure = excluded.measure, "
    "tax_code = excluded.tax_code, plu = excluded.plu, active = excluded.active, "
    "discountable = excluded.discountable")
_PRICE_UPSERT = (
    "INSERT INTO prices (id, product_id, price_list, amount, valid_from, valid_to) "
    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
    "product_id = excluded.product_id, price_list = excluded.price_list, "
    "amount = excluded.amount, valid_from = excluded.valid_from, valid_to = excluded.valid_to")
_MEMBER_COLUMNS = ("id, member_no, name_masked, phone_hash, phone_last4, tier, points, "
                   "active")
MEMBER_UPSERT = (
    f"INSERT INTO members ({_MEMBER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (id) DO UPDATE SET member_no = excluded.member_no, "
    "name_masked = excluded.name_masked, phone_hash = excluded.phone_hash, "
    "phone_last4 = excluded.phone_last4, tier = excluded.tier, points = excluded.points, "
    "active = excluded.active")
_LEVEL_UPSERT = ("INSERT INTO stock_levels (product_id, qty) VALUES (?, ?) "
                 "ON CONFLICT (product_id) DO UPDATE SET qty = excluded.qty")
# Runs of page records applied with one executemany: entity -> (upsert, rows of the records).
UPSERT_MANY: dict[str, tuple[str, Any]] = {
    "price": (_PRICE_UPSERT, CONVERT["price"]),
    "member": (MEMBER_UPSERT, CONVERT["member"]),
    "stock_level": (_LEVEL_UPSERT, CONVERT["stock_level"]),
}
SEARCH_INSERT = "INSERT INTO product_search (rowid, text) VALUES (?, ?)"
SEARCH_DELETE = ("INSERT INTO product_search (product_search, rowid, text) "
                  "VALUES ('delete', ?, ?)")
BARCODE_INSERT = "INSERT OR REPLACE INTO barcodes (gtin, product_id) VALUES (?, ?)"


def _from_json(table: str, cols: str, verb: str = "INSERT") -> str:
    """``INSERT INTO table (cols) SELECT ...`` of the rows of one JSON array of arrays (one
    parameter): a whole chunk is one statement, so SQLite holds no GIL while it runs."""
    values = ", ".join(f"value ->> {i}" for i in range(len(cols.split(","))))
    return f"{verb} INTO {table} ({cols}) SELECT {values} FROM json_each(?)"


# The bulk path's plain INSERTs (the tables are empty: nothing to update), for product rows
# and for each table a product record also fills.
BULK_INSERT = {
    "product": _from_json("products", _PRODUCT_COLUMNS),
    "barcode": _from_json("barcodes", "gtin, product_id", "INSERT OR REPLACE"),
    "search": _from_json("product_search", "rowid, text"),
    "price": _from_json("prices", "id, product_id, price_list, amount, valid_from, valid_to"),
    "member": _from_json("members", _MEMBER_COLUMNS),
    "stock_level": _from_json("stock_levels", "product_id, qty"),
}

# The same, row by row (executemany), when there is no writer thread.
BULK_VALUES = {
    "product": f"INSERT INTO products ({_PRODUCT_COLUMNS}) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "barcode": "INSERT OR REPLACE INTO barcodes (gtin, product_id) VALUES (?, ?)",
    "search": "INSERT INTO product_search (rowid, text) VALUES (?, ?)",
    "price": "INSERT INTO prices (id, product_id, price_list, amount, valid_from, valid_to) "
             "VALUES (?, ?, ?, ?, ?, ?)",
    "member": f"INSERT INTO members ({_MEMBER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    "stock_level": "INSERT INTO stock_levels (product_id, qty) VALUES (?, ?)",
}

# entity -> (table, key column, the columns of its row tuple, row function, upsert)
BIG: dict[str, tuple[str, str, str, Any, str]] = {
    "product": ("products", "id", _PRODUCT_COLUMNS, product_row, PRODUCT_UPSERT),
    "price": ("prices", "id", "id, product_id, price_list, amount, valid_from, valid_to",
              price_row, _PRICE_UPSERT),
    "member": ("members", "id", _MEMBER_COLUMNS, member_row, MEMBER_UPSERT),
    "stock_level": ("stock_levels", "product_id", "product_id, qty", level_row,
                    _LEVEL_UPSERT),
}
# Few rows: the page applier's upserts.
SMALL = ("store_settings", "tax_rate", "staff", "order", "promotion", "delivery",
          "reason_code", "quick_key", "member_token_key", "member_erasure")
SMALL_KEY = {"tax_rate": attrgetter("code"), "staff": attrgetter("id"),
              "order": attrgetter("order_no"), "promotion": attrgetter("id"),
              "delivery": attrgetter("id"), "reason_code": attrgetter("code"),
              "quick_key": attrgetter("id"),
              "member_token_key": attrgetter("kid")}  # finish() keeps

# The tables a catalogue lives in: all empty means a first start (the bulk path).
CATALOGUE_TABLES = ("products", "barcodes", "prices", "members", "stock_levels")

# Dropped for the bulk path, rebuilt at its end: a non-unique index whose keys arrive in random
# order (phones' hashes), so every chunk would rewrite most of its pages. Only on a first start,
# when the till has no members to look up; the SQL to rebuild them is kept in sync_state in the
# same transaction as the drop, so a crash mid-way rebuilds them at the next snapshot.
BULK_DROPPED_INDEXES = ("members_phone_hash",)
DROPPED_KEY = "snapshot_dropped_indexes"

# FTS5 settings while a snapshot loads (persistent in the index's config: restored after).
# Fewer, larger merges than the defaults (automerge 4, crisismerge 16).
FTS_LOAD = (("automerge", 8), ("crisismerge", 64))
FTS_DEFAULTS = (("automerge", 4), ("crisismerge", 16))


def json_rows(rows: list[Any]) -> str:
    """Row tuples as one JSON array of arrays (``True``/``False`` become 1/0 in SQLite)."""
    return json.dumps(rows, ensure_ascii=False, check_circular=False)


def json_ids(values: Iterable[Any]) -> str:
    """A JSON array for ``IN (SELECT value FROM json_each(?))``: one parameter, any length."""
    return json.dumps(list(values), ensure_ascii=False)
