"""The till's audit log reaches the central with each sync, as it was written; a record edited
at the till before it went up is caught by the chain check and filed for a manager. Real central
over HTTP, SQLite and PostgreSQL."""

from __future__ import annotations

import json
import sqlite3

from central_kit import MemoryKeyring
from sqlalchemy import func, select

from posclient.app.staff import StaffService
from posclient.domain.clock import ManualClock
from posclient.store import audit
from posclient.store.db import Store
from sync.central.schema import audit_records, exceptions
from sync.credentials import TokenStore
from sync.engine import SyncEngine
from sync.enrol import enrol


def till(shop, tmp_path):
    shop.admin_post("/staff", {"id": 1001, "name": "李娜", "role": "cashier", "pin": "1111",
                               "store_id": "S1"})
    db = tmp_path / "till.db"
    Store.open(db).close()
    tokens, clock = TokenStore(MemoryKeyring()), ManualClock()
    enrol(db, shop.url, shop.enrolment_code("S1"), "front", tokens=tokens, clock=clock)
    engine = SyncEngine(db, tokens=tokens, clock=clock)
    engine.run_once()
    return db, engine, clock


def stored(shop) -> list[tuple[int, str]]:
    with shop.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(
            select(audit_records.c.id, audit_records.c.action).order_by(audit_records.c.id))]


def test_the_audit_log_goes_up_as_written_and_a_tampered_record_is_filed(shop, tmp_path):
    db, engine, clock = till(shop, tmp_path)
    with Store.open(db) as store:
        staff = StaffService(store, clock)
        session = staff.login(1001, "1111")
        staff.record(session, "no_sale", None, reason="float")
    engine.run_once()
    with Store.open(db) as store:
        local = store.conn.execute("SELECT id, action FROM audit_log ORDER BY id").fetchall()
    assert stored(shop) == [tuple(r) for r in local] and len(local) >= 2
    engine.run_once()  # nothing new: nothing sent twice
    assert len(stored(shop)) == len(local)

    with Store.open(db) as store:
        staff = StaffService(store, clock)
        session = staff.login(1001, "1111")
        staff.record(session, "void_sale", None, total=9999)
    with sqlite3.connect(db) as c:  # edited at the till before the upload
        c.execute("UPDATE audit_log SET detail = ? WHERE action = 'void_sale'",
                  (json.dumps({"total": 1}),))
    engine.run_once()
    with shop.engine.connect() as conn:
        kinds = conn.scalars(select(exceptions.c.kind)).all()
        count = conn.scalar(select(func.count()).select_from(audit_records))
    assert kinds == ["audit_chain_broken"]
    with Store.open(db) as store:
        assert count == store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
        assert any("altered" in str(p) for p in audit.verify(store.conn).problems)
