"""A till's snapshot (bootstrap) against the real central: the bulk path on a first start, the
careful path for a till that already has a catalogue (after ``410 Gone``), which must also
remove what the central no longer has. Both must leave the same till."""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

import httpx
import pytest
from central_kit import APPLE, BREAD, GUM, MILK, RICE, MemoryKeyring

from posclient.store.catalog import Catalog
from posclient.store.db import Store
from posclient.store.search import search_text
from sync.apply import Applier
from sync.catalogue_sql import product_search_text
from sync.central import feed
from sync.credentials import TokenStore
from sync.engine import SyncEngine, SyncError, state_set
from sync.enrol import enrol
from sync.protocol import ProductData, TaxRateData
from sync.snapshot_writer import SnapshotWriter, restore_indexes

DATA = {
    "products": "SELECT id, sku, name_zh, name_en, category, brand, measure, tax_code, plu, "
                "active FROM products ORDER BY id",
    "barcodes": "SELECT gtin, product_id FROM barcodes ORDER BY gtin",
    "prices": "SELECT * FROM prices ORDER BY id",
    "tax_rates": "SELECT * FROM tax_rates ORDER BY code",
    "members": "SELECT * FROM members ORDER BY id",
    "stock_levels": "SELECT product_id, qty FROM stock_levels ORDER BY product_id",
    "staff": "SELECT id, name, role, pin_hash FROM staff WHERE active = 1 ORDER BY id",
}
QUERIES = ["牛奶", "面包", "全麦", "口香糖", "苹果", "大米", "milk", "bread", "gum", "fuji",
           "yogurt", "酸奶", "蒙牛", "rice", "五常"]


def dump(db: Path) -> dict[str, object]:
    with Store.open(db) as store:
        out: dict[str, object] = {k: store.conn.execute(sql).fetchall()
                                  for k, sql in DATA.items()}
        cat = Catalog(store.conn)
        out["search"] = {q: sorted(p.id for p in cat.search(q)) for q in QUERIES}
        store.conn.execute("INSERT INTO product_search (product_search) "
                           "VALUES ('integrity-check')")  # raises if the index is damaged
    return out


class Till:
    def __init__(self, shop, path: Path, store_id: str = "S1") -> None:
        self.path = path
        self.tokens = TokenStore(MemoryKeyring())
        Store.open(path).close()
        enrol(path, shop.url, shop.enrolment_code(store_id), path.stem, tokens=self.tokens)
        self.engine = SyncEngine(path, tokens=self.tokens)


def put(shop, entity: str, records: list[dict], delete: tuple[str, ...] = ()) -> None:
    report = shop.put(entity, records, delete=list(delete))
    assert report["rejected"] == [], report


def head(shop) -> int:
    with shop.engine.connect() as conn:
        return feed.feed_state(conn).last_seq


def test_a_first_start_takes_the_bulk_path_and_leaves_a_till_ready_to_sell(shop, tmp_path):
    shop.admin_post("/staff", {"id": 1001, "name": "李娜", "role": "cashier", "pin": "1111",
                               "store_id": "S1"})
    till = Till(shop, tmp_path / "till.db")
    report = till.engine.run_once()
    assert report.bootstrapped
    with Store.open(till.path) as store:
        c = store.conn
        cat = Catalog(c)
        assert cat.by_gtin(6901234567892).id == MILK
        assert cat.price_at(MILK, 0) == 100 * MILK
        assert cat.stock(BREAD) == 20
        assert [p.id for p in cat.search("牛奶")] == [MILK]
        # The index dropped for the load is back, and the index's merge settings restored.
        assert c.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'members_phone_hash'").fetchone()
        assert c.execute("SELECT value FROM sync_state WHERE key = 'snapshot_dropped_indexes'"
                         ).fetchone() is None
        config = dict(c.execute("SELECT k, v FROM product_search_config").fetchall())
        assert config.get("automerge", 4) == 4 and config.get("crisismerge", 16) == 16


