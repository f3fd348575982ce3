"""A web order's hand-over is priced exactly at the order's lines: the store's promotions, a
"spend over N" offer, a member's tier prices and coupons never touch them (they were priced
on the web), online and offline, whether the web payment covers the order or the customer pays
at the pick-up."""

from __future__ import annotations

import json

import pytest
from orders_kit import CODE, order
from till_kit import add_member

from posclient.app.checkout import Checkout
from posclient.app.members import Members
from posclient.app.orders import OrderBook
from posclient.app.receipts import Receipts
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.errors import InvalidInput
from posclient.domain.money import Money
from posclient.domain.receipt import render_text
from posclient.domain.tender import TenderKind
from sync.apply import Applier
from sync.protocol import PromotionData

MILK_10_OFF = {"id": "P-MILK10", "name_zh": "牛奶九折", "name_en": "Milk 10% off",
               "kind": "percent_off", "product_ids": [1], "percent_bp": 1000,
               "stackable": True}
SPEND_OVER_50 = {"id": "P-OVER50", "name_zh": "满50减10", "name_en": "10 off over 50",
                 "kind": "spend_get_off", "min_spend": 5000, "amount": 1000,
                 "stackable": True}
COUPON = {"id": "P-C20", "name_zh": "券减20", "name_en": "Coupon 20 off", "kind": "amount_off",
          "amount": 2000, "coupon_code": "TAKE20", "stackable": True}
GOLD_ONLY = {"id": "P-GOLD", "name_zh": "金卡八折", "name_en": "Gold 20% off",
             "kind": "percent_off", "percent_bp": 2000, "member_only": True,
             "tiers": ["gold"], "stackable": True}
# The order of orders_kit: milk x3 at 12.50 less 1.00, rice x1 at 59.90; 96.40 in all.
ORDER_TOTAL = 9640
AT_PICKUP = [{"kind": "at_pickup", "amount": ORDER_TOTAL}]


def promote(till, *promotions: dict) -> None:
    with till.store.write() as conn:
        Applier(conn, "S001").apply(("promotion", "upsert", p["id"], PromotionData(**p))
                                    for p in promotions)


@pytest.fixture
def desk(till):
    co = Checkout(till.store, till.staff, till.staff.login(1001, "1111"), clock=till.clock,
                  payments=SimulatedPaymentTerminal())
    return co, OrderBook(till.store.conn, till.clock)


def keep(till, book: OrderBook, o) -> None:
    with till.store.write():
        book.keep(o)


def test_an_order_paid_online_is_handed_over_while_a_promotion_covers_its_items(till, desk):
    co, book = desk
    promote(till, MILK_10_OFF)
    keep(till, book, order())
    handover = co.start_pickup(book.view("W1001"), {1: 3, 2: 1}, code=CODE)
    assert (handover.goods, handover.covered, handover.due) == (ORDER_TOTAL, ORDER_TOTAL, 0)
    assert co.totals().total == Money(ORDER_TOTAL, "CNY")
    assert co.payment.due == Money(0, "CNY")
    done = co.complete()
    row = till.store.conn.execute("SELECT total, promotions FROM sales WHERE id = ?",
                                  (done.sale_id,)).fetchone()
    assert row == (ORDER_TOTAL, None)
    assert till.store.conn.execute("SELECT sum(promo_discount) FROM sale_lines WHERE "
                                   "sale_id = ?", (done.sale_id,)).fetchone()[0] == 0


def test_an_order_paid_at_pickup_is_charged_its_price_while_a_promotion_runs(till, desk):
    co, book = desk
    promote(till, MILK_10_OFF)
    keep(till, book, order(payments=AT_PICKUP, paid=0))
    handover = co.start_pickup(book.view("W1001"), {1: 3, 2: 1}, code=CODE)
    assert (handover.goods, handover.covered, handover.due) == (ORDER_TOTAL, 0, ORDER_TOTAL)
    assert co.payment.due == Money(ORDER_TOTAL, "CNY")
    co.pay_cash(Money(10_000, "CNY"))
    done = co.complete()
    assert done.totals.total == Money(ORDER_TOTAL, "CNY")
    assert done.change == Money(10_000 - ORDER_TOTAL, "CNY")


def test_a_spend_over_offer_does_not_count_or_discount_an_orders_lines(till, desk):
    co, book = desk
    promote(till, SPEND_OVER_50)
    keep(till, book, order(payments=AT_PICKUP, paid=0))
    co.start_pickup(book.view("W1001"), {1: 3, 2: 1}, code=CODE)
    assert co.totals().total == Money(ORDER_TOTAL, "CNY")
    assert co.cart.promotions == ()


def test_a_coupon_or_a_members_tier_leaves_a_pickup_at_the_orders_prices(till, desk):
    co, book = desk
    promote(till, COUPON, GOLD_ONLY)
    with till.store.write() as c:
        add_member(c, 7, "8800000007", "陈小明", "13812341234", "gold", 0)
        c.execute("INSERT INTO prices (product_id, price_list, amount) VALUES (1, 'gold', 900)")
    keep(till, book, order(payments=AT_PICKUP, paid=0))
    co.start_pickup(book.view("W1001"), {1: 2}, code=CODE)
    due = book.view("W1001").handover({1: 2}).due
    co.attach_member(Members(till.store, till.clock).find("8800000007"))
    co.add_coupon("take20")
    assert co.totals().total == Money(due, "CNY") == co.payment.due
    assert [ln.unit_price.minor for ln in co.cart.active_lines] == [1250]


def test_an_orders_lines_cannot_be_discounted_or_repriced_at_the_till(till, desk):
    co, book = desk
    keep(till, book, order(payments=AT_PICKUP, paid=0))
    co.start_pickup(book.view("W1001"), {1: 3}, code=CODE)
    line = co.cart.active_lines[0]
    cart = co.cart.copy()
    from posclient.domain.cart import Discount
    for change in (lambda: cart.override_price(line.line_id, Money(1, "CNY"), "x"),
                   lambda: cart.set_line_discount(line.line_id, Discount.percent(5000)),
                   lambda: cart.set_qty(line.line_id, 1)):
        with pytest.raises(InvalidInput) as refused:
            change()
        assert refused.value.code == "pickup_locked"


def test_the_receipt_and_the_event_show_the_orders_prices_during_a_promotion(till, desk,
                                                                             tmp_path):
    co, book = desk
    promote(till, MILK_10_OFF, SPEND_OVER_50)
    keep(till, book, order(payments=[{"kind": "online", "amount": 2000},
                                     {"kind": "at_pickup", "amount": 7640}], paid=2000))
    handover = co.start_pickup(book.view("W1001"), {1: 2}, code=CODE)
    assert (handover.goods, handover.covered, handover.due) == (2433, 2000, 433)
    co.pay_cash(Money(433, "CNY"))
    done = co.complete()
    body = json.loads(till.store.conn.execute("SELECT payload FROM outbox WHERE event_id = ?",
                                              (done.event_id,)).fetchone()[0])
    assert body["total"] == 2433 and "promotions" not in body
    assert [(ln["unit_price"], ln["promo_discount"], ln["total"]) for ln in body["lines"]] == [
        (1250, 0, 2433)]
    assert sum(t["amount"] for t in body["tenders"]) == 2433
    assert [(t["kind"], t["amount"]) for t in body["tenders"]] == [("web", 2000), ("cash", 433)]
    text = render_text(Receipts(till.store, till.clock).build(done.sale_id), "en")
    assert "24.33" in text and "Milk 10% off" not in text
    assert [t.kind for t in done.tenders] == [TenderKind.WEB, TenderKind.CASH]
