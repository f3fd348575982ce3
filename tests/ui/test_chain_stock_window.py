"""F12 at a till that cannot ask the central (issue 18): this store's position, then the other
stores' levels the till last received, with their age and a clear line that they cannot be
confirmed now, in English and Chinese; nothing kept: it says so; no order button without a
central. The live view with the real central: tests/sync/test_chain_stock_window_sync.py."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTranslator
from till_kit import MILK, RICE
from ui_kit import log_in, on_next_dialog

from posclient.app.terminal import Terminal
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.clock import iso
from posclient.store import chain_stock
from posclient.ui.app import install_language
from posclient.ui.main_window import MainWindow

LEVELS = [chain_stock.StoreLevel("S002", "二店", "Store Two", 7, 9, 3.2, 120),
          chain_stock.StoreLevel("S003", "三店", "Store Three", 0, 2, 11.0, None)]


@pytest.fixture
def zh(qapp):
    """This checkout's own Chinese translation (an installed posclient may point elsewhere)."""
    ours = QTranslator(qapp)
    assert ours.load("posclient_zh_CN", str(Path(__file__).parents[2] / "resources" / "i18n"))
    translators = [*install_language(qapp, "zh_CN"), ours]
    qapp.installTranslator(ours)
    yield
    for t in translators:
        qapp.removeTranslator(t)


def open_window(qtbot, store, clock, lang):
    w = MainWindow(Terminal(store, clock=clock, payments=SimulatedPaymentTerminal()),
                   lang=lang, printer=lambda receipt: None)
    qtbot.addWidget(w)
    w.show()
    log_in(qtbot, w)
    return w


def look_up(qtbot, window, code):
    """F12 (its button), ``code`` typed in the dialog: what it shows."""
    seen = {}

    def look(dialog) -> None:
        dialog.query.setText(code)
        qtbot.keyClick(dialog.query, Qt.Key.Key_Return)
        seen["here"] = dialog.here.text()
        seen["status"] = dialog.status.text()
        seen["error"] = dialog.status.property("error")
        seen["rows"] = [[dialog.table.item(r, c).text() for c in range(4)]
                        for r in range(dialog.table.rowCount())]
        seen["order"] = dialog.order_button.isVisible()
        dialog.reject()

    on_next_dialog(qtbot, look, name="chainStock")
    window.sell_page.buttons["stock"].click()  # the F12 button
    assert "rows" in seen
    return seen


def keep_levels(store, clock):
    received = clock.now() - timedelta(hours=3)
    with store.write() as conn:
        chain_stock.keep(conn, 1, LEVELS, answered_at=iso(received), received_at=iso(received))


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_offline_f12_shows_the_levels_kept_with_their_age(qtbot, small_store, clock, lang,
                                                          request):
    if lang.startswith("zh"):
        request.getfixturevalue("zh")
    keep_levels(small_store, clock)
    seen = look_up(qtbot, open_window(qtbot, small_store, clock, lang), MILK)
    if lang == "en":
        assert seen["here"].startswith("Here: stock ")
        assert seen["status"] == ("Offline: other stores' stock cannot be confirmed now\n"
                                  "Last checked: 3 h ago")
        assert seen["rows"] == [["Store Two", "7", "3.2 km", "3 h ago"],
                                ["Store Three", "0", "11.0 km", "never uploaded"]]
    else:
        assert seen["here"].startswith("本店：库存 ")
        assert seen["status"] == "离线：现在无法确认其他门店的库存\n上次查询：3 小时前"
        assert seen["rows"] == [["二店", "7", "3.2 km", "3 小时前"],
                                ["三店", "0", "11.0 km", "从未上传"]]
    assert seen["error"] is True
    assert seen["order"] is False  # no central: no order for the customer


def test_nothing_kept_is_said(qtbot, small_store, clock):
    keep_levels(small_store, clock)  # milk's levels, not rice's
    seen = look_up(qtbot, open_window(qtbot, small_store, clock, "en"), RICE)
    assert seen["rows"] == []
    assert seen["status"] == ("Offline: other stores' stock cannot be confirmed now\n"
                              "Nothing is kept on this till about other stores for this item")
