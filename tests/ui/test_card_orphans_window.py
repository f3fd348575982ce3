"""The till window after a till stopped between a card approval and the sale: after a log-in
the manager's dialog lists each card payment without a sale (amount, time, goods), and resolves
it either way: reversed on the card terminal, or completed as a sale of its goods (a cashier
needs a manager's PIN)."""

from __future__ import annotations

from card_orphans_kit import abandon_after_approval, settle, terminal_memory
from till_kit import BREAD, MILK
from ui_kit import approve, log_in, on_next_dialog

from posclient.app.terminal import Terminal
from posclient.devices.payment import SimulatedPaymentTerminal, simulator_state
from posclient.ui.main_window import MainWindow


def open_window(qtbot, till, clock):
    terminal = Terminal(till.store, clock=clock,
                        payments=SimulatedPaymentTerminal(state=simulator_state(till.path)))
    terminal.card_recovery().check_at_start()  # as `posclient till` does before the window
    w = MainWindow(terminal, lang="en")
    qtbot.addWidget(w)
    w.show()
    return w


def rows(dialog) -> list[list[str]]:
    t = dialog.table
    return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]


def test_a_manager_reverses_a_card_payment_without_a_sale_after_logging_in(qtbot, till, clock):
    ref = abandon_after_approval(till.path, clock, MILK)
    settle(till.path)  # refused at start ...
    w = open_window(qtbot, till, clock)
    memory = SimulatedPaymentTerminal(state=simulator_state(till.path))
    memory.settled.clear()  # ... the bank re-opened the batch: the manager can reverse it now
    memory._save()
    w.terminal.payments = SimulatedPaymentTerminal(state=simulator_state(till.path))
    seen: dict[str, object] = {}

    def resolve(dialog) -> None:
        seen["rows"] = rows(dialog)
        dialog.reverse_button.click()
        qtbot.waitUntil(lambda: dialog.last is not None, timeout=5000)
        seen["message"] = dialog.message.text()
        seen["left"] = dialog.table.rowCount()
        dialog.reject()

    on_next_dialog(qtbot, resolve, name="cardOrphans")
    log_in(qtbot, w, 3001)
    qtbot.waitUntil(lambda: "left" in seen, timeout=5000)
    [row] = seen["rows"]
    assert row[1] == "Yili Pure Milk 250ml ×1" and row[2] == "¥12.50"
    assert seen["message"] == f"Reversed on the card terminal: {ref}" and seen["left"] == 0
    assert terminal_memory(till.path).reversed == [ref]
    assert w.terminal.card_recovery().open() == []


def test_a_cashier_completes_it_as_a_sale_with_a_managers_pin(qtbot, till, clock):
    ref = abandon_after_approval(till.path, clock, MILK, BREAD)
    settle(till.path)
    w = open_window(qtbot, till, clock)
    seen: dict[str, object] = {}

    def resolve(dialog) -> None:
        on_next_dialog(qtbot, approve(3001, "3333"), name="approval")
        dialog.complete_button.click()
        qtbot.waitUntil(lambda: dialog.last is not None, timeout=5000)
        seen["message"] = dialog.message.text()
        dialog.reject()

    on_next_dialog(qtbot, resolve, name="cardOrphans")
    log_in(qtbot, w)  # a cashier
    qtbot.waitUntil(lambda: "message" in seen, timeout=5000)
    assert seen["message"] == "Completed as sale S001-T01-000001"
    c = w.terminal.store.conn
    assert c.execute("SELECT total FROM sales").fetchall() == [(2050,)]
    assert c.execute("SELECT resolution, resolved_by FROM payment_journal").fetchone() == (
        "completed", 3001)
    assert list(terminal_memory(till.path).authorized) == [ref]  # not charged again


