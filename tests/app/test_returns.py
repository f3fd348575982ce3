"""Returns at the till (posclient/app/returns.py): this till's own receipts and cached web orders
offline, partial returns that add up to what the line cost, refunds back the way the purchase
was paid, the approval rules and offline limits, one transaction with its 'return' event, and
every refusal changing nothing."""

from __future__ import annotations

import dataclasses
import json

import pytest
from escpos_kit import decode
from orders_kit import CODE, order
from till_kit import BREAD, MILK

from posclient.app.checkout import Checkout
from posclient.app.orders import OrderBook
from posclient.app.receipts import Receipts
from posclient.app.returns import RefundTender, Returns
from posclient.app.staff import Approval
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.devices.printer import PrinterConfig, ReceiptPrinter
from posclient.domain.errors import ApprovalRequired, InvalidInput, NotFound, PaymentError
from posclient.domain.money import Money
from posclient.domain.policy import Action
from posclient.domain.receipt import render_text
from sync.protocol import ReturnPayload

MANAGER = Approval(3001, "3333")


def cny(minor: int) -> Money:
    return Money(minor, "CNY")


@pytest.fixture
def cashier(till):
    return till.staff.login(1001, "1111")


def returns(till, session, terminal=None, **settings) -> Returns:
    r = Returns(till.store, till.staff, session, clock=till.clock,
                payments=terminal or SimulatedPaymentTerminal())
    r.settings = dataclasses.replace(r.settings, **settings)
    return r


def sell(till, session, *, card: int = 0):
    """Milk x3 with 1.00 off the line (36.50) and a bread (8.00): 44.50, card then cash."""
    co = Checkout(till.store, till.staff, session, clock=till.clock,
                  payments=SimulatedPaymentTerminal())
    line = co.scan(MILK, 3)
    from posclient.domain.cart import Discount, DiscountKind

    co.discount_line(line.line_id, Discount(DiscountKind.AMOUNT, 100, "dented"))
    co.scan(BREAD)
    if card:
        co.pay_card(cny(card))
    co.pay_cash(cny(10000))
    return co.complete()


def counts(till) -> tuple[int, int, int]:
    c = till.store.conn
    return tuple(c.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                 for t in ("returns", "outbox", "stock_movements"))


def test_an_own_receipt_comes_back_in_parts_that_add_up_to_what_it_cost(till, cashier):
    sale = sell(till, cashier)
    r = returns(till, cashier)
    paid = []
    for _ in range(3):
        purchase = r.find_local(sale.receipt_no)
        draft = r.prepare(purchase, {1: 1}, reason="changed mind")
        assert draft.needs == (Action.RETURN_OFFLINE,)  # this till's copy: a manager approves
        paid.append(r.complete(draft, approval=MANAGER).total.minor)
    assert paid == [1217, 1216, 1217] and sum(paid) == 3650  # round(3650 * n / 3), half up
    with pytest.raises(InvalidInput) as beyond:
        r.prepare(r.find_local(sale.receipt_no), {1: 1}, reason="again")
    assert beyond.value.code == "return_beyond_returnable"
    assert r.find_local(sale.receipt_no).returnable(2) == 1  # the bread is still returnable


