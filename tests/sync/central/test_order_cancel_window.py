"""The till's screen for cancelling an order placed at a till (issue 18), against the real central
over HTTP: store A takes a deposit for an order store B holds; the customer comes back with its
number. On Ctrl+R the central answers "nothing collected", and the returns screen offers to cancel
the order and give back the deposit in cash, saying what the order is. A supervisor goes straight
through; a cashier is asked for a supervisor's PIN; the drawer opens, the slip prints, the message
line says what to hand back and the sync engine sends it at once. Offline the till refuses with
the app's message. In English and Chinese."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTranslator
from PySide6.QtWidgets import QLineEdit
from test_aisle_cancel_with_central import deposit, tills  # noqa: F401
from test_aisle_with_central import held_at, live  # noqa: F401
from ui_kit import PaperRoll, approve, log_in, on_next_dialog, scan

from posclient.app.terminal import Terminal
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.ui.app import install_language
from posclient.ui.main_window import MainWindow


@pytest.fixture
def zh(qapp):
    ours = QTranslator(qapp)
    assert ours.load("posclient_zh_CN", str(Path(__file__).parents[3] / "resources" / "i18n"))
    translators = [*install_language(qapp, "zh_CN"), ours]
    qapp.installTranslator(ours)
    yield
    for t in translators:
        qapp.removeTranslator(t)


class Drawer:
    """The cash drawer: its kicks counted."""

    connected = True

    def __init__(self) -> None:
        self.kicks = 0

    def open(self) -> None:
        self.kicks += 1


def window(qtbot, till, staff_id: int, pin: str, lang: str = "en", online: bool = True):
    paper = PaperRoll()
    w = MainWindow(Terminal(till.store, clock=till.clock, payments=SimulatedPaymentTerminal()),
                   lang=lang, engine=till.engine if online else None, printer=paper)
    w.terminal.drawer = Drawer()
    qtbot.addWidget(w)
    w.show()
    log_in(qtbot, w, staff_id, pin)
    w.paper = paper
    return w


def ask_to_cancel(qtbot, w, order_no: str, then=None) -> dict[str, object]:
    """Ctrl+R's button, the order's number typed, then ``then(dialog)`` once the offer shows;
    what the dialog showed."""
    seen: dict[str, object] = {}

    def answer(dialog) -> None:
        try:
            scan(qtbot, dialog.findChild(QLineEdit, "returnQuery"), order_no)
            qtbot.waitUntil(lambda: dialog.cancel_offer.isVisible(), timeout=10_000)
            seen.update(what=dialog.cancel_offer.what.text(),
                        button=dialog.cancel_offer.button.text(), said=dialog.message.text())
            need = dialog.minimumSizeHint()  # readable on a 1024x768 till
            assert need.width() <= 1024 and need.height() <= 768, need
            assert dialog.cancel_offer.button.sizeHint().width() <= 1024
            if then is not None:
                then(dialog)
        finally:
            if dialog.isVisible():
                seen["message"] = dialog.message.text()
                dialog.cancel_offer.busy = False
                dialog.reject()

    on_next_dialog(qtbot, answer, name="returns")
    w.sell_page.buttons["returns"].click()
    return seen


def press(qtbot):
    def then(dialog) -> None:
        dialog.cancel_offer.button.click()
        checking = dialog.message.text()
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
        assert checking in ("Checking with the central…", "正在向总部确认…")
    return then


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_a_supervisor_cancels_from_the_returns_screen(qtbot, live, tills, lang,  # noqa: F811
                                                      request):
    if lang.startswith("zh"):
        request.getfixturevalue("zh")
    url, _ = live
    a, _, _ = tills
    order = deposit(a)  # 1.00 paid at A for 2 milk B holds
    a.engine.start(interval=3600)  # only a nudge sends the next event soon
    try:
        w = window(qtbot, a, 1002, "1212", lang)
        seen = ask_to_cancel(qtbot, w, order.order_no, press(qtbot))
        zh = lang.startswith("zh")
        if zh:
            assert seen["button"] == "取消订单，现金退还 ¥1.00"
            assert seen["what"] == (f"订单 {order.order_no} · 2 × 伊利 纯牛奶 250ml · 在S2店提货 · "
                                    "已付 ¥1.00 · 尚未提货")
        else:
            assert seen["button"] == "Cancel the order and give back ¥1.00 in cash"
            assert seen["what"] == (f"Order {order.order_no} · 2 × Yili Milk 250ml · collect at "
                                    "Store S2 · paid ¥1.00 · nothing collected yet")
        assert "message" not in seen, seen  # it closed: done
        qtbot.waitUntil(lambda: w.terminal.drawer.kicks == 1, timeout=10_000)
        qtbot.waitUntil(lambda: len(w.paper.receipts) == 1, timeout=10_000)
        slip = w.paper.receipts[0]
        assert slip.total.minor == 100 and order.order_no in slip.lines[0].name
        line = w.sell_page.last_sale.text()
        if zh:
            assert line.startswith(f"订单 {order.order_no} 已取消 · 退货单 ")
            assert "¥1.00" in line
        else:
            assert line.startswith(f"Order {order.order_no} cancelled · return ")
            assert line.endswith("give back ¥1.00 in cash")
        conn = a.store.conn
        qtbot.waitUntil(lambda: conn.execute(  # nudged: sent now, not in an hour
            "SELECT status FROM outbox WHERE type = 'return'").fetchone()[0] == "sent",
            timeout=10_000)
        assert held_at(url, "S2") == 0
    finally:
        a.engine.stop()


def test_a_cashier_needs_a_supervisors_pin(qtbot, live, tills):  # noqa: F811
    a, _, c = tills  # c: another till of store A, which did not place it
    order = deposit(a)
    w = window(qtbot, c, 1001, "1111")
    asked: list[str] = []

    def then(dialog) -> None:
        def pin(approval) -> None:
            asked.append("asked")
            approve(1002, "1212")(approval)

        on_next_dialog(qtbot, pin, name="approval")
        press(qtbot)(dialog)

    seen = ask_to_cancel(qtbot, w, order.order_no, then)
    assert asked == ["asked"]
    assert seen["button"] == "Cancel the order and give back its money in cash"  # not known here
    assert "message" not in seen, seen
    qtbot.waitUntil(lambda: w.terminal.drawer.kicks == 1, timeout=10_000)
    assert c.store.conn.execute(
        "SELECT approved_by FROM returns").fetchone()[0] == 1002


def test_a_cashier_without_the_pin_cancels_nothing(qtbot, live, tills):  # noqa: F811
    url, _ = live
    a, _, _ = tills
    order = deposit(a)
    w = window(qtbot, a, 1001, "1111")

    def then(dialog) -> None:
        on_next_dialog(qtbot, lambda approval: approval.reject(), name="approval")
        dialog.cancel_offer.button.click()

    seen = ask_to_cancel(qtbot, w, order.order_no, then)
    assert "message" in seen  # still open: nothing done
    assert w.terminal.drawer.kicks == 0
    assert held_at(url, "S2") == 2
    assert a.store.conn.execute("SELECT count(*) FROM returns").fetchone()[0] == 0


def test_offline_the_screen_says_the_till_cannot_know(qtbot, live, tills):  # noqa: F811
    url, _ = live
    a, _, _ = tills
    order = deposit(a)
    w = window(qtbot, a, 1002, "1212", online=False)

    def then(dialog) -> None:
        dialog.cancel_offer.button.click()

    seen = ask_to_cancel(qtbot, w, order.order_no, then)
    assert seen["message"] == ("Offline: an order placed at a till cannot be cancelled now "
                               "(this till cannot know whether it was collected). Try again "
                               "when the central is reachable")
    assert w.terminal.drawer.kicks == 0
    assert held_at(url, "S2") == 2


def test_the_network_gone_at_the_click_is_the_same_refusal(qtbot, live, tills):  # noqa: F811
    url, injector = live
    a, _, _ = tills
    order = deposit(a)
    w = window(qtbot, a, 1002, "1212")

    def then(dialog) -> None:
        injector.configure(1.0, ("drop_request",))
        dialog.cancel_offer.button.click()
        qtbot.waitUntil(lambda: not dialog.cancel_offer.busy, timeout=30_000)

    seen = ask_to_cancel(qtbot, w, order.order_no, then)
    injector.heal()
    assert str(seen["message"]).startswith("Offline: an order placed at a till cannot be "
                                           "cancelled now")
    assert w.terminal.drawer.kicks == 0
    assert held_at(url, "S2") == 2
