"""Web orders from the change feed and the snapshot in the till's copy (``web_orders``): the same
rows as a fetched order, only this store's, removed when the central takes them away, never
while this till has a pick-up of them the central has not acknowledged; the stock they hold
back and the cashier's warning when a sale takes it; the customer kept masked and found by the
phone's keyed hash, even from a central older than issue 17 (which sends the phone in full).
Real till databases (tests/till_kit.py)."""

from __future__ import annotations

import json
from uuid import UUID

import pytest
from orders_kit import CODE, PHONE, order

from posclient.app.checkout import Checkout
from posclient.app.orders import OrderBook
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.clock import iso
from posclient.domain.errors import Unavailable
from posclient.store.orders import reserved_stock
from posclient.store.sync_state import state_set
from sync.apply import Applier
from sync.protocol import OrderData, PurchaseData, order_purchase, pickup_code_phc
from sync.snapshot_writer import SnapshotWriter

MILK_ID, RICE_ID = 1, 5
MILK = "6901234567892"


@pytest.fixture
def co(till):
    return Checkout(till.store, till.staff, till.staff.login(1001, "1111"), clock=till.clock,
                    payments=SimulatedPaymentTerminal())


def rows(till) -> dict[str, tuple[str, str | None, str, dict]]:
    return {no: (status, store_id, at, json.loads(data)) for no, status, store_id, at, data in
            till.store.conn.execute(
                "SELECT order_no, status, store_id, fetched_at, data FROM web_orders")}


def apply(till, *records) -> int:
    with till.store.write() as conn:
        return Applier(conn, "S001", "2026-11-27T10:00:00.000Z").apply(records)


def hand_over(till, co, order_no: str, quantities: dict[int, int]) -> str:
    co.start_pickup(OrderBook(till.store.conn, till.clock).view(order_no), quantities, code=CODE)
    return co.complete().event_id


def test_feed_records_write_the_same_row_as_a_fetch_and_only_this_stores(till):
    o = order()
    assert apply(till, ("order", "upsert", "W1001", o),
                 ("order", "upsert", "W2", order(order_no="W2", store_id="S002"))) == 1
    fed = rows(till)
    assert set(fed) == {"W1001"}
    assert fed["W1001"][:3] == ("ready", "S001", "2026-11-27T10:00:00.000Z")
    with till.store.write():
        OrderBook(till.store.conn, till.clock).keep(o)  # the pick-up screen's fetch
    fetched = rows(till)
    assert fetched["W1001"][3] == fed["W1001"][3] and fetched["W1001"][2] == iso(till.clock.now())
    assert apply(till, ("order", "upsert", "W1001", o)) == 1  # again: the same row
    assert rows(till)["W1001"][3] == fed["W1001"][3]
    assert apply(till, ("order", "delete", "W1001", None)) == 1  # moved to another store
    assert rows(till) == {} and OrderBook(till.store.conn, till.clock).find("W1001") == []


def test_a_newer_copy_from_the_feed_keeps_this_tills_uncounted_pickup(till, co):
    apply(till, ("order", "upsert", "W1001", order()))
    mine = hand_over(till, co, "W1001", {1: 1})
    book = OrderBook(till.store.conn, till.clock)
    # Another till handed over one unit meanwhile; the central's copy has that, not this one.
    other = order(status="partly_collected",
                  applied_events=["0190a6e0-0000-7000-8000-000000000001"],
                  lines=[{**order().lines[0].model_dump(), "collected": 1},
                         order().lines[1].model_dump()])
    apply(till, ("order", "upsert", "W1001", other))
    assert book.view("W1001").collected == {1: 2, 2: 0}
    assert reserved_stock(till.store.conn, "S001") == {MILK_ID: 1, RICE_ID: 1}
    counted = other.model_copy(update={
        "applied_events": [*other.applied_events, UUID(mine)],
        "lines": [other.lines[0].model_copy(update={"collected": 2}), other.lines[1]]})
    apply(till, ("order", "upsert", "W1001", counted))  # the central counted this till's too
    assert book.view("W1001").collected == {1: 2, 2: 0}
    assert reserved_stock(till.store.conn, "S001") == {MILK_ID: 1, RICE_ID: 1}


def test_a_complete_snapshot_replaces_the_orders_but_keeps_uncounted_pickups(till, co):
    apply(till, ("order", "upsert", "W1001", order()),
          ("order", "upsert", "GONE", order(order_no="GONE")),
          ("order", "upsert", "MINE", order(order_no="MINE",
                                            pickup_code_phc=pickup_code_phc("MINE", CODE))))
    hand_over(till, co, "MINE", {1: 1})  # not yet sent to the central
    with till.store.write():  # another store's order, fetched for a look-up before issue 17
        OrderBook(till.store.conn, till.clock).keep(order(order_no="ELSE", store_id="S002"))

    writer = SnapshotWriter(till.store, "S001")
    assert not writer.bulk  # the till has a catalogue: the careful path
    try:
        writer.add_many("order", [order(status="cancelled"), order(order_no="NEW")])
        writer.finish(complete=True)
    finally:
        writer.close()
    got = rows(till)
    # GONE went, and ELSE: a till keeps its own store's orders only. MINE has a pending pick-up.
    assert set(got) == {"W1001", "NEW", "MINE"}
    assert got["W1001"][0] == "cancelled"

    till.store.conn.execute("UPDATE outbox SET status = 'sent'")  # acknowledged: now it may go
    writer = SnapshotWriter(till.store, "S001")
    try:
        writer.add_many("order", [order(status="cancelled"), order(order_no="NEW")])
        writer.finish(complete=True)
    finally:
        writer.close()
    assert set(rows(till)) == {"W1001", "NEW"}


