"""Promotions through the real central (SQLite and PostgreSQL): the web shop's price of a basket
equals the till's, computed from the till's own copy of the feed; coupons are single use; the
import reports bad rows by line."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from zoneinfo import ZoneInfo

from central_kit import APPLE, BREAD, GUM, MILK, PRODUCTS, RICE, sale_event
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from posclient.domain.cart import Measure
from posclient.domain.promotions import BasketLine, PricingContext, line_taxes
from posclient.store.catalog import Catalog
from posclient.store.db import Store
from posclient.store.promotions import PromotionReader
from sync.apply import Applier
from sync.central.importers import import_file
from sync.protocol import validate_page

ZONE = ZoneInfo("Asia/Shanghai")
AT = datetime(2026, 11, 23, 18, 30, tzinfo=ZONE)  # a Monday evening
CATEGORY = {MILK: "dairy", BREAD: "bakery", APPLE: "fruit", RICE: "grain", GUM: "snacks"}
BRAND = {MILK: "yili", RICE: "wuchang", GUM: "wrigley"}
SKU = {pid: str(100000 + pid) for pid in CATEGORY}

PROMOTIONS = [
    {"id": "MILK-B2G1", "kind": "buy_x_get_y", "product_ids": [MILK], "buy_qty": 2,
     "get_qty": 1},
    {"id": "DAIRY15", "kind": "percent_off", "categories": ["dairy"], "percent_bp": 1500,
     "stackable": True, "priority": 5},
    {"id": "ANY3", "kind": "mix_and_match", "product_ids": [BREAD, GUM], "bundle_qty": 3,
     "bundle_price": 500},
    {"id": "APPLE-KG", "kind": "amount_off", "product_ids": [APPLE], "amount": 50,
     "days": [1, 2, 3]},
    {"id": "HAPPY", "kind": "percent_off", "brands": ["wrigley"], "percent_bp": 3000,
     "hour_from": "17:00", "hour_to": "19:00"},
    {"id": "GOLD", "kind": "percent_off", "percent_bp": 500, "tiers": ["gold"],
     "stackable": True},
    {"id": "SPEND20", "kind": "spend_get_off", "min_spend": 2000, "amount": 300,
     "stackable": True},
    {"id": "S2ONLY", "kind": "percent_off", "percent_bp": 9000, "store_ids": ["S2"],
     "exclusive": True},
    {"id": "RICE-CPN", "kind": "amount_off", "product_ids": [RICE], "amount": 150,
     "coupon_code": "RICE15"},
    {"id": "EXCL", "kind": "percent_off", "product_ids": [RICE], "percent_bp": 4000,
     "exclusive": True, "member_only": True},
]


def setup_shop(shop):
    """The kit's products with categories and brands, a gold price for milk, the promotions."""
    shop.put("product", [{**p, "category": CATEGORY[p["id"]], "brand": BRAND.get(p["id"], "")}
                         for p in PRODUCTS])
    shop.put("price", [{"id": 100 + MILK, "product_id": MILK, "price_list": "gold",
                        "amount": 90}])
    out = shop.put("promotion", PROMOTIONS)
    assert out["rejected"] == [] and out["upserted"] == len(PROMOTIONS)


def till_copy(shop, tmp_path) -> tuple[Store, object]:
    """A till of S1 with its own copy of the feed, applied as the sync engine applies it."""
    till = shop.enrol("S1")
    store = Store.open(tmp_path / "till.db")
    after = 0
    while True:
        r = till.get("/v1/changes", after=after, limit=5000)
        assert r.status_code == 200, r.text
        page, records = validate_page(r.json())
        with store.write() as conn:
            Applier(conn, "S1").apply((c.entity, c.op, c.key, d) for c, d in records)
        after = page.next_after
        if not page.has_more:
            return store, till


