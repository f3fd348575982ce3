"""Enrolment, bearer tokens, store boundaries and the admin token, over real HTTP."""

from __future__ import annotations

import threading
import uuid

import httpx
from sqlalchemy import func, select

from posclient.domain.pins import verify_pin
from sync.central.schema import enrolment_codes, entities, terminals
from sync.protocol import EnrolResponse, ErrorBody


def test_enrol_with_a_good_code_gives_a_token_for_the_store(central):
    central.create_store("S1")
    code = central.enrolment_code("S1")
    r = central.http.post("/v1/enrol", json={"code": code.lower().replace("-", " "),
                                             "terminal_name": "front till"})
    assert r.status_code == 200, r.text
    body = EnrolResponse.model_validate(r.json())
    assert (body.store_id, body.terminal_id) == ("S1", "T01")
    ok = central.http.get("/v1/changes", headers={"Authorization": f"Bearer {body.token}"})
    assert ok.status_code == 200
    with central.engine.connect() as conn:  # only hashes are kept
        stored = conn.execute(select(terminals.c.token_hash)).scalar_one()
        code_hashes = conn.scalars(select(enrolment_codes.c.code_hash)).all()
    assert body.token not in stored and len(stored) == 64
    assert all(code.replace("-", "") not in h for h in code_hashes)
    second = central.enrol("S1")
    assert second.terminal_id == "T02"


def test_a_used_code_is_refused(central):
    central.create_store("S1")
    code = central.enrolment_code("S1")
    assert central.http.post("/v1/enrol", json={"code": code, "terminal_name": "a"}
                             ).status_code == 200
    again = central.http.post("/v1/enrol", json={"code": code, "terminal_name": "b"})
    assert again.status_code == 400
    assert ErrorBody.model_validate(again.json()).error == "enrolment_code_used"


def test_an_expired_code_is_refused(central):
    central.create_store("S1")
    code = central.enrolment_code("S1", ttl_hours=1)
    central.clock.advance(hours=1, seconds=1)
    r = central.http.post("/v1/enrol", json={"code": code, "terminal_name": "a"})
    assert r.status_code == 400
    assert r.json()["error"] == "enrolment_code_expired"


def test_repeated_bad_codes_are_slowed_down(central):
    central.create_store("S1")
    good = central.enrolment_code("S1")
    for _ in range(3):  # the test app allows 3 failures per window
        r = central.http.post("/v1/enrol", json={"code": "XXXX-XXXX-XXXX-XXXX",
                                                 "terminal_name": "guess"})
        assert r.status_code == 400 and r.json()["error"] == "enrolment_code_invalid"
    blocked = central.http.post("/v1/enrol", json={"code": good, "terminal_name": "real"})
    assert blocked.status_code == 429
    assert blocked.json()["error"] == "too_many_attempts"
    assert 0 < int(blocked.headers["Retry-After"]) <= 15 * 60 + 1
    central.clock.advance(minutes=16)  # the window has passed: the good code still works
    assert central.http.post("/v1/enrol", json={"code": good, "terminal_name": "real"}
                             ).status_code == 200


def test_unknown_and_revoked_tokens_get_401(central):
    central.create_store("S1")
    till = central.enrol("S1")
    unknown = central.http.get("/v1/changes", headers={"Authorization": "Bearer not-a-token"})
    assert unknown.status_code == 401 and unknown.json()["error"] == "token_unknown"
    assert unknown.headers["WWW-Authenticate"] == "Bearer"
    assert central.http.get("/v1/changes").status_code == 401  # no token at all
    central.admin_post(f"/terminals/S1/{till.terminal_id}/revoke", {})
    for call in (lambda: till.get("/v1/changes"), lambda: till.get("/v1/snapshot"),
                 lambda: till.send([])):
        r = call()
        assert r.status_code == 401 and r.json()["error"] == "token_revoked"


