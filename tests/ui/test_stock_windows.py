"""Stock at the till window: Ctrl+T counts a shelf by scanning (expected and difference per
line, posted with a supervisor's PIN) and Ctrl+D receives a delivery against its expected
lines (posted with a supervisor's PIN; it leaves the open list)."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTableWidget
from till_kit import BREAD, GUM, MILK, expect_delivery
from ui_kit import approve, log_in, on_next_dialog, scan

from posclient.app.terminal import Terminal
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.store.catalog import Catalog
from posclient.ui.main_window import MainWindow
from posclient.ui.stock import split_qty


@pytest.fixture
def window(qtbot, small_store, clock):
    w = MainWindow(Terminal(small_store, clock=clock, payments=SimulatedPaymentTerminal()),
                   lang="en")
    qtbot.addWidget(w)
    w.show()
    return w


def cells(table: QTableWidget) -> list[list[str]]:
    return [[table.item(r, c).text() for c in range(table.columnCount())]
            for r in range(table.rowCount())]


def press(qtbot, w, key) -> None:
    w.activateWindow()
    w.sell_page.focus_scan()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    qtbot.keyClick(w.sell_page.scan_field, key, Qt.KeyboardModifier.ControlModifier)


def test_split_qty_reads_the_sell_screens_star():
    assert split_qty("6901234567892*12") == ("6901234567892", 12)
    assert split_qty(" 6901234567892 ") == ("6901234567892", 1)
    assert split_qty("*3") == ("*3", 1)


def test_a_shelf_is_counted_by_scanning_and_posted_with_a_supervisor(qtbot, window):
    w = window
    log_in(qtbot, w)
    seen: dict[str, object] = {}

    def count(dialog) -> None:
        try:
            dialog.label.setText("aisle 3")
            scan(qtbot, dialog.scan_field, MILK)
            scan(qtbot, dialog.scan_field, f"{BREAD}*18")
            scan(qtbot, dialog.scan_field, "0000000")  # not an item: said in red
            seen["error"] = dialog.message.text()
            seen["lines"] = cells(dialog.table)
            seen["scope_locked"] = not dialog.scope.isEnabled()
            on_next_dialog(qtbot, approve(2001, "2222"), name="approval")
            dialog.buttons["postCount"].click()
            seen["posted"] = dialog.message.text()
        finally:
            dialog.reject()

    on_next_dialog(qtbot, count, name="stockCount")
    press(qtbot, w, Qt.Key.Key_T)
    assert seen["lines"] == [["100001", "Yili Pure Milk 250ml", "100", "1", "-99"],
                             ["100002", "Wholemeal Bread", "20", "18", "-2"]]
    assert seen["error"] and seen["scope_locked"]
    assert seen["posted"] == "Count posted: 2 line(s), 2 with a difference"
    cat = Catalog(w.terminal.store.conn)
    assert (cat.stock(1), cat.stock(2)) == (1, 18)
    (payload,) = w.terminal.store.conn.execute(
        "SELECT payload FROM outbox WHERE type = 'stock_count'").fetchone()
    assert json.loads(payload)["label"] == "aisle 3"


def test_a_delivery_is_received_against_its_lines(qtbot, window):
    w = window
    expect_delivery(w.terminal.store, "D-7", [(1, 24), (2, 6)], reference="DN-778")
    log_in(qtbot, w)
    seen: dict[str, object] = {}

    def receive(dialog) -> None:
        try:
            seen["list"] = cells(dialog.list)
            dialog.buttons["startReceive"].click()
            seen["heading"] = dialog.heading.text()
            scan(qtbot, dialog.scan_field, f"{MILK}*24")
            scan(qtbot, dialog.scan_field, f"{BREAD}*5")
            scan(qtbot, dialog.scan_field, GUM)
            seen["lines"] = cells(dialog.table)
            on_next_dialog(qtbot, approve(2001, "2222"), name="approval")
            dialog.buttons["postReceive"].click()
            seen["posted"] = dialog.message.text()
            seen["left"] = dialog.list.rowCount(), dialog.empty.text()
        finally:
            dialog.reject()

    on_next_dialog(qtbot, receive, name="receiving")
    press(qtbot, w, Qt.Key.Key_D)
    assert seen["list"] == [["D-7", "supplier", "DN-778", "2", "30"]]
    assert seen["heading"] == "Delivery D-7 · DN-778 · 2 line(s) expected"
    assert seen["lines"] == [["100001", "Yili Pure Milk 250ml", "24", "24", "0"],
                             ["100002", "Wholemeal Bread", "6", "5", "-1"],
                             ["100003", "Doublemint Gum", "0", "1", "+1"]]
    assert seen["posted"] == "Delivery D-7 received: 3 line(s), 2 with a difference"
    assert seen["left"] == (0, "No delivery is expected (they arrive from the central)")
    cat = Catalog(w.terminal.store.conn)
    assert (cat.stock(1), cat.stock(2), cat.stock(3)) == (124, 25, 51)


def test_a_posted_count_and_a_received_delivery_nudge_the_sync_engine(qtbot, small_store,
                                                                      clock):
    """Fresh from the tills (issue 18): like a sale or a return, each sends its stock event
    now (sync/engine.py ``sync_now``), not on the engine's timer. The real engine, not
    started: its wake-up is what a nudge sets."""
    from sync.credentials import MemoryKeyring, TokenStore
    from sync.engine import SyncEngine

    engine = SyncEngine(small_store.path, tokens=TokenStore(MemoryKeyring()))
    w = MainWindow(Terminal(small_store, clock=clock, payments=SimulatedPaymentTerminal()),
                   lang="en", engine=engine)
    qtbot.addWidget(w)
    w.show()
    expect_delivery(small_store, "D-8", [(1, 2)])
    log_in(qtbot, w)
    nudged: dict[str, tuple[bool, bool]] = {}

    def post(name: str, button: str):
        def run(dialog) -> None:
            try:
                if name == "receiving":
                    dialog.buttons["startReceive"].click()
                scan(qtbot, dialog.scan_field, MILK)
                before = engine._wake.is_set()
                on_next_dialog(qtbot, approve(2001, "2222"), name="approval")
                dialog.buttons[button].click()
                nudged[name] = (before, engine._wake.is_set())
                engine._wake.clear()
            finally:
                dialog.reject()
        return run

    on_next_dialog(qtbot, post("stockCount", "postCount"), name="stockCount")
    press(qtbot, w, Qt.Key.Key_T)
    on_next_dialog(qtbot, post("receiving", "postReceive"), name="receiving")
    press(qtbot, w, Qt.Key.Key_D)
    assert nudged == {"stockCount": (False, True), "receiving": (False, True)}
    assert w.terminal.store.conn.execute(
        "SELECT count(*) FROM outbox WHERE type IN ('stock_count', 'stock_receive')"
    ).fetchone()[0] == 2
