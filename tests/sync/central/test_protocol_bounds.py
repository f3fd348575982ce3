"""Every field the central takes in has a bound the database can hold, and a terminal_seq far
ahead of the till's last one is refused, not recorded as lost events. Real central over HTTP,
SQLite and PostgreSQL: what a property-based client found is answered as documented, never
with a 500."""

from __future__ import annotations

import uuid

from central_kit import MILK, sale_event
from sqlalchemy import select

from posclient.domain.audit import GENESIS
from sync.central.schema import quarantine, terminal_gaps, terminals
from sync.protocol import MAX_SEQ_AHEAD


def gaps(shop) -> list[tuple[int, int]]:
    with shop.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(
            select(terminal_gaps.c.first_seq, terminal_gaps.c.last_seq))]


def high_seq(shop, till) -> int:
    with shop.engine.connect() as conn:
        return conn.scalar(select(terminals.c.high_seq).where(
            terminals.c.terminal_id == till.terminal_id, terminals.c.store_id == till.store_id))


def test_a_terminal_seq_far_ahead_is_refused_not_taken_as_lost_events(shop):
    till = shop.enrol("S1")
    far = sale_event("S1", 56_754_131_887, [(MILK, 1)])
    r = till.send([sale_event("S1", 1, [(MILK, 1)]), far, sale_event("S1", 2, [(MILK, 1)])])
    assert r.status_code == 200
    first, refused, second = r.json()["results"]
    assert (first["status"], second["status"]) == ("accepted", "accepted")
    assert refused["status"] == "rejected"
    assert refused["reason"].startswith("terminal_seq_too_far")
    assert gaps(shop) == [] and high_seq(shop, till) == 2
    assert till.send([far]).json()["results"][0]["status"] == "rejected"  # again: the same
    assert gaps(shop) == [] and high_seq(shop, till) == 2


def test_the_limit_is_counted_from_the_till_s_last_seq(shop):
    till = shop.enrol("S1")
    edge = sale_event("S1", MAX_SEQ_AHEAD, [(MILK, 1)])
    next_edge = sale_event("S1", 2 * MAX_SEQ_AHEAD, [(MILK, 1)])
    beyond = sale_event("S1", 3 * MAX_SEQ_AHEAD + 1, [(MILK, 1)])
    got = [x["status"] for x in till.send([edge, next_edge, beyond]).json()["results"]]
    assert got == ["accepted", "accepted", "rejected"]
    assert gaps(shop) == [(1, MAX_SEQ_AHEAD - 1), (MAX_SEQ_AHEAD + 1, 2 * MAX_SEQ_AHEAD - 1)]


def test_a_far_seq_is_refused_on_the_event_by_event_path_too(shop):
    shop.put("promotion", [{"id": "C1", "kind": "amount_off", "amount": 10,
                            "coupon_code": "SAVE1"}])
    till = shop.enrol("S1")
    far = sale_event("S1", 10**12, [(MILK, 1)], coupons=["SAVE1"])  # coupons: one by one
    result = till.send([far]).json()["results"][0]
    assert result["status"] == "rejected" and "terminal_seq_too_far" in result["reason"]
    assert gaps(shop) == [] and high_seq(shop, till) == 0


def test_a_terminal_seq_beyond_bigint_is_rejected_not_a_server_error(shop):
    till = shop.enrol("S1")
    for seq in (2**63, 10**40):
        r = till.send([sale_event("S1", seq, [(MILK, 1)])])
        assert r.status_code == 200, r.text
        result = r.json()["results"][0]
        assert result["status"] == "rejected" and "terminal_seq" in result["reason"]
    assert gaps(shop) == [] and high_seq(shop, till) == 0
    with shop.engine.connect() as conn:
        assert len(conn.execute(select(quarantine.c.id)).all()) == 2


def test_amounts_beyond_the_bound_are_rejected_with_the_field_named(shop):
    till = shop.enrol("S1")
    huge = sale_event("S1", 1, [(MILK, 1)], total=10**30)
    tender = sale_event("S1", 2, [(MILK, 1)], tenders=[{"kind": "cash", "amount": 10**20}])
    results = till.send([huge, tender]).json()["results"]
    assert [x["status"] for x in results] == ["rejected", "rejected"]
    assert "total" in results[0]["reason"] and "tender" in results[1]["reason"]


def test_an_audit_record_id_beyond_bigint_is_refused_as_invalid(shop):
    till = shop.enrol("S1")
    record = {"id": 10**32, "at": "2026-11-23T09:00:00Z", "action": "login", "detail": "{}",
              "prev_hash": GENESIS, "hash": "a" * 64}
    r = shop.http.post("/v1/audit", json={"records": [record]}, headers=till.auth)
    assert (r.status_code, r.json()["error"]) == (422, "invalid_request")
    assert "records.0.id" in r.json()["detail"]


def test_texts_longer_than_their_columns_are_refused_before_the_database(shop):
    r = shop.http.post("/v1/admin/stores", json={"store_id": "S9", "name_zh": "店" * 201},
                       headers=shop.admin)
    assert (r.status_code, r.json()["error"]) == (422, "invalid_request")
    till = shop.enrol("S1")
    long_ref = sale_event("S1", 1, [(MILK, 1)],
                          tenders=[{"kind": "card", "amount": 100, "reference": "x" * 129}])
    assert till.send([long_ref]).json()["results"][0]["status"] == "rejected"
    r = shop.http.get("/v1/changes", params={"after": 2**63}, headers=till.auth)
    assert (r.status_code, r.json()["error"]) == (422, "invalid_request")
    r = shop.http.post(f"/v1/store/exceptions/{2**63}/resolve", json={"comment": "x"},
                       headers=till.auth)
    assert r.status_code == 422


def test_the_payloads_the_reconciliation_reads_are_bounded_and_the_day_still_answers(shop):
    till = shop.enrol("S1")

    def event(seq: int, typ: str, payload: dict) -> dict:
        return {"event_id": str(uuid.uuid4()), "terminal_seq": seq, "type": typ,
                "occurred_at": "2026-11-23T04:00:00Z", "payload": payload}

    sent = [event(1, "z_report", {"business_day": "2026-11-23", "to_at": "2026-11-23T20:00Z",
                                  "sales_total": 10**30}),
            event(2, "cash_movement", {"kind": "x" * 100, "amount": 100}),
            event(3, "shift_close", {"over_short": {"cash": 10**20}}),
            event(4, "cash_movement", {"kind": "paid_out", "amount": 250})]
    got = [(x["status"], x.get("reason") or "") for x in till.send(sent).json()["results"]]
    assert [s for s, _ in got] == ["rejected", "rejected", "rejected", "accepted"]
    assert "sales_total" in got[0][1] and "kind" in got[1][1] and "over_short" in got[2][1]
    r = till.get("/v1/store/reconciliation", day="2026-11-23")
    assert r.status_code == 200, r.text
    assert r.json()["totals"]["movements"] == {"paid_out": 250}
