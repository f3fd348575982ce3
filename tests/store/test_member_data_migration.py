"""Migration 0020 (issue 17): a till that held its members' phones and names in plain text
keeps none of them, in its tables, its free pages, its WAL or a copy beside it; it keeps its
members' numbers, points and sign-ups, and takes a new snapshot at its next sync."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from posclient.store.db import Store, backups, migration_scripts

SHIPPED = migration_scripts()
BEFORE = SHIPPED[:19]  # the till's schema before issue 17's member data

KEPT = "13900000001"  # a member of the central's copy
GONE = "13900000002"  # a member the till deleted before the upgrade (its bytes in free space)
SENT = "13700000003"  # a sign-up already sent
WAITING = "13700000004"  # a sign-up still waiting to go up: the engine seals it
DELETED = [f"1390000{i:04d}" for i in range(1000, 1400)]  # whole pages on the free list


def _old_till(path: Path) -> None:
    Store.open(path, scripts=BEFORE).close()  # the schema as it was
    conn = sqlite3.connect(path, isolation_level=None)  # as an old till wrote: no secure_delete
    conn.execute("PRAGMA secure_delete = OFF")
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO members (id, member_no, name, phone, tier, points, active) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?)",
                     [(1, "8800000001", "陈小明", KEPT, "gold", 500, 1),
                      (2, "8800000002", "李四光", GONE, "standard", 0, 1)])
    conn.executemany("INSERT INTO members (id, member_no, name, phone) VALUES (?, ?, ?, ?)",
                     [(i, f"88{i:08d}", "会员", DELETED[i - 1000]) for i in range(1000, 1400)])
    conn.execute("COMMIT")
    conn.execute("DELETE FROM members WHERE id = 2 OR id >= 1000")  # whole pages freed too
    for no, event, phone, name, status in (("S001T01M000001", "e1", SENT, "王五", "sent"),
                                           ("S001T01M000002", "e2", WAITING, "赵六", "pending")):
        conn.execute("INSERT INTO member_signups (member_no, event_id, name, phone, tier, "
                     "consent_version, consented_at, staff_id, created_at) VALUES "
                     "(?, ?, ?, ?, 'standard', 'v1', 't', 1001, 't')", (no, event, name, phone))
        conn.execute("INSERT INTO outbox (terminal_seq, event_id, type, occurred_at, payload, "
                     "status) VALUES (?, ?, 'member_signup', 't', ?, ?)",
                     (int(event[1]), event, json.dumps(
                         {"member_no": no, "name": name, "phone": phone, "store_id": "S001"},
                         ensure_ascii=False), status))
    conn.execute("INSERT INTO points_pending (event_id, member_no, points) VALUES "
                 "('e9', '8800000001', -200)")
    conn.execute("INSERT INTO sync_state (key, value) VALUES ('cursor', '42'), "
                 "('snapshot_dropped_indexes', '[\"CREATE INDEX members_phone ON members "
                 "(phone)\"]'), ('server_url', 'http://central')")
    conn.close()


def test_an_upgraded_till_keeps_no_phone_and_no_name_anywhere(tmp_path):
    path = tmp_path / "till.db"
    _old_till(path)
    wal = Path(f"{path}-wal")
    before = path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    freed = [p for p in (GONE, *DELETED) if p.encode() in before]
    assert KEPT.encode() in before and len(freed) > 100  # deleted, not gone from the file
    older = path.with_name(f"{path.name}.pre-v19-20261101T000000000000Z.bak")
    older.write_bytes(path.read_bytes())  # the copy an earlier upgrade left beside it
    with Store.open(path) as store:  # takes its own copy first, as every upgrade does
        c = store.conn
        assert c.execute("PRAGMA user_version").fetchone()[0] == len(SHIPPED)
        assert c.execute("PRAGMA secure_delete").fetchone()[0] == 1
        assert c.execute("SELECT id, member_no, name_masked, phone_hash, phone_last4, tier, "
                         "points, active FROM members").fetchall() == [
            (1, "8800000001", "陈**", None, "0001", "gold", 500, 1)]
        assert c.execute("SELECT member_no, name_masked, phone_hash, phone_last4 FROM "
                         "member_signups ORDER BY member_no").fetchall() == [
            ("S001T01M000001", "王**", None, "0003"), ("S001T01M000002", "赵**", None, "0004")]
        sent, waiting = (json.loads(p) for p, in c.execute(
            "SELECT payload FROM outbox ORDER BY terminal_seq"))
        assert sent == {"member_no": "S001T01M000001", "store_id": "S001",
                        "phone_last4": "0003", "name_masked": "王**"}
        assert waiting["phone"] == WAITING  # sealed by the engine when it has the keys
        assert c.execute("SELECT member_no, points FROM points_pending").fetchall() == [
            ("8800000001", -200)]
        state = dict(c.execute("SELECT key, value FROM sync_state").fetchall())
        assert "cursor" not in state and "snapshot_dropped_indexes" not in state
        assert state["server_url"] == "http://central"  # still enrolled: a snapshot is next
        indexes = {n for n, in c.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {"members_phone_hash", "member_signups_phone_hash"} <= indexes
        assert not {"members_phone", "member_signups_phone"} & indexes
    for f in (path, Path(f"{path}-wal")):
        raw = f.read_bytes() if f.exists() else b""
        for gone in (KEPT, *freed, SENT, "陈小明", "李四光", "王五"):
            assert gone.encode() not in raw, f"{f.name} still holds {gone}"
    assert backups(path) == [] and not older.exists()  # the copies held them all


def test_receipts_printed_before_keep_the_last_four_digits_only(tmp_path):
    path = tmp_path / "till.db"
    Store.open(path, scripts=BEFORE).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("INSERT INTO sales (id, event_id, receipt_no, store_id, terminal_id, "
                 "terminal_sale_no, staff_id, started_at, completed_at, currency, "
                 "tax_inclusive, subtotal, discount_total, tax_total, rounding, total, paid, "
                 "change_given, member_no, member_label) VALUES (1, 'e', 'R1', 'S', 'T', 1, "
                 "1001, 't', 't', 'CNY', 1, 0, 0, 0, 0, 0, 0, 0, '8800000001', "
                 "'陈** 138****1234')")
    conn.commit()
    conn.close()
    with Store.open(path) as store:
        assert store.conn.execute("SELECT member_label FROM sales").fetchone()[0] == \
            "陈** ****1234"
