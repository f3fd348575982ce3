"""Test data for the central's tests: a small known catalogue and till-shaped sale events.

A plain module (not conftest) so test files can import it by its unique name.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select

from sync.central.schema import stock_levels, stock_movements
from sync.credentials import MemoryKeyring  # noqa: F401 (re-exported for the tests)

ADMIN_TOKEN = "test-admin-token-0123456789abcdef"  # the central fixtures' admin token

MILK, BREAD, APPLE, RICE, GUM = 1, 2, 3, 4, 5

PRODUCTS = [
    {"id": MILK, "sku": "100001", "name_zh": "伊利 纯牛奶 250ml", "name_en": "Yili Milk 250ml",
     "measure": "each", "tax_code": "VAT9", "barcodes": ["6901234567892"]},
    {"id": BREAD, "sku": "100002", "name_zh": "全麦面包", "name_en": "Wholemeal Bread",
     "measure": "each", "tax_code": "VAT13", "barcodes": ["036000291452"]},
    {"id": APPLE, "sku": "100003", "name_zh": "红富士 苹果", "name_en": "Fuji Apple",
     "measure": "g", "tax_code": "VAT9", "plu": "00001"},
    {"id": RICE, "sku": "100004", "name_zh": "五常 大米 5kg", "name_en": "Wuchang Rice 5kg",
     "measure": "each", "tax_code": "VAT9", "barcodes": ["6901234567014"]},
    {"id": GUM, "sku": "100005", "name_zh": "绿箭 口香糖", "name_en": "Doublemint Gum",
     "measure": "each", "tax_code": "VAT13", "barcodes": ["96385074"]},
]
STOCK = {"S1": {MILK: 100, BREAD: 20, APPLE: 30_000, RICE: 10, GUM: 50},
         "S2": {MILK: 7, BREAD: 3}}


def sale_event(store_id: str, seq: int, lines: list[tuple[int, int]], *,
               event_id: str | None = None, label_price: int | None = None,
               **payload: Any) -> dict[str, Any]:
    """A ``sale`` event like posclient's checkout makes; ``lines``: (product_id, qty)."""
    measures = {p["id"]: p["measure"] for p in PRODUCTS}
    body = {
        "receipt_no": f"{store_id}-T01-{seq:06d}", "store_id": store_id, "terminal_id": "T01",
        "staff_id": 1001, "member_id": None, "started_at": "2026-11-23T09:00:00.000Z",
        "completed_at": "2026-11-23T09:01:00.000Z", "currency": "CNY", "tax_inclusive": True,
        "subtotal": 0, "discount_total": 0, "tax_total": 0, "rounding": 0, "total": 0,
        "change": 0, "tenders": [], "taxes": [],
        "lines": [{"line_no": i, "product_id": pid, "sku": str(100000 + pid), "barcode": "",
                   "measure": measures.get(pid, "each"), "qty": qty, "list_price": 100,
                   "unit_price": 100, "label_price": label_price, "gross": 100 * qty,
                   "line_discount": 0, "basket_discount": 0, "total": 100 * qty,
                   "tax_code": "VAT13", "tax_rate_ppm": 130_000}
                  for i, (pid, qty) in enumerate(lines, start=1)],
    }
    body["total"] = sum(ln["total"] for ln in body["lines"])
    body.update(payload)
    return {"event_id": event_id or str(uuid.uuid4()), "terminal_seq": seq, "type": "sale",
            "occurred_at": "2026-11-23T09:01:00Z", "payload": body}


def token_of(db_path: Any, tokens: Any) -> str | None:
    """The token a till database's keyring entry holds (sync/till_identity.py)."""
    from posclient.store.db import Store
    from sync import till_identity

    with Store.open(db_path, create=False) as store:
        me = till_identity.enrolled(store.conn)
    held = till_identity.held_token(me, tokens) if me is not None else None
    return held.token if held is not None else None


def level(central: Any, store_id: str, product_id: int) -> int | None:
    with central.engine.connect() as conn:
        return conn.scalar(select(stock_levels.c.qty).where(
            stock_levels.c.store_id == store_id, stock_levels.c.product_id == product_id))


def movements_sum(central: Any, store_id: str, product_id: int) -> int:
    with central.engine.connect() as conn:
        return int(conn.scalar(select(func.coalesce(func.sum(stock_movements.c.qty_delta), 0))
                               .where(stock_movements.c.store_id == store_id,
                                      stock_movements.c.product_id == product_id)))




def seed_shop(tx: Any, stores: dict[str, dict[int, int]] = STOCK) -> None:
    """Stores, tax rates, the five products with prices, and stock, in one transaction.

    Written through the services (the admin API has its own tests).
    """
    from sync.central import entities, identity

    for store in stores:
        identity.create_store(tx, store, f"{store}店", f"Store {store}", {"currency": "CNY"})
    for entity, records in (
        ("tax_rate", [{"code": "VAT13", "rate_ppm": 130_000},
                      {"code": "VAT9", "rate_ppm": 90_000}]),
        ("product", PRODUCTS),
        ("price", [{"id": p["id"], "product_id": p["id"], "amount": 100 * p["id"]}
                   for p in PRODUCTS]),
    ):
        assert entities.upsert_records(tx, entity, enumerate(records)).rejected == []
    for store, levels in stores.items():
        done = entities.set_stock_records(
            tx, enumerate({"product_id": p, "qty": q} for p, q in levels.items()),
            store_id=store)
        assert done.rejected == []