def test_a_till_enrols_again_with_a_code_made_for_it_and_keeps_its_id(central):
    central.create_store("S1")
    central.create_store("S2")
    till, other = central.enrol("S1", "front"), central.enrol("S1", "back")
    central.admin_post(f"/terminals/S1/{till.terminal_id}/revoke", {})
    code = central.admin_post("/enrolment-codes", {"store_id": "S1",
                                                   "terminal_id": till.terminal_id},
                              expect=201)["code"]

    def enrol(body):
        return central.http.post("/v1/enrol", json={"code": code, "terminal_name": "front 2",
                                                    **body})

    for body in ({},  # a new till cannot take it
                 {"store_id": "S1", "terminal_id": other.terminal_id},  # nor another till
                 {"store_id": "S2", "terminal_id": till.terminal_id}):  # nor S2's T01
        refused = enrol(body)
        assert refused.status_code == 400, body
        assert refused.json()["error"] == "enrolment_code_other_till"
    central.clock.advance(minutes=16)  # refusals count against the address: let them expire
    r = enrol({"store_id": "S1", "terminal_id": till.terminal_id})  # not spent by the refusals
    assert r.status_code == 200, r.text
    answer = EnrolResponse.model_validate(r.json())
    assert (answer.store_id, answer.terminal_id) == ("S1", till.terminal_id)
    headers = {"Authorization": f"Bearer {answer.token}"}
    assert central.http.get("/v1/changes", headers=headers).status_code == 200
    assert till.get("/v1/changes").status_code == 401  # the old token stays dead
    with central.engine.connect() as conn:
        rows = conn.execute(select(terminals.c.terminal_id, terminals.c.name,
                                   terminals.c.revoked_at)
                            .order_by(terminals.c.terminal_id)).all()
    assert [tuple(r) for r in rows] == [("T01", "front 2", None), ("T02", "back", None)]
    assert enrol({"store_id": "S1", "terminal_id": till.terminal_id}).json()["error"] == \
        "enrolment_code_used"


def test_an_enrolled_till_cannot_take_a_new_tills_code(central):
    central.create_store("S1")
    r = central.http.post("/v1/enrol", json={"code": central.enrolment_code("S1"),
                                             "terminal_name": "x", "terminal_id": "T07"})
    assert r.status_code == 400 and r.json()["error"] == "enrolment_code_not_for_this_till"
    assert "--terminal T07" in r.json()["detail"]
    unknown = central.http.post("/v1/admin/enrolment-codes",
                                json={"store_id": "S1", "terminal_id": "T09"},
                                headers=central.admin)
    assert unknown.status_code == 404 and unknown.json()["error"] == "terminal_not_found"


def test_a_terminal_cannot_ask_for_another_stores_data(central):
    central.create_store("S1")
    central.create_store("S2")
    till = central.enrol("S1")
    for path in ("/v1/changes", "/v1/snapshot"):
        r = till.get(path, store_id="S2")
        assert r.status_code == 403, path
        assert r.json()["error"] == "other_store"
        assert till.get(path, store_id="S1").status_code == 200


def test_admin_endpoints_need_the_admin_token(central):
    central.create_store("S1")
    till = central.enrol("S1")
    body = {"store_id": "S9", "name_en": "Nine"}
    assert central.http.post("/v1/admin/stores", json=body).status_code == 401
    assert central.http.post("/v1/admin/stores", json=body,
                             headers={"Authorization": "Bearer wrong"}).status_code == 401
    r = central.http.post("/v1/admin/stores", json=body, headers=till.auth)
    assert r.status_code == 403 and r.json()["error"] == "admin_only"


def test_staff_pins_are_stored_as_argon2_hashes_and_reach_the_store(central):
    central.create_store("S1")
    central.create_store("S2")
    out = central.admin_post("/staff", {"id": 1001, "name": "李娜", "role": "cashier",
                                        "pin": "4321", "store_id": "S1"})
    assert out == {"id": 1001, "created": True}
    with central.engine.connect() as conn:
        data = conn.scalar(select(entities.c.data).where(entities.c.entity == "staff"))
    assert "4321" not in data
    s1 = central.enrol("S1").get("/v1/changes").json()["changes"]
    staff = [c for c in s1 if c["entity"] == "staff"]
    assert len(staff) == 1 and verify_pin(staff[0]["data"]["pin_hash"], "4321")
    s2 = central.enrol("S2").get("/v1/changes").json()["changes"]
    assert not [c for c in s2 if c["entity"] == "staff"]
    bad = central.admin_post("/staff", {"id": 1002, "name": "x", "role": "cashier",
                                        "pin": "12"}, expect=422)
    assert bad["error"] == "invalid_request"


