"""At the window, the cashier picks the reason of a discount, a price change, a void or a
no-sale from the chain's list (or types one under "Other…" where the store allows it), and the
audit record carries its code; quick-key tiles add an item without a barcode with one tap (a
weighed one with the weight typed), in both languages at 1024x768 and 1366x768, without moving
the action buttons or cutting a tile."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit
from till_kit import BREAD, GUM, MILK, PINS
from ui_kit import PaperRoll, log_in, on_next_dialog, open_window, scan

from posclient.store.settings import load_settings, save_settings
from sync.engine import read_status


@pytest.fixture(params=[(lang, w, 768) for lang in ("en", "zh") for w in (1024, 1366)],
                ids=lambda p: f"{p[0]}-{p[1]}x{p[2]}")
def lang_size(request, qapp, speak):
    lang = request.param[0]
    speak(lang)
    yield request.param


REASONS = [("D1", "discount", "会员日", "Member day", 1),
           ("D2", "discount", "临期", "Near date", 2),
           ("PM", "price_override", "比价", "Price match", 0),
           ("V1", "void", "扫错", "Wrong scan", 0), ("CH", "no_sale", "换零钱", "Change", 0)]


def pick(code: str | None, value: str = "", other: str = ""):
    """Answer the reason dialog: the value, then the reason ``code`` (None: "Other…")."""
    def answer(dialog) -> None:
        assert dialog.objectName() == "reasonDialog"
        if value:
            dialog.findChild(QLineEdit, "reasonValue").setText(value)
        combo = dialog.findChild(QComboBox, "reasonCode")
        combo.setCurrentIndex(combo.findData(code))
        if other:
            dialog.findChild(QLineEdit, "reasonOther").setText(other)
        dialog.accept()
    return answer


def audit(store, action: str) -> dict:
    (detail,) = store.conn.execute("SELECT detail FROM audit_log WHERE action = ? ORDER BY id "
                                   "DESC LIMIT 1", (action,)).fetchone()
    return json.loads(detail)


def test_the_cashier_picks_a_reason_and_its_code_is_audited(qtbot, small_store, clock,
                                                            lang_size):
    lang, width, height = lang_size
    with small_store.write() as c:
        c.executemany("INSERT INTO reason_codes (code, kind, name_zh, name_en, sort) "
                      "VALUES (?, ?, ?, ?, ?)", REASONS)
    w = open_window(qtbot, small_store, clock, PaperRoll(), lang=lang)
    w.resize(width, height)
    log_in(qtbot, w, 2001)  # a supervisor: no approvals asked for
    page = w.sell_page
    for code in (MILK, BREAD, GUM):
        scan(qtbot, page.scan_field, code)
    listed: list[list[str]] = []

    def look_then(answer):
        def both(dialog) -> None:
            combo = dialog.findChild(QComboBox, "reasonCode")
            listed.append([combo.itemText(i) for i in range(combo.count())])
            answer(dialog)
        return both

    on_next_dialog(qtbot, look_then(pick("D2", "10%")))
    page.line_discount()
    assert listed[0][:2] == (["会员日", "临期"] if lang == "zh" else ["Member day", "Near date"])
    assert listed[0][2] in ("Other…", "其他…")  # typed reasons are allowed in this store
    assert audit(small_store, "line_discount")["reason_code"] == "D2"
    on_next_dialog(qtbot, pick("PM", "2.00"))
    page.change_price()
    assert audit(small_store, "price_override")["reason_code"] == "PM"
    assert page.checkout.cart.get(3).unit_price.minor == 200
    on_next_dialog(qtbot, pick(None, "1.00", other="birthday"))
    page.sale_discount()
    typed = audit(small_store, "basket_discount")
    assert (typed["reason_code"], typed["reason"]) == (None, "birthday")
    on_next_dialog(qtbot, pick("V1"))
    page.void_line()
    assert audit(small_store, "void_line")["reason_code"] == "V1"
    on_next_dialog(qtbot, pick("V1"))
    page.void_sale()
    assert audit(small_store, "void_sale")["reason_code"] == "V1"
    assert page.checkout.cart.is_empty
    w.confirm = lambda parent, title, text: True
    on_next_dialog(qtbot, pick("CH"))
    w.no_sale()
    assert audit(small_store, "no_sale")["reason_code"] == "CH"
    assert QApplication.activeModalWidget() is None


def test_a_store_without_typed_reasons_offers_only_its_list(qtbot, small_store, clock):
    with small_store.write() as c:
        save_settings(c, replace(load_settings(c), reason_free_text=False, require_shift=False))
    w = open_window(qtbot, small_store, clock, PaperRoll())
    log_in(qtbot, w, 2001)
    scan(qtbot, w.sell_page.scan_field, MILK)
    items: list[object] = []

    def answer(dialog) -> None:
        combo = dialog.findChild(QComboBox, "reasonCode")
        items.extend(combo.itemData(i) for i in range(combo.count()))
        dialog.reject()

    on_next_dialog(qtbot, answer)
    w.sell_page.void_line()
    assert items == ["SCAN_ERROR", "CHANGED_MIND", "NO_MONEY"]  # the built-in ones, no Other
    assert w.sell_page.table.rowCount() == 1  # cancelled: nothing voided


def tiles_store(store) -> None:
    with store.write() as c:
        c.executemany(
            "INSERT INTO quick_keys (id, product_id, category_zh, category_en, label_zh, "
            "label_en, position) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(1, 2, "面包", "Bakery", "全麦面包", "Wholemeal", 1),
             (2, 4, "水果", "Fruit", "苹果", "Apples", 2),
             (3, 3, "面包", "Bakery", "", "", 3),  # the product's name
             (4, 6, "面包", "Bakery", "停售", "Gone", 4)])  # a product no longer sold


def test_a_tile_adds_its_product_with_one_tap_and_a_weighed_one_by_weight(
        qtbot, small_store, clock, lang_size):
    lang, width, height = lang_size
    plain = open_window(qtbot, small_store, clock, PaperRoll(), lang=lang)
    plain.resize(width, height)
    log_in(qtbot, plain)
    where = {n: b.mapTo(plain, b.rect().topLeft()) for n, b in plain.sell_page.buttons.items()}
    pay_at = plain.sell_page.pay.mapTo(plain, plain.sell_page.pay.rect().topLeft())
    plain.close()

    tiles_store(small_store)
    w = open_window(qtbot, small_store, clock, PaperRoll(), lang=lang)
    w.resize(width, height)
    log_in(qtbot, w)
    QApplication.processEvents()
    page, panel = w.sell_page, w.sell_page.quick_keys
    assert w.width() <= width and w.height() <= height
    # The buttons are where they were without quick keys: the tiles take the free room.
    assert {n: b.mapTo(w, b.rect().topLeft()) for n, b in page.buttons.items()} == where
    assert page.pay.mapTo(w, page.pay.rect().topLeft()) == pay_at
    tabs = [panel.bar.tabText(i) for i in range(panel.bar.count())]
    assert tabs == (["面包", "水果"] if lang == "zh" else ["Bakery", "Fruit"])
    texts = [t.label for t in panel.tiles]
    assert texts == (["全麦面包", "绿箭 口香糖", "苹果"] if lang == "zh"
                     else ["Wholemeal", "Doublemint Gum", "Apples"])
    first = panel.tiles[0]
    assert first.isVisible() and first.height() >= 44
    for tile in panel.tiles:  # what a tile shows fits it (a long name elided, never cut)
        assert tile.fontMetrics().horizontalAdvance(tile.text()) <= tile.width() - 12
    assert panel.tiles[0].text() == texts[0]  # a short label is shown whole
    assert panel.pages.currentWidget().height() >= first.height()  # a whole row is seen

    first.click()  # one tap: a wholemeal bread
    assert [(ln.item.sku, ln.qty) for ln in page.checkout.cart.lines] == [("100002", 1)]
    panel.bar.setCurrentIndex(1)  # a tap on "Fruit"
    assert panel.pages.currentIndex() == 1

    def weigh(dialog) -> None:
        assert dialog.objectName() == "weightDialog"
        dialog.setIntValue(750)
        dialog.accept()

    on_next_dialog(qtbot, weigh)
    panel.tiles[2].click()  # apples: 750 g
    assert [(ln.item.sku, ln.qty) for ln in page.checkout.cart.lines] == [
        ("100002", 1), ("100004", 750)]
    assert page.table.item(1, 2).text() == "0.750 kg"
    assert QApplication.activeModalWidget() is None


def test_without_quick_keys_the_panel_is_empty_room_until_a_sync_brings_some(
        qtbot, small_store, clock):
    w = open_window(qtbot, small_store, clock, PaperRoll())
    log_in(qtbot, w, 1001, PINS[1001])
    assert w.sell_page.quick_keys.tiles == [] and not w.sell_page.quick_keys.bar.isVisible()
    tiles_store(small_store)  # as a sync writes them
    w.show_sync(read_status(small_store.conn, state="idle"))
    assert [t.label for t in w.sell_page.quick_keys.tiles] == [
        "Wholemeal", "Doublemint Gum", "Apples"]
    assert w.sell_page.quick_keys.bar.isVisible()


def test_a_long_label_keeps_its_start_and_its_size_on_a_narrow_tile(qtbot):
    from posclient.ui.quick_keys import Tile

    tile = Tile("Wholemeal Sourdough Country Loaf with Seeds 800g")
    qtbot.addWidget(tile)
    tile.resize(120, 44)
    tile.show()
    assert tile.text().startswith("Who") and tile.text().endswith("800g") and "…" in tile.text()
    assert tile.fontMetrics().horizontalAdvance(tile.text()) <= 120 - Tile.PADDING
    assert tile.accessibleName() == tile.label == tile.toolTip()
