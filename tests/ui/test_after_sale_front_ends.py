"""What happens after a sale commits is one use case (posclient/app/after_sale.py), and the
window, the console and the command line all run it: drawer, receipt, printed mark, sync nudge."""

from __future__ import annotations

from typing import Any

import pytest
from till_kit import MILK, build_small_store
from ui_kit import log_in, open_window, pay_cash, scan

from posclient.app.after_sale import AfterSale
from posclient.app.checkout import CompletedSale
from posclient.app.terminal import Terminal
from posclient.cli import main
from posclient.console import run_console
from posclient.devices.payment import SimulatedPaymentTerminal


class Drawer:
    connected = True

    def __init__(self, fault: OSError | None = None) -> None:
        self.opened = 0
        self.fault = fault

    def open(self) -> None:
        if self.fault is not None:
            raise self.fault
        self.opened += 1


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Each after-sale step any front end runs: (step, sale id)."""
    seen: list[tuple[str, int]] = []
    opens, printed = AfterSale.opens_drawer, AfterSale.printed

    def spy_opens(self: AfterSale, sale: CompletedSale) -> bool:
        seen.append(("opens_drawer", sale.sale_id))
        return opens(self, sale)

    def spy_printed(self: AfterSale, sale_id: int) -> None:
        seen.append(("printed", sale_id))
        printed(self, sale_id)

    monkeypatch.setattr(AfterSale, "opens_drawer", spy_opens)
    monkeypatch.setattr(AfterSale, "printed", spy_printed)
    return seen


def _sold(store: Any) -> int:
    return store.conn.execute("SELECT max(id) FROM sales").fetchone()[0]


def test_the_console_runs_the_use_case(small_store, clock, runs):
    lines = iter(["1001", MILK, "cash 20", "quit"])
    term = Terminal(small_store, clock=clock, payments=SimulatedPaymentTerminal())
    run_console(term, "en", ask=lambda _: next(lines), ask_secret=lambda _: "1111",
                say=lambda _: None)
    assert runs == [("opens_drawer", _sold(small_store)), ("printed", _sold(small_store))]


def test_the_command_line_runs_the_use_case(tmp_path, runs, capsys):
    path = tmp_path / "till.db"
    build_small_store(path).close()
    assert main(["--db", str(path), "sell", "--staff", "1001", "--pin", "1111", "--scan", MILK,
                 "--pay", "cash:20"]) == 0
    assert runs == [("opens_drawer", 1), ("printed", 1)]


def test_the_window_runs_the_use_case_and_prints_on_its_worker(qtbot, small_store, clock,
                                                               runs):
    window = open_window(qtbot, small_store, clock)
    drawer = Drawer()
    window.terminal.drawer = drawer
    log_in(qtbot, window)
    scan(qtbot, window.sell_page.scan_field, MILK)
    pay_cash(qtbot, window, "20")
    qtbot.waitUntil(lambda: not window.terminal.receipts.unprinted(), timeout=5000)
    sale_id = window.last_sale.sale_id
    assert runs == [("opens_drawer", sale_id), ("printed", sale_id)]
    assert drawer.opened == 1 and len(window.paper.receipts) == 1
