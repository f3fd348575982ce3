"""Accessibility: every control of every screen has an accessible name (for a screen reader), in
both languages; every screen is used by keyboard alone: Tab visits each control and never leaves
the screen, a control Tab skips has its key, Escape closes the screen, Enter does what the
screen's default action says. At the tills' screen sizes, in both languages."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractButton, QApplication, QTabWidget, QWidget
from till_kit import MILK, PINS
from ui_kit import log_in, on_next_dialog, open_window, scan

from posclient.ui import a11y
from posclient.ui.sell_actions import ACTIONS
from posclient.ui.tour import screens, tour
from posclient.ui.widgets import ApprovalDialog

SIZES = [("en", 1024, 768), ("zh", 1024, 768), ("en", 1366, 768), ("zh", 1366, 768)]


@pytest.fixture(params=SIZES, ids=lambda p: f"{p[0]}-{p[1]}x{p[2]}")
def window(request, qtbot, qapp, speak, small_store, clock):
    lang, width, height = request.param
    speak(lang)
    w = open_window(qtbot, small_store, clock, lang=lang)
    w.resize(width, height)
    yield w


def describe(w: QWidget) -> str:
    return f"{type(w).__name__}#{w.objectName() or '?'} {getattr(w, 'text', lambda: '')()!r}"


def unnamed(root: QWidget) -> list[str]:
    return [describe(w) for w in a11y.controls(root) if not w.accessibleName().strip()]


def control_of(w: QWidget | None) -> QWidget | None:
    """The control a focused widget belongs to (a spin box for its own line edit)."""
    while w is not None and not a11y.is_control(w):
        w = w.parentWidget()
    return w


def keys_in(root: QWidget) -> set[str]:
    """The key sequences that work in ``root``'s window: its shortcuts and its buttons'."""
    found = {s.key().toString() for s in root.window().findChildren(QShortcut)}
    found |= {b.shortcut().toString() for b in root.window().findChildren(QAbstractButton)}
    return {k for k in found if k}


def walk(qtbot, root: QWidget, steps: int = 80) -> tuple[list[QWidget], list[str]]:
    """Tab from the focused control until focus comes back; the order and what went wrong."""
    problems: list[str] = []
    root.window().activateWindow()  # a dialog just shown: its first focus once it is active
    qtbot.waitUntil(lambda: QApplication.activeWindow() is root.window())
    start = control_of(QApplication.focusWidget())
    if start is None or start.window() is not root.window():
        return [], [f"no first focus in {describe(root)}: {QApplication.focusWidget()}"]
    order = [start]
    for _ in range(steps):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        now = QApplication.focusWidget()
        if now is None or now.window() is not root.window():
            problems.append(f"Tab left {describe(root)} after {describe(order[-1])}")
            break
        now = control_of(now)
        if now is start:
            break
        if now is not None and now not in order:
            order.append(now)
    else:
        problems.append(f"Tab never came back to {describe(start)} in {describe(root)}")
    return order, problems


def keyboard_problems(qtbot, root: QWidget) -> list[str]:
    """Every control Tab can reach is visited, focus stays in the screen; a button Tab skips
    names its key in its description, and that key works in the window. On every page of a
    tabbed screen."""
    problems: list[str] = []
    for tabs in root.findChildren(QTabWidget):
        first = tabs.currentIndex()
        for i in range(tabs.count()):
            if i != first:
                tabs.setCurrentIndex(i)
                tabs.setFocus()
                problems += [f"page {tabs.tabText(i)}: {p}" for p in page_problems(qtbot, root)]
        tabs.setCurrentIndex(first)
        tabs.setFocus()
    return page_problems(qtbot, root) + problems


def page_problems(qtbot, root: QWidget) -> list[str]:
    order, problems = walk(qtbot, root)
    reachable = [w for w in a11y.controls(root) if a11y.tab_reachable(w)]
    problems += [f"Tab never reaches {describe(w)}" for w in reachable if w not in order]
    keys = keys_in(root) | {"Enter", "Esc", "Return"}
    for b in a11y.controls(root):
        if not isinstance(b, QAbstractButton) or a11y.tab_reachable(b) or not b.isEnabled():
            continue
        if b.objectName() == "keypad":  # the keyboard's own digits do what it does
            continue
        said = b.accessibleDescription()
        if not any(QKeySequence(k).toString() in said.split() or k in said.split()
                   for k in keys):
            problems.append(f"{describe(b)} is reached neither by Tab nor by a key "
                            f"({said!r}, keys {sorted(keys)})")
    return problems


@dataclass
class Inspector:
    """Sees each screen the tour opens: its names, its Tab walk, then Escape closes it."""

    qtbot: object
    problems: list[str] = field(default_factory=list)
    walked: dict[str, list[str]] = field(default_factory=dict)

    def __call__(self, modal: QWidget) -> None:
        self.problems += [f"{describe(modal)}: {u} has no name" for u in unnamed(modal)]
        self.problems += keyboard_problems(self.qtbot, modal)
        self.walked[modal.objectName() or type(modal).__name__] = [
            w.accessibleName() for w in walk(self.qtbot, modal)[0]]
        self.qtbot.keyClick(QApplication.focusWidget() or modal, Qt.Key.Key_Escape)
        if modal.isVisible():
            self.problems.append(f"Escape did not close {describe(modal)}")


def test_every_screen_is_named_and_walked_by_keyboard_and_closed_by_escape(qtbot, window):
    inspector = Inspector(qtbot)
    visits = tour(window, 3001, PINS[3001], inspect=inspector)
    assert all(v.ok for v in visits), [v for v in visits if not v.ok]
    assert len(inspector.walked) >= len(screens(window)) - 1  # pay and stock look-up: own
    assert not inspector.problems, "\n".join(inspector.problems)


def test_the_sell_page_names_its_parts_and_has_a_key_for_every_button(qtbot, window):
    log_in(qtbot, window)
    page = window.sell_page
    scan(qtbot, page.scan_field, MILK)
    assert not unnamed(window), "\n".join(unnamed(window))
    for label in (page.total, page.message, page.totals, page.member, window.status.state,
                  window.status.printer, window.status.waiting):
        assert label.accessibleName(), describe(label)
    assert "12.50" in page.total.accessibleDescription() or \
        "12.50" in page.total.accessibleName()
    assert {QKeySequence(k).toString() for k, _, _ in ACTIONS} <= keys_in(page)
    problems = keyboard_problems(qtbot, window)
    assert not problems, "\n".join(problems)
    assert QApplication.focusWidget() is page.scan_field  # Tab never strands the scanner


def test_the_login_page_is_named_and_walked_number_enter_pin_enter(qtbot, window):
    page = window.login_page
    page.staff_id.setFocus()
    assert not unnamed(window), "\n".join(unnamed(window))
    order, problems = walk(qtbot, window)
    assert problems == [] and order[:2] == [page.staff_id, page.pin]
    page.staff_id.setFocus()
    qtbot.keyClicks(page.staff_id, "1001")
    qtbot.keyClick(page.staff_id, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is page.pin
    qtbot.keyClicks(page.pin, PINS[1001])
    qtbot.keyClick(page.pin, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.sell_page


def test_the_approval_dialog_is_named_walked_and_closed_by_escape(qtbot, window):
    dialog = ApprovalDialog("why")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.staff_id.setFocus()
    assert not unnamed(dialog), "\n".join(unnamed(dialog))
    problems = keyboard_problems(qtbot, dialog)
    assert not problems, "\n".join(problems)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert not dialog.isVisible() and dialog.result() == 0


def test_search_and_resume_are_walked_and_their_enter_does_what_it_says(qtbot, window):
    log_in(qtbot, window)
    page = window.sell_page
    inspector = Inspector(qtbot)

    def choose(dialog) -> None:  # names, Tab, then Enter adds the first product found
        inspector.problems.extend(f"{u} has no name" for u in unnamed(dialog))
        inspector.problems.extend(keyboard_problems(qtbot, dialog))
        dialog.query.setFocus()
        qtbot.keyClick(dialog.query, Qt.Key.Key_Return)

    on_next_dialog(qtbot, choose)
    qtbot.keyClicks(page.scan_field, "milk")
    qtbot.keyClick(page.scan_field, Qt.Key.Key_Return)
    assert not inspector.problems, "\n".join(inspector.problems)
    assert page.table.rowCount() == 1
    page.suspend()

    def resume(dialog) -> None:  # Enter resumes the selected sale
        inspector.problems.extend(f"{u} has no name" for u in unnamed(dialog))
        inspector.problems.extend(keyboard_problems(qtbot, dialog))
        dialog.list.setFocus()
        qtbot.keyClick(dialog.list, Qt.Key.Key_Return)

    on_next_dialog(qtbot, resume, name="resume")
    page.resume()
    assert not inspector.problems, "\n".join(inspector.problems)
    assert page.table.rowCount() == 1


def test_pay_enter_on_an_empty_amount_takes_cash_for_all_that_is_due(qtbot, window):
    log_in(qtbot, window)
    page = window.sell_page
    scan(qtbot, page.scan_field, MILK)
    problems: list[str] = []

    def pay(dialog) -> None:
        problems.extend(f"{u} has no name" for u in unnamed(dialog))
        problems.extend(keyboard_problems(qtbot, dialog))
        dialog.amount.setFocus()
        qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)

    on_next_dialog(qtbot, pay, name="payDialog")
    qtbot.keyClick(page.scan_field, Qt.Key.Key_Return)
    assert not problems, "\n".join(problems)
    assert window.last_sale is not None and window.last_sale.change.minor == 0
    said = page.last_sale.accessibleName()  # what a screen reader says of the change line
    assert window.last_sale.receipt_no in said and "¥0.00" in said
    assert said.startswith("上一笔交易" if window.lang.startswith("zh") else "Last sale")


def test_enter_after_a_count_moves_on_and_never_closes_the_count(qtbot, window):
    from posclient.ui.shift import CountDialog, MoveDialog

    count = CountDialog("Float", "CNY", window.lang)
    qtbot.addWidget(count)
    count.show()
    assert not unnamed(count), "\n".join(unnamed(count))
    problems = keyboard_problems(qtbot, count)
    assert not problems, "\n".join(problems)
    first = next(iter(count.spins.values()))
    first.setFocus()
    qtbot.keyClicks(QApplication.focusWidget(), "2")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert count.isVisible() and first.value() == 2  # still counting
    assert control_of(QApplication.focusWidget()) is not first  # on to the next one
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert not count.isVisible()
    move = MoveDialog("Cash in")
    qtbot.addWidget(move)
    move.show()
    move.amount.setFocus()
    qtbot.keyClicks(move.amount, "50")
    qtbot.keyClick(move.amount, Qt.Key.Key_Return)
    assert move.isVisible() and move.focusWidget() is move.reason


def test_names_are_in_the_till_s_language(qtbot, window):
    log_in(qtbot, window)
    page = window.sell_page
    zh = window.lang.startswith("zh")
    assert page.scan_field.accessibleName() == ("扫码框" if zh else "Scan field")
    assert window.status.printer.accessibleName().startswith("打印机" if zh else "Printer")


def test_the_other_screens_are_named_walked_and_closed_by_escape(qtbot, window):
    """Card payments without a sale (Ctrl+J), the X report, the no-sale question, the reprint's
    number, a supervisor's approval (a cashier opening the reconciliation)."""
    from posclient.ui.shift import ShiftDialog
    from posclient.ui.tour import visit

    log_in(qtbot, window, 3001)  # a manager
    inspector = Inspector(qtbot)
    shift = ShiftDialog(window.terminal.shifts(window.session), window.lang, None, None,
                        parent=window)
    qtbot.addWidget(shift)
    opened = [visit("card orphans", window.open_card_orphans, inspector),
              visit("x report", shift.x_report, inspector),
              visit("no sale", window.no_sale, inspector),
              visit("reprint", window.reprint, inspector)]
    window.switch_cashier()
    window.log_in(1001, PINS[1001])  # a cashier: the reconciliation asks a manager's PIN
    opened.append(visit("approval", window.open_reconcile, inspector))
    assert [v.opened for v in opened] == ["CardOrphansDialog", "ReportDialog", "QMessageBox",
                                          "QInputDialog", "ApprovalDialog"], opened
    assert not inspector.problems, "\n".join(inspector.problems)


