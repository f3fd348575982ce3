"""Migration 0021 (issue 17): a till that held its web orders' customers' phones and names in
plain text keeps none of them, in its tables, its free pages, its WAL or a copy beside it; each
order keeps the masked name and the last four digits, its hand-overs waiting for the central
stay, and the till takes a new snapshot at its next sync (which brings the phones' hashes)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from orders_kit import order

from posclient.store.db import Store, backups, migration_scripts
from sync.protocol import OrderData

SHIPPED = migration_scripts()
BEFORE = SHIPPED[:20]  # the till's schema before issue 17's web order customers (members done)

KEPT = "13900000001"  # an order of the till's copy
SPACED = "+86 139-0000-0002"  # one written as the web shop had it
GONE = "13900000003"  # an order the feed removed before the upgrade (its bytes in free space)
DELETED = [f"1390000{i:04d}" for i in range(1000, 1300)]  # whole pages on the free list


def _copy(order_no: str, name: str, phone: str | None) -> tuple[str, str, str, str | None, str]:
    """A row of web_orders as a till before issue 17 wrote it (the central's JSON as it came)."""
    data = order(order_no=order_no).model_dump(mode="json")
    del data["customer_phone_hash"], data["customer_phone_last4"]
    data.update(customer_name=name, customer_phone=phone)
    return (order_no, "S001", "ready", phone, json.dumps(data, ensure_ascii=False))


def _old_till(path: Path) -> None:
    Store.open(path, scripts=BEFORE).close()  # the schema as it was
    conn = sqlite3.connect(path, isolation_level=None)  # as an old till wrote: no secure_delete
    conn.execute("PRAGMA secure_delete = OFF")
    rows = [_copy("W1", "陈小明", KEPT), _copy("W2", "Li Si", SPACED), _copy("W3", "", None),
            _copy("W4", "李四光", GONE),
            *(_copy(f"X{i}", "赵六", p) for i, p in enumerate(DELETED))]
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO web_orders (order_no, store_id, status, phone, data, "
                     "fetched_at) VALUES (?, ?, ?, ?, ?, 't')", rows)
    conn.execute("INSERT INTO sync_state (key, value) VALUES ('cursor', '42'), "
                 "('server_url', 'http://central')")
    conn.execute("COMMIT")
    conn.execute("DELETE FROM web_orders WHERE order_no = 'W4' OR order_no LIKE 'X%'")
    conn.close()


def test_an_upgraded_till_keeps_no_customers_phone_or_name_anywhere(tmp_path):
    path = tmp_path / "till.db"
    _old_till(path)
    wal = Path(f"{path}-wal")
    before = path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    freed = [p for p in (GONE, *DELETED) if p.encode() in before]
    assert KEPT.encode() in before and len(freed) > 100  # deleted, not gone from the file
    older = path.with_name(f"{path.name}.pre-v20-20261201T000000000000Z.bak")
    older.write_bytes(path.read_bytes())  # the copy an earlier upgrade left beside it
    with Store.open(path) as store:  # takes its own copy first, as every upgrade does
        c = store.conn
        assert c.execute("PRAGMA user_version").fetchone()[0] == len(SHIPPED)
        got = {no: (phone_hash, OrderData.model_validate_json(data)) for no, phone_hash, data in
               c.execute("SELECT order_no, phone_hash, data FROM web_orders")}
        assert set(got) == {"W1", "W2", "W3"}
        assert [(h, o.customer_name, o.customer_phone_last4) for h, o in got.values()] == [
            (None, "陈**", "0001"), (None, "L**", "0002"), (None, "", None)]
        assert all("customer_phone" not in json.loads(d) for d, in
                   c.execute("SELECT data FROM web_orders"))
        state = dict(c.execute("SELECT key, value FROM sync_state").fetchall())
        assert "cursor" not in state and state["server_url"] == "http://central"
        indexes = {n for n, in c.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert "web_orders_phone_hash" in indexes and "web_orders_phone" not in indexes
        columns = {r[1] for r in c.execute("PRAGMA table_info(web_orders)")}
        assert "phone" not in columns and "phone_hash" in columns
    for f in (path, Path(f"{path}-wal")):
        raw = f.read_bytes() if f.exists() else b""
        for gone in (KEPT, SPACED, *freed, "陈小明", "李四光", "Li Si"):
            assert gone.encode() not in raw, f"{f.name} still holds {gone}"
    assert backups(path) == [] and not older.exists()  # the copies held them all

