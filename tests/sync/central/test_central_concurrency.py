"""Commit order = seq order: a till following the feed while others write never skips a seq."""

from __future__ import annotations

import threading

import httpx
from central_kit import BREAD, GUM, MILK, sale_event
from sqlalchemy import or_, select

from sync.central.ledger import ledger_mismatches
from sync.central.schema import changes


def test_a_reader_following_the_feed_during_concurrent_writes_misses_nothing(shop):
    writers = [shop.enrol("S1", "w1"), shop.enrol("S1", "w2"), shop.enrol("S2", "w3")]
    reader = shop.enrol("S1", "reader")
    done = threading.Event()
    failures: list[str] = []
    seen: list[int] = []

    def write(till, rounds: int = 12) -> None:
        with httpx.Client(base_url=shop.url, timeout=60, headers=till.auth) as http:
            for n in range(rounds):
                batch = [sale_event(till.store_id, 3 * n + k + 1, [(MILK, 1), (GUM, 1)])
                         for k in range(3)]
                r = http.post("/v1/events", json={"events": batch})
                if r.status_code != 200 or any(x["status"] != "accepted"
                                               for x in r.json()["results"]):
                    failures.append(r.text)

    def admin_writes() -> None:
        with httpx.Client(base_url=shop.url, timeout=60, headers=shop.admin) as http:
            for n in range(12):
                r = http.post("/v1/admin/entities/price", json={"records": [
                    {"id": 100 + n, "product_id": BREAD, "amount": 500 + n}]})
                if r.status_code != 200:
                    failures.append(r.text)

    def follow() -> None:
        after = 0
        with httpx.Client(base_url=shop.url, timeout=60, headers=reader.auth) as http:
            while True:
                finished = done.is_set()  # read once more after the writers stopped
                while True:
                    page = http.get("/v1/changes", params={"after": after, "limit": 7}).json()
                    seen.extend(c["seq"] for c in page["changes"])
                    after = page["next_after"]
                    if not page["has_more"]:
                        break
                if finished:
                    return

    threads = [threading.Thread(target=write, args=(t,)) for t in writers]
    threads.append(threading.Thread(target=admin_writes))
    follower = threading.Thread(target=follow)
    follower.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    done.set()
    follower.join(120)
    assert failures == []
    with shop.engine.connect() as conn:
        visible = list(conn.scalars(select(changes.c.seq).where(
            or_(changes.c.store_id.is_(None), changes.c.store_id == "S1"))
            .order_by(changes.c.seq)))
        assert ledger_mismatches(conn) == []
    assert seen == visible  # every change, once, in order
    assert len(visible) > 70
