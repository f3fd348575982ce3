"""The till's stock against the real central: exact through push, pull and their faults.

The till counts the central's level plus its own movements the central has not counted yet
(posclient/store/stock.py); a sale must never count twice nor go missing, whatever the central
answered and wherever the engine stopped.
"""

from __future__ import annotations

import json

import httpx
import pytest
from central_kit import MILK, MemoryKeyring, level

from posclient.app.checkout import Checkout
from posclient.app.staff import StaffService
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.clock import ManualClock
from posclient.domain.money import Money
from posclient.store.catalog import Catalog
from posclient.store.db import Store
from posclient.store.stock import watermark
from sync import engine as engine_module
from sync.central import feed
from sync.credentials import TokenStore
from sync.engine import SyncEngine
from sync.enrol import enrol


@pytest.fixture
def cashier(shop):
    shop.admin_post("/staff", {"id": 1001, "name": "李娜", "role": "cashier", "pin": "1111",
                               "store_id": "S1"})
    return shop


class Till:
    """An enrolled, bootstrapped till that sells milk (100 in stock at the central)."""

    def __init__(self, central, tmp_path, transport: httpx.BaseTransport | None = None,
                 batch_size: int = 500) -> None:
        self.central = central
        self.path = tmp_path / "till.db"
        self.clock = ManualClock()
        self.tokens = TokenStore(MemoryKeyring())
        Store.open(self.path).close()
        enrol(self.path, central.url, central.enrolment_code("S1"), "till", tokens=self.tokens,
              clock=self.clock)
        self.engine = SyncEngine(self.path, tokens=self.tokens, clock=self.clock, timeout=5,
                                 transport=transport, batch_size=batch_size)
        self.engine.run_once()
        self.store = Store.open(self.path)
        staff = StaffService(self.store, self.clock)
        self.checkout = Checkout(self.store, staff, staff.login(1001, "1111"),
                                 clock=self.clock, payments=SimulatedPaymentTerminal(()))
        self.sold = 0

    def sell(self, qty: int = 1) -> int:
        self.checkout.scan("6901234567892", qty)
        self.checkout.pay_cash(Money(self.checkout.payment.due.minor, "CNY"))
        self.sold += qty
        return self.checkout.complete().terminal_seq

    def stock(self) -> int | None:
        return Catalog(self.store.conn).stock(MILK)

    def unflagged(self) -> int:
        return self.store.conn.execute(
            "SELECT count(*) FROM stock_movements WHERE acked = 0").fetchone()[0]


def test_sales_pushed_and_pulled_are_counted_once(cashier, tmp_path):
    till = Till(cashier, tmp_path)
    for qty in (1, 2, 3):
        till.sell(qty)
    assert till.stock() == 100 - 6
    assert till.engine.run_once().pushed == 3
    assert level(cashier, "S1", MILK) == 100 - 6
    assert till.stock() == 100 - 6  # the level has them, the movements no longer count
    assert watermark(till.store.conn) == 3 and till.unflagged() == 0
    till.sell(4)
    assert till.stock() == 100 - 10


def test_a_rejected_sale_in_the_middle_still_counts_at_the_till(cashier, tmp_path):
    till = Till(cashier, tmp_path)
    till.sell(1)
    bad = till.sell(5)
    till.sell(2)
    with till.store.write() as c:  # a payload the central cannot read (no lines)
        payload = json.loads(c.execute("SELECT payload FROM outbox WHERE terminal_seq = ?",
                                       (bad,)).fetchone()[0])
        payload["lines"] = []
        c.execute("UPDATE outbox SET payload = ? WHERE terminal_seq = ?",
                  (json.dumps(payload), bad))
    report = till.engine.run_once()
    assert (report.pushed, report.rejected) == (2, 1)
    assert level(cashier, "S1", MILK) == 100 - 3  # the central never applied it
    assert till.stock() == 100 - 8  # but the milk left this shop: still counted here
    assert watermark(till.store.conn) == 3
    assert till.store.conn.execute("SELECT terminal_seq FROM stock_held").fetchall() == [(bad,)]
    assert till.unflagged() == 1  # the rejected sale's movement, kept by the tidy
    till.sell(1)
    till.engine.run_once()
    assert till.stock() == 100 - 9 and till.unflagged() == 1


class _AnswersOutOfOrder(httpx.BaseTransport):
    """The first upload reaches the central without its second event: that one is answered
    in a later batch, after the events behind it."""

    def __init__(self) -> None:
        self.inner, self.held_back = httpx.HTTPTransport(), False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/events" and not self.held_back:
            body = json.loads(request.content)
            if len(body["events"]) > 2:
                del body["events"][1]
                self.held_back = True
                request = httpx.Request(request.method, request.url, json=body,
                                        headers={"Authorization":
                                                 request.headers["Authorization"]})
        return self.inner.handle_request(request)


def test_a_sale_answered_after_the_ones_behind_it(cashier, tmp_path):
    transport = _AnswersOutOfOrder()
    till = Till(cashier, tmp_path, transport=transport)
    for qty in (1, 2, 3):
        till.sell(qty)
    assert till.engine.run_once().pushed == 3
    assert transport.held_back
    assert level(cashier, "S1", MILK) == 100 - 6
    assert till.stock() == 100 - 6 and till.unflagged() == 0


def test_the_engine_stopped_between_the_watermark_and_the_tidy(cashier, tmp_path,
                                                              monkeypatch):
    till = Till(cashier, tmp_path)
    for qty in (1, 2):
        till.sell(qty)

    def crash(store: Store) -> float:
        raise RuntimeError("power cut")

    monkeypatch.setattr(engine_module.SyncEngine, "_tidy", staticmethod(crash))
    with pytest.raises(RuntimeError, match="power cut"):
        till.engine.run_once()
    assert level(cashier, "S1", MILK) == 100 - 3
    assert till.stock() == 100 - 3  # the watermark alone: exact
    assert till.unflagged() == 2
    monkeypatch.undo()
    till.sell(4)
    assert till.stock() == 100 - 7
    till.engine.run_once()
    assert till.stock() == 100 - 7 and till.unflagged() == 0


def test_a_re_bootstrap_after_410_keeps_the_stock_exact(cashier, tmp_path):
    till = Till(cashier, tmp_path)
    till.sell(2)
    till.engine.run_once()
    till.sell(3)  # waiting while the central changes and prunes its feed
    assert cashier.put("price", [{"id": MILK, "product_id": MILK, "amount": 555}])[
        "rejected"] == []
    with cashier.engine.connect() as conn:
        head = feed.feed_state(conn).last_seq
    cashier.admin_post("/prune", {"before_seq": head + 1})
    report = till.engine.run_once()
    assert report.bootstrapped and report.pushed == 1
    assert level(cashier, "S1", MILK) == 100 - 5
    assert till.stock() == 100 - 5 and till.unflagged() == 0
    assert watermark(till.store.conn) == 2
