"""Receiving a delivery or transfer at the till (posclient/app/stock.py ``Receiving``): what
arrived is scanned against the expected lines, posted with a supervisor in one transaction with
its ``stock_receive`` event, and the delivery leaves the open list; refusals change nothing."""

from __future__ import annotations

import json

import pytest
from till_kit import BREAD, GUM, MILK, expect_delivery

from posclient.app.staff import Approval
from posclient.app.stock import Receiving, open_deliveries
from posclient.domain.errors import ApprovalRequired, InvalidInput, NotFound
from posclient.store.catalog import Catalog

SUPERVISOR = Approval(2001, "2222")


def receiving(till, delivery_id="D1"):
    return Receiving(till.store, till.staff, till.staff.login(1001, "1111"), clock=till.clock,
                     delivery_id=delivery_id)


def test_a_delivery_is_received_against_its_lines_with_its_event(till):
    expect_delivery(till.store, "D1", [(1, 24), (2, 6)], reference="DN-778")
    expect_delivery(till.store, "T9", [(3, 10)], kind="transfer", from_store="S2")
    assert [d.id for d in open_deliveries(till.store)] == ["D1", "T9"]
    r = receiving(till)
    r.scan(MILK, 24)
    r.scan(BREAD, 5)
    r.scan(GUM)  # not on the note: it arrived all the same
    assert [(ln.product_id, ln.expected, ln.received) for ln in r.lines()] == [
        (1, 24, 24), (2, 6, 5), (3, 0, 1)]
    with pytest.raises(ApprovalRequired):
        r.post()
    posted = r.post(SUPERVISOR)
    assert posted.differences == 2
    cat = Catalog(till.store.conn)
    assert (cat.stock(1), cat.stock(2), cat.stock(3)) == (124, 25, 51)
    kind, payload = till.store.conn.execute(
        "SELECT type, payload FROM outbox WHERE event_id = ?", (posted.event_id,)).fetchone()
    body = json.loads(payload)
    assert kind == "stock_receive" and body["delivery_id"] == "D1"
    assert body["reference"] == "DN-778" and body["approved_by"] == 2001
    assert [(ln["product_id"], ln["expected"], ln["received"]) for ln in body["lines"]] == [
        (1, 24, 24), (2, 6, 5), (3, 0, 1)]
    assert [d.id for d in open_deliveries(till.store)] == ["T9"]
    with pytest.raises(InvalidInput) as again:
        receiving(till)
    assert again.value.code == "delivery_already_received"


def test_refusals_change_nothing(till):
    expect_delivery(till.store, "D1", [(1, 2)])
    with pytest.raises(NotFound):
        receiving(till, "NOPE")
    r = receiving(till)
    with pytest.raises(InvalidInput) as empty:
        r.post(SUPERVISOR)
    assert empty.value.code == "receive_empty"
    with pytest.raises(InvalidInput):
        r.scan(MILK, 0)
    with pytest.raises(NotFound):
        r.set(5, 1)
    r.set(1, 2)
    assert [(ln.expected, ln.received) for ln in r.lines()] == [(2, 2)]
    assert till.store.conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0
    assert Catalog(till.store.conn).stock(1) == 100
