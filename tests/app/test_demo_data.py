"""The demo store generator, on real SQLite files: a small store built once, then read."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from posclient.app.demo_data import DemoResult, build_demo_store, demo_rows, vocabulary
from posclient.assets import demo_document
from posclient.domain.barcode import (
    DEFAULT_SCALE_RULES,
    gtin_key,
    is_valid_gtin,
    match_scale_rule,
)
from posclient.domain.demo_data import DEMO_STAFF, SAMPLE_EAN13
from posclient.domain.errors import InvalidInput
from posclient.domain.pins import verify_pin
from posclient.domain.privacy import DEMO_MEMBER_KEYS
from posclient.domain.settings import StoreSettings
from posclient.store.db import Store
from posclient.store.demo import BULK_INDEXES
from posclient.store.search import fts_query, search_text
from posclient.store.settings import load_settings

NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
PRODUCTS = 2_000
MEMBERS = 500
PINS = {1001: "1111", 1002: "1212", 2001: "2222", 3001: "3333"}
CJK = re.compile("[\u4e00-\u9fff]")
PROGRESS: list[tuple[str, int, int]] = []  # what the module's store reported while building


def gtin_text(key: int) -> str:
    """The printed form of a stored key: EAN-8, UPC-A (12 digits) or EAN-13."""
    if key < 10**8:
        return f"{key:08d}"
    if key < 10**11:
        return f"{key:012d}"
    return f"{key:013d}"


def build(path: Path, **kw) -> tuple[Store, DemoResult]:
    store = Store.open(path)
    args = {"products": PRODUCTS, "members": MEMBERS, "seed": 42, "now": NOW, "pins": PINS}
    args.update(kw)
    return store, build_demo_store(store, demo_document, **args)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[sqlite3.Connection, DemoResult]:
    store, result = build(tmp_path_factory.mktemp("demo") / "till.db",
                          progress=lambda *a: PROGRESS.append(a))
    yield store.conn, result
    store.close()


def rows(conn: sqlite3.Connection, sql: str, *args) -> list[tuple]:
    return conn.execute(sql, args).fetchall()


# -- catalogue ----------------------------------------------------------------------------------
def test_counts_match_the_result(demo):
    conn, result = demo
    assert result.products == PRODUCTS == rows(conn, "SELECT count(*) FROM products")[0][0]
    assert result.barcodes == rows(conn, "SELECT count(*) FROM barcodes")[0][0]
    assert result.members == MEMBERS == rows(conn, "SELECT count(*) FROM members")[0][0]
    assert result.weighed == rows(conn, "SELECT count(*) FROM products WHERE measure = 'g'")[0][0]
    assert rows(conn, "SELECT count(*) FROM stock_levels")[0][0] == PRODUCTS


def test_every_barcode_is_a_valid_ean13_upca_or_ean8_and_keys_are_gtin14_values(demo):
    conn, _ = demo
    lengths = {8: 0, 12: 0, 13: 0}
    for (key,) in rows(conn, "SELECT gtin FROM barcodes"):
        code = gtin_text(key)
        assert is_valid_gtin(code), code
        assert gtin_key(code) == key
        lengths[len(code)] += 1
        if len(code) == 13:
            assert code[:3] in {f"69{d}" for d in range(10)}, code
        if len(code) == 8:
            assert code.startswith("69")
    assert all(lengths.values()), lengths  # all three kinds exist
    assert lengths[13] > 5 * (lengths[12] + lengths[8])  # mostly Chinese EAN-13


def test_about_30_percent_of_packaged_items_have_two_or_three_barcodes(demo):
    conn, _ = demo
    per_product = dict(rows(conn, "SELECT product_id, count(*) FROM barcodes GROUP BY 1"))
    each = [pid for (pid,) in rows(conn, "SELECT id FROM products WHERE measure = 'each'")]
    assert all(pid in per_product for pid in each)  # every packaged item can be scanned
    counts = [per_product[pid] for pid in each]
    assert max(counts) == 3
    share = sum(1 for n in counts if n > 1) / len(counts)
    assert 0.2 < share < 0.4, share


def test_at_least_three_tax_rates_and_products_use_known_ones(demo):
    conn, _ = demo
    rates = dict(rows(conn, "SELECT code, rate_ppm FROM tax_rates"))
    assert len(rates) >= 3
    assert rates["VAT13"] == 130_000 and rates["VAT9"] == 90_000
    assert all(zh and en for zh, en in rows(conn, "SELECT name_zh, name_en FROM tax_rates"))
    used = {code for (code,) in rows(conn, "SELECT DISTINCT tax_code FROM products")}
    assert used <= set(rates)
    assert len(used) >= 3


def test_categories_are_bilingual_and_every_product_has_one(demo):
    conn, _ = demo
    cats = dict(rows(conn, "SELECT code, name_zh FROM categories"))
    assert len(cats) >= 10
    assert all(CJK.search(zh) for zh in cats.values())
    used = {c for (c,) in rows(conn, "SELECT DISTINCT category FROM products")}
    assert used <= set(cats)


def test_weighed_produce_has_a_plu_and_gram_measure(demo):
    conn, result = demo
    weighed = rows(conn, "SELECT plu, category, tax_code FROM products WHERE measure = 'g'")
    assert result.weighed == len(weighed) > 0
    plus = [plu for plu, _, _ in weighed]
    assert all(plu and len(plu) == 5 and plu.isdigit() for plu in plus)
    assert len(set(plus)) == len(plus)
    assert {cat for _, cat, _ in weighed} <= {"FR", "VG", "MT", "SF"}
    assert rows(conn, "SELECT count(*) FROM products WHERE measure = 'each' AND plu IS NOT NULL"
                ) == [(0,)]
    assert rows(conn, "SELECT count(*) FROM barcodes b JOIN products p ON p.id = b.product_id "
                      "WHERE p.measure = 'g'") == [(0,)]  # sold by scale label, not a GTIN


def test_names_are_bilingual(demo):
    conn, _ = demo
    names = rows(conn, "SELECT name_zh, name_en FROM products")
    for zh, en in names:
        assert CJK.search(zh), zh
        assert en and en.isascii(), en
    assert len({zh for zh, _ in names}) >= len(names) - 1  # names do not repeat at this size
    assert any("牛奶" in zh for zh, _ in names[1:])
    assert any("Milk" in en for _, en in names[1:])


def test_the_readme_barcode_is_yili_milk(demo):
    conn, result = demo
    found = rows(conn, "SELECT p.name_zh, p.name_en, p.measure FROM barcodes b "
                       "JOIN products p ON p.id = b.product_id WHERE b.gtin = ?",
                 gtin_key(SAMPLE_EAN13))
    assert found == [("伊利 纯牛奶 250ml", "Yili Pure Milk 250ml", "each")]
    assert result.sample_barcodes[0] == SAMPLE_EAN13


def test_prices_in_fen_retail_list_with_some_future_prices(demo):
    conn, _ = demo
    base = rows(conn, "SELECT product_id, amount FROM prices WHERE valid_from = 0")
    assert len(base) == PRODUCTS == len({pid for pid, _ in base})
    assert all(isinstance(a, int) and a > 0 for _, a in base)
    assert rows(conn, "SELECT DISTINCT price_list FROM prices") == [("retail",)]
    assert rows(conn, "SELECT count(*) FROM prices WHERE valid_from = 0 AND valid_to IS NOT NULL"
                ) == [(0,)]
    future = rows(conn, "SELECT valid_from, valid_to FROM prices WHERE valid_from > 0")
    now_ts = int(NOW.timestamp())
    assert 0 < len(future) < PRODUCTS // 20  # about 1%
    assert all(now_ts < start <= now_ts + 29 * 86_400 for start, _ in future)
    assert all(end is None or end == start + 7 * 86_400 for start, end in future)


def test_services_and_gift_cards_are_listed_once_at_their_list_price(demo):
    conn, _ = demo
    cards = rows(conn, "SELECT p.name_en, p.tax_code, r.amount, "
                       "(SELECT count(*) FROM barcodes b WHERE b.product_id = p.id) "
                       "FROM products p JOIN prices r ON r.product_id = p.id "
                       "WHERE p.name_zh LIKE '购物卡%' ORDER BY r.amount")
    assert cards == [("Gift Card 100 Yuan", "ZERO", 10_000, 1),
                     ("Gift Card 200 Yuan", "ZERO", 20_000, 1),
                     ("Gift Card 500 Yuan", "ZERO", 50_000, 1)]
    assert rows(conn, "SELECT tax_code, amount FROM products p JOIN prices r "
                      "ON r.product_id = p.id WHERE p.name_zh = '礼品包装'") == [("VAT6", 500)]


def test_the_gift_cards_and_only_they_are_not_discountable(demo):
    conn, _ = demo
    assert rows(conn, "SELECT name_en FROM products WHERE discountable = 0 ORDER BY id") == [
        ("Gift Card 100 Yuan",), ("Gift Card 200 Yuan",), ("Gift Card 500 Yuan",)]


def test_members_have_numbers_masked_chinese_names_and_hashed_mobile_phones(demo):
    conn, _ = demo
    members = rows(conn, "SELECT member_no, name_masked, phone_hash, phone_last4, tier, points "
                         "FROM members")
    assert len({m[0] for m in members}) == MEMBERS
    assert len({m[2] for m in members}) == MEMBERS
    for _, name, digest, last4, tier, points in members:
        assert CJK.fullmatch(name[0]) and name[1:] == "**"
        assert re.fullmatch(r"[0-9a-f]{64}", digest) and re.fullmatch(r"\d{4}", last4)
        assert tier in {"standard", "silver", "gold", "platinum"}
        assert points >= 0


def test_a_demo_member_is_found_by_its_phone_with_the_demo_key(demo):
    """The generator's phones (the central's demo has them whole) hash with the published demo
    key to what the till keeps."""
    conn, _ = demo
    chunks = demo_rows(demo_document, PRODUCTS, MEMBERS, 42, NOW)  # as the fixture's store
    members = [r for table, _, part in chunks if table == "members" for r in part]
    (_, no, _, phone, _, _) = members[123]
    assert re.fullmatch(r"1[358]\d{9}", phone), phone
    digest = DEMO_MEMBER_KEYS.digest(phone)
    assert rows(conn, "SELECT member_no FROM members WHERE phone_hash = ?", digest) == [(no,)]


def test_store_settings_are_the_defaults(demo):
    conn, _ = demo
    settings = load_settings(conn)
    assert settings == StoreSettings()
    assert settings.store_name_zh == "示范门店"


def test_search_finds_milk_in_chinese_and_english(demo):
    conn, _ = demo

    def match(query: str) -> set[int]:
        return {r for (r,) in rows(conn, "SELECT rowid FROM product_search "
                                         "WHERE product_search MATCH ?", query)}

    zh = match('"牛 奶"')
    assert 1 in zh and len(zh) > 5
    en = match(fts_query("milk") or "")
    assert 1 in en and len(en) > 5
    assert match(fts_query("伊利 250ml") or "") >= {1}


def test_search_rows_are_exactly_search_text_of_each_product():
    # A contentless FTS5 row can only be deleted by repeating its text: it must be the same
    # function of the product that a sync will use.
    products: dict[int, tuple] = {}
    texts: dict[int, str] = {}
    for table, columns, chunk in demo_rows(demo_document, 500, 0, 3, NOW):
        if table == "products":
            assert columns[:4] == ("id", "sku", "name_zh", "name_en") and columns[5] == "brand"
            products.update((r[0], r) for r in chunk)
        elif table == "product_search":
            texts.update(chunk)
    assert set(texts) == set(products)
    for pid, row in products.items():
        assert texts[pid] == search_text(row[2], row[3], row[5]), row


def test_sample_barcodes_cover_ean13_upca_ean8_and_a_scale_label(demo):
    conn, result = demo
    ean13, upca, ean8, label = result.sample_barcodes
    assert (len(ean13), len(upca), len(ean8)) == (13, 12, 8)
    for code in (ean13, upca, ean8):
        assert rows(conn, "SELECT 1 FROM barcodes WHERE gtin = ?", gtin_key(code)) == [(1,)]
    rule = match_scale_rule(label, DEFAULT_SCALE_RULES)
    assert rule is not None
    plu, grams = rule.parse(label)
    assert grams > 0
    assert rows(conn, "SELECT measure FROM products WHERE plu = ?", plu) == [("g",)]


# -- staff --------------------------------------------------------------------------------------
def test_staff_pins_given_verify_and_only_hashes_are_stored(demo):
    conn, result = demo
    assert {s.staff_id for s in result.staff} >= {1001, 1002, 2001, 3001}
    stored = dict(rows(conn, "SELECT id, pin_hash FROM staff"))
    roles = dict(rows(conn, "SELECT id, role FROM staff"))
    for s in result.staff:
        assert s.pin == PINS[s.staff_id]
        assert verify_pin(stored[s.staff_id], s.pin)
        assert s.pin not in stored[s.staff_id]
        assert roles[s.staff_id] == s.role
        assert CJK.search(s.name)
    assert {roles[1001], roles[1002], roles[2001], roles[3001]} == {
        "cashier", "supervisor", "manager"}


def test_pins_not_given_are_random_digits_that_verify(tmp_path):
    store, result = build(tmp_path / "t.db", products=20, members=0, pins={1001: "4321"})
    with store:
        stored = dict(store.conn.execute("SELECT id, pin_hash FROM staff"))
        pins = {s.staff_id: s.pin for s in result.staff}
        assert pins[1001] == "4321"
        for sid, pin in pins.items():
            assert pin.isdigit() and 4 <= len(pin) <= 6
            assert verify_pin(stored[sid], pin)


@pytest.mark.parametrize("pins", [{1001: "12a4"}, {1001: "123"}, {1001: "1234567"}, {42: "1234"}])
def test_bad_pins_are_refused_before_anything_is_written(tmp_path, pins):
    store = Store.open(tmp_path / "t.db")
    with store, pytest.raises(InvalidInput):
        build_demo_store(store, demo_document, products=10, members=0, seed=1, now=NOW, pins=pins)
    with Store.open(tmp_path / "t.db") as again:
        assert again.conn.execute("SELECT count(*) FROM products").fetchone() == (0,)


# -- the load itself ----------------------------------------------------------------------------
def test_progress_is_reported_per_stage_up_to_its_total(demo):
    calls = PROGRESS
    stages = [c[0] for c in calls]
    assert {"products", "members", "indexes"} <= set(stages)
    for stage, total in (("products", PRODUCTS), ("members", MEMBERS)):
        done = [d for s, d, t in calls if s == stage]
        assert done == sorted(done) and done[-1] == total
        assert all(t == total for s, _, t in calls if s == stage)


def test_indexes_are_recreated_as_the_migration_defines_them_and_pragmas_restored(
        demo, tmp_path):
    conn, _ = demo
    marks = ", ".join("?" * len(BULK_INDEXES))
    sql = f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN ({marks})"
    with Store.open(tmp_path / "fresh.db") as fresh:
        expected = sorted(fresh.conn.execute(sql, BULK_INDEXES).fetchall())
    assert len(expected) == len(BULK_INDEXES)
    assert sorted(conn.execute(sql, BULK_INDEXES).fetchall()) == expected
    assert conn.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL
    assert conn.execute("PRAGMA foreign_keys").fetchone() == (1,)
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    config = dict(conn.execute("SELECT k, v FROM product_search_config"))
    assert config.get("hashsize", 1024 * 1024) == 1024 * 1024  # FTS5 defaults are back


def test_a_database_with_products_is_refused_and_left_unchanged(tmp_path):
    store = Store.open(tmp_path / "t.db")
    with store.write() as c:
        c.execute("INSERT INTO tax_rates (code, rate_ppm) VALUES ('VAT13', 130000)")
        c.execute("INSERT INTO products (id, sku, name_zh, name_en, measure, tax_code) "
                  "VALUES (7, 'A7', '旧商品', 'Old Item', 'each', 'VAT13')")

    def snapshot() -> list:
        out = []
        for (table,) in store.conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                "'product_search%' ORDER BY name"):
            out.append((table, store.conn.execute(f"SELECT * FROM {table}").fetchall()))
        out.append(store.conn.execute("SELECT name, sql FROM sqlite_master ORDER BY name")
                   .fetchall())
        return out

    before = snapshot()
    with pytest.raises(InvalidInput, match="new, empty database") as err:
        build_demo_store(store, demo_document, products=50, members=5, seed=1, now=NOW, pins=PINS)
    assert "products" in err.value.details["tables"]
    assert snapshot() == before
    assert store.conn.execute("PRAGMA synchronous").fetchone() == (2,)
    assert not store.conn.in_transaction
    store.close()


def test_building_twice_is_refused(tmp_path):
    store, _ = build(tmp_path / "t.db", products=30, members=3)
    with store, pytest.raises(InvalidInput):
        build_demo_store(store, demo_document, products=30, members=3, seed=42, now=NOW, pins=PINS)


def test_same_seed_same_catalogue_other_seed_other_catalogue(tmp_path):
    def catalogue(name: str, seed: int) -> list:
        store, _ = build(tmp_path / name, products=400, members=50, seed=seed)
        with store:
            return [store.conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()
                    for t in ("products", "barcodes", "prices", "stock_levels", "members")]

    first = catalogue("a.db", 11)
    assert catalogue("b.db", 11) == first
    assert catalogue("c.db", 12) != first


def test_chunking_does_not_change_the_rows():
    def collect(chunk_size: int) -> dict[str, list]:
        out: dict[str, list] = {}
        for table, _, chunk in demo_rows(demo_document, 1_234, 77, 5, NOW, chunk_size=chunk_size):
            out.setdefault(table, []).extend(chunk)
        return out

    small, large = collect(100), collect(50_000)
    assert {t: sorted(r) for t, r in small.items()} == {t: sorted(r) for t, r in large.items()}
    assert len(small["products"]) == 1_234 and len(small["members"]) == 77


def test_a_one_product_store_is_just_the_milk(tmp_path):
    store, result = build(tmp_path / "t.db", products=1, members=0)
    with store:
        assert result.products == 1 and result.members == 0 and result.weighed == 0
        assert result.sample_barcodes == (SAMPLE_EAN13,)
        assert store.conn.execute("SELECT name_zh FROM products").fetchall() == [
            ("伊利 纯牛奶 250ml",)]


def test_vocabulary_is_large_enough_for_varied_names():
    vocab = vocabulary(demo_document)
    assert vocab.total > 300_000  # brand x type x size combinations before a name repeats
    assert {sid for sid, _, _ in DEMO_STAFF} >= {1001, 1002, 2001, 3001}


@pytest.mark.parametrize(("products", "members", "seed", "chunk_size", "digest"), [
    (3_000, 300, 42, 50_000, "e58431d1d4987caf90f45ec67cf53598f52591053b05ee589fa2b5181e1c352b"),
    (3_000, 300, 42, 700, "74c9b70b2f0ce06f21fe121b1dd6bc10b64d90feda1cad78ac1aa4266099af92"),
    (1, 0, 1, 50_000, "4908957b888fea3889bb114f26cc425b4b8b88a83c09fa7fc9ed3782327c1f11"),
    (5_000, 1_000, 7, 1_000, "b27786ce32f5a5ec22681f0926cd873967265c0a60da40f8675da9819f2bb16c"),
])
def test_a_seed_gives_the_rows_it_always_gave(products, members, seed, chunk_size, digest):
    # The digests were taken from the generator before it moved to posclient/domain: a seed
    # is a store (README hints, the benchmark's stores, the central's demo-data).
    h = hashlib.sha256()
    for chunk in demo_rows(demo_document, products, members, seed, NOW, chunk_size=chunk_size):
        h.update(repr(chunk).encode())
    assert h.hexdigest() == digest
