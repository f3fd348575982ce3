"""Web orders in the store's change feed and snapshot, end to end: the web shop's orders at the
central reach the tills of their pick-up store only (never another store's, never a delivery),
by the delta feed and by a snapshot; the till finds them offline by number and by the customer's
phone (its keyed hash: the till holds no phone number, issue 17), shows the
stock they hold back, refuses to hand over an order whose cancellation it has received, and
hands over from its copy an order cancelled while it was offline (the central files that for a
manager). Real till databases and the real central over HTTP, SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from central_kit import MILK, RICE, MemoryKeyring
from sqlalchemy import select

from posclient.app.checkout import Checkout
from posclient.app.lookup import Lookup
from posclient.app.orders import OrderBook
from posclient.app.staff import StaffService
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.clock import ManualClock
from posclient.domain.errors import InvalidInput
from posclient.domain.money import Money
from posclient.store.catalog import Catalog
from posclient.store.db import Store
from posclient.store.orders import reserved_stock
from posclient.store.settings import load_settings
from sync.central import feed
from sync.central.schema import exceptions
from sync.credentials import TokenStore
from sync.engine import SyncEngine
from sync.enrol import enrol

CODE = "K7P2Q9"
PHONE = "13900001111"


def web_order(order_no: str = "W500", **changes: Any) -> dict[str, Any]:
    """Milk x3 (10.00, paid online) and rice x1 (59.90, to pay at pick-up), at store S1."""
    order = {"order_no": order_no, "fulfilment": "pickup", "store_id": "S1",
             "pickup_code": CODE, "customer_name": "陈静", "customer_phone": PHONE,
             "currency": "CNY",
             "lines": [{"sku": "100001", "qty": 3, "unit_price": 350, "discount": 50},
                       {"sku": "100004", "qty": 1, "unit_price": 5990}],
             "payments": [{"kind": "online", "amount": 1000, "method": "wechat"},
                          {"kind": "at_pickup", "amount": 5990}]}
    order.update(changes)
    return order


def post(shop: Any, *orders: dict[str, Any]) -> None:
    report = shop.admin_post("/orders", {"orders": list(orders)})
    assert report["rejected"] == [], report


class Till:
    """An enrolled till of ``store_id`` (first sync done unless ``sync=False``)."""

    def __init__(self, shop: Any, path: Path, store_id: str = "S1", sync: bool = True) -> None:
        self.path, self.store_id = path, store_id
        Store.open(path).close()
        tokens, self.clock = TokenStore(MemoryKeyring()), ManualClock()
        enrol(path, shop.url, shop.enrolment_code(store_id), path.stem, tokens=tokens,
              clock=self.clock)
        self.engine = SyncEngine(path, tokens=tokens, clock=self.clock)
        if sync:
            self.engine.run_once()

    def orders(self) -> dict[str, tuple[str, str | None, dict[str, Any]]]:
        """``order_no -> (status, phone hash, the central's copy)`` as the till holds them."""
        with Store.open(self.path) as store:
            return {no: (status, phone, json.loads(data)) for no, status, phone, data in
                    store.conn.execute("SELECT order_no, status, phone_hash, data "
                                       "FROM web_orders")}

    def book(self, store: Store) -> OrderBook:
        """The till's orders, with the chain's phone key from the keyring (the engine's)."""
        return OrderBook(store.conn, self.clock, keys=self.engine)

    def reserved(self) -> dict[int, int]:
        with Store.open(self.path) as store:
            return reserved_stock(store.conn, self.store_id)

    def hand_over(self, quantities: dict[int, int], pay: int | None = None) -> str:
        """Hand over order W500 from the till's own copy (no central asked); its event id."""
        with Store.open(self.path) as store:
            staff = StaffService(store, self.clock)
            co = Checkout(store, staff, staff.login(1001, "1111"), clock=self.clock,
                          payments=SimulatedPaymentTerminal(()))
            co.start_pickup(OrderBook(store.conn, self.clock).view("W500"), quantities,
                            code=CODE)
            if pay is not None:
                co.pay_cash(Money(pay, "CNY"))
            return co.complete().event_id


@pytest.fixture
def cashier(shop: Any) -> Any:
    shop.admin_post("/staff", {"id": 1001, "name": "李娜", "role": "cashier", "pin": "1111",
                               "store_id": "S1"})
    return shop


def test_orders_reach_their_stores_tills_by_the_feed_and_are_found_offline(cashier, tmp_path):
    shop = cashier
    till, other = Till(shop, tmp_path / "s1.db"), Till(shop, tmp_path / "s2.db", "S2")
    post(shop, web_order(), web_order("W600", store_id="S2", customer_phone="13700000000"),
         web_order("D700", fulfilment="delivery", store_id=None, pickup_code=None,
                   payments=[{"kind": "online", "amount": 6990}]))
    assert till.engine.run_once().applied >= 1 and other.engine.run_once().applied >= 1
    assert set(till.orders()) == {"W500"} and set(other.orders()) == {"W600"}
    status, phone_hash, data = till.orders()["W500"]
    assert (status, phone_hash, data["total"], data["paid"]) == (
        "open", till.engine.member_keys().digest(PHONE), 6990, 1000)
    assert (data["customer_name"], data["customer_phone_last4"]) == ("陈**", PHONE[-4:])
    assert PHONE not in json.dumps(data) and "陈静" not in json.dumps(data, ensure_ascii=False)

    with Store.open(till.path) as store:  # no central asked: the till's copy only
        book = till.book(store)
        assert book.find("W500") == ["W500"] and book.find(f" {PHONE} ") == ["W500"]
        assert book.find("+86 139-0000-1111") == ["W500"]  # however the phone is typed
        assert book.find("W600") == [] and book.find("D700") == []
        view = book.view("W500")
        assert view.open_qty(1) == 3 and view.handover({1: 3, 2: 1}).due == 5990

    # Changes reach the feed at once: ready, then moved to store S2 (S1's tills drop it).
    post(shop, web_order(status="ready"))
    till.engine.run_once()
    assert till.orders()["W500"][0] == "ready"
    post(shop, web_order(store_id="S2"))
    till.engine.run_once()
    other.engine.run_once()
    assert till.orders() == {} and set(other.orders()) == {"W500", "W600"}
    s1, s2 = (feed.read_changes(shop.engine, s, 0, 1000, shop.clock.now()).changes
              for s in ("S1", "S2"))
    assert [(c.key, c.op) for c in s1 if c.entity == "order"] == [
        ("W500", "upsert"), ("W500", "upsert"), ("W500", "delete")]
    assert [(c.key, c.op) for c in s2 if c.entity == "order"] == [
        ("W600", "upsert"), ("W500", "upsert")]  # the delivery order is in no store's feed


def test_a_snapshot_holds_open_orders_and_recently_finished_ones(cashier, tmp_path):
    shop = cashier
    post(shop, web_order("OLD-OPEN"), web_order("OLD-DONE"), web_order("W500"))
    post(shop, web_order("OLD-DONE", status="cancelled"))
    shop.clock.advance(days=31)  # OLD-DONE was finished more than 30 days ago
    post(shop, web_order("NEW-DONE"), web_order("S2-OPEN", store_id="S2"))
    post(shop, web_order("NEW-DONE", status="cancelled"))

    till = Till(shop, tmp_path / "till.db")  # a first start: the bulk path
    assert set(till.orders()) == {"OLD-OPEN", "W500", "NEW-DONE"}
    assert till.orders()["NEW-DONE"][0] == "cancelled"
    with Store.open(till.path) as store:  # found offline by number and phone
        book = till.book(store)
        assert book.find("OLD-OPEN") == ["OLD-OPEN"]
        assert set(book.find(PHONE)) == {"OLD-OPEN", "W500", "NEW-DONE"}
        assert book.find(PHONE)[-1] == "NEW-DONE"  # orders still to hand over come first

    # Offline for long: W500 moves to S2, NEW-DONE ages out, W700 arrives; the feed is pruned.
    post(shop, web_order("W500", store_id="S2"), web_order("W700", status="ready"))
    shop.clock.advance(days=31)
    with shop.engine.connect() as conn:
        head = feed.feed_state(conn).last_seq
    shop.admin_post("/prune", {"before_seq": head + 1})
    assert till.engine.run_once().bootstrapped  # 410 Gone: the careful path
    got = till.orders()
    assert set(got) == {"OLD-OPEN", "W700"} and got["W700"][0] == "ready"
    fresh = Till(shop, tmp_path / "fresh.db")
    assert fresh.orders() == got  # the same copies, whichever path


def test_reserved_stock_is_the_open_units_less_this_tills_uncounted_pickups(cashier, tmp_path):
    shop = cashier
    till = Till(shop, tmp_path / "till.db")
    post(shop, web_order(), web_order("W501", customer_phone=None,
                                      lines=[{"sku": "100001", "qty": 2, "unit_price": 350}],
                                      payments=[{"kind": "online", "amount": 700}]))
    till.engine.run_once()

    def position(product_id: int) -> tuple[int, int, int]:
        with Store.open(till.path) as store:
            p = Lookup(Catalog(store.conn), load_settings(store.conn),
                       till.clock).stock_position(product_id)
            assert p is not None
            return p.on_hand, p.reserved, p.sellable

    assert till.reserved() == {MILK: 5, RICE: 1}
    assert position(MILK) == (100, 5, 95) and position(RICE) == (10, 1, 9)

    till.hand_over({1: 2})  # offline: not yet counted by the central
    assert till.reserved() == {MILK: 3, RICE: 1}
    assert position(MILK) == (98, 3, 95)  # on hand and reserved both went down

    till.engine.run_once()  # counted by the central, and its copy is back in the feed
    assert till.orders()["W500"][2]["lines"][0]["collected"] == 2
    assert position(MILK) == (98, 3, 95)  # the same: counted once

    post(shop, web_order("W501", status="cancelled", customer_phone=None,
                         lines=[{"sku": "100001", "qty": 2, "unit_price": 350}],
                         payments=[{"kind": "online", "amount": 700}]))
    till.hand_over({1: 1, 2: 1}, pay=5990)  # the rest of W500
    assert till.reserved() == {MILK: 2}  # W500 all collected; W501's cancellation not here
    till.engine.run_once()
    assert till.reserved() == {} and position(MILK) == (97, 0, 97)


def test_a_cancellation_received_before_the_hand_over_stops_it(cashier, tmp_path):
    shop = cashier
    till = Till(shop, tmp_path / "till.db")
    post(shop, web_order())
    till.engine.run_once()
    post(shop, web_order(status="cancelled"))
    till.engine.run_once()
    assert till.orders()["W500"][0] == "cancelled" and till.reserved() == {}
    with pytest.raises(InvalidInput) as refused:
        till.hand_over({1: 3})
    assert refused.value.code == "order_cancelled"
    assert "cancelled" in str(refused.value)


def test_an_order_cancelled_while_the_till_was_offline_is_handed_over_and_filed(
        cashier, tmp_path):
    shop = cashier
    till = Till(shop, tmp_path / "till.db")
    post(shop, web_order())
    till.engine.run_once()  # the order arrives in the feed; the till never fetched it
    assert till.orders()["W500"][0] == "open"

    post(shop, web_order(status="cancelled"))  # the till is offline meanwhile
    event_id = till.hand_over({1: 2})  # from its copy: the customer is here, with the code

    report = till.engine.run_once()  # back online
    assert report.pushed == 1 and report.exceptions == ["order_cancelled:W500"]
    with shop.engine.connect() as conn:
        detail = json.loads(conn.execute(select(exceptions.c.detail).where(
            exceptions.c.kind == "order_cancelled")).scalar_one())
    assert detail["order_no"] == "W500"
    status, _, data = till.orders()["W500"]  # the cache now shows the central's copy
    assert status == "cancelled" and data["lines"][0]["collected"] == 2
    assert data["applied_events"] == [event_id]
    with Store.open(till.path) as store:
        view = OrderBook(store.conn, till.clock).view("W500")
        assert view.collected == {1: 2, 2: 0}  # counted once, not twice
