"""The small, fully known store the till's tests use (a plain module, so test files can import
it by a unique name: two conftest.py files would otherwise shadow each other)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from posclient.domain.pins import hash_pin
from posclient.domain.privacy import DEMO_MEMBER_KEYS, mask_name
from posclient.domain.settings import StoreSettings
from posclient.store.db import Store
from posclient.store.search import search_text
from posclient.store.settings import load_settings, save_settings

MILK = "6901234567892"  # EAN-13, 12.50, VAT13
BREAD = "036000291452"  # UPC-A, 8.00, VAT13
GUM = "96385074"  # EAN-8, 3.50, VAT13
RICE = "6901234567014"  # EAN-13 of a 9% item, 59.90
APPLE_PLU = "00001"  # weighed, 15.98 per kg, VAT9
PINS = {1001: "1111", 1002: "1212", 2001: "2222", 3001: "3333"}

# Hashing is the slow part of building a store: do it once per test session.
_HASHES: dict[int, str] = {}


def _hashes() -> dict[int, str]:
    if not _HASHES:
        _HASHES.update({sid: hash_pin(pin) for sid, pin in PINS.items()})
    return _HASHES


def add_member(conn: Any, member_id: int, member_no: str, name: str, phone: str | None,
               tier: str = "standard", points: int = 0, active: bool = True) -> None:
    """A member as a till keeps it (issue 17): the masked name, the phone's keyed hash (the
    demo key: a test till is not enrolled) and its last four digits; never the phone."""
    conn.execute(
        "INSERT INTO members (id, member_no, name_masked, phone_hash, phone_last4, tier, "
        "points, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (member_id, member_no, mask_name(name),
         DEMO_MEMBER_KEYS.digest(phone) if phone else None, phone[-4:] if phone else None,
         tier, points, int(active)))


def build_small_store(path: Path, settings: StoreSettings | None = None, *,
                      require_shift: bool = False) -> Store:
    """The test store. Selling needs no open shift here unless ``require_shift`` (a real
    store's default: tests/app/test_shift_required.py)."""
    store = Store.open(path)
    h = _hashes()
    with store.write() as c:
        save_settings(c, replace(settings or StoreSettings(), require_shift=require_shift))
        c.executemany("INSERT INTO tax_rates VALUES (?, ?, ?, ?)", [
            ("VAT13", 130_000, "增值税13%", "VAT 13%"),
            ("VAT9", 90_000, "增值税9%", "VAT 9%"),
            ("ZERO", 0, "免税", "Zero rated"),
        ])
        products = [
            (1, "100001", "伊利 纯牛奶 250ml", "Yili Pure Milk 250ml", "dairy", "伊利", "each",
             "VAT13", None),
            (2, "100002", "全麦面包", "Wholemeal Bread", "bakery", "", "each", "VAT13", None),
            (3, "100003", "绿箭 口香糖", "Doublemint Gum", "snacks", "绿箭", "each", "VAT13",
             None),
            (4, "100004", "红富士 苹果", "Fuji Apple", "produce", "", "g", "VAT9", APPLE_PLU),
            (5, "100005", "五常 大米 5kg", "Wuchang Rice 5kg", "grain", "", "each", "VAT9",
             None),
            (6, "100006", "停售 商品", "Discontinued Item", "misc", "", "each", "VAT13", None),
        ]
        c.executemany("INSERT INTO products (id, sku, name_zh, name_en, category, brand, "
                      "measure, tax_code, plu) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", products)
        c.execute("UPDATE products SET active = 0 WHERE id = 6")
        c.executemany("INSERT INTO product_search (rowid, text) VALUES (?, ?)",
                      [(p[0], search_text(p[2], p[3], p[5])) for p in products])
        c.executemany("INSERT INTO barcodes VALUES (?, ?)", [
            (int(MILK), 1), (int(BREAD), 2), (int(GUM), 3), (int(RICE), 5),
        ])
        c.executemany("INSERT INTO prices (product_id, amount) VALUES (?, ?)", [
            (1, 1250), (2, 800), (3, 350), (4, 1598), (5, 5990), (6, 100),
        ])
        c.executemany("INSERT INTO stock_levels (product_id, qty) VALUES (?, ?)", [
            (1, 100), (2, 20), (3, 50), (4, 30_000), (5, 10),
        ])
        c.executemany("INSERT INTO staff (id, name, role, pin_hash) VALUES (?, ?, ?, ?)", [
            (1001, "张伟", "cashier", h[1001]), (1002, "Li Na", "cashier", h[1002]),
            (2001, "王芳", "supervisor", h[2001]), (3001, "刘洋", "manager", h[3001]),
        ])
        c.execute("INSERT INTO store_credit VALUES ('GC-1001', 'CNY', 5000)")
    return store


def expect_delivery(store: Store, delivery_id: str, lines: list[tuple[int, int]], *,
                    kind: str = "delivery", from_store: str | None = None,
                    reference: str = "", store_id: str | None = None) -> None:
    """A delivery the central announced, as the feed brings it (sync/apply.py);
    ``lines``: (product_id, qty)."""
    from sync.apply import Applier
    from sync.protocol import DeliveryData

    sid = store_id or load_settings(store.conn).store_id
    data = DeliveryData(id=delivery_id, store_id=sid, kind=kind,  # type: ignore[arg-type]
                        from_store=from_store, reference=reference,
                        lines=[{"product_id": p, "sku": f"{100000 + p}", "qty": q}  # type: ignore[list-item]
                               for p, q in lines])
    with store.write() as conn:
        Applier(conn, sid).apply([("delivery", "upsert", delivery_id, data)])


GIFT_CARD = "6901234567106"  # EAN-13 of a ¥100 gift card: not discountable, zero rated
GIFT_CARD_ID = 7


def add_gift_card(store: Store, *, gold_price: int | None = None) -> None:
    """A ¥100 gift card (product 7, not discountable) as the central's feed brings it
    (sync/apply.py); ``gold_price``: a 'gold' tier price as well, which must never apply."""
    from sync.apply import Applier
    from sync.protocol import PriceData, ProductData

    sid = load_settings(store.conn).store_id
    records: list[tuple[str, str, str, object]] = [
        ("product", "upsert", "7", ProductData(
            id=GIFT_CARD_ID, sku="100007", name_zh="购物卡 100元", name_en="Gift Card 100 Yuan",
            category="SV", measure="each", tax_code="ZERO", barcodes=[GIFT_CARD],
            discountable=False)),
        ("price", "upsert", "70", PriceData(id=70, product_id=GIFT_CARD_ID, amount=10_000))]
    if gold_price is not None:
        records.append(("price", "upsert", "71", PriceData(
            id=71, product_id=GIFT_CARD_ID, price_list="gold", amount=gold_price)))
    with store.write() as conn:
        Applier(conn, sid).apply(records)  # type: ignore[arg-type]