def _enrol_code(central, store_id: str, terminal_id: str | None = None) -> str:
    body = {"store_id": store_id, **({"terminal_id": terminal_id} if terminal_id else {})}
    return central.admin_post("/enrolment-codes", body, expect=201)["code"]


def test_the_request_that_spent_a_code_gets_the_same_terminal_until_its_token_is_used(
        central):
    central.create_store("S1")
    code, request_id = _enrol_code(central, "S1"), "6f1c2a52-4a1b-4b0e-9a55-0d7c8f3b2e11"
    body = {"code": code, "terminal_name": "front", "request_id": request_id}
    first = central.http.post("/v1/enrol", json=body)
    assert first.status_code == 200, first.text
    again = central.http.post("/v1/enrol", json=body)  # the first answer was lost
    assert again.status_code == 200, again.text
    assert again.json()["terminal_id"] == first.json()["terminal_id"] == "T01"
    assert again.json()["central_id"] == first.json()["central_id"]
    lost, kept = first.json()["token"], again.json()["token"]
    assert lost != kept
    assert central.http.get("/v1/whoami", headers={"Authorization": f"Bearer {lost}"}) \
        .status_code == 401  # nobody holds the lost one: it was replaced
    other = central.http.post("/v1/enrol", json={**body, "request_id": str(uuid.uuid4())})
    assert other.json()["error"] == "enrolment_code_used"  # another till cannot take it
    who = central.http.get("/v1/whoami", headers={"Authorization": f"Bearer {kept}"})
    assert who.json() == {"store_id": "S1", "terminal_id": "T01",
                          "central_id": first.json()["central_id"]}
    central.clock.advance(minutes=16)
    late = central.http.post("/v1/enrol", json=body)  # its token is in use: no more copies
    assert late.status_code == 400 and late.json()["error"] == "enrolment_code_used"
    with central.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(terminals)) == 1


def test_a_new_token_works_beside_the_old_one_until_it_is_first_used(central):
    central.create_store("S1")
    till = central.enrol("S1", "front")
    assert till.get("/v1/whoami").status_code == 200
    code = _enrol_code(central, "S1", till.terminal_id)
    r = central.http.post("/v1/enrol", json={"code": code, "terminal_name": "front",
                                             "store_id": "S1", "terminal_id": "T01"})
    new = {"Authorization": f"Bearer {r.json()['token']}"}
    assert till.get("/v1/changes").status_code == 200  # the new one not used yet: old works
    assert central.http.get("/v1/changes", headers=new).status_code == 200
    assert till.get("/v1/changes").status_code == 401  # the new one was used: old stops
    assert central.http.get("/v1/changes", headers=new).status_code == 200


def test_the_same_enrol_request_twice_at_once_gets_one_terminal_and_one_working_token(
        central):
    """A till's retry racing its first attempt (both reach the central)."""
    central.create_store("S1")
    for n in range(1, 6):
        body = {"code": _enrol_code(central, "S1"), "terminal_name": f"till {n}",
                "request_id": str(uuid.uuid4())}
        start, answers = threading.Barrier(2), []

        def post(body=body, start=start, answers=answers) -> None:
            with httpx.Client(base_url=central.url, timeout=30) as http:
                start.wait()
                answers.append(http.post("/v1/enrol", json=body))

        threads = [threading.Thread(target=post) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert [r.status_code for r in answers] == [200, 200], [r.text for r in answers]
        assert {r.json()["terminal_id"] for r in answers} == {f"T{n:02d}"}
        working = [_whoami_status(central, r.json()["token"]) for r in answers]
        assert sorted(working) == [200, 401]  # the later answer's token; the other is gone
    with central.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(terminals)) == 5


def _whoami_status(central, token: str) -> int:
    return central.http.get("/v1/whoami",
                            headers={"Authorization": f"Bearer {token}"}).status_code
