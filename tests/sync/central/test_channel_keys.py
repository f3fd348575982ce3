"""Channel keys (issue 18) on the real central over HTTP, SQLite and PostgreSQL: IT creates,
lists, rotates and revokes them from the command line; the central keeps their hash only; a key
calls the routes of its scopes and nothing else (no admin route, no till's route); a revoked key
is refused at once."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from central_kit import ADMIN_TOKEN, MILK
from sqlalchemy import select

from sync.central import channels, feed
from sync.central.cli import main
from sync.central.errors import InvalidRequest
from sync.central.schema import channel_keys

BASKET = {"store_id": "S1", "lines": [{"sku": "100001", "qty": 3}, {"product_id": 2, "qty": 1}]}


def key_for(central, name: str, scopes: str) -> dict[str, str]:
    """A new channel key's Authorization header (made through the service)."""
    with feed.transaction(central.engine, central.clock.now()) as tx:
        _, key = channels.create(tx, name, scopes)
    return {"Authorization": f"Bearer {key}"}


def test_it_creates_lists_rotates_and_revokes_keys_from_the_command_line(shop, database_url,
                                                                        capsys):
    def cli(*args: str) -> int:
        return main(["--database", database_url, "channel", *args])

    assert cli("create", "webshop", "--scopes", "price, orders,price") == 0
    out = capsys.readouterr().out
    key = re.search(r"Its key: (ck_\S+)$", out, re.M)[1]
    assert "shown only this once" in out and "scopes price,orders" in out
    key_id, secret = re.fullmatch(r"ck_([0-9a-f]{10})_([A-Za-z0-9_-]{43})", key).groups()
    with shop.engine.connect() as conn:  # stored hashed: neither the key nor its secret
        row = conn.execute(select(channel_keys)).one()
    assert (row.id, row.name, row.scopes) == (key_id, "webshop", "price,orders")
    assert row.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(tuple(row)) and key not in str(tuple(row))

    assert cli("create", "webshop", "--scopes", "price") == 1
    assert "already exists" in capsys.readouterr().err
    assert cli("create", "app", "--scopes", "price,stock") == 1
    assert "Unknown scope 'stock'" in capsys.readouterr().err
    assert cli("create", "Web Shop", "--scopes", "price") == 1
    assert "lower-case letters" in capsys.readouterr().err

    auth = {"Authorization": f"Bearer {key}"}
    assert shop.http.post("/v1/price-basket", json=BASKET, headers=auth).status_code == 200
    assert cli("list") == 0
    listed = capsys.readouterr().out
    assert re.search(rf"^{key_id}\s+webshop\s+price,orders\s+\S+ \S+\s+\S+ \S+\s+-$", listed,
                     re.M), listed  # created, last used, not revoked
    assert secret not in listed

    assert cli("rotate", "webshop") == 0
    new_key = re.search(r"Its key: (ck_\S+)$", capsys.readouterr().out, re.M)[1]
    assert new_key.startswith(f"ck_{key_id}_") and new_key != key  # the same id: its orders
    r = shop.http.post("/v1/price-basket", json=BASKET, headers=auth)
    assert (r.status_code, r.json()["error"]) == (401, "channel_key_unknown")
    auth = {"Authorization": f"Bearer {new_key}"}
    assert shop.http.post("/v1/price-basket", json=BASKET, headers=auth).status_code == 200

    assert cli("revoke", key_id) == 0
    assert "revoked" in capsys.readouterr().out
    r = shop.http.post("/v1/price-basket", json=BASKET, headers=auth)  # at once
    assert (r.status_code, r.json()["error"]) == (401, "channel_key_revoked")
    assert cli("revoke", "webshop") == 0
    assert "revoked already" in capsys.readouterr().out
    assert cli("revoke", "nope") == 1
    assert "No channel key 'nope'" in capsys.readouterr().err
    assert cli("list") == 0
    assert re.search(rf"^{key_id}\s+webshop\s+.*\d\d:\d\d$", capsys.readouterr().out, re.M)


def test_a_channel_key_cannot_call_the_admin_api_nor_a_tills_routes(shop):
    every = key_for(shop, "webshop", ",".join(channels.SCOPES))
    for method, path, body in (("GET", "/v1/admin/exceptions", None),
                               ("POST", "/v1/admin/orders", {"orders": [{}]}),
                               ("GET", "/v1/admin/orders/W-1", None)):
        r = shop.http.request(method, path, json=body, headers=every)
        assert (r.status_code, r.json()) == (403, {
            "error": "admin_only", "detail": "A channel key cannot use the admin API."})
    for method, path, body in (("GET", "/v1/changes", None), ("GET", "/v1/whoami", None),
                               ("POST", "/v1/events", {"events": []}),
                               ("GET", "/v1/orders/W-1", None)):
        r = shop.http.request(method, path, json=body, headers=every)
        assert (r.status_code, r.json()["error"]) == (403, "terminal_only"), path


