"""End to end: a real till database, the terminal's sync engine, the real central over HTTP.

Enrol -> snapshot -> a sale rung up by posclient's own checkout -> upload -> the central's
ledger moved once, the sale recorded with the till's totals, the till's movement acknowledged.
"""

from __future__ import annotations

import pytest
from central_kit import MILK, MemoryKeyring, level
from sqlalchemy import func, select

import sync.enrol
from posclient.app.checkout import Checkout
from posclient.app.enrolment import EnrolAgain
from posclient.app.staff import Approval, StaffService
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.clock import ManualClock
from posclient.domain.errors import ApprovalRequired
from posclient.domain.money import Money
from posclient.store.catalog import Catalog
from posclient.store.db import Store
from sync.central.schema import sales, terminal_gaps
from sync.credentials import TokenStore
from sync.engine import SyncEngine, SyncError
from sync.enrol import enrol


def test_a_till_enrols_bootstraps_sells_and_uploads(shop, tmp_path):
    shop.admin_post("/staff", {"id": 1001, "name": "李娜", "role": "cashier", "pin": "1111",
                               "store_id": "S1"})
    db = tmp_path / "till.db"
    Store.open(db).close()
    tokens = TokenStore(MemoryKeyring())
    clock = ManualClock()
    answer = enrol(db, shop.url, shop.enrolment_code("S1"), "front till", tokens=tokens,
                   clock=clock)
    assert answer.store_id == "S1"
    engine = SyncEngine(db, tokens=tokens, clock=clock)
    first = engine.run_once()
    assert first.bootstrapped and first.applied > 0

    with Store.open(db) as store:
        assert Catalog(store.conn).by_gtin(6901234567892).name_en == "Yili Milk 250ml"
        staff = StaffService(store, clock)
        co = Checkout(store, staff, staff.login(1001, "1111"), clock=clock,
                      payments=SimulatedPaymentTerminal(()))
        co.scan("6901234567892", 3)
        co.pay_cash(Money(10_000, "CNY"))
        done = co.complete()

    report = engine.run_once()
    assert report.pushed == 1 and report.rejected == 0
    assert level(shop, "S1", MILK) == 100 - 3
    with shop.engine.connect() as conn:
        row = conn.execute(select(sales)).one()
    assert row.receipt_no == done.receipt_no and row.total == done.totals.total.minor
    with Store.open(db) as store:
        qty, acked = store.conn.execute(
            "SELECT (SELECT qty FROM stock_levels WHERE product_id = ?), "
            "(SELECT min(acked) FROM stock_movements)", (MILK,)).fetchone()
    assert (qty, acked) == (97, 1)  # the central's level now includes the sale
    assert engine.run_once().pushed == 0  # nothing sent twice


def test_a_revoked_till_is_enrolled_again_by_a_manager_and_its_waiting_sales_carry_on(
        shop, tmp_path):
    for staff_id, role, pin in ((1001, "cashier", "1111"), (3001, "manager", "3333")):
        shop.admin_post("/staff", {"id": staff_id, "name": f"staff {staff_id}", "role": role,
                                   "pin": pin, "store_id": "S1"})
    db = tmp_path / "till.db"
    Store.open(db).close()
    tokens, clock = TokenStore(MemoryKeyring()), ManualClock()
    first = enrol(db, shop.url, shop.enrolment_code("S1"), "front till", tokens=tokens,
                  clock=clock)
    engine = SyncEngine(db, tokens=tokens, clock=clock)
    engine.run_once()

    def sell(store: Store) -> None:
        staff = StaffService(store, clock)
        co = Checkout(store, staff, staff.login(1001, "1111"), clock=clock,
                      payments=SimulatedPaymentTerminal(()))
        co.scan("6901234567892")
        co.pay_cash(Money(1_000, "CNY"))
        co.complete()

    with Store.open(db) as store:
        sell(store)
    assert engine.run_once().pushed == 1
    shop.admin_post(f"/terminals/S1/{first.terminal_id}/revoke", {})
    with Store.open(db) as store:
        sell(store)
    with pytest.raises(SyncError, match="revoked or unknown"):
        engine.run_once()
    code = shop.admin_post("/enrolment-codes", {"store_id": "S1",
                                                "terminal_id": first.terminal_id},
                           expect=201)["code"]
    with pytest.raises(SyncError, match="enrol it again with a code made for it"):
        enrol(db, shop.url, code, "front till", tokens=tokens)  # not without --again

    with Store.open(db) as store:
        staff = StaffService(store, clock)
        cashier = staff.login(1001, "1111")
        with pytest.raises(ApprovalRequired):
            EnrolAgain.authorize(store, cashier, staff)
        permit = EnrolAgain.authorize(store, cashier, staff, Approval(3001, "3333"))
    answer = permit.run(sync.enrol, shop.url, code, "front till", tokens=tokens)
    assert (answer.store_id, answer.terminal_id) == ("S1", first.terminal_id)

    assert engine.run_once().pushed == 1  # the sale that waited goes up, with the new token
    with shop.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(sales)).scalar_one() == 2
        assert conn.execute(select(terminal_gaps)).all() == []  # its terminal_seq carried on
    with Store.open(db) as store:
        audit = store.conn.execute(
            "SELECT staff_id, approved_by FROM audit_log WHERE action = 'enrol_again'").fetchall()
    assert audit == [(1001, 3001)]