def till_price(conn: sqlite3.Connection, body: dict) -> dict:
    """What the till's data path gives: its catalogue, its price lists, its promotions."""
    cat = Catalog(conn)
    at = datetime.fromisoformat(body["at"]).astimezone(ZONE)
    tier = body.get("member_tier")
    rates = {code: r.rate_ppm for code, r in cat.tax_rates().items()}
    lines = []
    for n, ln in enumerate(body["lines"], start=1):
        p = cat.by_sku(ln["sku"])
        t = int(at.timestamp())
        # the till's rule: a tier price, except for a product that is not discountable
        price = ((cat.price_at(p.id, t, tier) if tier and p.discountable else None)
                 or cat.price_at(p.id, t))
        lines.append(BasketLine(line_id=n, product_id=p.id, unit_price=price, qty=ln["qty"],
                                measure=Measure(p.measure), category=p.category,
                                brand=p.brand, tax_code=p.tax_code,
                                tax_rate_ppm=rates[p.tax_code], discountable=p.discountable))
    result = PromotionReader(conn, "S1").price(
        lines, PricingContext(at=at, store_id="S1", member_tier=tier,
                              coupons=frozenset(body.get("coupons", []))))
    taxes = line_taxes(result, lines, inclusive=True)
    return {"lines": [(lp.line_id, lp.gross, lp.promotion_discount, lp.total)
                      for lp in result.lines],
            "applied": [(a.promotion_id, a.saved) for a in result.applied],
            "taxes": [(t.code, t.net, t.tax) for t in taxes], "total": result.total}


def web_price(shop, body: dict) -> dict:
    r = shop.http.post("/v1/price-basket", json=body, headers=shop.admin)
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["total"] == got["subtotal"] - got["discount_total"]  # tax-inclusive store
    return {"lines": [(ln["line_id"], ln["gross"], ln["discount"], ln["total"])
                      for ln in got["lines"]],
            "applied": [(a["promotion_id"], a["saved"]) for a in got["applied"]],
            "taxes": [(t["code"], t["net"], t["tax"]) for t in got["taxes"]],
            "total": got["total"]}


BASKET = st.lists(st.tuples(st.sampled_from(sorted(CATEGORY)), st.integers(1, 5)),
                  min_size=1, max_size=6)


def test_the_web_shop_and_the_till_price_a_basket_the_same(shop, tmp_path):
    setup_shop(shop)
    store, _ = till_copy(shop, tmp_path)
    assert len(PromotionReader(store.conn, "S1").book()) == len(PROMOTIONS) - 1  # not S2's

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(BASKET, st.sampled_from([None, "gold", "silver"]), st.booleans(),
           st.sampled_from([AT, AT.replace(hour=12), AT.replace(day=28)]))
    def same(items, tier, coupon, at):
        body = {"store_id": "S1", "at": at.isoformat(), "member_tier": tier,
                "coupons": ["rice15"] if coupon else [],
                "lines": [{"sku": SKU[pid], "qty": qty * (250 if pid == APPLE else 1)}
                          for pid, qty in items]}
        assert web_price(shop, body) == till_price(store.conn, body)

    try:
        same()
    finally:
        store.close()


def test_a_known_basket_and_its_member_prices(shop):
    setup_shop(shop)
    body = {"store_id": "S1", "at": AT.isoformat(), "member_tier": "gold",
            "lines": [{"sku": SKU[MILK], "qty": 3}, {"sku": SKU[GUM], "qty": 1}]}
    got = shop.http.post("/v1/price-basket", json=body, headers=shop.admin).json()
    milk, gum = got["lines"]
    assert (milk["price_list"], milk["unit_price"], milk["gross"]) == ("gold", 90, 270)
    assert (gum["price_list"], gum["unit_price"]) == ("retail", 500)
    # Milk: 2+1 (90 off) competes with 15% dairy; the stackable ones go together (GOLD 5%).
    assert {a["promotion_id"] for a in got["applied"]} >= {"HAPPY"}
    assert got["total"] == sum(ln["total"] for ln in got["lines"])
    assert got["tax_total"] == sum(t["tax"] for t in got["taxes"])


def test_price_basket_needs_a_token_and_a_till_prices_its_own_store_only(shop):
    setup_shop(shop)
    body = {"store_id": "S1", "lines": [{"sku": SKU[MILK], "qty": 1}]}
    assert shop.http.post("/v1/price-basket", json=body).status_code == 401
    s2 = shop.enrol("S2")
    r = shop.http.post("/v1/price-basket", json=body, headers=s2.auth)
    assert (r.status_code, r.json()["error"]) == (403, "other_store")
    s1 = shop.enrol("S1")
    assert shop.http.post("/v1/price-basket", json=body, headers=s1.auth).status_code == 200
    bad = {"store_id": "S1", "lines": [{"sku": "nope", "qty": 1}]}
    r = shop.http.post("/v1/price-basket", json=bad, headers=shop.admin)
    assert (r.status_code, r.json()["error"]) == (404, "product_unknown")


