"""Event ingest over HTTP: accepted, duplicate, rejected into quarantine, oversold, seq gaps."""

from __future__ import annotations

import uuid

from central_kit import APPLE, BREAD, GUM, MILK, RICE, level, movements_sum, sale_event
from sqlalchemy import func, select

from sync.central.ledger import ledger_mismatches
from sync.central.schema import events, quarantine, sales, terminal_gaps
from sync.protocol import EventsResponse


def results(response) -> list:
    assert response.status_code == 200, response.text
    return EventsResponse.model_validate(response.json()).results


def count(central, table) -> int:
    with central.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(table))


def test_a_sale_is_accepted_with_its_stock_movements_and_sales_record(shop):
    till = shop.enrol("S1")
    ev = sale_event("S1", 1, [(MILK, 3), (BREAD, 1), (MILK, 2), (APPLE, 750)])
    (res,) = results(till.send([ev]))
    assert res.status == "accepted" and res.exceptions == []
    assert (level(shop, "S1", MILK), level(shop, "S1", BREAD)) == (95, 19)
    assert level(shop, "S1", APPLE) == 30_000 - 750  # weighed: grams
    assert level(shop, "S2", MILK) == 7  # another store's stock is untouched
    with shop.engine.connect() as conn:
        row = conn.execute(select(sales)).one()
    assert (row.store_id, row.terminal_id, row.receipt_no) == ("S1", till.terminal_id,
                                                               "S1-T01-000001")
    assert row.total == ev["payload"]["total"] and row.currency == "CNY" and row.lines == 4
    changes = till.get("/v1/changes", after=0, limit=5000).json()["changes"]
    assert {"product_id": MILK, "store_id": "S1", "qty": 95} in [
        c["data"] for c in changes if c["entity"] == "stock_level"]


def test_the_same_batch_twice_moves_stock_once(shop):
    till = shop.enrol("S1")
    batch = [sale_event("S1", 1, [(MILK, 4)]), sale_event("S1", 2, [(RICE, 11)])]
    first = results(till.send(batch))
    assert [r.status for r in first] == ["accepted", "accepted"]
    assert first[1].exceptions == [f"oversold:{RICE}"]
    again = results(till.send(batch))
    assert [r.status for r in again] == ["duplicate", "duplicate"]
    assert again[1].exceptions == [f"oversold:{RICE}"]  # as the first time: same effect
    assert (level(shop, "S1", MILK), level(shop, "S1", RICE)) == (96, -1)
    assert count(shop, events) == 2 and count(shop, sales) == 2


def test_a_malformed_event_is_quarantined_and_the_rest_of_the_batch_accepted(shop):
    till = shop.enrol("S1")
    good1 = sale_event("S1", 1, [(MILK, 1)])
    no_lines = sale_event("S1", 2, [(MILK, 1)])
    del no_lines["payload"]["lines"]
    unknown_type = {**sale_event("S1", 3, []), "type": "teleport"}
    other_store = sale_event("S2", 4, [(MILK, 1)])
    garbage = {"terminal_seq": "x"}
    good2 = sale_event("S1", 5, [(BREAD, 2)])
    out = results(till.send([good1, no_lines, unknown_type, other_store, garbage, good2]))
    assert [r.status for r in out] == ["accepted", "rejected", "rejected", "rejected",
                                       "rejected", "accepted"]
    assert "lines" in out[1].reason
    assert "teleport" in out[2].reason
    assert "S2" in out[3].reason and "store" in out[3].reason
    assert out[4].event_id == uuid.UUID(int=0) and "event_id" in out[4].reason
    assert [str(r.event_id) for r in out[:4]] == [e["event_id"] for e in
                                                  (good1, no_lines, unknown_type, other_store)]
    assert (level(shop, "S1", MILK), level(shop, "S1", BREAD)) == (99, 18)
    assert level(shop, "S2", MILK) == 7
    listed = shop.http.get("/v1/admin/quarantine", headers=shop.admin).json()
    assert len(listed) == 4
    assert {q["event_id"] for q in listed} >= {no_lines["event_id"], other_store["event_id"]}
    assert next(q for q in listed if q["event_id"] is None)["raw"] == garbage
    # Quarantined events count as received: no seq gap for them.
    assert shop.http.get("/v1/admin/gaps", headers=shop.admin).json() == []
    # Sending the rejected one again: still rejected, still one quarantine row.
    assert results(till.send([no_lines]))[0].status == "rejected"
    assert count(shop, quarantine) == 4


def test_an_oversell_is_accepted_and_recorded_as_an_exception(shop):
    till = shop.enrol("S2")
    (res,) = results(till.send([sale_event("S2", 1, [(BREAD, 5), (MILK, 1)])]))
    assert res.status == "accepted" and res.exceptions == [f"oversold:{BREAD}"]
    assert level(shop, "S2", BREAD) == -2
    listed = shop.http.get("/v1/admin/exceptions", headers=shop.admin,
                           params={"store_id": "S2"}).json()
    assert len(listed) == 1
    exc = listed[0]
    assert (exc["kind"], exc["status"], exc["event_id"]) == ("oversold", "open",
                                                             str(res.event_id))
    assert exc["detail"]["qty_after"] == -2 and exc["detail"]["product_id"] == BREAD
    done = shop.admin_post(f"/exceptions/{exc['id']}/resolve",
                           {"comment": "counted: 2 loaves were on the back shelf"})
    assert done["status"] == "resolved" and done["resolved_at"]
    assert shop.http.get("/v1/admin/exceptions", headers=shop.admin).json() == []


