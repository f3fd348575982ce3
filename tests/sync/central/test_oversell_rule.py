"""An offline oversell settled by the chain's rule (issue 18). A sale at the till stands; the
store's pick-up orders and reservations of the product it can no longer keep are re-routed to
the nearest store of its group that has them free (the order appears in that store's till's
pick-up list and is handed over there; a reservation confirms there), or flagged for the
store's manager, grouped per store, product and day. Real central over HTTP, real till
database for the hand-over, SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from central_kit import BREAD, MILK, RICE, enrolled_till, sale_event, seed_shop, serve_app
from sqlalchemy import func, select
from stock_kit import CODE, assert_held_invariant, pickup_order

from posclient.app.checkout import Checkout
from posclient.app.orders import OrderBook
from posclient.app.staff import StaffService
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.clock import ManualClock
from posclient.domain.errors import NotFound
from posclient.store.db import Store
from sync.central import entities, feed, ledger, oversell
from sync.central.api import create_app
from sync.central.schema import exceptions, oversell_actions, oversell_queue
from sync.protocol.clock import SystemClock

# Shanghai (S2), Suzhou (S3, ~80 km) and Beijing (S1, ~1,070 km): one group, "east".
PLACES = {"S1": (39.9042, 116.4074), "S2": (31.2304, 121.4737), "S3": (31.2989, 120.5853)}


@pytest.fixture
def chain(central):
    """S1 and S2 as the small shop has them (S2: 3 loaves, 7 milks), and S3 with 5 loaves,
    all three in group ``east`` with their positions."""
    with feed.transaction(central.engine, central.clock.now()) as tx:
        seed_shop(tx, {"S1": {MILK: 100, BREAD: 20, RICE: 10}, "S2": {MILK: 7, BREAD: 3},
                       "S3": {BREAD: 5}})
    for store, (lat, lon) in PLACES.items():
        central.admin_post(f"/stores/{store}/place",
                           {"group": "east", "latitude": lat, "longitude": lon})
    return central


def order(central, order_no, store_id, lines, created_at=None):
    extra = {"created_at": created_at} if created_at else {}
    report = central.admin_post("/orders", {"orders": [pickup_order(
        order_no, store_id, lines, **extra)]})
    assert report["rejected"] == [], report


def read_order(central, order_no):
    r = central.http.get(f"/v1/admin/orders/{order_no}", headers=central.admin)
    assert r.status_code == 200, r.text
    return r.json()


def sell(till, seq, lines):
    """A sale the till made offline, uploaded now; ``lines``: (product, qty)."""
    r = till.send([sale_event(till.store_id, seq, lines,
                              receipt_no=f"{till.store_id}-{till.terminal_id}-{seq:06d}")])
    assert r.status_code == 200 and r.json()["results"][0]["status"] == "accepted", r.text
    return r.json()["results"][0]


def settled_exceptions(central, store_id):
    r = central.http.get("/v1/admin/exceptions", headers=central.admin,
                         params={"store_id": store_id})
    assert r.status_code == 200, r.text
    return [e for e in r.json() if e["kind"] == "oversell_settled"]


def state(central):
    """What a settlement may change: orders' stores, held stock, reservations, the record."""
    with central.engine.connect() as conn:
        return (assert_held_invariant(central),
                conn.execute(select(oversell_actions.c.id, oversell_actions.c.hold_ref,
                                    oversell_actions.c.action)).all(),
                conn.execute(select(exceptions.c.id, exceptions.c.count, exceptions.c.detail)
                             .order_by(exceptions.c.id)).all(),
                conn.execute(select(oversell_queue.c.store_id)).all())


