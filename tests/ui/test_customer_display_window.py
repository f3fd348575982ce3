"""The customer's screen follows the sale: each line as it is scanned, the total, the change after
payment (until the next sale's first line), the member's masked name and points, the store's
message; in the till's language (both when the store asks), readable at 1024x768 and 1920x1080,
and never taking the focus from the cashier's scan field. Settings chooses the display (a pole
display on a real serial port: a pseudo-terminal), and a display fault never touches a sale."""

from __future__ import annotations

import os
from dataclasses import replace

import pytest
from pole_kit import Vfd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton, QWidget
from till_kit import BREAD, MILK, PINS, add_member
from ui_kit import approve, log_in, on_next_dialog, open_window, pay_cash, scan, turn_to

from posclient.app.terminal_config import TerminalConfig
from posclient.store.settings import load_settings, save_settings
from posclient.ui.app import install_language
from posclient.ui.customer_display import CustomerWindow

SIZES = [("en", 1024, 768), ("zh", 1024, 768), ("en", 1920, 1080), ("zh", 1920, 1080)]
PHONE = "13812341234"


def store_settings(store, **changes) -> None:
    with store.write() as conn:
        save_settings(conn, replace(load_settings(conn), **changes))


def with_member(store) -> None:
    with store.write() as c:
        add_member(c, 7, "8800000007", "陈小明", PHONE, "gold", 1000)


@pytest.fixture(params=SIZES, ids=lambda p: f"{p[0]}-{p[1]}x{p[2]}")
def window(request, qtbot, qapp, speak, small_store, clock):
    lang, width, height = request.param
    with_member(small_store)
    store_settings(small_store, customer_display_message_zh="本周会员积分双倍",
                   customer_display_message_en="Double points for members this week")
    TerminalConfig(small_store).provision("customer_display", {"kind": "screen",
                                                               "screen": "#1"})
    speak(lang)
    w = open_window(qtbot, small_store, clock, lang="zh_CN" if lang == "zh" else "en")
    shown = w.customer.screen_window
    assert isinstance(shown, CustomerWindow) and shown.isVisible()
    shown.showNormal()  # the test's screen is small: the customer's screen has this size
    shown.resize(width, height)
    w.lang_short = lang
    yield w


def values(shown: CustomerWindow) -> dict[str, str]:
    """What the customer can read on the side panel: the shown values by name."""
    return {k: v.text() for k, v in shown.values.items() if v.isVisible()}


def assert_readable(shown: CustomerWindow) -> None:
    """Every text the customer sees fits where it is drawn: nothing clipped or cut."""
    QApplication.processEvents()
    for w in shown.findChildren(QLabel):
        if w.isVisible() and w.text() and not w.wordWrap():
            assert w.fontMetrics().horizontalAdvance(w.text()) <= w.contentsRect().width(), \
                (w.objectName(), w.text(), w.width())
    table = shown.table
    for row in range(table.rowCount()):
        for col in (1, 2):  # quantity and amount: whole
            text = table.item(row, col).text()
            assert table.fontMetrics().horizontalAdvance(text) < table.columnWidth(col), text
        name = table.item(row, 0).text()  # the name: whole, or at least its first 8 characters
        room = table.columnWidth(0)
        assert table.fontMetrics().horizontalAdvance(name[:8]) < room, (name, room)
    assert shown.minimumSizeHint().width() <= shown.width()
    assert shown.minimumSizeHint().height() <= shown.height()


def test_the_customer_follows_the_sale_to_its_change_and_the_next_sale(qtbot, window):
    w, shown, zh = window, window.customer.screen_window, window.lang_short == "zh"
    assert shown.message.text() == ("本周会员积分双倍" if zh else
                                    "Double points for members this week")
    assert shown.names["total"].text() == ("欢迎光临" if zh else "Welcome")
    log_in(qtbot, w)
    page = w.sell_page
    turn_to(qtbot, w)
    scan(qtbot, page.scan_field, MILK)
    milk = w.checkout.cart.lines[0].item
    assert shown.table.rowCount() == 1
    assert shown.table.item(0, 0).text() == (milk.name_zh if zh else milk.name_en)
    assert shown.table.item(0, 2).text() == "¥12.50"
    assert values(shown) == {"total": "¥12.50"}
    scan(qtbot, page.scan_field, BREAD)
    assert shown.table.rowCount() == 2 and shown.table.item(1, 2).text() == "¥8.00"
    assert values(shown)["total"] == "¥20.50"
    assert_readable(shown)
    # the scanner's keystrokes still reach the cashier's field: the customer window takes none
    assert QApplication.activeWindow() is w and QApplication.focusWidget() is page.scan_field
    assert shown.windowFlags() & Qt.WindowType.WindowDoesNotAcceptFocus
    assert shown.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    assert all(c.focusPolicy() == Qt.FocusPolicy.NoFocus
               for c in shown.findChildren(QWidget))

    pay_cash(qtbot, w, "50")
    assert values(shown) == {"total": "¥20.50", "paid": "¥50.00", "change": "¥29.50"}
    assert shown.names["change"].text() == ("找零" if zh else "Change")
    assert "29.50" in page.last_sale.text()  # the cashier's screen says the same
    assert_readable(shown)
    qtbot.keyClick(page.scan_field, Qt.Key.Key_Return)  # Enter on an empty field: nothing
    assert values(shown)["change"] == "¥29.50"
    scan(qtbot, page.scan_field, BREAD)  # the next customer
    assert values(shown) == {"total": "¥8.00"} and shown.table.rowCount() == 1