def test_a_sale_of_an_unknown_product_is_accepted_and_flagged(shop):
    till = shop.enrol("S1")
    (res,) = results(till.send([sale_event("S1", 1, [(777, 1)])]))
    assert res.status == "accepted"
    assert set(res.exceptions) == {"unknown_product:777", "oversold:777"}
    levels = [c for c in till.get("/v1/changes", limit=5000).json()["changes"]
              if c["key"] == "S1:777"]
    assert levels == []  # the tills cannot hold a level for a product they do not have


def test_seq_gaps_are_recorded_and_filled_by_late_events(shop, caplog):
    till = shop.enrol("S1")
    evs = {n: sale_event("S1", n, [(GUM, 1)]) for n in range(1, 7)}
    assert [r.status for r in results(till.send([evs[1], evs[2], evs[5]]))] == ["accepted"] * 3
    assert "LOST EVENTS" in caplog.text and "3..4" in caplog.text
    gaps = shop.http.get("/v1/admin/gaps", headers=shop.admin).json()
    assert [(g["first_seq"], g["last_seq"]) for g in gaps] == [(3, 4)]
    results(till.send([evs[4]]))
    gaps = shop.http.get("/v1/admin/gaps", headers=shop.admin).json()
    assert [(g["first_seq"], g["last_seq"]) for g in gaps] == [(3, 3)]
    results(till.send([evs[3], evs[6]]))
    with shop.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(terminal_gaps)) == 0
    assert level(shop, "S1", GUM) == 50 - 6


def test_a_reused_terminal_seq_is_accepted_and_flagged(shop):
    till = shop.enrol("S1")
    results(till.send([sale_event("S1", 1, [(GUM, 1)])]))
    (res,) = results(till.send([sale_event("S1", 1, [(GUM, 1)], receipt_no="S1-T01-X")]))
    assert res.status == "accepted" and res.exceptions == ["terminal_seq_reused:1"]
    (dup,) = results(till.send([sale_event("S1", 2, [(GUM, 1)], receipt_no="S1-T01-X")]))
    assert dup.exceptions == ["duplicate_receipt:S1-T01-X"]


def test_the_ledger_always_equals_the_sum_of_movements(shop):
    till = shop.enrol("S1")
    other = shop.enrol("S2")
    batch = [sale_event("S1", n, [(MILK, n), (RICE, 3), (APPLE, 125 * n)]) for n in range(1, 9)]
    results(till.send(batch))
    results(other.send([sale_event("S2", 1, [(MILK, 9), (GUM, 2)])]))
    shop.put("stock_level", [{"product_id": MILK, "qty": 500}, {"product_id": GUM, "qty": 5}],
             store_id="S1")
    with shop.engine.connect() as conn:
        assert ledger_mismatches(conn) == []
    for store, pid in (("S1", MILK), ("S1", RICE), ("S1", APPLE), ("S2", MILK), ("S2", GUM)):
        assert level(shop, store, pid) == movements_sum(shop, store, pid)
    assert level(shop, "S1", MILK) == 500 and level(shop, "S2", GUM) == -2


def test_batches_over_500_and_bodies_that_are_not_batches_are_refused(shop):
    till = shop.enrol("S1")
    too_many = [sale_event("S1", n, [(GUM, 1)]) for n in range(1, 502)]
    r = till.send(too_many)
    assert r.status_code == 422 and r.json()["error"] == "batch_too_large"
    r = shop.http.post("/v1/events", json=[1, 2], headers=till.auth)
    assert r.status_code == 422 and r.json()["error"] == "invalid_batch"
    assert count(shop, events) == 0


def test_known_types_without_central_effects_yet_are_stored(shop):
    till = shop.enrol("S1")
    shift = {"event_id": str(uuid.uuid4()), "terminal_seq": 1, "type": "shift_close",
             "occurred_at": "2026-11-23T18:00:00Z", "payload": {"store_id": "S1"}}
    (res,) = results(till.send([shift]))
    assert res.status == "accepted"
    with shop.engine.connect() as conn:
        assert conn.execute(select(events.c.type, events.c.effects)).one() == ("shift_close",
                                                                               "none")


def test_a_batch_that_gets_no_turn_is_refused_with_503_and_taken_when_sent_again(
        shop, monkeypatch):
    from sync.central import ingest

    till = shop.enrol("S1")
    ev = sale_event("S1", 1, [(MILK, 1)])
    monkeypatch.setattr(ingest, "QUEUE_TIMEOUT_S", 0.05)
    slots = ingest.batch_slots(shop.engine)
    held = [slots.acquire(timeout=10) for _ in range(ingest.concurrency())]
    try:
        assert all(held)  # every turn taken, as by other terminals' long batches
        r = till.send([ev])
        assert r.status_code == 503, r.text
        assert r.json()["error"] == "database_unavailable" and r.headers["Retry-After"] == "5"
    finally:
        for _ in held:
            slots.release()
    assert count(shop, events) == 0
    (res,) = results(till.send([ev]))
    assert res.status == "accepted"


def test_the_batches_turns_per_process_come_from_the_environment(monkeypatch):
    from sync.central import ingest

    monkeypatch.setenv(ingest.ENV_CONCURRENCY, "5")
    assert ingest.concurrency() == 5
    monkeypatch.setenv(ingest.ENV_CONCURRENCY, "0")
    assert ingest.concurrency() == 1
    monkeypatch.setenv(ingest.ENV_CONCURRENCY, "many")
    assert ingest.concurrency() == ingest.DEFAULT_CONCURRENCY
    monkeypatch.delenv(ingest.ENV_CONCURRENCY)
    assert ingest.concurrency() == ingest.DEFAULT_CONCURRENCY
