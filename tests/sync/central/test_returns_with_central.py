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
from posclient.app.orders import OrderBook
from posclient.app.returns import Returns
from posclient.app.staff import Approval, StaffService
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.clock import ManualClock
from posclient.domain.errors import InvalidInput
from posclient.domain.money import Money
from posclient.store.db import Store
from sync.central.cli import main as central_cli
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


@pytest.mark.slow
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
    assert report.exceptions == ["double_refund:W700"]  # one incident, one exception

    with pytest.raises(InvalidInput) as nothing_left:  # all of it came back (and more)
        a.engine.fetch_purchase("order", "W700")
    assert nothing_left.value.code == "order_not_returnable"
    order = a.engine.fetch_order("W700")
    assert [(ln.collected, ln.returned) for ln in order.lines] == [(3, 4), (1, 1)]
    with shop.engine.connect() as conn:
        refunds = conn.execute(select(refund_requests.c.amount, refund_requests.c.store_id,
                                      refund_requests.c.status)
                               .order_by(refund_requests.c.id)).all()
        (detail,) = [json.loads(d) for d in conn.execute(select(exceptions.c.detail)).scalars()]
    assert [tuple(r) for r in refunds] == [(5990, "S2", "requested"), (667, "S1", "requested"),
                                           (667, "S1", "held")]  # the duplicate waits
    assert (detail["returned_before"], detail["qty"], detail["offline"]) == (2, 2, True)
    [over] = detail["over_payment"]
    assert (over["kind"], over["reference"], over["over"]) == ("web", "ALI-700",
                                                               5990 + 667 + 667 - 6990)
    assert detail["held_refund"] == 667
    payable = shop.http.get("/v1/admin/refund-requests", headers=shop.admin).json()
    assert [r["amount"] for r in payable["requests"]] == [5990, 667]  # not the held one
    assert level(shop, "S1", MILK) == 100 - 3 + 2 + 2
    assert level(shop, "S1", RICE) == 10 - 1 and level(shop, "S2", RICE) == 1


def delivery(order_no: str, **changes):
    return {"order_no": order_no, "fulfilment": "delivery", "customer_name": "陈静",
            "customer_phone": "13900003333", "currency": "CNY",
            "lines": [{"sku": "100001", "qty": 3, "unit_price": 350, "discount": 50},
                      {"sku": "100004", "qty": 1, "unit_price": 5990}],
            "payments": [{"kind": "online", "amount": 6990, "method": "alipay",
                          "reference": "ALI-800"}], **changes}


def test_a_delivery_and_another_stores_order_come_back_through_the_purchase_only(
        stores, tmp_path):
    shop = stores
    shop.admin_post("/orders", {"orders": [delivery("D800")]})
    b = Till(shop, tmp_path, "S2", "b")
    for ref in ("D800", "W700"):  # neither is S2's to hand over: no till of S2 reads them
        with pytest.raises(InvalidInput) as other:
            b.engine.fetch_order(ref)
        assert other.value.code == "order_other_store"
        with pytest.raises(InvalidInput) as early:  # nor returns them: nothing to bring back
            b.engine.fetch_purchase("order", ref)
        assert early.value.code == "order_not_returnable"
    shop.admin_post("/orders", {"orders": [delivery("D800", status="delivered")]})
    purchase = b.engine.fetch_purchase("order", "D800")
    assert (purchase.customer_name, purchase.customer_phone_last4) == ("陈**", "3333")
    assert "13900003333" not in purchase.model_dump_json()
    assert [(ln.received, ln.returnable) for ln in purchase.lines] == [(3, 3), (1, 1)]
    done = b.return_online("order", "D800", {2: 1})
    assert [(t.kind, t.amount.minor, t.reference) for t in done.tenders] == [
        ("web", 5990, "ALI-800")]
    assert b.engine.run_once().pushed == 1
    again = b.engine.fetch_purchase("order", "D800")
    assert [ln.returnable for ln in again.lines] == [3, 0]
    with Store.open(b.db) as store:  # the till keeps no copy of an order it does not hand over
        assert store.conn.execute("SELECT count(*) FROM web_orders").fetchone() == (0,)


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


@pytest.mark.parametrize("how", ["approved at the till", "refused at the central's CLI",
                                 "approved through the admin API"])
