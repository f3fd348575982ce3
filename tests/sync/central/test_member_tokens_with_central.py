"""Member QR tokens with the real central over HTTP (SQLite and PostgreSQL) and real tills: the
web shop gets a token (the admin token only; 404 unknown, 409 inactive); the key reaches the
tills by snapshot and feed; a till verifies a token offline for a member it has never heard of,
sells at the tier's price, earns and redeems, and the central credits and debits as for any
member; two offline tills redeeming on one token overdraw and the central files it; a key
rotation keeps the old tokens working until they expire; the CLI prints a token."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from central_kit import MILK, MemoryKeyring
from sqlalchemy import select

from posclient.app.checkout import Checkout
from posclient.app.members import Members, MemberView
from posclient.app.staff import StaffService
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.clock import ManualClock
from posclient.domain.errors import InvalidInput
from posclient.domain.member_token import (
    CLOCK_SKEW_S,
    MAX_TTL_S,
    TokenKey,
    from_b64url,
    verify_token,
)
from posclient.store.db import Store
from posclient.store.member_tokens import token_keys
from sync.central import loyalty, member_tokens
from sync.central.cli import main
from sync.central.db import make_engine
from sync.central.schema import exceptions
from sync.credentials import TokenStore
from sync.engine import SyncEngine
from sync.enrol import enrol

STAFF = {"S1": 1, "S2": 2}


class Till:
    def __init__(self, shop, tmp_path, store_id: str, name: str) -> None:
        self.cashier = 1000 + STAFF[store_id]
        self.db = tmp_path / f"{name}.db"
        Store.open(self.db).close()
        tokens, self.clock = TokenStore(MemoryKeyring()), ManualClock()
        enrol(self.db, shop.url, shop.enrolment_code(store_id), name, tokens=tokens,
              clock=self.clock)
        self.engine = SyncEngine(self.db, tokens=tokens, clock=self.clock)

    def member(self, code: str) -> MemberView:
        with Store.open(self.db) as store:
            return Members(store, self.clock).find(code)

    def kids(self) -> list[str]:
        with Store.open(self.db) as store:
            return sorted(token_keys(store.conn))

    def sell(self, code: str, items: list[str], points: int = 0):
        with Store.open(self.db) as store:
            staff = StaffService(store, self.clock)
            co = Checkout(store, staff, staff.login(self.cashier, "1111"), clock=self.clock,
                          payments=SimulatedPaymentTerminal(()))
            co.attach_member(Members(store, self.clock).find(code))
            for item in items:
                co.scan(item)
            if points:
                co.pay_points(points)
            if co.payment.due.minor:
                co.pay_cash(co.payment.due)
            return co.complete()


def issue(shop, member_no: str, expect: int = 200, **body) -> dict:
    r = shop.http.post("/v1/member-tokens", json={"member_no": member_no, **body},
                       headers=shop.admin)
    assert r.status_code == expect, r.text
    return r.json()


def balance(shop, member_no: str) -> int:
    with shop.engine.connect() as conn:
        m = loyalty.read_member(conn, loyalty.member_key(conn, member_no=member_no))
        assert m is not None and m.points == loyalty.balance_from_ledger(conn, m.id) + 500
        return m.points


@pytest.fixture
def stores(shop):
    for store_id, n in STAFF.items():
        shop.admin_post("/staff", {"id": 1000 + n, "name": "李娜", "role": "cashier",
                                   "pin": "1111", "store_id": store_id})
    shop.put("member", [{"id": 1, "member_no": "8800000001", "name": "陈静",
                         "phone": "13900002222", "tier": "standard", "points": 500}])
    shop.put("price", [{"id": 100, "product_id": MILK, "price_list": "gold", "amount": 80}])
    return shop


def web_member(shop) -> None:
    """A member who signed up on the web after the tills' last sync (they do not have her)."""
    shop.put("member", [{"id": 2, "member_no": "W0000002", "name": "林小红",
                         "phone": "13700003333", "tier": "gold", "points": 500}])


