"""An order for delivery to the customer from another store (issue 18), the till's side alone:
the address is required and bounded, the delivery is paid in full, the address travels only
sealed (the outbox, the till's database files and the receipt hold its masked form at most),
and the receipt says which store delivers it and that nothing is left to pay. The hold and the
order at the central: tests/sync/central/test_aisle_delivery_with_central.py."""

from __future__ import annotations

import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from posclient.app.aisle import Aisle
from posclient.app.chain_stock import OtherStore
from posclient.app.checkout import Checkout
from posclient.app.receipts import Receipts
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.catalogue import message_for
from posclient.domain.errors import InvalidInput
from posclient.domain.money import Money
from posclient.domain.receipt import render_text
from sync.protocol import SalePayload

RICE_ID = 5  # 59.90
PHONE = "13900001111"
ADDRESS = "上海市浦东新区世纪大道100号 8楼 801室"
MASKED = "上海市浦东新…"
S2 = OtherStore("S2", "二店", "Store Two", available=4, on_hand=6, distance_km=3.2,
                age_s=40)


@pytest.fixture
def co(till):
    return Checkout(till.store, till.staff, till.staff.login(1001, "1111"), clock=till.clock,
                    payments=SimulatedPaymentTerminal())


def delivery(aisle: Aisle, **kw):
    order = aisle.prepare(RICE_ID, S2, **{"qty": 2, "paid_now": None, "name": "陈静",
                                          "phone": PHONE, "address": ADDRESS, **kw})
    return replace(order, reservation_id=uuid.uuid4())  # held, as the central holds it


def _files(path: Path) -> bytes:
    """The till's database as a copied file would give it away (with its WAL)."""
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def test_a_delivery_is_paid_in_full_and_its_address_travels_only_sealed(till, co):
    aisle = Aisle(co, port=None)
    order = delivery(aisle)
    assert order.is_delivery and order.pickup_code == "" and order.address_masked == MASKED
    aisle.place(order)
    assert co.payment.due == Money(11980, "CNY")  # in full: nothing left at the door
    co.pay_cash(Money(12000, "CNY"))
    done = co.complete()

    raw = till.store.conn.execute("SELECT payload FROM outbox WHERE event_id = ?",
                                  (done.event_id,)).fetchone()[0]
    (o,) = SalePayload.model_validate_json(raw).aisle_orders
    assert (o.fulfilment, o.store_id, o.paid_now, o.total) == ("delivery", "S2", 11980, 11980)
    assert o.pickup_code_phc is None and o.sealed is not None
    stored = till.store.conn.execute(
        "SELECT fulfilment, address_masked, pickup_code FROM aisle_orders").fetchall()
    assert stored == [("delivery", MASKED, "")]
    till.store.conn.execute("PRAGMA wal_checkpoint(FULL)")
    assert MASKED.encode() in _files(till.path)  # the files are read: the masked form is there
    for needle in (ADDRESS, "世纪大道", PHONE):  # not in the event, nor in the files
        assert needle not in raw
        assert needle.encode() not in _files(till.path), needle

    en = render_text(Receipts(till.store, till.clock).build(done.sale_id, "en"), "en")
    for expected in (order.order_no, "Delivery from: Store Two", f"Deliver to: {MASKED}",
                     "Left to pay", "0.00", "Paid now", "119.80", "陈** ****1111"):
        assert expected in en, expected
    assert "Pick-up code" not in en and "Collect at" not in en
    zh = render_text(Receipts(till.store, till.clock).build(done.sale_id, "zh"), "zh")
    for expected in ("他店订货 送货上门", "发货门店: 二店", f"送货地址: {MASKED}", "尚需支付"):
        assert expected in zh, expected


def test_what_a_delivery_cannot_be_is_refused_in_both_languages(till, co):
    aisle = Aisle(co, port=None)
    refusals = [
        ({"address": "  "}, "aisle_address_missing",
         "The customer's address is needed for the delivery", "送货上门需要顾客的地址"),
        ({"address": "路" * 201}, "aisle_address_too_long",
         "The address is at most 200 characters", "地址最多 200 个字"),
        ({"paid_now": 3000}, "aisle_delivery_in_full",
         "A delivery is paid in full at the till: no deposit",
         "送货上门的订单须在收银台全额付清，不收定金"),
    ]
    for kw, code, en, zh in refusals:
        with pytest.raises(InvalidInput) as exc:
            delivery(aisle, **kw)
        assert exc.value.code == code, kw
        assert message_for(exc.value, "en") == en and message_for(exc.value, "zh") == zh
    assert co.aisle == []
    ok = delivery(aisle, address="路" * 200)  # the bound itself is fine
    assert ok.address_masked == "路" * 6 + "…"


def test_the_store_that_ships_a_delivery_hands_it_to_the_courier_a_web_delivery_stays_out(
        till, co):
    """On the pick-up path, with a supervisor (there is no code); a web delivery has no store,
    and no till hands it over."""
    from orders_kit import order

    from posclient.app.orders import OrderBook
    from posclient.app.staff import Approval
    from posclient.store.orders import reserved_stock

    book = OrderBook(till.store.conn, till.clock)
    shipped = order(order_no="S2-T01-A000001", channel="store", fulfilment="delivery",
                    pickup_code_phc=None, status="open",
                    payments=[{"kind": "store", "amount": 9640, "method": "cash"}])
    web = order(order_no="D1", fulfilment="delivery", store_id=None, pickup_code_phc=None)
    with till.store.write():
        book.keep(shipped)
        book.keep(web)
    assert reserved_stock(till.store.conn, "S001") == {1: 3, 5: 1}  # held back for the courier
    with pytest.raises(InvalidInput) as exc:
        co.start_pickup(book.view("D1"), {1: 3})
    assert exc.value.code == "order_not_pickup"
    handover = co.start_pickup(book.view("S2-T01-A000001"), {1: 3, 2: 1}, code="IGNORED",
                               approval=Approval(2001, "2222"))
    assert handover.due == 0 and co.pickup is not None and co.pickup.without_code


def test_the_central_s_model_refuses_a_delivery_with_a_deposit_a_code_or_no_sealed_box(
        till, co):
    """sync.protocol AisleOrderPayload: the rules hold for any till, not just this one."""
    from pydantic import ValidationError

    from sync.protocol import AisleOrderPayload

    good = delivery(Aisle(co, port=None)).payload()
    AisleOrderPayload.model_validate(good)
    bad = [{"paid_now": 100}, {"pickup_code_phc": None, "fulfilment": "pickup"},
           {"sealed": None, "customer_phone_hash": None, "customer_phone_last4": None}]
    for change in bad:
        with pytest.raises(ValidationError):
            AisleOrderPayload.model_validate({**good, **change})
    pickup = Aisle(co, port=None).prepare(RICE_ID, S2, qty=1, paid_now=None, name="陈静",
                                          phone=PHONE)
    with pytest.raises(ValidationError):  # a pick-up's code on a delivery
        AisleOrderPayload.model_validate({**good, "pickup_code_phc": pickup.pickup_code_phc})