def test_the_locked_page_is_walked_pin_then_switch_cashier(qtbot, window):
    log_in(qtbot, window)
    window.lock()
    page = window.login_page
    assert not unnamed(window), "\n".join(unnamed(window))
    order, problems = walk(qtbot, window)
    assert not problems and order[:2] == [page.pin, page.switch], (order, problems)
    qtbot.keyClicks(page.pin, PINS[1001])
    qtbot.keyClick(page.pin, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.sell_page


def test_a_new_till_s_set_up_page_is_named_and_walked(qtbot, qapp, tmp_path, clock):
    from posclient.app.terminal import Terminal
    from posclient.devices.payment import SimulatedPaymentTerminal, simulator_state
    from posclient.store.db import Store
    from posclient.ui.main_window import MainWindow

    store = Store.open(tmp_path / "new.db", create=True)
    w = MainWindow(Terminal(store, clock=clock, payments=SimulatedPaymentTerminal(
        state=simulator_state(store.path))), lang="en")
    qtbot.addWidget(w)
    w.show()
    assert w.stack.currentWidget() is w.setup_page
    w.setup_page.server.setFocus()
    assert not unnamed(w), "\n".join(unnamed(w))
    order, problems = walk(qtbot, w)
    page = w.setup_page
    assert not problems and order[:4] == [page.server, page.code, page.name, page.button]
    w.close()
    store.close()
