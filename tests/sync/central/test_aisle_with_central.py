"""Ordering for the customer from another store, end to end (issue 18, endless aisle): store A's
till sees the item at store B (F12, live), holds it there, takes a deposit with the normal
tenders; the central makes the order at B with its hold; B's till lists it and hands it over
with the pick-up code, taking the rest. Offline the till cannot promise B's stock; a store that
no longer has enough says what it has free. Real tills and the real central over HTTP, SQLite
and PostgreSQL; the network goes for real (tests/sync/faults.py)."""

from __future__ import annotations

import json

import httpx
import pytest
from central_kit import ADMIN_TOKEN, MILK, MemoryKeyring, seed_shop
from faults import FaultInjector

from posclient.app.aisle import Aisle
from posclient.app.chain_stock import ChainStock
from posclient.app.checkout import Checkout
from posclient.app.orders import OrderBook
from posclient.app.staff import StaffService
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.clock import ManualClock
from posclient.domain.errors import InvalidInput, Unavailable
from posclient.domain.money import Money
from posclient.store.db import Store
from sync.central import feed, identity
from sync.central.api import EnrolLimits, create_app
from sync.central.store_places import Place, set_place
from sync.credentials import TokenStore
from sync.engine import SyncEngine
from sync.enrol import enrol

PHONE = "13900001111"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture
def live(central_engine, serve):
    """The central behind a fault injector; S1 has no milk, S2 (same group) has 7."""
    clock = ManualClock()
    injector = FaultInjector(create_app(central_engine, clock=clock,
                                        enrol_limits=EnrolLimits(max_failures=100)), seed=4)
    with feed.transaction(central_engine, clock.now()) as tx:
        seed_shop(tx, {"S1": {MILK: 0}, "S2": {MILK: 7}})
        set_place(tx, "S1", Place.of("east", 31.2304, 121.4737))
        set_place(tx, "S2", Place.of("east", 31.2989, 121.5015))
        identity.create_staff(tx, staff_id=1001, name="李娜", role="cashier", pin="1111",
                              store_id="S1")
        identity.create_staff(tx, staff_id=2001, name="王芳", role="cashier", pin="2222",
                              store_id="S2")
    with serve(injector) as url:
        yield url, injector


class Till:
    """A till of ``store_id``: its database, engine, clock and a cashier's checkout."""

    def __init__(self, url: str, path, store_id: str) -> None:
        r = httpx.post(f"{url}/v1/admin/enrolment-codes", json={"store_id": store_id},
                       headers=ADMIN)
        assert r.status_code == 201, r.text
        self.clock, tokens = ManualClock(), TokenStore(MemoryKeyring())
        Store.open(path).close()
        enrol(path, url, r.json()["code"], path.stem, tokens=tokens, clock=self.clock)
        self.engine = SyncEngine(path, tokens=tokens, clock=self.clock)
        self.engine.run_once()
        self.store = Store.open(path)
        self.staff = StaffService(self.store, self.clock)

    def checkout(self, staff_id: int, pin: str) -> Checkout:
        return Checkout(self.store, self.staff, self.staff.login(staff_id, pin),
                        clock=self.clock, payments=SimulatedPaymentTerminal(()))


@pytest.fixture
def tills(live, tmp_path):
    url, _ = live
    made = [Till(url, tmp_path / "a.db", "S1"), Till(url, tmp_path / "b.db", "S2")]
    yield made
    for t in made:
        t.store.close()


def other_store(a: Till):
    view = ChainStock(a.store, a.clock, "S1", a.engine).look_up(MILK)
    assert view.live
    (s2,) = view.stores
    return s2


def held_at(url: str, store_id: str) -> int:
    r = httpx.post(f"{url}/v1/availability", headers=ADMIN,
                   json={"store_id": store_id, "lines": [{"product_id": MILK}]})
    assert r.status_code == 200, r.text
    return int(r.json()["stores"][0]["lines"][0]["held"])