def test_an_unknown_key_is_refused_with_one_message_however_it_is_wrong(shop):
    good = key_for(shop, "webshop", "price")["Authorization"]
    key_id = good.split("_")[1]
    answers = []
    for token in (f"ck_{key_id}_{'A' * 43}",  # the id of a key, a wrong secret
                  f"ck_{'0' * 10}_{'A' * 43}"):  # no such id
        r = shop.http.post("/v1/price-basket", json=BASKET,
                           headers={"Authorization": f"Bearer {token}"})
        answers.append((r.status_code, r.json()))
        r = shop.http.get("/v1/admin/exceptions", headers={"Authorization": f"Bearer {token}"})
        assert (r.status_code, r.json()["error"]) == (401, "admin_token_invalid")
    assert answers == [(401, {"error": "channel_key_unknown",
                              "detail": "Unknown channel key."})] * 2


def test_a_key_calls_the_routes_of_its_scopes_only(shop):
    shop.put("member", [{"id": 1, "member_no": "8800000001", "name": "陈静",
                        "phone": "13900002222", "points": 500}])
    price = key_for(shop, "pricer", "price")
    members = key_for(shop, "app", "members,points")
    calls = {  # a call per scope (the admin token passes every one)
        "price": ("POST", "/v1/price-basket", BASKET),
        "members": ("POST", "/v1/member-tokens", {"member_no": "8800000001"}),
        "coupons": ("GET", "/v1/coupons/NOSUCH", None),
        "points": ("GET", "/v1/channel/members/8800000001/points", None),
        "orders": ("GET", "/v1/channel/orders/W-NONE", None),
    }
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    expected = {"price": 200, "members": 200, "coupons": 404, "points": 200, "orders": 404}
    for scope, (method, path, body) in calls.items():
        assert shop.http.request(method, path, json=body, headers=admin).status_code == \
            expected[scope], scope
        for auth, has in ((price, ("price",)), (members, ("members", "points"))):
            r = shop.http.request(method, path, json=body, headers=auth)
            if scope in has:
                assert r.status_code == expected[scope], (scope, r.text)
            else:
                assert (r.status_code, r.json()["error"]) == (403, "scope_missing"), scope
                assert repr(scope) in r.json()["detail"]
    consent = {"member_no": "8800000001", "purpose": "marketing", "action": "given",
               "text_version": "v1", "channel": "app"}
    assert shop.http.post("/v1/member-consents", json=consent, headers=members).status_code \
        == 200
    r = shop.http.post("/v1/member-consents", json=consent, headers=price)
    assert (r.status_code, r.json()["error"]) == (403, "scope_missing")


def test_price_basket_with_a_channel_key_is_the_admin_tokens_and_a_till_prices_its_store(shop):
    key = key_for(shop, "webshop", "price")
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    by_key = shop.http.post("/v1/price-basket", json=BASKET, headers=key)
    assert by_key.status_code == 200, by_key.text
    assert by_key.json() == shop.http.post("/v1/price-basket", json=BASKET,
                                           headers=admin).json()
    assert by_key.json()["lines"][0]["product_id"] == MILK
    till = shop.enrol("S2")
    r = shop.http.post("/v1/price-basket", json=BASKET, headers=till.auth)
    assert (r.status_code, r.json()["error"]) == (403, "other_store")
    r = shop.http.post("/v1/price-basket", json={**BASKET, "store_id": "S2"}, headers=till.auth)
    assert r.status_code == 200
    assert shop.http.post("/v1/price-basket", json=BASKET).status_code == 401


def test_a_keys_last_use_is_written_at_most_once_a_minute(shop):
    key = key_for(shop, "webshop", "price")

    def last_used():
        with shop.engine.connect() as conn:
            return conn.scalar(select(channel_keys.c.last_used_at))

    assert last_used() is None
    t0 = shop.clock.now()
    assert shop.http.post("/v1/price-basket", json=BASKET, headers=key).status_code == 200
    assert last_used() == t0
    shop.clock.advance(seconds=59)
    assert shop.http.post("/v1/price-basket", json=BASKET, headers=key).status_code == 200
    assert last_used() == t0
    shop.clock.advance(seconds=1)
    assert shop.http.post("/v1/price-basket", json=BASKET, headers=key).status_code == 200
    assert last_used() == t0 + timedelta(seconds=60)


@pytest.mark.parametrize("name", ["admin", "", "x" * 33, "till:S1"])
def test_a_channel_name_is_a_plain_word_and_never_the_admins(central, name):
    with pytest.raises(InvalidRequest):
        key_for(central, name, "price")