def test_a_cut_off_snapshot_removes_no_order(till):
    apply(till, ("order", "upsert", "W1001", order()))
    writer = SnapshotWriter(till.store, "S001")
    try:
        writer.add_many("order", [order(order_no="NEW")])
        writer.finish(complete=False)
    finally:
        writer.close()
    assert set(rows(till)) == {"W1001", "NEW"}


def test_reserved_stock_counts_only_open_pickup_orders_of_this_store(till):
    apply(till, ("order", "upsert", "W1001", order()),
          ("order", "upsert", "W2", order(order_no="W2", status="open")),
          ("order", "upsert", "C", order(order_no="C", status="cancelled")),
          ("order", "upsert", "D", order(order_no="D", status="collected")))
    with till.store.write():
        OrderBook(till.store.conn, till.clock).keep(order(order_no="X", store_id="S002"))
    assert reserved_stock(till.store.conn, "S001") == {MILK_ID: 6, RICE_ID: 2}
    assert reserved_stock(till.store.conn, "S001", [RICE_ID]) == {RICE_ID: 2}
    assert reserved_stock(till.store.conn, "S002") == {MILK_ID: 3, RICE_ID: 1}
    over = order(order_no="W2", status="partly_collected", lines=[
        {**order().lines[0].model_dump(), "collected": 5}, order().lines[1].model_dump()])
    apply(till, ("order", "upsert", "W2", over))  # more collected than ordered: never below 0
    assert reserved_stock(till.store.conn, "S001") == {MILK_ID: 3, RICE_ID: 2}


def test_a_sale_of_reserved_stock_goes_ahead_with_a_warning(till, co):
    till.store.conn.execute("UPDATE stock_levels SET qty = 4 WHERE product_id = 1")
    apply(till, ("order", "upsert", "W1001", order()))
    info = co.lookup.find(MILK)[0]
    assert (info.stock, info.reserved, info.sellable) == (4, 3, 1)
    line = co.scan(MILK)
    assert co.takes_reserved(line.item.product_id) is None  # the one free unit
    co.scan(MILK)
    short = co.takes_reserved(line.item.product_id)
    assert short is not None and (short.on_hand, short.reserved, short.sellable) == (4, 3, 1)
    assert [ln.qty for ln in co.cart.active_lines] == [2]  # sold all the same
    assert co.takes_reserved(2) is None  # bread: nothing reserved


def test_the_customers_phone_finds_the_order_with_one_probe_of_the_hash_index(till):
    apply(till, ("order", "upsert", "W1001", order()),
          ("order", "upsert", "W2", order(order_no="W2", customer_phone_hash=None)))
    book = OrderBook(till.store.conn, till.clock)  # a till of the demo data: the demo key
    assert book.find(PHONE) == ["W1001"] and book.find("+86 138 0013 8000") == ["W1001"]
    assert book.find("13800138001") == [] and book.find("W2") == ["W2"]
    plan = " ".join(r[3] for r in till.store.conn.execute(
        "EXPLAIN QUERY PLAN SELECT order_no FROM web_orders WHERE order_no = ? OR "
        "phone_hash = ?", ("x", "y")))
    assert "web_orders_phone_hash" in plan and "SCAN" not in plan
    columns = {r[1] for r in till.store.conn.execute("PRAGMA table_info(web_orders)")}
    assert "phone" not in columns
    with till.store.write() as conn:  # enrolled, and the keyring has no key (yet)
        state_set(conn, server_url="http://central")
    with pytest.raises(Unavailable) as no_key:
        book.find(PHONE)
    assert no_key.value.code == "member_keys_missing"
    assert book.find("W1001") == ["W1001"]  # numbers need no key


def test_an_older_centrals_order_is_kept_masked_without_the_phone(till):
    """A central before issue 17 sends the customer's whole name and phone: the till keeps the
    masked name and the last four digits, never the number (dropped as the record is read),
    and finds the order by its number (by phone once the central sends the hash)."""
    old = order().model_dump(mode="json")
    del old["customer_phone_hash"], old["customer_phone_last4"]
    old.update(customer_name="陈静", customer_phone="138 0013 8000")
    o = OrderData.model_validate_json(json.dumps(old))
    assert (o.customer_name, o.customer_phone_last4, o.customer_phone_hash) == (
        "陈**", "8000", None)
    apply(till, ("order", "upsert", "W1001", o))
    phone_hash, data = till.store.conn.execute("SELECT phone_hash, data FROM web_orders").fetchone()
    assert phone_hash is None and "0013" not in data and "陈静" not in data
    book = OrderBook(till.store.conn, till.clock)
    assert book.find("W1001") == ["W1001"] and book.find(PHONE) == []
    bought = PurchaseData.model_validate({**order_purchase(o).model_dump(mode="json"),
                                          "customer_name": "陈静",
                                          "customer_phone": "13800138000"})
    assert (bought.customer_name, bought.customer_phone_last4) == ("陈**", "8000")
    assert "13800138000" not in bought.model_dump_json()
