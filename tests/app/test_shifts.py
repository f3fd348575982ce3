"""Shifts, the drawer and the X/Z reports of one till (posclient/app/shifts.py): a scripted day
whose report figures equal the sums of its events, a blind count with a manager for a large
difference, one Z per business day numbered without gaps, and refusals that change nothing."""

from __future__ import annotations

import json

import pytest
from till_kit import BREAD, MILK

from posclient.app.checkout import Checkout
from posclient.app.returns import Returns
from posclient.app.shifts import Shifts
from posclient.app.staff import Approval
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.errors import ApprovalRequired, InvalidInput
from posclient.domain.money import Money

SUPERVISOR, MANAGER = Approval(2001, "2222"), Approval(3001, "3333")
FLOAT = {10_000: 1, 2_000: 3, 1_000: 2, 500: 2, 100: 8, 50: 4}  # 200.00


def cny(minor: int) -> Money:
    return Money(minor, "CNY")


@pytest.fixture
def cashier(till):
    return till.staff.login(1001, "1111")


def shifts(till, session) -> Shifts:
    return Shifts(till.store, till.staff, session, clock=till.clock)


def sale(till, session, *codes: str, card: int = 0):
    co = Checkout(till.store, till.staff, session, clock=till.clock,
                  payments=SimulatedPaymentTerminal())
    for code in codes:
        co.scan(code)
    if card:
        co.pay_card(cny(card))
    if not co.payment.is_settled:
        co.pay_cash(co.payment.cash_due())
    return co.complete()


def events(till, kind: str) -> list[dict]:
    return [json.loads(p) for (p,) in till.store.conn.execute(
        "SELECT payload FROM outbox WHERE type = ? ORDER BY terminal_seq", (kind,))]


def test_a_day_at_the_till_adds_up_in_its_reports(till, cashier):
    sh = shifts(till, cashier)
    opened = sh.open(FLOAT)
    assert opened.float_total == cny(20_000) and opened.shift_no == 1
    sale(till, cashier, MILK, MILK)  # 25.00 cash
    sale(till, cashier, BREAD, MILK, card=2050)  # 20.50 card
    first = sale(till, cashier, BREAD)  # 8.00 cash
    r = Returns(till.store, till.staff, cashier, clock=till.clock,
                payments=SimulatedPaymentTerminal())
    r.complete(r.prepare(r.find_local(first.receipt_no), {1: 1}, reason="stale"),
               approval=MANAGER)  # 8.00 back in cash
    sh.move_cash("paid_out", cny(1500), "window cleaner", SUPERVISOR)
    sh.move_cash("safe_drop", cny(10_000), "noon drop")
    sh.move_cash("cash_in", cny(2000), "change from the bank")

    x = sh.x_report()
    assert (x.kind, x.sales_count, x.sales_total, x.returns_count, x.returns_total) == (
        "X", 3, 2500 + 2050 + 800, 1, 800)
    assert x.tenders == {"card": {"sales": 2050, "refunds": 0},
                         "cash": {"sales": 2500 + 800, "refunds": 800}}
    assert x.movements == {"cash_in": 2000, "paid_out": 1500, "safe_drop": 10_000}
    assert x.expected_cash == 20_000 + 3300 - 800 - 1500 - 10_000 + 2000
    sales = events(till, "sale")  # every figure is the sum of its events
    assert x.sales_total == sum(e["total"] for e in sales)
    assert x.taxes == [{"code": "VAT13", "rate_ppm": 130_000,
                        "net": sum(t["net"] for e in sales for t in e["taxes"]),
                        "tax": sum(t["tax"] for e in sales for t in e["taxes"])}]
    assert x.returns_total == sum(e["total"] for e in events(till, "return"))

    # blind count: 1.00 short in cash, card slips exact: within the threshold (5.00)
    counted = {10_000: 1, 2_000: 1, 500: 1, 100: 4}  # 129.00 for the expected 130.00
    done = sh.close(counted, {"card": cny(2050)})
    assert done.over_short == {"card": 0, "cash": -100}
    assert sh.current() is None
    assert events(till, "shift_close")[0]["over_short"] == {"card": 0, "cash": -100}