def test_a_coupon_is_used_once_and_a_second_use_offline_is_filed(shop):
    setup_shop(shop)
    t1, t2 = shop.enrol("S1", "t1"), shop.enrol("S1", "t2")

    def redeem(till, code, receipt):
        return shop.http.post(f"/v1/coupons/{code}/redeem", json={"receipt_no": receipt},
                              headers=till.auth)

    assert redeem(t1, "NOPE", "R1").json()["error"] == "coupon_unknown"
    first = redeem(t1, "rice 15", "S1-T01-000001")
    assert first.status_code == 200 and first.json()["code"] == "RICE15"
    assert redeem(t1, "RICE15", "S1-T01-000001").status_code == 200  # asking again
    taken = redeem(t2, "RICE15", "S1-T02-000001")
    assert (taken.status_code, taken.json()["error"]) == (409, "coupon_used")

    # The sale of t1 that redeemed it online: recorded, no exception.
    ok = sale_event("S1", 1, [(RICE, 1)], receipt_no="S1-T01-000001", coupons=["RICE15"])
    assert t1.send([ok]).json()["results"][0]["exceptions"] == []
    # t2 sold with the same coupon while offline: accepted, and filed for a manager.
    again = sale_event("S1", 1, [(RICE, 1)], receipt_no="S1-T02-000001", coupons=["rice15"])
    result = t2.send([again]).json()["results"][0]
    assert result["status"] == "accepted"
    assert result["exceptions"] == ["coupon_reused:RICE15"]
    assert t2.send([again]).json()["results"][0]["status"] == "duplicate"
    filed = shop.http.get("/v1/admin/exceptions", headers=shop.admin).json()
    assert [e["kind"] for e in filed if e["kind"].startswith("coupon")] == ["coupon_reused"]


def test_promotions_import_from_csv_and_json_with_bad_rows_by_line(shop, tmp_path):
    csv_file = tmp_path / "promotions.csv"
    csv_file.write_text(
        "id,name_zh,name_en,kind,categories,percent_bp,days,hour_from,hour_to,store_ids\n"
        "P1,周末九折,Weekend 10% off,percent_off,dairy;bakery,1000,6;7,,,S1|S2\n"
        "P2,坏的,Bad,percent_off,dairy,0,,,,\n"
        "P3,晚市,Evening,percent_off,,2000,,17:00,25:00,\n"
        "P4,晚市,Evening,percent_off,,2000,,17:00,19:00,\n", encoding="utf-8")
    report = import_file(shop.engine, csv_file, "promotion", now=shop.clock.now, partial=True)
    assert report.loaded == 2
    assert [(e.ref, "percent_off needs percent_bp" in e.text() or "hour_to" in e.text())
            for e in report.rejected] == [(3, True), (4, True)]
    json_file = tmp_path / "promotions.json"
    json_file.write_text('[{"id": "J1", "kind": "spend_get_off", "min_spend": 10000,\n'
                         '  "amount": 1000, "coupon_code": "p1-code"},\n'
                         ' {"id": "J2", "kind": "amount_off", "amount": 10,\n'
                         '  "coupon_code": " p1-CODE"}]', encoding="utf-8")
    report = import_file(shop.engine, json_file, "promotion", now=shop.clock.now, partial=True)
    assert report.loaded == 1
    assert [(e.ref, e.reason) for e in report.rejected] == [
        (3, "coupon code 'P1-CODE' is also given to promotion J1 (line 1)")]
    till = shop.enrol("S1")
    feed = till.get("/v1/changes", after=0, limit=5000).json()["changes"]
    got = {c["key"]: c["data"] for c in feed if c["entity"] == "promotion"}
    assert set(got) == {"P1", "P4", "J1"}
    assert got["P1"]["days"] == [6, 7] and got["P1"]["store_ids"] == ["S1", "S2"]


def test_a_till_asks_whether_a_coupon_is_still_unused(shop):
    setup_shop(shop)
    t1 = shop.enrol("S1", "t1")
    fresh = t1.get("/v1/coupons/rice15")
    assert fresh.status_code == 200 and fresh.json()["used"] is False
    assert t1.get("/v1/coupons/NOPE").json()["error"] == "coupon_unknown"
    sold = sale_event("S1", 1, [(RICE, 1)], receipt_no="S1-T01-000009", coupons=["RICE15"])
    t1.send([sold])
    used = t1.get("/v1/coupons/RICE15").json()
    assert used["used"] is True and used["redemption"]["receipt_no"] == "S1-T01-000009"
