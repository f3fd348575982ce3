"""Web orders reach the central (``POST /v1/admin/orders``) and the tills of their pick-up store
read them (``GET /v1/orders/{order_no}``): checked, resolved to products, the pick-up code kept
as a hash, the customer masked for the tills and whole for the web shop only (issue 17), changes
and cancellations by the rules. Real central over HTTP, SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

from sqlalchemy import select, update

from sync.central.schema import PHONE_KEY, entities, meta, order_personal
from sync.protocol import OrderData


def web_order(order_no: str = "W1001", **changes: Any) -> dict[str, Any]:
    order = {
        "order_no": order_no, "fulfilment": "pickup", "store_id": "S1", "pickup_code": "7Q4K2M",
        "customer_name": "陈静", "customer_phone": "13800138000", "currency": "CNY",
        "lines": [{"sku": "100001", "qty": 3, "unit_price": 350, "discount": 50},
                  {"sku": "100004", "qty": 1, "unit_price": 5990}],
        "payments": [{"kind": "online", "amount": 6990, "method": "alipay",
                      "reference": "ALI-778899"}],
        "created_at": "2026-11-27T09:30:00Z",
    }
    order.update(changes)
    return order


def post(shop, *orders: dict[str, Any], partial: bool = False) -> dict[str, Any]:
    """POST the orders; ``partial``: the good ones are written beside refused ones (else a
    refusal writes nothing: 422)."""
    return shop.admin_post("/orders", {"orders": list(orders), "partial": partial})


def test_a_web_order_is_stored_resolved_and_its_stores_tills_read_it_masked(shop):
    report = post(shop, web_order(customer_phone="+86 138-0013-8000"))
    assert (report["upserted"], report["rejected"]) == (1, [])
    r = shop.enrol("S1").get("/v1/orders/W1001")
    assert r.status_code == 200, r.text
    assert "13800138000" not in r.text and "陈静" not in r.text
    order = OrderData.model_validate(r.json())
    assert [(ln.line_no, ln.product_id, ln.name_en, ln.total) for ln in order.lines] == [
        (1, 1, "Yili Milk 250ml", 1000), (2, 4, "Wuchang Rice 5kg", 5990)]
    assert (order.total, order.paid, order.status) == (6990, 6990, "open")
    assert order.pickup_code_matches(" 7q4k2m ") and not order.pickup_code_matches("7Q4K2N")
    assert order.pickup_code_phc.startswith("$argon2id$") and order.pickup_code_hash is None
    with shop.engine.connect() as conn:
        stored = conn.scalar(select(entities.c.data).where(entities.c.key == "W1001"))
        key = base64.b64decode(conn.scalar(select(meta.c.value)
                                           .where(meta.c.key == PHONE_KEY)))
        personal = conn.execute(select(order_personal.c.order_no, order_personal.c.name,
                                       order_personal.c.phone)).all()
    assert "7Q4K2M" not in stored  # the code itself is never kept
    assert "13800138000" not in stored and "陈静" not in stored
    assert (order.customer_name, order.customer_phone_last4) == ("陈**", "8000")
    assert order.customer_phone_hash == hmac.new(key, b"13800138000", hashlib.sha256).hexdigest()
    assert personal == [("W1001", "陈静", "13800138000")]  # the number as one rule writes it

    other = shop.enrol("S2").get("/v1/orders/W1001")  # another store's till: not its order
    assert other.status_code == 403 and other.json()["error"] == "other_store"
    assert "陈" not in other.text and "8000" not in other.text
    web = shop.http.get("/v1/admin/orders/W1001", headers=shop.admin)  # the web shop: whole
    assert web.status_code == 200, web.text
    assert web.json()["customer"] == {"name": "陈静", "phone": "13800138000", "address": ""}
    assert web.json()["order"]["customer_name"] == "陈**"
    assert shop.http.get("/v1/admin/orders/W404", headers=shop.admin).status_code == 404
    assert shop.enrol("S1").get("/v1/admin/orders/W1001").status_code == 403  # no till


def test_a_new_name_or_phone_reaches_the_web_shop_and_the_tills_only_as_they_may_hold_it(shop):
    post(shop, web_order())
    assert post(shop, web_order(customer_name="陈静怡"))["upserted"] == 1  # the same mask
    assert shop.enrol("S1").get("/v1/orders/W1001").json()["customer_name"] == "陈**"
    assert post(shop, web_order(customer_name="陈静怡", customer_phone="13900139000"))[
        "upserted"] == 1
    got = shop.enrol("S1").get("/v1/orders/W1001").json()
    assert got["customer_phone_last4"] == "9000"
    assert shop.http.get("/v1/admin/orders/W1001", headers=shop.admin).json()["customer"] == {
        "name": "陈静怡", "phone": "13900139000", "address": ""}
    assert post(shop, web_order(customer_name="陈静怡", customer_phone="13900139000"))[
        "unchanged"] == 1


def test_bad_orders_are_refused_with_a_reason_and_the_good_ones_still_load(shop):
    unpaid = web_order("W2", payments=[{"kind": "online", "amount": 1000}])
    report = post(shop,
                  web_order("W1", lines=[{"sku": "NOPE", "qty": 1, "unit_price": 1}]),
                  unpaid,
                  web_order("W3", store_id="S9"),
                  web_order("W4", pickup_code=None),
                  web_order("W5", fulfilment="delivery"),
                  web_order("W6", currency="USD"),
                  web_order("W7", lines=[{"sku": "100003", "qty": 500, "unit_price": 2}]),
                  web_order("W8", payments=[{"kind": "online", "amount": 9999}]),
                  web_order("W9", lines=[{"sku": "100001", "qty": -1, "unit_price": 350}]),
                  web_order("W10"),
                  web_order("W10"),
                  web_order("W11", customer_phone="010-6512 3456"), partial=True)
    reasons = {r["index"]: r["reason"] for r in report["rejected"]}
    assert reasons == {
        0: "line 1: no product with SKU 'NOPE'",
        1: "5990 is not paid online: the 'at_pickup' payments must be exactly that (they are 0)",
        2: "no store 'S9'",
        3: "a pick-up order needs its pick-up_code",
        4: "a delivery order has no pick-up store_id",
        5: "the order is in USD; store S1 sells in CNY",
        6: "line 1: 100003 is sold by weight; web orders sell it in packs with their own SKU",
        7: "paid online 9999 is more than the order's total 6990",
        8: "lines.0.qty: Input should be greater than or equal to 1",
        10: "order W10 is given twice (first at record 9)",
        11: "customer_phone: Value error, not a mainland mobile number (11 digits from 1; +86 "
            "and separators allowed)",
    }
    assert report["upserted"] == 1
    short = dict(unpaid, payments=[*unpaid["payments"], {"kind": "at_pickup", "amount": 1}])
    assert post(shop, short, partial=True)["rejected"][0]["reason"] == (
        "5990 is not paid online: the 'at_pickup' payments must be exactly that (they are 1)")
    paid_in_store = dict(unpaid, payments=[*unpaid["payments"],
                                           {"kind": "at_pickup", "amount": 5990}])
    assert post(shop, paid_in_store)["upserted"] == 1
    till = shop.enrol("S1")
    assert till.get("/v1/orders/W2").json()["paid"] == 1000
    missing = till.get("/v1/orders/W404")
    assert missing.status_code == 404 and missing.json()["error"] == "order_unknown"
    assert shop.http.get("/v1/orders/W2").status_code == 401  # tills only


def test_changes_and_cancellations_follow_the_rules(shop):
    post(shop, web_order())
    assert post(shop, web_order())["unchanged"] == 1  # the same order again: nothing happens
    assert post(shop, web_order(status="ready"))["upserted"] == 1
    # the tills have handed over one milk (their pick-up event will do this)
    with shop.engine.begin() as conn:
        raw = conn.scalar(select(entities.c.data).where(entities.c.key == "W1001"))
        order = OrderData.model_validate_json(raw)
        lines = [order.lines[0].model_copy(update={"collected": 1}), order.lines[1]]
        started = order.model_copy(update={"lines": lines, "status": "partly_collected"})
        conn.execute(update(entities).where(entities.c.key == "W1001")
                     .values(data=started.model_dump_json()))
    fewer = web_order(lines=[{"sku": "100001", "qty": 2, "unit_price": 350, "discount": 50},
                             {"sku": "100004", "qty": 1, "unit_price": 5990}],
                      payments=[{"kind": "online", "amount": 6640}])
    refused = post(shop, fewer, partial=True)["rejected"]
    assert refused[0]["reason"] == ("order W1001 is already partly collected or returned: only "
                                    "its status can change now")
    assert post(shop, web_order(status="ready"))["unchanged"] == 1  # the tills' status stands
    assert post(shop, web_order(status="cancelled"))["upserted"] == 1
    got = shop.enrol("S1").get("/v1/orders/W1001").json()
    assert got["status"] == "cancelled" and got["lines"][0]["collected"] == 1
    reopened = post(shop, web_order(status="open"), partial=True)["rejected"]
    assert reopened[0]["reason"] == "order W1001 was cancelled; a cancelled order is not reopened"


def test_a_delivery_order_has_no_store_and_no_pickup_code(shop):
    delivery = web_order("D1", fulfilment="delivery", store_id=None, pickup_code=None)
    unpaid = dict(delivery, order_no="D2", payments=[{"kind": "online", "amount": 100}])
    report = post(shop, delivery, unpaid, partial=True)
    assert report["upserted"] == 1
    assert report["rejected"][0]["reason"] == ("a delivery order is paid online in full: 6890 "
                                               "is not paid")
    with shop.engine.connect() as conn:
        order = OrderData.model_validate_json(
            conn.scalar(select(entities.c.data).where(entities.c.key == "D1")))
    assert (order.store_id, order.pickup_code_hash, order.pickup_code_phc) == (None, None, None)
    for store_id in ("S1", "S2"):  # no store hands a delivery over: no till reads it here
        r = shop.enrol(store_id).get("/v1/orders/D1")
        assert r.status_code == 403 and r.json()["error"] == "other_store"
