"""Orders placed at the till for another store (issue 18, endless aisle), at the central: a sale
event of store S1's till carrying an order for pick-up at S2 becomes a pick-up order in S2's
feed, paid by the store payment, its customer sealed to the central; S1's stock moves for its
own goods only and S1's day adds up to what its till took; the same event twice is one order;
S2's real till hands it over and takes the rest. Real central over HTTP, SQLite and PostgreSQL.
"""

from __future__ import annotations

import base64
import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from central_kit import BREAD, MILK, MemoryKeyring, level, sale_event
from sqlalchemy import select
from stock_kit import assert_held_invariant

from posclient.app.checkout import Checkout
from posclient.app.orders import OrderBook
from posclient.app.staff import StaffService
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.clock import ManualClock
from posclient.domain.money import Money
from posclient.domain.privacy import phone_digest
from posclient.store.db import Store
from sync.central import reservations
from sync.central.schema import events, exceptions, order_personal, points_ledger
from sync.credentials import TokenStore
from sync.engine import SyncEngine
from sync.enrol import enrol
from sync.protocol import OrderData, validate_page
from sync.protocol.pickup_codes import pickup_code_phc
from sync.protocol.sealing import seal

CODE = "K7P2Q9"
ORDER_NO = "S1-T01-S1-T01-000001-1"
DAY = "2026-11-23"


def aisle_order(keys: dict[str, Any] | None = None, **changes: Any) -> dict[str, Any]:
    """Two milks at 3.50 for pick-up at S2, 2.00 paid now; the customer sealed with ``keys``
    (the central's, ``GET /v1/keys``), or no phone."""
    order: dict[str, Any] = {
        "order_no": ORDER_NO, "reservation_id": str(uuid.uuid4()), "store_id": "S2",
        "lines": [{"line_no": 1, "product_id": MILK, "sku": "100001", "qty": 2,
                   "unit_price": 350, "total": 700}],
        "total": 700, "paid_now": 200, "pickup_code_phc": pickup_code_phc(ORDER_NO, CODE),
        "customer_name": "陈**"}
    if keys is not None:
        public = base64.b64decode(keys["seal_public_key"])
        order["sealed"] = seal(public, json.dumps({"name": "陈静", "phone": "13900001111"})
                               .encode(), ORDER_NO.encode()).model_dump()
        order["customer_phone_hash"] = phone_digest(base64.b64decode(keys["phone_key"]),
                                                    "13900001111")
        order["customer_phone_last4"] = "1111"
    order.update(changes)
    return order


def sale_with_order(seq: int = 1, **order: Any) -> dict[str, Any]:
    """S1's till sells a bread (1.00) and takes the order's 2.00: 3.00 in cash."""
    return sale_event("S1", seq, [(BREAD, 1)], total=100 + 200,
                      tenders=[{"kind": "cash", "amount": 300}],
                      aisle_orders=[aisle_order(**order)])


def s2_orders(till: Any, **params: Any) -> list[dict[str, Any]]:
    r = till.get("/v1/changes", **params)
    assert r.status_code == 200, r.text
    validate_page(r.json())  # a till of this version takes the page whole
    return [c["data"] for c in r.json()["changes"] if c["entity"] == "order"]


