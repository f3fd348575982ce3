"""The issue's scripted day at two tills of one store, on the real central over HTTP (SQLite and
PostgreSQL) with real till databases: sales in cash and by card, a return, a pick-up of a web
order, a paid-out and a cash-in, a miscount at close, a Z at each till. Every Z figure equals the
sum of the till's own events; after the sync the central's store reconciliation equals each
till's Z (sales, tenders, returns, pick-ups, cash movements, the miscount); an audit record
edited at a till is caught there (``audit verify``) and at the central, and the manager resolves
it from the till with a comment. A delivery is received against its lines: stock moves, the
difference is filed, the delivery leaves the tills' open list."""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import UTC, datetime

import pytest
from central_kit import BREAD, GUM, MILK, PRODUCTS, RICE, MemoryKeyring, level

from posclient.app.checkout import Checkout
from posclient.app.orders import OrderBook
from posclient.app.reconcile import Reconciliation
from posclient.app.returns import Returns
from posclient.app.shifts import Shifts
from posclient.app.staff import Approval, StaffService
from posclient.app.stock import Receiving, open_deliveries
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.clock import ManualClock
from posclient.domain.errors import NotFound
from posclient.domain.money import Money
from posclient.store import audit
from posclient.store.db import Store
from sync.credentials import TokenStore
from sync.engine import SyncEngine
from sync.enrol import enrol
from sync.protocol import ReserveLine, ReserveRequest

CODE = "K7P2Q9"
DAY = "2026-11-23"
CATEGORIES = {MILK: "dairy", BREAD: "bakery", RICE: "grain", GUM: "snacks"}
SUPERVISOR, MANAGER = Approval(2001, "2222"), Approval(3001, "3333")


