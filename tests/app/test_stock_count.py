"""Stock counts at the till (posclient/app/stock.py): scanned counts, the differences posted in
one transaction with their event, a whole-store count that zeroes what nobody found, and a
supervisor to post."""

from __future__ import annotations

import json

import pytest
from till_kit import BREAD, MILK

from posclient.app.staff import Approval
from posclient.app.stock import StockCount
from posclient.domain.errors import ApprovalRequired, InvalidInput

SUPERVISOR = Approval(2001, "2222")


def count(till, scope="shelf"):
    return StockCount(till.store, till.staff, till.staff.login(1001, "1111"), clock=till.clock,
                      scope=scope, label="aisle 3")


def stock(till, pid: int) -> int:
    from posclient.store.catalog import Catalog

    return Catalog(till.store.conn).stock(pid)


def test_a_shelf_count_posts_its_differences_with_its_event(till):
    c = count(till)
    for _ in range(3):
        c.scan(MILK)
    c.scan(BREAD, 18)
    assert [(ln.product_id, ln.counted, ln.expected) for ln in c.lines()] == [
        (1, 3, 100), (2, 18, 20)]
    with pytest.raises(ApprovalRequired):
        c.post()
    posted = c.post(SUPERVISOR)
    assert posted.differences == 2 and stock(till, 1) == 3 and stock(till, 2) == 18
    kind, payload = till.store.conn.execute(
        "SELECT type, payload FROM outbox WHERE event_id = ?", (posted.event_id,)).fetchone()
    body = json.loads(payload)
    assert kind == "stock_count" and body["scope"] == "shelf" and body["label"] == "aisle 3"
    assert [(ln["product_id"], ln["counted"], ln["expected"]) for ln in body["lines"]] == [
        (1, 3, 100), (2, 18, 20)]


def test_a_whole_store_count_zeroes_what_nobody_found(till):
    c = count(till, "store")
    c.scan(MILK, 100)
    posted = c.post(SUPERVISOR)
    assert stock(till, 1) == 100  # as expected: no movement
    assert {ln.product_id for ln in posted.lines if ln.difference} == {2, 3, 4, 5}
    assert all(stock(till, pid) == 0 for pid in (2, 3, 4, 5))


def test_refusals_change_nothing(till):
    c = count(till)
    with pytest.raises(InvalidInput) as empty:
        c.post(SUPERVISOR)
    assert empty.value.code == "count_empty"
    with pytest.raises(InvalidInput):
        c.scan(MILK, -2)
    with pytest.raises(InvalidInput) as scope:
        count(till, "aisle")
    assert scope.value.code == "count_scope_invalid"
    assert till.store.conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0
