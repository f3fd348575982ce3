"""Selling needs an open shift: at log-in with none open, the till asks for the float first
(the shift screen with its count); once counted, the sale goes ahead. At 1024x768 and
1366x768, in both languages."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSpinBox
from till_kit import MILK, build_small_store
from ui_kit import PaperRoll, log_in, on_next_dialog, open_window, scan


@pytest.fixture(params=[(lang, w, 768) for lang in ("en", "zh") for w in (1024, 1366)],
                ids=lambda p: f"{p[0]}-{p[1]}x{p[2]}")
def window(request, qtbot, qapp, speak, tmp_path, clock):
    lang, width, height = request.param
    speak(lang)
    store = build_small_store(tmp_path / "shift.db", require_shift=True)
    w = open_window(qtbot, store, clock, PaperRoll(), lang=lang)
    w.resize(width, height)
    yield w
    store.close()


def test_the_float_is_asked_at_log_in_and_then_the_sale_goes_ahead(qtbot, window):
    seen = {}

    def shift_screen(dialog) -> None:
        qtbot.waitUntil(lambda: "200" in dialog.message.text())
        seen["opened"] = dialog.message.text()
        dialog.reject()

    def count_float(dialog) -> None:  # the float's count comes up by itself
        seen["asked"] = dialog.parent().message.text()
        dialog.findChild(QSpinBox, "pieces10000").setValue(2)
        on_next_dialog(qtbot, shift_screen, name="shift")
        dialog.accept()

    on_next_dialog(qtbot, count_float, name="count")
    log_in(qtbot, window)
    qtbot.waitUntil(lambda: "opened" in seen, timeout=5000)
    assert seen["asked"]  # "Open the shift first: count the float in the drawer"
    assert window.terminal.store.conn.execute(
        "SELECT float_total FROM shifts WHERE closed_at IS NULL").fetchone() == (20_000,)
    scan(qtbot, window.sell_page.scan_field, MILK)

    def pay(dialog) -> None:
        qtbot.keyClicks(dialog.amount, "20")
        qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)

    on_next_dialog(qtbot, pay, name="payDialog")
    window.sell_page.pay.click()
    qtbot.waitUntil(lambda: "7.50" in window.sell_page.last_sale.text())


def test_without_the_float_the_sale_is_refused_in_words(qtbot, window):
    def no_float(dialog) -> None:  # the cashier cancels the count, then the shift screen
        on_next_dialog(qtbot, lambda shift: shift.reject(), name="shift")
        dialog.reject()

    on_next_dialog(qtbot, no_float, name="count")
    log_in(qtbot, window)
    qtbot.wait(100)
    scan(qtbot, window.sell_page.scan_field, MILK)
    errors: list[str] = []

    def pay(dialog) -> None:
        qtbot.keyClicks(dialog.amount, "20")
        qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)
        errors.append(dialog.message.text())
        dialog.reject()

    on_next_dialog(qtbot, pay, name="payDialog")
    window.sell_page.pay.click()
    assert errors and errors[0] and window.terminal.store.conn.execute(
        "SELECT count(*) FROM sales").fetchone()[0] == 0
