"""Availability (issue 18): what each store can still promise, on hand minus held minus safety,
per store or per group nearest first, with the age of the store's last upload; held follows
every write of a pick-up order. Real central over HTTP, SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from central_kit import BREAD, GUM, MILK, RICE, sale_event
from sqlalchemy import select
from stock_kit import ask, assert_held_invariant, line_at, pickup_order

from sync.central import cli, store_places
from sync.central.schema import stock_levels, stores

SHANGHAI = (31.2304, 121.4737)
SUZHOU = (31.2990, 120.5853)  # about 85 km west
HANGZHOU = (30.2741, 120.1551)  # about 165 km south-west


def place(shop, store_id, group, at=None):
    body = {"group": group} | ({} if at is None else {"latitude": at[0], "longitude": at[1]})
    return shop.admin_post(f"/stores/{store_id}/place", body)


def test_available_is_on_hand_minus_held_minus_safety_and_orders_hold_until_collected(shop):
    shop.admin_post("/orders", {"orders": [pickup_order("W1", lines=[("100001", 3)]),
                                           pickup_order("W2", lines=[("100001", 2)])]})
    shop.admin_post("/safety-stock", {"rules": [{"product_id": MILK, "qty": 5}]})
    answer = ask(shop, {"store_id": "S1", "lines": [{"sku": "100001", "qty": 90},
                                                    {"product_id": BREAD, "qty": 21}]})
    (store,) = answer["stores"]
    assert [(ln["line_id"], ln["sku"], ln["on_hand"], ln["held"], ln["safety"],
             ln["available"], ln["enough"]) for ln in store["lines"]] == [
        (1, "100001", 100, 5, 5, 90, True), (2, "100002", 20, 0, 0, 20, False)]
    assert store["complete"] is False and store["group"] == ""
    assert assert_held_invariant(shop) == {("S1", MILK): 5}

    w2 = pickup_order("W2", lines=[("100001", 2)], status="cancelled")
    shop.admin_post("/orders", {"orders": [w2]})  # a cancellation gives its units back
    moved = pickup_order("W1", store_id="S2", lines=[("100001", 3), ("100002", 1)])
    shop.admin_post("/orders", {"orders": [moved]})  # moved to S2, a line more
    assert assert_held_invariant(shop) == {("S2", MILK): 3, ("S2", BREAD): 1}
    assert line_at(ask(shop, {"store_id": "S1", "lines": [{"sku": "100001"}]}), "S1")[
        "held"] == 0


def test_a_held_level_the_store_has_no_row_for_is_created_with_nothing_on_hand(shop):
    shop.admin_post("/orders", {"orders": [pickup_order("W9", store_id="S2",
                                                        lines=[("100004", 2)])]})
    with shop.engine.connect() as conn:
        row = conn.execute(select(stock_levels.c.qty, stock_levels.c.held).where(
            stock_levels.c.store_id == "S2", stock_levels.c.product_id == RICE)).one()
    assert tuple(row) == (0, 2)
    line = line_at(ask(shop, {"store_id": "S2", "lines": [{"sku": "100004"}]}), "S2")
    assert (line["on_hand"], line["held"], line["available"]) == (0, 2, 0)
    feed = shop.enrol("S2").get("/v1/changes", after=0, limit=1000).json()["changes"]
    assert not [c for c in feed if c["entity"] == "stock_level" and c["key"].endswith(":4")]
    assert_held_invariant(shop)


def test_the_most_specific_safety_rule_wins(shop):
    shop.admin_post("/stores/S1/place", {"group": "east"})
    shop.put("product", [{"id": MILK, "sku": "100001", "name_zh": "奶", "measure": "each",
                          "tax_code": "VAT9", "category": "dairy"},
                         {"id": GUM, "sku": "100005", "name_zh": "糖", "measure": "each",
                          "tax_code": "VAT13", "category": "sweets"}])
    rules = [{"qty": 1}, {"store_id": "S1", "qty": 2},
             {"category": "dairy", "qty": 3}, {"category": "dairy", "store_id": "S1", "qty": 4},
             {"product_id": MILK, "qty": 5}]
    assert shop.admin_post("/safety-stock", {"rules": rules}) == {"written": 5, "removed": 0}

    def safety(store_id, sku):
        return line_at(ask(shop, {"store_id": store_id, "lines": [{"sku": sku}]}),
                       store_id)["safety"]

    assert [safety("S1", "100001"), safety("S2", "100001"), safety("S1", "100005"),
            safety("S2", "100005"), safety("S1", "100002")] == [5, 5, 2, 1, 2]
    shop.admin_post("/safety-stock", {"rules": [{"product_id": MILK, "store_id": "S1",
                                                 "qty": 0}]})
    assert safety("S1", "100001") == 0  # product@store beats product, even at 0
    shop.admin_post("/safety-stock", {"rules": [{"product_id": MILK, "store_id": "S1",
                                                 "qty": None}, {"product_id": MILK,
                                                                "qty": None}]})
    assert [safety("S1", "100001"), safety("S2", "100001")] == [4, 3]
    r = shop.http.post("/v1/admin/safety-stock", headers=shop.admin, json={
        "rules": [{"store_id": "NOPE", "qty": 1}]})
    assert (r.status_code, r.json()["error"]) == (422, "store_unknown")


def test_a_group_answers_nearest_first_and_a_till_gets_its_own_group(shop):
    shop.create_store("S3")
    shop.create_store("S4")
    place(shop, "S1", "east", SHANGHAI)
    place(shop, "S2", "east", HANGZHOU)
    place(shop, "S3", "east", SUZHOU)
    place(shop, "S4", "west")
    answer = ask(shop, {"group": "east", "near_store_id": "S1", "lines": [{"sku": "100001"}]})
    assert [s["store_id"] for s in answer["stores"]] == ["S1", "S3", "S2"]
    km = [s["distance_km"] for s in answer["stores"]]
    assert km[0] == 0 and 80 < km[1] < 90 and 155 < km[2] < 175
    assert store_places.distance_km(0, 0, 0, 180_000_000) == pytest.approx(20015.1, abs=1)

    till = shop.enrol("S2")
    mine = ask(shop, {"lines": [{"sku": "100002", "qty": 3}]}, headers=till.auth)
    assert [s["store_id"] for s in mine["stores"]] == ["S2", "S3", "S1"]
    enough = ask(shop, {"lines": [{"sku": "100002", "qty": 4}], "only_enough": True,
                        "max_stores": 1}, headers=till.auth)
    assert [s["store_id"] for s in enough["stores"]] == ["S1"]  # S2 has 3, S3 none
    other = ask(shop, {"store_id": "S4", "lines": [{"sku": "100002"}]}, headers=till.auth)
    assert [s["store_id"] for s in other["stores"]] == ["S4"]  # a till may ask any store

    by_id = ask(shop, {"group": "east", "lines": [{"sku": "100002"}]})
    assert [(s["store_id"], s["distance_km"]) for s in by_id["stores"]] == [
        ("S1", None), ("S2", None), ("S3", None)]


def test_the_last_upload_of_a_stores_tills_comes_with_its_age(shop):
    till = shop.enrol("S1")
    first = ask(shop, {"store_id": "S1", "lines": [{"sku": "100001"}]})["stores"][0]
    assert (first["last_upload_at"], first["upload_age_s"]) == (None, None)
    assert till.send([sale_event("S1", 1, [(MILK, 2)])]).status_code == 200
    shop.clock.advance(seconds=90)
    store = ask(shop, {"store_id": "S1", "lines": [{"sku": "100001"}]})["stores"][0]
    assert store["upload_age_s"] == 90 and store["lines"][0]["on_hand"] == 98


def test_unknown_products_stores_and_groups_are_named_and_a_channel_must_say_where(shop):
    def error(body, headers=None, status=404):
        return ask(shop, body, headers, expect=status)["error"]

    line = [{"sku": "100001"}]
    assert error({"store_id": "S1", "lines": [*line, {"sku": "999"}]}) == "product_unknown"
    r = shop.http.post("/v1/availability", headers=shop.admin,
                       json={"store_id": "S1", "lines": [{"sku": "999999"}]})
    assert "999999" in r.json()["detail"]
    assert error({"store_id": "S1", "lines": [{"product_id": 77}]}) == "product_unknown"
    assert error({"store_id": "NOPE", "lines": line}) == "store_unknown"
    assert error({"group": "nowhere", "lines": line}) == "group_unknown"
    assert error({"lines": line}, status=422) == "place_missing"
    assert error({"store_id": "S1", "group": "x", "lines": line}, status=422) == \
        "invalid_request"
    assert error({"store_id": "S1", "lines": [{"sku": "1", "line_id": 1},
                                              {"sku": "2", "line_id": 1}]},
                 status=422) == "line_id_repeated"
    assert shop.http.post("/v1/availability", json={"store_id": "S1", "lines": line}
                          ).status_code == 401


def test_create_store_and_store_set_give_a_store_its_group_and_position(central, capsys):
    url = ["--database", str(central.engine.url.render_as_string(hide_password=False))]
    assert cli.main([*url, "create-store", "S7", "--name-en", "Seven", "--group", "north",
                     "--lat", "31.23", "--lon", "121.47"]) == 0
    assert cli.main([*url, "store-set", "S7", "--group", "south"]) == 0
    with central.engine.connect() as conn:
        row = conn.execute(select(stores.c.group_id, stores.c.latitude_e6,
                                  stores.c.longitude_e6).where(stores.c.store_id == "S7")).one()
    assert tuple(row) == ("south", 31_230_000, 121_470_000)
    assert cli.main([*url, "store-set", "S7", "--lat", "30", "--lon", "120"]) == 0
    assert cli.main([*url, "store-set", "S7", "--lat", "95", "--lon", "120"]) == 1
    assert cli.main([*url, "store-set", "NOPE", "--group", "x"]) == 1
    r = central.http.post("/v1/admin/stores", headers=central.admin, json={
        "store_id": "S8", "name_en": "Eight", "group": "north", "latitude": 1.5,
        "longitude": 2.5})
    assert r.status_code == 201 and r.json()["group"] == "north"
    with central.engine.connect() as conn:
        rows = conn.execute(select(stores.c.store_id, stores.c.group_id, stores.c.latitude_e6)
                            .order_by(stores.c.store_id)).all()
    assert [tuple(r) for r in rows] == [("S7", "south", 30_000_000),
                                        ("S8", "north", 1_500_000)]
