"""Cancelling an order placed at a till and giving its deposit back, end to end (issue 18):
store A takes a deposit for an order B holds; the customer changes their mind; a supervisor at
A cancels it online and gives the deposit back in cash. B's held units are free, B's till sees
it cancelled, a second refund is refused online, a refund sent twice offline is filed as a
double refund, and A's day at the central equals the till's own figures. Real tills and the
real central over HTTP, SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from central_kit import MILK
from test_aisle_with_central import PHONE, Till, held_at, live, other_store  # noqa: F401

from posclient.app.aisle import Aisle
from posclient.app.aisle_cancel import AisleCancel
from posclient.app.orders import OrderBook
from posclient.app.receipts import Receipts
from posclient.domain.errors import ApprovalRequired, InvalidInput, Unavailable
from posclient.domain.money import Money
from posclient.store import reports
from sync.central import feed, identity, orders, reconcile
from sync.central.schema import exceptions


@pytest.fixture
def tills(live, tmp_path, central_engine):  # noqa: F811
    url, _ = live
    with feed.transaction(central_engine, datetime.now(UTC)) as tx:
        identity.create_staff(tx, staff_id=1002, name="张伟", role="supervisor", pin="1212",
                              store_id="S1")
    made = [Till(url, tmp_path / "a.db", "S1"), Till(url, tmp_path / "b.db", "S2"),
            Till(url, tmp_path / "c.db", "S1")]
    for t in made:
        t.engine.run_once()
    yield made
    for t in made:
        t.store.close()


def deposit(a: Till, paid_now: int = 100):
    s2 = other_store(a)
    co = a.checkout(1001, "1111")
    order = Aisle(co, a.engine, a.engine).order(MILK, s2, qty=2, paid_now=paid_now,
                                                name="陈静", phone=PHONE)
    co.pay_cash(Money(paid_now, "CNY"))
    co.complete()
    assert a.engine.run_once().pushed == 1
    return order


def canceller(t: Till, staff_id: int = 1002, pin: str = "1212",
              online: bool = True) -> AisleCancel:
    return AisleCancel(t.store, t.staff, t.staff.login(staff_id, pin), clock=t.clock,
                       port=t.engine if online else None)


def test_a_deposit_is_given_back_once_and_the_day_reconciles(live, tills, central_engine):  # noqa: F811
    url, _ = live
    a, b, c = tills
    order = deposit(a)
    assert held_at(url, "S2") == 2
    b.engine.run_once()
    assert OrderBook(b.store.conn, b.clock).view(order.order_no) is not None

    with pytest.raises(ApprovalRequired):  # a cashier alone may not
        canceller(c, 1001, "1111").cancel(order.order_no, reason="customer changed mind")
    done = canceller(c).cancel(order.order_no, reason="customer changed mind")
    assert done.total == Money(100, "CNY") and done.cash == Money(100, "CNY")
    assert held_at(url, "S2") == 0  # freed at once, by the online cancellation
    raw = c.store.conn.execute("SELECT type, payload FROM outbox WHERE event_id = ?",
                               (done.event_id,)).fetchone()
    payload = json.loads(raw[1])
    assert raw[0] == "return" and payload["cancels_order"] is True
    assert payload["source_ref"] == order.order_no and payload["lines"] == []
    assert c.engine.run_once().pushed == 1

    b.engine.run_once()  # B's till gets it cancelled
    assert b.engine.fetch_order(order.order_no).status == "cancelled"
    row = b.store.conn.execute("SELECT status FROM web_orders WHERE order_no = ?",
                               (order.order_no,)).fetchone()
    assert row is not None and row[0] == "cancelled"

    for t in (a, c):  # refunding again is refused, at any till
        with pytest.raises(InvalidInput) as exc:
            canceller(t).cancel(order.order_no, reason="again")
        assert exc.value.code == "order_cancel_cancelled"
    assert "is cancelled already" in str(exc.value)

    slip = Receipts(c.store, c.clock).build_return(done.return_id, "en")
    assert any(order.order_no in ln.name and "cancelled" in ln.name for ln in slip.lines)
    assert slip.total == Money(100, "CNY")

    # The store's day at the central equals the tills' own figures, to the cent.
    day = c.clock.now().astimezone().date()
    rec = reconcile.reconciliation(central_engine, "S1", day, c.clock.now())
    tills_returns = [reports.returns_total(t.store.conn, "2000-01-01", "2100-01-01")
                     for t in (a, c)]
    assert rec.totals.returns_count == sum(r.count for r in tills_returns) == 1
    assert rec.totals.returns_total == sum(r.total for r in tills_returns) == 100
    cash_back = sum(reports.refund_tenders(t.store.conn, "2000-01-01", "2100-01-01")
                    .get("cash", 0) for t in (a, c))
    assert cash_back == 100
    assert rec.totals.tenders["cash"].refunds == 100
    assert rec.totals.tenders["cash"].sales == 100


def test_offline_the_till_refuses(live, tills):  # noqa: F811
    url, injector = live
    a, _, _ = tills
    order = deposit(a)
    with pytest.raises(Unavailable) as exc:
        canceller(a, online=False).cancel(order.order_no, reason="changed mind")
    assert exc.value.code == "order_cancel_offline"
    injector.configure(1.0, ("drop_request",))  # the network goes
    with pytest.raises(Unavailable) as exc:
        canceller(a).cancel(order.order_no, reason="changed mind")
    assert exc.value.code in ("order_cancel_offline", "central_unreachable")
    injector.heal()
    assert a.store.conn.execute("SELECT count(*) FROM returns").fetchone()[0] == 0
    assert held_at(url, "S2") == 2


class _SkippedCheck:
    """A till that gives the money back without the central's cancellation (the order as the
    central has it, already cancelled): what a second refund of the same deposit looks like."""

    def __init__(self, engine) -> None:
        self.engine = engine

    def cancel_placed_order(self, order_no: str):
        with self.engine.connect() as conn:
            return orders.read(conn, order_no, lock=False)


def test_a_second_refund_is_filed_as_a_double_refund(live, tills, central_engine):  # noqa: F811
    a, _, c = tills
    order = deposit(a)
    canceller(a).cancel(order.order_no, reason="changed mind")
    assert a.engine.run_once().pushed == 1
    twice = AisleCancel(c.store, c.staff, c.staff.login(1002, "1212"), clock=c.clock,
                        port=_SkippedCheck(central_engine))
    twice.cancel(order.order_no, reason="changed mind")
    assert c.engine.run_once().pushed == 1
    assert c.engine.run_once().pushed == 0  # sent once; a resend would be a duplicate
    with central_engine.connect() as conn:
        rows = [(r.kind, r.status) for r in conn.execute(exceptions.select())]
    assert rows.count(("double_refund", "open")) == 1
