"""Ctrl+K at the till: find a member by phone or card and attach them (the lines take the tier's
prices), sign a new member up with their consent (marketing apart, off unless ticked), pay
with points (F3 in the payment window), withdraw consents (the membership: the sale goes on as
a guest's), and the refusals: an unknown member, no consent, more points than the member has."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QCheckBox, QLineEdit, QMessageBox, QPushButton
from till_kit import MILK, add_member
from ui_kit import log_in, on_next_dialog, open_window, scan

PHONE = "13812341234"


@pytest.fixture
def window(qtbot, small_store, clock):
    with small_store.write() as c:
        add_member(c, 7, "8800000007", "陈小明", PHONE, "gold", 1000)
        c.execute("INSERT INTO prices (product_id, price_list, amount) VALUES (1, 'gold', 1100)")
    return open_window(qtbot, small_store, clock)


def member_dialog(qtbot, steps):
    """Answer the member dialog: ``steps(dialog)``, recording its message, then close it."""
    seen: list[str] = []

    def answer(dialog) -> None:
        steps(dialog)
        seen.append(dialog.findChild(type(dialog.message), "memberFound").text())
        seen.append(dialog.message.text())
        if dialog.isVisible():
            dialog.reject()

    on_next_dialog(qtbot, answer, name="memberDialog")
    return seen


def ctrl_k(qtbot, w) -> None:
    qtbot.keyClick(w.sell_page.scan_field, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)


def find(qtbot, code: str, attach: bool = True):
    def steps(dialog) -> None:
        field = dialog.findChild(QLineEdit, "memberCode")
        field.setText(code)
        qtbot.keyClick(field, Qt.Key.Key_Return)
        if attach and dialog.findChild(QPushButton, "memberAttach").isEnabled():
            dialog.findChild(QPushButton, "memberAttach").click()
    return steps


def test_find_by_phone_attach_and_pay_with_points(qtbot, window):
    w = window
    log_in(qtbot, w)
    scan(qtbot, w.sell_page.scan_field, MILK)
    assert "12.50" in w.sell_page.total.text()
    seen = member_dialog(qtbot, find(qtbot, PHONE))
    ctrl_k(qtbot, w)
    assert seen[0] == "陈** ****1234 · gold · 1000 points"
    assert "陈** ****1234" in w.sell_page.member.text()
    assert "11.00" in w.sell_page.total.text()  # the gold price

    def pay(dialog) -> None:
        dialog.amount.setText("5000")  # more than the member has
        dialog.points_button.click()
        refused.append(dialog.message.text())
        dialog.amount.setText("-3")
        dialog.points_button.click()
        refused.append(dialog.message.text())
        dialog.amount.setText("600")  # 6.00
        dialog.points_button.click()
        qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)  # the rest in cash

    refused: list[str] = []
    on_next_dialog(qtbot, pay, name="payDialog")
    qtbot.keyClick(w.sell_page.scan_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(w.paper.receipts) == 1)
    assert refused == ["The member has only 1000 points to spend",
                       "Type a whole number of points"]
    r = w.paper.receipts[0]
    assert [t.kind for t in r.tenders] == ["points", "cash"]
    assert r.member.label == "陈** ****1234" and r.member.redeemed == 600
    assert r.member.earned == 5 and r.member.balance == 405
    assert w.sell_page.member.text() == "Member: —"  # the next sale starts without one


def test_an_unknown_member_changes_nothing(qtbot, window):
    w = window
    log_in(qtbot, w)
    scan(qtbot, w.sell_page.scan_field, MILK)
    seen = member_dialog(qtbot, find(qtbot, "13800000000"))
    ctrl_k(qtbot, w)
    assert seen[1].startswith("No member '****0000'")  # never the whole number
    assert w.checkout.member is None and "12.50" in w.sell_page.total.text()


def test_sign_up_needs_consent_then_attaches(qtbot, window):
    w = window
    log_in(qtbot, w)

    def steps(dialog) -> None:
        dialog.findChild(QLineEdit, "signupPhone").setText("13700001111")
        dialog.findChild(QLineEdit, "signupName").setText("王五")
        dialog.findChild(QPushButton, "signup").click()
        refusals.append(dialog.message.text())
        dialog.findChild(QCheckBox, "signupConsent").setChecked(True)
        dialog.findChild(QPushButton, "signup").click()
        dialog.findChild(QPushButton, "memberAttach").click()

    refusals: list[str] = []
    member_dialog(qtbot, steps)
    ctrl_k(qtbot, w)
    assert refusals == ["The customer must agree to the member terms first"]
    assert w.checkout.member is not None and w.checkout.member.member_no == "S001T01M000001"
    assert "王** ****1111" in w.sell_page.member.text()


def test_marketing_is_asked_apart_and_off_unless_ticked(qtbot, window):
    w = window
    log_in(qtbot, w)

    def steps(dialog) -> None:
        marketing = dialog.findChild(QCheckBox, "signupMarketing")
        ticked.append(marketing.isChecked())
        for phone, yes in (("13700001111", False), ("13700002222", True)):
            dialog.findChild(QLineEdit, "signupPhone").setText(phone)
            dialog.findChild(QCheckBox, "signupConsent").setChecked(True)
            marketing.setChecked(yes)
            dialog.findChild(QPushButton, "signup").click()
            ticked.append(marketing.isChecked())  # cleared for the next customer

    ticked: list[bool] = []
    member_dialog(qtbot, steps)
    ctrl_k(qtbot, w)
    assert ticked == [False, False, False]
    sent = [json.loads(p)["marketing"] for p, in w.checkout.store.conn.execute(
        "SELECT payload FROM outbox WHERE type = 'member_signup' ORDER BY terminal_seq")]
    assert sent == [False, True]


def ctrl_k_again(qtbot, w) -> None:
    """Ctrl+K after another dialog: the window active again first (a closed dialog may have
    left no window active, and a shortcut needs one)."""
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    ctrl_k(qtbot, w)


def on_next_message_box(answer) -> None:
    """When the next QMessageBox is up (over the member dialog), ``answer`` it."""
    def poll() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, poll)
            return
        answer(box)

    QTimer.singleShot(0, poll)


def test_ending_the_membership_takes_the_member_off_the_sale_which_goes_on_as_a_guest(
        qtbot, window):
    w = window
    log_in(qtbot, w)
    scan(qtbot, w.sell_page.scan_field, MILK)
    member_dialog(qtbot, find(qtbot, PHONE))
    ctrl_k(qtbot, w)
    assert w.checkout.member is not None and "11.00" in w.sell_page.total.text()

    def steps(dialog) -> None:
        find(qtbot, PHONE, attach=False)(dialog)
        dialog.findChild(QPushButton, "memberNoMarketing").click()
        said.append(dialog.message.text())
        on_next_message_box(lambda box: box.button(QMessageBox.StandardButton.No).click())
        dialog.findChild(QPushButton, "memberEnd").click()  # asked again: no
        said.append(str(w.checkout.member is not None))
        on_next_message_box(lambda box: box.button(QMessageBox.StandardButton.Yes).click())
        dialog.findChild(QPushButton, "memberEnd").click()
        said.append(dialog.message.text())
        said.append(str(dialog.findChild(QPushButton, "memberAttach").isEnabled()))

    said: list[str] = []
    member_dialog(qtbot, steps)
    ctrl_k_again(qtbot, w)
    assert said == ["陈** ****1234 receives no more marketing", "True",
                    "The membership has ended: the customer buys as a guest", "False"]
    assert w.checkout.member is None and "12.50" in w.sell_page.total.text()
    withdrawn = [(e["purpose"], e["action"]) for e in (json.loads(p) for p, in
                 w.checkout.store.conn.execute(
                     "SELECT payload FROM outbox WHERE type = 'member_consent' "
                     "ORDER BY terminal_seq"))]
    assert withdrawn == [("marketing", "withdrawn"), ("membership", "withdrawn")]
    on_next_dialog(qtbot, lambda d: qtbot.keyClick(d.amount, Qt.Key.Key_Return),
                   name="payDialog")
    qtbot.keyClick(w.sell_page.scan_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(w.paper.receipts) == 1)
    assert w.paper.receipts[0].member is None  # sold, as a guest
    seen = member_dialog(qtbot, find(qtbot, PHONE))
    ctrl_k_again(qtbot, w)
    assert seen[1].startswith("No member")  # forgotten
