"""A product the central marks not discountable (a gift card) through the real central (SQLite
and PostgreSQL): imported with ``discountable`` false, it reaches a till by the snapshot (bulk and
careful paths) and by the feed, where no sale discount, promotion or member price ever reduces
it; the central's price-basket prices it as the till does (issue 15, item 11)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from central_kit import MILK, enrolled_till
from sqlalchemy import select
from test_price_basket import till_price, web_price

from posclient.app.checkout import Checkout
from posclient.app.members import Members
from posclient.app.staff import StaffService
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.cart import Discount
from posclient.domain.clock import ManualClock
from posclient.domain.money import Money
from posclient.store.catalog import Catalog
from posclient.store.db import Store
from sync.central import feed
from sync.central.demo import load_demo
from sync.central.importers import ImportFailed, import_file
from sync.central.schema import entities

GC100, GC200, TEA, CAKE = 20, 21, 22, 23
CSV = (
    "id,sku,name_zh,name_en,measure,tax_code,barcodes,discountable\n"
    f"{GC100},GC100,购物卡 100元,Gift Card 100 Yuan,each,ZERO,6901234567106,no\n"
    f"{GC200},GC200,购物卡 200元,Gift Card 200 Yuan,each,ZERO,6901234567205,0\n"
    f"{TEA},TEA1,龙井茶,Longjing Tea,each,VAT13,6901234567304,yes\n"
    f"{CAKE},CAKE1,蛋糕,Cake,each,VAT13,6901234567403,\n"
)
PROMOTIONS = [
    {"id": "ALL10", "kind": "percent_off", "percent_bp": 1000, "stackable": True},
    {"id": "SV20", "kind": "percent_off", "categories": ["SV"], "percent_bp": 2000,
     "stackable": True},
    {"id": "SPEND100", "kind": "spend_get_off", "min_spend": 10_000, "amount": 1000,
     "stackable": True},
]


def load(shop, tmp_path: Path) -> None:
    assert shop.put("tax_rate", [{"code": "ZERO", "rate_ppm": 0}])["rejected"] == []
    path = tmp_path / "products.csv"
    path.write_text(CSV, encoding="utf-8")
    report = import_file(shop.engine, path, "product", now=shop.clock.now)
    assert (report.loaded, report.rejected, report.unknown_columns) == (4, [], [])
    prices = [{"id": 200 + pid, "product_id": pid, "amount": amount}
              for pid, amount in ((GC100, 10_000), (GC200, 20_000), (TEA, 3000), (CAKE, 1500))]
    prices.append({"id": 300, "product_id": GC100, "price_list": "gold", "amount": 9000})
    assert shop.put("price", prices)["rejected"] == []
    assert shop.put("promotion", PROMOTIONS)["rejected"] == []
    shop.admin_post("/staff", {"id": 1001, "name": "李娜", "role": "cashier", "pin": "1111",
                               "store_id": "S1"})


def flags(path: Path) -> dict[int, bool]:
    with Store.open(path) as store:
        cat = Catalog(store.conn)
        return {pid: cat.by_id(pid).discountable for pid in (GC100, GC200, TEA, CAKE, MILK)}


def test_an_import_reads_discountable_as_a_yes_or_no_and_refuses_anything_else(shop, tmp_path):
    load(shop, tmp_path)
    feed_data = {c["key"]: c["data"] for c in shop.enrol("S1").get(
        "/v1/changes", after=0, limit=5000).json()["changes"] if c["entity"] == "product"}
    assert {k: feed_data[str(k)]["discountable"] for k in (GC100, GC200, TEA, CAKE)} == {
        GC100: False, GC200: False, TEA: True, CAKE: True}
    bad = tmp_path / "bad.csv"
    bad.write_text("id,sku,name_zh,measure,tax_code,discountable\n"
                   "30,X1,某物,each,VAT13,perhaps\n", encoding="utf-8")
    try:
        report = import_file(shop.engine, bad, "product", now=shop.clock.now)
    except ImportFailed as exc:  # either way: refused by line, nothing written
        rejected = exc.errors
    else:
        assert not report.written
        rejected = report.rejected
    assert [(e.ref, "discountable" in e.text()) for e in rejected] == [(2, True)]


def test_a_gift_card_reaches_a_till_by_snapshot_and_feed_and_is_never_discounted_there(
        shop, tmp_path):
    load(shop, tmp_path)
    till = enrolled_till(shop, tmp_path / "till.db")
    assert till.run_once().bootstrapped  # a first start: the snapshot's bulk path
    assert flags(tmp_path / "till.db") == {
        GC100: False, GC200: False, TEA: True, CAKE: True, MILK: True}

    # The feed: the tea becomes not discountable, the 200 card discountable again.
    assert shop.put("product", [
        {"id": TEA, "sku": "TEA1", "name_zh": "龙井茶", "measure": "each", "tax_code": "VAT13",
         "discountable": False},
        {"id": GC200, "sku": "GC200", "name_zh": "购物卡 200元", "measure": "each",
         "tax_code": "ZERO"}])["rejected"] == []
    assert not till.run_once().bootstrapped
    assert flags(tmp_path / "till.db") == {
        GC100: False, GC200: True, TEA: False, CAKE: True, MILK: True}

    # The careful path (a till whose cursor became too old) brings them too.
    assert shop.put("product", [
        {"id": CAKE, "sku": "CAKE1", "name_zh": "蛋糕", "measure": "each", "tax_code": "VAT13",
         "barcodes": ["6901234567403"], "discountable": False}])["rejected"] == []
    with shop.engine.connect() as conn:
        last = feed.feed_state(conn).last_seq
    shop.admin_post("/prune", {"before_seq": last + 1})
    assert till.run_once().bootstrapped
    assert flags(tmp_path / "till.db") == {
        GC100: False, GC200: True, TEA: False, CAKE: False, MILK: True}
    assert shop.put("product", [
        {"id": CAKE, "sku": "CAKE1", "name_zh": "蛋糕", "measure": "each", "tax_code": "VAT13",
         "barcodes": ["6901234567403"]}])["rejected"] == []
    till.run_once()

    # Selling there: 5% off the sale and the store's promotions leave the card at 100.00.
    clock = ManualClock()
    with Store.open(tmp_path / "till.db") as store:
        staff = StaffService(store, clock)
        co = Checkout(store, staff, staff.login(1001, "1111"), clock=clock,
                      payments=SimulatedPaymentTerminal())
        card = co.scan("6901234567106").line_id
        cake = co.scan("6901234567403").line_id
        co.discount_basket(Discount.percent(500))
        t = co.totals()
        assert (t.line(card).promo_discount, t.line(card).basket_discount,
                t.line(card).total) == (0, 0, 10_000)
        assert t.line(cake).promo_discount == 150  # 10% of 15.00; 15.00 is not over 100
        assert t.line(cake).basket_discount == 68  # 5% of 13.50, half up
        assert t.total == Money(10_000 + 1500 - 150 - 68, "CNY")


@pytest.mark.parametrize("tier", [None, "gold"])
def test_the_centrals_price_basket_agrees_with_the_till_on_a_gift_card(shop, tmp_path, tier):
    load(shop, tmp_path)
    assert shop.put("member", [{"id": 1, "member_no": "M1", "name": "陈小明",
                                "tier": "gold", "store_id": "S1"}])["rejected"] == []
    till = enrolled_till(shop, tmp_path / "till.db")
    till.run_once()
    clock = ManualClock()
    body = {"store_id": "S1", "at": clock.now().isoformat(), "member_tier": tier,
            "lines": [{"sku": "GC100", "qty": 1}, {"sku": "CAKE1", "qty": 2},
                      {"sku": "TEA1", "qty": 3}]}
    web = web_price(shop, body)
    assert web["lines"][0] == (1, 10_000, 0, 10_000)  # retail, even for gold; no promotion
    # the card counts toward no spend: the cake and the tea (27.00 + 81.00 after 10%) do
    assert web["applied"] == [("ALL10", 1200), ("SPEND100", 1000)]
    with Store.open(tmp_path / "till.db") as store:
        assert till_price(store.conn, body) == web
        staff = StaffService(store, clock)
        co = Checkout(store, staff, staff.login(1001, "1111"), clock=clock,
                      payments=SimulatedPaymentTerminal())
        if tier is not None:
            co.attach_member(Members(store, clock).find("M1"))
        co.scan("GC100")
        co.scan("CAKE1", 2)
        co.scan("TEA1", 3)
        t = co.totals()
        assert [(pl.gross, pl.promo_discount, pl.total) for pl in t.lines] == [
            (g, d, total) for _, g, d, total in web["lines"]]
        assert t.total.minor == web["total"]


def test_the_central_demo_store_has_its_gift_cards_not_discountable(central, tmp_path):
    load_demo(central.engine, products=60, members=0, now=central.clock.now, store_id="S1",
              seed=5)
    with central.engine.connect() as conn:
        records = [json.loads(d) for d in conn.scalars(
            select(entities.c.data).where(entities.c.entity == "product"))]
    held = sorted(r["name_en"] for r in records if r["discountable"] is False)
    assert held == ["Gift Card 100 Yuan", "Gift Card 200 Yuan", "Gift Card 500 Yuan"]
    assert sum(r["discountable"] for r in records) == len(records) - 3
