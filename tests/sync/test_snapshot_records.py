"""A first start's snapshot with a bad record: refused with a message that names it, and the
cursor is not set (the snapshot is taken again). Served by httpx.MockTransport."""

from __future__ import annotations

import gzip
import json
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import pytest
from misbehaving import snapshot_lines_body

from posclient.store.db import Store
from sync.credentials import MemoryKeyring, TokenStore
from sync.engine import SyncEngine, SyncError, state_get, state_set
from sync.snapshot_stage import _SNAPSHOT_BLOCK
from sync.snapshot_writer import SnapshotWriter

VAT = {"entity": "tax_rate", "key": "VAT9", "data": {"code": "VAT9", "rate_ppm": 90000}}


def product(pid: int, sku: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"entity": "product", "key": str(pid),
            "data": {"id": pid, "sku": sku or f"A{pid}", "name_zh": f"商品{pid}",
                     "name_en": f"Item {pid}", "measure": "each", "tax_code": "VAT9",
                     "barcodes": [f"{6901234000000 + pid}"], **extra}}


def till(tmp_path: Path, lines: list[bytes],
         body: bytes | None = None) -> tuple[Path, SyncEngine]:
    db = tmp_path / "till.db"
    with Store.open(db) as store, store.write() as conn:
        state_set(conn, server_url="http://central.test", store_id="S1", terminal_id="T1")
    if body is None:
        body = snapshot_lines_body(lines)  # with its trailer (count and digest)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/whoami":  # this till's token (sync/till_identity.py)
            return httpx.Response(200, json={"store_id": "S1", "terminal_id": "T1",
                                             "central_id": "C"})
        if request.url.path == "/v1/snapshot":
            return httpx.Response(200, stream=httpx.ByteStream(body),
                                  headers={"Content-Encoding": "gzip"})
        return httpx.Response(200, json={"changes": [], "next_after": 1, "has_more": False,
                                         "server_time": "2026-11-27T00:00:00Z"})

    tokens = TokenStore(MemoryKeyring())
    tokens.save_legacy("http://central.test", "T1", "token")
    return db, SyncEngine(db, tokens=tokens, transport=httpx.MockTransport(handler))


def encode(records: list[dict[str, Any]]) -> list[bytes]:
    return [json.dumps({"seq": 1, "records": len(records)}).encode()] + [
        json.dumps(r, ensure_ascii=False).encode() for r in records]


def cursor(db: Path) -> str | None:
    with Store.open(db) as store:
        return state_get(store.conn, "cursor")


def test_a_snapshot_of_several_blocks_loads_whole(tmp_path):
    db, engine = till(tmp_path, encode([VAT, *(product(i) for i in range(1, 1001))]))
    assert engine.run_once().applied == 1001
    with Store.open(db) as store:
        assert store.conn.execute("SELECT count(*) FROM barcodes").fetchone()[0] == 1000
        assert store.conn.execute("SELECT rowid FROM product_search WHERE product_search "
                                  "MATCH '\"item\" AND \"777\"'").fetchall() == [(777,)]
    assert cursor(db) == "1"


@pytest.mark.parametrize(("bad", "says"), [
    ({"measure": "kg"}, "record 252: product.data.measure"),
    ({"barcodes": ["12"]}, "record 252: product.data.barcodes.0"),
    ({"id": "x"}, "record 252: product.data.id"),
])
def test_a_bad_record_is_named_and_the_cursor_is_not_set(tmp_path, bad, says):
    records = [VAT, *(product(i) for i in range(1, 251)), product(251, **bad),
               *(product(i) for i in range(252, 300))]
    db, engine = till(tmp_path, encode(records))
    with pytest.raises(SyncError, match=says) as err:
        engine.run_once()
    assert not err.value.transient
    assert cursor(db) is None


def test_a_line_that_is_not_one_json_object_is_refused(tmp_path):
    lines = encode([VAT, product(1), product(2), product(3)])
    three = json.dumps({"seq": 1, "records": 3}).encode()  # the lines the central counted
    two_on_one_line = [three, lines[1], lines[2] + b"," + lines[3], lines[4]]
    db, engine = till(tmp_path, two_on_one_line)
    with pytest.raises(SyncError, match="more than one record"):
        engine.run_once()
    db2, engine2 = till(tmp_path / "b", [three, *lines[1:3], b"{not json"])
    with pytest.raises(SyncError, match="invalid JSON"):
        engine2.run_once()
    assert cursor(db) is None and cursor(db2) is None