def test_the_channel_api_issues_tokens_to_the_admin_token_and_not_to_a_till(stores):
    shop = stores
    body = issue(shop, "8800000001")
    assert body["token"].startswith("MT1.") and len(body["token"]) <= 400
    assert (body["member_no"], body["tier"], body["masked_name"], body["points"]) == (
        "8800000001", "standard", "陈**", 500)  # masked: the first character, the length hidden
    assert body["expires_at"] == "2026-11-23T09:10:00Z"  # ten minutes by default
    with shop.engine.connect() as conn:
        keys = member_tokens.published_keys(conn)
    assert [k.kid for k in keys] == [body["kid"]]  # made on first need, published
    assert issue(shop, "8800000001", ttl_seconds=3600)["expires_at"] == "2026-11-23T10:00:00Z"
    assert issue(shop, "8800000001")["kid"] == body["kid"]  # the same key
    assert issue(shop, "NOPE", 404)["error"] == "member_unknown"
    shop.put("member", [{"id": 3, "member_no": "8800000003", "name": "Old", "active": False}])
    assert issue(shop, "8800000003", 409)["error"] == "member_inactive"
    assert issue(shop, "8800000001", 422, ttl_seconds=MAX_TTL_S + 1)["error"] == \
        "invalid_request"
    r = shop.http.post("/v1/member-tokens", json={"member_no": "8800000001"})
    assert r.status_code == 401
    terminal = shop.enrol("S1")
    r = shop.http.post("/v1/member-tokens", json={"member_no": "8800000001"},
                       headers=terminal.auth)
    assert (r.status_code, r.json()["error"]) == (403, "terminal_not_allowed")  # a channel's


def test_a_member_from_elsewhere_is_served_offline_and_the_central_counts_it(stores, tmp_path):
    shop = stores
    issue(shop, "8800000001")  # the key exists before the tills' first sync
    a = Till(shop, tmp_path, "S1", "a")
    assert a.engine.run_once().bootstrapped
    assert len(a.kids()) == 1  # by the snapshot
    web_member(shop)
    token = issue(shop, "W0000002")["token"]
    # the till is offline from here: it has never heard of W0000002
    m = a.member(token)
    assert (m.member_no, m.tier, m.label, m.balance, m.id) == ("W0000002", "gold", "林**",
                                                               500, None)
    sale = a.sell(token, ["6901234567892", "036000291452"], points=200)  # milk 0.80 + 2.00
    assert sale.totals.total.minor == 280  # the gold price from the token's tier
    assert (sale.points_redeemed, sale.points_earned, sale.points_balance) == (200, 0, 300)
    assert a.member(token).available == 300
    a.engine.run_once()
    assert balance(shop, "W0000002") == 500 - 200  # 0.80 paid: nothing earned
    with shop.engine.connect() as conn:
        assert [k for k, in conn.execute(select(exceptions.c.kind))] == []


def test_two_offline_tills_redeeming_on_one_token_overdraw_and_it_is_filed(stores, tmp_path):
    shop = stores
    issue(shop, "8800000001")
    a, b = Till(shop, tmp_path, "S1", "a"), Till(shop, tmp_path, "S2", "b")
    a.engine.run_once()
    b.engine.run_once()
    web_member(shop)
    token = issue(shop, "W0000002")["token"]  # 500 points, shown at two stores
    a.sell(token, ["036000291452"] * 4, points=400)  # 8.00 - 4.00 in points: earns 4
    b.sell(token, ["036000291452"] * 4, points=400)
    with pytest.raises(InvalidInput) as exc:  # a's own redemption counts at a
        a.sell(token, ["036000291452"] * 2, points=200)
    assert exc.value.code == "points_insufficient"
    a.engine.run_once()
    b.engine.run_once()
    assert balance(shop, "W0000002") == 500 - 400 + 4 - 400 + 4
    with shop.engine.connect() as conn:
        filed = [d for d, in conn.execute(select(exceptions.c.detail)
                                          .where(exceptions.c.kind == "points_overdrawn"))]
    assert len(filed) == 1 and '"balance":-292' in filed[0]


