"""Checkout on a real database file: scanning, discounts, tenders, and the one transaction."""

from __future__ import annotations

import json
import sqlite3

import pytest
from till_kit import APPLE_PLU, BREAD, GUM, MILK, RICE

from posclient.app.checkout import Checkout
from posclient.app.staff import Approval
from posclient.devices.payment import PaymentStatus, SimulatedPaymentTerminal
from posclient.domain.barcode import DEFAULT_SCALE_RULES
from posclient.domain.cart import Discount
from posclient.domain.errors import (
    ApprovalRequired,
    AuthError,
    InvalidInput,
    NotFound,
    PaymentError,
    PermissionDenied,
)
from posclient.domain.money import Money

WEIGHT_RULE, PRICE_RULE = DEFAULT_SCALE_RULES


def cny(minor: int) -> Money:
    return Money(minor, "CNY")


def checkout(till, staff_id=1001, pin="1111", outcomes=()) -> Checkout:
    session = till.staff.login(staff_id, pin)
    return Checkout(till.store, till.staff, session, clock=till.clock,
                    payments=SimulatedPaymentTerminal(outcomes))


def count(till, table: str) -> int:
    return till.store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


BUSINESS_TABLES = ("sales", "sale_lines", "sale_tenders", "sale_taxes", "stock_movements",
                   "outbox", "counters")


def snapshot(till) -> dict[str, int]:
    return {t: count(till, t) for t in BUSINESS_TABLES}


# -- scanning ----------------------------------------------------------------------------------

def test_scanning_ean13_upca_and_ean8_adds_priced_lines(till):
    co = checkout(till)
    co.scan(MILK)
    co.scan(BREAD)
    co.scan(GUM)
    assert [ln.item.sku for ln in co.cart.active_lines] == ["100001", "100002", "100003"]
    assert co.totals().total == cny(1250 + 800 + 350)


def test_upca_scanned_as_its_ean13_form_is_the_same_item(till):
    co = checkout(till)
    co.scan("0" + BREAD)
    assert co.cart.active_lines[0].item.sku == "100002"


def test_repeat_scans_add_to_the_same_line(till):
    co = checkout(till)
    co.scan(MILK)
    co.scan(MILK, 2)
    assert len(co.cart.active_lines) == 1 and co.cart.active_lines[0].qty == 3


def test_weight_label_adds_a_weighed_line_priced_per_kg(till):
    co = checkout(till)
    line = co.scan(WEIGHT_RULE.encode("21", APPLE_PLU, 1234))
    assert line.qty == 1234
    assert co.totals().total == cny(1972)  # 15.98/kg * 1.234 kg = 19.7193 -> 19.72


def test_price_label_adds_a_line_at_the_printed_price(till):
    co = checkout(till)
    co.scan(PRICE_RULE.encode("23", APPLE_PLU, 888))
    assert co.totals().total == cny(888)


def test_scanning_by_item_number(till):
    co = checkout(till)
    co.scan("100005")
    assert co.cart.active_lines[0].item.name_en == "Wuchang Rice 5kg"


@pytest.mark.parametrize(("code", "error", "code_name"), [
    ("6909999999996", NotFound, "barcode_unknown"),  # valid check digit, not in catalogue
    ("6901234567893", InvalidInput, "barcode_check_digit"),  # wrong check digit
    ("12345", InvalidInput, "barcode_malformed"),
    ("", InvalidInput, "barcode_empty"),
    ("no-such-sku", NotFound, "barcode_unknown"),
    (WEIGHT_RULE.encode("21", "99999", 500), NotFound, "barcode_unknown"),
])
def test_bad_scans_are_refused_with_a_clear_message_and_change_nothing(
        till, code, error, code_name):
    co = checkout(till)
    co.scan(MILK)
    before = co.cart.to_dict()
    with pytest.raises(error) as exc:
        co.scan(code)
    assert exc.value.code == code_name
    assert str(exc.value)
    assert co.cart.to_dict() == before


def test_weight_label_for_an_item_sold_by_the_unit_is_refused(till):
    co = checkout(till)
    till.store.conn.execute("UPDATE products SET plu = '00009' WHERE id = 1")
    with pytest.raises(InvalidInput, match="sold by the unit"):
        co.scan(WEIGHT_RULE.encode("21", "00009", 500))


@pytest.mark.parametrize(("qty", "message"), [
    (0, "at least 1"), (-2, "at least 1"), (10_000, "more than the 9999"),
])
def test_absurd_quantities_are_refused(till, qty, message):
    co = checkout(till)
    with pytest.raises(InvalidInput, match=message):
        co.scan(MILK, qty)
    assert co.cart.is_empty


