"""The tills' audit logs at the central (``POST /v1/audit``): kept as each till uploaded them,
with the hash chain checked on arrival, so a record edited or removed at a till after upload is
still here, and a till whose chain is broken is filed for a manager (``audit_chain_broken``).

Re-sending a record the central has changes nothing (also when the same upload arrives twice
at once: one till's uploads are received one at a time); a record sent again with other content is
kept as first received and filed too (``audit_record_changed``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, insert, select

from posclient.domain.audit import GENESIS, digest
from sync.central.db import serialize, write_tx
from sync.central.identity import TerminalIdentity
from sync.central.schema import audit_records, dump_json, exceptions
from sync.protocol import AuditAck, AuditRecordData


def record_digest(r: AuditRecordData) -> str:
    """The record's hash as the till computes it (posclient.domain.audit.digest)."""
    return digest(r.prev_hash, r.at, r.staff_id, r.approved_by, r.action, r.detail)


def receive(engine: Any, who: TerminalIdentity, records: list[AuditRecordData],
            now: datetime) -> AuditAck:
    a = audit_records
    mine = and_(a.c.store_id == who.store_id, a.c.terminal_id == who.terminal_id)
    problems: list[str] = []
    with write_tx(engine) as conn:
        serialize(conn, "audit", who.store_id, who.terminal_id)  # one upload of a till at once
        ids = [r.id for r in records]
        stored = {row.id: row for row in conn.execute(
            select(a).where(mine, a.c.id.in_([*ids, min(ids) - 1])))}
        for r in sorted(records, key=lambda r: r.id):
            old = stored.get(r.id)
            if old is not None:
                if (old.hash, old.detail, old.action) != (r.hash, r.detail, r.action):
                    problems.append(f"record {r.id} was sent again with other content "
                                    "(audit_record_changed)")
                    _file(conn, who, "audit_record_changed", r, now)
                continue
            before = stored.get(r.id - 1)
            expected_prev = GENESIS if r.id == 1 else (before.hash if before else None)
            if record_digest(r) != r.hash or (expected_prev is not None
                                       and r.prev_hash != expected_prev):
                problems.append(f"record {r.id} breaks the chain (audit_chain_broken)")
                _file(conn, who, "audit_chain_broken", r, now)
            conn.execute(insert(a).values(store_id=who.store_id, terminal_id=who.terminal_id,
                                          received_at=now, **r.model_dump()))
            stored[r.id] = r  # type: ignore[assignment]
        count, top = conn.execute(select(func.count(), func.max(a.c.id)).where(mine)).one()
    # contiguous from 1: the till sends from its last acknowledged record
    through = int(top or 0) if count == (top or 0) else _contiguous(engine, who)
    return AuditAck(received_through=through, problems=problems)


def _contiguous(engine: Any, who: TerminalIdentity) -> int:
    a = audit_records
    with engine.connect() as conn:
        ids = conn.scalars(select(a.c.id).where(
            a.c.store_id == who.store_id, a.c.terminal_id == who.terminal_id)
            .order_by(a.c.id)).all()
    n = 0
    for i in ids:
        if i != n + 1:
            break
        n = i
    return n


def _file(conn: Any, who: TerminalIdentity, kind: str, r: AuditRecordData,
          now: datetime) -> None:
    conn.execute(insert(exceptions).values(
        kind=kind, store_id=who.store_id, terminal_id=who.terminal_id, event_id=None,
        status="open", comment="", created_at=now,
        detail=dump_json({"subject": str(r.id), "message": f"audit record {r.id} ({r.action} "
                          f"at {r.at}) of till {who.terminal_id}", "record": r.model_dump()})))
