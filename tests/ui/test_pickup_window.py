"""Ctrl+O at the till: a cashier hands over a web order found by its number, checks the pick-up
code, and the customer pays only what the web payment does not cover."""

from __future__ import annotations

import pytest
from orders_kit import CODE, order
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QSpinBox
from ui_kit import log_in, on_next_dialog, open_window

from posclient.app.orders import OrderBook
from posclient.ui.main_window import MainWindow
from sync.apply import Applier
from sync.protocol import PromotionData


@pytest.fixture
def window(qtbot, small_store, clock):
    return open_window(qtbot, small_store, clock)


def keep(w: MainWindow, o) -> None:
    with w.terminal.store.write():
        OrderBook(w.terminal.store.conn, w.terminal.clock).keep(o)


def hand_over(qtbot, code: str, quantities: dict[int, int] | None = None):
    def answer(dialog) -> None:
        query = dialog.findChild(QLineEdit, "orderQuery")
        query.setText("13800138000")  # the customer's phone finds the order too
        qtbot.keyClick(query, Qt.Key.Key_Return)
        for line_no, qty in (quantities or {}).items():
            dialog.findChild(QSpinBox, f"handOver{line_no}").setValue(qty)
        dialog.findChild(QLineEdit, "pickupCode").setText(code)
        seen.append(dialog.findChild(type(dialog.summary), "handoverSummary").text())
        dialog.accept()
        if dialog.isVisible():  # refused: say why and close
            seen.append(dialog.message.text())
            dialog.reject()

    seen: list[str] = []
    return answer, seen


def test_a_paid_web_order_is_handed_over_with_ctrl_o_and_enter(qtbot, window):
    w = window
    keep(w, order())
    log_in(qtbot, w)
    answer, seen = hand_over(qtbot, CODE)
    on_next_dialog(qtbot, answer, name="pickup")
    qtbot.keyClick(w.sell_page.scan_field, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert seen == ["Goods ¥96.40 · already paid ¥96.40 · to pay now ¥0.00"]
    assert w.sell_page.table.rowCount() == 2
    assert "Pick-up of order W1001" in w.sell_page.message.text()
    qtbot.keyClick(w.sell_page.scan_field, Qt.Key.Key_Return)  # nothing to pay: done
    qtbot.waitUntil(lambda: len(w.paper.receipts) == 1)
    slip = w.paper.receipts[0]
    assert slip.order_no == "W1001" and [t.kind for t in slip.tenders] == ["web"]
    assert w.sell_page.table.rowCount() == 0


def test_a_wrong_code_is_refused_and_the_basket_stays_empty(qtbot, window):
    w = window
    keep(w, order())
    log_in(qtbot, w)
    answer, seen = hand_over(qtbot, "WRONG9")
    on_next_dialog(qtbot, answer, name="pickup")
    w.sell_page.buttons["pickup"].click()
    assert seen[-1] == ("That is not this order's pick-up code: 4 more wrong and the order's "
                        "code is locked")
    assert w.sell_page.table.rowCount() == 0 and w.checkout.pickup is None


def test_part_of_an_order_paid_in_store_opens_the_payment_for_the_rest(qtbot, window):
    w = window
    keep(w, order(payments=[{"kind": "online", "amount": 2000},
                            {"kind": "at_pickup", "amount": 7640}], paid=2000))
    log_in(qtbot, w)
    answer, seen = hand_over(qtbot, CODE, {1: 2, 2: 0})
    on_next_dialog(qtbot, answer, name="pickup")
    w.sell_page.buttons["pickup"].click()
    assert seen == ["Goods ¥24.33 · already paid ¥20.00 · to pay now ¥4.33"]

    def pay(dialog) -> None:
        assert "4.33" in dialog.due.text()
        dialog.cash()  # all that is due

    on_next_dialog(qtbot, pay, name="payDialog")
    qtbot.keyClick(w.sell_page.scan_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(w.paper.receipts) == 1)
    assert [(t.kind, t.amount.minor) for t in w.paper.receipts[0].tenders] == [
        ("web", 2000), ("cash", 433)]


def test_a_paid_order_is_handed_over_at_its_price_while_a_promotion_covers_it(qtbot, window):
    w = window
    with w.terminal.store.write() as conn:  # milk 10% off, and 10.00 off over 50.00
        Applier(conn, "S001").apply([
            ("promotion", "upsert", "P-MILK10", PromotionData(
                id="P-MILK10", kind="percent_off", product_ids=[1], percent_bp=1000,
                stackable=True)),
            ("promotion", "upsert", "P-OVER50", PromotionData(
                id="P-OVER50", kind="spend_get_off", min_spend=5000, amount=1000,
                stackable=True))])
    keep(w, order())
    log_in(qtbot, w)
    answer, seen = hand_over(qtbot, CODE)
    on_next_dialog(qtbot, answer, name="pickup")
    qtbot.keyClick(w.sell_page.scan_field, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert seen == ["Goods ¥96.40 · already paid ¥96.40 · to pay now ¥0.00"]
    assert w.sell_page.table.rowCount() == 2
    qtbot.keyClick(w.sell_page.scan_field, Qt.Key.Key_Return)  # nothing to pay: done
    qtbot.waitUntil(lambda: len(w.paper.receipts) == 1)
    slip = w.paper.receipts[0]
    assert (slip.total.minor, slip.promotions) == (9640, ())
    assert [(t.kind, t.amount.minor) for t in slip.tenders] == [("web", 9640)]


def test_a_delivery_this_store_ships_is_marked_for_the_courier_and_asks_no_code(qtbot,
                                                                                window):
    w = window
    keep(w, order(channel="store", fulfilment="delivery", pickup_code_phc=None,
                  payments=[{"kind": "store", "amount": 9640, "method": "cash",
                             "reference": "S2-T01-000042"}]))
    log_in(qtbot, w)
    seen: list[tuple[str, bool]] = []

    def answer(dialog) -> None:
        query = dialog.findChild(QLineEdit, "orderQuery")
        query.setText("W1001")
        qtbot.keyClick(query, Qt.Key.Key_Return)
        seen.append((dialog.info.text(), dialog.findChild(QLineEdit, "pickupCode").isEnabled()))
        dialog.reject()

    on_next_dialog(qtbot, answer, name="pickup")
    w.sell_page.buttons["pickup"].click()
    ((info, code_field),) = seen
    assert info.startswith("DELIVERY: hand it to the courier (no pick-up code: a supervisor "
                           "approves) · Order W1001")
    assert not code_field