def test_two_offline_tills_sell_the_last_units_and_the_pickup_moves_to_the_nearest_store(
        chain, tmp_path):
    order(chain, "W1", "S2", [("100002", 2)])  # 2 of S2's 3 loaves promised
    chain.admin_post("/staff", {"id": 1001, "name": "李娜", "role": "cashier", "pin": "1111",
                                "store_id": "S3"})
    b_till = enrolled_till(chain, tmp_path / "s3.db", "S3", clock=ManualClock())
    b_till.run_once()
    with Store.open(tmp_path / "s3.db") as store, pytest.raises(NotFound):
        OrderBook(store.conn, ManualClock()).view("W1")  # S2's order: not in S3's till

    front, back = chain.enrol("S2", "front"), chain.enrol("S2", "back")
    sell(front, 1, [(BREAD, 2)])  # both offline all morning: 3 loaves sold, none left
    first = sell(back, 1, [(BREAD, 1)])
    assert first["exceptions"] == []  # at 0, not below: the sales are simply accepted
    assert oversell.pending(chain.engine) == [("S2", BREAD)]  # one row, however many sales

    (done,) = oversell.settle(chain.engine, chain.clock.now())
    assert (done.store_id, done.product_id, done.short) == ("S2", BREAD, 2)
    assert [(a.ref, a.action, a.to_store) for a in done.actions] == [("W1", "rerouted", "S3")]
    assert oversell.pending(chain.engine) == []
    web = read_order(chain, "W1")  # the web shop sees where it is now, and why
    assert web["order"]["store_id"] == "S3"
    assert [(m["action"], m["from_store"], m["to_store"], m["product_id"])
            for m in web["moves"]] == [("rerouted", "S2", "S3", BREAD)]
    assert assert_held_invariant(chain) == {("S3", BREAD): 2}
    (x,) = settled_exceptions(chain, "S2")  # S2's manager sees what moved
    assert x["count"] == 1 and x["detail"]["product_id"] == BREAD
    assert x["detail"]["moved"][0] | {"at": None} == {
        "kind": "order", "ref": "W1", "to_store": "S3", "units": 2, "at": None}
    assert x["detail"]["needs_manager"] == [] and "W1" in x["detail"]["message"]
    shown = front.get("/v1/store/reconciliation", day="2026-11-23").json()["exceptions"]
    assert [e["id"] for e in shown if e["kind"] == "oversell_settled"] == [x["id"]]
    s2_feed = front.get("/v1/changes", after=0, limit=1000).json()["changes"]
    assert [c["op"] for c in s2_feed if c["entity"] == "order"] == ["upsert", "delete"]

    b_till.run_once()  # W1 arrives with S3's feed, and S3's till hands it over
    clock = ManualClock()
    with Store.open(tmp_path / "s3.db") as store:
        book = OrderBook(store.conn, clock)
        assert book.find("W1") == ["W1"]
        staff = StaffService(store, clock)
        co = Checkout(store, staff, staff.login(1001, "1111"), clock=clock,
                      payments=SimulatedPaymentTerminal(()))
        co.start_pickup(book.view("W1"), {1: 2}, code=CODE)
        co.complete()
    assert b_till.run_once().pushed == 1
    assert read_order(chain, "W1")["order"]["status"] == "collected"
    assert assert_held_invariant(chain) == {}


def test_as_few_holds_as_needed_move_the_newest_first(chain):
    order(chain, "W1", "S2", [("100002", 1)], created_at="2026-11-23T08:00:00Z")
    order(chain, "W2", "S2", [("100002", 1)], created_at="2026-11-23T08:30:00")  # UTC
    r = chain.http.post("/v1/reservations", headers=chain.admin, json={  # 09:00, the newest
        "request_id": str(uuid.uuid4()), "store_id": "S2", "lines": [{"sku": "100002"}]})
    assert r.status_code == 201, r.text
    till = chain.enrol("S2")
    sell(till, 1, [(BREAD, 2)])  # 1 left, 3 promised: two promises too many
    (done,) = oversell.settle(chain.engine, chain.clock.now())
    assert [(a.kind, a.ref, a.to_store) for a in done.actions] == [
        ("reservation", r.json()["reservation_id"], "S3"), ("order", "W2", "S3")]
    assert read_order(chain, "W1")["order"]["store_id"] == "S2"
    assert assert_held_invariant(chain) == {("S2", BREAD): 1, ("S3", BREAD): 2}


def test_with_no_store_able_to_take_it_the_order_is_flagged_for_the_manager_and_stays(chain):
    order(chain, "W7", "S1", [("100004", 2), ("100001", 1)])  # rice: only S1 has any
    till = chain.enrol("S1")
    sell(till, 1, [(RICE, 9)])
    (done,) = oversell.settle(chain.engine, chain.clock.now())
    assert [(a.ref, a.action, a.reason) for a in done.actions] == [
        ("W7", "flagged", "no_store")]
    web = read_order(chain, "W7")
    assert web["order"]["store_id"] == "S1"
    assert [(m["action"], m["to_store"]) for m in web["moves"]] == [("flagged", None)]
    assert assert_held_invariant(chain) == {("S1", RICE): 2, ("S1", MILK): 1}
    (x,) = settled_exceptions(chain, "S1")
    assert x["detail"]["needs_manager"] == [
        {"kind": "order", "ref": "W7", "units": 2, "reason": "no_store"}]
    assert x["detail"]["moved"] == [] and x["count"] == 1

    before = state(chain)
    assert oversell.settle(chain.engine, chain.clock.now()) == []  # settling twice: nothing
    sell(till, 2, [(RICE, 1)])  # short again: queued again, and W7 is already listed
    (again,) = oversell.settle(chain.engine, chain.clock.now())
    assert again.actions == [] and again.short == 2
    assert state(chain) == before