def test_a_count_far_off_needs_a_managers_pin_and_comment(till, cashier):
    sh = shifts(till, cashier)
    sh.open(FLOAT)
    sale(till, cashier, MILK)
    with pytest.raises(ApprovalRequired):
        sh.close({10_000: 1}, comment="counted twice")  # 112.50 short
    with pytest.raises(InvalidInput) as why:
        sh.close({10_000: 1}, approval=MANAGER)
    assert why.value.code == "variance_comment_required"
    assert sh.current() is not None  # refused: the shift is still open
    done = sh.close({10_000: 1}, comment="a 100 note missing: police report", approval=MANAGER)
    assert done.over_short["cash"] == 10_000 - 21_250
    row = till.store.conn.execute("SELECT approved_by, comment FROM shifts").fetchone()
    assert row == (3001, "a 100 note missing: police report")


def test_one_z_per_business_day_numbered_without_gaps_and_pending_events_listed(till,
                                                                                cashier):
    sh = shifts(till, cashier)
    sh.open(FLOAT)
    sale(till, cashier, MILK)
    with pytest.raises(ApprovalRequired):
        sh.z_report()
    with pytest.raises(InvalidInput) as pending:  # the sale has not reached the central
        sh.z_report(approval=MANAGER)
    assert pending.value.code == "z_pending_events"
    z1 = sh.z_report(approval=MANAGER, confirm_pending=True)
    assert z1.z_no == 1 and [e["type"] for e in z1.pending_events] == ["shift_open", "sale"]
    assert z1.sales_total == 1250
    with pytest.raises(InvalidInput) as twice:
        sh.z_report(approval=MANAGER, confirm_pending=True)
    assert twice.value.code == "z_already_done"
    assert sh.x_report().sales_count == 0  # the Z reset the day's counters

    till.clock.advance(days=1)
    manager = till.staff.login(3001, "3333")
    sh = shifts(till, manager)
    sale(till, manager, BREAD)
    z2 = sh.z_report(confirm_pending=True)  # a manager's own
    assert (z2.z_no, z2.sales_count, z2.sales_total) == (2, 1, 800)
    assert z2.from_at == z1.to_at
    assert [e["z_no"] for e in events(till, "z_report")] == [1, 2]
    assert sh.report(1).sales_total == 1250


def test_refusals_change_nothing(till, cashier):
    sh = shifts(till, cashier)
    conn = till.store.conn
    outbox = conn.execute("SELECT count(*) FROM outbox").fetchone()[0]
    with pytest.raises(InvalidInput) as closed:
        sh.move_cash("cash_in", cny(100), "float top-up")
    assert closed.value.code == "shift_not_open"
    with pytest.raises(InvalidInput) as coin:
        sh.open({30: 1})  # no 0.30 coin
    assert coin.value.code == "denomination_unknown"
    with pytest.raises(InvalidInput):
        sh.open({100: -1})
    sh.open(FLOAT)
    with pytest.raises(InvalidInput) as again:
        sh.open(FLOAT)
    assert again.value.code == "shift_already_open"
    with pytest.raises(ApprovalRequired):
        sh.move_cash("paid_out", cny(100), "coffee")
    with pytest.raises(InvalidInput) as reason:
        sh.move_cash("safe_drop", cny(100), " ")
    assert reason.value.code == "reason_required"
    with pytest.raises(InvalidInput) as short:
        sh.move_cash("safe_drop", cny(30_000), "drop")
    assert short.value.code == "drawer_short"
    assert conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == outbox + 1  # the open


def test_a_z_report_prints_and_exports_its_figures(till, cashier):
    import csv
    import io

    from escpos_kit import decode

    from posclient.app.reports import report_csv, report_lines
    from posclient.devices.printer import PrinterConfig, ReceiptPrinter

    sh = shifts(till, cashier)
    sh.open(FLOAT)
    sale(till, cashier, MILK, BREAD)
    z = sh.z_report(approval=MANAGER, confirm_pending=True)
    zh = report_lines(z, "zh")
    assert zh[0].strip() == "Z 报表（日结）" and any("销售额" in ln and "20.50" in ln for ln in zh)
    assert all(len(ln.encode("gbk")) <= 48 for ln in zh)  # fits 80 mm paper
    printer = ReceiptPrinter(PrinterConfig(kind="dummy"), "zh")
    printer.print_lines(zh)
    assert "钱箱应有现金" in decode(printer.jobs[-1]).text
    rows = {(r["section"], r["key"]): r["value"] for r in csv.DictReader(io.StringIO(
        report_csv(z)))}
    assert rows[("totals", "sales_total")] == "2050" and rows[("report", "z_no")] == "1"
    assert rows[("tender", "cash:sales")] == "2050"
    assert any("Expected cash in drawer" in ln for ln in report_lines(z, "en"))
