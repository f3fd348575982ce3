"""What a channel does with its key (issue 18) on the real central over HTTP, SQLite and
PostgreSQL: its own orders only (another channel's read as unknown, refused when written),
members' points redeemed once per request and never below zero however many at once, coupons
redeemed as the channel (a till then sees where)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

import httpx
from central_kit import ADMIN_TOKEN
from sqlalchemy import func, select

from sync.central import channels, feed
from sync.central.schema import channel_orders, channel_points, coupon_redemptions, points_ledger
from sync.protocol import CouponStatus

ORDER = {"order_no": "W-A1", "channel": "app", "fulfilment": "pickup", "store_id": "S1",
         "pickup_code": "7Q4K2M", "customer_name": "陈静", "customer_phone": "139 0000 2222",
         "currency": "CNY", "lines": [{"sku": "100001", "qty": 2, "unit_price": 350}],
         "payments": [{"kind": "online", "amount": 700, "method": "alipay"}],
         "created_at": "2026-11-27T09:30:00Z"}
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def key_for(central, name: str, scopes: str) -> tuple[dict[str, str], str]:
    """A new channel key's Authorization header, and its id."""
    with feed.transaction(central.engine, central.clock.now()) as tx:
        record, key = channels.create(tx, name, scopes)
    return {"Authorization": f"Bearer {key}"}, record.id


def at_once(url: str, sends: list[Callable[[httpx.Client], httpx.Response]]
            ) -> list[httpx.Response]:
    """Each of ``sends`` from its own thread and connection, released together."""
    barrier = threading.Barrier(len(sends))
    out: list[Any] = [None] * len(sends)

    def run(i: int) -> None:
        with httpx.Client(base_url=url, timeout=60) as http:
            barrier.wait()
            try:
                out[i] = sends[i](http)
            except Exception as exc:  # reported below, not lost in a thread
                out[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(sends))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert all(isinstance(r, httpx.Response) for r in out), out
    assert [r.text for r in out if r.status_code >= 500] == []
    return out


# -- orders ----------------------------------------------------------------------------------------

def test_a_channel_reads_and_changes_its_own_orders_only(shop):
    a, a_id = key_for(shop, "webshop", "orders")
    b, _ = key_for(shop, "miniapp", "orders")
    r = shop.http.post("/v1/channel/orders", json=ORDER, headers=a)
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["order"]["order_no"], body["order"]["channel"], body["order"]["total"]) == (
        "W-A1", "app", 700)  # the order's channel as sent
    assert body["customer"] == {"name": "陈静", "phone": "13900002222", "address": ""}  # as sent
    assert shop.http.get("/v1/channel/orders/W-A1", headers=a).json() == body
    with shop.engine.connect() as conn:
        assert conn.execute(select(channel_orders)).all() == [("W-A1", a_id)]

    unknown = shop.http.get("/v1/channel/orders/W-NONE", headers=b)
    others = shop.http.get("/v1/channel/orders/W-A1", headers=b)
    assert (others.status_code, others.json()["error"]) == (404, "order_unknown")
    assert others.json()["detail"] == unknown.json()["detail"].replace("W-NONE", "W-A1")
    r = shop.http.post("/v1/channel/orders", json={**ORDER, "status": "cancelled"}, headers=b)
    assert r.json() == {"error": "other_channel",
                        "detail": "This order belongs to another channel."}
    assert r.status_code == 403

    r = shop.http.post("/v1/channel/orders", json={**ORDER, "status": "ready"}, headers=a)
    assert (r.status_code, r.json()["order"]["status"]) == (200, "ready")
    assert shop.http.get("/v1/channel/orders/W-A1", headers=ADMIN).status_code == 200

    shop.admin_post("/orders", {"orders": [{**ORDER, "order_no": "W-ADM"}]})
    r = shop.http.post("/v1/channel/orders", json={**ORDER, "order_no": "W-ADM"}, headers=a)
    assert (r.status_code, r.json()["error"]) == (403, "other_channel")
    r = shop.http.get("/v1/channel/orders/W-ADM", headers=a)
    assert (r.status_code, r.json()["error"]) == (404, "order_unknown")
    r = shop.http.post("/v1/channel/orders", json={**ORDER, "order_no": "W-BAD",
                                                   "lines": [{"sku": "NOPE", "qty": 1,
                                                              "unit_price": 1}]}, headers=a)
    assert (r.status_code, r.json()["error"]) == (422, "order_refused")
    with shop.engine.connect() as conn:  # a refused order owns nothing
        assert conn.scalar(select(func.count()).select_from(channel_orders)) == 1