def test_a_deposit_order_from_s1_is_a_pickup_order_in_s2s_feed(shop):
    s1, s2 = shop.enrol("S1"), shop.enrol("S2")
    keys = s1.get("/v1/keys").json()
    r = s1.send([sale_with_order(keys=keys)])
    assert r.status_code == 200 and r.json()["results"][0]["status"] == "accepted", r.text

    [order] = s2_orders(s2, store_orders="true")
    got = OrderData.model_validate(order)
    assert (got.channel, got.status, got.fulfilment, got.store_id) == ("store", "open",
                                                                       "pickup", "S2")
    assert (got.total, got.paid, got.paid_at_pickup) == (700, 200, 0)
    assert [(p.kind, p.amount, p.method, p.reference) for p in got.payments] == [
        ("store", 200, "cash", "S1-T01-000001")]
    assert (got.customer_name, got.customer_phone_last4) == ("陈**", "1111")
    assert got.customer_phone_hash == phone_digest(base64.b64decode(keys["phone_key"]),
                                                   "13900001111")
    assert got.pickup_code_matches(CODE) and not got.pickup_code_matches("AAAAAA")
    assert [(ln.product_id, ln.qty, ln.total, ln.name_en) for ln in got.lines] == [
        (MILK, 2, 700, "Yili Milk 250ml")]
    # S1 sold its bread; nothing moved for the order, at S1 or S2 (S2 hands it over later).
    assert level(shop, "S1", BREAD) == 20 - 1 and level(shop, "S1", MILK) == 100
    assert level(shop, "S2", MILK) == 7
    assert assert_held_invariant(shop) == {("S2", MILK): 2}  # held at S2 for the order
    # The customer is at the central only: opened into order_personal, kept nowhere else.
    with shop.engine.connect() as conn:
        assert conn.execute(select(order_personal.c.name, order_personal.c.phone)).all() == [
            ("陈静", "13900001111")]
        payload = conn.execute(select(events.c.payload)).scalar_one()
    assert "sealed" not in payload and "13900001111" not in payload
    admin = shop.http.get(f"/v1/admin/orders/{ORDER_NO}", headers=shop.admin).json()
    assert admin["customer"] == {"name": "陈静", "phone": "13900001111", "address": ""}
    # S1's day: the money its till took, goods and deposit, as its till counts it.
    totals = s1.get("/v1/store/reconciliation", day=DAY).json()["totals"]
    assert (totals["sales_count"], totals["sales_total"]) == (1, 300)
    assert totals["tenders"]["cash"]["sales"] == 300
    assert (totals["aisle_count"], totals["aisle_paid"]) == (1, 200)  # of the 300
    assert sum(totals["categories"].values()) == 100  # the bread


def test_the_same_event_twice_makes_one_order_and_a_taken_number_is_not_overwritten(shop):
    s1, s2 = shop.enrol("S1"), shop.enrol("S2")
    event = sale_with_order()
    assert s1.send([event]).json()["results"][0]["status"] == "accepted"
    assert s1.send([event]).json()["results"][0]["status"] == "duplicate"
    other = sale_with_order(seq=2, paid_now=700)  # a new event reusing the order's number
    other["payload"]["total"] = 800
    other["payload"]["tenders"] = [{"kind": "cash", "amount": 800}]
    result = s1.send([other]).json()["results"][0]
    assert result["status"] == "accepted"
    assert result["exceptions"] == [f"aisle_order_exists:{ORDER_NO}"]
    [order] = s2_orders(s2, store_orders="true")
    assert order["paid"] == 200  # the first one stands


def test_an_order_only_sale_and_a_till_older_than_store_orders(shop):
    """A sale with no goods of its own; a till that does not say ``store_orders=true`` reads
    the order as a web order paid online, in the feed, the snapshot and ``GET /v1/orders``."""
    s1, s2 = shop.enrol("S1"), shop.enrol("S2")
    event = sale_event("S1", 1, [], total=200, tenders=[{"kind": "card", "amount": 200}],
                       aisle_orders=[aisle_order()])
    assert s1.send([event]).json()["results"][0]["status"] == "accepted"
    [old] = s2_orders(s2)
    assert old["channel"] == "web" and [p["kind"] for p in old["payments"]] == ["online"]
    assert old["paid"] == 200 and old["payments"][0]["reference"] == "S1-T01-000001"
    r = s2.get(f"/v1/orders/{ORDER_NO}")
    assert r.status_code == 200 and r.json()["channel"] == "web"
    assert s2.get(f"/v1/orders/{ORDER_NO}", store_orders="true").json()["channel"] == "store"
    for params, channel in (({}, "web"), ({"store_orders": "true"}, "store")):
        lines = [json.loads(line) for line in s2.get("/v1/snapshot", **params).text.splitlines()]
        [record] = [rec["data"] for rec in lines[1:] if rec.get("entity") == "order"]
        assert record["channel"] == channel and record["order_no"] == ORDER_NO
    assert level(shop, "S1", MILK) == 100 and level(shop, "S1", BREAD) == 20
    totals = s1.get("/v1/store/reconciliation", day=DAY).json()["totals"]
    assert (totals["sales_total"], totals["tenders"]["card"]["sales"]) == (200, 200)


def test_an_order_for_a_store_the_central_does_not_know_is_filed_for_the_seller(shop):
    s1 = shop.enrol("S1")
    result = s1.send([sale_with_order(store_id="S9")]).json()["results"][0]
    assert result["status"] == "accepted"
    assert result["exceptions"] == [f"aisle_store_unknown:{ORDER_NO}"]
    assert level(shop, "S1", BREAD) == 20 - 1  # the sale stands
    assert shop.http.get(f"/v1/admin/orders/{ORDER_NO}", headers=shop.admin).status_code == 404


