"""Reservations (issue 18): a checkout holds stock at a store, all lines or none, idempotent on
its request id, never promising more than is available however many race for it; a hold ends
confirmed into a pick-up order the store's till hands over, released, or expired by the
central's sweeper. Real central over HTTP, SQLite and PostgreSQL; held stock checked against
the orders and reservations after each scenario."""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
from central_kit import ADMIN_TOKEN, BREAD, GUM, MILK, RICE, seed_shop, serve_app
from stock_kit import assert_held_invariant, pickup_order

from posclient.domain.clock import ManualClock
from sync.central import feed, held, reservations
from sync.central.api import create_app


def reserve(central, lines, *, store_id="S1", headers=None, request_id=None, expect=201,
            **extra):
    body = {"request_id": str(request_id or uuid.uuid4()), "store_id": store_id,
            "lines": lines, **extra}
    r = central.http.post("/v1/reservations", json=body,
                          headers=central.admin if headers is None else headers)
    assert r.status_code == expect, r.text
    return r.json()


def act(central, rid, action, body=None, headers=None, expect=200):
    r = central.http.post(f"/v1/reservations/{rid}/{action}", json=body,
                          headers=central.admin if headers is None else headers)
    assert r.status_code == expect, r.text
    return r.json()


def test_fifty_checkouts_racing_for_the_last_ten_units_get_exactly_ten(shop):
    start = threading.Barrier(50)

    def checkout(n):
        with httpx.Client(base_url=shop.url, timeout=120, headers=shop.admin) as http:
            start.wait()
            r = http.post("/v1/reservations", json={
                "request_id": str(uuid.uuid4()), "store_id": "S1",
                "lines": [{"sku": "100004", "qty": 1}]})
            return r.status_code, r.json()

    with ThreadPoolExecutor(50) as pool:
        answers = list(pool.map(checkout, range(50)))
    codes = sorted(code for code, _ in answers)
    assert codes == [201] * 10 + [409] * 40, [b for c, b in answers if c not in (201, 409)]
    short = [b for c, b in answers if c == 409]
    assert {b["error"] for b in short} == {"stock_short"}
    assert all(b["lines"][0]["sku"] == "100004" and b["detail"] for b in short)
    assert assert_held_invariant(shop) == {("S1", RICE): 10}
    r = shop.http.post("/v1/availability", headers=shop.admin,
                       json={"store_id": "S1", "lines": [{"sku": "100004"}]})
    assert r.json()["stores"][0]["lines"][0]["available"] == 0


def test_the_same_request_again_gets_the_same_reservation_and_holds_nothing_more(shop):
    rid = uuid.uuid4()
    lines = [{"sku": "100001", "qty": 4}, {"product_id": BREAD, "qty": 2}]
    first = reserve(shop, lines, request_id=rid, hold_seconds=600, order_no="W77")
    assert first["status"] == "held" and first["holder"] == "admin"
    assert [(ln["line_id"], ln["product_id"], ln["qty"]) for ln in first["lines"]] == [
        (1, MILK, 4), (2, BREAD, 2)]
    assert first["order_no"] == "W77"
    again = reserve(shop, lines, request_id=rid, hold_seconds=600, expect=200)
    assert again == first
    assert assert_held_invariant(shop) == {("S1", MILK): 4, ("S1", BREAD): 2}
    other = reserve(shop, [{"sku": "100001", "qty": 5}], request_id=rid, expect=409)
    assert other["error"] == "request_id_reused"
    elsewhere = reserve(shop, lines, request_id=rid, store_id="S2", expect=409)
    assert elsewhere["error"] == "request_id_reused"
    till = shop.enrol("S2")  # another holder's request ids are its own
    mine = reserve(shop, [{"sku": "100001", "qty": 1}], request_id=rid, headers=till.auth)
    assert mine["holder"] == f"till:S2/{till.terminal_id}" and mine["store_id"] == "S1"
    assert assert_held_invariant(shop) == {("S1", MILK): 5, ("S1", BREAD): 2}


