"""The payment window with amounts a tired cashier types: ``20000`` for ``200``, a scanner's
digits in the amount field. Far above what is due asks first; beyond the till's limit it says
the limit; nothing is taken until it is right."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from till_kit import MILK
from ui_kit import PaperRoll, log_in, on_next_dialog, open_window, scan


@pytest.fixture(params=["en", "zh"])
def window(request, qtbot, qapp, speak, small_store, clock):
    speak(request.param)
    yield open_window(qtbot, small_store, clock, PaperRoll(), lang=request.param)


def sales(w) -> list[tuple[int, int]]:
    return w.terminal.store.conn.execute("SELECT total, change_given FROM sales").fetchall()


def pay_with(qtbot, window, typed: str, answers: list[bool], asked: list[str]):
    def pay(dialog) -> None:
        def confirm(parent, title, text) -> bool:
            asked.append(text)
            return answers.pop(0)
        dialog.confirm = confirm
        qtbot.keyClicks(dialog.amount, typed)
        qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)
        if not dialog.co.payment.is_settled:  # refused, or the cashier said no: close it
            pay.message = dialog.message.text()
            pay.tenders = dialog.tenders.count()
            dialog.reject()
    on_next_dialog(qtbot, pay, name="payDialog")
    window.sell_page.pay.click()
    return pay


def test_cash_far_above_due_is_confirmed_first_and_no_takes_nothing(qtbot, window):
    log_in(qtbot, window)
    scan(qtbot, window.sell_page.scan_field, MILK)  # 12.50
    asked: list[str] = []
    pay = pay_with(qtbot, window, "200", [False], asked)
    assert len(asked) == 1 and "187.50" in asked[0]
    assert pay.tenders == 0 and sales(window) == []
    pay_with(qtbot, window, "200", [True], asked)
    qtbot.waitUntil(lambda: len(sales(window)) == 1)
    assert sales(window) == [(1250, 18750)]
    assert "187.50" in window.sell_page.last_sale.text()


@pytest.mark.parametrize("typed", ["99999999999999", "1" + "0" * 23])
def test_an_amount_beyond_the_limit_says_the_limit_and_takes_nothing(qtbot, window, typed):
    log_in(qtbot, window)
    scan(qtbot, window.sell_page.scan_field, MILK)
    asked: list[str] = []
    pay = pay_with(qtbot, window, typed, [], asked)
    assert asked == [] and pay.tenders == 0 and sales(window) == []
    assert "100000000.00" in pay.message or "100,000,000.00" in pay.message
    limit_words = {"en": "more than the till accepts", "zh": "超过本收银机可接受的金额"}
    assert limit_words[window.lang] in pay.message


def test_change_beyond_ten_notes_is_refused_without_asking(qtbot, window):
    log_in(qtbot, window)
    scan(qtbot, window.sell_page.scan_field, MILK)
    asked: list[str] = []
    pay = pay_with(qtbot, window, "5000", [], asked)
    assert asked == [] and pay.tenders == 0 and sales(window) == []
    assert "4987.50" in pay.message.replace(",", "")


def test_a_card_payment_is_asked_on_a_worker_with_its_own_connection(qtbot, window,
                                                                     monkeypatch):
    """The window's connection stays on the GUI thread: the worker that asks the card terminal
    journals the attempt on a connection of its own (posclient/app/card_payment.py)."""
    import threading

    from PySide6.QtWidgets import QPushButton

    from posclient.store.db import Store

    gui, writes = threading.current_thread(), []
    write = Store.write

    def spy(self: Store):
        writes.append((threading.current_thread() is gui, self is window.terminal.store))
        return write(self)

    monkeypatch.setattr(Store, "write", spy)
    log_in(qtbot, window)
    scan(qtbot, window.sell_page.scan_field, MILK)

    def pay(dialog) -> None:
        dialog.findChild(QPushButton, "payCard").click()
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)

    on_next_dialog(qtbot, pay, name="payDialog")
    window.sell_page.pay.click()
    assert sales(window) == [(1250, 0)]
    on_worker = [mine for on_gui, mine in writes if not on_gui]
    assert len(on_worker) >= 2 and not any(on_worker)  # the journal, before and after
    assert all(on_gui for on_gui, mine in writes if mine)
