"""Delivery to the customer from another store, end to end (issue 18): store A's till orders an
item store B has for delivery, paid in full; the central makes the order at B (fulfilment
``delivery``, B its store), holding B's units; B's till lists it marked as a delivery and hands
it to the courier on the pick-up path (no code: a supervisor approves), which counts it collected
and frees the hold. The address is in the central's order_personal only: in no till's database
file, no event row, no order record the tills get, no log. Real tills and the real central over
HTTP, SQLite and PostgreSQL."""

from __future__ import annotations

import logging

import httpx
import pytest
from central_kit import ADMIN_TOKEN, MILK, seed_shop
from faults import FaultInjector
from test_aisle_with_central import PHONE, Till, held_at, other_store
from test_member_privacy import central_columns_holding, text_columns_holding

from posclient.app.aisle import Aisle
from posclient.app.orders import OrderBook
from posclient.app.staff import Approval
from posclient.domain.clock import ManualClock
from posclient.domain.money import Money
from posclient.store.orders import reserved_stock
from sync.central import aisle as central_aisle
from sync.central import feed, identity
from sync.central.api import EnrolLimits, create_app
from sync.central.store_places import Place, set_place

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
ADDRESS = "上海市浦东新区世纪大道100号 8楼 801室"
MASKED = "上海市浦东新…"


@pytest.fixture
def live(central_engine, serve):
    """S1 has no milk, S2 (same group) has 7 and a supervisor for the courier hand-over."""
    clock = ManualClock()
    app = FaultInjector(create_app(central_engine, clock=clock,
                                   enrol_limits=EnrolLimits(max_failures=100)), seed=4)
    with feed.transaction(central_engine, clock.now()) as tx:
        seed_shop(tx, {"S1": {MILK: 0}, "S2": {MILK: 7}})
        set_place(tx, "S1", Place.of("east", 31.2304, 121.4737))
        set_place(tx, "S2", Place.of("east", 31.2989, 121.5015))
        identity.create_staff(tx, staff_id=1001, name="李娜", role="cashier", pin="1111",
                              store_id="S1")
        identity.create_staff(tx, staff_id=2001, name="王芳", role="cashier", pin="2222",
                              store_id="S2")
        identity.create_staff(tx, staff_id=2002, name="赵敏", role="supervisor", pin="3333",
                              store_id="S2")
    with serve(app) as url:
        yield url


@pytest.fixture
def tills(live, tmp_path):
    made = [Till(live, tmp_path / "a.db", "S1"), Till(live, tmp_path / "b.db", "S2")]
    for t, name in zip(made, ("a.db", "b.db"), strict=True):
        t.path = tmp_path / name  # type: ignore[attr-defined]
    yield made
    for t in made:
        t.store.close()


def test_a_delivery_ordered_at_a_is_held_at_b_and_handed_to_the_courier_there(
        live, tills, central_engine, caplog):
    caplog.set_level(logging.DEBUG)
    url = live
    a, b = tills
    co = a.checkout(1001, "1111")
    order = Aisle(co, a.engine, a.engine).order(MILK, other_store(a), qty=2, paid_now=None,
                                                name="陈静", phone=PHONE, address=ADDRESS)
    assert order.is_delivery and held_at(url, "S2") == 2
    co.pay_cash(Money(order.total, "CNY"))  # a delivery is paid in full at the till
    co.complete()
    assert a.engine.run_once().pushed == 1
    assert held_at(url, "S2") == 2  # the hold became the order's, until the courier has it

    r = httpx.get(f"{url}/v1/admin/orders/{order.order_no}", headers=ADMIN)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["customer"] == {"name": "陈静", "phone": PHONE, "address": ADDRESS}
    placed = body["order"]
    assert (placed["fulfilment"], placed["store_id"], placed["channel"]) == (
        "delivery", "S2", "store")
    assert (placed["paid"], placed["total"]) == (order.total, order.total)
    assert placed["pickup_code_phc"] is None

    b.engine.run_once()  # B's till gets it in its feed, as a delivery to ship
    view = OrderBook(b.store.conn, b.clock).view(order.order_no)
    assert view.order.fulfilment == "delivery" and view.order.store_id == "S2"
    assert reserved_stock(b.store.conn, "S2") == {MILK: 2}  # B's till holds it back too
    co_b = b.checkout(2001, "2222")
    handover = co_b.start_pickup(view, {1: 2}, approval=Approval(2002, "3333"))
    assert handover.due == 0  # paid in full at A: nothing to take from the courier
    co_b.complete()
    assert b.engine.run_once().pushed == 1
    after = b.engine.fetch_order(order.order_no)
    assert after.status == "collected" and after.lines[0].collected == 2
    assert held_at(url, "S2") == 0
    assert reserved_stock(b.store.conn, "S2") == {}

    needles = [ADDRESS, "世纪大道"]
    for till in (a, b):  # no till keeps the address: A keeps it masked for the receipt
        till.store.conn.execute("PRAGMA wal_checkpoint(FULL)")
        files = b"".join(p.read_bytes() for p in till.path.parent.glob(till.path.name + "*"))
        assert files, till.path
        for needle in needles:
            assert needle.encode() not in files, (till.path, needle)
        assert text_columns_holding(till.path, [n.encode() for n in needles]) == []
    assert text_columns_holding(a.path, [MASKED.encode()]) == ["aisle_orders.address_masked: "
                                                              + MASKED]
    # the central: in order_personal only (no event row, no order record, no feed change)
    assert central_columns_holding(central_engine, needles) == []
    assert not [r for r in caplog.records if "世纪大道" in r.getMessage()]


def test_an_older_till_reads_a_delivery_it_ships_as_a_pickup_and_web_deliveries_as_before():
    """A till that does not ask ``store_orders=true`` knows pick-ups only: it lists the order
    and hands it over without a code (a supervisor approves). A web delivery has no store."""
    record = {"order_no": "S1-T1-A000001", "channel": "store", "fulfilment": "delivery",
              "store_id": "S2", "payments": [{"kind": "store", "amount": 100}]}
    older = central_aisle.for_older_tills(record)
    assert (older["channel"], older["fulfilment"], older["store_id"]) == ("web", "pickup", "S2")
    assert older["payments"][0]["kind"] == "online"
    web = {"order_no": "D1", "channel": "web", "fulfilment": "delivery", "store_id": None}
    assert central_aisle.for_older_tills(web) is web
