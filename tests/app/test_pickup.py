"""Handing over a web order at the till: the order's lines at the order's prices, what the web
payment covers tendered as 'web', only the rest due; partial pick-ups over several visits add up
exactly; one durable transaction with its 'pickup' event; every refusal changes nothing."""

from __future__ import annotations

import json
import uuid

import pytest
from orders_kit import CODE, order

from posclient.app.checkout import Checkout
from posclient.app.orders import OrderBook
from posclient.app.staff import Approval
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.errors import ApprovalRequired, InvalidInput, NotFound
from posclient.domain.money import Money
from posclient.domain.tender import TenderKind
from sync.protocol import OrderData, pickup_code_phc


@pytest.fixture
def desk(till):
    session = till.staff.login(1001, "1111")
    co = Checkout(till.store, till.staff, session, clock=till.clock,
                  payments=SimulatedPaymentTerminal())
    book = OrderBook(till.store.conn, till.clock)
    return co, book


def keep(till_store, book: OrderBook, o: OrderData) -> None:
    with till_store.write():
        book.keep(o)


def test_a_paid_order_is_handed_over_whole_with_nothing_to_pay(till, desk):
    co, book = desk
    keep(till.store, book, order())
    view = book.view("W1001")
    handover = co.start_pickup(view, {1: 3, 2: 1}, code=" 7q4k2m ")
    assert (handover.goods, handover.covered, handover.due) == (9640, 9640, 0)
    assert co.totals().total == Money(9640, "CNY")
    assert [(t.kind, t.amount.minor) for t in co.payment.tenders] == [(TenderKind.WEB, 9640)]
    done = co.complete()
    conn = till.store.conn
    kind, order_no, paid = conn.execute(
        "SELECT kind, order_no, paid FROM sales WHERE id = ?", (done.sale_id,)).fetchone()
    assert (kind, order_no, paid) == ("pickup", "W1001", 9640)
    assert conn.execute("SELECT order_line_no, qty, line_discount, total FROM sale_lines "
                        "WHERE sale_id = ? ORDER BY line_no", (done.sale_id,)).fetchall() == [
        (1, 3, 100, 3650), (2, 1, 0, 5990)]
    event_type, payload = conn.execute(
        "SELECT type, payload FROM outbox WHERE event_id = ?", (done.event_id,)).fetchone()
    body = json.loads(payload)
    assert event_type == "pickup" and body["order_no"] == "W1001"
    assert [(ln["order_line_no"], ln["qty"]) for ln in body["lines"]] == [(1, 3), (2, 1)]
    assert body["without_code"] is False
    assert conn.execute("SELECT qty_delta FROM stock_movements WHERE event_id = ? "
                        "ORDER BY product_id", (done.event_id,)).fetchall() == [(-3,), (-1,)]
    assert book.view("W1001").fully_collected  # this till's own pick-up counts at once
    with pytest.raises(InvalidInput) as again:
        co.start_pickup(book.view("W1001"), {1: 1}, code=CODE)
    assert again.value.code == "pickup_qty_invalid"


def test_two_visits_pay_the_rest_at_the_second_and_add_up_exactly(till, desk):
    co, book = desk
    part_paid = order(payments=[{"kind": "online", "amount": 2000},
                                {"kind": "at_pickup", "amount": 7640}], paid=2000)
    keep(till.store, book, part_paid)
    first = co.start_pickup(book.view("W1001"), {1: 2}, code=CODE)
    # two of three milks: round(3650 * 2 / 3) = 2433; 2000 paid online covers most of it
    assert (first.goods, first.covered, first.due) == (2433, 2000, 433)
    co.pay_cash(Money(500, "CNY"))
    sale1 = co.complete()
    assert sale1.change == Money(67, "CNY")
    view = book.view("W1001")
    assert (view.collected, view.paid_at_pickup) == ({1: 2, 2: 0}, 433)
    second = co.start_pickup(view, {1: 1, 2: 1}, code=CODE)
    assert (second.goods, second.covered, second.due) == (1217 + 5990, 0, 7207)
    co.pay_card()
    co.complete()
    totals = till.store.conn.execute(
        "SELECT sum(l.total) FROM sale_lines l JOIN sales s ON s.id = l.sale_id "
        "WHERE s.order_no = 'W1001'").fetchone()[0]
    assert totals == 9640  # the visits add up to the order, to the cent
    taken = till.store.conn.execute(
        "SELECT sum(t.amount) FROM sale_tenders t JOIN sales s ON s.id = t.sale_id "
        "WHERE s.order_no = 'W1001' AND t.kind != 'web'").fetchone()[0]
    assert taken == 7640  # exactly what was to pay at pick-up