def test_a_rotation_keeps_old_tokens_until_they_expire(stores, tmp_path):
    shop = stores
    old = issue(shop, "8800000001", ttl_seconds=MAX_TTL_S)
    a = Till(shop, tmp_path, "S1", "a")
    a.engine.run_once()
    new_key = member_tokens.rotate(shop.engine, shop.clock.now())
    new = issue(shop, "8800000001")
    assert new["kid"] == new_key.kid != old["kid"]
    with pytest.raises(InvalidInput) as exc:  # not synced since the rotation
        a.member(new["token"])
    assert exc.value.message_id == "member_token_invalid.unknown_key"
    assert not a.engine.run_once().bootstrapped  # the feed brings the new key
    assert a.kids() == sorted([old["kid"], new["kid"]])
    assert a.member(new["token"]).member_no == a.member(old["token"]).member_no == "8800000001"
    # a day and more later the old key's tokens have all expired: the next rotation drops it
    later = MAX_TTL_S + CLOCK_SKEW_S + 1
    shop.clock.advance(seconds=later)
    a.clock.advance(seconds=later)
    with pytest.raises(InvalidInput) as exc:
        a.member(old["token"])
    assert exc.value.message_id == "member_token_expired"
    third = member_tokens.rotate(shop.engine, shop.clock.now())
    a.engine.run_once()
    assert a.kids() == sorted([new["kid"], third.kid])
    with Store.open(a.db) as store:
        keys = token_keys(store.conn)
    assert keys[new["kid"]].valid_to is not None and keys[third.kid].valid_to is None


def test_the_cli_prints_a_token_a_till_verifies(stores, database_url, capsys, monkeypatch):
    shop = stores
    monkeypatch.delenv("POSCLIENT_CENTRAL_DB", raising=False)
    assert main(["--database", database_url, "member", "token", "8800000001",
                 "--ttl", "120"]) == 0
    token = capsys.readouterr().out.strip()
    with shop.engine.connect() as conn:
        till_keys = {k.kid: TokenKey(k.kid, from_b64url(k.public_key), k.valid_from,
                                     k.valid_to) for k in member_tokens.published_keys(conn)}
    claims = verify_token(token, till_keys, datetime.now(UTC))
    assert claims.member_no == "8800000001" and claims.expires_at - claims.issued_at == 120
    assert main(["--database", database_url, "member", "token", "NOPE"]) == 1
    assert "No member 'NOPE'" in capsys.readouterr().err
    assert main(["--database", database_url, "member", "rotate-key"]) == 0
    assert "now signed with key" in capsys.readouterr().out
    with shop.engine.connect() as conn:
        assert len(member_tokens.published_keys(conn)) == 2


def test_a_new_snapshot_drops_the_keys_the_central_no_longer_has(stores, tmp_path):
    from sync.central import feed

    shop = stores
    first = issue(shop, "8800000001")["kid"]
    a = Till(shop, tmp_path, "S1", "a")
    assert a.engine.run_once().bootstrapped
    # Offline for days: the key rotates twice (the first one's tokens long expired) and the
    # feed is pruned past the till.
    second = member_tokens.rotate(shop.engine, shop.clock.now()).kid
    shop.clock.advance(seconds=MAX_TTL_S + 1)
    third = member_tokens.rotate(shop.engine, shop.clock.now()).kid
    with shop.engine.connect() as conn:
        last = feed.feed_state(conn).last_seq
        assert sorted(k.kid for k in member_tokens.published_keys(conn)) == sorted(
            [second, third])
    shop.admin_post("/prune", {"before_seq": last + 1})
    assert a.kids() == [first]
    assert a.engine.run_once().bootstrapped  # 410 Gone: a new snapshot, the careful path
    assert a.kids() == sorted([second, third])


def test_the_central_demo_data_prints_a_token_for_its_first_member(tmp_path, capsys,
                                                                  monkeypatch):
    monkeypatch.delenv("POSCLIENT_CENTRAL_ADMIN_TOKEN", raising=False)
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    assert main(["--database", db, "init"]) == 0
    assert main(["--database", db, "demo-data", "--products", "20", "--members", "3",
                 "--seed", "7"]) == 0
    out = capsys.readouterr().out
    assert "Member 8800000001's QR token" in out
    token = out.strip().splitlines()[-1].strip()
    engine = make_engine(db)
    with engine.connect() as conn:
        till_keys = {k.kid: TokenKey(k.kid, from_b64url(k.public_key), k.valid_from,
                                     k.valid_to) for k in member_tokens.published_keys(conn)}
    engine.dispose()
    assert verify_token(token, till_keys, datetime.now(UTC)).member_no == "8800000001"


