"""Ctrl+S at the till: a shift opened with its float counted by denomination, cash in, a blind
count at close, an X report, and a Z report made by a manager with the events still waiting
listed, printed and saved as PDF and CSV."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QPlainTextEdit, QSpinBox
from till_kit import MILK
from ui_kit import approve, log_in, on_next_dialog, open_window, scan, turn_to


@pytest.fixture
def window(qtbot, small_store, clock):
    return open_window(qtbot, small_store, clock)


def count(pieces: dict[int, int], card: str = "", comment: str = ""):
    def answer(dialog) -> None:
        try:
            for value, n in pieces.items():
                dialog.findChild(QSpinBox, f"pieces{value}").setValue(n)
            dialog.card.setText(card)
            dialog.comment.setText(comment)
        finally:
            dialog.accept()

    return answer


def move(amount: str, reason: str):
    def answer(dialog) -> None:
        try:
            dialog.amount.setText(amount)
            dialog.reason.setText(reason)
        finally:
            dialog.accept()

    return answer


def on_next_message_box(answer) -> None:
    """When the next QMessageBox is up, ``answer`` it."""
    from PySide6.QtCore import QTimer

    def poll() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, poll)
            return
        answer(box)

    QTimer.singleShot(0, poll)


def test_a_shift_from_float_to_z_report(qtbot, window, tmp_path):
    w = window
    log_in(qtbot, w)
    scan(qtbot, w.sell_page.scan_field, MILK)  # 12.50
    w.checkout.pay_cash(w.checkout.payment.cash_due())
    w.complete()
    w.terminal.clock.advance(minutes=1)  # the shift opens after that sale
    seen: dict[str, object] = {}

    def shift_screen(dialog) -> None:
        try:
            on_next_dialog(qtbot, count({10_000: 1, 1_000: 5}), name="count")
            dialog.buttons["openShift"].click()  # float 150.00
            seen["opened"] = dialog.state.text()
            on_next_dialog(qtbot, move("20", "coins from the bank"), name="cashMove")
            dialog.buttons["cashIn"].click()
            seen["moved"] = dialog.message.text()
            # blind count: 170.00 expected (the 12.50 sale was before the shift), 169.00 counted
            on_next_dialog(qtbot, count({10_000: 1, 5_000: 1, 1_000: 1, 500: 1, 100: 4}),
                           name="count")
            dialog.buttons["closeShift"].click()
            seen["closed"] = dialog.message.text()

            def read_x(report) -> None:
                try:
                    seen["x"] = report.findChild(QPlainTextEdit, "reportText").toPlainText()
                finally:
                    report.accept()

            on_next_dialog(qtbot, read_x, name="report")
            dialog.buttons["xReport"].click()

            def z(report) -> None:
                try:
                    seen["z"] = report.findChild(QPlainTextEdit, "reportText").toPlainText()
                    report.findChild(type(dialog.buttons["xReport"]), "printReport").click()
                    report.save_pdf(tmp_path / "z.pdf")
                    report.save_csv(tmp_path / "z.csv")
                    qtbot.waitUntil(lambda: bool(w.paper.reports))
                finally:
                    report.accept()

            def confirm(box) -> None:  # events wait to upload: make it and list them
                seen["asked"] = box.text()
                on_next_dialog(qtbot, z, name="report")
                box.button(QMessageBox.StandardButton.Yes).click()

            def manager(box) -> None:
                on_next_message_box(confirm)
                approve(3001, "3333")(box)

            on_next_dialog(qtbot, manager, name="approval")
            dialog.buttons["zReport"].click()
        finally:
            dialog.reject()

    on_next_dialog(qtbot, shift_screen, name="shift")
    turn_to(qtbot, w)
    qtbot.keyClick(w.sell_page.scan_field, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    assert seen["opened"].startswith("Shift 1 open since") and "¥150.00" in seen["opened"]
    assert seen["moved"] == "Cash in: ¥20.00 recorded"
    assert seen["closed"] == "Shift 1 closed. Over (+) or short (-): Cash -¥1.00"
    assert "Sales total" in seen["x"] and "12.50" in seen["x"]
    assert "4 event(s) still wait to upload" in seen["asked"]  # sale, shift, cash in, close
    assert "Z no." in seen["z"] and "Events waiting to upload" in seen["z"]
    assert w.paper.reports[0][0].strip() == "Z REPORT (end of day)"
    assert (tmp_path / "z.pdf").read_bytes()[:5] == b"%PDF-"
    assert "totals,sales_total,1250" in (tmp_path / "z.csv").read_text(encoding="utf-8-sig")
