"""The sell page with promotions: each one that applied and what it saved in the totals, and
a coupon taken from the scan field as the customer shows it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from till_kit import MILK
from ui_kit import scan

from posclient.app.checkout import Checkout
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.ui.sell import SellPage
from sync.apply import Applier
from sync.protocol import CouponRedemption, CouponStatus, PromotionData

PROMOTIONS = [
    {"id": "P-MILK3", "name_zh": "牛奶第三件免费", "name_en": "Milk: 3rd free",
     "kind": "buy_x_get_y", "product_ids": [1], "buy_qty": 2, "get_qty": 1, "stackable": True},
    {"id": "P-COUPON5", "name_zh": "满20减5", "name_en": "5 off over 20",
     "kind": "spend_get_off", "min_spend": 2000, "amount": 500, "coupon_code": "save5",
     "stackable": True},
]


@pytest.fixture
def desk(till):
    with till.store.write() as conn:
        Applier(conn, "S001").apply(("promotion", "upsert", p["id"], PromotionData(**p))
                                    for p in PROMOTIONS)
    return Checkout(till.store, till.staff, till.staff.login(1001, "1111"), clock=till.clock,
                    payments=SimulatedPaymentTerminal())


def test_the_sell_page_shows_each_promotion_and_takes_a_coupon_from_the_scan_field(
        qtbot, desk):
    page = SellPage("en")
    qtbot.addWidget(page)
    page.start(desk)
    for _ in range(3):
        scan(qtbot, page.scan_field, MILK)
    scan(qtbot, page.scan_field, "save5")  # a coupon, typed as the customer shows it
    assert page.message.text() == "Coupon SAVE5: 5 off over 20"
    totals = page.totals.text()
    assert "Promotion: Milk: 3rd free" in totals and "Promotion: 5 off over 20" in totals
    assert desk.coupons == frozenset({"SAVE5"})
    qtbot.keyClick(page.scan_field, Qt.Key.Key_Escape)


@pytest.mark.parametrize(("where", "shown"), [
    ({"store_id": "S002", "terminal_id": "T04", "receipt_no": "S002-T04-000009"}, "S002/T04"),
    ({"channel": "webshop", "order_no": "W-1"}, "webshop"),  # a channel's order (issue 18)
])
def test_a_coupon_the_central_says_was_used_comes_off_the_sale(qtbot, desk, where, shown):
    from datetime import UTC, datetime

    from posclient.ui.workers import Background

    class Central:  # the central's answer, as sync/calls.py check_coupon parses it
        def check_coupon(self, code):
            return CouponStatus(code="SAVE5", used=True, redemption=CouponRedemption(
                code="SAVE5", redeemed_at=datetime(2026, 11, 23, 9, 0, tzinfo=UTC), **where))

    page = SellPage("en")
    qtbot.addWidget(page)
    page.shared, page.background = Central(), Background(page)
    page.start(desk)
    for _ in range(3):
        scan(qtbot, page.scan_field, MILK)
    scan(qtbot, page.scan_field, "SAVE5")
    qtbot.waitUntil(lambda: "already used" in page.message.text())
    assert page.message.text() == (f"Coupon SAVE5 was already used ({shown}): it was taken "
                                   "off the sale")
    assert desk.coupons == frozenset() and "5 off over 20" not in page.totals.text()