def test_a_return_is_one_transaction_with_its_event_stock_and_audit(till, cashier):
    sale = sell(till, cashier, card=2000)
    r = returns(till, cashier)
    draft = r.prepare(r.find_local(sale.receipt_no), {1: 2, 2: 1}, reason="faulty",
                      conditions={2: "damaged"})
    assert [(t.kind, t.amount.minor) for t in r.refund_plan(draft)] == [
        ("card", 2000), ("cash", 2433 + 800 - 2000)]  # back to the card first, the rest cash
    done = r.complete(draft, approval=MANAGER)
    assert done.return_no == "S001-T01-R000001" and done.cash == cny(1233)
    conn = till.store.conn
    kind, payload = conn.execute("SELECT type, payload FROM outbox WHERE event_id = ?",
                                 (done.event_id,)).fetchone()
    body = ReturnPayload.model_validate(json.loads(payload))
    assert kind == "return" and body.source_ref == sale.receipt_no
    assert body.reservation_id is None and body.total == 3233  # offline: no reservation
    assert [(ln.source_line, ln.qty, ln.amount, ln.condition) for ln in body.lines] == [
        (1, 2, 2433, "restock"), (2, 1, 800, "damaged")]
    assert conn.execute("SELECT product_id, qty_delta, reason FROM stock_movements WHERE "
                        "event_id = ? ORDER BY id", (done.event_id,)).fetchall() == [
        (1, 2, "return"), (2, 1, "return"), (2, -1, "damaged")]
    assert conn.execute("SELECT amount, status FROM payment_journal WHERE amount < 0"
                        ).fetchall() == [(-2000, "captured")]
    action, approved_by, detail = conn.execute(
        "SELECT action, approved_by, detail FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    assert (action, approved_by) == ("refund", 3001)
    assert json.loads(detail)["return_no"] == done.return_no


def test_refusals_change_nothing(till, cashier):
    sale = sell(till, cashier, card=1000)
    r = returns(till, cashier)
    purchase = r.find_local(sale.receipt_no)
    before = counts(till)
    with pytest.raises(ApprovalRequired):  # a cashier alone cannot refund offline
        r.complete(r.prepare(purchase, {2: 1}, reason="x"))
    with pytest.raises(InvalidInput) as no_reason:
        r.prepare(purchase, {2: 1}, reason="  ")
    assert no_reason.value.code == "reason_required"
    with pytest.raises(InvalidInput) as negative:
        r.prepare(purchase, {2: -1}, reason="x")
    assert negative.value.code == "return_beyond_returnable"
    with pytest.raises(InvalidInput) as empty:
        r.prepare(purchase, {1: 0}, reason="x")
    assert empty.value.code == "return_empty"
    with pytest.raises(InvalidInput) as condition:
        r.prepare(purchase, {2: 1}, reason="x", conditions={2: "lost"})
    assert condition.value.code == "return_condition_invalid"
    draft = r.prepare(purchase, {1: 3}, reason="x")
    with pytest.raises(InvalidInput) as over_card:  # only 10.00 went on the card
        r.complete(draft, tenders=[RefundTender("card", cny(3650))], approval=MANAGER)
    assert over_card.value.code == "refund_over_tender"
    with pytest.raises(InvalidInput) as mismatch:
        r.complete(draft, tenders=[RefundTender("cash", cny(100))], approval=MANAGER)
    assert mismatch.value.code == "refund_mismatch"
    with pytest.raises(NotFound):
        r.complete(draft, tenders=[RefundTender("store_credit", cny(3650), "GC-NOPE")],
                   approval=MANAGER)
    with pytest.raises(NotFound) as unknown:
        r.find_local("S009-T09-000001")
    assert unknown.value.code == "purchase_unknown_offline"
    assert counts(till) == before


def test_a_card_the_terminal_cannot_refund_records_nothing_and_cash_can_be_given(till,
                                                                                 cashier):
    sale = sell(till, cashier, card=2000)
    r = returns(till, cashier, SimulatedPaymentTerminal(["declined"]))
    draft = r.prepare(r.find_local(sale.receipt_no), {2: 1}, reason="faulty")
    before = counts(till)
    with pytest.raises(PaymentError) as declined:
        r.complete(draft, approval=MANAGER)
    assert declined.value.code == "refund_card_failed" and counts(till) == before
    assert till.store.conn.execute("SELECT status FROM payment_journal WHERE amount < 0"
                                   ).fetchall() == [("declined",)]
    done = r.complete(draft, tenders=[RefundTender("cash", cny(800))], approval=MANAGER)
    assert done.cash == cny(800)


def test_offline_returns_are_limited_per_return_and_per_day(till, cashier):
    sale = sell(till, cashier)
    limits = {"offline_return_limit": 2100, "offline_return_daily_limit": 3000}
    r = returns(till, cashier, **limits)
    purchase = r.find_local(sale.receipt_no)
    with pytest.raises(InvalidInput) as per_return:
        r.complete(r.prepare(purchase, {1: 2, 2: 1}, reason="x"), approval=MANAGER)
    assert per_return.value.code == "return_offline_limit"
    r.complete(r.prepare(purchase, {1: 1}, reason="x"), approval=MANAGER)  # 12.17
    with pytest.raises(InvalidInput) as per_day:  # 12.17 + 12.16 + 8.00 > 30.00
        r.complete(r.prepare(r.find_local(sale.receipt_no), {1: 1, 2: 1}, reason="x"),
                   approval=MANAGER)
    assert per_day.value.code == "return_offline_daily_limit"
    till.clock.advance(days=1, seconds=1)  # a new day: the limit starts again
    r = returns(till, till.staff.login(1001, "1111"), **limits)
    r.complete(r.prepare(r.find_local(sale.receipt_no), {1: 1, 2: 1}, reason="x"),
               approval=MANAGER)


def test_a_manager_approves_big_late_and_not_returnable_returns(till, cashier):
    sale = sell(till, cashier)
    policy = {"return_approval_above": 1000, "return_window_by_category": {"bakery": 0}}
    r = returns(till, cashier, **policy)
    purchase = r.find_local(sale.receipt_no)
    assert r.prepare(purchase, {1: 1}, reason="x").needs == (
        Action.RETURN_OVER_LIMIT, Action.RETURN_OFFLINE)
    assert Action.RETURN_OUTSIDE_POLICY in r.prepare(purchase, {2: 1}, reason="x").needs
    till.clock.advance(days=31)
    r = returns(till, till.staff.login(1001, "1111"), **policy)
    assert Action.RETURN_OUTSIDE_POLICY in r.prepare(r.find_local(sale.receipt_no), {1: 1},
                                                     reason="x").needs
    supervisor = till.staff.login(2001, "2222")
    with pytest.raises(ApprovalRequired):  # a supervisor is not enough
        returns(till, supervisor).complete(
            returns(till, supervisor).prepare(purchase, {1: 1}, reason="x"))


def test_no_receipt_is_a_managers_refund_at_todays_price(till, cashier):
    r = returns(till, cashier)
    draft = r.prepare_without_receipt([(MILK, 2, "restock")], reason="gift, no receipt")
    assert draft.total == cny(2500) and draft.purchase is None
    assert Action.RETURN_WITHOUT_RECEIPT in draft.needs
    with pytest.raises(ApprovalRequired):
        r.complete(draft)
    done = r.complete(draft, approval=MANAGER)
    assert [(t.kind, t.amount.minor) for t in done.tenders] == [("cash", 2500)]
    credit = r.prepare_without_receipt([(BREAD, 1, "restock")], reason="no receipt")
    r.complete(credit, tenders=[RefundTender("store_credit", cny(800), "GC-1001")],
               approval=MANAGER)
    assert till.store.conn.execute("SELECT balance FROM store_credit WHERE account = "
                                   "'GC-1001'").fetchone()[0] == 5000 + 800


def test_a_cached_web_order_returns_what_was_collected_to_the_web_payment(till, cashier):
    book = OrderBook(till.store.conn, till.clock)
    with till.store.write():
        book.keep(order())
    co = Checkout(till.store, till.staff, cashier, clock=till.clock,
                  payments=SimulatedPaymentTerminal())
    co.start_pickup(book.view("W1001"), {1: 2}, code=CODE)
    slip = co.complete()
    r = returns(till, cashier)
    purchase = r.find_local(slip.receipt_no)  # the pick-up slip's code finds its order
    assert purchase.kind == "order" and purchase.returnable(1) == 2
    assert purchase.returnable(2) == 0  # the rice was never collected
    draft = r.prepare(purchase, {1: 2}, reason="wrong item")
    assert [(t.kind, t.amount.minor) for t in r.refund_plan(draft)] == [("web", 2433)]
    r.complete(draft, approval=MANAGER)
    assert r.find_local("W1001").returnable(1) == 0


def test_an_online_return_needs_its_reservation(till, cashier):
    sale = sell(till, cashier)
    r = returns(till, cashier)
    online = r.from_central(r.find_local(sale.receipt_no).data)
    draft = r.prepare(online, {2: 1}, reason="x")
    assert Action.RETURN_OFFLINE not in draft.needs
    with pytest.raises(InvalidInput) as not_reserved:
        r.complete(draft)
    assert not_reserved.value.code == "return_not_reserved"


def test_the_return_slip_prints_what_came_back_and_how_it_was_refunded(till, cashier):
    sale = sell(till, cashier, card=2000)
    r = returns(till, cashier)
    done = r.complete(r.prepare(r.find_local(sale.receipt_no), {1: 1, 2: 1}, reason="x",
                                conditions={2: "damaged"}), approval=MANAGER)
    slip = Receipts(till.store, till.clock).build_return(done.return_id, "zh")
    text = render_text(slip, "zh")
    assert "退货单" in text and f"原单 {sale.receipt_no}" in text and "退款合计" in text
    assert "1 (损坏)" in text and "CNY 20.17" in text
    printer = ReceiptPrinter(PrinterConfig(kind="dummy"), "zh")
    printer(slip)
    decoded = decode(printer.jobs[-1])
    assert "退货单" in decoded.text and "银行卡" in decoded.text
    en = render_text(Receipts(till.store, till.clock).build_return(done.return_id, "en"), "en")
    assert "RETURN" in en and "REFUND" in en and "Damaged" in en


def test_an_exchange_for_something_dearer_pays_the_difference_in_one_transaction(till, cashier):
    sale = sell(till, cashier)
    r = returns(till, cashier)
    draft = r.prepare(r.find_local(sale.receipt_no), {2: 1}, reason="wrong item")  # bread 8.00
    co = Checkout(till.store, till.staff, cashier, clock=till.clock,
                  payments=SimulatedPaymentTerminal())
    assert co.start_exchange(r, draft, approval=MANAGER) == cny(800)
    co.scan(MILK)  # 12.50
    assert co.payment.due == cny(450) and not co.has_payments
    co.pay_cash(cny(500))
    done = co.complete()
    ret = done.exchange
    assert ret is not None and ret.return_no == "S001-T01-R000001"
    assert [(t.kind.value, t.amount.minor, t.reference) for t in done.tenders] == [
        ("exchange", 800, ret.return_no), ("cash", 450, "")]
    assert [(t.kind, t.amount.minor, t.reference) for t in ret.tenders] == [
        ("exchange", 800, done.event_id)]
    conn = till.store.conn
    assert conn.execute("SELECT type FROM outbox WHERE terminal_seq > ? ORDER BY terminal_seq",
                        (ret.terminal_seq - 1,)).fetchall() == [("return",), ("sale",)]
    assert conn.execute("SELECT product_id, qty_delta FROM stock_movements WHERE event_id IN "
                        "(?, ?) ORDER BY id", (ret.event_id, done.event_id)).fetchall() == [
        (2, 1), (1, -1)]
    assert ReturnPayload.model_validate_json(conn.execute(
        "SELECT payload FROM outbox WHERE event_id = ?", (ret.event_id,)).fetchone()[0]
    ).tenders[0].kind == "exchange"


def test_an_exchange_for_something_cheaper_refunds_the_rest_the_way_it_was_paid(till,
                                                                                cashier):
    sale = sell(till, cashier, card=2000)
    r = returns(till, cashier)
    draft = r.prepare(r.find_local(sale.receipt_no), {1: 1}, reason="wrong size")  # 12.17
    co = Checkout(till.store, till.staff, cashier, clock=till.clock,
                  payments=SimulatedPaymentTerminal())
    co.start_exchange(r, draft, approval=MANAGER)
    co.scan("96385074")  # gum 3.50: the credit covers it
    assert co.payment.is_settled
    with pytest.raises(InvalidInput) as parked:
        co.suspend()
    assert parked.value.code == "exchange_open"
    done = co.complete()
    assert [(t.kind, t.amount.minor) for t in done.exchange.tenders] == [
        ("exchange", 350), ("card", 1217 - 350)]  # the rest back to the card
    assert [(t.kind.value, t.amount.minor) for t in done.tenders] == [("exchange", 350)]


def test_a_voided_exchange_records_nothing(till, cashier):
    sale = sell(till, cashier)
    r = returns(till, cashier)
    co = Checkout(till.store, till.staff, cashier, clock=till.clock,
                  payments=SimulatedPaymentTerminal())
    before = counts(till)
    co.start_exchange(r, r.prepare(r.find_local(sale.receipt_no), {2: 1}, reason="x"),
                      approval=MANAGER)
    co.scan(MILK)
    co.void_sale()
    assert co.exchange is None and counts(till) == before
    assert r.find_local(sale.receipt_no).returnable(2) == 1
