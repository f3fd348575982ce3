"""Habits of a busy till: scanning an item again raises its line's quantity (a store setting,
on by default; weighed items stay lines of their own), and a no-sale is confirmed before the
drawer opens."""

from __future__ import annotations

from dataclasses import replace

import pytest
from till_kit import APPLE_PLU, BREAD, MILK, PINS
from ui_kit import PaperRoll, approve, log_in, on_next_dialog, open_window, scan, type_and_accept

from posclient.domain.barcode import DEFAULT_SCALE_RULES
from posclient.store.settings import load_settings, save_settings


@pytest.fixture(params=[(lang, w, 768) for lang in ("en", "zh") for w in (1024, 1366)],
                ids=lambda p: f"{p[0]}-{p[1]}x{p[2]}")
def lang_size(request, qapp, speak):
    lang = request.param[0]
    speak(lang)
    yield request.param


def rows(window) -> list[tuple[str, str]]:
    t = window.sell_page.table
    return [(t.item(r, 1).text(), t.item(r, 2).text()) for r in range(t.rowCount())]


def test_scanning_an_item_again_raises_its_quantity(qtbot, small_store, clock, lang_size):
    lang, width, height = lang_size
    w = open_window(qtbot, small_store, clock, PaperRoll(), lang=lang)
    w.resize(width, height)
    log_in(qtbot, w)
    label = DEFAULT_SCALE_RULES[0].encode("21", APPLE_PLU, 500)
    for code in (MILK, BREAD, MILK, label, label):
        scan(qtbot, w.sell_page.scan_field, code)
    got = rows(w)
    assert len(got) == 4 and got[0][1] == "2"  # milk twice; the two weighed apples apart
    assert w.sell_page.table.currentRow() == 3


def test_with_the_setting_off_each_scan_is_its_own_line(qtbot, small_store, clock):
    settings = replace(load_settings(small_store.conn), merge_repeat_scans=False)
    with small_store.write() as conn:
        save_settings(conn, settings)
    w = open_window(qtbot, small_store, clock, PaperRoll())
    log_in(qtbot, w)
    for code in (MILK, MILK):
        scan(qtbot, w.sell_page.scan_field, code)
    assert [q for _, q in rows(w)] == ["1", "1"]


def test_a_no_sale_is_confirmed_before_anything_else(qtbot, small_store, clock, lang_size):
    lang, width, height = lang_size
    kicks: list[int] = []
    w = open_window(qtbot, small_store, clock, PaperRoll(), lang=lang)
    w.resize(width, height)
    w.terminal.drawer = type("Drawer", (), {"connected": True,
                                            "open": lambda self: kicks.append(1)})()
    log_in(qtbot, w)
    asked: list[str] = []
    w.confirm = lambda parent, title, text: asked.append(text) or False
    w.no_sale()
    assert len(asked) == 1 and kicks == []
    audit = small_store.conn.execute(
        "SELECT count(*) FROM audit_log WHERE action = 'no_sale'").fetchone()[0]
    assert audit == 0
    w.confirm = lambda parent, title, text: True  # yes: the reason, a supervisor, the drawer
    on_next_dialog(qtbot, type_and_accept("change for the float"),
                   then=lambda: on_next_dialog(qtbot, approve(2001, PINS[2001]),
                                               name="approval"))
    w.no_sale()
    qtbot.waitUntil(lambda: kicks == [1])
