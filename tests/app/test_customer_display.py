"""What the customer sees, as one model for both displays: the lines as they are scanned (voided
ones gone, each after its discounts), the total and what was paid, the change after the sale
until the next sale's first line, the member masked, and the store's message."""

from __future__ import annotations

from dataclasses import replace

import pytest
from till_kit import BREAD, MILK, PINS

from posclient.app.checkout import Checkout
from posclient.app.customer_display import CustomerPresenter, label, pole_lines
from posclient.app.members import MemberView
from posclient.app.staff import Approval, StaffService
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.cart import Discount
from posclient.domain.money import Money
from posclient.domain.settings import StoreSettings


@pytest.fixture
def checkout(small_store, clock):
    staff = StaffService(small_store, clock)
    return Checkout(small_store, staff, staff.login(1001, PINS[1001]), clock=clock,
                    payments=SimulatedPaymentTerminal())


def test_lines_after_their_discounts_voided_ones_gone_and_what_was_paid(checkout):
    shown = CustomerPresenter(checkout.settings, "en")
    milk = checkout.scan(MILK)
    bread = checkout.scan(BREAD)
    checkout.discount_line(milk.line_id, Discount.parse("10%", "CNY", reason="dented"),
                           Approval(2001, PINS[2001]))
    checkout.void_line(bread.line_id, Approval(2001, PINS[2001]))
    checkout.pay_cash(Money(500, "CNY"))
    view = shown.view(checkout)
    assert view.state == "selling"
    assert [(ln.qty, ln.amount) for ln in view.lines] == [("1", Money(1125, "CNY"))]
    assert view.total == Money(1125, "CNY") and view.paid == Money(500, "CNY")
    assert view.change is None


def test_the_change_stays_until_the_next_sales_first_line(checkout):
    shown = CustomerPresenter(checkout.settings, "zh_CN")
    assert shown.view(checkout).state == "welcome"
    checkout.scan(MILK)
    checkout.pay_cash(Money(2000, "CNY"))
    done = shown.sale_done(checkout.complete())
    assert (done.state, done.total, done.paid, done.change) == (
        "done", Money(1250, "CNY"), Money(2000, "CNY"), Money(750, "CNY"))
    assert shown.view(checkout) is done  # the cart is empty: still the change
    assert pole_lines(done) == (("合计", "12.50"), ("找零", "7.50"))
    checkout.scan(BREAD)
    assert shown.view(checkout).state == "selling"
    checkout.void_sale(Approval(2001, PINS[2001]))
    assert shown.view(checkout).state == "welcome"  # the change was given: not shown again


def test_the_member_is_masked_and_the_phone_never_shown(checkout):
    checkout.attach_member(MemberView(member_no="8800000007", masked_name="陈**",
                                      phone_last4="1234", tier="retail", balance=300,
                                      pending=-20, id=7))
    checkout.scan(MILK)
    view = CustomerPresenter(checkout.settings, "en").view(checkout)
    assert view.member is not None
    assert (view.member.name, view.member.points) == ("陈**", 280)
    assert "1234" not in repr(view) and "小明" not in repr(view)


def test_the_message_is_the_stores_in_the_tills_language_else_the_other_else_the_thanks():
    s = replace(StoreSettings(), customer_display_message_zh="欢迎", receipt_footer_en="Thanks!")
    assert CustomerPresenter(s, "zh_CN").view(None).message == "欢迎"
    assert CustomerPresenter(s, "en").view(None).message == "欢迎"  # only Chinese was set
    plain = replace(StoreSettings(), receipt_footer_en="Thanks!")
    assert CustomerPresenter(plain, "en").view(None).message == "Thanks!"
    assert label("total", "zh_CN", bilingual=True) == "合计 Total"
    assert label("change", "en", bilingual=True) == "Change 找零"


def test_an_english_only_pole_display_at_a_chinese_till_says_the_store_in_english():
    s = replace(StoreSettings(), customer_display_message_zh="欢迎光临",
                customer_display_message_en="Welcome to Demo Store")
    view = CustomerPresenter(s, "zh_CN").view(None)
    assert pole_lines(view) == (("示范门店", ""), ("欢迎光临", ""))
    assert pole_lines(view, chinese=False) == (("Demo Store", ""),
                                               ("Welcome to Demo Store", ""))
