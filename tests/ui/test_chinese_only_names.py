"""A product the central sends without an English name (name_en is optional) shows its Chinese
name on an English till, in the search, the sale and the look-up: never an empty name."""

from __future__ import annotations

from PySide6.QtCore import Qt
from till_kit import BREAD
from ui_kit import log_in, on_next_dialog, open_window

from posclient.cli import main as till_main
from sync.apply import Applier
from sync.protocol import validate_page


def _chinese_only_bread(store) -> None:
    """Bread as a Chinese-only catalogue's change page brings it: no name_en at all."""
    _page, records = validate_page({
        "changes": [{"seq": 1, "entity": "product", "op": "upsert", "key": "2",
                     "data": {"id": 2, "sku": "100002", "name_zh": "全麦面包",
                              "measure": "each", "tax_code": "VAT13",
                              "barcodes": [BREAD]}}],
        "next_after": 1, "has_more": False, "server_time": "2026-11-23T09:00:00Z"})
    with store.write() as conn:
        Applier(conn, "S1").apply([(c.entity, c.op, c.key, data) for c, data in records])


def test_an_english_till_shows_the_chinese_name_of_a_chinese_only_product(qtbot, small_store,
                                                                          clock):
    _chinese_only_bread(small_store)
    window = open_window(qtbot, small_store, clock, lang="en")
    log_in(qtbot, window)
    page = window.sell_page
    shown: list[str] = []

    def choose(dialog) -> None:
        qtbot.waitUntil(lambda: dialog.results.count() > 0)
        shown.append(dialog.results.item(0).text())
        qtbot.keyClick(dialog.query, Qt.Key.Key_Return)

    on_next_dialog(qtbot, choose)
    page.scan_field.setText("面包")  # QtTest types ASCII only
    qtbot.keyClick(page.scan_field, Qt.Key.Key_Return)
    assert shown and shown[0].startswith("全麦面包")
    assert page.table.rowCount() == 1
    assert "全麦面包" in page.table.item(0, 1).text()


def test_the_english_lookup_command_shows_the_chinese_name_alone(small_store, capsys):
    _chinese_only_bread(small_store)
    assert till_main(["--db", str(small_store.path), "--lang", "en", "lookup", BREAD]) == 0
    line = capsys.readouterr().out.strip().splitlines()[0]
    assert line.split()[:2] == ["100002", "全麦面包"]  # not " / 全麦面包"