def test_the_centrals_copy_counts_this_tills_pickup_once(till, desk):
    co, book = desk
    keep(till.store, book, order())
    done = co.start_pickup(book.view("W1001"), {1: 1}, code=CODE) and co.complete()
    counted = order(lines=[
        {"line_no": 1, "product_id": 1, "sku": "100001", "qty": 3, "unit_price": 1250,
         "discount": 100, "total": 3650, "collected": 1},
        {"line_no": 2, "product_id": 5, "sku": "100005", "qty": 1, "unit_price": 5990,
         "total": 5990}], status="partly_collected", applied_events=[done.event_id])
    keep(till.store, book, counted)  # the central's copy, which includes the pick-up
    assert book.view("W1001").collected == {1: 1, 2: 0}
    keep(till.store, book, order())  # an older copy that does not: the till adds its own
    assert book.view("W1001").collected == {1: 1, 2: 0}


def test_refusals_change_nothing(till, desk):
    co, book = desk
    keep(till.store, book, order())
    view = book.view("W1001")
    cases = [
        (lambda: co.start_pickup(view, {1: 1}, code="WRONG1"), "pickup_code_wrong"),
        (lambda: co.start_pickup(view, {1: 4}, code=CODE), "pickup_qty_invalid"),
        (lambda: co.start_pickup(view, {1: -1}, code=CODE), "pickup_qty_invalid"),
        (lambda: co.start_pickup(view, {}, code=CODE), "pickup_empty"),
        (lambda: co.start_pickup(view, {9: 1}, code=CODE), "order_line_unknown"),
    ]
    for o, code in ((order(status="cancelled"), "order_cancelled"),
                    (order(store_id="S002"), "order_other_store"),
                    (order(fulfilment="delivery", store_id=None), "order_not_pickup")):
        cases.append((lambda o=o: co.start_pickup(book_view(book, till, o), {1: 1}, code=CODE),
                      code))
    for attempt, code in cases:
        with pytest.raises((InvalidInput, NotFound)) as err:
            attempt()
        assert err.value.code == code
        assert co.cart.is_empty and not co.payment.tenders and co.pickup is None
    with pytest.raises(ApprovalRequired):  # no code: a supervisor decides
        co.start_pickup(book.view("W1001"), {1: 1})
    co.start_pickup(book.view("W1001"), {1: 1}, approval=Approval(2001, "2222"))
    for change in (lambda: co.scan("6901234567892"), lambda: co.suspend(),
                   lambda: co.set_qty(co.cart.lines[0].line_id, 2)):
        with pytest.raises(InvalidInput) as locked:
            change()
        assert locked.value.code == "pickup_locked"
    done = co.complete()
    without_code, approved_by = till.store.conn.execute(
        "SELECT json_extract(detail, '$.without_code'), approved_by FROM audit_log "
        "WHERE action = 'order_pickup'").fetchone()
    assert (without_code, approved_by) == (1, 2001) and done.receipt_no


def test_voiding_a_pickup_leaves_the_order_open(till, desk):
    co, book = desk
    keep(till.store, book, order())
    co.start_pickup(book.view("W1001"), {1: 3}, code=CODE)
    co.void_sale()
    assert co.pickup is None and co.cart.is_empty
    assert book.view("W1001").open_qty(1) == 3
    co.scan("6901234567892")  # and the till sells on
    assert len(co.cart.lines) == 1


def book_view(book: OrderBook, till, o: OrderData):
    """The till's view of ``o`` kept under a new number (the code hash is per number)."""
    order_no = f"X{uuid.uuid4().hex[:6]}"
    with till.store.write():
        book.keep(o.model_copy(update={"order_no": order_no,
                                       "pickup_code_phc": pickup_code_phc(order_no, CODE)}))
    assert order_no in book.find(order_no)
    return book.view(order_no)
