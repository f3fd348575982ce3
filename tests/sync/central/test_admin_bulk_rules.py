"""The admin API's bulk writes (``POST /v1/admin/entities/{entity}``, ``/v1/admin/orders``)
keep the import's rules: the whole body is checked before anything is written, nothing is
written when a record is refused (``"partial": true`` writes the good ones), duplicated keys
and deep nesting are refused, barcodes keep their check digit, amounts are in fen."""

from __future__ import annotations

import json

from central_kit import PRODUCTS


def _post_raw(central, path: str, text: str):
    return central.http.post(f"/v1/admin{path}", content=text.encode("utf-8"),
                             headers={**central.admin, "Content-Type": "application/json"})


def _product(pid: int, **extra):
    return {"id": pid, "sku": f"N{pid}", "name_zh": f"新品{pid}", "measure": "each",
            "tax_code": "VAT13", **extra}


def _keys(central, entity: str) -> set[str]:
    from sqlalchemy import select

    from sync.central.schema import entities
    with central.engine.connect() as conn:
        return set(conn.scalars(select(entities.c.key).where(entities.c.entity == entity)))


def test_a_batch_with_a_refused_record_writes_nothing_unless_partial(shop):
    before = _keys(shop, "product")
    records = [_product(901), _product(902, measure="litre"), _product(903, tax_code="NOPE")]
    body = shop.admin_post("/entities/product", {"records": records}, expect=422)
    assert body["error"] == "records_rejected"
    assert [r["index"] for r in body["rejected"]] == [1, 2]
    assert "nothing was written" in body["detail"].lower()
    assert _keys(shop, "product") == before
    report = shop.admin_post("/entities/product", {"records": records, "partial": True})
    assert (report["upserted"], len(report["rejected"])) == (1, 2)
    assert _keys(shop, "product") == before | {"901"}


def test_a_chinese_only_product_is_accepted(shop):
    report = shop.admin_post("/entities/product", {"records": [_product(904)]})
    assert report["upserted"] == 1 and report["rejected"] == []


def test_a_barcode_with_a_wrong_check_digit_is_refused(shop):
    milk = _product(905, name_en="Milk", barcodes=["6901234567801"])
    body = shop.admin_post("/entities/product", {"records": [milk]}, expect=422)
    assert "6901234567801 fails its check digit" in body["rejected"][0]["reason"]
    assert "905" not in _keys(shop, "product")


def test_an_amount_with_decimals_is_refused_naming_fen(shop):
    body = shop.admin_post("/entities/price", {"records": [
        {"id": 9901, "product_id": PRODUCTS[0]["id"], "amount": 3.5}]}, expect=422)
    assert "3.5 is not in fen" in body["rejected"][0]["reason"]


def test_a_json_key_given_twice_is_refused(shop):
    text = ('{"records": [{"id": 906, "sku": "N906", "name_zh": "甲", "name_zh": "乙", '
            '"measure": "each", "tax_code": "VAT13"}]}')
    r = _post_raw(shop, "/entities/product", text)
    assert r.status_code == 422, r.text
    assert "key 'name_zh' appears twice" in r.json()["detail"]
    assert "906" not in _keys(shop, "product")


def test_deep_nesting_is_refused_with_a_message(shop):
    text = '{"records": [' + json.dumps(_product(907))[:-1] + ', "x": ' + "[" * 10_000 + \
        "]" * 10_000 + "}]}"
    r = _post_raw(shop, "/entities/product", text)
    assert r.status_code == 422, r.text
    assert "nested deeper than" in r.json()["detail"]
    r = _post_raw(shop, "/orders", '{"orders": ' + "[" * 10_000 + "]" * 10_000 + "}")
    assert r.status_code == 422, r.text
    assert "nested deeper than" in r.json()["detail"]


def test_a_web_order_batch_is_all_or_nothing_by_default(shop):
    good = {"order_no": "WX1", "fulfilment": "delivery", "currency": "CNY",
            "lines": [{"sku": PRODUCTS[0]["sku"], "qty": 1, "unit_price": 350}],
            "payments": [{"kind": "online", "amount": 350}]}
    bad = {**good, "order_no": "WX2", "lines": [{"sku": "NO-SUCH", "qty": 1,
                                                 "unit_price": 100}]}
    body = shop.admin_post("/orders", {"orders": [good, bad]}, expect=422)
    assert [r["index"] for r in body["rejected"]] == [1]
    assert _keys(shop, "order") == set()
    report = shop.admin_post("/orders", {"orders": [good, bad], "partial": True})
    assert report["upserted"] == 1
    assert _keys(shop, "order") == {"WX1"}
