"""The till in Simplified Chinese: every UI string translated and compiled, and shown.

The .ts and .qm in resources/i18n are built by tools/build_translations.py; its --check fails
when a UI string is new (not in the .ts), untranslated, or the .qm is stale.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import SIGNAL
from PySide6.QtWidgets import QApplication, QComboBox, QPushButton
from till_kit import MILK, PINS
from ui_kit import approve, log_in, on_next_dialog, scan

from posclient.app.terminal import Terminal
from posclient.app.terminal_config import TerminalConfig
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.ui.app import install_language
from posclient.ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]


def test_translations_are_complete_and_the_qm_is_built_from_the_ts():
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "build_translations.py"),
                           "--check"], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture
def chinese(qapp):
    """Our translator and Qt's, installed for one test and removed after it."""
    translators = install_language(qapp, "zh_CN")
    yield translators
    for t in translators:
        QApplication.removeTranslator(t)


def build_window(qtbot, store, clock, lang: str) -> MainWindow:
    terminal = Terminal(store, clock=clock, payments=SimulatedPaymentTerminal())
    w = MainWindow(terminal, lang=lang, printer=lambda receipt: None)
    qtbot.addWidget(w)
    w.show()
    return w


def due_after_scanning_milk(qtbot, w: MainWindow) -> str:
    log_in(qtbot, w)
    scan(qtbot, w.sell_page.scan_field, MILK)  # 12.50
    seen: list[str] = []

    def look(dialog) -> None:
        seen.append(dialog.due.text())
        dialog.reject()

    on_next_dialog(qtbot, look, name="payDialog")
    w.sell_page.pay.click()
    assert seen, "the pay dialog did not open"
    return seen[0]


def test_the_till_speaks_chinese_with_the_translator_installed(qtbot, small_store, clock,
                                                                chinese):
    assert any(t.filePath().endswith("posclient_zh_CN.qm") for t in chinese)
    w = build_window(qtbot, small_store, clock, "zh_CN")
    assert w.login_page.title.text() == "收银员登录"
    assert w.login_page.staff_label.text() == "工号"
    assert w.windowTitle() == "收银机 T01 · 示范门店"
    buttons = w.sell_page.buttons
    assert buttons["suspend"].text() == "挂单\nF8"
    assert buttons["resume"].text() == "取单\nF9"
    assert buttons["change_price"].text() == "改价\nF3"
    assert buttons["sale_discount"].text() == "整单折扣\nF5"
    header = w.sell_page.table.horizontalHeaderItem
    assert [header(c).text() for c in range(6)] == ["序号", "商品", "数量", "单价", "优惠", "金额"]
    status = w.status
    assert status.state.text() == "○ 未注册"
    assert status.waiting.text() == "待上传：0"
    assert status.last.text() == "上次同步：—"
    assert status.where.text() == "门店 S001 · 收银机 T01"
    assert status.printer.text() == "打印机就绪"

    assert due_after_scanning_milk(qtbot, w) == "应收 ¥12.50"
    assert status.who.text() == "收银员：张伟 (1001)"
    assert w.sell_page.total.text() == "合计 ¥12.50"
    assert w.sell_page.message.text() == "伊利 纯牛奶 250ml  ¥12.50"


def test_english_is_the_source_text_and_stays_english(qtbot, small_store, clock, qapp):
    assert install_language(qapp, "en") == []
    w = build_window(qtbot, small_store, clock, "en")
    assert w.login_page.title.text() == "Log in"
    assert w.sell_page.buttons["suspend"].text() == "Suspend\nF8"
    assert w.sell_page.buttons["change_price"].text() == "Price\nF3"
    header = w.sell_page.table.horizontalHeaderItem
    assert [header(c).text() for c in range(6)] == ["#", "Item", "Qty", "Price", "Discount",
                                                    "Total"]
    assert w.status.state.text() == "○ Not enrolled"
    assert w.status.waiting.text() == "Waiting to upload: 0"
    assert w.status.last.text() == "Last sync: —"
    assert w.status.where.text() == "Store S001 · Till T01"
    assert w.status.printer.text() == "Printer ready"
    assert due_after_scanning_milk(qtbot, w) == "Due ¥12.50"
    assert w.status.who.text() == "Cashier: 张伟 (1001)"
    assert w.sell_page.total.text() == "Total ¥12.50"


def test_the_app_has_its_theme_and_icon():
    from posclient.ui.app import make_app

    app = make_app()
    try:
        assert not app.windowIcon().isNull()
        assert "QLineEdit#scan" in app.styleSheet()
    finally:
        app.setStyleSheet("")  # the other tests run unthemed, as before


def test_a_manager_switches_the_till_to_chinese_and_back_with_the_sale_kept(
        qtbot, small_store, clock, qapp):
    w = build_window(qtbot, small_store, clock, "en")
    log_in(qtbot, w)
    scan(qtbot, w.sell_page.scan_field, MILK)
    cart = w.checkout.cart

    def switch_to(lang: str) -> None:
        def choose(dialog) -> None:
            combo = dialog.findChild(QComboBox, "language")
            combo.setCurrentIndex(combo.findData(lang))
            on_next_dialog(qtbot, approve(3001, PINS[3001]), name="approval")
            dialog.findChild(QPushButton, "saveLanguage").click()

        on_next_dialog(qtbot, choose, name="settings")
        w.sell_page.settings()
        assert QApplication.activeModalWidget() is None  # the settings dialog closed itself

    first_page = w.sell_page
    try:
        switch_to("zh_CN")
        qtbot.waitUntil(lambda: not shiboken6.isValid(first_page))  # the old page is gone
        assert w.lang == "zh_CN" and w.windowTitle() == "收银机 T01 · 示范门店"
        assert w.sell_page.buttons["suspend"].text() == "挂单\nF8"
        assert w.status.who.text() == "收银员：张伟 (1001)"
        assert w.stack.currentWidget() is w.sell_page
        assert w.checkout.cart is cart and w.sell_page.table.rowCount() == 1  # the sale stays
        assert w.sell_page.total.text() == "合计 ¥12.50"
        assert TerminalConfig(small_store).get("language") == "zh_CN"  # and at the next start
        scan(qtbot, w.sell_page.scan_field, MILK)  # the new page sells on
        assert w.sell_page.table.rowCount() == 1 and cart.lines[0].qty == 2

        switch_to("en")
        assert w.sell_page.buttons["suspend"].text() == "Suspend\nF8"
        for signal in ("pay_requested()", "settings_requested()"):  # one window slot each
            assert w.sell_page.receivers(SIGNAL(signal)) == 1
        assert w.sell_page.total.text() == "Total ¥25.00"
    finally:
        install_language(qapp, "en")  # no translator left for the next tests