def test_a_short_line_holds_nothing_at_all_and_safety_stock_is_kept_back(shop):
    shop.admin_post("/safety-stock", {"rules": [{"product_id": BREAD, "store_id": "S1",
                                                 "qty": 5}]})
    body = reserve(shop, [{"sku": "100001", "qty": 2}, {"sku": "100002", "qty": 16},
                          {"sku": "100004", "qty": 11, "line_id": 9}], expect=409)
    assert body["error"] == "stock_short" and "nothing was held" in body["detail"]
    assert [(ln["line_id"], ln["sku"], ln["wanted"], ln["available"])
            for ln in body["lines"]] == [(2, "100002", 16, 15), (9, "100004", 11, 10)]
    assert assert_held_invariant(shop) == {}
    reserve(shop, [{"sku": "100002", "qty": 15}])
    assert reserve(shop, [{"sku": "100002", "qty": 1}], expect=409)["lines"][0][
        "available"] == 0
    unknown = reserve(shop, [{"sku": "100001"}], store_id="NOPE", expect=404)
    assert unknown["error"] == "store_unknown"
    assert reserve(shop, [{"sku": "424242"}], expect=404)["error"] == "product_unknown"
    assert reserve(shop, [{"sku": "100001"}], hold_seconds=5, expect=422)["error"] == \
        "invalid_request"
    assert assert_held_invariant(shop) == {("S1", BREAD): 15}


def test_expired_holds_are_released_by_the_sweep_and_cannot_be_confirmed(shop):
    a = reserve(shop, [{"sku": "100001", "qty": 3}], hold_seconds=60)
    b = reserve(shop, [{"sku": "100001", "qty": 2}], hold_seconds=600)
    shop.clock.advance(seconds=59)
    assert reservations.sweep(shop.engine, shop.clock.now()) == 0
    shop.clock.advance(seconds=1)
    refused = act(shop, a["reservation_id"], "confirm", pickup_order("W1"), expect=409)
    assert refused["error"] == "reservation_expired"  # past its time, not swept yet
    assert reservations.sweep(shop.engine, shop.clock.now(), batch=1) == 1
    assert assert_held_invariant(shop) == {("S1", MILK): 2}
    gone = shop.http.get(f"/v1/reservations/{a['reservation_id']}", headers=shop.admin).json()
    assert gone["status"] == "expired"
    assert act(shop, a["reservation_id"], "release")["status"] == "expired"
    shop.clock.advance(seconds=600)
    assert reservations.sweep(shop.engine, shop.clock.now(), batch=1) == 1
    assert assert_held_invariant(shop) == {}
    assert b["status"] == "held"


def test_only_the_holder_or_the_admin_sees_and_ends_a_reservation(shop):
    s1, s2 = shop.enrol("S1"), shop.enrol("S2")
    held = reserve(shop, [{"sku": "100005", "qty": 5}], headers=s1.auth)
    rid = held["reservation_id"]
    for path in (f"/v1/reservations/{rid}",):
        r = shop.http.get(path, headers=s2.auth)
        assert (r.status_code, r.json()["error"]) == (404, "reservation_unknown")
    assert act(shop, rid, "release", headers=s2.auth, expect=404)["error"] == \
        "reservation_unknown"
    assert shop.http.get(f"/v1/reservations/{rid}", headers=shop.admin).json() == held
    assert shop.http.get(f"/v1/reservations/{uuid.uuid4()}", headers=s1.auth
                         ).status_code == 404
    released = act(shop, rid, "release", headers=s1.auth)
    assert released["status"] == "released"
    assert act(shop, rid, "release", headers=s1.auth) == released  # again: as it is
    assert act(shop, rid, "confirm", pickup_order("W5", lines=[("100005", 5)]),
               headers=s1.auth, expect=409)["error"] == "reservation_released"
    assert assert_held_invariant(shop) == {}
    assert shop.http.post("/v1/reservations", json={}).status_code == 401


