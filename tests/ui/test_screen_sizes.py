"""The sell screen at the sizes tills have, in both languages, with the demo's longest names:
the item's name (or its start and its size/pack), the quantity and the line total are readable,
nothing is cut, the window fits its screen, and a discount row never moves the buttons."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QStyle

from posclient.app.demo_data import build_demo_store
from posclient.app.terminal import Terminal
from posclient.assets import demo_document
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.cart import Discount
from posclient.store.db import Store
from posclient.store.settings import load_settings, save_settings
from posclient.ui.main_window import MainWindow

PINS = {1001: "1111", 1002: "1212", 2001: "2222", 3001: "3333"}
SIZES = [(1024, 768), (1280, 800), (1366, 768), (1920, 1080)]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "till.db"
    store = Store.open(path, create=True)
    build_demo_store(store, demo_document, products=3000, members=0, seed=2026,
                     now=datetime(2026, 12, 1, tzinfo=UTC), pins=PINS)
    with store.write() as conn:  # the float is not what these tests look at
        save_settings(conn, replace(load_settings(conn), require_shift=False))
    longest = [str(code).zfill(13) for (code,) in store.conn.execute(
        "SELECT min(b.gtin) FROM barcodes b JOIN products p ON p.id = b.product_id "
        "JOIN prices r ON r.product_id = p.id WHERE p.measure = 'each' AND p.active "
        "AND b.gtin > 99999999 GROUP BY p.id "
        "ORDER BY length(p.name_en) + length(p.name_zh) DESC LIMIT 6")]
    store.close()
    return path, longest


@pytest.fixture(params=[(lang, w, h) for lang in ("en", "zh") for w, h in SIZES],
                ids=lambda p: f"{p[0]}-{p[1]}x{p[2]}")
def window(request, qtbot, qapp, speak, demo):
    lang, width, height = request.param
    path, codes = demo
    speak(lang)
    store = Store.open(path)
    w = MainWindow(Terminal(store, payments=SimulatedPaymentTerminal()), lang=lang)
    qtbot.addWidget(w)
    w.resize(width, height)
    w.show()
    w.log_in(1001, PINS[1001])
    for code in codes:
        w.sell_page.scan_field.setText(code)
        w.sell_page.scan_field.returnPressed.emit()
    QApplication.processEvents()
    yield w, (width, height)
    w.checkout.void_sale()
    store.close()


def room(table, column: int) -> int:
    """The width a cell's text gets: the column less the style's text margins (Qt's item
    delegate elides text wider than this)."""
    margin = table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1
    return table.columnWidth(column) - 2 * margin


def shown(text: str, width: int, metrics) -> str:
    """What the cell shows: the text, or the text cut in the middle."""
    return metrics.elidedText(text, Qt.TextElideMode.ElideMiddle, width)


def test_names_quantities_and_totals_are_readable_and_the_window_fits(window):
    w, (width, height) = window
    assert w.width() <= width and w.height() <= height
    assert w.minimumSizeHint().width() <= width
    table = w.sell_page.table
    assert table.rowCount() == 6
    metrics = table.fontMetrics()
    for row in range(table.rowCount()):
        name = table.item(row, 1).text()
        visible = shown(name, room(table, 1), metrics)
        pack = name.split()[-1]  # "280ml×15", "550ml x24": the size or pack
        assert visible == name or (visible[:4] == name[:4] and visible.endswith(pack)), \
            (name, visible)
        for col in (2, 3, 5):  # quantity, price, line total: never cut
            text = table.item(row, col).text()
            assert metrics.horizontalAdvance(text) <= room(table, col), (col, text)
    right_edge = table.mapTo(w, QPoint(table.width(), 0)).x()
    assert right_edge <= width


def test_a_discount_row_does_not_move_the_buttons(window):
    w, _ = window
    page = w.sell_page
    where = {name: b.mapTo(w, QPoint(0, 0)) for name, b in page.buttons.items()}
    pay = page.pay.mapTo(w, QPoint(0, 0))
    w.checkout.discount_basket(Discount.percent(500))  # 5%: within a cashier's limit
    page.refresh()
    QApplication.processEvents()
    assert "%" in page.totals.text() or page.totals.text().count("<tr>") >= 3
    assert {name: b.mapTo(w, QPoint(0, 0)) for name, b in page.buttons.items()} == where
    assert page.pay.mapTo(w, QPoint(0, 0)) == pay
