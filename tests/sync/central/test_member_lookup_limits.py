"""The central's limits on a terminal's online member look-ups (issue 17), on the real central
over HTTP (SQLite and PostgreSQL): past the chain's limit per minute or its daily cap a look-up
is refused with 429, ``Retry-After`` and its own code; found or not, every look-up counts, and
concurrent ones are counted exactly; the daily cap files one exception per terminal and day;
a till says "limited" (never "no such member") and keeps serving its own members."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import httpx
import pytest
from central_kit import MemoryKeyring
from sqlalchemy import select

from posclient.app.members import Members
from posclient.domain.catalogue import message_for
from posclient.domain.clock import ManualClock
from posclient.domain.errors import NotFound, Unavailable
from posclient.domain.privacy import phone_digest
from posclient.store.db import Store
from sync.central import keys, lookup_limits
from sync.central.cli import main
from sync.central.db import write_tx
from sync.central.schema import exceptions, member_lookup_counts
from sync.credentials import TokenStore
from sync.engine import SyncEngine
from sync.enrol import enrol

PHONE = "13911112222"  # member 8800000001, of store S1
NOBODY = hashlib.sha256(b"nobody").hexdigest()  # a hash no member has


@pytest.fixture
def chain(shop):
    shop.put("member", [{"id": 1, "member_no": "8800000001", "name": "陈静", "phone": PHONE,
                         "tier": "gold", "points": 70, "store_id": "S1"}])
    shop.admin_post("/staff", {"id": 2001, "name": "李娜", "role": "cashier", "pin": "1111",
                               "store_id": "S2"})
    return shop


def ask(shop, terminal, body: dict | None = None) -> httpx.Response:
    return shop.http.post("/v1/members/lookup", json=body or {"phone_hash": NOBODY},
                          headers=terminal.auth)


def refused(r: httpx.Response) -> tuple[int, str, str]:
    return r.status_code, r.json().get("error", ""), r.headers.get("retry-after", "")


def counts(shop, terminal) -> tuple[int, int, int]:
    t = member_lookup_counts
    with shop.engine.connect() as conn:
        row = conn.execute(select(t.c.minute_count, t.c.day_count, t.c.day_refused).where(
            t.c.store_id == terminal.store_id, t.c.terminal_id == terminal.terminal_id)).one()
    return tuple(row)


def caps_filed(shop) -> list[tuple]:
    with shop.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(
            select(exceptions.c.store_id, exceptions.c.terminal_id, exceptions.c.incident_key,
                   exceptions.c.count, exceptions.c.status)
            .where(exceptions.c.kind == "member_lookup_cap").order_by(exceptions.c.id))]


def test_the_defaults_leave_room_for_a_busy_till_and_the_chain_sets_its_own(chain):
    with chain.engine.connect() as conn:
        assert lookup_limits.limits(conn) == lookup_limits.LookupLimits(30, 2_000)
    assert lookup_limits.set_limits(chain.engine, per_day=500) == \
        lookup_limits.LookupLimits(30, 500)
    for bad in ({"per_minute": 0}, {"per_minute": 601}, {"per_day": 0}, {"per_day": 100_001}):
        with pytest.raises(ValueError):
            lookup_limits.set_limits(chain.engine, **bad)
    with chain.engine.connect() as conn:
        assert lookup_limits.limits(conn) == lookup_limits.LookupLimits(30, 500)


def test_past_the_limit_per_minute_a_look_up_waits_for_the_minute_found_or_not(chain):
    lookup_limits.set_limits(chain.engine, per_minute=3)
    a, b = chain.enrol("S2"), chain.enrol("S2")
    with chain.engine.connect() as conn:
        digest = phone_digest(keys.phone_key(conn), PHONE)
    assert ask(chain, a).status_code == 404  # nobody's: counted all the same
    assert ask(chain, a, {"phone_hash": digest}).status_code == 200
    assert ask(chain, a, {"member_no": "NOPE"}).status_code == 404
    chain.clock.advance(seconds=20)
    r = ask(chain, a, {"phone_hash": digest})
    assert refused(r) == (429, "member_lookup_rate", "40")  # the rest of the minute
    assert "3 members in the last minute" in r.json()["detail"] and PHONE not in r.text
    assert ask(chain, b).status_code == 404  # another till has its own count
    assert ask(chain, a, {"member_no": ""}).status_code == 422  # bad input: not counted
    assert counts(chain, a) == (3, 3, 0)
    chain.clock.advance(seconds=40)  # the minute is over
    assert ask(chain, a, {"phone_hash": digest}).status_code == 200
    assert counts(chain, a) == (1, 4, 0)
    assert caps_filed(chain) == []


def test_at_the_daily_cap_look_ups_stop_until_the_stores_midnight_and_a_manager_hears_once(
        chain):
    lookup_limits.set_limits(chain.engine, per_minute=600, per_day=4)
    a = chain.enrol("S2")
    for _ in range(4):
        assert ask(chain, a).status_code == 404
    # 09:00 UTC is 17:00 in Shanghai (the store's zone): seven hours to its midnight
    for _ in range(3):
        r = ask(chain, a)
        assert refused(r) == (429, "member_lookup_cap", str(7 * 3600))
    assert "daily cap" in r.json()["detail"]
    assert counts(chain, a) == (4, 4, 3)
    filed = caps_filed(chain)
    assert filed == [("S2", a.terminal_id, f"member_lookup_cap:{a.terminal_id}:2026-11-23", 1,
                      "open")]  # one, however many were refused
    listed = chain.http.get("/v1/store/exceptions", headers=a.auth).json()["exceptions"]
    assert [(x["kind"], x["detail"]["cap"]) for x in listed] == [("member_lookup_cap", 4)]
    assert "revoke" in listed[0]["detail"]["message"]
    chain.clock.advance(hours=7)  # the store's next day
    assert ask(chain, a).status_code == 404
    assert counts(chain, a) == (1, 1, 0)
    for _ in range(3):
        ask(chain, a)
    assert refused(ask(chain, a))[:2] == (429, "member_lookup_cap")
    assert [f[2] for f in caps_filed(chain)] == [
        f"member_lookup_cap:{a.terminal_id}:2026-11-23",
        f"member_lookup_cap:{a.terminal_id}:2026-11-24"]


def _at_once(n: int, call) -> list[httpx.Response]:
    """``n`` calls, started together."""
    out: list[httpx.Response] = []
    start = threading.Barrier(n)
    lock = threading.Lock()

    def one() -> None:
        start.wait()
        r = call()
        with lock:
            out.append(r)

    threads = [threading.Thread(target=one) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def test_concurrent_look_ups_are_counted_exactly(chain):
    lookup_limits.set_limits(chain.engine, per_minute=7)
    a = chain.enrol("S2")

    def call() -> httpx.Response:
        with httpx.Client(base_url=chain.url, timeout=60) as http:
            return http.post("/v1/members/lookup", json={"phone_hash": NOBODY},
                             headers=a.auth)

    answers = _at_once(20, call)
    assert sorted(r.status_code for r in answers) == [404] * 7 + [429] * 13
    assert counts(chain, a) == (7, 7, 0)
    chain.clock.advance(minutes=1)
    lookup_limits.set_limits(chain.engine, per_minute=600, per_day=12)
    answers = _at_once(20, call)  # 5 left of the day's 12
    assert sorted(r.status_code for r in answers) == [404] * 5 + [429] * 15
    assert {r.json()["error"] for r in answers if r.status_code == 429} == {
        "member_lookup_cap"}
    assert counts(chain, a) == (5, 12, 15)
    assert [f[3] for f in caps_filed(chain)] == [1]  # filed once


class Till:
    """A till of store S2, enrolled and synced: the engine is its keys and its directory."""

    def __init__(self, shop, path: Path) -> None:
        self.db, self.clock = path, ManualClock()
        tokens = TokenStore(MemoryKeyring())
        Store.open(path).close()
        enrol(path, shop.url, shop.enrolment_code("S2"), "s2", tokens=tokens, clock=self.clock)
        self.engine = SyncEngine(path, tokens=tokens, clock=self.clock)
        self.engine.run_once()

    def find(self, code: str):
        with Store.open(self.db) as store:
            return Members(store, self.clock, keys=self.engine, directory=self.engine).find(code)


def test_a_limited_till_says_so_never_no_such_member_and_serves_its_own(chain, tmp_path):
    till = Till(chain, tmp_path / "s2.db")
    lookup_limits.set_limits(chain.engine, per_minute=1)
    with pytest.raises(NotFound) as unknown:
        till.find("13800000000")  # nobody's: the minute's one look-up
    assert unknown.value.code == "member_unknown"
    with pytest.raises(Unavailable) as limited:
        till.find(PHONE)  # a member of S1 the central would have found
    assert limited.value.code == "member_lookup_limited"
    assert str(limited.value).startswith("This till has asked the central for too many "
                                         "members just now: try again in 60 seconds")
    assert "会员码" in message_for(limited.value, "zh_CN") and PHONE not in str(limited.value)
    chain.clock.advance(minutes=1)
    assert till.find(PHONE).member_no == "8800000001"  # found and kept: S2 holds her now
    lookup_limits.set_limits(chain.engine, per_day=2)
    with pytest.raises(Unavailable) as capped:
        till.find("8800000099")
    assert capped.value.message_id == "member_lookup_limited.day"
    assert "no more today (the manager has been told)" in str(capped.value)
    assert till.find(PHONE).label == "陈** ****2222"  # the till's own: no central asked


def test_the_cli_shows_and_sets_the_limits(chain, database_url, capsys, monkeypatch):
    monkeypatch.delenv("POSCLIENT_CENTRAL_DB", raising=False)
    assert main(["--database", database_url, "member", "lookup-limit"]) == 0
    assert "30 members online per minute and 2,000 per day" in capsys.readouterr().out
    assert main(["--database", database_url, "member", "lookup-limit", "--per-minute", "60",
                 "--per-day", "5000"]) == 0
    assert "60 members online per minute and 5,000 per day" in capsys.readouterr().out
    assert main(["--database", database_url, "member", "lookup-limit", "--per-day", "0"]) == 1
    assert "Refused: the daily cap is 1 to 100,000" in capsys.readouterr().err
    with write_tx(chain.engine) as conn:
        assert lookup_limits.limits(conn) == lookup_limits.LookupLimits(60, 5_000)