def test_two_offline_tills_refunding_the_last_unit_file_one_exception_and_hold_the_second(
        stores, tmp_path, database_url, capsys, how):
    shop = stores
    a, a2 = Till(shop, tmp_path, "S1", "a"), Till(shop, tmp_path, "S1", "a2")
    a.hand_over({1: 3, 2: 1})
    assert a.engine.run_once().pushed == 1
    with Store.open(a2.db) as store, store.write():
        OrderBook(store.conn, a2.clock).keep(a2.engine.fetch_order("W700"))
    for till in (a, a2):  # both away from the central: each refunds the one bag of rice
        assert till.return_offline("W700", {2: 1}).total.minor == 5990
    assert a.engine.run_once().exceptions == []
    assert a2.engine.run_once().exceptions == ["double_refund:W700"]

    def requests(status):
        r = shop.http.get("/v1/admin/refund-requests", headers=shop.admin,
                          params={"status": status})
        assert r.status_code == 200, r.text
        return [(q["amount"], q["status"]) for q in r.json()["requests"]]

    assert requests("requested") == [(5990, "requested")]  # the web shop pays out one
    assert requests("held") == [(5990, "held")]
    held_id = shop.http.get("/v1/admin/refund-requests", headers=shop.admin,
                            params={"status": "held"}).json()["requests"][0]["id"]
    paid = shop.http.post(f"/v1/admin/refund-requests/{held_id}/done", headers=shop.admin)
    assert paid.status_code == 409 and paid.json()["error"] == "refund_request_not_payable"
    (exc,) = shop.http.get("/v1/admin/exceptions", headers=shop.admin).json()
    assert (exc["kind"], exc["count"], exc["held_refund"]) == ("double_refund", 1, 5990)
    till = a.engine
    no_decision = shop.http.post(f"/v1/admin/exceptions/{exc['id']}/resolve",
                                 json={"comment": "looked at it"}, headers=shop.admin)
    assert no_decision.status_code == 409
    assert no_decision.json()["error"] == "refund_decision_required"
    assert requests("held") == [(5990, "held")]  # nothing changed

    if how == "approved at the till":
        done = till.resolve_exception(exc["id"], "the customer returned two bags", 9001,
                                      refund="approve")
        assert done.status == "resolved" and done.held_refund == 0
        assert requests("requested") == [(5990, "requested"), (5990, "requested")]
    elif how == "refused at the central's CLI":
        capsys.readouterr()
        assert central_cli(["--database", database_url, "exceptions"]) == 0
        listed = capsys.readouterr().out
        assert "double_refund" in listed and "held refund 59.90" in listed
        assert central_cli(["--database", database_url, "resolve-exception", str(exc["id"]),
                            "--comment", "one bag came back: refused"]) == 1
        assert "--refund approve or --refund refuse" in capsys.readouterr().err
        assert central_cli(["--database", database_url, "resolve-exception", str(exc["id"]),
                            "--comment", "one bag came back: refused",
                            "--refund", "refuse"]) == 0
        assert requests("requested") == [(5990, "requested")]
        assert requests("refused") == [(5990, "refused")]
    else:
        done = shop.admin_post(f"/exceptions/{exc['id']}/resolve",
                               {"comment": "both bags came back", "refund": "approve"})
        assert done["status"] == "resolved"
        assert requests("requested") == [(5990, "requested"), (5990, "requested")]
    assert requests("held") == []
    assert shop.http.get("/v1/admin/exceptions", headers=shop.admin).json() == []


def test_a_third_offline_refund_of_the_same_unit_joins_the_open_exception(stores, tmp_path):
    shop = stores
    tills = [Till(shop, tmp_path, "S1", name) for name in ("a", "a2", "a3")]
    tills[0].hand_over({1: 3, 2: 1})
    assert tills[0].engine.run_once().pushed == 1
    for till in tills[1:]:
        with Store.open(till.db) as store, store.write():
            OrderBook(store.conn, till.clock).keep(till.engine.fetch_order("W700"))
    for till in tills:
        till.return_offline("W700", {2: 1})
    labels = [till.engine.run_once().exceptions for till in tills]
    assert labels == [[], ["double_refund:W700"], ["double_refund:W700"]]
    (exc,) = shop.http.get("/v1/admin/exceptions", headers=shop.admin).json()
    assert (exc["count"], exc["held_refund"], len(exc["events"])) == (2, 2 * 5990, 2)
    assert exc["detail"]["returned_before"] == 2  # the latest event's detail
    shop.admin_post(f"/exceptions/{exc['id']}/resolve",
                    {"comment": "one bag came back", "refund": "refuse"})
    with shop.engine.connect() as conn:
        assert conn.execute(select(refund_requests.c.status).order_by(
            refund_requests.c.id)).scalars().all() == ["requested", "refused", "refused"]