def test_an_order_made_at_a_is_held_at_b_paid_in_part_at_a_and_collected_at_b(live, tills):
    url, _ = live
    a, b = tills
    s2 = other_store(a)
    assert s2.available == 7
    co = a.checkout(1001, "1111")
    aisle = Aisle(co, a.engine, a.engine)
    order = aisle.order(MILK, s2, qty=2, paid_now=100, name="陈静", phone=PHONE)  # deposit
    assert held_at(url, "S2") == 2  # held before the customer pays
    total = order.total
    assert co.payment.due == Money(100, "CNY")
    co.pay_cash(Money(100, "CNY"))
    done = co.complete()
    assert a.engine.run_once().pushed == 1
    assert held_at(url, "S2") == 2  # the hold became the order's, without a gap

    b.engine.run_once()  # B's till gets the order in its feed: its pick-up list
    central = b.engine.fetch_order(order.order_no)
    assert central.store_id == "S2" and central.channel == "store"
    assert (central.total, central.paid) == (total, 100)
    view = OrderBook(b.store.conn, b.clock).view(order.order_no)
    co_b = b.checkout(2001, "2222")
    handover = co_b.start_pickup(view, {1: 2}, code=order.pickup_code)
    assert handover.due == total - 100  # B asks only for the rest
    co_b.pay_cash(Money(total - 100, "CNY"))
    co_b.complete()
    assert b.engine.run_once().pushed == 1
    after = b.engine.fetch_order(order.order_no)
    assert after.status == "collected" and after.paid_at_pickup == total - 100
    assert held_at(url, "S2") == 0
    raw = a.store.conn.execute("SELECT payload FROM outbox WHERE event_id = ?",
                               (done.event_id,)).fetchone()[0]
    assert PHONE not in raw and json.loads(raw)["total"] == 100


def test_offline_the_till_cannot_order_from_another_store(live, tills):
    url, injector = live
    a, _ = tills
    s2 = other_store(a)
    co = a.checkout(1001, "1111")
    injector.configure(1.0, ("drop_request",))  # the network goes
    with pytest.raises(Unavailable) as exc:
        Aisle(co, a.engine, a.engine).order(MILK, s2, qty=1, paid_now=None, name="陈静",
                                            phone=PHONE)
    assert exc.value.code == "aisle_offline"
    assert co.aisle == [] and co.basket_empty
    injector.heal()
    assert held_at(url, "S2") == 0


def test_a_store_that_no_longer_has_enough_says_what_it_has_free(live, tills):
    url, _ = live
    a, _ = tills
    s2 = other_store(a)  # 7 free when F12 looked
    r = httpx.post(f"{url}/v1/reservations", headers=ADMIN, json={
        "request_id": "7d1c4f7e-8a55-4f43-9f39-2b1f0b0f7a11", "store_id": "S2",
        "lines": [{"product_id": MILK, "qty": 4}]})  # the web shop takes 4 meanwhile
    assert r.status_code == 201, r.text
    co = a.checkout(1001, "1111")
    with pytest.raises(InvalidInput) as exc:
        Aisle(co, a.engine, a.engine).order(MILK, s2, qty=5, paid_now=None, name="陈静",
                                            phone=PHONE)
    assert exc.value.code == "aisle_stock_short" and exc.value.details["available"] == 3
    assert str(exc.value) == "That store does not have enough: only 3 can be ordered now"
    assert co.aisle == [] and held_at(url, "S2") == 4


def test_a_voided_sale_gives_its_hold_up(live, tills):
    url, _ = live
    a, _ = tills
    s2 = other_store(a)
    co = a.checkout(1001, "1111")
    aisle = Aisle(co, a.engine, a.engine)
    aisle.order(MILK, s2, qty=3, paid_now=None, name="陈静", phone=PHONE)
    assert held_at(url, "S2") == 3
    orders = list(co.aisle)
    co.void_sale(reason="customer changed their mind")
    assert co.basket_empty
    assert aisle.release(orders) == 1  # as the window does after a void, in a worker
    assert held_at(url, "S2") == 0
    assert aisle.release(orders) == 1  # again: nothing more to give up, no error