def test_the_members_masked_name_and_points_then_the_points_after_the_sale(qtbot, window):
    w, shown = window, window.customer.screen_window
    log_in(qtbot, w)
    scan(qtbot, w.sell_page.scan_field, MILK)

    def find(dialog) -> None:
        field = dialog.findChild(QLineEdit, "memberCode")
        field.setText(PHONE)
        qtbot.keyClick(field, Qt.Key.Key_Return)
        dialog.findChild(QPushButton, "memberAttach").click()

    on_next_dialog(qtbot, find, name="memberDialog")
    w.sell_page.member_key()
    assert values(shown)["member"] == "陈**"
    assert values(shown)["points"] == "1000"
    every_text = " ".join(lb.text() for lb in shown.findChildren(QLabel))
    assert PHONE[-4:] not in every_text and "陈小明" not in every_text  # masked, no phone
    assert_readable(shown)
    pay_cash(qtbot, w, "50")
    sale = w.last_sale
    assert sale.points_earned > 0
    assert values(shown)["points"] == f"{sale.points_balance} (+{sale.points_earned})"
    assert_readable(shown)


def test_a_store_that_asks_for_both_languages_gets_both(qtbot, window, small_store):
    store_settings(small_store, customer_display_bilingual=True)
    window.terminal.reload()
    log_in(qtbot, window)
    scan(qtbot, window.sell_page.scan_field, MILK)
    shown, item = window.customer.screen_window, window.checkout.cart.lines[0].item
    first, second = ((item.name_zh, item.name_en) if window.lang_short == "zh"
                     else (item.name_en, item.name_zh))
    assert shown.table.item(0, 0).text() == f"{first} · {second}"
    assert shown.names["total"].text() == ("合计 Total" if window.lang_short == "zh"
                                           else "Total 合计")
    assert_readable(shown)


# -- choosing the display in Settings; a fault ---------------------------------------------------
@pytest.fixture
def till(qtbot, small_store, clock):
    return open_window(qtbot, small_store, clock)


def open_settings(qtbot, w, answer) -> None:
    on_next_dialog(qtbot, answer, name="settings")
    w.sell_page.buttons["settings"].click()


def test_settings_choose_a_pole_display_on_a_serial_port_and_then_none(qtbot, till):
    master, slave = os.openpty()  # a real serial port (a pseudo-terminal) for the pole display
    os.set_blocking(master, False)
    port = os.ttyname(slave)
    log_in(qtbot, till)
    seen: list[str] = []

    def choose_pole(dialog) -> None:
        form = dialog.customer_display
        # the till's own screen is never offered: the customer window would cover it
        seen.extend(form.choices())
        form.choose("pole")
        form.device.setText(port)
        form.baud.setCurrentIndex(form.baud.findData(9600))
        on_next_dialog(qtbot, approve(3001, PINS[3001]), name="approval")
        dialog.findChild(QPushButton, "saveCustomerDisplay").click()
        seen.append(dialog.message.text())
        dialog.accept()

    open_settings(qtbot, till, choose_pole)
    assert seen == ["none", "pole", "Customer display saved"], seen
    assert TerminalConfig(till.terminal.store).get("customer_display") == {
        "kind": "pole", "connection": "serial", "device": port, "baudrate": 9600,
        "charset": "gb18030"}
    scan(qtbot, till.sell_page.scan_field, MILK)
    pole = till.customer.pole
    assert pole is not None and pole.wait_idle()
    got = b""
    while chunk := _read(master):
        got += chunk
    vfd = Vfd()
    vfd.feed(got)
    assert vfd.inits == 1 and vfd.frames[-1][0].endswith("12.50")
    assert vfd.frames[-1][1] == "TOTAL" + "12.50".rjust(15)  # an English till

    def choose_none(dialog) -> None:
        dialog.customer_display.choose("none")
        on_next_dialog(qtbot, approve(3001, PINS[3001]), name="approval")
        dialog.findChild(QPushButton, "saveCustomerDisplay").click()
        seen.append(dialog.message.text())
        dialog.accept()

    open_settings(qtbot, till, choose_none)
    assert seen[-1] == "Customer display saved"
    assert till.customer.pole is None and not till.customer.active
    assert TerminalConfig(till.terminal.store).get("customer_display") == {"kind": "none"}
    os.close(master)
    os.close(slave)


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 4096)
    except BlockingIOError:
        return b""


