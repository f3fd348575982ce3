"""Promotions at the till: the store's promotions (as the feed brings them) price the basket
after every scan, with the engine the central serves to the web shop; the sale records what
each saved, its lines' promotion discounts and its coupons, in one transaction."""

from __future__ import annotations

import json

import pytest
from till_kit import BREAD, GUM, MILK

from posclient.app.checkout import Checkout
from posclient.app.receipts import Receipts
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.errors import NotFound
from posclient.domain.money import Money
from posclient.domain.promotions import BasketLine, PricingContext, price_basket
from posclient.domain.receipt import render_text
from posclient.store.promotions import PromotionReader
from sync.apply import Applier
from sync.protocol import PromotionData, SalePayload

PROMOTIONS = [
    {"id": "P-MILK3", "name_zh": "牛奶第三件免费", "name_en": "Milk: 3rd free",
     "kind": "buy_x_get_y", "product_ids": [1], "buy_qty": 2, "get_qty": 1, "stackable": True},
    {"id": "P-SNACK10", "name_zh": "零食九折", "name_en": "Snacks 10% off",
     "kind": "percent_off", "categories": ["snacks"], "percent_bp": 1000, "stackable": True},
    {"id": "P-COUPON5", "name_zh": "满20减5", "name_en": "5 off over 20",
     "kind": "spend_get_off", "min_spend": 2000, "amount": 500, "coupon_code": "save5",
     "stackable": True},
]


@pytest.fixture
def desk(till):
    with till.store.write() as conn:
        Applier(conn, "S001").apply(("promotion", "upsert", p["id"], PromotionData(**p))
                                    for p in PROMOTIONS)
    return Checkout(till.store, till.staff, till.staff.login(1001, "1111"), clock=till.clock,
                    payments=SimulatedPaymentTerminal())


def test_promotions_price_the_basket_as_it_is_scanned(desk):
    co = desk
    for _ in range(3):
        co.scan(MILK)  # 3 x 12.50, the third free
    co.scan(GUM)  # 3.50, 10% off: 0.35
    t = co.totals()
    assert t.promo_discounts == Money(1250 + 35, "CNY")
    assert t.total == Money(3 * 1250 + 350 - 1285, "CNY")
    assert [p[0] for p in co.cart.promotions] == ["P-MILK3", "P-SNACK10"]
    co.void_line(1)  # two milks left: no free one
    assert co.totals().promo_discounts == Money(35, "CNY")


def test_the_till_prices_exactly_as_the_engine_on_the_same_data(desk, till):
    co = desk
    for code in (MILK, MILK, MILK, BREAD, GUM, GUM):
        co.scan(code)
    co.add_coupon(" Save5 ")
    lines = [BasketLine(ln.line_id, ln.item.product_id, ln.unit_price.minor, ln.qty,
                        ln.item.measure, ln.item.category, "", tax_code=ln.item.tax_code,
                        tax_rate_ppm=ln.item.tax_rate_ppm) for ln in co.cart.active_lines]
    direct = price_basket(PromotionReader(till.store.conn, "S001").book(), lines,
                          PricingContext(at=till.clock.now(), store_id="S001",
                                         coupons=frozenset({"SAVE5"})))
    assert co.totals().total.minor == direct.total
    assert {p[0]: p[3] for p in co.cart.promotions} == {
        a.promotion_id: a.saved for a in direct.applied}
    assert "P-COUPON5" in {a.promotion_id for a in direct.applied}


def test_the_sale_records_what_each_promotion_saved(desk, till):
    co = desk
    for _ in range(3):
        co.scan(MILK)
    co.add_coupon("SAVE5")
    co.pay_cash(Money(5000, "CNY"))
    done = co.complete()
    conn = till.store.conn
    promotions, coupons = conn.execute("SELECT promotions, coupons FROM sales WHERE id = ?",
                                       (done.sale_id,)).fetchone()
    applied = {p["id"]: p["saved"] for p in json.loads(promotions)}  # in application order
    assert set(applied) == {"P-MILK3", "P-COUPON5"} and applied["P-COUPON5"] == 500
    assert json.loads(coupons) == ["SAVE5"]
    payload = SalePayload.model_validate_json(conn.execute(
        "SELECT payload FROM outbox WHERE event_id = ?", (done.event_id,)).fetchone()[0])
    saved = sum(applied.values())
    assert payload.coupons == ["SAVE5"] and payload.total == 3750 - saved
    assert sum(ln.promo_discount for ln in payload.lines) == saved
    assert {p["id"]: p["saved"] for p in payload.promotions} == applied
    text = render_text(Receipts(till.store, till.clock).build(done.sale_id, "zh"), "zh")
    assert "牛奶第三件免费" in text and "满20减5" in text and "-5.00" in text


def test_an_unknown_coupon_is_refused_and_changes_nothing(desk):
    co = desk
    co.scan(MILK)
    before = co.totals()
    with pytest.raises(NotFound) as unknown:
        co.add_coupon("NOPE")
    assert unknown.value.code == "coupon_invalid" and co.totals() == before

