"""Applying the central's records to a real terminal database."""

from __future__ import annotations

from posclient.store.catalog import Catalog
from posclient.store.db import Store
from sync.apply import Applier
from sync.protocol import (
    MemberData,
    PriceData,
    ProductData,
    StaffData,
    StockLevelData,
    StoreSettingsData,
    TaxRateData,
)

MILK = ProductData(id=7, sku="A7", name_zh="伊利 纯牛奶 250ml", name_en="Yili Pure Milk 250ml",
                   brand="伊利", measure="each", tax_code="VAT9",
                   barcodes=["6901234567892", "036000291452"])


def records():
    return [
        ("tax_rate", "upsert", "VAT9", TaxRateData(code="VAT9", rate_ppm=90_000)),
        ("price", "upsert", "70", PriceData(id=70, product_id=7, amount=350)),  # before product
        ("product", "upsert", "7", MILK),
        ("stock_level", "upsert", "S1:7", StockLevelData(product_id=7, store_id="S1", qty=40)),
        ("stock_level", "upsert", "S2:7", StockLevelData(product_id=7, store_id="S2", qty=99)),
        ("member", "upsert", "5", MemberData(id=5, member_no="M5", name="王芳",
                                              phone="13800001234", points=120)),
        ("staff", "upsert", "1001", StaffData(id=1001, name="李娜", role="cashier",
                                               pin_hash="$argon2id$v=19$m=1,t=1,p=1$xx")),
        ("store_settings", "upsert", "S1", StoreSettingsData(
            store_id="S1", store_name_zh="一号店", currency="CNY", cash_increment=10)),
        ("store_settings", "upsert", "S2", StoreSettingsData(store_id="S2",
                                                              store_name_zh="二号店")),
    ]


def apply(store: Store, recs) -> int:
    with store.write() as conn:
        return Applier(conn, "S1").apply(recs)


def test_every_entity_lands_in_its_table(tmp_path):
    with Store.open(tmp_path / "t.db") as store:
        assert apply(store, records()) == 7  # the other store's level and settings skipped
        cat = Catalog(store.conn)
        assert cat.by_gtin(6901234567892).name_en == "Yili Pure Milk 250ml"
        assert cat.by_gtin(36000291452).id == 7
        assert cat.price_at(7, 0) == 350
        assert cat.stock(7) == 40
        assert [p.id for p in cat.search("牛奶")] == [7]
        assert store.conn.execute("SELECT value FROM settings WHERE key = 'store_name_zh'"
                                  ).fetchone()[0] == '"一号店"'


DATA_TABLES = ("products", "barcodes", "prices", "tax_rates", "stock_levels", "members",
               "staff", "settings")


def dump(store: Store) -> dict[str, list]:
    return {t: store.conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
            for t in DATA_TABLES}


def test_applying_the_same_records_twice_changes_nothing(tmp_path):
    with Store.open(tmp_path / "t.db") as store:
        apply(store, records())
        before = dump(store)
        apply(store, records())
        assert dump(store) == before
        assert [p.id for p in Catalog(store.conn).search("milk")] == [7]


def test_a_renamed_product_is_found_by_its_new_name_only(tmp_path):
    with Store.open(tmp_path / "t.db") as store:
        apply(store, records())
        renamed = MILK.model_copy(update={"name_zh": "蒙牛 酸奶", "name_en": "Mengniu Yogurt",
                                          "brand": "蒙牛", "barcodes": ["6901234567892"]})
        apply(store, [("product", "upsert", "7", renamed)])
        cat = Catalog(store.conn)
        assert cat.search("牛奶") == [] and cat.search("milk") == []
        assert [p.id for p in cat.search("酸奶")] == [7]
        assert cat.by_gtin(36000291452) is None  # the dropped barcode is gone


def test_a_deleted_product_leaves_the_catalogue_and_the_index(tmp_path):
    with Store.open(tmp_path / "t.db") as store:
        apply(store, records())
        apply(store, [("product", "delete", "7", None)])
        cat = Catalog(store.conn)
        assert cat.by_gtin(6901234567892) is None
        assert cat.search("牛奶") == []
        assert cat.price_at(7, 0) is None


def test_staff_from_the_central_keep_their_local_lockout(tmp_path):
    with Store.open(tmp_path / "t.db") as store:
        apply(store, records())
        store.conn.execute("UPDATE staff SET failed_pins = 3 WHERE id = 1001")
        apply(store, [("staff", "upsert", "1001", StaffData(
            id=1001, name="李娜", role="supervisor", pin_hash="$argon2id$v=19$m=1,t=1,p=1$yy"))])
        assert store.conn.execute("SELECT role, failed_pins FROM staff").fetchone() == \
            ("supervisor", 3)
