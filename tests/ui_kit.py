"""Driving the real till window in tests: typing as a scanner does, answering modal dialogs."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot


def scan(qtbot: QtBot, field: QLineEdit, code: str) -> None:
    """A keyboard-wedge scanner: a burst of keystrokes ending in Enter."""
    qtbot.keyClicks(field, code)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def on_next_dialog(qtbot: QtBot, answer: Callable[[QWidget], None],
                   then: Callable[[], None] | None = None, name: str | None = None) -> None:
    """When the next modal dialog (named ``name``, if given) opens, ``answer`` it (after
    scheduling ``then``)."""

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or (name is not None and dialog.objectName() != name):
            QTimer.singleShot(10, poll)
            return
        if then is not None:
            then()
        answer(dialog)

    QTimer.singleShot(0, poll)


def type_and_accept(text: str) -> Callable[[QWidget], None]:
    """For a QInputDialog: type ``text`` and press OK."""

    def answer(dialog: QWidget) -> None:
        edit = dialog.findChild(QLineEdit)
        assert edit is not None
        edit.setText(text)
        dialog.accept()  # type: ignore[attr-defined]

    return answer


def approve(staff_id: int, pin: str) -> Callable[[QWidget], None]:
    """For the supervisor approval dialog: type the number and PIN, press OK."""

    def answer(dialog: QWidget) -> None:
        assert dialog.objectName() == "approval", dialog
        dialog.findChild(QLineEdit, "approverId").setText(str(staff_id))
        dialog.findChild(QLineEdit, "approverPin").setText(pin)
        dialog.accept()  # type: ignore[attr-defined]

    return answer


def pay_cash(qtbot: QtBot, window: QWidget, typed: str) -> None:
    """Pay (the Pay button), type the cash handed over in the payment window, Enter."""

    def pay(dialog: QWidget) -> None:
        qtbot.keyClicks(dialog.amount, typed)  # type: ignore[attr-defined]
        qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)  # type: ignore[attr-defined]

    on_next_dialog(qtbot, pay, name="payDialog")
    window.sell_page.pay.click()  # type: ignore[attr-defined]


def log_in(qtbot: QtBot, window: QWidget, staff_id: int = 1001, pin: str | None = None) -> None:
    """Staff number, Enter, PIN, Enter: as a cashier types on the log-in page (the PIN: the
    demo store's, tests/till_kit.py PINS, unless given)."""
    from till_kit import PINS

    page = window.login_page  # type: ignore[attr-defined]
    qtbot.keyClicks(page.staff_id, str(staff_id))
    qtbot.keyClick(page.staff_id, Qt.Key.Key_Return)
    qtbot.keyClicks(page.pin, pin if pin is not None else PINS[staff_id])
    qtbot.keyClick(page.pin, Qt.Key.Key_Return)


class PaperRoll:
    """What the till printed: receipts and slips (objects, the ESC/POS bytes are proven in
    tests/devices), and reports as lines. ``fail``: the printer's next fault."""

    def __init__(self) -> None:
        self.receipts: list = []
        self.reports: list[list[str]] = []
        self.fail: Exception | None = None

    def __call__(self, receipt) -> None:
        if self.fail is not None:
            raise self.fail
        self.receipts.append(receipt)

    def print_lines(self, lines: list[str]) -> None:
        self.reports.append(lines)


def open_window(qtbot: QtBot, store, clock, paper: PaperRoll | None = None,
                lang: str = "en") -> QWidget:
    """The real till window on ``store`` (a simulated card terminal), shown; ``window.paper``
    is its printer."""
    from posclient.app.terminal import Terminal
    from posclient.devices.connect import Devices
    from posclient.devices.payment import SimulatedPaymentTerminal
    from posclient.ui.main_window import MainWindow

    paper = paper or PaperRoll()
    w = MainWindow(Terminal(store, clock=clock, payments=SimulatedPaymentTerminal(),
                            devices=Devices()), lang=lang, printer=paper)
    qtbot.addWidget(w)
    w.show()
    w.paper = paper  # type: ignore[attr-defined]
    return w


def turn_to(qtbot: QtBot, w: QWidget) -> None:
    """The cashier turns to this till: its window is the active one, so its shortcut keys
    (F-keys, Ctrl+R, ...) reach it."""
    w.activateWindow()
    w.sell_page.focus_scan()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
