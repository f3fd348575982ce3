"""The audit log: append-only, each record chained to the previous one by a SHA-256 hash
(the rule is :func:`posclient.domain.audit.digest`). Editing or removing any record breaks the
chain from that point, which :func:`verify` reports.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """What an audit record says was done: its action and detail (decoded)."""

    action: str
    detail: dict[str, Any]


def records_between(conn: sqlite3.Connection, since: str, to_at: str,
                    actions: Sequence[str]) -> list[AuditEntry]:
    """The records of ``actions`` with ``at`` in ``(since, to_at]``, in the log's order."""
    marks = ", ".join("?" * len(actions))
    return [AuditEntry(action, json.loads(detail)) for action, detail in conn.execute(
        f"SELECT action, detail FROM audit_log WHERE at > ? AND at <= ? AND action IN "
        f"({marks}) ORDER BY id", (since, to_at, *actions))]


_RECORD = ("id", "at", "staff_id", "approved_by", "action", "detail", "prev_hash", "hash")


def records_after(conn: sqlite3.Connection, after: int, limit: int) -> list[dict[str, Any]]:
    """Up to ``limit`` records with id > ``after``, in order, each as its columns by name
    (``detail`` as stored: JSON text): what goes up to the central."""
    return [dict(zip(_RECORD, r, strict=True)) for r in conn.execute(
        f"SELECT {', '.join(_RECORD)} FROM audit_log WHERE id > ? ORDER BY id LIMIT ?",
        (after, limit))]


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
