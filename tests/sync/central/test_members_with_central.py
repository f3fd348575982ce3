"""Members and points on the real central over HTTP (SQLite and PostgreSQL) with real tills:
a member earns online and spends at a store offline and the central's balance is right; a
return takes points back; two offline tills overdraw and the central files it; a member signed
up offline is created at the central with the till's number (a phone given twice is filed).
The member belongs to S1: a till of S2 finds it by asking the central (members per store,
tests/sync/central/test_member_privacy.py)."""

from __future__ import annotations

import pytest
from central_kit import MILK, MemoryKeyring
from sqlalchemy import select

from posclient.app.checkout import Checkout
from posclient.app.members import Members, MemberView
from posclient.app.returns import Returns
from posclient.app.staff import Approval, StaffService
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.clock import ManualClock
from posclient.store.db import Store
from sync.central import loyalty
from sync.central.schema import exceptions, points_ledger
from sync.credentials import TokenStore
from sync.engine import SyncEngine
from sync.enrol import enrol

PHONE = "13900002222"
STAFF = {"S1": 1, "S2": 2}


class Till:
    def __init__(self, shop, tmp_path, store_id: str, name: str) -> None:
        self.cashier, self.manager = 1000 + STAFF[store_id], 9000 + STAFF[store_id]
        self.db = tmp_path / f"{name}.db"
        Store.open(self.db).close()
        tokens, self.clock = TokenStore(MemoryKeyring()), ManualClock()
        enrol(self.db, shop.url, shop.enrolment_code(store_id), name, tokens=tokens,
              clock=self.clock)
        self.engine = SyncEngine(self.db, tokens=tokens, clock=self.clock)
        self.engine.run_once()

    def members(self, store: Store) -> Members:
        return Members(store, self.clock, keys=self.engine, directory=self.engine)

    def member(self, code: str) -> MemberView:
        with Store.open(self.db) as store:
            return self.members(store).find(code)

    def sell(self, code: str, items: list[str], points: int = 0):
        with Store.open(self.db) as store:
            staff = StaffService(store, self.clock)
            co = Checkout(store, staff, staff.login(self.cashier, "1111"), clock=self.clock,
                          payments=SimulatedPaymentTerminal(()))
            co.attach_member(self.members(store).find(code))
            for item in items:
                co.scan(item)
            if points:
                co.pay_points(points)
            if co.payment.due.minor:
                co.pay_cash(co.payment.due)
            return co.complete()

    def sign_up(self, phone: str) -> MemberView:
        with Store.open(self.db) as store:
            staff = StaffService(store, self.clock)
            return self.members(store).sign_up(
                staff, staff.login(self.cashier, "1111"), phone=phone, consent=True)


def balance(shop, member_no: str) -> tuple[int, int]:
    """(the member's points in its record, the sum of its ledger)."""
    with shop.engine.connect() as conn:
        m = loyalty.read_member(conn, loyalty.member_key(conn, member_no=member_no))
        assert m is not None
        return m.points, loyalty.balance_from_ledger(conn, m.id)


def open_exceptions(shop, kind: str) -> list[str]:
    with shop.engine.connect() as conn:
        return [d for d, in conn.execute(select(exceptions.c.detail)
                                         .where(exceptions.c.kind == kind))]


@pytest.fixture
def stores(shop):
    for store_id, n in STAFF.items():
        shop.admin_post("/staff", {"id": 1000 + n, "name": "李娜", "role": "cashier",
                                   "pin": "1111", "store_id": store_id})
        shop.admin_post("/staff", {"id": 9000 + n, "name": "王经理", "role": "manager",
                                   "pin": "9999", "store_id": store_id})
    shop.admin_post("/entities/member", {"records": [
        {"id": 1, "member_no": "8800000001", "name": "陈静", "phone": PHONE, "tier": "gold",
         "points": 0, "store_id": "S1"}]})
    shop.admin_post("/entities/price", {"records": [  # gold members pay 0.80 for milk
        {"id": 100, "product_id": MILK, "price_list": "gold", "amount": 80}]})
    return shop


def web_order(order_no: str = "W900") -> dict:
    """A delivered web order of 300.00, paid online, by member 8800000001."""
    return {"order_no": order_no, "fulfilment": "delivery", "status": "delivered",
            "currency": "CNY", "member_no": "8800000001",
            "lines": [{"sku": "100004", "qty": 75, "unit_price": 400}],
            "payments": [{"kind": "online", "amount": 30000, "method": "alipay"}]}


