"""An offline oversell is one exception per store, product and business day (the store's time
zone), with the count of sales behind it and their event ids, resolved together: on the real
central over HTTP, SQLite and PostgreSQL, through the batch path and event by event.
"""

from __future__ import annotations

import threading

from central_kit import BREAD, MILK, sale_event
from sqlalchemy import func, select

from sync.central.schema import exceptions
from sync.protocol import EventResult

DAY = "2026-11-23"


def results(resp) -> list[EventResult]:
    assert resp.status_code == 200, resp.text
    return [EventResult.model_validate(r) for r in resp.json()["results"]]


def sale(seq: int, lines, at: str = "2026-11-23T09:01:00Z", till: str = "T01", **payload):
    ev = sale_event("S2", seq, lines, receipt_no=f"S2-{till}-{seq:06d}", **payload)
    ev["occurred_at"] = at
    ev["payload"]["completed_at"] = at
    return ev


def groups(till, day: str = DAY) -> list[dict]:
    """The open oversells of ``day`` in the store's reconciliation (it lists every open one)."""
    r = till.get("/v1/store/reconciliation", day=day)
    assert r.status_code == 200, r.text
    return [e for e in r.json()["exceptions"]
            if e["kind"] == "oversold" and e["detail"]["day"] == day]


def test_an_offline_oversell_of_many_sales_is_one_exception_with_its_count_and_events(shop):
    a, b = shop.enrol("S2", "front"), shop.enrol("S2", "back")  # S2 has 3 loaves, 7 milks
    first = [sale(1, [(BREAD, 2), (MILK, 1)])]  # 1 loaf left: no exception yet
    over_a = [sale(seq, [(BREAD, 1), (BREAD, 1)]) for seq in range(2, 7)]  # two lines each
    over_b = [sale(seq, [(BREAD, 1)], till=b.terminal_id) for seq in range(1, 5)]
    assert [r.exceptions for r in results(a.send(first))] == [[]]
    sent = results(a.send(over_a)) + results(b.send(over_b))
    assert all(r.exceptions == [f"oversold:{BREAD}"] for r in sent)
    member = sale(7, [(BREAD, 1)], member_no="M1")  # a member's sale: the event-by-event path
    (one,) = results(a.send([member]))
    assert f"oversold:{BREAD}" in one.exceptions

    (group,) = groups(a)
    behind = [r.event_id for r in sent] + [one.event_id]
    assert group["count"] == len(behind) == 10
    assert sorted(group["events"]) == sorted(str(e) for e in behind)
    assert group["detail"]["product_id"] == BREAD and group["detail"]["day"] == DAY
    assert group["detail"]["qty_after"] == 3 - 2 - 10 - 4 - 1

    again = results(a.send(over_a))  # re-sent: duplicates, the same labels, nothing counted
    assert [r.status for r in again] == ["duplicate"] * 5
    assert all(r.exceptions == [f"oversold:{BREAD}"] for r in again)
    assert groups(a)[0]["count"] == 10
    listed = shop.http.get("/v1/admin/exceptions", headers=shop.admin,
                           params={"store_id": "S2"}).json()
    assert [(e["kind"], e["count"]) for e in listed] == [("oversold", 10), ("member_unknown", 1)]


def test_a_second_product_or_a_second_day_in_the_stores_time_zone_is_a_second_exception(shop):
    till = shop.enrol("S2")
    sent = results(till.send([
        sale(1, [(BREAD, 4)]),
        sale(2, [(BREAD, 1)]),
        sale(3, [(MILK, 8)]),
        sale(4, [(BREAD, 1)], at="2026-11-23T15:59:00Z"),  # 23:59 in Shanghai: the same day
        sale(5, [(BREAD, 1)], at="2026-11-23T16:00:00Z"),  # 00:00 on the 24th in Shanghai
        sale(6, [(BREAD, 1)], at="2026-11-24T02:00:00Z"),
    ]))
    today = {e["detail"]["product_id"]: e for e in groups(till)}
    assert {p: e["count"] for p, e in today.items()} == {BREAD: 3, MILK: 1}
    assert today[BREAD]["events"] == [str(r.event_id) for r in (sent[0], sent[1], sent[3])]
    assert today[MILK]["events"] == [str(sent[2].event_id)]
    (tomorrow,) = groups(till, "2026-11-24")
    assert (tomorrow["count"], tomorrow["detail"]["day"]) == (2, "2026-11-24")
    with shop.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(exceptions)) == 3


def test_resolving_the_group_resolves_all_its_sales_and_a_later_oversell_opens_a_new_one(shop):
    till = shop.enrol("S2")
    results(till.send([sale(seq, [(BREAD, 2)]) for seq in range(1, 5)]))
    (group,) = groups(till)
    assert group["count"] == 3
    r = till.central.http.post(f"/v1/store/exceptions/{group['id']}/resolve",
                               json={"comment": "a delivery was not booked", "staff_id": 9001},
                               headers=till.auth)
    assert r.status_code == 200, r.text
    done = r.json()
    assert (done["status"], done["count"], len(done["events"])) == ("resolved", 3, 3)
    assert groups(till) == []
    resolved = till.get("/v1/store/exceptions", status="resolved").json()["exceptions"]
    assert [(e["id"], e["count"]) for e in resolved] == [(group["id"], 3)]
    (later,) = results(till.send([sale(5, [(BREAD, 1)])]))
    assert later.exceptions == [f"oversold:{BREAD}"]
    (reopened,) = groups(till)
    assert reopened["id"] != group["id"] and reopened["events"] == [str(later.event_id)]


def test_tills_overselling_the_same_product_at_once_count_into_one_exception(shop):
    tills = [shop.enrol("S2", f"t{i}") for i in range(4)]
    errors: list[BaseException] = []
    start = threading.Barrier(len(tills))

    def run(till) -> None:
        try:
            start.wait()
            for seq in range(1, 6):
                results(till.send([sale(seq, [(BREAD, 1)], till=till.terminal_id)]))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(t,)) for t in tills]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    (group,) = groups(tills[0])
    assert group["count"] == 4 * 5 - 3 == len(set(group["events"]))  # 3 loaves were there
