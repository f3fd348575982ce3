"""Nothing lost, nothing doubled: tills selling and syncing through a faulty network.

The real central runs under uvicorn on 127.0.0.1 behind :class:`faults.FaultInjector`; the
tills are real databases with posclient's own checkout and sync engine.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import httpx
import pytest
from central_kit import ADMIN_TOKEN, PRODUCTS, STOCK, MemoryKeyring, seed_shop
from faults import FaultInjector
from sqlalchemy import func, select

from posclient.app.checkout import Checkout
from posclient.app.staff import StaffService
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.clock import ManualClock
from posclient.domain.money import Money
from posclient.store.db import Store
from sync.central import feed, identity
from sync.central.api import create_app
from sync.central.identity import EnrolLimits
from sync.central.schema import events, sales, stock_levels
from sync.credentials import TokenStore
from sync.engine import SyncEngine, SyncError, read_status
from sync.enrol import enrol

BARCODES = [p["barcodes"][0] for p in PRODUCTS if p.get("barcodes")]


@pytest.fixture
def faulty(central_engine, serve):
    """The central app behind a fault injector, served on 127.0.0.1."""
    clock = ManualClock()
    injector = FaultInjector(create_app(central_engine, clock=clock,
                                        enrol_limits=EnrolLimits(max_failures=100)),
                             seed=11, delay_s=1.2)
    with feed.transaction(central_engine, clock.now()) as tx:
        seed_shop(tx, {"S1": {p: q * 100 for p, q in STOCK["S1"].items()}})
        identity.create_staff(tx, staff_id=1001, name="李娜", role="cashier", pin="1111",
                              store_id="S1")
    with serve(injector) as url:
        yield url, injector, clock


class Till:
    def __init__(self, path: Path, url: str, code: str) -> None:
        self.path = path
        self.clock = ManualClock()
        self.tokens = TokenStore(MemoryKeyring())
        Store.open(path).close()
        enrol(path, url, code, path.stem, tokens=self.tokens, clock=self.clock)
        self.engine = SyncEngine(path, tokens=self.tokens, clock=self.clock, timeout=30,
                                 page_limit=50)
        self.engine.run_once()  # the first sync, before any fault: no hurry on a busy machine
        self.engine.timeout = 0.8  # then shorter than the injected delay (1.2 s)
        self.store = Store.open(path)
        staff = StaffService(self.store, self.clock)
        self.checkout = Checkout(self.store, staff, staff.login(1001, "1111"),
                                 clock=self.clock, payments=SimulatedPaymentTerminal(()))

    def sell(self, rng: random.Random) -> None:
        for _ in range(rng.randint(1, 3)):
            self.checkout.scan(rng.choice(BARCODES), rng.randint(1, 2))
        self.checkout.pay_cash(Money(self.checkout.payment.due.minor, "CNY"))
        self.checkout.complete()
        self.clock.advance(seconds=5)

    def try_sync(self) -> bool:
        try:
            self.engine.run_once()
            return True
        except SyncError:
            return False


def enrolment_code(url: str, injector: FaultInjector) -> str:
    with httpx.Client(base_url=url) as http:
        r = http.post("/v1/admin/enrolment-codes", json={"store_id": "S1"},
                      headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
        assert r.status_code == 201, r.text
        return r.json()["code"]


@pytest.mark.slow
def test_three_tills_sell_1000_sales_through_faults_and_the_books_agree(
        faulty, central_engine, tmp_path):
    url, injector, _ = faulty
    tills = [Till(tmp_path / f"till{i}.db", url, enrolment_code(url, injector))
             for i in range(3)]
    rng = random.Random(5)
    injector.configure(rate=0.3)
    for n in range(1000):
        till = tills[n % 3]
        till.sell(rng)
        if rng.random() < 0.15:
            till.try_sync()
    injector.heal()
    for till in tills:
        for _ in range(10):
            if till.try_sync() and read_status(till.store.conn).events_waiting == 0:
                break
        assert read_status(till.store.conn).events_waiting == 0
        assert read_status(till.store.conn).events_rejected == 0
    assert sum(injector.injected.values()) > 50, injector.injected

    # The tills' own books.
    receipts, total, sold = [], 0, Counter()
    for till in tills:
        c = till.store.conn
        receipts += [r[0] for r in c.execute("SELECT receipt_no FROM sales")]
        total += c.execute("SELECT sum(total) FROM sales").fetchone()[0]
        for pid, qty in c.execute("SELECT product_id, sum(qty) FROM sale_lines GROUP BY 1"):
            sold[pid] += qty
        seqs = [r[0] for r in c.execute("SELECT terminal_sale_no FROM sales ORDER BY 1")]
        assert seqs == list(range(1, len(seqs) + 1))  # no gaps
    assert len(receipts) == 1000 == len(set(receipts))

    # The central's books: each sale once, same totals, stock moved exactly once per sale.
    with central_engine.connect() as conn:
        central_receipts = [r[0] for r in conn.execute(select(sales.c.receipt_no))]
        assert sorted(central_receipts) == sorted(receipts)
        assert conn.scalar(select(func.sum(sales.c.total))) == total
        assert conn.scalar(select(func.count()).select_from(events)) == 1000
        levels = dict(conn.execute(select(stock_levels.c.product_id, stock_levels.c.qty)
                                   .where(stock_levels.c.store_id == "S1")).all())
    for pid, start in STOCK["S1"].items():
        assert levels[pid] == start * 100 - sold[pid], pid

    # And every till sees the central's stock, with no sale counted twice.
    for till in tills:
        till.try_sync()
        c = till.store.conn
        assert c.execute("SELECT count(*) FROM stock_movements WHERE acked = 0"
                         ).fetchone()[0] == 0
        local = dict(c.execute("SELECT product_id, qty FROM stock_levels").fetchall())
        assert local == {p: q for p, q in levels.items() if p in local}
        till.store.close()


def test_a_malformed_page_is_refused_whole_and_shown_in_status(faulty, tmp_path):
    url, injector, _ = faulty
    till = Till(tmp_path / "till.db", url, enrolment_code(url, injector))
    cursor = read_status(till.store.conn).cursor
    injector.configure(rate=1.0, kinds=("malformed",))
    with pytest.raises(SyncError, match="refused") as exc:
        till.engine.run_once()
    assert not exc.value.transient
    status = read_status(till.store.conn)
    assert status.cursor == cursor
    assert status.state == "error" and "refused" in (status.last_error or "")
    injector.heal()
    till.engine.run_once()
    assert read_status(till.store.conn).last_error is None
    till.store.close()
