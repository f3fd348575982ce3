"""The desktop till, driven as a cashier drives it: real widgets, real database, real services."""

from __future__ import annotations

import pytest
from escpos_kit import decode
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton
from till_kit import APPLE_PLU, BREAD, MILK, PINS
from ui_kit import PaperRoll, approve, log_in, on_next_dialog, open_window, scan, type_and_accept

from posclient.app.terminal import Terminal
from posclient.app.terminal_config import TerminalConfig
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.devices.printer import PrinterConfig, ReceiptPrinter
from posclient.domain.barcode import DEFAULT_SCALE_RULES
from posclient.domain.money import Money
from posclient.ui.main_window import MainWindow

WEIGHT_RULE = DEFAULT_SCALE_RULES[0]


@pytest.fixture
def paper() -> PaperRoll:
    return PaperRoll()


@pytest.fixture
def window(qtbot, small_store, clock, paper):
    return open_window(qtbot, small_store, clock, paper)


def sales(w: MainWindow) -> list[tuple]:
    return w.terminal.store.conn.execute(
        "SELECT id, receipt_no, total, change_given FROM sales").fetchall()


def test_cashier_logs_in_on_the_keypad_and_the_scan_field_has_focus(qtbot, window):
    for digit in "1001":
        window.login_page.findChildren(QPushButton, "keypad")[
            "7894561230".index(digit) if digit != "0" else 10].click()
    # the keypad types into the focused field; Enter moves to the PIN
    assert window.login_page.staff_id.text() == "1001"
    window.login_page.pin.setFocus()
    qtbot.keyClicks(window.login_page.pin, "1111")
    qtbot.keyClick(window.login_page.pin, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.sell_page
    assert "张伟" in window.status.who.text()
    qtbot.waitUntil(lambda: window.sell_page.scan_field.hasFocus())


def test_a_wrong_pin_is_refused_with_the_lockout_rule(qtbot, window):
    page = window.login_page
    qtbot.keyClicks(page.staff_id, "1001")
    qtbot.keyClicks(page.pin, "9999")
    qtbot.keyClick(page.pin, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is page
    assert "After 10 wrong PINs in a row" in page.error.text()
    assert window.session is None


@pytest.mark.parametrize("typed", ["²", "١٠٠١", "12a"])
def test_a_staff_number_that_is_not_ascii_digits_is_refused_at_the_field(qtbot, window, typed):
    page = window.login_page
    page.staff_id.setText(typed)
    qtbot.keyClicks(page.pin, "1111")
    qtbot.keyClick(page.pin, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is page
    assert "digits only" in page.error.text()
    assert window.session is None


@pytest.fixture
def escpos_window(qtbot, small_store, clock):
    """The till with escpos's Dummy printer: the bytes a real printer would get."""
    terminal = Terminal(small_store, clock=clock, payments=SimulatedPaymentTerminal())
    w = MainWindow(terminal, lang="en",
                   printer=ReceiptPrinter(PrinterConfig(kind="dummy"), lang="en"))
    qtbot.addWidget(w)
    w.show()
    return w


def test_full_sale_three_items_discount_with_approval_split_cash_and_card(
        qtbot, escpos_window):
    window = escpos_window
    log_in(qtbot, window)
    page = window.sell_page
    for code in (MILK, BREAD, WEIGHT_RULE.encode("21", APPLE_PLU, 1234)):
        scan(qtbot, page.scan_field, code)
    assert page.table.rowCount() == 3
    assert page.table.item(2, 2).text() == "1.234 kg"
    # 20% off the sale: over a cashier's 10% limit, so a supervisor approves it
    on_next_dialog(qtbot, type_and_accept("20%"),
                   then=lambda: on_next_dialog(qtbot, approve(2001, PINS[2001])))
    qtbot.keyClick(page.scan_field, Qt.Key.Key_F5)
    totals = window.checkout.totals()
    assert totals.basket_discount.minor > 0
    due = totals.total

    def pay(dialog) -> None:
        amount = dialog.findChild(QLineEdit, "amount")
        qtbot.keyClicks(amount, "20")
        dialog.findChild(QPushButton, "payCard").click()  # 20.00 by card, off the GUI thread
        qtbot.waitUntil(lambda: dialog.tenders.count() == 1)
        assert "approved" in dialog.message.text()
        qtbot.keyClicks(amount, "20")
        qtbot.keyClick(amount, Qt.Key.Key_Return)  # the rest in cash: 20.00 given

    on_next_dialog(qtbot, pay)
    qtbot.keyClick(page.scan_field, Qt.Key.Key_Return)  # Enter on an empty field: pay
    qtbot.waitUntil(lambda: len(sales(window)) == 1)
    _, receipt_no, total, change = sales(window)[0]
    assert (total, change) == (due.minor, 4000 - due.minor)
    assert receipt_no in page.last_sale.text()
    change_text = Money(change, "CNY").to_decimal_str()
    assert change_text in page.last_sale.text()
    assert page.table.rowCount() == 0  # a new sale has started
    qtbot.waitUntil(lambda: len(window.printer.jobs) == 1)
    printed = decode(window.printer.jobs[0])
    for name in ("Yili Pure Milk 250ml", "Wholemeal Bread", "Fuji Apple",  # every line
                 "1.234 kg x 15.98/kg", "Sale discount", "VAT13 13%", "VAT9 9%",  # taxes
                 "Card", "Cash", "20.00", "Change", change_text, receipt_no):
        assert name in printed.text, name
    assert printed.qr == [receipt_no]  # scanned at the till for a return
    qtbot.waitUntil(lambda: not window.terminal.receipts.unprinted())


def test_cash_sale_shows_the_change_and_kicks_the_drawer(qtbot, window):
    kicks = []
    window.terminal.drawer = type("Drawer", (), {"connected": True,
                                                 "open": lambda self: kicks.append(1)})()
    log_in(qtbot, window)
    scan(qtbot, window.sell_page.scan_field, MILK)  # 12.50

    def pay(dialog) -> None:
        qtbot.keyClicks(dialog.amount, "50")
        qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)

    on_next_dialog(qtbot, pay)
    window.sell_page.pay.click()
    assert "37.50" in window.sell_page.last_sale.text()
    qtbot.waitUntil(lambda: kicks == [1])


def test_an_unknown_barcode_shows_a_message_and_changes_nothing(qtbot, window):
    log_in(qtbot, window)
    page = window.sell_page
    scan(qtbot, page.scan_field, MILK)
    before = window.checkout.totals()
    scan(qtbot, page.scan_field, "6901234567809")  # valid check digit, not in the catalogue
    assert page.message.property("error") is True
    assert page.message.text()
    assert page.table.rowCount() == 1
    assert window.checkout.totals() == before
    assert page.scan_field.text() == "" and page.scan_field.hasFocus()


def test_typed_words_open_search_and_the_chosen_product_is_added(qtbot, window):
    log_in(qtbot, window)
    page = window.sell_page

    def choose(dialog) -> None:
        qtbot.waitUntil(lambda: dialog.results.count() > 0)
        qtbot.keyClick(dialog.query, Qt.Key.Key_Return)

    on_next_dialog(qtbot, choose)
    qtbot.keyClicks(page.scan_field, "bread")
    qtbot.keyClick(page.scan_field, Qt.Key.Key_Return)
    assert page.table.rowCount() == 1
    assert "Bread" in page.table.item(0, 1).text()


def test_a_printer_fault_keeps_the_sale_and_the_receipt_can_be_printed_later(
        qtbot, window, paper):
    paper.fail = OSError("The receipt printer does not answer")
    log_in(qtbot, window)
    scan(qtbot, window.sell_page.scan_field, MILK)
    on_next_dialog(qtbot, lambda d: d.cash())
    window.sell_page.pay.click()
    qtbot.waitUntil(lambda: window.status.printer.property("fault") is True)
    assert len(sales(window)) == 1  # committed, whatever the printer did
    assert [u.receipt_no for u in window.terminal.receipts.unprinted()] == \
        [sales(window)[0][1]]
    paper.fail = None
    qtbot.keyClick(window.sell_page.scan_field, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: len(paper.receipts) == 1)
    qtbot.waitUntil(lambda: not window.terminal.receipts.unprinted())


def test_idle_till_locks_and_only_that_cashiers_pin_unlocks(qtbot, window, clock):
    log_in(qtbot, window)
    scan(qtbot, window.sell_page.scan_field, MILK)
    clock.advance(seconds=window.terminal.settings.idle_lock_seconds + 1)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.login_page, timeout=3000)
    qtbot.keyClicks(window.login_page.pin, PINS[1002])
    qtbot.keyClick(window.login_page.pin, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.login_page
    window.login_page.switch.click()  # a sale is open: refused
    assert "sale is open" in window.login_page.error.text()
    qtbot.keyClicks(window.login_page.pin, PINS[1001])
    qtbot.keyClick(window.login_page.pin, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.sell_page
    assert window.sell_page.table.rowCount() == 1  # the open sale is still there


def test_voiding_a_line_and_suspending_and_resuming_a_sale(qtbot, window):
    log_in(qtbot, window)
    page = window.sell_page
    scan(qtbot, page.scan_field, MILK)
    scan(qtbot, page.scan_field, BREAD)
    on_next_dialog(qtbot, lambda d: d.accept(), name="reasonDialog")  # the first reason
    qtbot.keyClick(page.scan_field, Qt.Key.Key_F6)  # the selected (last) line
    assert page.table.rowCount() == 1
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)  # back from the dialog
    qtbot.keyClick(page.scan_field, Qt.Key.Key_F8)
    assert page.table.rowCount() == 0 and "suspended" in page.message.text()
    on_next_dialog(qtbot, lambda d: d.accept())  # the first suspended sale
    qtbot.keyClick(page.scan_field, Qt.Key.Key_F9)
    assert page.table.rowCount() == 1
    assert QApplication.activeModalWidget() is None


def test_a_cashier_sets_up_the_printer_only_with_a_managers_approval(qtbot, window, tmp_path):
    log_in(qtbot, window)
    out = tmp_path / "receipts.escpos"

    def settings(dialog) -> None:
        dialog.printer.kind.setCurrentIndex(dialog.printer.kind.findData("file"))
        dialog.printer.path.setText(str(out))
        on_next_dialog(qtbot, approve(3001, PINS[3001]), name="approval")
        dialog.findChild(QPushButton, "savePrinter").click()
        assert "saved" in dialog.message.text()
        dialog.findChild(QPushButton, "testPage").click()
        qtbot.waitUntil(lambda: "sent" in dialog.message.text())
        dialog.accept()

    on_next_dialog(qtbot, settings, name="settings")
    qtbot.keyClick(window.sell_page.scan_field, Qt.Key.Key_M,
                   Qt.KeyboardModifier.ControlModifier)
    assert TerminalConfig(window.terminal.store).get("printer") == {
        "kind": "file", "width": 48, "path": str(out)}
    assert "Printer ready" in window.status.printer.text()
    assert "Printer test page" in decode(out.read_bytes()).text
    audit = window.terminal.store.conn.execute(
        "SELECT staff_id, approved_by FROM audit_log WHERE action = 'configure_terminal'"
    ).fetchall()
    assert audit == [(1001, 3001)]


def test_without_approval_the_printer_stays_as_it_was(qtbot, window):
    log_in(qtbot, window)

    def settings(dialog) -> None:
        dialog.printer.kind.setCurrentIndex(dialog.printer.kind.findData("network"))
        dialog.printer.host.setText("10.0.0.9")
        on_next_dialog(qtbot, lambda d: d.reject(), name="approval")
        dialog.findChild(QPushButton, "savePrinter").click()
        dialog.accept()

    on_next_dialog(qtbot, settings, name="settings")
    window.sell_page.buttons["settings"].click()
    assert TerminalConfig(window.terminal.store).get("printer") is None
    assert isinstance(window.printer, PaperRoll)  # unchanged


def test_a_declined_card_and_a_card_terminal_time_out_are_shown_plainly(qtbot, window):
    from posclient.devices.payment import PaymentStatus

    window.terminal.payments.outcomes.extend([PaymentStatus.DECLINED, PaymentStatus.TIMEOUT])
    log_in(qtbot, window)
    scan(qtbot, window.sell_page.scan_field, MILK)
    seen = []

    def pay(dialog) -> None:
        card = dialog.findChild(QPushButton, "payCard")
        for words in ("declined", "did not answer"):
            card.click()
            qtbot.waitUntil(lambda: card.isEnabled())  # the terminal has answered
            assert words in dialog.message.text()
            assert dialog.message.property("error") is True
            assert dialog.tenders.count() == 0  # nothing was taken
            seen.append(words)
        dialog.cash()  # the customer pays cash instead

    on_next_dialog(qtbot, pay)
    window.sell_page.pay.click()
    assert seen == ["declined", "did not answer"]
    assert len(sales(window)) == 1
    assert window.terminal.store.conn.execute(
        "SELECT status FROM payment_journal ORDER BY rowid").fetchall() == \
        [("declined",), ("timeout",)]


def test_settings_show_the_last_sync_in_the_tills_own_time():
    from datetime import UTC, datetime

    from posclient.ui.settings import _local_time

    stamp = datetime(2026, 11, 27, 12, 17, 8, tzinfo=UTC)
    assert _local_time("2026-11-27T12:17:08.634Z") == \
        stamp.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    assert _local_time(None) == "—"
