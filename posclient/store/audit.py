"""The audit log: append-only, each record chained to the previous one by a SHA-256 hash
(the rule is :func:`posclient.domain.audit.digest`). Editing or removing any record breaks the
chain from that point, which :func:`verify` reports.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from posclient.domain.audit import GENESIS, digest


def append(conn: sqlite3.Connection, *, at: str, action: str, staff_id: int | None,
           approved_by: int | None = None, detail: dict[str, Any] | None = None) -> int:
    """Append one record. Call inside a write transaction (the caller's, or its own)."""
    row = conn.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    prev = row[0] if row else GENESIS
    text = json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    h = digest(prev, at, staff_id, approved_by, action, text)
    cur = conn.execute(
        "INSERT INTO audit_log (at, staff_id, approved_by, action, detail, prev_hash, hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)", (at, staff_id, approved_by, action, text, prev, h))
    return int(cur.lastrowid or 0)


def verify(conn: sqlite3.Connection) -> list[str]:
    """Problems found in the chain (empty when intact): a record altered, records missing in
    the middle, or at the end (records the central acknowledged, ``audit_sent_through``, that
    are no longer here)."""
    problems = []
    prev = GENESIS
    expected_id = None
    for rid, at, staff_id, approved_by, action, detail, prev_hash, h in conn.execute(
        "SELECT id, at, staff_id, approved_by, action, detail, prev_hash, hash "
        "FROM audit_log ORDER BY id"
    ):
        if expected_id is not None and rid != expected_id:
            problems.append(f"records {expected_id}..{rid - 1} are missing")
        if prev_hash != prev:
            problems.append(f"record {rid} does not follow the record before it")
        if digest(prev_hash, at, staff_id, approved_by, action, detail) != h:
            problems.append(f"record {rid} was altered")
        prev, expected_id = h, rid + 1
    sent = conn.execute("SELECT value FROM sync_state WHERE key = 'audit_sent_through'"
                        ).fetchone()
    last = (expected_id or 1) - 1
    if sent and int(sent[0]) > last:
        problems.append(f"records {last + 1}..{sent[0]} are missing (the central has them)")
    return problems
