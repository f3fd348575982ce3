"""End to end: a real till database, the terminal's sync engine, the real central over HTTP.

Enrol -> snapshot -> a sale rung up by posclient's own checkout -> upload -> the central's
ledger moved once, the sale recorded with the till's totals, the till's movement acknowledged.
"""

from __future__ import annotations

from central_kit import MILK, MemoryKeyring, level
from sqlalchemy import select

from posclient.app.checkout import Checkout
from posclient.app.clock import ManualClock
from posclient.app.staff import StaffService
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.money import Money
from posclient.store.catalog import Catalog
from posclient.store.db import Store
from sync.central.schema import sales
from sync.credentials import TokenStore
from sync.engine import SyncEngine
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
