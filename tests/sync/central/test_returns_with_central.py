"""Returns of web purchases and store receipts across stores, never refunded twice: the issue's
scenario on the real central over HTTP (SQLite and PostgreSQL) with real till databases.

A web order for pick-up at S1 is collected in two visits; part of it is returned at S2 (online:
reserved first, refunded to the web payment); a second return of the same line at S3 is refused
by the central; two offline tills of S1 refund the same line from their cached copies and the
central flags the second; stock, refunds and the order reconcile exactly.
"""

from __future__ import annotations

import json
import uuid

import pytest
from central_kit import BREAD, MILK, RICE, MemoryKeyring, level
from sqlalchemy import select

from posclient.app.checkout import Checkout
from posclient.app.clock import ManualClock
from posclient.app.orders import OrderBook
from posclient.app.returns import Returns
from posclient.app.staff import Approval, StaffService
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.errors import InvalidInput
from posclient.domain.money import Money
from posclient.store.db import Store
from sync.central.schema import exceptions, refund_requests
from sync.credentials import TokenStore
from sync.engine import SyncEngine
from sync.enrol import enrol
from sync.protocol import ReserveLine, ReserveRequest

CODE = "K7P2Q9"
STAFF = {"S1": 1, "S2": 2, "S3": 3}  # staff ids are the chain's: one cashier and manager each


def web_order():
    return {"order_no": "W700", "fulfilment": "pickup", "store_id": "S1", "pickup_code": CODE,
            "customer_name": "陈静", "customer_phone": "13900002222", "currency": "CNY",
            "lines": [{"sku": "100001", "qty": 3, "unit_price": 350, "discount": 50},
                      {"sku": "100004", "qty": 1, "unit_price": 5990}],
            "payments": [{"kind": "online", "amount": 6990, "method": "alipay",
                          "reference": "ALI-700"}]}


class Till:
    """One enrolled till: its database, sync engine and clock."""

    def __init__(self, shop, tmp_path, store_id: str, name: str) -> None:
        self.cashier, self.manager = 1000 + STAFF[store_id], 9000 + STAFF[store_id]
        self.db = tmp_path / f"{name}.db"
        Store.open(self.db).close()
        tokens, self.clock = TokenStore(MemoryKeyring()), ManualClock()
        enrol(self.db, shop.url, shop.enrolment_code(store_id), name, tokens=tokens,
              clock=self.clock)
        self.engine = SyncEngine(self.db, tokens=tokens, clock=self.clock)
        self.engine.run_once()

    def hand_over(self, quantities):
        with Store.open(self.db) as store:
            book = OrderBook(store.conn, self.clock)
            with store.write():
                book.keep(self.engine.fetch_order("W700"))
            staff = StaffService(store, self.clock)
            co = Checkout(store, staff, staff.login(self.cashier, "1111"), clock=self.clock,
                          payments=SimulatedPaymentTerminal(()))
            co.start_pickup(book.view("W700"), quantities, code=CODE)
            return co.complete()

    @property
    def approval(self) -> Approval:
        return Approval(self.manager, "9999")

    def returns(self, store: Store) -> Returns:
        staff = StaffService(store, self.clock)
        return Returns(store, staff, staff.login(self.cashier, "1111"), clock=self.clock,
                       payments=SimulatedPaymentTerminal(()))

    def return_online(self, kind, ref, quantities, purchase=None):
        """Fetch (unless given a copy), reserve, refund: as the returns screen does."""
        with Store.open(self.db) as store:
            r = self.returns(store)
            purchase = purchase or r.from_central(self.engine.fetch_purchase(kind, ref))
            draft = r.prepare(purchase, quantities, reason="changed mind")
            reservation = self.engine.reserve_return(ReserveRequest(
                reservation_id=uuid.UUID(draft.reservation_id),
                **{f"{kind}_no": ref}, lines=[ReserveLine(line_id=k, qty=v)
                                              for k, v in draft.reserve_lines().items()]))
            return r.complete(draft, reservation=reservation, approval=self.approval)

    def return_offline(self, ref, quantities):
        with Store.open(self.db) as store:
            r = self.returns(store)
            draft = r.prepare(r.find_local(ref), quantities, reason="faulty")
            return r.complete(draft, approval=self.approval)


@pytest.fixture
def stores(shop):
    shop.create_store("S3")
    for store_id, n in STAFF.items():
        shop.admin_post("/staff", {"id": 1000 + n, "name": "李娜", "role": "cashier",
                                   "pin": "1111", "store_id": store_id})
        shop.admin_post("/staff", {"id": 9000 + n, "name": "王经理", "role": "manager",
                                   "pin": "9999", "store_id": store_id})
    shop.admin_post("/orders", {"orders": [web_order()]})
    return shop


