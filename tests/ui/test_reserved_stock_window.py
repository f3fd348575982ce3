"""Stock held back for pick-up orders, as the cashier sees it: apart from sellable stock in the
product search and the stock look-up (F12), in English and Chinese; a sale of reserved stock
goes ahead with a warning; the pick-up screen refuses an order the feed says was cancelled."""

from __future__ import annotations

from pathlib import Path

import pytest
from orders_kit import CODE, order
from PySide6.QtCore import Qt, QTranslator
from PySide6.QtWidgets import QLineEdit
from till_kit import MILK
from ui_kit import log_in, on_next_dialog, scan

from posclient.app.orders import OrderBook
from posclient.app.terminal import Terminal
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.ui.app import install_language
from posclient.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, small_store, clock):
    with small_store.write() as conn:
        conn.execute("UPDATE stock_levels SET qty = 4 WHERE product_id = 1")  # milk
        OrderBook(conn, clock).keep(order())  # milk x3, rice x1, for pick-up at this store
    w = MainWindow(Terminal(small_store, clock=clock, payments=SimulatedPaymentTerminal()),
                   lang="en", printer=lambda receipt: None)
    qtbot.addWidget(w)
    w.show()
    log_in(qtbot, w)
    return w


def test_the_stock_look_up_shows_reserved_apart_from_sellable(qtbot, window):
    page = window.sell_page
    seen: list[str] = []

    def look(dialog) -> None:
        dialog.query.setText(MILK)
        qtbot.keyClick(dialog.query, Qt.Key.Key_Return)
        seen.append(dialog.here.text())
        dialog.reject()

    on_next_dialog(qtbot, look, name="chainStock")
    qtbot.keyClick(page.scan_field, Qt.Key.Key_F12)
    assert seen == ["Here: on hand 4 · reserved 3 · sellable 1"]


def test_a_sale_of_reserved_stock_goes_ahead_with_a_warning(qtbot, window):
    page = window.sell_page
    scan(qtbot, page.scan_field, MILK)
    assert "reserved" not in page.message.text()  # the one free unit
    scan(qtbot, page.scan_field, MILK)
    assert page.message.text().endswith("only 1 free: 3 are reserved for web orders")
    assert page.message.property("error") is True
    assert window.checkout.cart.active_lines[0].qty == 2  # sold all the same


def test_the_search_shows_reserved_stock_in_chinese(qtbot, small_store, clock, qapp):
    with small_store.write() as conn:
        OrderBook(conn, clock).keep(order())
    # This checkout's own translation (an installed posclient may point at another copy).
    ours = QTranslator(qapp)
    assert ours.load("posclient_zh_CN", str(Path(__file__).parents[2] / "resources" / "i18n"))
    translators = [*install_language(qapp, "zh_CN"), ours]
    qapp.installTranslator(ours)  # the last installed is asked first
    try:
        w = MainWindow(Terminal(small_store, clock=clock, payments=SimulatedPaymentTerminal()),
                       lang="zh_CN", printer=lambda receipt: None)
        qtbot.addWidget(w)
        w.show()
        log_in(qtbot, w)
        seen: list[str] = []

        def look(dialog) -> None:
            seen.append(dialog.results.item(0).text())
            dialog.reject()

        on_next_dialog(qtbot, look)
        w.sell_page.scan_field.setText("牛奶")  # typed with an input method
        qtbot.keyClick(w.sell_page.scan_field, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: bool(seen))
        assert "现有 " in seen[0] and "预留 3" in seen[0] and "可售 " in seen[0]
    finally:
        for t in translators:
            qapp.removeTranslator(t)


def test_the_pickup_screen_refuses_an_order_the_feed_says_was_cancelled(qtbot, window):
    with window.terminal.store.write() as conn:
        OrderBook(conn, window.terminal.clock).keep(order(status="cancelled"))
    seen: list[str] = []

    def answer(dialog) -> None:
        query = dialog.findChild(QLineEdit, "orderQuery")
        query.setText("W1001")
        qtbot.keyClick(query, Qt.Key.Key_Return)
        seen.append(dialog.info.text())
        dialog.findChild(QLineEdit, "pickupCode").setText(CODE)
        dialog.accept()
        seen.append(dialog.message.text())
        dialog.reject()

    on_next_dialog(qtbot, answer, name="pickup")
    qtbot.keyClick(window.sell_page.scan_field, Qt.Key.Key_O,
                   Qt.KeyboardModifier.ControlModifier)
    assert "CANCELLED" in seen[0]
    assert seen[1] == "Order W1001 was cancelled: there is nothing to hand over"
    assert window.checkout.pickup is None and window.sell_page.table.rowCount() == 0
