"""An order for the customer from another store in the basket (issue 18, endless aisle), the
till's side alone: apart from the goods, paid now in full or as a deposit with the normal
tenders, carried by the sale's event (``SalePayload.aisle_orders``) with the customer sealed,
kept and printed on the receipt, counted in the till's sales total; refused offline, when
suspended and beyond what the other store has. The hold itself needs the central
(tests/sync/central/test_aisle_with_central.py): here a held order is one the central held."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace

import pytest
from till_kit import MILK

from posclient.app.aisle import Aisle
from posclient.app.chain_stock import OtherStore
from posclient.app.checkout import Checkout
from posclient.app.receipts import Receipts
from posclient.app.shifts import Shifts
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.errors import InvalidInput, Unavailable
from posclient.domain.money import Money
from posclient.domain.privacy import DEMO_MEMBER_KEYS
from posclient.domain.receipt import render_text
from sync.protocol import SalePayload

RICE_ID = 5  # 59.90, out of stock here in this story
PHONE = "13900001111"
S2 = OtherStore("S2", "二店", "Store Two", available=4, on_hand=6, distance_km=3.2,
                age_s=40)


def cny(minor: int) -> Money:
    return Money(minor, "CNY")


@pytest.fixture
def co(till):
    return Checkout(till.store, till.staff, till.staff.login(1001, "1111"), clock=till.clock,
                    payments=SimulatedPaymentTerminal())


def held(aisle: Aisle, **kw):
    """Prepared, and held as the central holds it (a reservation id)."""
    order = aisle.prepare(RICE_ID, S2, **{"qty": 2, "paid_now": 3000, "name": "陈静",
                                          "phone": PHONE, **kw})
    return replace(order, reservation_id=uuid.uuid4())


def test_a_deposit_for_another_stores_item_is_paid_with_the_goods_and_travels_in_the_sale(
        till, co):
    aisle = Aisle(co, port=None)
    co.scan(MILK)  # 12.50 of this store's goods
    order = held(aisle)
    aisle.place(order)
    assert order.total == 2 * 5990 and order.due_at_pickup == 2 * 5990 - 3000
    assert co.amount_due == cny(1250 + 3000)  # the goods and the deposit
    assert co.payment.due == cny(4250)
    co.pay_cash(cny(5000))
    done = co.complete()
    assert done.change == cny(750) and [o.order_no for o in done.aisle] == [order.order_no]

    raw = till.store.conn.execute("SELECT payload FROM outbox WHERE event_id = ?",
                                  (done.event_id,)).fetchone()[0]
    sale = SalePayload.model_validate_json(raw)
    assert sale.total == 1250 + 3000 and sale.aisle_paid == 3000
    assert [ln.product_id for ln in sale.lines] == [1]  # the goods of this store only
    (o,) = sale.aisle_orders
    assert (o.store_id, o.total, o.paid_now, o.lines[0].qty) == ("S2", 11980, 3000, 2)
    assert o.customer_name == "陈**" and o.customer_phone_last4 == "1111"
    assert o.customer_phone_hash == DEMO_MEMBER_KEYS.digest(PHONE)
    assert PHONE not in raw and "陈静" not in raw  # sealed to the central only
    assert order.pickup_code not in raw  # its hash only

    moved = till.store.conn.execute(
        "SELECT product_id FROM stock_movements WHERE sale_id = ?", (done.sale_id,)).fetchall()
    assert moved == [(1,)]  # no stock moves here for the order
    text = render_text(Receipts(till.store, till.clock).build(done.sale_id, "en"), "en")
    for expected in (order.order_no, "Collect at: Store Two", order.pickup_code,
                     "Wuchang Rice 5kg", "Paid now", "30.00", "To pay at pick-up", "89.80",
                     "Orders paid now", "陈** ****1111"):
        assert expected in text, expected
    zh = render_text(Receipts(till.store, till.clock).build(done.sale_id, "zh"), "zh")
    assert "自提门店: 二店" in zh and "取货时应付" in zh
    report = Shifts(till.store, till.staff, co.session, clock=till.clock).x_report()
    assert report.sales_total == 4250  # the money taken


def test_an_order_alone_is_a_sale_of_its_paid_now(till, co):
    aisle = Aisle(co, port=None)
    aisle.place(held(aisle, paid_now=None))  # in full
    assert co.payment.due == cny(11980)
    co.pay_cash(cny(12000))
    done = co.complete()
    raw = till.store.conn.execute("SELECT payload FROM outbox WHERE event_id = ?",
                                  (done.event_id,)).fetchone()[0]
    sale = SalePayload.model_validate_json(raw)
    assert sale.lines == [] and sale.total == 11980 and sale.aisle_orders[0].paid_now == 11980
    assert json.loads(raw)["change"] == 20


def test_an_order_alone_paid_in_cash_rounded_to_ten_fen_travels_as_the_till_recorded_it(
        till):
    """``total`` is the orders' paid_now; cash rounding is ``rounding`` beside it, as for goods
    (docs/architecture.md): the event the central reads is valid and adds up."""
    till.store.conn.execute("UPDATE settings SET value = '10' WHERE key = 'cash_increment'")
    co = Checkout(till.store, till.staff, till.staff.login(1001, "1111"), clock=till.clock,
                  payments=SimulatedPaymentTerminal())
    aisle = Aisle(co, port=None)
    aisle.place(held(aisle, paid_now=3004))  # a deposit of 30.04, paid 30.00 in cash
    co.pay_cash(cny(3000))
    done = co.complete()
    assert done.rounding == cny(-4)
    raw = till.store.conn.execute("SELECT payload FROM outbox WHERE event_id = ?",
                                  (done.event_id,)).fetchone()[0]
    sale = SalePayload.model_validate_json(raw)  # the central's model: refused before the fix
    assert (sale.total, sale.rounding, sale.aisle_paid) == (3004, -4, 3004)
    assert sum(t["amount"] for t in sale.tenders) == sale.total + sale.rounding


def test_what_cannot_be_ordered_is_refused_before_anything_changes(till, co):
    aisle = Aisle(co, port=None)
    refusals = [
        ({"qty": 5}, "aisle_qty_invalid"),  # the store has 4 free
        ({"qty": 0}, "aisle_qty_invalid"),
        ({"paid_now": 0}, "aisle_deposit_invalid"),
        ({"paid_now": 11981}, "aisle_deposit_invalid"),
        ({"phone": ""}, "aisle_customer_missing"),
        ({"name": " "}, "aisle_customer_missing"),
        ({"phone": "12345"}, "aisle_phone_invalid"),
    ]
    for kw, code in refusals:
        with pytest.raises(InvalidInput) as exc:
            aisle.prepare(RICE_ID, S2, **{"qty": 2, "paid_now": 100, "name": "陈静",
                                          "phone": PHONE, **kw})
        assert exc.value.code == code, kw
    with pytest.raises(InvalidInput) as exc:
        aisle.prepare(RICE_ID, replace(S2, store_id="S001"), qty=1, paid_now=None,
                      name="陈静", phone=PHONE)
    assert exc.value.code == "aisle_own_store"
    assert co.aisle == [] and co.amount_due == cny(0)


def test_offline_the_till_cannot_order_from_another_store(till, co):
    aisle = Aisle(co, port=None)
    with pytest.raises(Unavailable) as exc:
        aisle.order(RICE_ID, S2, qty=1, paid_now=None, name="陈静", phone=PHONE)
    assert exc.value.code == "aisle_offline"
    assert str(exc.value) == "Offline: cannot order from another store now"
    assert co.aisle == []


def test_a_sale_with_an_order_is_not_suspended(till, co):
    aisle = Aisle(co, port=None)
    co.scan(MILK)
    aisle.place(held(aisle))
    with pytest.raises(InvalidInput) as exc:
        co.suspend()
    assert exc.value.code == "aisle_suspend"
    co.void_sale(reason="customer left")
    assert co.aisle == [] and co.amount_due == cny(0)


def test_the_printed_receipt_says_where_and_with_which_code_to_collect(till, co):
    from escpos_kit import decode

    from posclient.devices.printer import PrinterConfig, ReceiptPrinter

    aisle = Aisle(co, port=None)
    order = held(aisle)
    aisle.place(order)
    co.pay_cash(cny(3000))
    done = co.complete()
    receipt = Receipts(till.store, till.clock).build(done.sale_id, "zh")
    printed = decode(ReceiptPrinter(PrinterConfig(kind="dummy"), lang="zh").render(receipt))
    for expected in ("他店订货 自提", f"订单号: {order.order_no}", "自提门店: 二店",
                     f"取货码: {order.pickup_code}", "本次已付", "取货时应付", "59.90"):
        assert expected in printed.text, expected
    assert "13900001111" not in printed.text


def test_the_till_forgets_the_pickup_code_once_the_receipt_has_printed(till, co):
    """The code is on the customer's paper; a copied till file gives none away, and a reprint
    says where the code is."""
    aisle = Aisle(co, port=None)
    order = held(aisle)
    aisle.place(order)
    co.pay_cash(cny(3000))
    done = co.complete()
    receipts, prints = Receipts(till.store, till.clock), []
    receipts.print_sale(done.sale_id, prints.append, "en")  # the first print has the code
    assert f"Pick-up code: {order.pickup_code}" in render_text(prints[0], "en")
    stored = till.store.conn.execute("SELECT pickup_code FROM aisle_orders").fetchall()
    assert stored == [("",)]
    copy = receipts.copy_for_reprint(till.staff.login(1001, "1111"), till.staff, done.sale_id,
                                     "en")
    text = render_text(copy, "en")
    assert "Pick-up code: on the original receipt" in text and order.pickup_code not in text


def test_the_customer_sees_the_order_at_what_is_paid_for_it_now(till, co):
    from posclient.app.customer_display import CustomerPresenter

    shown = CustomerPresenter(co.settings, "en")
    aisle = Aisle(co, port=None)
    co.scan(MILK)
    aisle.place(held(aisle))
    view = shown.view(co)
    assert [(ln.name_en, ln.qty, ln.amount) for ln in view.lines][-1] == (
        "Wuchang Rice 5kg", "2", cny(3000))
    assert view.total == cny(4250)
    co.pay_cash(cny(5000))
    assert shown.sale_done(co.complete()).total == cny(4250)