def test_a_web_order_collected_returned_elsewhere_and_refunded_twice_reconciles(
        stores, tmp_path):
    shop = stores
    a = Till(shop, tmp_path, "S1", "a")
    a.hand_over({1: 2})
    a.hand_over({1: 1, 2: 1})
    assert a.engine.run_once().pushed == 2

    b, c = Till(shop, tmp_path, "S2", "b"), Till(shop, tmp_path, "S3", "c")
    stale = None
    with Store.open(c.db) as store:  # S3 reads the order before S2 takes the rice back
        stale = c.returns(store).from_central(c.engine.fetch_purchase("order", "W700"))
    done = b.return_online("order", "W700", {2: 1})
    assert [(t.kind, t.amount.minor, t.reference) for t in done.tenders] == [
        ("web", 5990, "ALI-700")]  # back to the web payment: a refund request
    assert b.engine.run_once().pushed == 1

    with pytest.raises(InvalidInput) as refused:  # S3's stale copy: the central says no
        c.return_online("order", "W700", {2: 1}, purchase=stale)
    assert refused.value.code == "return_refused_by_central"
    assert "0 can still be returned" in refused.value.message
    with pytest.raises(InvalidInput) as fresh:  # a fresh copy: refused at the till already
        c.return_online("order", "W700", {2: 1})
    assert fresh.value.code == "return_beyond_returnable"

    # Two tills of S1, both away from the central, take back 2 of the 3 milks each.
    a2 = Till(shop, tmp_path, "S1", "a2")
    with Store.open(a2.db) as store, store.write():
        OrderBook(store.conn, a2.clock).keep(a2.engine.fetch_order("W700"))
    first = a.return_offline("W700", {1: 2})
    second = a2.return_offline("W700", {1: 2})
    assert first.total.minor == second.total.minor == 667  # the first 2 of 3 milks: 6.67
    assert a.engine.run_once().exceptions == []
    report = a2.engine.run_once()
    assert report.exceptions == ["double_refund:W700", "refund_over_payment:W700"]

    purchase = a.engine.fetch_purchase("order", "W700")
    assert [(ln.received, ln.returned) for ln in purchase.lines] == [(3, 4), (1, 1)]
    order = a.engine.fetch_order("W700")
    assert [ln.returned for ln in order.lines] == [4, 1]
    with shop.engine.connect() as conn:
        refunds = conn.execute(select(refund_requests.c.amount, refund_requests.c.store_id)
                               .order_by(refund_requests.c.id)).all()
        detail = json.loads(conn.execute(select(exceptions.c.detail).where(
            exceptions.c.kind == "double_refund")).scalar_one())
        over = json.loads(conn.execute(select(exceptions.c.detail).where(
            exceptions.c.kind == "refund_over_payment")).scalar_one())
    assert [tuple(r) for r in refunds] == [(5990, "S2"), (667, "S1"), (667, "S1")]
    assert (detail["returned_before"], detail["qty"], detail["offline"]) == (2, 2, True)
    assert (over["kind"], over["reference"], over["over"]) == ("web", "ALI-700",
                                                               5990 + 667 + 667 - 6990)
    assert level(shop, "S1", MILK) == 100 - 3 + 2 + 2
    assert level(shop, "S1", RICE) == 10 - 1 and level(shop, "S2", RICE) == 1


def test_a_store_receipt_is_returned_at_another_store_once(stores, tmp_path):
    shop = stores
    a, b = Till(shop, tmp_path, "S1", "a"), Till(shop, tmp_path, "S2", "b")
    with Store.open(a.db) as store:
        staff = StaffService(store, a.clock)
        co = Checkout(store, staff, staff.login(a.cashier, "1111"), clock=a.clock,
                      payments=SimulatedPaymentTerminal(()))
        co.scan("6901234567892", 2)  # milk
        co.scan("036000291452")  # bread
        co.pay_card(Money(300, "CNY"))
        co.pay_cash(Money(1000, "CNY"))
        sale = co.complete()
    a.engine.run_once()
    purchase = b.engine.fetch_purchase("receipt", sale.receipt_no)
    assert [(ln.product_id, ln.received) for ln in purchase.lines] == [(MILK, 2), (BREAD, 1)]
    done = b.return_online("receipt", sale.receipt_no, {1: 2, 2: 1})
    assert [t.kind for t in done.tenders] == ["card", "cash"]  # the card first, up to 3.00
    assert [t.amount.minor for t in done.tenders] == [300, sale.totals.total.minor - 300]
    b.engine.run_once()
    again = b.engine.fetch_purchase("receipt", sale.receipt_no)
    assert [ln.returnable for ln in again.lines] == [0, 0]
    assert level(shop, "S2", MILK) == 7 + 2 and level(shop, "S2", BREAD) == 3 + 1