def test_a_confirmed_order_must_be_a_pickup_at_the_store_within_the_reservation(shop):
    rid = reserve(shop, [{"sku": "100001", "qty": 2}, {"sku": "100005", "qty": 1}])[
        "reservation_id"]
    for order in (pickup_order("W1", store_id="S2", lines=[("100001", 2)]),
                  pickup_order("W1", lines=[("100001", 3)]),
                  pickup_order("W1", lines=[("100001", 1), ("100002", 1)])):
        assert act(shop, rid, "confirm", order, expect=422)["error"] == "order_not_reserved"
    bad = pickup_order("W1", lines=[("100001", 2)], payments=[])
    assert act(shop, rid, "confirm", bad, expect=422)["error"] == "order_refused"
    assert assert_held_invariant(shop) == {("S1", MILK): 2, ("S1", GUM): 1}  # still held
    order = pickup_order("W1", lines=[("100001", 2)])  # less than reserved: the rest goes
    done = act(shop, rid, "confirm", order)
    assert (done["status"], done["order_no"]) == ("confirmed", "W1")
    assert act(shop, rid, "confirm", order) == done  # again: as it is
    assert act(shop, rid, "release", expect=409)["error"] == "reservation_confirmed"
    assert assert_held_invariant(shop) == {("S1", MILK): 2}


def test_a_confirm_racing_the_expiry_either_confirms_or_expires_never_both(shop):
    ids = [reserve(shop, [{"sku": "100001", "qty": 1}], hold_seconds=60)["reservation_id"]
           for _ in range(8)]
    shop.clock.advance(seconds=59, microseconds=999_000)
    start = threading.Barrier(len(ids) + 1)

    def confirm(n, rid):
        with httpx.Client(base_url=shop.url, timeout=60, headers=shop.admin) as http:
            start.wait()
            return http.post(f"/v1/reservations/{rid}/confirm",
                             json=pickup_order(f"R{n}", lines=[("100001", 1)])).status_code

    def expire():
        start.wait()
        return reservations.sweep(shop.engine, shop.clock.now() + timedelta(seconds=1))

    with ThreadPoolExecutor(len(ids) + 1) as pool:
        confirms = [pool.submit(confirm, n, rid) for n, rid in enumerate(ids)]
        expired = pool.submit(expire).result()
        codes = [f.result() for f in confirms]
    assert set(codes) <= {200, 409}
    assert codes.count(200) + expired == len(ids)
    statuses = [shop.http.get(f"/v1/reservations/{rid}", headers=shop.admin).json()["status"]
                for rid in ids]
    assert sorted(statuses) == sorted(["confirmed"] * codes.count(200) + ["expired"] * expired)
    assert assert_held_invariant(shop) == ({("S1", MILK): codes.count(200)}
                                           if codes.count(200) else {})


def test_the_running_central_releases_an_expired_hold_within_seconds(central_engine):
    clock = ManualClock()
    with feed.transaction(central_engine, clock.now()) as tx:
        seed_shop(tx)
    app = create_app(central_engine, clock=clock)
    with serve_app(app, lifespan="on") as url, httpx.Client(base_url=url, timeout=30) as http:
        auth = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        r = http.post("/v1/reservations", headers=auth, json={
            "request_id": str(uuid.uuid4()), "store_id": "S1", "hold_seconds": 60,
            "lines": [{"sku": "100001", "qty": 7}]})
        assert r.status_code == 201, r.text
        rid = r.json()["reservation_id"]
        time.sleep(1.5)  # the sweeper ran at least once: not expired yet
        assert http.get(f"/v1/reservations/{rid}", headers=auth).json()["status"] == "held"
        clock.advance(seconds=60)
        deadline = time.monotonic() + 5
        while http.get(f"/v1/reservations/{rid}", headers=auth).json()["status"] == "held":
            assert time.monotonic() < deadline, "not expired within 5 s"
            time.sleep(0.1)
        with central_engine.connect() as conn:
            assert held.stored(conn) == {} == held.recount(conn)