def test_earn_online_spend_offline_and_the_central_balance_is_right(stores, tmp_path):
    shop = stores
    shop.admin_post("/orders", {"orders": [web_order()]})
    assert balance(shop, "8800000001") == (300, 300)  # 1 point per yuan paid online
    a = Till(shop, tmp_path, "S1", "a")
    assert a.member(PHONE).available == 300
    # offline from here: nothing is pushed until the end
    sale = a.sell(PHONE, ["6901234567892", "036000291452"], points=200)  # 0.80 + 2.00
    assert sale.totals.total.minor == 280  # milk at the gold price
    assert (sale.points_redeemed, sale.points_earned, sale.points_balance) == (200, 0, 100)
    assert a.member(PHONE).available == 100  # the central's 300 less the pending 200
    a.engine.run_once()
    assert balance(shop, "8800000001") == (100, 100)  # 300 - 200 + floor(0.80 paid)
    m = a.member(PHONE)
    assert (m.balance, m.pending, m.available) == (100, 0, 100)


def test_a_return_takes_points_back(stores, tmp_path):
    shop = stores
    a = Till(shop, tmp_path, "S1", "a")
    sale = a.sell("8800000001", ["6901234567014"] * 3 + ["036000291452"] * 2)  # 12.00 + 4.00
    assert sale.points_earned == 16
    a.engine.run_once()
    assert balance(shop, "8800000001") == (16, 16)
    with Store.open(a.db) as store:
        staff = StaffService(store, a.clock)
        r = Returns(store, staff, staff.login(a.cashier, "1111"), clock=a.clock,
                    payments=SimulatedPaymentTerminal(()))
        draft = r.prepare(r.find_local(sale.receipt_no), {1: 3}, reason="faulty")  # 12.00
        r.complete(draft, approval=Approval(a.manager, "9999"))
    a.engine.run_once()
    assert balance(shop, "8800000001") == (4, 4)  # floor(16 * 12 / 16) = 12 taken back


def test_two_offline_tills_overdraw_and_it_is_filed(stores, tmp_path):
    shop = stores
    shop.admin_post("/orders", {"orders": [web_order()]})
    a, b = Till(shop, tmp_path, "S1", "a"), Till(shop, tmp_path, "S2", "b")
    a.sell(PHONE, ["036000291452"] * 100, points=200)  # 200.00 - 2.00 in points
    b.sell(PHONE, ["036000291452"], points=200)  # both saw 300 available, offline
    a.engine.run_once()
    b.engine.run_once()
    points, ledger = balance(shop, "8800000001")
    assert points == ledger == 300 - 200 + 198 - 200  # a earned on 198.00 paid in cash
    assert open_exceptions(shop, "points_overdrawn") == []
    # a still sees 298 (it pulled before b pushed): both spend 96 offline, past zero
    assert (a.member(PHONE).available, b.member(PHONE).available) == (298, 98)
    b.sell(PHONE, ["036000291452"] * 2, points=96)  # 4.00 - 0.96: earns 3
    a.sell(PHONE, ["036000291452"] * 2, points=96)
    b.engine.run_once()
    a.engine.run_once()
    points, ledger = balance(shop, "8800000001")
    assert points == ledger == 98 - 96 + 3 - 96 + 3  # accepted: the sales happened
    filed = open_exceptions(shop, "points_overdrawn")
    assert len(filed) == 1 and '"balance":-88' in filed[0]
    assert a.member(PHONE).available == 0  # never below zero at a till


def test_sign_up_offline_then_synced_and_a_phone_given_twice(stores, tmp_path):
    shop = stores
    a, b = Till(shop, tmp_path, "S1", "a"), Till(shop, tmp_path, "S2", "b")
    new = a.sign_up("13711112222")
    twice = b.sign_up("13711112222")  # the same customer at another store, both offline
    a.sell(new.member_no, ["6901234567014"] * 5)  # 20.00: 20 points
    a.engine.run_once()
    b.engine.run_once()
    a.engine.run_once()  # a hears of b's member too
    assert balance(shop, new.member_no) == (20, 20)
    synced = a.member("13711112222")
    assert synced.id is not None and synced.member_no == "S1" + a_terminal(a) + "M000001"
    assert synced.balance == 20
    filed = open_exceptions(shop, "member_duplicate_phone")
    assert len(filed) == 1 and twice.member_no in filed[0]
    with shop.engine.connect() as conn:
        kinds = [k for k, in conn.execute(select(points_ledger.c.kind))]
    assert kinds == ["earn"]
    assert a.member(twice.member_no).phone_last4 is None  # created without the phone


def a_terminal(till: Till) -> str:
    with Store.open(till.db) as store:
        from posclient.store.settings import load_settings

        return load_settings(store.conn).terminal_id