def test_two_channels_sending_the_same_new_order_at_once_give_it_one_owner(shop):
    keys = [key_for(shop, f"shop{i}", "orders")[0] for i in range(6)]
    answers = at_once(shop.url, [lambda h, k=k: h.post("/v1/channel/orders", json=ORDER,
                                                       headers=k) for k in keys])
    assert sorted(r.status_code for r in answers) == [200] + [403] * 5
    owner = keys[[r.status_code for r in answers].index(200)]
    assert shop.http.get("/v1/channel/orders/W-A1", headers=owner).status_code == 200


# -- points ----------------------------------------------------------------------------------------

def _member(shop, points: int) -> None:
    shop.put("member", [{"id": 1, "member_no": "8800000001", "name": "陈静",
                         "phone": "13900002222", "points": points}])


def _redeem(points: int, request_id: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"request_id": request_id or str(uuid.uuid4()), "member_no": "8800000001",
            "points": points, **extra}


def test_points_redeemed_once_per_request_and_never_below_zero(shop):
    _member(shop, 100)
    key, _ = key_for(shop, "webshop", "points")
    balance = shop.http.get("/v1/channel/members/8800000001/points", headers=key)
    assert balance.json() == {"member_no": "8800000001", "points": 100}
    first = _redeem(30, order_no="W-1")
    r = shop.http.post("/v1/channel/points/redeem", json=first, headers=key)
    assert (r.status_code, r.json()["balance"]) == (200, 70), r.text
    again = shop.http.post("/v1/channel/points/redeem", json=first, headers=key)
    assert again.json() == r.json()  # a repeat answers as the first did, redeems nothing
    r = shop.http.post("/v1/channel/points/redeem", json={**first, "points": 31}, headers=key)
    assert (r.status_code, r.json()["error"]) == (409, "request_id_reused")
    r = shop.http.post("/v1/channel/points/redeem", json=_redeem(71), headers=key)
    assert (r.status_code, r.json()["error"]) == (409, "points_short")
    assert "70 points" in r.json()["detail"]
    r = shop.http.post("/v1/channel/points/redeem", json={**_redeem(1), "member_no": "NOPE"},
                       headers=key)
    assert (r.status_code, r.json()["error"]) == (404, "member_unknown")
    r = shop.http.get("/v1/channel/members/8800000001/points", headers=key)
    assert r.json()["points"] == 70
    with shop.engine.connect() as conn:
        ledger = conn.execute(select(points_ledger.c.delta, points_ledger.c.kind,
                                     points_ledger.c.source_kind, points_ledger.c.source_ref)
                              .where(points_ledger.c.kind == "redeem")).all()
        assert ledger == [(-30, "redeem", "channel", first["request_id"])]
        assert conn.execute(select(channel_points.c.holder, channel_points.c.points,
                                   channel_points.c.order_no)).all() == [("webshop", 30, "W-1")]
    # another channel's request id is its own: the same id redeems again for it
    other, _ = key_for(shop, "miniapp", "points")
    r = shop.http.post("/v1/channel/points/redeem", json=first, headers=other)
    assert (r.status_code, r.json()["balance"]) == (200, 40)


def test_twenty_redemptions_at_once_never_overdraw_and_repeats_count_once(shop):
    _member(shop, 70)
    key, _ = key_for(shop, "webshop", "points")
    bodies = [_redeem(5) for _ in range(20)]  # 100 points asked of 70
    answers = at_once(shop.url, [lambda h, b=b: h.post("/v1/channel/points/redeem", json=b,
                                                       headers=key) for b in bodies])
    done = [r for r in answers if r.status_code == 200]
    assert len(done) == 14
    assert [r.json()["error"] for r in answers if r.status_code != 200] == ["points_short"] * 6
    assert sorted(r.json()["balance"] for r in done) == list(range(0, 70, 5))
    same = _redeem(1)  # the same request, twenty times at once: once
    answers = at_once(shop.url, [lambda h: h.post("/v1/channel/points/redeem", json=same,
                                                  headers=key)] * 20)
    assert {r.status_code for r in answers} == {409}  # the balance is 0 now
    _member(shop, 100)  # an import sets the balance again (an adjustment)
    answers = at_once(shop.url, [lambda h: h.post("/v1/channel/points/redeem", json=same,
                                                  headers=key)] * 20)
    assert [r.status_code for r in answers] == [200] * 20
    assert {r.json()["balance"] for r in answers} == {99}
    with shop.engine.connect() as conn:
        redeemed = conn.scalar(select(func.sum(points_ledger.c.delta))
                               .where(points_ledger.c.kind == "redeem"))
    assert redeemed == -71


# -- coupons ---------------------------------------------------------------------------------------

