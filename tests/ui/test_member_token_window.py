"""The app's member QR token at the till window, offline: scanned into the sell page's field it
attaches the member (the lines take the tier's prices) and points pay within the cap; scanned
in the member dialog (Ctrl+K) it finds the member too; an expired or forged token is refused in
red and nothing changes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton
from till_kit import MILK
from ui_kit import log_in, on_next_dialog, open_window, scan

from posclient.domain.member_token import MemberClaims, b64url, public_key_of, sign_token
from sync.apply import Applier
from sync.protocol import MemberTokenKeyData

KEY = bytes(range(32))


@pytest.fixture
def window(qtbot, small_store, clock):
    t = int(clock.now().timestamp())
    key = MemberTokenKeyData(kid="k1", public_key=b64url(public_key_of(KEY)),
                             valid_from=t - 60)
    with small_store.write() as c:
        Applier(c, "S001").apply([("member_token_key", "upsert", "k1", key)])
        c.execute("INSERT INTO prices (product_id, price_list, amount) VALUES (1, 'gold', 1100)")
    return open_window(qtbot, small_store, clock)


def token(clock, points: int = 9_000, key: bytes = KEY) -> str:
    t = int(clock.now().timestamp())
    return sign_token(MemberClaims("k1", "W0000002", "gold", "林**", points, t, t + 600), key)


def test_scanning_a_token_attaches_the_member_and_points_pay_within_the_cap(qtbot, window,
                                                                          clock):
    w = window
    log_in(qtbot, w)
    scan(qtbot, w.sell_page.scan_field, MILK)
    assert "12.50" in w.sell_page.total.text()
    scan(qtbot, w.sell_page.scan_field, token(clock))
    assert w.checkout.member is not None and w.checkout.member.member_no == "W0000002"
    assert w.sell_page.message.text() == "Member: 林**"
    assert w.sell_page.member.text() == "Member: 林** · gold · 9000 points"
    assert "11.00" in w.sell_page.total.text()  # the gold price

    seen: list[str] = []

    def pay(dialog) -> None:
        seen.append(dialog.points_button.text())
        dialog.points_button.click()  # as many points as may pay: all of 11.00
        qtbot.waitUntil(lambda: not dialog.isVisible())

    on_next_dialog(qtbot, pay, name="payDialog")
    qtbot.keyClick(w.sell_page.scan_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(w.paper.receipts) == 1)
    assert seen == ["Points (5000)\nF3"]  # the cap per sale, not the token's 9000
    r = w.paper.receipts[0]
    assert [t.kind for t in r.tenders] == ["points"] and r.member.redeemed == 1100
    assert r.member.label == "林**"


def test_the_member_dialog_finds_a_token_and_refuses_a_forged_one(qtbot, window, clock):
    w = window
    log_in(qtbot, w)
    scan(qtbot, w.sell_page.scan_field, MILK)
    seen: list[str] = []

    def steps(dialog) -> None:
        field = dialog.findChild(QLineEdit, "memberCode")
        field.setText(token(clock, key=bytes(32)))  # signed by someone else
        qtbot.keyClick(field, Qt.Key.Key_Return)
        seen.append(dialog.message.text())
        field.setText(token(clock))
        qtbot.keyClick(field, Qt.Key.Key_Return)
        seen.append(dialog.findChild(type(dialog.message), "memberFound").text())
        dialog.findChild(QPushButton, "memberAttach").click()

    on_next_dialog(qtbot, steps, name="memberDialog")
    qtbot.keyClick(w.sell_page.scan_field, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert seen == ["The member code's signature is not valid (forged or altered): it cannot "
                    "be used", "林** · gold · 9000 points"]
    assert w.checkout.member is not None and "11.00" in w.sell_page.total.text()


def test_an_expired_token_scanned_at_the_sell_page_changes_nothing(qtbot, window, clock):
    w = window
    log_in(qtbot, w)
    scan(qtbot, w.sell_page.scan_field, MILK)
    old = token(clock)
    clock.advance(minutes=15)
    scan(qtbot, w.sell_page.scan_field, old)
    assert w.sell_page.message.text() == (
        "The member code has expired: ask the customer to refresh it in the app")
    assert w.checkout.member is None and "12.50" in w.sell_page.total.text()
    assert len(w.checkout.cart.active_lines) == 1  # not searched for, not added
