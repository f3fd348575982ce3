"""The change feed and the snapshot: store filtering, paging, retention, streaming."""

from __future__ import annotations

import zlib

from posclient.domain.barcode import with_check_digit
from sync.protocol import ChangesPage, SnapshotHeader, SnapshotRecord, validate_page


def all_changes(till, limit: int = 1000, after: int = 0) -> tuple[list[dict], int]:
    out = []
    while True:
        r = till.get("/v1/changes", after=after, limit=limit)
        assert r.status_code == 200, r.text
        page, _ = validate_page(r.json())
        out.extend(c.model_dump() for c in page.changes)
        assert page.next_after >= after
        after = page.next_after
        if not page.has_more:
            return out, after


def test_a_store_sees_global_changes_and_its_own_only(shop):
    s1 = shop.enrol("S1")
    s2 = shop.enrol("S2")
    seen1, _ = all_changes(s1)
    seen2, _ = all_changes(s2)
    keys1 = {(c["entity"], c["key"]) for c in seen1}
    keys2 = {(c["entity"], c["key"]) for c in seen2}
    globals_ = {("tax_rate", "VAT13"), ("tax_rate", "VAT9")} | {
        ("product", str(i)) for i in range(1, 6)} | {("price", str(i)) for i in range(1, 6)}
    assert globals_ <= keys1 and globals_ <= keys2
    assert ("store_settings", "S1") in keys1 and ("store_settings", "S2") not in keys1
    assert ("stock_level", "S1:1") in keys1 and ("stock_level", "S2:1") not in keys1
    assert ("stock_level", "S2:1") in keys2 and ("stock_level", "S1:1") not in keys2
    settings = next(c for c in seen1 if c["entity"] == "store_settings")
    assert settings["data"]["currency"] == "CNY"


def test_pages_follow_next_after_and_has_more(shop):
    till = shop.enrol("S2")
    everything, head = all_changes(till)
    paged, head2 = all_changes(till, limit=3)
    assert [c["seq"] for c in paged] == [c["seq"] for c in everything]
    assert head2 == head
    seqs = [c["seq"] for c in everything]
    assert seqs == sorted(set(seqs))
    first = ChangesPage.model_validate(till.get("/v1/changes", after=0, limit=3).json())
    assert first.has_more and first.next_after == first.changes[-1].seq
    # The last page ends at the feed's head even when the last changes were another store's.
    shop.put("stock_level", [{"product_id": 1, "qty": 55}], store_id="S1")
    later = ChangesPage.model_validate(till.get("/v1/changes", after=head).json())
    assert later.changes == [] and not later.has_more and later.next_after > head
    assert till.get("/v1/changes", after=0, limit=0).status_code == 422


def test_a_cursor_older_than_the_retention_gets_410(shop):
    till = shop.enrol("S1")
    _, head = all_changes(till)
    shop.put("product", [{"id": 9, "sku": "9", "name_zh": "新", "name_en": "New",
                          "measure": "each", "tax_code": "VAT13"}])
    out = shop.admin_post("/prune", {"before_seq": head})
    assert out["low_water"] == head - 1 and out["deleted"] >= head - 1
    gone = till.get("/v1/changes", after=2)
    assert gone.status_code == 410 and gone.json()["error"] == "feed_pruned"
    assert "snapshot" in gone.json()["detail"]
    fine = till.get("/v1/changes", after=head - 1)  # exactly at the mark: nothing is missing
    assert fine.status_code == 200
    assert [c["key"] for c in fine.json()["changes"] if c["entity"] == "product"] == ["9"]
    ahead = till.get("/v1/changes", after=10**9)
    assert ahead.status_code == 410 and ahead.json()["error"] == "cursor_ahead"


def read_snapshot(response) -> tuple[SnapshotHeader, list[SnapshotRecord], int]:
    """Decode the gzip stream by hand from the raw bytes, chunk by chunk."""
    assert response.headers["content-type"].startswith("application/x-ndjson")
    assert response.headers["content-encoding"] == "gzip"
    decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    data = b""
    chunks = 0
    for raw in response.iter_raw():
        chunks += 1
        data += decoder.decompress(raw)
    data += decoder.flush()
    assert decoder.eof  # a complete gzip member, trailer included
    lines = data.decode("utf-8").splitlines()
    header = SnapshotHeader.model_validate_json(lines[0])
    return header, [SnapshotRecord.model_validate_json(x) for x in lines[1:]], chunks


