"""A web checkout end to end (issue 18): the channel reserves at a store, confirms into a
pick-up order, the store's till gets the order in its pick-up list through its feed and hands it
over, and the units the order held go when the hand-over reaches the central. Real till
database, the till's app layer and sync, the real central over HTTP, SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

from central_kit import MILK, MemoryKeyring, level
from stock_kit import CODE, assert_held_invariant, pickup_order

from posclient.app.checkout import Checkout
from posclient.app.orders import OrderBook
from posclient.app.staff import StaffService
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.clock import ManualClock
from posclient.store.db import Store
from sync.credentials import TokenStore
from sync.engine import SyncEngine
from sync.enrol import enrol


def test_a_confirmed_reservation_is_a_pickup_the_stores_till_hands_over(shop, tmp_path):
    r = shop.http.post("/v1/reservations", headers=shop.admin, json={
        "request_id": str(uuid.uuid4()), "store_id": "S1",
        "lines": [{"sku": "100001", "qty": 2}, {"sku": "100002", "qty": 1}]})
    assert r.status_code == 201, r.text
    rid = r.json()["reservation_id"]
    assert assert_held_invariant(shop) == {("S1", MILK): 2, ("S1", 2): 1}
    r = shop.http.post(f"/v1/reservations/{rid}/confirm", headers=shop.admin,
                       json=pickup_order("W600", lines=[("100001", 2)]))
    assert r.status_code == 200 and r.json()["status"] == "confirmed", r.text
    assert assert_held_invariant(shop) == {("S1", MILK): 2}  # now the order's, no gap

    shop.admin_post("/staff", {"id": 1001, "name": "李娜", "role": "cashier", "pin": "1111",
                               "store_id": "S1"})
    db = tmp_path / "till.db"
    Store.open(db).close()
    tokens, clock = TokenStore(MemoryKeyring()), ManualClock()
    enrol(db, shop.url, shop.enrolment_code("S1"), "front", tokens=tokens, clock=clock)
    engine = SyncEngine(db, tokens=tokens, clock=clock)
    engine.run_once()  # the order arrives with the store's feed
    with Store.open(db) as store:
        book = OrderBook(store.conn, clock)
        view = book.view("W600")
        assert view is not None and not view.fully_collected
        staff = StaffService(store, clock)
        co = Checkout(store, staff, staff.login(1001, "1111"), clock=clock,
                      payments=SimulatedPaymentTerminal(()))
        handover = co.start_pickup(view, {1: 2}, code=CODE)
        assert handover.due == 0  # paid online in full
        co.complete()
    assert engine.run_once().pushed == 1
    assert engine.fetch_order("W600").status == "collected"
    assert assert_held_invariant(shop) == {}
    assert level(shop, "S1", MILK) == 98
    answer = shop.http.post("/v1/availability", headers=shop.admin, json={
        "store_id": "S1", "lines": [{"sku": "100001"}]}).json()
    assert answer["stores"][0]["lines"][0]["available"] == 98