def test_a_channel_redeems_a_coupon_as_itself_and_a_till_sees_where(shop):
    shop.put("promotion", [{"id": "C1", "kind": "amount_off", "amount": 100,
                            "coupon_code": "SAVE1"}])
    key, _ = key_for(shop, "webshop", "coupons")
    other, _ = key_for(shop, "miniapp", "coupons")
    r = shop.http.get("/v1/coupons/save1", headers=key)
    assert (r.status_code, r.json()["used"]) == (200, False)
    r = shop.http.post("/v1/coupons/SAVE1/redeem", json={"order_no": "W-1"}, headers=key)
    assert r.status_code == 200, r.text
    used = r.json()
    assert (used["channel"], used["order_no"], used["store_id"], used["terminal_id"]) == (
        "webshop", "W-1", None, None)
    assert shop.http.post("/v1/coupons/SAVE1/redeem", json={"order_no": "W-1"},
                          headers=key).json() == used  # its answer was lost: the same again
    r = shop.http.post("/v1/coupons/SAVE1/redeem", json={"order_no": "W-2"}, headers=other)
    assert (r.status_code, r.json()["error"]) == (409, "coupon_used")
    assert "webshop (W-1)" in r.json()["detail"]
    till = shop.enrol("S1")
    status = CouponStatus.model_validate_json(till.get("/v1/coupons/SAVE1").content)
    assert status.used and status.redemption is not None
    assert status.redemption.where == "webshop"
    r = shop.http.post("/v1/coupons/SAVE1/redeem", json={"receipt_no": "S1-T01-000001"},
                       headers=till.auth)
    assert (r.status_code, r.json()["error"]) == (409, "coupon_used")
    with shop.engine.connect() as conn:
        assert conn.execute(select(coupon_redemptions.c.channel, coupon_redemptions.c.store_id)
                            ).all() == [("webshop", None)]


def test_a_till_still_redeems_a_coupon_for_its_receipt(shop):
    shop.put("promotion", [{"id": "C2", "kind": "amount_off", "amount": 100,
                            "coupon_code": "SAVE2"}])
    till = shop.enrol("S1")
    r = shop.http.post("/v1/coupons/SAVE2/redeem", json={"receipt_no": "S1-T01-000001"},
                       headers=till.auth)
    assert r.status_code == 200, r.text
    assert (r.json()["store_id"], r.json()["terminal_id"], r.json()["channel"]) == (
        "S1", till.terminal_id, None)
    key, _ = key_for(shop, "webshop", "coupons")
    r = shop.http.post("/v1/coupons/SAVE2/redeem", json={"order_no": "W-1"}, headers=key)
    assert (r.status_code, r.json()["error"]) == (409, "coupon_used")
    assert f"S1/{till.terminal_id} (S1-T01-000001)" in r.json()["detail"]


# -- reservations confirmed by a channel -----------------------------------------------------------

def test_a_channels_confirmed_reservation_is_its_own_order_and_cannot_take_anothers_number(shop):
    a, a_id = key_for(shop, "webshop", "reserve,orders")
    b, _ = key_for(shop, "miniapp", "reserve,orders")
    assert shop.http.post("/v1/admin/orders", headers=ADMIN, json={"orders": [
        {**ORDER, "order_no": "W-ADMIN"}]}).status_code == 200

    def hold(headers):
        r = shop.http.post("/v1/reservations", headers=headers, json={
            "request_id": str(uuid.uuid4()), "store_id": "S1",
            "lines": [{"sku": "100001", "qty": 2}]})
        assert r.status_code == 201, r.text
        return r.json()["reservation_id"]

    rid = hold(a)
    r = shop.http.post(f"/v1/reservations/{rid}/confirm", headers=a,  # the admin's number
                       json={**ORDER, "order_no": "W-ADMIN"})
    assert (r.status_code, r.json()["error"]) == (403, "other_channel")
    r = shop.http.post(f"/v1/reservations/{rid}/confirm", headers=a, json=ORDER)
    assert (r.status_code, r.json()["status"]) == (200, "confirmed"), r.text
    assert shop.http.get("/v1/channel/orders/W-A1", headers=a).status_code == 200
    assert shop.http.get("/v1/channel/orders/W-A1", headers=b).status_code == 404
    with shop.engine.connect() as conn:
        assert ("W-A1", a_id) in conn.execute(select(channel_orders)).all()
    other = hold(b)  # b may not confirm into a's order number either
    r = shop.http.post(f"/v1/reservations/{other}/confirm", headers=b, json=ORDER)
    assert (r.status_code, r.json()["error"]) == (403, "other_channel")