def test_settling_twice_changes_nothing(chain):
    order(chain, "W1", "S2", [("100002", 2)])
    sell(chain.enrol("S2"), 1, [(BREAD, 3)])
    assert len(oversell.settle(chain.engine, chain.clock.now())) == 1
    before = state(chain)
    assert oversell.settle(chain.engine, chain.clock.now()) == []
    assert oversell.settle_one(chain.engine, "S2", BREAD, chain.clock.now()) is None
    assert state(chain) == before


def test_the_flag_rule_only_flags(chain):
    r = chain.http.put("/v1/admin/oversell-rule", headers=chain.admin, json={"rule": "flag"})
    assert r.status_code == 200 and r.json() == {"rule": "flag"}, r.text
    bad = chain.http.put("/v1/admin/oversell-rule", headers=chain.admin, json={"rule": "x"})
    assert bad.status_code == 422
    order(chain, "W1", "S2", [("100002", 2)])
    sell(chain.enrol("S2"), 1, [(BREAD, 3)])
    (done,) = oversell.settle(chain.engine, chain.clock.now())
    assert [(a.ref, a.action, a.reason) for a in done.actions] == [
        ("W1", "flagged", "rule_flag")]
    assert read_order(chain, "W1")["order"]["store_id"] == "S2"
    assert assert_held_invariant(chain) == {("S2", BREAD): 2}
    assert chain.http.get("/v1/admin/oversell-rule", headers=chain.admin).json() == {
        "rule": "flag"}


def test_a_rerouted_reservation_confirms_at_its_new_store(chain):
    r = chain.http.post("/v1/reservations", headers=chain.admin, json={
        "request_id": str(uuid.uuid4()), "store_id": "S2", "lines": [{"sku": "100002",
                                                                       "qty": 2}]})
    assert r.status_code == 201, r.text
    rid = r.json()["reservation_id"]
    sell(chain.enrol("S2"), 1, [(BREAD, 2)])
    (done,) = oversell.settle(chain.engine, chain.clock.now())
    assert [(a.kind, a.ref, a.to_store) for a in done.actions] == [("reservation", rid, "S3")]
    got = chain.http.get(f"/v1/reservations/{rid}", headers=chain.admin).json()
    assert (got["store_id"], got["status"]) == ("S3", "held")  # the channel reads it again
    assert assert_held_invariant(chain) == {("S3", BREAD): 2}
    there = chain.http.post(f"/v1/reservations/{rid}/confirm", headers=chain.admin,
                            json=pickup_order("W9", "S2", [("100002", 2)]))
    assert there.status_code == 422 and there.json()["error"] == "order_not_reserved"
    ok = chain.http.post(f"/v1/reservations/{rid}/confirm", headers=chain.admin,
                         json=pickup_order("W9", "S3", [("100002", 2)]))
    assert ok.status_code == 200 and ok.json()["status"] == "confirmed", ok.text
    assert assert_held_invariant(chain) == {("S3", BREAD): 2}


def test_a_store_in_no_group_flags_and_safety_stock_is_not_promised(chain):
    chain.admin_post("/safety-stock", {"rules": [{"product_id": BREAD, "store_id": "S3",
                                                  "qty": 4}]})  # S3 keeps 4 of its 5 back
    order(chain, "W1", "S2", [("100002", 2)])
    sell(chain.enrol("S2"), 1, [(BREAD, 3)])
    (done,) = oversell.settle(chain.engine, chain.clock.now())
    assert [(a.ref, a.to_store) for a in done.actions] == [("W1", "S1")]  # S3: 1 free only
    chain.admin_post("/stores/S1/place", {"group": ""})
    order(chain, "W2", "S1", [("100002", 1)])
    sell(chain.enrol("S1"), 1, [(BREAD, 19)])  # 20 - 19 = 1 left, 3 promised
    (done,) = oversell.settle(chain.engine, chain.clock.now())
    assert sorted((a.ref, a.action, a.reason) for a in done.actions) == [
        ("W1", "flagged", "no_group"), ("W2", "flagged", "no_group")]


def test_the_central_settles_by_itself_within_seconds(chain):
    order(chain, "W1", "S2", [("100002", 2)])
    app = create_app(chain.engine, clock=SystemClock())
    with serve_app(app, lifespan="on") as url, httpx.Client(base_url=url, timeout=30) as http:
        till = chain.enrol("S2")
        r = http.post("/v1/events", headers=till.auth, json={"events": [sale_event(
            "S2", 1, [(BREAD, 3)], receipt_no="S2-X-1")]})
        assert r.status_code == 200, r.text
        deadline = time.monotonic() + 10
        while read_order(chain, "W1")["order"]["store_id"] != "S3":
            assert time.monotonic() < deadline, "not settled within 10 s"
            time.sleep(0.1)
    with chain.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(oversell_queue)) == 0