@pytest.mark.slow
def test_a_re_bootstrap_applies_changes_and_removes_what_the_central_no_longer_has(
        shop, tmp_path):
    for sid, name in ((1001, "李娜"), (1002, "王芳")):
        shop.admin_post("/staff", {"id": sid, "name": name, "role": "cashier", "pin": "1111",
                                   "store_id": "S1"})
    put(shop, "member", [{"id": i, "member_no": f"M{i}", "name": f"会员{i}",
                          "phone": f"1380000000{i}", "store_id": "S1"} for i in (1, 2, 3)])
    till = Till(shop, tmp_path / "till.db")
    assert till.engine.run_once().bootstrapped

    # The till is offline for a while; the central changes...
    put(shop, "product", [], delete=(str(GUM), str(RICE)))  # their prices go with them
    put(shop, "product", [{"id": BREAD, "sku": "100002", "name_zh": "蒙牛 酸奶",
                           "name_en": "Mengniu Yogurt", "measure": "each", "tax_code": "VAT9",
                           "barcodes": ["036000291452", "6901234567014"]}])  # RICE's barcode
    # APPLE gives its SKU to a new product (through a free SKU, as the central needs).
    gift = {"id": 9, "sku": "100009", "name_zh": "红富士 苹果 礼盒",
            "name_en": "Fuji Apple Gift Box", "measure": "each", "tax_code": "VAT9",
            "barcodes": ["6901234567113"]}
    apple = {"id": APPLE, "sku": "TMP", "name_zh": "红富士 苹果", "name_en": "Fuji Apple",
             "measure": "g", "tax_code": "VAT9", "plu": "00001"}
    put(shop, "product", [gift])
    put(shop, "product", [apple])
    put(shop, "product", [{**gift, "sku": "100003"}])
    put(shop, "product", [{**apple, "sku": "100009"}])
    put(shop, "price", [{"id": MILK, "product_id": MILK, "amount": 555},
                        {"id": 90, "product_id": 9, "amount": 9900}])
    put(shop, "member", [{"id": 1, "member_no": "M1-new", "name": "会员1"}])
    put(shop, "member", [{"id": 3, "member_no": "M1", "name": "会员3"}], delete=("2",))
    put(shop, "staff", [], delete=("1002",))
    put(shop, "tax_rate", [{"code": "VAT0", "rate_ppm": 0}])
    # ... and prunes its feed: the till's cursor is too old now.
    shop.admin_post("/prune", {"before_seq": head(shop) + 1})
    assert till.engine.run_once().bootstrapped  # 410 Gone -> a new snapshot (careful path)

    got = dump(till.path)
    fresh = Till(shop, tmp_path / "fresh.db")
    assert fresh.engine.run_once().bootstrapped  # a first start: the bulk path
    assert got == dump(fresh.path)  # the same till, whichever path

    assert [r[0] for r in got["products"]] == [MILK, BREAD, APPLE, 9]
    assert [r[1] for r in got["products"]] == ["100001", "100002", "100009", "100003"]
    assert (36000291452, BREAD) in got["barcodes"] and (6901234567014, BREAD) in got["barcodes"]
    assert all(pid != GUM for _, pid in got["barcodes"])
    assert [(r[0], r[3]) for r in got["prices"]] == [(MILK, 555), (BREAD, 200), (APPLE, 300),
                                                      (90, 9900)]
    assert [(r[0], r[1]) for r in got["members"]] == [(1, "M1-new"), (3, "M1")]
    assert [r[0] for r in got["staff"]] == [1001]
    with Store.open(till.path) as store:  # a staff member leaving is kept, inactive
        assert store.conn.execute("SELECT id, active FROM staff ORDER BY id").fetchall() == [
            (1001, 1), (1002, 0)]
    assert [r[0] for r in got["stock_levels"]] == [MILK, BREAD, APPLE]
    assert got["search"]["口香糖"] == [] and got["search"]["gum"] == []
    assert got["search"]["面包"] == [] and got["search"]["酸奶"] == [BREAD]
    assert got["search"]["苹果"] == [APPLE, 9]


def test_a_cut_off_snapshot_writes_and_removes_nothing(tmp_path):
    """The header announces more records than arrive (and no trailer ends them): an error, and
    the till keeps its rows as they were, without the records that did arrive."""
    db = tmp_path / "till.db"
    with Store.open(db) as store, store.write() as conn:
        state_set(conn, server_url="http://central.test", store_id="S1", terminal_id="T1",
                  cursor=3)
        Applier(conn, "S1").apply([
            ("tax_rate", "upsert", "VAT9", TaxRateData(code="VAT9", rate_ppm=90_000)),
            ("product", "upsert", "7", ProductData(id=7, sku="7", name_zh="牛奶",
                                                   name_en="Milk", measure="each",
                                                   tax_code="VAT9")),
        ])
    lines = [{"seq": 9, "records": 3},
             {"entity": "tax_rate", "key": "VAT9", "data": {"code": "VAT9", "rate_ppm": 90000}},
             {"entity": "product", "key": "8", "data": {"id": 8, "sku": "8", "name_zh": "面包",
                                                        "name_en": "Bread", "measure": "each",
                                                        "tax_code": "VAT9"}}]
    body = gzip.compress(b"".join(json.dumps(x).encode() + b"\n" for x in lines))

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/whoami":  # this till's token (sync/till_identity.py)
            return httpx.Response(200, json={"store_id": "S1", "terminal_id": "T1",
                                             "central_id": "C"})
        if request.url.path == "/v1/changes":
            return httpx.Response(410, json={"error": "feed_pruned", "detail": "gone"})
        return httpx.Response(200, stream=httpx.ByteStream(body),
                              headers={"Content-Encoding": "gzip"})

    tokens = TokenStore(MemoryKeyring())
    tokens.save_legacy("http://central.test", "T1", "token")
    engine = SyncEngine(db, tokens=tokens, transport=httpx.MockTransport(handler))
    with pytest.raises(SyncError, match="cut off") as err:
        engine.run_once()
    assert err.value.transient
    with Store.open(db) as store:
        # nothing of a snapshot that is not whole is written (it used to add product 8)
        assert [r[0] for r in store.conn.execute("SELECT id FROM products ORDER BY id")] == [7]
        assert store.conn.execute("SELECT value FROM sync_state WHERE key = 'cursor'"
                                  ).fetchone()[0] == "3"


def test_indexes_dropped_by_a_bulk_load_that_crashed_are_rebuilt(tmp_path):
    db = tmp_path / "till.db"
    store = Store.open(db)
    writer = SnapshotWriter(store, "S1")
    assert writer.bulk
    assert not store.conn.execute(
        "SELECT 1 FROM sqlite_master WHERE name = 'members_phone_hash'").fetchone()
    store.close()  # a crash: close() never ran
    with Store.open(db) as store:
        assert restore_indexes(store) == ["members_phone_hash"]
        assert store.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'members_phone_hash'").fetchone()
        assert restore_indexes(store) == []


def test_the_fast_search_text_is_search_text():
    rng = random.Random(3)
    edges = [chr(c) for lo, hi in ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF),
                                   (0x3040, 0x30FF), (0xAC00, 0xD7AF)) for c in
             (lo - 1, lo, hi, hi + 1)]
    alphabet = [*edges, "a", "B", "1", " ", "-", "É", "Σ", "ß", "İ", "牛", "奶", "\u3000", "😀"]
    for _ in range(2000):
        fields = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))
                  for _ in range(3)]
        assert product_search_text(*fields) == search_text(*fields), fields
