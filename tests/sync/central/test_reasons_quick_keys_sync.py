"""Reason codes (the chain's) and quick keys (a store's) set at the central reach the tills:
imported by the CLI's importer or written by the admin API, they arrive in the snapshot of a
first start and in the change feed after it; every store's tills get every reason code, only
its own store's tills get a quick key; a deleted product takes its quick keys with it."""

from __future__ import annotations

import json
from pathlib import Path

from central_kit import APPLE, BREAD, GUM, MILK, enrolled_till

from posclient.store.db import Store
from sync.central.importers import import_file


class Till:
    def __init__(self, shop, path: Path, store_id: str) -> None:
        self.path = path
        self.engine = enrolled_till(shop, path, store_id)

    def rows(self, sql: str) -> list[tuple]:
        with Store.open(self.path) as store:
            return store.conn.execute(sql).fetchall()

    def reasons(self) -> list[tuple]:
        return self.rows("SELECT code, kind, name_zh, name_en, active, sort FROM reason_codes "
                         "ORDER BY code")

    def tiles(self) -> list[tuple]:
        return self.rows("SELECT id, product_id, category_zh, label_en, position FROM quick_keys "
                         "ORDER BY id")


REASONS = [
    {"code": "DMG", "kind": "discount", "name_zh": "包装破损", "name_en": "Damaged packaging",
     "sort": 1},
    {"code": "PM", "kind": "price_override", "name_zh": "价签不符", "name_en": "Shelf price"},
    {"code": "CHG", "kind": "no_sale", "name_zh": "换零钱", "name_en": "Change for the float"},
]


def test_reason_codes_and_quick_keys_reach_their_tills_by_snapshot_and_feed(shop, tmp_path):
    (tmp_path / "reasons.json").write_text(json.dumps(REASONS, ensure_ascii=False), "utf-8")
    report = import_file(shop.engine, tmp_path / "reasons.json", "reason_codes",
                         now=shop.clock.now)
    assert (report.loaded, report.rejected) == (3, [])
    (tmp_path / "keys.csv").write_text(
        "id,store_id,product_id,category_zh,category_en,label_zh,label_en,position\n"
        f"1,S1,{APPLE},水果,Fruit,苹果,Apples,1\n"
        f"2,S1,{BREAD},面包,Bakery,,,2\n"
        f"3,S2,{GUM},收银台,Counter,,Gum,1\n", "utf-8")
    assert import_file(shop.engine, tmp_path / "keys.csv", "quick_key",
                       now=shop.clock.now).rejected == []
    s1, s2 = Till(shop, tmp_path / "s1.db", "S1"), Till(shop, tmp_path / "s2.db", "S2")
    assert s1.engine.run_once().bootstrapped and s2.engine.run_once().bootstrapped
    expected = [("CHG", "no_sale", "换零钱", "Change for the float", 1, 0),
                ("DMG", "discount", "包装破损", "Damaged packaging", 1, 1),
                ("PM", "price_override", "价签不符", "Shelf price", 1, 0)]
    assert s1.reasons() == expected and s2.reasons() == expected
    assert s1.tiles() == [(1, APPLE, "水果", "Apples", 1), (2, BREAD, "面包", "", 2)]
    assert s2.tiles() == [(3, GUM, "收银台", "Gum", 1)]  # not S1's

    # Later, through the admin API: a reason retired, one added, a tile for S2, S1's moved.
    shop.put("reason_code", [{**REASONS[0], "active": False},
                             {"code": "VOIDMIS", "kind": "void", "name_zh": "扫错",
                              "name_en": "Scanned by mistake"}])
    shop.put("quick_key", [{"id": 4, "store_id": "S2", "product_id": MILK,
                            "category_zh": "奶", "label_en": "Milk"},
                           {"id": 2, "store_id": "S1", "product_id": BREAD,
                            "category_zh": "面包", "label_en": "Bread", "position": 3}])
    assert not s1.engine.run_once().bootstrapped  # the feed this time
    assert not s2.engine.run_once().bootstrapped
    assert s1.reasons()[1] == ("DMG", "discount", "包装破损", "Damaged packaging", 0, 1)
    assert s1.reasons()[-1][:2] == ("VOIDMIS", "void") and s2.reasons() == s1.reasons()
    assert s1.tiles() == [(1, APPLE, "水果", "Apples", 1), (2, BREAD, "面包", "Bread", 3)]
    assert s2.tiles() == [(3, GUM, "收银台", "Gum", 1), (4, MILK, "奶", "Milk", 0)]

    # A tile moved to another store leaves the first; a deleted product takes its tiles.
    shop.put("quick_key", [{"id": 1, "store_id": "S2", "product_id": APPLE,
                            "category_zh": "水果"}])
    shop.put("product", [], delete=(str(GUM),))
    shop.put("reason_code", [], delete=("PM",))
    s1.engine.run_once()
    s2.engine.run_once()
    assert [t[0] for t in s1.tiles()] == [2]
    assert [t[0] for t in s2.tiles()] == [1, 4]
    assert "PM" not in [r[0] for r in s1.reasons()]