def test_a_record_the_database_refuses_stops_the_load(tmp_path):
    records = [VAT, *(product(i) for i in range(1, 300)), product(300, sku="A7")]
    db, engine = till(tmp_path, encode(records))
    with pytest.raises(SyncError, match="breaks the till's rules") as err:
        engine.run_once()
    assert not err.value.transient
    assert cursor(db) is None


@pytest.mark.parametrize("threaded", [False, True])
def test_the_writer_with_or_without_its_thread_writes_the_same_and_reports_errors(
        tmp_path, threaded):
    """SnapshotWriter(threaded=True) writes chunks on a thread of its own (an option the engine
    does not use by default): the same rows, and a database error raised to the caller."""
    db = tmp_path / "till.db"
    with Store.open(db) as store:
        writer = SnapshotWriter(store, "S1", chunk=50, threaded=threaded)
        try:
            writer.add_block(_SNAPSHOT_BLOCK.validate_python(
                [VAT, *(product(i) for i in range(1, 400))]))
            writer.finish(complete=True)
        finally:
            writer.close()
        assert store.conn.execute("SELECT count(*), sum(id) FROM products").fetchone() == (
            399, sum(range(1, 400)))
        assert store.conn.execute("SELECT count(*) FROM barcodes").fetchone()[0] == 399
    db2 = tmp_path / "till2.db"
    with Store.open(db2) as store:
        writer = SnapshotWriter(store, "S1", chunk=50, threaded=threaded)
        try:
            with pytest.raises(sqlite3.IntegrityError):
                writer.add_block(_SNAPSHOT_BLOCK.validate_python(
                    [VAT, *(product(i) for i in range(1, 300)), product(300, sku="A7")]))
                writer.finish(complete=True)
        finally:
            writer.close()


@pytest.mark.parametrize(("rest", "says"), [
    (b"x" * (16 << 20), "longer than the till takes"),  # one endless line
    (b"\n" * (1 << 20), "more than the 2 records"),  # more lines than announced
])
def test_a_snapshot_that_expands_past_its_bounds_is_refused_unwritten(tmp_path, rest, says):
    header = json.dumps({"seq": 1, "records": 2}).encode() + b"\n"
    db, engine = till(tmp_path, [], body=gzip.compress(header + encode([VAT])[1] + b"\n" + rest))
    with pytest.raises(SyncError, match=says) as err:
        engine.run_once()
    assert err.value.code == "snapshot_malformed" and not err.value.transient
    assert cursor(db) is None
    with Store.open(db) as store:
        assert store.conn.execute("SELECT count(*) FROM tax_rates").fetchone() == (0,)


def test_a_page_over_the_answer_bound_is_asked_for_again_with_fewer_changes(tmp_path):
    """Big records (20 KB each: 1,000 are over the 16 MB an answer may decode to): the till asks
    for a quarter as many, and the feed still arrives whole."""
    db = tmp_path / "till.db"
    with Store.open(db) as store, store.write() as conn:
        state_set(conn, server_url="http://central.test", store_id="S1", terminal_id="T1",
                  cursor=0)
    asked: list[int] = []
    feed = [{"seq": 1, "entity": "tax_rate", "op": "upsert", "key": "VAT9",
             "data": {"code": "VAT9", "rate_ppm": 90000}}] + [
        {"seq": 1 + i, "entity": "product", "op": "upsert", "key": str(i),
         "data": {**product(i)["data"], "notes": "x" * 20_000}} for i in range(1, 1201)]

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/whoami":  # this till's token (sync/till_identity.py)
            return httpx.Response(200, json={"store_id": "S1", "terminal_id": "T1",
                                             "central_id": "C"})
        if request.url.path == "/v1/keys":  # a central before issue 17: no member keys
            return httpx.Response(404, json={"error": "not_found", "detail": "Not Found"})
        after, limit = int(request.url.params["after"]), int(request.url.params["limit"])
        asked.append(limit)
        page = [c for c in feed if c["seq"] > after][:limit]
        return httpx.Response(200, json={
            "changes": page, "next_after": page[-1]["seq"] if page else after,
            "has_more": bool(page) and page[-1]["seq"] < feed[-1]["seq"],
            "server_time": "2026-11-27T00:00:00Z"})

    tokens = TokenStore(MemoryKeyring())
    tokens.save_legacy("http://central.test", "T1", "token")
    engine = SyncEngine(db, tokens=tokens, transport=httpx.MockTransport(handler))
    assert engine.run_once().applied == 1201
    assert asked[:2] == [1000, 250]
    assert cursor(db) == "1201"