def test_a_partly_collected_order_is_not_split_but_flagged(chain):
    order(chain, "W5", "S2", [("100002", 2)])
    till = chain.enrol("S2")
    ev = sale_event("S2", 1, [(BREAD, 1)], receipt_no="S2-P-000001", order_no="W5",
                    tenders=[{"kind": "web", "amount": 100, "reference": "W5"}])
    ev["type"] = "pickup"
    ev["payload"]["lines"][0]["order_line_no"] = 1
    r = till.send([ev])  # one loaf handed over: 2 on the shelf, 1 still promised
    assert r.json()["results"][0]["status"] == "accepted", r.text
    assert read_order(chain, "W5")["order"]["status"] == "partly_collected"
    sell(till, 2, [(BREAD, 2)])
    (done,) = oversell.settle(chain.engine, chain.clock.now())
    assert [(a.ref, a.action, a.reason, a.units) for a in done.actions] == [
        ("W5", "flagged", "partly_collected", 1)]
    assert read_order(chain, "W5")["order"]["store_id"] == "S2"
    assert assert_held_invariant(chain) == {("S2", BREAD): 1}


def test_settlers_racing_over_one_queue_settle_each_shortfall_once(chain):
    """Shortfalls at S1 and S2 whose holds all go to S3 (and S1's milk to S2), settled by
    four settlers at once: no deadlock, each once, S3 never promises more than it has."""
    with feed.transaction(chain.engine, chain.clock.now()) as tx:
        entities.set_stock_records(tx, enumerate([{"product_id": MILK, "qty": 50}]),
                                   store_id="S3")
    for n in range(3):
        order(chain, f"A{n}", "S1", [("100002", 1), ("100001", 1)])
        order(chain, f"B{n}", "S2", [("100002", 1), ("100001", 1)])
    sell(chain.enrol("S1"), 1, [(BREAD, 20), (MILK, 100)])
    sell(chain.enrol("S2"), 1, [(BREAD, 3), (MILK, 7)])
    assert len(oversell.pending(chain.engine)) == 4
    start = threading.Barrier(4)

    def settler(_):
        start.wait()
        return oversell.settle(chain.engine, chain.clock.now())

    with ThreadPoolExecutor(4) as pool:
        done = [s for batch in pool.map(settler, range(4)) for s in batch]
    assert sorted((s.store_id, s.product_id) for s in done) == [
        ("S1", MILK), ("S1", BREAD), ("S2", MILK), ("S2", BREAD)]
    assert oversell.pending(chain.engine) == []
    stored = assert_held_invariant(chain)
    assert stored.get(("S3", BREAD), 0) <= 5
    moved = {a.ref for s in done for a in s.actions if a.action == "rerouted"}
    flagged = {a.ref for s in done for a in s.actions if a.action == "flagged"}
    assert len(moved) == 5 and moved | flagged == {f"{x}{n}" for x in "AB" for n in range(3)}
    for no in moved:
        assert read_order(chain, no)["order"]["store_id"] == "S3"


def test_a_sale_landing_while_a_settlement_waits_for_the_level_widens_it(chain):
    """The settler locks only the newest holds that cover the shortfall it reads; a sale
    committed while it waits for the level's lock makes the shortfall bigger, and the
    settlement runs again with more holds (PostgreSQL: SQLite has one writer)."""
    if chain.backend != "postgresql":
        pytest.skip("needs two writers at once")
    order(chain, "W1", "S2", [("100002", 1)], created_at="2026-11-23T08:00:00Z")
    order(chain, "W2", "S2", [("100002", 1)], created_at="2026-11-23T08:30:00Z")
    sell(chain.enrol("S2"), 1, [(BREAD, 2)])  # 1 left, 2 promised: W2 would do
    with ThreadPoolExecutor(1) as pool:
        with feed.transaction(chain.engine, chain.clock.now()) as tx:
            ledger.move(tx, "S2", [(BREAD, -1)], reason="sale")  # not committed yet: 0 left
            blocker = int(tx.conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())
            running = pool.submit(oversell.settle, chain.engine, chain.clock.now())
            _waits_for(chain, blocker, running)
        (done,) = running.result(timeout=60)
    assert sorted(a.ref for a in done.actions) == ["W1", "W2"] and done.short == 2
    assert assert_held_invariant(chain) == {("S3", BREAD): 2}


def _waits_for(central, blocker: int, running) -> None:
    """Until a backend waits for a lock that ``blocker`` holds (a minute at most: a loaded
    machine, the suite's other workers, may keep the settler from its first query a while)."""
    deadline = time.monotonic() + 60
    with central.engine.connect() as watch:
        while not watch.exec_driver_sql(
                "SELECT count(*) FROM pg_stat_activity "
                f"WHERE {blocker} = ANY(pg_blocking_pids(pid))").scalar():
            assert time.monotonic() < deadline and not running.done(), "the settler never waited"
            time.sleep(0.02)
