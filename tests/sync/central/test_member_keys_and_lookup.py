"""The chain's member keys, the online look-up and the sealed sign-up on the real central over
HTTP (SQLite and PostgreSQL), issue 17: the keys are made once however many ask at once, and a
till keeps them in its keyring; the look-up refuses bad input and is never cached; a sign-up
sealed to another key, altered, or naming another phone than its hash is refused; a sign-up
from before the upgrade goes up sealed; without the key a till says so clearly."""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from pathlib import Path

import keyring.errors
import pytest
from central_kit import ADMIN_TOKEN, MemoryKeyring
from sqlalchemy import select

from posclient.app.members import Members
from posclient.domain.catalogue import message_for
from posclient.domain.clock import ManualClock
from posclient.domain.errors import NotFound, Unavailable
from posclient.domain.privacy import phone_digest
from posclient.store.db import Store
from sync.central import keys
from sync.central.db import write_tx
from sync.central.schema import PHONE_KEY, SEAL_KEY, events, member_personal, meta, quarantine
from sync.credentials import TokenStore
from sync.engine import SyncEngine
from sync.enrol import enrol
from sync.protocol.members import unb64
from sync.protocol.sealing import new_private_key, public_key_of, seal

PHONE = "13911112222"


def test_the_chains_keys_are_made_once_even_when_first_needed_at_once(central):
    made: list[keys.CentralKeys] = []

    def first_need() -> None:
        with write_tx(central.engine) as conn:
            made.append(keys.central_keys(conn))

    threads = [threading.Thread(target=first_need) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(made) == 6 and len(set(made)) == 1
    with central.engine.connect() as conn:
        stored = dict(conn.execute(select(meta.c.key, meta.c.value)
                                   .where(meta.c.key.in_((PHONE_KEY, SEAL_KEY)))).all())
    assert unb64(stored[PHONE_KEY]) == made[0].phone_key
    assert public_key_of(unb64(stored[SEAL_KEY])) == made[0].seal_public_key


def test_a_terminal_gets_the_keys_never_cached_and_nobody_else(shop):
    t = shop.enrol("S1")
    r = t.get("/v1/keys")
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    with shop.engine.connect() as conn:
        central = keys.central_keys(conn)
    body = r.json()
    assert unb64(body["phone_key"]) == central.phone_key
    assert unb64(body["seal_public_key"]) == central.seal_public_key
    assert body["key_id"] == central.key_id and "member_seal_key" not in r.text
    assert shop.http.get("/v1/keys").status_code == 401
    assert shop.http.get("/v1/keys", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
                         ).status_code == 401  # the admin token is not a terminal's


def test_the_look_up_refuses_bad_input_and_is_never_cached(shop):
    shop.put("member", [{"id": 1, "member_no": "8800000001", "name": "陈静", "phone": PHONE,
                         "tier": "gold", "points": 70, "store_id": "S1"}])
    t = shop.enrol("S2")
    with shop.engine.connect() as conn:
        digest = phone_digest(keys.phone_key(conn), PHONE)

    def ask(body, **kw):
        return shop.http.post("/v1/members/lookup", json=body, **({"headers": t.auth} | kw))

    for bad in ({}, {"phone_hash": digest, "member_no": "8800000001"},
                {"phone_hash": PHONE}, {"phone_hash": digest.upper()},
                {"phone": PHONE},  # never the phone: unknown fields are no look-up
                {"member_no": ""}, {"member_no": "8" * 65}, [digest]):
        r = ask(bad)
        assert r.status_code == 422 and r.json()["error"] == "invalid_request", bad
    assert ask({"phone_hash": digest}, headers={}).status_code == 401
    assert shop.http.get("/v1/members/lookup", headers=t.auth).status_code == 405
    unknown = ask({"phone_hash": hashlib.sha256(b"nobody").hexdigest()})
    assert unknown.status_code == 404 and unknown.json()["error"] == "member_unknown"
    found = ask({"phone_hash": digest})
    assert found.status_code == 200 and found.headers["cache-control"] == "no-store"
    assert found.json()["member"] == {
        "id": 1, "member_no": "8800000001", "name": "陈**", "phone_hash": digest,
        "phone_last4": "2222", "tier": "gold", "points": 70, "active": True}
    assert PHONE not in found.text and "静" not in found.text
    assert ask({"member_no": "8800000001"}).json() == found.json()


def test_an_import_splits_the_personal_data_and_refuses_what_a_till_could_not_use(shop):
    report = shop.put("member", [
        {"id": 1, "member_no": "8800000001", "name": "陈静", "phone": "+86 139-1111-2222",
         "store_id": "S1"},
        {"id": 2, "member_no": "8800000002", "name": "李四", "phone": "021-6312 0000"},
        {"id": 3, "member_no": "8800000003", "name": "王五", "store_id": "S9"},
        {"id": 4, "member_no": "8800000004", "name": "赵六", "phone": PHONE}], partial=True)
    assert [r["index"] for r in report["rejected"]] == [1, 2, 3]
    reasons = " ".join(r["reason"] for r in report["rejected"])
    assert "not a mainland mobile number" in reasons and "no store 'S9'" in reasons
    assert "phone number ****2222 is also given to member 1" in reasons
    assert PHONE not in reasons and "6312" not in reasons
    with shop.engine.connect() as conn:
        assert conn.execute(select(member_personal.c.name, member_personal.c.phone)
                            ).all() == [("陈静", PHONE)]  # normalised, and here only


def signup_event(store_id: str, seq: int, member_no: str, box, digest: str,
                 last4: str) -> dict:
    return {"event_id": str(uuid.uuid4()), "terminal_seq": seq, "type": "member_signup",
            "occurred_at": "2026-11-23T09:00:00Z",
            "payload": {"member_no": member_no, "sealed": box.model_dump(mode="json"),
                        "phone_hash": digest, "phone_last4": last4, "name_masked": "王**",
                        "store_id": store_id, "consent_version": "v1",
                        "consented_at": "2026-11-23T09:00:00Z"}}


def test_a_sign_up_only_the_central_can_open_and_that_names_its_own_phone_is_kept(shop):
    t = shop.enrol("S1")
    with write_tx(shop.engine) as conn:  # made now (the first need), committed
        central = keys.central_keys(conn)
    digest = phone_digest(central.phone_key, PHONE)
    plain = json.dumps({"phone": PHONE, "name": "王五"}).encode()
    foreign = public_key_of(new_private_key())
    altered = seal(central.seal_public_key, plain, b"S1T09M000003")
    altered = altered.model_copy(update={"ct": altered.ct[:-4] + ("AAAA" if not
                                                                  altered.ct.endswith("AAAA")
                                                                  else "BBBB")})
    other = phone_digest(central.phone_key, "13911113333")
    sent = [
        signup_event("S1", 1, "S1T09M000001", seal(foreign, plain, b"S1T09M000001"), digest,
                     "2222"),
        signup_event("S1", 2, "S1T09M000002", seal(central.seal_public_key, plain,
                                                   b"another sign-up"), digest, "2222"),
        signup_event("S1", 3, "S1T09M000003", altered, digest, "2222"),
        signup_event("S1", 4, "S1T09M000004", seal(central.seal_public_key, plain,
                                                   b"S1T09M000004"), other, "3333"),
        signup_event("S1", 5, "S1T09M000005", seal(central.seal_public_key, plain,
                                                   b"S1T09M000005"), digest, "2222"),
    ]
    results = t.send(sent).json()["results"]
    assert [r["status"] for r in results] == ["rejected"] * 4 + ["accepted"], results
    assert "sealed to another key" in results[0]["reason"]
    assert all("does not open" in r["reason"] for r in results[1:3])
    assert "not the one its hash" in results[3]["reason"]
    with shop.engine.connect() as conn:
        assert conn.execute(select(member_personal.c.name, member_personal.c.phone)
                            ).all() == [("王五", PHONE)]
        kept = json.loads(conn.scalar(select(events.c.payload)))
        assert "sealed" not in kept and kept["phone_hash"] == digest  # opened, not kept
        assert conn.scalar(select(quarantine.c.reason).where(
            quarantine.c.event_id == sent[0]["event_id"])).startswith("member_signup")


class Till:
    def __init__(self, shop, path: Path, tokens: TokenStore | None = None) -> None:
        shop.admin_post("/staff", {"id": 1001, "name": "李娜", "role": "cashier",
                                   "pin": "1111", "store_id": "S1"})
        self.db, self.clock = path, ManualClock()
        self.tokens = tokens or TokenStore(MemoryKeyring())
        Store.open(path).close()
        enrol(path, shop.url, shop.enrolment_code("S1"), "a", tokens=self.tokens,
              clock=self.clock)
        self.engine = SyncEngine(path, tokens=self.tokens, clock=self.clock)


def test_without_the_chains_key_a_till_says_so_and_finds_none_by_phone(shop, tmp_path):
    till = Till(shop, tmp_path / "a.db")
    with Store.open(till.db) as store:
        with pytest.raises(Unavailable) as not_yet:
            Members(store, till.clock, keys=till.engine).find(PHONE)  # never synced
        assert not_yet.value.code == "member_keys_missing"
        assert "one sync with the central brings it" in str(not_yet.value)
        assert "同步" in message_for(not_yet.value, "zh_CN")
        with pytest.raises(Unavailable) as none:  # an enrolled till wired without the keyring
            Members(store, till.clock).find(PHONE)
        assert "no keyring" in str(none.value) and PHONE not in str(none.value)
    till.engine.run_once()
    with Store.open(till.db) as store, pytest.raises(NotFound):  # keyed now: nobody's
        Members(store, till.clock, keys=till.engine).find_local(PHONE)

    class Locked(MemoryKeyring):
        def get_password(self, service: str, username: str) -> str | None:
            if username.endswith("/member-keys"):
                raise keyring.errors.KeyringLocked("the keyring is locked")
            return super().get_password(service, username)

    locked = Locked()
    locked.items.update(till.tokens.backend.items)  # type: ignore[attr-defined]
    fresh = SyncEngine(till.db, tokens=TokenStore(locked), clock=till.clock)
    with pytest.raises(Unavailable) as no_keyring:
        fresh.member_keys()
    assert "keyring" in str(no_keyring.value)


def test_a_sign_up_made_before_the_upgrade_goes_up_sealed(shop, tmp_path):
    """A sign-up waiting in the outbox with a plain phone (migration 0020 keeps it for the
    engine): sealed with the keys at the next sync, before it is pushed."""
    till = Till(shop, tmp_path / "a.db")
    till.engine.run_once()  # the keys
    with Store.open(till.db) as store, store.write() as conn:
        conn.execute("INSERT INTO member_signups (member_no, event_id, name_masked, phone_hash, "
                     "phone_last4, consent_version, consented_at, created_at) VALUES "
                     "('S1T01M000001', 'e1', '王**', NULL, '2222', 'v1', 'now', 'now')")
        conn.execute("INSERT INTO outbox (terminal_seq, event_id, type, occurred_at, payload) "
                     "VALUES (1, ?, 'member_signup', '2026-11-23T09:00:00.000Z', ?)",
                     (str(uuid.uuid4()), json.dumps(
                         {"member_no": "S1T01M000001", "name": "王五", "phone": PHONE,
                          "tier": "standard", "store_id": "S1", "terminal_id": "T01",
                          "consent_version": "v1",
                          "consented_at": "2026-11-23T09:00:00.000Z"})))
        conn.execute("INSERT INTO counters (name, value) VALUES ('terminal_seq', 1) "
                     "ON CONFLICT (name) DO UPDATE SET value = 1")
    assert till.engine.run_once().pushed == 1
    with Store.open(till.db) as store:
        payload = store.conn.execute("SELECT payload FROM outbox").fetchone()[0]
        digest = store.conn.execute("SELECT phone_hash FROM member_signups").fetchone()[0]
        members = Members(store, till.clock, keys=till.engine)
        assert members.find(PHONE).member_no == "S1T01M000001"
    assert PHONE not in payload and "王五" not in payload and "sealed" in payload
    with shop.engine.connect() as conn:
        assert digest == phone_digest(keys.phone_key(conn), PHONE)
        assert conn.execute(select(member_personal.c.name, member_personal.c.phone)
                            ).all() == [("王五", PHONE)]