def test_a_refused_reversal_is_shown_and_the_manager_refunds_to_the_card_instead(qtbot, till,
                                                                                 clock):
    ref = abandon_after_approval(till.path, clock, MILK)
    settle(till.path)
    w = open_window(qtbot, till, clock)
    seen: dict[str, object] = {}

    def resolve(dialog) -> None:
        dialog.reverse_button.click()
        qtbot.waitUntil(lambda: dialog.message.property("error") is True, timeout=5000)
        seen["refused"] = dialog.message.text()
        seen["still"] = dialog.table.rowCount()
        dialog.refund_button.click()
        qtbot.waitUntil(lambda: dialog.last is not None, timeout=5000)
        seen["message"] = dialog.message.text()
        seen["left"] = dialog.table.rowCount()
        dialog.reject()

    on_next_dialog(qtbot, resolve, name="cardOrphans")
    log_in(qtbot, w, 3001)
    qtbot.waitUntil(lambda: "left" in seen, timeout=5000)
    assert "cannot reverse 12.50" in str(seen["refused"]) and seen["still"] == 1
    assert seen["message"] == f"Refunded to the card: {ref}" and seen["left"] == 0
    assert len(terminal_memory(till.path).refunded) == 1


def test_in_chinese_the_dialog_and_its_refusals_are_chinese(qtbot, till, clock):
    from PySide6.QtWidgets import QApplication

    from posclient.ui.app import install_language

    abandon_after_approval(till.path, clock, MILK)
    settle(till.path)
    install_language(QApplication.instance(), "zh_CN")
    try:
        terminal = Terminal(till.store, clock=clock,
                            payments=SimulatedPaymentTerminal(state=simulator_state(till.path)))
        terminal.card_recovery().check_at_start()
        w = MainWindow(terminal, lang="zh_CN")
        qtbot.addWidget(w)
        w.show()
        seen: dict[str, object] = {}

        def resolve(dialog) -> None:
            seen["title"] = dialog.windowTitle()
            seen["goods"] = rows(dialog)[0][1]
            dialog.reverse_button.click()
            qtbot.waitUntil(lambda: dialog.message.property("error") is True, timeout=5000)
            seen["refused"] = dialog.message.text()
            dialog.reject()

        on_next_dialog(qtbot, resolve, name="cardOrphans")
        log_in(qtbot, w, 3001)
        qtbot.waitUntil(lambda: "refused" in seen, timeout=5000)
    finally:
        install_language(QApplication.instance(), "en")
    assert seen["title"] == "未成交的银行卡付款"
    assert seen["goods"] == "伊利 纯牛奶 250ml ×1"
    assert seen["refused"] == ("刷卡机无法撤销 ¥12.50（无法撤销：该批次已结算）。"
                               "请将其补记为商品销售，或以其他方式退款给顾客。")


def test_the_store_reconciliation_lists_them_offline_from_the_tills_own_figures(qtbot, till,
                                                                               clock):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    ref = abandon_after_approval(till.path, clock, MILK)
    other = abandon_after_approval(till.path, clock, BREAD)
    settle(till.path)
    w = open_window(qtbot, till, clock)
    manager = w.terminal.staff.login(3001, "3333")
    w.terminal.card_recovery().refund(manager, ref)
    seen: dict[str, object] = {}

    def read(dialog) -> None:
        try:
            qtbot.waitUntil(lambda: dialog.loaded)
            t = dialog.orphan_table
            seen["rows"] = [[t.item(r, c).text() for c in range(t.columnCount())]
                            for r in range(t.rowCount())]
            seen["tab"] = dialog.tabs.tabText(4)
        finally:
            dialog.reject()

    on_next_dialog(qtbot, lambda d: d.reject(), name="cardOrphans")  # the one still open
    log_in(qtbot, w, 3001)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    on_next_dialog(qtbot, read, name="reconcile")
    w.activateWindow()
    w.sell_page.focus_scan()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    qtbot.keyClick(w.sell_page.scan_field, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "rows" in seen, timeout=5000)
    till_id = w.terminal.settings.terminal_id
    assert seen["rows"] == [[till_id, ref, "¥12.50", "refunded to the card", "-"],
                            [till_id, other, "¥8.00", "open: charged, nothing sold", "-"]]
    assert seen["tab"] == "Card payments without a sale (2)"