def test_weight_over_50_kg_is_refused(till):
    co = checkout(till)
    with pytest.raises(InvalidInput, match="50 kg"):
        co.scan(WEIGHT_RULE.encode("21", APPLE_PLU, 50_001))
    assert co.cart.is_empty


def test_discontinued_item_is_refused(till):
    co = checkout(till)
    with pytest.raises(InvalidInput, match="no longer sold"):
        co.scan("100006")


def test_future_price_switches_on_at_its_time_without_a_network(till, clock):
    start = int(clock.now().timestamp()) + 3600
    till.store.conn.execute(
        "INSERT INTO prices (product_id, amount, valid_from) VALUES (1, 990, ?)", (start,))
    co = checkout(till)
    co.scan(MILK)
    assert co.totals().total == cny(1250)
    co.void_sale()
    clock.advance(hours=1)
    till.staff.unlock_session(co.session, "1111")  # an hour idle locked the till
    co.scan(MILK)
    assert co.totals().total == cny(990)


# -- discounts, overrides, voids -----------------------------------------------------------------

def test_cashier_may_give_up_to_ten_percent_without_approval(till):
    co = checkout(till)
    co.scan(MILK)
    co.discount_basket(Discount.percent(1000))
    assert co.totals().total == cny(1125)


def test_discount_over_the_limit_needs_a_supervisor_and_records_who_approved(till):
    co = checkout(till)
    co.scan(MILK)
    with pytest.raises(ApprovalRequired):
        co.discount_basket(Discount.percent(2000))
    assert co.totals().total == cny(1250)
    co.discount_basket(Discount.percent(2000), Approval(2001, "2222"))
    assert co.totals().total == cny(1000)
    row = till.store.conn.execute(
        "SELECT staff_id, approved_by FROM audit_log WHERE action = 'basket_discount'"
    ).fetchone()
    assert row == (1001, 2001)


def test_amount_discount_over_limit_also_needs_approval(till):
    co = checkout(till)
    co.scan(BREAD)  # 8.00: 10% is 0.80
    with pytest.raises(ApprovalRequired):
        co.discount_line(1, Discount.amount(100))
    co.discount_line(1, Discount.amount(80))
    assert co.totals().total == cny(720)


def test_price_override_needs_a_supervisor_and_a_reason(till):
    co = checkout(till)
    co.scan(MILK)
    with pytest.raises(InvalidInput, match="reason"):
        co.override_price(1, cny(1000), "")
    with pytest.raises(ApprovalRequired):
        co.override_price(1, cny(1000), "damaged box")
    with pytest.raises(PermissionDenied):
        co.override_price(1, cny(1000), "damaged box", Approval(1002, "1212"))
    co.override_price(1, cny(1000), "damaged box", Approval(2001, "2222"))
    assert co.totals().total == cny(1000)


def test_negative_override_is_refused_before_asking_for_approval(till):
    co = checkout(till)
    co.scan(MILK)
    with pytest.raises(InvalidInput, match="negative"):
        co.override_price(1, cny(-5), "oops")


def test_void_line_before_payment_is_allowed_and_audited(till):
    co = checkout(till)
    co.scan(MILK)
    co.scan(BREAD)
    co.void_line(1)
    assert co.totals().total == cny(800)
    assert till.store.conn.execute(
        "SELECT count(*) FROM audit_log WHERE action = 'void_line'").fetchone()[0] == 1


def test_voiding_a_paid_line_needs_a_supervisor(till):
    co = checkout(till)
    co.scan(MILK)
    co.scan(BREAD)
    co.pay_cash(cny(500))
    with pytest.raises(ApprovalRequired):
        co.void_line(2)
    co.void_line(2, Approval(2001, "2222"))
    assert co.totals().total == cny(1250)


def test_a_line_cannot_be_voided_below_what_was_paid(till):
    co = checkout(till)
    co.scan(MILK)
    co.scan(BREAD)
    co.pay_card(cny(2000))
    with pytest.raises(InvalidInput, match="below what was already paid"):
        co.void_line(1, Approval(2001, "2222"))


def test_void_sale_reverses_approved_card_payments(till):
    terminal = SimulatedPaymentTerminal()
    session = till.staff.login(1001, "1111")
    co = Checkout(till.store, till.staff, session, clock=till.clock, payments=terminal)
    co.scan(MILK)
    tender = co.pay_card(cny(500))
    co.void_sale()
    assert terminal.reversed == [tender.reference]
    assert co.cart.is_empty
    assert till.store.conn.execute(
        "SELECT status FROM payment_journal").fetchone()[0] == "reversed"