def test_a_shared_suspended_sale_of_a_token_member_is_claimed_with_her(stores, tmp_path):
    """A sale suspended at one till with a member known only from her QR token, claimed at
    another till of the store through the central after the token expired: she is the sale's
    member there, at her tier's prices, and may redeem the token's points less what that till
    redeemed for her since the token was issued (the rule of a fresh token)."""
    shop = stores
    issue(shop, "8800000001")
    front, back = Till(shop, tmp_path, "S1", "front"), Till(shop, tmp_path, "S1", "back")
    front.engine.run_once()
    back.engine.run_once()
    web_member(shop)  # W0000002, gold, 500 points: neither till has her
    token = issue(shop, "W0000002")["token"]
    first = back.sell(token, ["036000291452"] * 2, points=100)  # back redeems 100 first
    with Store.open(front.db) as store:
        staff = StaffService(store, front.clock)
        co = Checkout(store, staff, staff.login(front.cashier, "1111"), clock=front.clock,
                      payments=SimulatedPaymentTerminal(()))
        co.attach_member(Members(store, front.clock).find(token))
        co.scan("6901234567892")
        assert co.totals().total.minor == 80  # milk at the gold price
        co.suspend("back in a minute")
    assert front.engine.run_once().parked == 1
    for till in (front, back, shop):
        till.clock.advance(minutes=30)  # the token expired meanwhile
    (listed,) = back.engine.shared_suspended()
    claimed = back.engine.claim_suspended(str(listed.park_id))
    with Store.open(back.db) as store:
        staff = StaffService(store, back.clock)
        co = Checkout(store, staff, staff.login(back.cashier, "1111"), clock=back.clock,
                      payments=SimulatedPaymentTerminal(()))
        co.resume_shared(claimed)
        m = co.member
        assert m is not None and (m.member_no, m.tier, m.label, m.id) == (
            "W0000002", "gold", "林**", None)
        assert (m.balance, m.available) == (500, 400)  # less the 100 back redeemed
        co.scan("6901234567014", 2)  # rice, 4.00 each
        co.scan("6901234567892")  # another milk: at her tier's price here too
        assert co.totals().total.minor == 80 + 800 + 80
        with pytest.raises(InvalidInput) as exc:
            co.pay_points(500)
        assert exc.value.code == "points_insufficient"
        co.pay_points(400)
        co.pay_cash(co.payment.due)
        done = co.complete()
    assert (done.points_redeemed, done.points_earned) == (400, 5)  # 9.60 - 4.00 paid
    back.engine.run_once()
    assert balance(shop, "W0000002") == 500 - 100 + first.points_earned - 400 + 5


def test_a_till_older_than_token_keys_is_sent_none_by_feed_or_snapshot(stores):
    """An older till's change page and snapshot refuse an entity they do not know, so the
    central's public keys go only to a till that asks for them (``token_keys=true``)."""
    import gzip
    import json

    shop = stores
    issue(shop, "8800000001")  # the first token makes and publishes the key
    till = shop.enrol("S1", "older")

    def feed_kinds(**params) -> set[str]:
        return {c["entity"] for c in till.get("/v1/changes", after=0, **params)
                .json()["changes"]}

    def snapshot_kinds(**params) -> set[str]:
        r = till.get("/v1/snapshot", **params)
        body = r.content if r.content[:2] != b"\x1f\x8b" else gzip.decompress(r.content)
        lines = [json.loads(line) for line in body.splitlines()]
        assert lines[0]["records"] == len(lines) - 1  # the header counts what is sent
        return {line["entity"] for line in lines[1:]}

    assert "member_token_key" not in feed_kinds()
    assert "member_token_key" in feed_kinds(token_keys=True)
    assert "member_token_key" not in snapshot_kinds()
    assert "member_token_key" in snapshot_kinds(token_keys=True)
