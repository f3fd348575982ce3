"""Applying the central's reference data to the terminal's tables.

:class:`Applier` runs inside the caller's write transaction: a change page is applied together
with its cursor, all or nothing. Re-applying the same records changes nothing (upserts keyed on
the central's ids). A whole snapshot is written by :class:`sync.snapshot_writer.SnapshotWriter`
(which applies the few small records through :class:`Applier`).

Web orders (entity ``order``) go into ``web_orders`` through the same function as an order
fetched at the pick-up screen (posclient/store/orders.py ``keep_orders``). A member erased at
the central (entity ``member_erasure``) is forgotten as a membership withdrawn at the till is
(posclient/store/members.py ``forget``).

The product search index is contentless: before a product's text changes, its old text is
deleted from the index with FTS5's 'delete' command (posclient/store/search.py).
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable
from dataclasses import fields
from datetime import UTC, datetime
from itertools import groupby

from posclient.domain.clock import iso
from posclient.domain.settings import StoreSettings
from posclient.store import member_tokens
from posclient.store import members as member_store
from posclient.store.orders import forget_order, keep_orders
from posclient.store.search import search_text

from .catalogue_sql import MEMBER_UPSERT, UPSERT_MANY, member_row
from .protocol import (
    DeliveryData,
    MemberData,
    MemberErasureData,
    MemberTokenKeyData,
    OrderData,
    PriceData,
    ProductData,
    PromotionData,
    QuickKeyData,
    ReasonCodeData,
    StaffData,
    StockLevelData,
    StoreSettingsData,
    TaxRateData,
)

log = logging.getLogger(__name__)

Record = tuple[str, str, str, object | None]  # (entity, op, key, parsed data or None)

_SETTINGS_FIELDS = {f.name for f in fields(StoreSettings)} - {"store_id", "terminal_id"}


class Applier:
    """Writes records into one terminal database for one store.

    ``received_at``: when the till got the records (ISO; default now), kept with web orders.
    """

    def __init__(self, conn: sqlite3.Connection, store_id: str,
                 received_at: str | None = None) -> None:
        self.conn = conn
        self.store_id = store_id
        self.received_at = received_at or iso(datetime.now(UTC))

    def apply(self, records: Iterable[Record]) -> int:
        """Apply records in order; return how many changed the terminal's data.

        A run of upserts of prices, members or stock levels is one ``executemany`` (the same
        statements, in the same order, as one by one).
        """
        self.conn.execute("PRAGMA defer_foreign_keys = ON")  # a price may precede its product
        n = 0
        for (entity, op), run in groupby(records, lambda r: (r[0], r[1])):
            many = UPSERT_MANY.get(entity) if op == "upsert" else None
            if many is not None:
                rows = many[1]([r[3] for r in run], self.store_id)
                self.conn.executemany(many[0], rows)
                n += len(rows)
                continue
            handler = getattr(self, f"_{op}_{entity}")
            for _entity, _op, key, data in run:
                n += 1 if handler(data if op == "upsert" else key) is not False else 0
        return n

    # -- products --------------------------------------------------------------------------------
    def _unindex(self, product_id: int) -> None:
        old = self.conn.execute("SELECT name_zh, name_en, brand FROM products WHERE id = ?",
                                (product_id,)).fetchone()
        if old is not None:
            self.conn.execute(
                "INSERT INTO product_search (product_search, rowid, text) "
                "VALUES ('delete', ?, ?)", (product_id, search_text(*old)))

    def _upsert_product(self, p: ProductData) -> None:
        c = self.conn
        self._unindex(p.id)
        c.execute(
            "INSERT INTO products (id, sku, name_zh, name_en, category, brand, measure, "
            "tax_code, plu, active, discountable) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET sku = excluded.sku, name_zh = excluded.name_zh, "
            "name_en = excluded.name_en, category = excluded.category, brand = excluded.brand, "
            "measure = excluded.measure, tax_code = excluded.tax_code, plu = excluded.plu, "
            "active = excluded.active, discountable = excluded.discountable",
            (p.id, p.sku, p.name_zh, p.name_en, p.category, p.brand, p.measure, p.tax_code,
             p.plu, int(p.active), int(p.discountable)))
        c.execute("INSERT INTO product_search (rowid, text) VALUES (?, ?)",
                  (p.id, search_text(p.name_zh, p.name_en, p.brand)))
        c.execute("DELETE FROM barcodes WHERE product_id = ?", (p.id,))
        c.executemany("INSERT OR REPLACE INTO barcodes (gtin, product_id) VALUES (?, ?)",
                      [(int(code), p.id) for code in p.barcodes])

    def _delete_product(self, key: str) -> None:
        pid = int(key)
        self._unindex(pid)
        self.conn.execute("DELETE FROM products WHERE id = ?", (pid,))  # cascades

    # -- prices, taxes, members, staff ------------------------------------------------------
    def _upsert_price(self, p: PriceData) -> None:
        self.conn.execute(
            "INSERT INTO prices (id, product_id, price_list, amount, valid_from, valid_to) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
            "product_id = excluded.product_id, price_list = excluded.price_list, "
            "amount = excluded.amount, valid_from = excluded.valid_from, "
            "valid_to = excluded.valid_to",
            (p.id, p.product_id, p.price_list, p.amount, p.valid_from, p.valid_to))

    def _delete_price(self, key: str) -> None:
        self.conn.execute("DELETE FROM prices WHERE id = ?", (int(key),))

    def _upsert_tax_rate(self, t: TaxRateData) -> None:
        self.conn.execute(
            "INSERT INTO tax_rates (code, rate_ppm, name_zh, name_en) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (code) DO UPDATE SET rate_ppm = excluded.rate_ppm, "
            "name_zh = excluded.name_zh, name_en = excluded.name_en",
            (t.code, t.rate_ppm, t.name_zh, t.name_en))

    def _delete_tax_rate(self, key: str) -> None:
        self.conn.execute("DELETE FROM tax_rates WHERE code = ?", (key,))

    def _upsert_member(self, m: MemberData) -> None:
        self.conn.execute(MEMBER_UPSERT, member_row(m))

    def _delete_member(self, key: str) -> None:
        self.conn.execute("DELETE FROM members WHERE id = ?", (int(key),))

    def _upsert_member_erasure(self, e: MemberErasureData) -> bool:
        """A member erased at the central: forgotten here, its past sales' label cleared
        (posclient/store/members.py ``forget``; docs/privacy.md)."""
        return member_store.forget(self.conn, e.member_no, e.id, iso(e.erased_at),
                                   source="central")

    def _delete_member_erasure(self, key: str) -> bool:
        return False  # an erasure is never undone

    def _upsert_staff(self, s: StaffData) -> None:
        # Lockout state (failed_pins, locked_until) is the till's own and is kept.
        self.conn.execute(
            "INSERT INTO staff (id, name, role, pin_hash, active) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role, "
            "pin_hash = excluded.pin_hash, active = excluded.active",
            (s.id, s.name, s.role, s.pin_hash, int(s.active)))

    def _delete_staff(self, key: str) -> None:
        self.conn.execute("UPDATE staff SET active = 0 WHERE id = ?", (int(key),))

    # -- store-scoped --------------------------------------------------------------------------
    def _upsert_stock_level(self, s: StockLevelData) -> bool:
        if s.store_id != self.store_id:
            return False  # other stores' levels: look-ups arrive in a later release
        self.conn.execute(
            "INSERT INTO stock_levels (product_id, qty) VALUES (?, ?) "
            "ON CONFLICT (product_id) DO UPDATE SET qty = excluded.qty",
            (s.product_id, s.qty))
        return True

    def _delete_stock_level(self, key: str) -> bool:
        store, _, product = key.partition(":")
        if store != self.store_id:
            return False
        self.conn.execute("DELETE FROM stock_levels WHERE product_id = ?", (int(product),))
        return True

    def _upsert_store_settings(self, s: StoreSettingsData) -> bool:
        if s.store_id != self.store_id:
            return False
        values = {k: v for k, v in s.model_dump().items() if k in _SETTINGS_FIELDS}
        self.conn.executemany(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [(k, json.dumps(v, ensure_ascii=False)) for k, v in values.items()])
        return True

    def _delete_store_settings(self, key: str) -> bool:
        return False  # a store's settings are replaced, never removed

    def _upsert_order(self, o: OrderData) -> bool:
        if o.store_id != self.store_id:
            return False  # the feed holds only this store's orders: nothing else is kept
        keep_orders(self.conn, [o], self.received_at)
        return True

    def _delete_order(self, key: str) -> bool:
        return forget_order(self.conn, key)  # moved to another store, or now a delivery

    # -- deliveries (this store's) -------------------------------------------------------------
    def _upsert_delivery(self, d: DeliveryData) -> bool:
        if d.store_id != self.store_id:
            return False
        self.conn.execute(
            "INSERT INTO deliveries (id, store_id, kind, status, data, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
            "store_id = excluded.store_id, kind = excluded.kind, status = excluded.status, "
            "data = excluded.data, updated_at = excluded.updated_at",
            (d.id, d.store_id, d.kind, d.status, d.model_dump_json(), self.received_at))
        return True

    def _delete_delivery(self, key: str) -> bool:
        return self.conn.execute("DELETE FROM deliveries WHERE id = ? AND received_event IS "
                                 "NULL", (key,)).rowcount > 0

    # -- promotions (every store's, the engine filters by store) ----------------------------
    def _upsert_promotion(self, p: PromotionData) -> None:
        self.conn.execute(
            "INSERT INTO promotions (id, data, valid_from, valid_to, coupon_code) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data, "
            "valid_from = excluded.valid_from, valid_to = excluded.valid_to, "
            "coupon_code = excluded.coupon_code WHERE data IS NOT excluded.data",
            (p.id, json.dumps(p.model_dump(mode="json"), ensure_ascii=False, sort_keys=True),
             p.valid_from, p.valid_to, p.coupon_code))

    def _delete_promotion(self, key: str) -> None:
        self.conn.execute("DELETE FROM promotions WHERE id = ?", (key,))

    # -- reason codes (the chain's), quick keys (this store's) --------------------------------
    def _upsert_reason_code(self, r: ReasonCodeData) -> None:
        self.conn.execute(
            "INSERT INTO reason_codes (code, kind, name_zh, name_en, active, sort) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET kind = excluded.kind, "
            "name_zh = excluded.name_zh, name_en = excluded.name_en, "
            "active = excluded.active, sort = excluded.sort",
            (r.code, r.kind, r.name_zh, r.name_en, int(r.active), r.sort))

    def _delete_reason_code(self, key: str) -> None:
        self.conn.execute("DELETE FROM reason_codes WHERE code = ?", (key,))

    def _upsert_quick_key(self, q: QuickKeyData) -> bool:
        if q.store_id != self.store_id:
            return False
        self.conn.execute(
            "INSERT INTO quick_keys (id, product_id, category_zh, category_en, label_zh, "
            "label_en, position) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
            "product_id = excluded.product_id, category_zh = excluded.category_zh, "
            "category_en = excluded.category_en, label_zh = excluded.label_zh, "
            "label_en = excluded.label_en, position = excluded.position",
            (q.id, q.product_id, q.category_zh, q.category_en, q.label_zh, q.label_en,
             q.position))
        return True

    def _delete_quick_key(self, key: str) -> bool:
        return self.conn.execute("DELETE FROM quick_keys WHERE id = ?", (int(key),)).rowcount > 0

    # -- the central's keys for member QR tokens (the chain's) --------------------------------
    def _upsert_member_token_key(self, k: MemberTokenKeyData) -> None:
        member_tokens.keep_key(self.conn, k.kid, k.public_key, k.valid_from, k.valid_to)

    def _delete_member_token_key(self, key: str) -> bool:
        return member_tokens.forget_key(self.conn, key)


# -- snapshots ---------------------------------------------------------------------------------