# -- suspend / resume ----------------------------------------------------------------------------

def test_suspend_and_resume_restore_the_same_sale(till):
    co = checkout(till)
    co.scan(MILK, 2)
    co.scan(WEIGHT_RULE.encode("21", APPLE_PLU, 500))
    co.discount_basket(Discount.percent(500))
    before = co.totals()
    sid = co.suspend("customer fetching milk")
    assert co.cart.is_empty
    co.scan(GUM)
    co.pay_cash(cny(350))
    co.complete()
    co.resume(sid)
    assert co.totals() == before
    assert co.suspended() == []


def test_suspended_sale_survives_a_restart(till):
    co = checkout(till)
    co.scan(RICE)
    sid = co.suspend()
    co2 = checkout(till, 1002, "1212")
    assert [s.id for s in co2.suspended()] == [sid]
    co2.resume(sid)
    assert co2.totals().total == cny(5990)


def test_resume_refuses_while_a_sale_is_open(till):
    co = checkout(till)
    co.scan(MILK)
    sid = co.suspend()
    co.scan(BREAD)
    with pytest.raises(InvalidInput, match="Finish or suspend"):
        co.resume(sid)


# -- tenders -------------------------------------------------------------------------------------

def test_cash_with_change(till):
    co = checkout(till)
    co.scan(MILK, 3)
    co.pay_cash(cny(5000))
    done = co.complete()
    assert done.change == cny(1250)


def test_cash_rounding_to_ten_fen_is_recorded_on_the_sale(till):
    till.store.conn.execute(
        "UPDATE settings SET value = '10' WHERE key = 'cash_increment'")
    co = checkout(till)
    co.scan(WEIGHT_RULE.encode("21", APPLE_PLU, 1234))  # 19.72
    co.pay_cash(cny(2000))
    done = co.complete()
    assert done.rounding == cny(-2)  # 19.72 -> 19.70
    assert done.change == cny(30)
    sale = till.store.conn.execute("SELECT total, rounding, paid, change_given FROM sales"
                                   ).fetchone()
    assert sale == (1972, -2, 1970, 30)


def test_split_payment_card_then_cash(till):
    co = checkout(till)
    co.scan(RICE)  # 59.90
    co.pay_card(cny(4000))
    co.pay_cash(cny(2000))
    done = co.complete()
    assert [t.kind.value for t in done.tenders] == ["card", "cash"]
    assert done.change == cny(10)
    assert till.store.conn.execute(
        "SELECT status, sale_id FROM payment_journal").fetchone() == ("captured", done.sale_id)


def test_declined_card_takes_nothing_and_says_so(till):
    co = checkout(till, outcomes=[PaymentStatus.DECLINED])
    co.scan(MILK)
    with pytest.raises(PaymentError, match="declined") as exc:
        co.pay_card()
    assert exc.value.code == "card_declined"
    assert co.payment.paid == cny(0)
    co.pay_card()  # the next attempt is approved
    assert co.payment.is_settled


def test_card_terminal_timeout_is_reported_and_takes_nothing(till):
    co = checkout(till, outcomes=[PaymentStatus.TIMEOUT])
    co.scan(MILK)
    with pytest.raises(PaymentError, match="did not answer"):
        co.pay_card()
    assert co.payment.paid == cny(0)
    assert till.store.conn.execute("SELECT status FROM payment_journal").fetchone()[0] == \
        "timeout"


def test_card_for_more_than_is_due_is_refused(till):
    co = checkout(till)
    co.scan(MILK)
    with pytest.raises(InvalidInput) as exc:
        co.pay_card(cny(2000))
    assert exc.value.code == "tender_over_due"
    assert count(till, "payment_journal") == 0


def test_store_credit_pays_and_its_balance_goes_down_with_the_sale(till):
    co = checkout(till)
    co.scan(MILK, 2)
    co.pay_store_credit("GC-1001")
    co.complete()
    assert till.store.conn.execute(
        "SELECT balance FROM store_credit WHERE account = 'GC-1001'").fetchone()[0] == 2500


def test_store_credit_beyond_its_balance_is_refused(till):
    co = checkout(till)
    co.scan(RICE)
    with pytest.raises(InvalidInput, match=r"only 50\.00 left"):
        co.pay_store_credit("GC-1001", cny(5990))
    with pytest.raises(NotFound):
        co.pay_store_credit("GC-0000", cny(100))