def test_the_sale_earns_on_its_goods_and_the_order_on_what_was_paid_for_it(shop):
    """A member's sale of 50.00 of bread with an order of 100.00 (40.00 paid now): 50 points
    on the receipt, as without the order, and 40 on the order (1 point a yuan)."""
    shop.admin_post("/entities/member", {"records": [
        {"id": 1, "member_no": "8800000001", "name": "陈静", "phone": "13900002222",
         "tier": "standard", "points": 0, "store_id": "S1"}]})
    s1 = shop.enrol("S1")
    order = aisle_order(member_no="8800000001", lines=[
        {"line_no": 1, "product_id": MILK, "sku": "100001", "qty": 10, "unit_price": 1000,
         "total": 10_000}], total=10_000, paid_now=4_000)
    event = sale_event("S1", 1, [(BREAD, 50)], total=5_000 + 4_000, member_no="8800000001",
                       tenders=[{"kind": "cash", "amount": 9_000}], aisle_orders=[order])
    assert s1.send([event]).json()["results"][0]["status"] == "accepted"
    with shop.engine.connect() as conn:
        earned = sorted(conn.execute(
            select(points_ledger.c.source_kind, points_ledger.c.source_ref,
                   points_ledger.c.delta).where(points_ledger.c.kind == "earn")).all())
    assert earned == [("order", ORDER_NO, 40), ("receipt", "S1-T01-000001", 50)]


def test_a_sale_with_neither_goods_nor_orders_is_rejected(shop):
    s1 = shop.enrol("S1")
    result = s1.send([sale_event("S1", 1, [], total=0)]).json()["results"][0]
    assert result["status"] == "rejected" and "at least one of its lines" in result["reason"]


def _till(shop, tmp_path):
    """S2's real till, enrolled and synced (as a till before store orders: the central gives
    it the order as a web order paid online, and it hands it over the same way)."""
    shop.admin_post("/staff", {"id": 2001, "name": "王芳", "role": "cashier", "pin": "2222",
                               "store_id": "S2"})
    db = tmp_path / "s2.db"
    Store.open(db).close()
    tokens, clock = TokenStore(MemoryKeyring()), ManualClock()
    enrol(db, shop.url, shop.enrolment_code("S2"), "front", tokens=tokens, clock=clock)
    engine = SyncEngine(db, tokens=tokens, clock=clock)
    engine.run_once()
    return db, engine, clock


def test_s2s_till_hands_the_order_over_and_takes_the_rest(shop, tmp_path):
    s1 = shop.enrol("S1")
    assert s1.send([sale_with_order()]).json()["results"][0]["status"] == "accepted"
    r = s1.get("/v1/returns/purchase", order_no=ORDER_NO)  # nothing collected: nothing back
    assert r.status_code == 409 and r.json()["error"] == "order_not_returnable"
    db, engine, clock = _till(shop, tmp_path)
    with Store.open(db) as store:
        book = OrderBook(store.conn, clock)
        view = book.view(ORDER_NO)  # in the till's pick-up list from the feed
        staff = StaffService(store, clock)
        co = Checkout(store, staff, staff.login(2001, "2222"), clock=clock,
                      payments=SimulatedPaymentTerminal(()))
        handover = co.start_pickup(view, {1: 2}, code=CODE)
        assert (handover.goods, handover.covered, handover.due) == (700, 200, 500)
        co.pay_cash(Money(500, "CNY"))
        co.complete()
    assert engine.run_once().pushed == 1
    order = OrderData.model_validate(
        s1.central.http.get(f"/v1/orders/{ORDER_NO}", params={"store_orders": "true"},
                            headers=shop.enrol("S2").auth).json())
    assert order.status == "collected" and order.paid_at_pickup == 500
    assert order.paid == 200 and order.channel == "store"
    assert level(shop, "S2", MILK) == 7 - 2 and level(shop, "S1", MILK) == 100
    assert assert_held_invariant(shop) == {}  # handed over: nothing held any more
    with shop.engine.connect() as conn:
        assert conn.execute(select(exceptions.c.kind)).scalars().all() == []
    # Brought back at any till: its money is the tills' (the deposit and the rest), refunded
    # with a till's tenders, never through the web shop.
    purchase = s1.get("/v1/returns/purchase", order_no=ORDER_NO).json()
    assert purchase["channel"] == "store"
    assert [(t["kind"], t["amount"]) for t in purchase["tenders"]] == [("till", 200),
                                                                      ("till", 500)]


