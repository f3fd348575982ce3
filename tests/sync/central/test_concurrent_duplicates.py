"""Every write endpoint of the central is idempotent under concurrent duplicates: the same
request sent N times at once (a client's retry racing its first attempt) answers 2xx (or the
endpoint's documented answer to a repeat) every time, never a 5xx, and has its effect once.
Real central under uvicorn, SQLite and PostgreSQL; one thread and one connection per request.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from central_kit import MILK, RICE, level, movements_sum, sale_event
from sqlalchemy import func, select

from posclient.domain.audit import GENESIS, digest
from sync.central.schema import (
    audit_records,
    changes,
    coupon_redemptions,
    entities,
    events,
    exceptions,
    parked_sales,
    refund_requests,
    return_lines,
    stores,
    terminals,
)

N = 8  # requests at once


def fire(url: str, n: int, send: Callable[[httpx.Client], httpx.Response]
         ) -> list[httpx.Response]:
    """``send`` from ``n`` threads released together, each with its own connection."""
    barrier = threading.Barrier(n)
    out: list[Any] = [None] * n

    def run(i: int) -> None:
        with httpx.Client(base_url=url, timeout=60) as http:
            barrier.wait()
            try:
                out[i] = send(http)
            except Exception as exc:  # reported below, not lost in a thread
                out[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert all(isinstance(r, httpx.Response) for r in out), out
    assert [r.status_code for r in out if r.status_code >= 500] == [], \
        [r.text for r in out if r.status_code >= 500]
    return out


def count(central: Any, table: Any, *where: Any) -> int:
    with central.engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(table).where(*where)))


def changes_for(central: Any, entity: str, key: str) -> int:
    return count(central, changes, changes.c.entity == entity, changes.c.key == key)


def statuses(answers: list[httpx.Response]) -> list[int]:
    return sorted(r.status_code for r in answers)


# -- a till's writes ------------------------------------------------------------------------------

def test_the_same_audit_upload_at_once_is_stored_once(shop):
    till = shop.enrol("S1")
    prev, records = GENESIS, []
    for i in range(1, 21):
        at, detail = f"2026-11-23T09:{i:02d}:00.000Z", "{}"
        h = digest(prev, at, 1001, None, "login", detail)
        records.append({"id": i, "at": at, "staff_id": 1001, "approved_by": None,
                        "action": "login", "detail": detail, "prev_hash": prev, "hash": h})
        prev = h
    answers = fire(shop.url, N, lambda h: h.post("/v1/audit", json={"records": records},
                                                 headers=till.auth))
    assert statuses(answers) == [200] * N
    assert {r.json()["received_through"] for r in answers} == {20}
    assert all(r.json()["problems"] == [] for r in answers)
    assert count(shop, audit_records) == 20
    assert count(shop, exceptions) == 0


def test_the_same_events_batch_at_once_is_applied_once(shop):
    till = shop.enrol("S1")
    batch = [sale_event("S1", seq, [(MILK, 1), (RICE, 1)]) for seq in range(1, 6)]
    answers = fire(shop.url, N, lambda h: h.post("/v1/events", json={"events": batch},
                                                 headers=till.auth))
    assert statuses(answers) == [200] * N
    for i in range(5):
        got = sorted(r.json()["results"][i]["status"] for r in answers)
        assert got == ["accepted"] + ["duplicate"] * (N - 1)
    assert count(shop, events) == 5
    assert level(shop, "S1", MILK) == 95 and movements_sum(shop, "S1", MILK) == 95


def test_the_same_parked_sale_shared_and_claimed_at_once(shop):
    till, other = shop.enrol("S1", "a"), shop.enrol("S1", "b")
    park_id = str(uuid.uuid4())
    sale = {"park_id": park_id, "currency": "CNY", "total": 350, "lines": 1,
            "parked_at": "2026-11-23T09:00:00Z", "cart": {"lines": []}}
    answers = fire(shop.url, N, lambda h: h.put(f"/v1/parked/{park_id}", json=sale,
                                                headers=till.auth))
    assert statuses(answers) == [200] * N
    assert count(shop, parked_sales) == 1
    answers = fire(shop.url, N, lambda h: h.post(f"/v1/parked/{park_id}/claim",
                                                 headers=other.auth))
    assert statuses(answers) == [200] * N
    assert {r.json()["cart"] == {"lines": []} for r in answers} == {True}


def test_the_same_return_reservation_at_once_holds_once(shop):
    till = shop.enrol("S1")
    sale = sale_event("S1", 1, [(MILK, 3)])
    assert till.send([sale]).json()["results"][0]["status"] == "accepted"
    rid = str(uuid.uuid4())
    body = {"reservation_id": rid, "receipt_no": sale["payload"]["receipt_no"],
            "lines": [{"line_id": 1, "qty": 2}]}
    answers = fire(shop.url, N, lambda h: h.post("/v1/returns/reserve", json=body,
                                                 headers=till.auth))
    assert statuses(answers) == [200] * N
    with shop.engine.connect() as conn:
        held = conn.scalar(select(func.sum(return_lines.c.qty)).where(
            return_lines.c.reservation_id == uuid.UUID(rid)))
    assert held == 2
    answers = fire(shop.url, N, lambda h: h.delete(f"/v1/returns/reserve/{rid}",
                                                   headers=till.auth))
    assert statuses(answers) == [200] * N
    assert sorted(r.json()["released"] for r in answers) == [0] * (N - 1) + [1]


def test_the_same_coupon_redemption_at_once_is_recorded_once(shop):
    shop.put("promotion", [{"id": "C1", "kind": "amount_off", "amount": 100,
                            "coupon_code": "SAVE1"}])
    till = shop.enrol("S1")
    answers = fire(shop.url, N, lambda h: h.post("/v1/coupons/SAVE1/redeem",
                                                 json={"receipt_no": "S1-T01-000001"},
                                                 headers=till.auth))
    assert statuses(answers) == [200] * N
    assert count(shop, coupon_redemptions) == 1


def test_the_same_exception_resolved_at_once_keeps_one_resolution(shop):
    till = shop.enrol("S2")
    assert till.send([sale_event("S2", 1, [(MILK, 10)])]).status_code == 200
    with shop.engine.connect() as conn:
        exc_id = conn.scalar(select(exceptions.c.id).where(exceptions.c.kind == "oversold"))
    answers = fire(shop.url, N, lambda h: h.post(f"/v1/store/exceptions/{exc_id}/resolve",
                                                 json={"comment": "counted again"},
                                                 headers=till.auth))
    assert statuses(answers) == [200] * N
    assert len({r.json()["resolved_at"] for r in answers}) == 1


def test_the_same_enrolment_code_at_once_makes_one_terminal(shop):
    code = shop.enrolment_code("S1")
    before = count(shop, terminals)
    answers = fire(shop.url, N, lambda h: h.post("/v1/enrol", json={
        "code": code, "terminal_name": "front"}))
    ok = [r for r in answers if r.status_code == 200]
    assert len({r.json()["terminal_id"] for r in ok}) == 1
    # A repeat of a spent code is refused as such (or slowed down, as any refused code).
    assert {r.json()["error"] for r in answers if r.status_code != 200} <= {
        "enrolment_code_used", "too_many_attempts"}
    assert count(shop, terminals) == before + 1


# -- the admin's writes ---------------------------------------------------------------------------

def admin_fire(shop: Any, path: str, body: Any) -> list[httpx.Response]:
    return fire(shop.url, N, lambda h: h.post(f"/v1/admin{path}", json=body,
                                              headers=shop.admin))


def test_the_same_store_created_at_once_exists_once(shop):
    answers = admin_fire(shop, "/stores", {"store_id": "S9", "name_en": "Nine"})
    assert statuses(answers) == [201] + [409] * (N - 1)
    assert {r.json()["error"] for r in answers if r.status_code == 409} == {"store_exists"}
    assert count(shop, stores, stores.c.store_id == "S9") == 1
    assert changes_for(shop, "store_settings", "S9") == 1


def test_the_same_staff_member_at_once_is_written_once(shop):
    body = {"id": 7001, "name": "王芳", "role": "cashier", "pin": "2468", "store_id": "S1"}
    answers = admin_fire(shop, "/staff", body)
    assert statuses(answers) == [200] * N
    assert sorted(r.json()["created"] for r in answers) == [False] * (N - 1) + [True]
    assert changes_for(shop, "staff", "7001") == 1


@pytest.mark.parametrize("entity, record, key", [
    ("product", {"id": 50, "sku": "500050", "name_zh": "新品", "name_en": "New",
                 "measure": "each", "tax_code": "VAT9", "barcodes": ["4006381333931"]},
     "50"),
    ("price", {"id": 60, "product_id": MILK, "amount": 250}, "60"),
])
def test_the_same_records_imported_at_once_are_written_once(shop, entity, record, key):
    answers = admin_fire(shop, f"/entities/{entity}", {"records": [record]})
    assert statuses(answers) == [200] * N
    assert all(r.json()["rejected"] == [] for r in answers), [r.json() for r in answers]
    assert sorted(r.json()["upserted"] for r in answers) == [0] * (N - 1) + [1]
    assert count(shop, entities, entities.c.entity == entity, entities.c.key == key) == 1
    assert changes_for(shop, entity, key) == 1


def test_the_same_stock_count_imported_at_once_sets_the_level_once(shop):
    shop.put("product", [{"id": 51, "sku": "500051", "name_zh": "新品", "name_en": "New",
                          "measure": "each", "tax_code": "VAT9"}])
    answers = admin_fire(shop, "/entities/stock_level",
                         {"records": [{"product_id": 51, "qty": 40}], "store_id": "S1"})
    assert statuses(answers) == [200] * N
    assert level(shop, "S1", 51) == 40 and movements_sum(shop, "S1", 51) == 40


def test_the_same_web_order_sent_at_once_is_stored_once(shop):
    order = {"order_no": "W900", "status": "ready", "fulfilment": "pickup", "store_id": "S1",
             "pickup_code": "123456", "currency": "CNY",
             "lines": [{"sku": "100001", "qty": 2, "unit_price": 100}],
             "payments": [{"kind": "online", "amount": 200, "method": "alipay"}],
             "created_at": "2026-11-23T09:00:00Z"}
    answers = admin_fire(shop, "/orders", {"orders": [order]})
    assert statuses(answers) == [200] * N
    assert all(r.json()["rejected"] == [] for r in answers), [r.json() for r in answers]
    assert sorted(r.json()["upserted"] for r in answers) == [0] * (N - 1) + [1]
    assert changes_for(shop, "order", "W900") == 1


def test_the_same_revocation_at_once_revokes_once(shop):
    till = shop.enrol("S1")
    answers = admin_fire(shop, f"/terminals/S1/{till.terminal_id}/revoke", None)
    assert statuses(answers) == [200] * N
    assert sorted(r.json()["revoked"] for r in answers) == [False] * (N - 1) + [True]


def test_the_same_exception_resolved_by_the_admin_at_once_keeps_one_resolution(shop):
    till = shop.enrol("S2")
    assert till.send([sale_event("S2", 1, [(MILK, 10)])]).status_code == 200
    with shop.engine.connect() as conn:
        exc_id = conn.scalar(select(exceptions.c.id).where(exceptions.c.kind == "oversold"))
    answers = admin_fire(shop, f"/exceptions/{exc_id}/resolve", {"comment": "counted"})
    assert statuses(answers) == [200] * N
    assert len({r.json()["resolved_at"] for r in answers}) == 1


def test_the_same_refund_done_at_once_is_done_once(shop):
    with shop.engine.begin() as conn:
        rid = conn.execute(refund_requests.insert().values(
            event_id=uuid.uuid4(), order_no="W1", store_id="S1", currency="CNY", amount=100,
            payment_reference="pay-1", status="requested", created_at=shop.clock.now())
            .returning(refund_requests.c.id)).scalar_one()
    answers = admin_fire(shop, f"/refund-requests/{rid}/done", None)
    assert statuses(answers) == [200] * N
    assert {r.json()["requests"][0]["done_at"] for r in answers} != {None}
    assert len({r.json()["requests"][0]["done_at"] for r in answers}) == 1


def test_enrolment_codes_asked_at_once_are_each_a_new_code(shop):
    """Not a duplicate: every call makes a new one-time code (shown once, an unused one
    expires), so N calls make N codes, and none fails."""
    answers = admin_fire(shop, "/enrolment-codes", {"store_id": "S1"})
    assert statuses(answers) == [201] * N
    assert len({r.json()["code"] for r in answers}) == N


def test_the_same_prune_at_once_prunes_once(shop):
    head = count(shop, changes)
    answers = admin_fire(shop, "/prune", {"before_seq": head})
    assert statuses(answers) == [200] * N
    assert sum(r.json()["deleted"] for r in answers) == head - 1
    assert {r.json()["low_water"] for r in answers} == {head - 1}
