"""Ctrl+R at the till: a cashier takes goods back from a receipt's code (a manager approves while
the central is away) or without a receipt, the drawer opens for cash, the return slip prints,
and a refusal is said in the dialog and changes nothing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QSpinBox
from till_kit import MILK
from ui_kit import approve, log_in, on_next_dialog, open_window, scan, turn_to

from posclient.app.staff import Approval


@pytest.fixture
def window(qtbot, small_store, clock):
    return open_window(qtbot, small_store, clock)


def sell_two_milks(qtbot, w) -> str:
    scan(qtbot, w.sell_page.scan_field, MILK)
    scan(qtbot, w.sell_page.scan_field, MILK)
    on_next_dialog(qtbot, lambda dialog: dialog.cash(), name="payDialog")
    qtbot.keyClick(w.sell_page.scan_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(w.paper.receipts) == 1)
    conn = w.terminal.store.conn  # printed and marked so (else F11 prints it first)
    qtbot.waitUntil(lambda: conn.execute("SELECT printed_at FROM sales").fetchone()[0] is not None)
    return w.paper.receipts[0].receipt_no


def test_a_receipt_is_scanned_and_one_item_comes_back_damaged(qtbot, window):
    w = window
    log_in(qtbot, w)
    receipt_no = sell_two_milks(qtbot, w)
    seen: list[str] = []

    def answer(dialog) -> None:
        try:
            scan(qtbot, dialog.findChild(QLineEdit, "returnQuery"), receipt_no)
            seen.append(dialog.info.text())
            dialog.findChild(QSpinBox, "ret1").setValue(1)
            dialog.findChild(QComboBox, "condition0").setCurrentIndex(1)  # damaged
            dialog.reason.setCurrentText("Faulty")
            seen.append(dialog.summary.text())
            on_next_dialog(qtbot, approve(3001, "3333"), name="approval")  # offline: a manager
            dialog.accept()
        finally:
            if dialog.isVisible():
                seen.append(dialog.message.text())
                dialog.reject()

    on_next_dialog(qtbot, answer, name="returns")
    turn_to(qtbot, w)
    qtbot.keyClick(w.sell_page.scan_field, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert seen[0].startswith(f"Receipt {receipt_no} · store S001")
    assert seen[1] == "Refund ¥12.50: cash ¥12.50"
    assert len(seen) == 2, seen  # refunded: the dialog closed
    qtbot.waitUntil(lambda: len(w.paper.receipts) == 2)
    slip = w.paper.receipts[1]
    assert slip.refund_of == receipt_no and slip.total.minor == 1250
    assert slip.lines[0].qty_text == "1 (Damaged)"
    assert "Refunded ¥12.50 · return S001-T01-R000001 · give back ¥12.50 in cash" in \
        w.sell_page.last_sale.text()
    conn = w.terminal.store.conn
    assert conn.execute("SELECT count(*) FROM outbox WHERE type = 'return'").fetchone()[0] == 1
    # "Faulty" is one of the return reasons (the built-in ones here): its code goes with it
    (payload,) = conn.execute("SELECT payload FROM outbox WHERE type = 'return'").fetchone()
    assert '"reason_code": "FAULTY"' in payload or '"reason_code":"FAULTY"' in payload


def test_a_refusal_is_said_in_the_dialog_and_nothing_is_refunded(qtbot, window):
    w = window
    log_in(qtbot, w)
    receipt_no = sell_two_milks(qtbot, w)
    seen: list[str] = []

    def answer(dialog) -> None:
        try:
            scan(qtbot, dialog.findChild(QLineEdit, "returnQuery"), receipt_no)
            dialog.findChild(QSpinBox, "ret1").setValue(2)
            dialog.reason.setCurrentText("")
            dialog.accept()
            seen.append(dialog.message.text())
            scan(qtbot, dialog.findChild(QLineEdit, "returnQuery"), "S001-T01-999999")
            seen.append(dialog.message.text())
        finally:
            dialog.reject()

    on_next_dialog(qtbot, answer, name="returns")
    w.sell_page.buttons["returns"].click()
    assert seen[0] == "Give a reason for the return"
    assert seen[1].startswith("S001-T01-999999 is not a receipt of this till")
    conn = w.terminal.store.conn
    assert conn.execute("SELECT count(*) FROM returns").fetchone()[0] == 0
    assert len(w.paper.receipts) == 1


def test_without_a_receipt_the_items_are_scanned_and_a_manager_approves(qtbot, window):
    w = window
    log_in(qtbot, w)
    seen: list[str] = []

    def answer(dialog) -> None:
        try:
            dialog.findChild(type(dialog.no_receipt_button), "noReceipt").click()
            query = dialog.findChild(QLineEdit, "returnQuery")
            scan(qtbot, query, MILK)
            scan(qtbot, query, "123")  # not a barcode: said, nothing added
            seen.append(dialog.message.text())
            dialog.findChild(QSpinBox, "noReceipt0").setValue(2)
            seen.append(dialog.summary.text())
            on_next_dialog(qtbot, approve(3001, "3333"), name="approval")
            dialog.accept()
        finally:
            if dialog.isVisible():
                seen.append(dialog.message.text())
                dialog.reject()

    on_next_dialog(qtbot, answer, name="returns")
    w.sell_page.buttons["returns"].click()
    assert len(seen) == 2, seen  # the refund went through: the dialog closed
    assert "123" in seen[0]  # the bad code was said, and added nothing
    assert seen[1] == "Refund ¥25.00: cash ¥25.00"
    qtbot.waitUntil(lambda: len(w.paper.receipts) == 1)
    assert w.paper.receipts[0].refund_of == ""  # no receipt
    conn = w.terminal.store.conn
    assert conn.execute("SELECT source_kind, approved_by, total FROM returns").fetchall() == [
        ("none", 3001, 2500)]



def test_an_exchange_takes_one_milk_back_and_the_bread_costs_less(qtbot, window):
    w = window
    log_in(qtbot, w)
    receipt_no = sell_two_milks(qtbot, w)

    def answer(dialog) -> None:
        try:
            scan(qtbot, dialog.findChild(QLineEdit, "returnQuery"), receipt_no)
            dialog.findChild(QSpinBox, "ret1").setValue(1)
            on_next_dialog(qtbot, approve(3001, "3333"), name="approval")
            dialog.exchange_button.click()
        finally:
            if dialog.isVisible():
                dialog.reject()

    on_next_dialog(qtbot, answer, name="returns")
    w.sell_page.buttons["returns"].click()
    assert w.sell_page.message.text().startswith("Exchange: ¥12.50 of goods back")
    scan(qtbot, w.sell_page.scan_field, "036000291452")  # bread 8.00: the credit covers it
    qtbot.keyClick(w.sell_page.scan_field, Qt.Key.Key_Return)  # pay: nothing to take
    qtbot.waitUntil(lambda: len(w.paper.receipts) == 3)  # the sale, then slip and receipt
    kinds = sorted(r.refund_of is not None for r in w.paper.receipts[1:])
    assert kinds == [False, True]
    assert "give back ¥4.50" in w.sell_page.last_sale.text()


def test_a_return_slip_is_reprinted_by_its_number_with_f11(qtbot, window):
    from ui_kit import type_and_accept

    w = window
    log_in(qtbot, w)
    receipt_no = sell_two_milks(qtbot, w)
    conn = w.terminal.store.conn
    r = w.terminal.returns(w.session)
    r.complete(r.prepare(r.find_local(receipt_no), {1: 1}, reason="faulty"),
               approval=Approval(3001, "3333"))
    return_no = conn.execute("SELECT return_no FROM returns").fetchone()[0]
    on_next_dialog(qtbot, type_and_accept(return_no))
    turn_to(qtbot, w)
    qtbot.keyClick(w.sell_page.scan_field, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: len(w.paper.receipts) == 2)
    slip = w.paper.receipts[1]
    assert slip.reprint and slip.receipt_no == return_no and slip.refund_of == receipt_no
    audited = "SELECT detail FROM audit_log WHERE action = 'reprint'"
    qtbot.waitUntil(lambda: conn.execute(audited).fetchone() is not None)  # once printed
    assert return_no in conn.execute(audited).fetchone()[0]
