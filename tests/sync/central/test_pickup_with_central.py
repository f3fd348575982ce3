"""A web order collected at the till in two visits, end to end: the web shop's order at the
central, the till fetching it, handing over and taking the rest of the money, the ``pickup``
events counted on the order once, stock moved once, and a hand-over of a cancelled order filed
for a manager. Real till databases and the real central over HTTP, SQLite and PostgreSQL."""

from __future__ import annotations

import json

from central_kit import MILK, RICE, MemoryKeyring, level
from sqlalchemy import select

from posclient.app.checkout import Checkout
from posclient.app.orders import OrderBook
from posclient.app.staff import StaffService
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.clock import ManualClock
from posclient.domain.money import Money
from posclient.store.catalog import Catalog
from posclient.store.db import Store
from sync.central.schema import exceptions, sales
from sync.credentials import TokenStore
from sync.engine import SyncEngine
from sync.enrol import enrol

CODE = "K7P2Q9"


def web_order(**changes):
    order = {"order_no": "W500", "fulfilment": "pickup", "store_id": "S1", "pickup_code": CODE,
             "customer_name": "陈静", "customer_phone": "13900001111", "currency": "CNY",
             "lines": [{"sku": "100001", "qty": 3, "unit_price": 350, "discount": 50},
                       {"sku": "100004", "qty": 1, "unit_price": 5990}],
             "payments": [{"kind": "online", "amount": 1000, "method": "wechat"},
                          {"kind": "at_pickup", "amount": 5990}]}
    order.update(changes)
    return order


def till(shop, tmp_path):
    shop.admin_post("/staff", {"id": 1001, "name": "李娜", "role": "cashier", "pin": "1111",
                               "store_id": "S1"})
    db = tmp_path / "till.db"
    Store.open(db).close()
    tokens, clock = TokenStore(MemoryKeyring()), ManualClock()
    enrol(db, shop.url, shop.enrolment_code("S1"), "front", tokens=tokens, clock=clock)
    engine = SyncEngine(db, tokens=tokens, clock=clock)
    engine.run_once()
    return db, engine, clock


def hand_over(db, engine, clock, quantities, *, pay: int | None = None, order=None):
    """At the till: the order (``order``: the till's copy; default: fetched fresh from the
    central, as the pick-up screen does) handed over, the rest paid in cash."""
    order = order if order is not None else engine.fetch_order("W500")
    with Store.open(db) as store:
        book = OrderBook(store.conn, clock)
        with store.write():
            book.keep(order)
        staff = StaffService(store, clock)
        co = Checkout(store, staff, staff.login(1001, "1111"), clock=clock,
                      payments=SimulatedPaymentTerminal(()))
        handover = co.start_pickup(book.view("W500"), quantities, code=CODE)
        if pay is not None:
            co.pay_cash(Money(pay, "CNY"))
        done = co.complete()
    return handover, done


def test_an_order_collected_in_two_visits_counts_once_everywhere(shop, tmp_path):
    shop.admin_post("/orders", {"orders": [web_order()]})
    db, engine, clock = till(shop, tmp_path)

    first, sale1 = hand_over(db, engine, clock, {1: 2})  # 6.67 of goods, 10.00 paid online
    assert (first.goods, first.covered, first.due) == (667, 667, 0)
    assert engine.run_once().pushed == 1
    order = engine.fetch_order("W500")
    assert [ln.collected for ln in order.lines] == [2, 0]
    assert order.status == "partly_collected" and order.paid_at_pickup == 0
    assert [str(e) for e in order.applied_events] == [sale1.event_id]
    assert level(shop, "S1", MILK) == 100 - 2 and level(shop, "S1", RICE) == 10

    second, _ = hand_over(db, engine, clock, {1: 1, 2: 1}, pay=6000)
    assert (second.goods, second.due) == (333 + 5990, 5990)  # the 3.33 left online covers milk
    engine.run_once()
    order = engine.fetch_order("W500")
    assert [ln.collected for ln in order.lines] == [3, 1] and order.status == "collected"
    assert order.paid_at_pickup == 5990
    assert level(shop, "S1", MILK) == 97 and level(shop, "S1", RICE) == 9
    with shop.engine.connect() as conn:
        assert conn.execute(select(sales.c.total).order_by(sales.c.receipt_no)).scalars().all() \
            == [667, 6323]
    with Store.open(db) as store:  # the till's stock is the central's, its pick-ups counted once
        view = OrderBook(store.conn, clock).view("W500")
        assert view.fully_collected and view.paid_at_pickup == 5990
        assert Catalog(store.conn).stock(MILK) == 97


def test_an_order_cancelled_while_the_till_was_handing_it_over_is_filed_for_a_manager(
        shop, tmp_path):
    shop.admin_post("/orders", {"orders": [web_order()]})
    db, engine, clock = till(shop, tmp_path)
    before = engine.fetch_order("W500")
    shop.admin_post("/orders", {"orders": [web_order(status="cancelled")]})
    hand_over(db, engine, clock, {1: 1}, order=before)  # the copy from before the cancellation
    report = engine.run_once()
    assert report.pushed == 1 and report.exceptions == ["order_cancelled:W500"]
    with shop.engine.connect() as conn:
        detail = json.loads(conn.execute(select(exceptions.c.detail).where(
            exceptions.c.kind == "order_cancelled")).scalar_one())
    assert detail["order_no"] == "W500"
    got = engine.fetch_order("W500")
    assert got.status == "cancelled" and got.lines[0].collected == 1  # it happened: counted