def test_a_pole_display_without_its_port_refuses_to_be_saved(qtbot, till):
    log_in(qtbot, till)
    seen: list[str] = []

    def choose(dialog) -> None:
        dialog.customer_display.choose("pole")
        dialog.findChild(QPushButton, "saveCustomerDisplay").click()
        seen.append(dialog.message.text())
        dialog.accept()

    open_settings(qtbot, till, choose)
    assert seen == ["A pole display needs its port, e.g. /dev/ttyUSB1 or COM4."]
    assert TerminalConfig(till.terminal.store).get("customer_display") is None


def test_a_display_that_is_gone_shows_in_the_status_bar_and_the_sale_goes_on(
        qtbot, small_store, clock, tmp_path):
    gone = tmp_path / "unplugged" / "ttyUSB1"
    TerminalConfig(small_store).provision("customer_display", {
        "kind": "pole", "connection": "file", "device": str(gone)})
    w = open_window(qtbot, small_store, clock)
    log_in(qtbot, w)
    scan(qtbot, w.sell_page.scan_field, MILK)
    state = w.status.findChild(QLabel, "customerDisplayState")
    qtbot.waitUntil(lambda: state.isVisible() and str(gone) in state.text())
    pay_cash(qtbot, w, "20")
    assert "7.50" in w.sell_page.last_sale.text()
    qtbot.waitUntil(lambda: len(w.paper.receipts) == 1)  # printed, as any sale
    gone.parent.mkdir()  # plugged back in: the next frame clears the fault
    scan(qtbot, w.sell_page.scan_field, BREAD)
    qtbot.waitUntil(lambda: not state.isVisible())


def test_a_screen_that_is_not_connected_is_said_not_shown(qtbot, small_store, clock):
    TerminalConfig(small_store).provision("customer_display", {"kind": "screen",
                                                               "screen": "HDMI-9"})
    w = open_window(qtbot, small_store, clock)
    state = w.status.findChild(QLabel, "customerDisplayState")
    assert w.customer.screen_window is None
    assert state.text() == "Customer display: screen HDMI-9 is not connected"


def test_after_a_language_switch_the_customer_follows_the_new_pages(qtbot, qapp, small_store,
                                                                    clock):
    TerminalConfig(small_store).provision("customer_display", {"kind": "screen",
                                                               "screen": "#1"})
    w = open_window(qtbot, small_store, clock)
    log_in(qtbot, w)
    shown = w.customer.screen_window
    try:
        w.set_language("zh_CN")
        scan(qtbot, w.sell_page.scan_field, MILK)
        assert w.customer.screen_window is shown  # the same window, not a second one
        item = w.checkout.cart.lines[0].item
        assert shown.table.item(0, 0).text() == item.name_zh
        assert shown.names["total"].text() == "合计"
        assert w.customer.status is w.status.findChild(QLabel, "customerDisplayState")
    finally:
        install_language(qapp, "en")


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_settings_with_the_customer_display_still_fit_a_768_pixel_screen(qtbot, speak, lang,
                                                                         small_store, clock):
    speak(lang)
    w = open_window(qtbot, small_store, clock, lang=lang)
    log_in(qtbot, w)
    heights: list[int] = []

    def measure(dialog) -> None:
        heights.append(dialog.sizeHint().height())
        dialog.customer_display.choose("pole")  # its port's row comes up
        QApplication.processEvents()
        heights.append(dialog.sizeHint().height())
        heights.append(dialog.height())
        screen = dialog.screen().availableGeometry()
        fits.append(dialog.width() <= screen.width() and dialog.height() <= screen.height())
        dialog.accept()

    fits: list[bool] = []
    open_settings(qtbot, w, measure)
    assert heights and max(heights) <= 768, heights
    assert fits == [True]  # within its screen, whatever the screen: the body scrolls