def test_a_quick_key_naming_no_product_or_no_store_is_refused(shop):
    body = shop.admin_post("/entities/quick_key", {"records": [
        {"id": 1, "store_id": "S1", "product_id": 999, "category_zh": "水果"},
        {"id": 2, "store_id": "S9", "product_id": MILK, "category_zh": "奶"}]}, expect=422)
    reasons = " ".join(json.dumps(body, ensure_ascii=False).split())
    assert "no such product" in reasons and "no store 'S9'" in reasons
    bad = shop.admin_post("/entities/reason_code", {"records": [
        {"code": "X", "kind": "refund", "name_zh": "x"}]}, expect=422)
    assert "kind" in json.dumps(bad)


def test_a_new_snapshot_removes_the_reasons_and_tiles_the_central_no_longer_has(shop, tmp_path):
    from sync.central import feed

    shop.put("reason_code", REASONS)
    shop.put("quick_key", [{"id": 1, "store_id": "S1", "product_id": APPLE,
                            "category_zh": "水果"},
                           {"id": 2, "store_id": "S1", "product_id": BREAD,
                            "category_zh": "面包"}])
    till = Till(shop, tmp_path / "s1.db", "S1")
    assert till.engine.run_once().bootstrapped
    assert len(till.reasons()) == 3 and len(till.tiles()) == 2
    # Offline for a while: a reason and a tile go, and the feed is pruned past the till.
    shop.put("reason_code", [], delete=("PM",))
    shop.put("quick_key", [], delete=("2",))
    with shop.engine.connect() as conn:
        last = feed.feed_state(conn).last_seq
    shop.admin_post("/prune", {"before_seq": last + 1})
    assert till.engine.run_once().bootstrapped  # 410 Gone: a new snapshot, the careful path
    assert [r[0] for r in till.reasons()] == ["CHG", "DMG"]
    assert [t[0] for t in till.tiles()] == [1]


def test_the_central_demo_store_sends_its_tills_reasons_and_quick_keys(central, tmp_path):
    from sync.central.demo import load_demo

    load_demo(central.engine, products=2000, members=0, now=central.clock.now, seed=7)
    till = Till(central, tmp_path / "demo.db", "S001")
    assert till.engine.run_once().bootstrapped
    kinds = {r[1] for r in till.reasons()}
    assert kinds == {"discount", "price_override", "void", "no_sale", "return"}
    tabs = {t[2] for t in till.tiles()}
    assert tabs == {"水果", "蔬菜", "面包", "袋子"}
    weighed = till.rows("SELECT count(*) FROM quick_keys q JOIN products p ON p.id = "
                        "q.product_id WHERE q.category_zh = '水果' AND p.measure = 'g'")
    assert weighed[0][0] == len([t for t in till.tiles() if t[2] == "水果"]) > 0