# -- the hold at the fulfilling store (b18-stock's reservations) ---------------------------------

def reserve_at_s2(central: Any, headers: dict[str, str], qty: int, hold_seconds: int = 600
                  ) -> str:
    r = central.http.post("/v1/reservations", headers=headers, json={
        "request_id": str(uuid.uuid4()), "store_id": "S2", "hold_seconds": hold_seconds,
        "lines": [{"product_id": MILK, "qty": qty}]})
    assert r.status_code == 201, r.text
    return str(r.json()["reservation_id"])


def reservation(central: Any, rid: str) -> dict[str, Any]:
    return central.http.get(f"/v1/reservations/{rid}", headers=central.admin).json()  # type: ignore[no-any-return]


def s2_exceptions(s2: Any) -> list[tuple[str, str]]:
    body = s2.get("/v1/store/exceptions").json()["exceptions"]
    return [(e["kind"], e["detail"].get("subject", "")) for e in body]


def test_the_tills_reservation_is_confirmed_into_the_order_and_the_units_stay_held(shop):
    s1, s2 = shop.enrol("S1"), shop.enrol("S2")
    rid = reserve_at_s2(shop, s1.auth, 2)
    assert assert_held_invariant(shop) == {("S2", MILK): 2}
    result = s1.send([sale_with_order(reservation_id=rid)]).json()["results"][0]
    assert (result["status"], result["exceptions"]) == ("accepted", [])
    got = reservation(shop, rid)
    assert (got["status"], got["order_no"]) == ("confirmed", ORDER_NO)
    assert assert_held_invariant(shop) == {("S2", MILK): 2}  # unchanged by the confirm
    avail = s1.central.http.post("/v1/availability", headers=s1.auth, json={
        "store_id": "S2", "lines": [{"product_id": MILK}]}).json()
    assert avail["stores"][0]["lines"][0]["available"] == 7 - 2
    assert s2_exceptions(s2) == []


def test_a_lapsed_reservation_is_held_again(shop):
    """Past its expiry, swept or not yet: the units are held again for the order."""
    s1, s2 = shop.enrol("S1"), shop.enrol("S2")
    swept = reserve_at_s2(shop, s1.auth, 2, hold_seconds=60)
    shop.clock.advance(seconds=61)
    assert reservations.sweep(shop.engine, shop.clock.now()) == 1
    lapsed = reserve_at_s2(shop, s1.auth, 1, hold_seconds=60)
    shop.clock.advance(seconds=61)  # past its time, the sweeper not there yet
    order2 = aisle_order(order_no="S1-T01-S1-T01-000001-2", reservation_id=lapsed,
                         lines=[{"line_no": 1, "product_id": MILK, "sku": "100001", "qty": 1,
                                 "unit_price": 350, "total": 350}], total=350, paid_now=350)
    event = sale_with_order(reservation_id=swept)
    event["payload"]["aisle_orders"].append(order2)
    event["payload"]["total"] += 350
    event["payload"]["tenders"] = [{"kind": "cash", "amount": event["payload"]["total"]}]
    assert s1.send([event]).json()["results"][0]["exceptions"] == []
    assert [reservation(shop, r)["status"] for r in (swept, lapsed)] == ["expired", "expired"]
    assert assert_held_invariant(shop) == {("S2", MILK): 3}  # both orders' units
    assert len(s2_orders(s2, store_orders="true")) == 2 and s2_exceptions(s2) == []


def test_when_the_store_no_longer_has_them_the_order_stands_and_is_filed_for_it(shop):
    s1, s2 = shop.enrol("S1"), shop.enrol("S2")
    rid = reserve_at_s2(shop, s1.auth, 2, hold_seconds=60)
    shop.clock.advance(seconds=61)
    reservations.sweep(shop.engine, shop.clock.now())
    reserve_at_s2(shop, shop.admin, 6)  # the web shop takes 6 of the 7 meanwhile
    event = sale_with_order(reservation_id=rid)
    result = s1.send([event]).json()["results"][0]
    assert result["status"] == "accepted" and result["exceptions"] == []  # S2's, not S1's
    [order] = s2_orders(s2, store_orders="true")
    assert (order["order_no"], order["status"], order["paid"]) == (ORDER_NO, "open", 200)
    assert assert_held_invariant(shop) == {("S2", MILK): 6 + 2}  # promised beyond the 7
    assert s2_exceptions(s2) == [("aisle_unreserved", ORDER_NO)]
    assert s1.send([event]).json()["results"][0]["status"] == "duplicate"
    assert s2_exceptions(s2) == [("aisle_unreserved", ORDER_NO)]  # one order, one exception
    assert len(s2_orders(s2, store_orders="true")) == 1


