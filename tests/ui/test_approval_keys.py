"""Supervisor approval typed as at the login: number, Enter, PIN, Enter. Enter after the number
moves to the PIN (it closed the dialog, and the PIN then landed in the scan field, shown in
red). A PIN is never shown back, whatever the focus. At the tills' screen sizes, both
languages."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from till_kit import MILK, PINS
from ui_kit import PaperRoll, log_in, on_next_dialog, open_window, scan, type_and_accept


@pytest.fixture(params=[("en", 1024, 768), ("zh", 1024, 768), ("en", 1366, 768),
                        ("zh", 1366, 768)], ids=lambda p: f"{p[0]}-{p[1]}x{p[2]}")
def window(request, qtbot, qapp, speak, small_store, clock):
    lang, width, height = request.param
    speak(lang)
    w = open_window(qtbot, small_store, clock, PaperRoll(), lang=lang)
    w.resize(width, height)
    yield w


def type_approval_as_at_login(qtbot, staff_id: int, pin: str, seen: dict):
    def answer(dialog) -> None:
        number = dialog.findChild(QLineEdit, "approverId")
        secret = dialog.findChild(QLineEdit, "approverPin")
        qtbot.keyClicks(number, str(staff_id))
        qtbot.keyClick(number, Qt.Key.Key_Return)
        seen["open_after_number"] = dialog.isVisible()
        seen["pin_has_focus"] = dialog.focusWidget() is secret
        qtbot.keyClicks(secret, pin)
        seen["pin_shown"] = pin in secret.displayText()
        qtbot.keyClick(secret, Qt.Key.Key_Return)
    return answer


def test_number_enter_pin_enter_approves_and_the_pin_goes_nowhere(qtbot, window):
    log_in(qtbot, window)
    page = window.sell_page
    scan(qtbot, page.scan_field, MILK)
    seen: dict = {}
    on_next_dialog(qtbot, type_and_accept("20%"), then=lambda: on_next_dialog(
        qtbot, type_approval_as_at_login(qtbot, 2001, PINS[2001], seen), name="approval"))
    qtbot.keyClick(page.scan_field, Qt.Key.Key_F5)  # 20%: over a cashier's limit
    qtbot.waitUntil(lambda: window.checkout.totals().basket_discount.minor > 0)
    assert seen == {"open_after_number": True, "pin_has_focus": True, "pin_shown": False}
    assert PINS[2001] not in page.message.text() and page.scan_field.text() == ""


def test_enter_on_an_empty_number_stays_in_the_dialog(qtbot, window):
    log_in(qtbot, window)
    scan(qtbot, window.sell_page.scan_field, MILK)
    seen: dict = {}

    def answer(dialog) -> None:
        number = dialog.findChild(QLineEdit, "approverId")
        qtbot.keyClick(number, Qt.Key.Key_Return)
        seen["open"] = dialog.isVisible() and dialog.focusWidget() is number
        dialog.reject()

    on_next_dialog(qtbot, type_and_accept("20%"),
                   then=lambda: on_next_dialog(qtbot, answer, name="approval"))
    qtbot.keyClick(window.sell_page.scan_field, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: "open" in seen)
    assert seen["open"]


@pytest.mark.parametrize("typed", ["1111", "989739", "20011"])
def test_a_pin_typed_into_the_scan_field_is_not_shown_back(qtbot, window, typed):
    log_in(qtbot, window)
    page = window.sell_page
    scan(qtbot, page.scan_field, typed)
    assert page.message.text() and typed not in page.message.text()
    assert window.checkout.cart.is_empty
