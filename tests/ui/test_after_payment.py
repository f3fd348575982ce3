"""After payment the change stays on screen until the next scan, whatever the printer does; a
long fault in the status bar is cut, never widening the window past its screen. At the tills'
screen sizes, in both languages."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from till_kit import BREAD, MILK
from ui_kit import PaperRoll, log_in, open_window, pay_cash, scan

from posclient.devices.printer import PrinterFault

SIZES = [("en", 1024, 768), ("zh", 1024, 768), ("en", 1366, 768), ("zh", 1366, 768)]


@pytest.fixture(params=SIZES, ids=lambda p: f"{p[0]}-{p[1]}x{p[2]}")
def window(request, qtbot, qapp, speak, small_store, clock):
    lang, width, height = request.param
    speak(lang)
    w = open_window(qtbot, small_store, clock, PaperRoll(), lang=lang)
    w.resize(width, height)
    w.screen_size = (width, height)
    yield w


def test_a_printer_fault_never_hides_the_change_nor_widens_the_window(qtbot, window):
    window.paper.fail = PrinterFault(
        "The receipt printer at 192.168.100.200:9100 does not answer. The sale is saved; "
        "reprint when it is back. " * 3, code="offline")
    log_in(qtbot, window)
    page = window.sell_page
    scan(qtbot, page.scan_field, MILK)  # 12.50
    pay_cash(qtbot, window, "50")
    qtbot.waitUntil(lambda: "192.168.100.200" in window.status.printer.text())
    qtbot.wait(50)
    assert page.last_sale.isVisible() and "37.50" in page.last_sale.text()
    assert "50.00" in page.last_detail.text() and "12.50" in page.last_detail.text()
    assert "192.168.100.200" in page.message.text()  # the fault: said, under the scan field
    width, _ = window.screen_size
    assert window.width() <= width and window.minimumSizeHint().width() <= 1024
    shown = window.status.printer
    assert shown.toolTip() == shown.text() and shown.width() < shown.sizeHint().width()


def test_the_last_sale_stays_until_the_next_scan(qtbot, window):
    log_in(qtbot, window)
    page = window.sell_page
    scan(qtbot, page.scan_field, MILK)
    pay_cash(qtbot, window, "20")
    assert "7.50" in page.last_sale.text()
    qtbot.keyClick(page.scan_field, Qt.Key.Key_Return)  # Enter on an empty field: nothing
    assert page.last_sale.isVisible()
    scan(qtbot, page.scan_field, BREAD)  # the next customer
    assert not page.last_sale.isVisible() and page.last_sale.text() == ""


def test_the_status_bar_shows_each_part_whole_when_there_is_room(qtbot, window):
    log_in(qtbot, window)
    bar = window.status
    qtbot.waitUntil(lambda: bar.who.text() != "")
    QApplication.processEvents()
    for part in (bar.state, bar.waiting, bar.where, bar.who, bar.printer):
        if part.text():
            assert QLabel.text(part) == part.text(), (part.objectName(), QLabel.text(part))
