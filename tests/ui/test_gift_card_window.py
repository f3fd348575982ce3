"""A gift card at the till window (issue 15, item 11): F5's sale discount leaves it at its value,
and a line discount on it is refused in words, in both languages, at the tills' screen sizes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from till_kit import GIFT_CARD, MILK, add_gift_card
from ui_kit import log_in, on_next_dialog, open_window, scan, type_and_accept

SIZES = [("en", 1024, 768), ("zh", 1024, 768), ("en", 1366, 768), ("zh", 1366, 768)]
REFUSAL = {"en": "Gift Card 100 Yuan is not discountable: it is sold at its full price",
           "zh": "购物卡 100元 不参与任何折扣：按原价销售"}


@pytest.fixture(params=SIZES, ids=lambda p: f"{p[0]}-{p[1]}x{p[2]}")
def window(request, qtbot, qapp, speak, small_store, clock):
    lang, width, height = request.param
    add_gift_card(small_store)
    speak(lang)
    w = open_window(qtbot, small_store, clock, lang=lang)
    w.resize(width, height)
    w.lang_code = lang
    yield w


def row_of(page, name: str) -> int:
    return next(r for r in range(page.table.rowCount())
                if page.table.item(r, 1).text() == name)


def test_f5_sale_discount_leaves_the_gift_card_at_100(qtbot, window):
    log_in(qtbot, window)
    page = window.sell_page
    scan(qtbot, page.scan_field, GIFT_CARD)
    scan(qtbot, page.scan_field, MILK)
    on_next_dialog(qtbot, type_and_accept("5%"))
    qtbot.keyClick(page.scan_field, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: window.checkout.totals().basket_discount.minor > 0)
    totals = window.checkout.totals()
    card = next(ln for ln in window.checkout.cart.active_lines if not ln.item.discountable)
    assert totals.line(card.line_id).total == 10_000
    assert totals.basket_discount.minor == 63  # 5% of the milk only
    row = row_of(page, "购物卡 100元" if window.lang_code == "zh" else "Gift Card 100 Yuan")
    assert page.table.item(row, 5).text() == "100.00"
    assert "0.63" in page.totals.text() and "5.63" not in page.totals.text()
    assert "111.87" in page.total.text()


def test_a_line_discount_on_the_gift_card_is_refused_in_words(qtbot, window):
    log_in(qtbot, window)
    page = window.sell_page
    scan(qtbot, page.scan_field, MILK)
    scan(qtbot, page.scan_field, GIFT_CARD)  # the last line scanned is the one selected
    before = window.checkout.cart.to_dict()
    on_next_dialog(qtbot, type_and_accept("10%"))
    qtbot.keyClick(page.scan_field, Qt.Key.Key_F4)
    qtbot.waitUntil(lambda: page.message.text() != "")
    assert page.message.text() == REFUSAL[window.lang_code]
    assert window.checkout.cart.to_dict() == before
    assert window.checkout.totals().total.minor == 11_250
