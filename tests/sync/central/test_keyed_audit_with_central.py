"""A keyed till's audit log (issue 17) with the real central over HTTP, SQLite and PostgreSQL:
the records written on connections other than the window's (the sync engine's, when another till
resumed its suspended sale; a manager's permit's, moving the central's address) carry the till's
key too, the central accepts the uploads as before (it checks the SHA-256 chain, never the key),
and the till's log verifies keyed from its first record to its head."""

from __future__ import annotations

from pathlib import Path

from central_kit import MemoryKeyring
from sqlalchemy import select

import sync.enrol
from posclient.app.checkout import Checkout
from posclient.app.enrolment import EnrolAgain
from posclient.app.staff import StaffService
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.clock import ManualClock
from posclient.domain.money import Money
from posclient.store import audit
from posclient.store.audit_head import AuditKey, Keying
from posclient.store.db import Store
from sync.central.schema import audit_records, exceptions
from sync.credentials import TokenStore, key_audit
from sync.engine import SyncEngine
from sync.enrol import enrol

MILK_EAN = "6901234567892"


class KeyedTill:
    def __init__(self, shop, tmp_path: Path, name: str) -> None:
        self.db = tmp_path / f"{name}.db"
        self.tokens, self.clock = TokenStore(MemoryKeyring()), ManualClock()
        with Store.open(self.db) as store:  # its first start, on a machine with a keyring
            assert key_audit(store, self.tokens) is Keying.KEYED
            self.key: AuditKey | None = store.audit_key
        enrol(self.db, shop.url, shop.enrolment_code("S1"), name, tokens=self.tokens,
              clock=self.clock)
        self.engine = SyncEngine(self.db, tokens=self.tokens, clock=self.clock)
        self.engine.run_once()

    def open(self) -> Store:
        """The window's connection, as the composition root keys it."""
        return Store.open(self.db, audit_key=self.key)

    def checkout(self, store: Store) -> Checkout:
        staff = StaffService(store, self.clock)
        return Checkout(store, staff, staff.login(1001, "1111"), clock=self.clock,
                        payments=SimulatedPaymentTerminal(()))


def test_the_engines_records_are_keyed_and_the_central_accepts_the_keyed_log(shop, tmp_path):
    shop.admin_post("/staff", {"id": 1001, "name": "李娜", "role": "cashier", "pin": "1111",
                               "store_id": "S1"})
    front, back = KeyedTill(shop, tmp_path, "front"), KeyedTill(shop, tmp_path, "back")
    with front.open() as store:
        co = front.checkout(store)
        co.scan(MILK_EAN, 2)
        co.suspend("blue coat")
    assert front.engine.run_once().parked == 1
    [shared] = back.engine.shared_suspended()
    claimed = back.engine.claim_suspended(str(shared.park_id))
    with back.open() as store:
        co = back.checkout(store)
        co.resume_shared(claimed)
        co.pay_cash(Money(10_000, "CNY"))
        co.complete()
    back.engine.run_once()
    front.engine.run_once()  # its engine drops the sale taken elsewhere: audited, keyed

    with front.open() as store:
        report = audit.verify(store.conn, store.audit_key, store.audit_head)
        rows = store.conn.execute("SELECT id, action, mac IS NOT NULL FROM audit_log "
                                  "ORDER BY id").fetchall()
    assert ("suspended_taken_elsewhere", True) in [(a, m) for _, a, m in rows]
    assert report.intact and report.keyed_from == 1 and report.head == rows[-1][0]
    front.engine.run_once()  # the last record goes up too
    with shop.engine.connect() as conn:
        uploaded = conn.execute(select(audit_records.c.id, audit_records.c.action).where(
            audit_records.c.terminal_id == "T01").order_by(audit_records.c.id)).all()
        kinds = conn.scalars(select(exceptions.c.kind)).all()
    assert [tuple(r) for r in uploaded] == [(rid, action) for rid, action, _ in rows]
    assert "audit_chain_broken" not in kinds and "audit_record_changed" not in kinds


def test_a_managers_move_to_a_new_address_is_audited_with_the_tills_key(shop, tmp_path):
    shop.admin_post("/staff", {"id": 3001, "name": "王强", "role": "manager", "pin": "3333",
                               "store_id": "S1"})
    till = KeyedTill(shop, tmp_path, "front")
    with till.open() as store:  # the window's, keyed; the permit's worker opens its own
        staff = StaffService(store, till.clock)
        permit = EnrolAgain.authorize(store, staff.login(3001, "3333"), staff)
    permit.move_to(sync.enrol, shop.url.replace("127.0.0.1", "localhost"), tokens=till.tokens)
    with till.open() as store:
        report = audit.verify(store.conn, store.audit_key, store.audit_head)
        moved = store.conn.execute("SELECT id, mac IS NOT NULL FROM audit_log "
                                   "WHERE action = 'central_moved'").fetchone()
    assert moved is not None and moved[1] and report.intact and report.head == moved[0]