def test_customer_service_cancels_an_order_not_collected_and_its_units_are_free(shop):
    s1, s2 = shop.enrol("S1"), shop.enrol("S2")
    rid = reserve_at_s2(shop, s1.auth, 2)
    assert s1.send([sale_with_order(reservation_id=rid)]).json()["results"][0]["status"] == \
        "accepted"
    url = f"/v1/admin/orders/{ORDER_NO}/cancel"
    assert shop.http.post(url, headers=s1.auth).status_code == 403  # the admin's only
    r = shop.http.post(url, headers=shop.admin)
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert shop.http.post(url, headers=shop.admin).json()["status"] == "cancelled"  # again
    assert assert_held_invariant(shop) == {}
    made, cancelled = s2_orders(s2, store_orders="true")  # the feed has both writes
    assert (made["status"], cancelled["status"]) == ("open", "cancelled")
    assert shop.http.post("/v1/admin/orders/NOPE/cancel", headers=shop.admin).json()[
        "error"] == "order_unknown"
    web = {"order_no": "W1", "fulfilment": "pickup", "store_id": "S2", "pickup_code": CODE,
           "currency": "CNY", "lines": [{"sku": "100001", "qty": 1, "unit_price": 100}],
           "payments": [{"kind": "store", "amount": 100}]}
    refused = shop.admin_post("/orders", {"orders": [web]}, expect=422)
    assert "store" in json.dumps(refused)  # a store payment is made by the central only


def test_an_order_handed_over_is_not_cancelled(shop, tmp_path):
    s1 = shop.enrol("S1")
    s1.send([sale_with_order()])
    db, engine, clock = _till(shop, tmp_path)
    with Store.open(db) as store:
        staff = StaffService(store, clock)
        co = Checkout(store, staff, staff.login(2001, "2222"), clock=clock,
                      payments=SimulatedPaymentTerminal(()))
        co.start_pickup(OrderBook(store.conn, clock).view(ORDER_NO), {1: 1}, code=CODE)
        co.pay_cash(Money(co.payment.due.minor, "CNY"))
        co.complete()
    engine.run_once()
    r = shop.http.post(f"/v1/admin/orders/{ORDER_NO}/cancel", headers=shop.admin)
    assert r.status_code == 409 and r.json()["error"] == "order_started"


def test_two_tills_racing_for_the_last_units_one_order_is_held_the_other_filed(shop):
    """Two tills of S1 send at once an order of 4 milks at S2 (7 there) whose reservations
    lapsed: one is held again, the other is filed; both orders stand."""
    tills = [shop.enrol("S1", name=f"till{n}") for n in (1, 2)]

    def send(n: int) -> dict[str, Any]:
        no = f"S1-{tills[n].terminal_id}-R{n}-1"
        order = aisle_order(order_no=no, pickup_code_phc=pickup_code_phc(no, CODE), lines=[
            {"line_no": 1, "product_id": MILK, "sku": "100001", "qty": 4, "unit_price": 350,
             "total": 1400}], total=1400, paid_now=1400)
        event = sale_event("S1", 1, [], receipt_no=f"R{n}", terminal_id=tills[n].terminal_id,
                           total=1400, tenders=[{"kind": "cash", "amount": 1400}],
                           aisle_orders=[order])
        with httpx.Client(base_url=shop.url, timeout=60) as http:
            r = http.post("/v1/events", json={"events": [event]}, headers=tills[n].auth)
        return r.json()["results"][0]  # type: ignore[no-any-return]

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(send, (0, 1)))
    assert [r["status"] for r in results] == ["accepted", "accepted"]
    assert assert_held_invariant(shop) == {("S2", MILK): 8}  # both orders hold theirs
    s2 = shop.enrol("S2")
    filed = s2_exceptions(s2)
    assert [kind for kind, _ in filed] == ["aisle_unreserved"]
    assert len({o["order_no"] for o in s2_orders(s2, store_orders="true")}) == 2