class Till:
    """One enrolled till of S1: its database, sync engine and clock (09:00 in Shanghai)."""

    def __init__(self, shop, tmp_path, name: str) -> None:
        self.db = tmp_path / f"{name}.db"
        Store.open(self.db).close()
        tokens = TokenStore(MemoryKeyring())
        self.clock = ManualClock(datetime(2026, 11, 23, 1, 0, tzinfo=UTC))
        enrol(self.db, shop.url, shop.enrolment_code("S1"), name, tokens=tokens,
              clock=self.clock)
        self.engine = SyncEngine(self.db, tokens=tokens, clock=self.clock)
        self.engine.run_once()
        with Store.open(self.db) as store:
            self.terminal_id = store.conn.execute(
                "SELECT value FROM sync_state WHERE key = 'terminal_id'").fetchone()[0]

    def session(self, store: Store, staff_id: int = 1001, pin: str = "1111"):
        staff = StaffService(store, self.clock)
        return staff, staff.login(staff_id, pin)

    def shifts(self, store: Store, staff_id: int = 1001, pin: str = "1111") -> Shifts:
        staff, session = self.session(store, staff_id, pin)
        return Shifts(store, staff, session, clock=self.clock)

    def sell(self, scans: list[tuple[int, int]], *, card: bool = False) -> str:
        """A sale of ``(product id, qty)``, paid all in cash (rounded up to a note) or by card;
        returns its receipt number."""
        self.clock.advance(minutes=7)
        with Store.open(self.db) as store:
            staff, session = self.session(store)
            co = Checkout(store, staff, session, clock=self.clock,
                          payments=SimulatedPaymentTerminal(()))
            for pid, qty in scans:
                co.scan(next(p["sku"] for p in PRODUCTS if p["id"] == pid), qty)
            if card:
                co.pay_card()
            else:
                due = co.payment.cash_due().minor
                co.pay_cash(Money(-(-due // 1000) * 1000, "CNY"))
            return co.complete().receipt_no

    def hand_over(self, order_no: str, quantities: dict[int, int]) -> None:
        self.clock.advance(minutes=5)
        with Store.open(self.db) as store:
            book = OrderBook(store.conn, self.clock)
            with store.write():
                book.keep(self.engine.fetch_order(order_no))
            staff, session = self.session(store)
            co = Checkout(store, staff, session, clock=self.clock,
                          payments=SimulatedPaymentTerminal(()))
            co.start_pickup(book.view(order_no), quantities, code=CODE)
            co.complete()

    def return_online(self, receipt_no: str, quantities: dict[int, int]) -> None:
        self.clock.advance(minutes=5)
        with Store.open(self.db) as store:
            staff, session = self.session(store)
            r = Returns(store, staff, session, clock=self.clock,
                        payments=SimulatedPaymentTerminal(()))
            purchase = r.from_central(self.engine.fetch_purchase("receipt", receipt_no))
            draft = r.prepare(purchase, quantities, reason="changed mind")
            reservation = self.engine.reserve_return(ReserveRequest(
                reservation_id=uuid.UUID(draft.reservation_id), receipt_no=receipt_no,
                lines=[ReserveLine(line_id=k, qty=v)
                       for k, v in draft.reserve_lines().items()]))
            r.complete(draft, reservation=reservation, approval=MANAGER)

    def close_and_z(self, *, short: int = 0, card: int = 0, comment: str = ""):
        """Close the shift (cash counted ``short`` below what is expected), sync, then the
        manager's Z; returns the Z report."""
        self.clock.advance(minutes=30)
        with Store.open(self.db) as store:
            sh = self.shifts(store)
            expected = sh.x_report().expected_cash - short
            assert expected % 100 == 0  # whole yuan: counted in 1-yuan coins
            sh.close({100: expected // 100}, {"card": Money(card, "CNY")}, comment=comment,
                     approval=MANAGER if comment else None)
        self.engine.run_once()
        self.clock.advance(minutes=1)
        with Store.open(self.db) as store:
            z = self.shifts(store, 3001, "3333").z_report()
        self.engine.run_once()
        return z


@pytest.fixture
def s1(shop):
    shop.put("product", [{**p, "category": CATEGORIES.get(p["id"], "")} for p in PRODUCTS])
    for sid, role, pin in ((1001, "cashier", "1111"), (2001, "supervisor", "2222"),
                           (3001, "manager", "3333")):
        shop.admin_post("/staff", {"id": sid, "name": f"员工{sid}", "role": role, "pin": pin,
                                   "store_id": "S1"})
    shop.admin_post("/orders", {"orders": [{
        "order_no": "W900", "fulfilment": "pickup", "store_id": "S1", "pickup_code": CODE,
        "customer_name": "陈静", "currency": "CNY",
        "lines": [{"sku": "100001", "qty": 2, "unit_price": 350}],
        "payments": [{"kind": "online", "amount": 700, "method": "wechat"}]}]})
    return shop


def event_sums(db) -> dict[str, object]:
    """What a till's own sale, pick-up and return events add up to."""
    sums: dict[str, object] = {"sales_count": 0, "sales_total": 0, "returns_count": 0,
                               "returns_total": 0, "pickups_count": 0, "pickups_total": 0}
    tenders: dict[str, dict[str, int]] = {}
    with Store.open(db) as store:
        for kind, raw in store.conn.execute("SELECT type, payload FROM outbox"):
            p = json.loads(raw)
            if kind in ("sale", "pickup"):
                sums["sales_count"] += 1  # type: ignore[operator]
                sums["sales_total"] += p["total"]  # type: ignore[operator]
                if kind == "pickup":
                    sums["pickups_count"] += 1  # type: ignore[operator]
                    sums["pickups_total"] += p["total"]  # type: ignore[operator]
                side = "sales"
            elif kind == "return":
                sums["returns_count"] += 1  # type: ignore[operator]
                sums["returns_total"] += p["total"]  # type: ignore[operator]
                side = "refunds"
            else:
                continue
            for t in p["tenders"]:
                tenders.setdefault(t["kind"], {"sales": 0, "refunds": 0})[side] += t["amount"]
    sums["tenders"] = tenders
    return sums


def z_sums(z) -> dict[str, object]:
    return {"sales_count": z.sales_count, "sales_total": z.sales_total,
            "returns_count": z.returns_count, "returns_total": z.returns_total,
            "pickups_count": z.pickups_count, "pickups_total": z.pickups_total,
            "tenders": z.tenders}


@pytest.mark.slow
def test_a_day_at_two_tills_reconciles_at_the_central(s1, tmp_path):
    a, b = Till(s1, tmp_path, "a"), Till(s1, tmp_path, "b")
    # -- till A: float, two cash sales and one by card, a return, a paid-out, a short count
    with Store.open(a.db) as store:
        a.shifts(store).open({10_000: 2})
    first = a.sell([(MILK, 3), (BREAD, 1)])
    a.sell([(RICE, 1)], card=True)
    a.sell([(GUM, 2)])
    a.engine.run_once()
    a.return_online(first, {1: 1})  # one milk back, in cash
    with Store.open(a.db) as store:
        a.shifts(store).move_cash("paid_out", Money(300, "CNY"), "window cleaner", SUPERVISOR)
    z_a = a.close_and_z(short=1_000, card=400, comment="a 10.00 note missing")
    # -- till B: float, a card sale, a pick-up paid online, a cash sale, a cash-in
    with Store.open(b.db) as store:
        b.shifts(store).open({5_000: 1})
    b.sell([(BREAD, 2), (GUM, 1)], card=True)
    b.hand_over("W900", {1: 2})
    b.sell([(MILK, 1)])
    with Store.open(b.db) as store:
        b.shifts(store).move_cash("cash_in", Money(2_000, "CNY"), "coins from the bank")
    z_b = b.close_and_z(card=900)

    # every Z figure is the sum of the till's own events
    assert z_sums(z_a) == event_sums(a.db) and z_sums(z_b) == event_sums(b.db)
    assert z_a.returns_count == 1 and z_b.pickups_count == 1 and z_a.movements == {
        "paid_out": 300}

    # the central's reconciliation equals each till's Z
    day = a.engine.store_reconciliation(DAY)
    assert day.store_id == "S1" and day.timezone == "Asia/Shanghai"
    tills = {t.terminal_id: t for t in day.terminals}
    for till, z in ((a, z_a), (b, z_b)):
        t = tills[till.terminal_id]
        assert (t.sales_count, t.sales_total, t.returns_count, t.returns_total,
                t.pickups_count, t.pickups_total) == (
            z.sales_count, z.sales_total, z.returns_count, z.returns_total, z.pickups_count,
            z.pickups_total)
        assert {k: v.model_dump() for k, v in t.tenders.items()} == z.tenders
        assert t.movements == z.movements and t.gaps == []
        [tz] = t.z_reports
        assert (tz.z_no, tz.sales_total, tz.returns_total, tz.pending_events) == (
            z.z_no, z.sales_total, z.returns_total, 0)
        assert sum(t.hours) == t.sales_total == sum(t.categories.values())
    assert tills[a.terminal_id].over_short == {"card": 0, "cash": -1_000}
    assert tills[b.terminal_id].over_short == {"card": 0, "cash": 0}
    assert day.totals.sales_total == z_a.sales_total + z_b.sales_total
    assert day.totals.categories == {"bakery": 600, "dairy": 300 + 700 + 100, "grain": 400,
                                     "snacks": 1_500}
    assert sum(day.totals.hours[9:11]) == day.totals.sales_total  # 09:00-10:59 in Shanghai
    assert day.exceptions == []

    # audit records edited at till B: one already uploaded (the till's check catches it; the
    # central keeps the original), one before its upload (the central's chain check files it)
    with sqlite3.connect(b.db) as c:
        c.execute("UPDATE audit_log SET detail = ? WHERE action = 'cash_in'",
                  (json.dumps({"amount": 1}),))
    with Store.open(b.db) as store:
        assert any("altered" in str(p) for p in audit.verify(store.conn).problems)
        staff, session = b.session(store, 1001, "1111")
        staff.record(session, "no_sale", None, reason="customer needed change")
    with sqlite3.connect(b.db) as c:
        c.execute("UPDATE audit_log SET detail = ? WHERE action = 'no_sale'",
                  (json.dumps({"reason": "float"}),))
    b.engine.run_once()
    [broken] = b.engine.store_reconciliation(DAY).exceptions
    assert broken.kind == "audit_chain_broken" and broken.terminal_id == b.terminal_id
    with Store.open(b.db) as store:
        staff, session = b.session(store, 3001, "3333")
        service = Reconciliation(store, staff, session, clock=b.clock, central=b.engine)
        service.open()
        who = service.check_resolve("checked the drawer log: a typo fixed by hand")
    done = b.engine.resolve_exception(broken.id, "checked the drawer log", who)
    assert done.status == "resolved" and done.comment == "checked the drawer log"
    assert b.engine.store_reconciliation(DAY).exceptions == []
    with pytest.raises(NotFound):
        b.engine.resolve_exception(broken.id + 1000, "no such one", who)


def test_another_store_sees_neither_the_day_nor_the_exceptions(s1):
    other = s1.enrol("S2")
    r = other.get("/v1/store/reconciliation", day=DAY, store_id="S1")
    assert r.status_code == 403 and r.json()["error"] == "other_store"
    assert other.get("/v1/store/reconciliation", day="23/11/2026").status_code == 422
    mine = other.get("/v1/store/reconciliation", day=DAY).json()
    assert mine["store_id"] == "S2" and mine["terminals"][0]["sales_count"] == 0
    r = s1.http.post("/v1/store/exceptions/1/resolve", json={"comment": ""},
                     headers=other.auth)
    assert r.status_code == 422


def test_a_delivery_is_received_against_its_lines(s1, tmp_path):
    s1.put("delivery", [{"id": "D-1", "store_id": "S1", "reference": "DN-778",
                         "lines": [{"product_id": MILK, "sku": "100001", "qty": 24},
                                   {"product_id": BREAD, "sku": "100002", "qty": 6}]},
                        {"id": "D-2", "store_id": "S2",
                         "lines": [{"product_id": MILK, "qty": 1}]}])
    a = Till(s1, tmp_path, "a")
    with Store.open(a.db) as store:
        assert [d.id for d in open_deliveries(store)] == ["D-1"]  # its own store's only
        staff, session = a.session(store, 2001, "2222")
        r = Receiving(store, staff, session, clock=a.clock, delivery_id="D-1")
        r.scan("6901234567892", 24)
        r.scan("036000291452", 5)
        r.post()
    report = a.engine.run_once()
    assert report.exceptions == ["delivery_difference:D-1"]
    assert level(s1, "S1", MILK) == 100 + 24 and level(s1, "S1", BREAD) == 20 + 5
    with Store.open(a.db) as store:
        status = store.conn.execute("SELECT status FROM deliveries WHERE id = 'D-1'").fetchone()
        assert status == ("received",) and open_deliveries(store) == []
    [diff] = a.engine.store_reconciliation(DAY).exceptions
    assert diff.detail["lines"] == [{"product_id": BREAD, "sku": "100002", "expected": 6,
                                     "received": 5}]
    again = s1.put("delivery", [{"id": "D-1", "store_id": "S1",
                                 "lines": [{"product_id": MILK, "qty": 1}]}], partial=True)
    assert again["rejected"][0]["reason"].endswith("it can no longer change")