def test_the_snapshot_streams_the_stores_state_as_gzip_ndjson(shop):
    till = shop.enrol("S1")
    _, head = all_changes(till)
    with shop.http.stream("GET", "/v1/snapshot", headers=till.auth) as r:
        assert r.status_code == 200
        header, records, _ = read_snapshot(r)
    assert header.seq == head and header.records == len(records)
    by = {(r.entity, r.key): r.data for r in records}
    assert by[("stock_level", "S1:1")] == {"product_id": 1, "store_id": "S1", "qty": 100}
    assert ("stock_level", "S2:1") not in by and ("store_settings", "S2") not in by
    assert by[("product", "1")]["barcodes"] == ["6901234567892"]
    order = [r.entity for r in records]
    assert order.index("tax_rate") < order.index("product") < order.index("price")
    # The snapshot equals what the feed says (state after S): replay the feed and compare.
    state = {}
    for c in all_changes(till)[0]:
        if c["op"] == "delete":
            state.pop((c["entity"], c["key"]), None)
        else:
            state[(c["entity"], c["key"])] = c["data"]
    assert state == by


def test_a_large_snapshot_arrives_in_many_chunks(shop):
    products = [{"id": i, "sku": f"X{i}", "name_zh": f"商品{i}", "name_en": f"Item {i}",
                 "measure": "each", "tax_code": "VAT13",
                 "barcodes": [with_check_digit(f"{2_000_000 + i}")]}  # EAN-8
                for i in range(100, 8_100)]
    for start in range(0, len(products), 4_000):
        assert shop.put("product", products[start:start + 4_000])["rejected"] == []
    till = shop.enrol("S1")
    with shop.http.stream("GET", "/v1/snapshot", headers=till.auth) as r:
        header, records, chunks = read_snapshot(r)
    assert header.records == len(records) >= 8_000
    assert chunks > 1  # streamed, not one body
    assert {r.key for r in records if r.entity == "product"} >= {"100", "8099"}


def test_a_page_carries_keys_and_data_as_they_were_written(central_engine):
    """Pages are assembled as JSON text around the stored data: keys that need escaping and
    data with any characters come back exactly."""
    from datetime import UTC, datetime

    from sync.central import feed
    from sync.central.feed import PendingChange

    now = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    odd = ['say "hi"', "back\\slash", "new\nline", "tab\there", "\u2028sep", "\x7f", "价格 1",
           "plain-7"]
    with central_engine.connect() as conn:
        head = feed.feed_state(conn).last_seq
    with feed.transaction(central_engine, now) as tx:
        for i, key in enumerate(odd):
            tx.emit(PendingChange.upsert("product", key, None,
                                         {"id": i, "name": key, "price": 1.5, "big": 2**70}))
        tx.emit(PendingChange.delete("product", odd[0], None))
    page = feed.read_changes(central_engine, "S1", head, 1000, now)
    got = [(c.seq, c.entity, c.op, c.key, c.data) for c in page.changes]
    assert got == [(head + i + 1, "product", "upsert", key,
                    {"id": i, "name": key, "price": 1.5, "big": 2**70})
                   for i, key in enumerate(odd)] + [
        (head + len(odd) + 1, "product", "delete", odd[0], None)]
    assert page.next_after == head + len(odd) + 1 and not page.has_more


def test_snapshot_keys_are_written_as_json_dumps_writes_them():
    import json

    from sync.central.snapshot import _json_str

    for text in ["123", "S1:42", 'say "hi"', "back\\slash", "new\nline", "\x7f", "\u2028",
                 "价格", "caf\u00e9", "nbsp\u00a0", ""]:
        assert _json_str(text) == json.dumps(text)
        assert _json_str(text, ascii=False) == json.dumps(text, ensure_ascii=False)
