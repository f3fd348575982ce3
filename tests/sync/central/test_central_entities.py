"""Reference data through the admin API: what reaches the feed, deletes, scopes, no-ops."""

from __future__ import annotations

from central_kit import BREAD, MILK


def feed_after(till, after: int) -> list[dict]:
    r = till.get("/v1/changes", after=after, limit=5000)
    assert r.status_code == 200, r.text
    return r.json()["changes"]


def head(till) -> int:
    return till.get("/v1/changes", after=0, limit=5000).json()["next_after"]


def test_unchanged_records_append_nothing_and_deletes_cascade_to_prices(shop):
    till = shop.enrol("S1")
    start = head(till)
    again = shop.put("product", [{"id": MILK, "sku": "100001", "name_zh": "伊利 纯牛奶 250ml",
                                  "name_en": "Yili Milk 250ml", "measure": "each",
                                  "tax_code": "VAT9", "barcodes": ["6901234567892"]}])
    assert (again["upserted"], again["unchanged"]) == (0, 1)
    assert feed_after(till, start) == []
    out = shop.admin_post("/entities/product", {"delete": [str(BREAD), "404"]})
    assert (out["deleted"], out["unchanged"]) == (1, 1)
    gone = [(c["entity"], c["key"], c["op"]) for c in feed_after(till, start)]
    assert gone == [("price", str(BREAD), "delete"), ("product", str(BREAD), "delete")]
    # Its barcode is free again for another product.
    reuse = shop.put("product", [{"id": 50, "sku": "50", "name_zh": "新面包", "name_en": "Bread",
                                  "measure": "each", "tax_code": "VAT13",
                                  "barcodes": ["036000291452"]}])
    assert reuse["rejected"] == []
    refused = shop.admin_post("/entities/tax_rate", {"delete": ["VAT13"]}, expect=422)
    assert refused["rejected"][0]["reason"] == "tax rate 'VAT13' is still used by products"


def test_staff_moving_between_stores_is_deleted_where_it_no_longer_belongs(shop):
    s1, s2 = shop.enrol("S1"), shop.enrol("S2")
    staff = {"id": 2001, "name": "王芳", "role": "supervisor", "pin": "2580"}
    shop.admin_post("/staff", {**staff, "store_id": "S1"})
    a1, a2 = head(s1), head(s2)
    shop.admin_post("/staff", {**staff, "store_id": "S2"})
    assert [(c["key"], c["op"]) for c in feed_after(s1, a1)] == [("2001", "delete")]
    assert [(c["key"], c["op"]) for c in feed_after(s2, a2)] == [("2001", "upsert")]
    rejected = shop.put("price", [{"id": 9, "product_id": 999, "amount": 5},
                                  {"id": 10, "product_id": MILK, "amount": -1}],
                        partial=True)["rejected"]
    assert [r["index"] for r in rejected] == [0, 1]
    assert "no such product" in rejected[0]["reason"]
    assert shop.admin_post("/entities/product", {"records": [], "store_id": "S1"},
                           expect=422)["error"] == "invalid_request"