def test_a_tender_that_does_not_cover_the_total_cannot_complete_and_changes_nothing(till):
    co = checkout(till)
    co.scan(RICE)
    co.pay_cash(cny(5000))
    before = snapshot(till)
    with pytest.raises(InvalidInput, match=r"9\.90 is still due"):
        co.complete()
    assert snapshot(till) == before


def test_paying_an_empty_sale_is_refused(till):
    co = checkout(till)
    with pytest.raises(InvalidInput, match="Scan an item first"):
        co.pay_cash(cny(100))


# -- the one transaction ---------------------------------------------------------------------------

def test_completing_a_sale_writes_everything_in_one_transaction(till):
    co = checkout(till)
    co.scan(MILK, 2)
    co.scan(WEIGHT_RULE.encode("21", APPLE_PLU, 750))
    co.pay_cash(cny(5000))
    done = co.complete()
    c = till.store.conn
    assert c.execute("SELECT receipt_no, total, status FROM sales").fetchone() == (
        "S001-T01-000001", 2500 + 1199, "completed")
    assert count(till, "sale_lines") == 2
    assert count(till, "sale_taxes") == 2
    assert c.execute("SELECT product_id, qty_delta FROM stock_movements ORDER BY product_id"
                     ).fetchall() == [(1, -2), (4, -750)]
    event = c.execute("SELECT terminal_seq, event_id, type, payload, status FROM outbox"
                      ).fetchone()
    assert event[:3] == (1, done.event_id, "sale") and event[4] == "pending"
    payload = json.loads(event[3])
    assert payload["receipt_no"] == "S001-T01-000001"
    assert payload["total"] == 3699
    assert [ln["qty"] for ln in payload["lines"]] == [2, 750]


def test_stock_at_the_till_includes_unsent_movements(till):
    co = checkout(till)
    co.scan(MILK, 3)
    co.pay_cash(cny(5000))
    co.complete()
    from posclient.store.catalog import Catalog
    assert Catalog(till.store.conn).stock(1) == 97


def test_receipt_numbers_and_terminal_seq_are_gap_free(till):
    co = checkout(till)
    for _ in range(5):
        co.scan(GUM)
        co.pay_cash(cny(350))
        co.complete()
    c = till.store.conn
    assert [r[0] for r in c.execute("SELECT terminal_sale_no FROM sales ORDER BY id")] == \
        [1, 2, 3, 4, 5]
    assert [r[0] for r in c.execute("SELECT terminal_seq FROM outbox ORDER BY 1")] == \
        [1, 2, 3, 4, 5]


def test_a_failure_inside_the_commit_leaves_no_trace(till):
    """If any write of the sale fails, none of it is kept (and the counters do not move)."""
    co = checkout(till)
    co.scan(MILK)
    co.pay_cash(cny(2000))
    before = snapshot(till)
    till.store.conn.execute(
        "CREATE TRIGGER fail_outbox BEFORE INSERT ON outbox "
        "BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    with pytest.raises(sqlite3.IntegrityError):
        co.complete()
    assert snapshot(till) == before
    till.store.conn.execute("DROP TRIGGER fail_outbox")
    done = co.complete()  # the cart and payment are still there: try again
    assert done.receipt_no == "S001-T01-000001"


def test_idle_till_refuses_to_sell_until_unlocked(till, clock):
    co = checkout(till)
    co.scan(MILK)
    clock.advance(minutes=6)
    with pytest.raises(AuthError, match="locked"):
        co.scan(MILK)
    till.staff.unlock_session(co.session, "1111")
    co.scan(MILK)
    assert co.cart.active_lines[0].qty == 2


# -- no sale ---------------------------------------------------------------------------------------

class CountingDrawer:
    def __init__(self) -> None:
        self.opened = 0

    def open(self) -> None:
        self.opened += 1


def test_no_sale_needs_a_supervisor_a_reason_and_is_audited_before_the_drawer_opens(till):
    co = checkout(till)
    drawer = CountingDrawer()
    with pytest.raises(InvalidInput, match="reason"):
        co.no_sale(drawer, " ")
    with pytest.raises(ApprovalRequired):
        co.no_sale(drawer, "change for the float")
    assert drawer.opened == 0
    co.no_sale(drawer, "change for the float", Approval(2001, "2222"))
    assert drawer.opened == 1
    assert till.store.conn.execute(
        "SELECT staff_id, approved_by FROM audit_log WHERE action = 'no_sale'").fetchone() == \
        (1001, 2001)


def test_no_sale_is_refused_during_a_sale(till):
    co = checkout(till, 2001, "2222")
    co.scan(MILK)
    with pytest.raises(InvalidInput, match="Finish or suspend"):
        co.no_sale(CountingDrawer(), "change")
