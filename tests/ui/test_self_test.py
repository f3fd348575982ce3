"""``posclient self-test``: every screen opened and closed on a temporary demo store, and a
screen that cannot open (a module missing from an installed build) named as failed."""

from __future__ import annotations

import sys

import pytest
from till_kit import PINS

from posclient.app.terminal import Terminal
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.ui.main_window import MainWindow
from posclient.ui.tour import tour

SCREENS = ["sell", "pay", "stock look-up", "member", "pick-up", "returns", "shift",
           "stock count", "receiving", "reconciliation", "settings"]


@pytest.fixture
def window(qtbot, small_store, clock):
    w = MainWindow(Terminal(small_store, clock=clock, payments=SimulatedPaymentTerminal()),
                   lang="en")
    qtbot.addWidget(w)
    w.show()
    return w


def test_the_tour_opens_every_screen_and_leaves_no_sale(window):
    visits = tour(window, 3001, PINS[3001])
    assert [v.screen for v in visits] == SCREENS
    assert all(v.ok for v in visits), [v for v in visits if not v.ok]
    assert window.terminal.store.conn.execute("SELECT count(*) FROM sales").fetchone()[0] == 0


def test_a_screen_whose_module_is_missing_is_reported_not_fatal(window, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyqtgraph", None)  # as a build without it: ImportError
    monkeypatch.delitem(sys.modules, "posclient.ui.reconcile", raising=False)
    visits = {v.screen: v for v in tour(window, 3001, PINS[3001])}
    assert not visits["reconciliation"].ok and "pyqtgraph" in visits["reconciliation"].error
    assert visits["settings"].ok  # the tour went on


def test_posclient_self_test_builds_its_own_store_and_passes(tmp_path, capsys):
    from posclient.cli import main

    assert main(["--db", str(tmp_path / "untouched.db"), "self-test"]) == 0
    out = capsys.readouterr().out
    assert "every screen opened (11)" in out and "FAIL" not in out
    assert not (tmp_path / "untouched.db").exists()
