"""Ctrl+E at the till: the store's reconciliation for a manager. Online: every till of the
store from the central (each till's Z beside the central's sums, what it has not uploaded),
totals by tender and category, the charts, and an exception resolved with a comment (required).
Offline: it says the central is away and shows this till's own X figures. A cashier needs a
manager's PIN."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTableWidget
from till_kit import MILK
from ui_kit import approve, log_in, on_next_dialog, scan

from posclient.app.terminal import Terminal
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.errors import Unavailable
from posclient.ui.main_window import MainWindow
from sync.protocol import StoreException, StoreReconciliation

AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SALES = [uuid.UUID(int=n) for n in (1, 2, 3)]  # the first events of a grouped oversell


def reconciliation(terminal_id: str) -> StoreReconciliation:
    hours = [0] * 24
    hours[9], hours[10] = 2_500, 5_990
    figures = {"sales_count": 2, "sales_total": 8_490, "returns_count": 1,
               "returns_total": 1_250, "pickups_count": 0, "pickups_total": 0,
               "tenders": {"card": {"sales": 5_990, "refunds": 0},
                           "cash": {"sales": 2_500, "refunds": 1_250}},
               "categories": {"dairy": 2_500, "grain": 5_990}, "hours": hours}
    return StoreReconciliation.model_validate({
        "store_id": "S001", "day": "2026-11-23", "timezone": "Asia/Shanghai",
        "currency": "CNY", "from_at": AT, "to_at": AT, "generated_at": AT,
        "totals": {**figures, "over_short": {"cash": -100}},
        "terminals": [
            {**figures, "terminal_id": terminal_id, "name": "front", "high_seq": 12,
             "last_event_at": AT, "z_reports": [
                 {"z_no": 1, "business_day": "2026-11-23", "to_at": "x", "sales_count": 2,
                  "sales_total": 8_490, "returns_count": 1, "returns_total": 1_250}]},
            {"terminal_id": "T02", "high_seq": 40, "last_event_at": AT,
             "gaps": [{"first_seq": 38, "last_seq": 39}]}],
        "exceptions": [{"id": 7, "kind": "oversold", "terminal_id": "T02",
                        "detail": {"message": "product 5 at S001 is at -2 after this sale"},
                        "status": "open", "created_at": AT, "count": 12,
                        "events": [str(e) for e in SALES]},
                       {"id": 8, "kind": "double_refund", "terminal_id": "T02",
                        "detail": {"message": "return R1 refunds W700 twice (refunded offline)"},
                        "status": "open", "created_at": AT, "count": 1,
                        "events": [str(SALES[0])], "held_refund": 5_990}]})


class FakeCentral:
    """The sync engine as the reconciliation uses it (answers from a worker thread)."""

    on_status = None

    def __init__(self, terminal_id: str, online: bool = True) -> None:
        self.terminal_id, self.online = terminal_id, online
        self.resolved: list[tuple[int, str, int | None, str | None]] = []

    def store_reconciliation(self, day: str) -> StoreReconciliation:
        if not self.online:
            raise Unavailable("The central cannot be reached now: try again in a moment",
                              code="central_unreachable", maybe_sent=False)
        assert day == "2026-11-23"
        return reconciliation(self.terminal_id)

    def resolve_exception(self, exception_id: int, comment: str, staff_id: int | None,
                          refund: str | None = None) -> StoreException:
        self.resolved.append((exception_id, comment, staff_id, refund))
        return StoreException(id=exception_id, kind="oversold", status="resolved",
                              comment=comment, created_at=AT)

    def sync_now(self) -> None:
        pass

    def stop(self) -> None:
        pass


def make_window(qtbot, store, clock, central=None):
    w = MainWindow(Terminal(store, clock=clock, payments=SimulatedPaymentTerminal()),
                   lang="en", engine=central)
    qtbot.addWidget(w)
    w.show()
    return w


def cells(table: QTableWidget) -> list[list[str]]:
    return [[table.item(r, c).text() for c in range(table.columnCount())]
            for r in range(table.rowCount())]


def press_ctrl_e(qtbot, w) -> None:
    w.activateWindow()
    w.sell_page.focus_scan()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    qtbot.keyClick(w.sell_page.scan_field, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)


@pytest.mark.parametrize("online", [False, True], ids=["no engine", "central away"])
def test_offline_it_says_so_and_shows_this_tills_own_figures(qtbot, small_store, clock, online):
    central = FakeCentral("T01", online=False) if online else None
    w = make_window(qtbot, small_store, clock, central)
    log_in(qtbot, w, 3001)  # a manager: no PIN asked
    scan(qtbot, w.sell_page.scan_field, MILK)
    w.checkout.pay_cash(w.checkout.payment.cash_due())
    w.complete()
    seen: dict[str, object] = {}

    def read(dialog) -> None:
        try:
            qtbot.waitUntil(lambda: dialog.loaded)
            seen["state"] = dialog.state.text()
            seen["tills"] = cells(dialog.tills)
            seen["tenders"] = cells(dialog.tenders)
            seen["hours"] = dialog.chart_values[0]
            seen["said"] = (dialog.hour_chart.accessibleDescription(),
                            dialog.tender_chart.accessibleDescription())
            seen["resolvable"] = dialog.resolve_button.isEnabled()
        finally:
            dialog.reject()

    on_next_dialog(qtbot, read, name="reconcile")
    press_ctrl_e(qtbot, w)
    assert str(seen["state"]).startswith("The central cannot be reached: these are this "
                                         "till's own figures (X report). 1 event(s) wait here")
    [row] = seen["tills"]
    assert row[:5] == [w.terminal.settings.terminal_id, "1", "¥12.50", "0", "¥0.00"]
    assert seen["tenders"] == [["Cash", "¥12.50", "¥0.00", "¥12.50"]]
    assert sum(seen["hours"]) == 1250 and seen["hours"][17] == 1250  # 09:00 UTC, Shanghai 17h
    assert seen["said"] == ("17: ¥12.50", "Cash ¥12.50")  # what a screen reader says of them
    assert seen["resolvable"] is False


def test_online_the_whole_store_and_an_exception_resolved_with_a_comment(qtbot, small_store,
                                                                           clock):
    me = small_store.conn.execute("SELECT value FROM settings WHERE key = 'terminal_id'"
                                  ).fetchone()
    central = FakeCentral(me[0].strip('"') if me else "T01")
    w = make_window(qtbot, small_store, clock, central)
    log_in(qtbot, w)  # a cashier: the manager's PIN opens it
    seen: dict[str, object] = {}

    def read(dialog) -> None:
        try:
            qtbot.waitUntil(lambda: dialog.loaded)
            seen["state"] = dialog.state.text()
            seen["tills"] = cells(dialog.tills)
            seen["tenders"] = cells(dialog.tenders)
            seen["categories"] = cells(dialog.categories)
            seen["summary"] = dialog.summary.text()
            seen["charts"] = dialog.chart_values
            seen["exceptions"] = cells(dialog.exception_table)
            dialog.exception_table.selectRow(0)
            seen["events"] = dialog.exception_events.text()
            seen["decision"] = dialog.refund_decision.isEnabled()
            on_next_dialog(qtbot, approve(3001, "3333"), name="approval")
            dialog.resolve_button.click()  # no comment: refused
            seen["no_comment"] = dialog.message.text()
            dialog.comment.setText("counted again: 2 bags were in the back room")
            on_next_dialog(qtbot, approve(3001, "3333"), name="approval")
            dialog.resolve_button.click()
            qtbot.waitUntil(lambda: "Exception 7" in dialog.message.text())
            seen["resolved"] = dialog.message.text()
            seen["left"] = dialog.exception_table.rowCount()
        finally:
            dialog.reject()

    on_next_dialog(qtbot, read, name="reconcile")
    on_next_dialog(qtbot, approve(3001, "3333"), name="approval")
    press_ctrl_e(qtbot, w)
    assert str(seen["state"]).startswith("From the central, as of 17:00")
    tills = seen["tills"]
    assert tills[0][1:8] == ["2", "¥84.90", "1", "¥12.50", "0 / ¥0.00", "¥84.90", "yes"]
    assert tills[0][8].startswith("all received (to 12) · last 17:00")
    assert tills[1][0] == "T02" and tills[1][8].startswith("missing 38–39")
    assert seen["tenders"] == [["Card", "¥59.90", "¥0.00", "¥59.90"],
                               ["Cash", "¥25.00", "¥12.50", "¥12.50"]]
    assert seen["categories"] == [["grain", "¥59.90"], ["dairy", "¥25.00"]]
    assert "Net ¥72.40" in str(seen["summary"]) and "over/short Cash -¥1.00" in str(
        seen["summary"])
    assert seen["charts"][1] == {"card": 5_990, "cash": 1_250}
    assert [row[:4] for row in seen["exceptions"]] == [["7", "oversold", "T02", "12"],
                                                       ["8", "double_refund", "T02", "1"]]
    assert seen["events"] == ("12 event(s) behind it: " + ", ".join(str(e) for e in SALES)
                              + " and 9 more")  # a grouped oversell: resolved together
    assert seen["decision"] is False  # it holds no refund
    assert seen["no_comment"] == "Say how the exception was resolved"
    assert seen["resolved"] == "Exception 7 resolved" and seen["left"] == 1
    assert central.resolved == [(7, "counted again: 2 bags were in the back room", 3001, None)]
    actions = [a for (a,) in small_store.conn.execute(
        "SELECT action FROM audit_log ORDER BY id")]
    assert actions[-3:] == ["reconcile", "x_report", "resolve_exception"]  # X: its own figures


def test_a_double_refund_is_resolved_with_the_decision_on_its_held_web_refund(qtbot, small_store,
                                                                              clock):
    central = FakeCentral("T01")
    w = make_window(qtbot, small_store, clock, central)
    log_in(qtbot, w, 3001)  # a manager
    seen: dict[str, object] = {}

    def read(dialog) -> None:
        try:
            qtbot.waitUntil(lambda: dialog.loaded)
            dialog.exception_table.selectRow(1)
            seen["events"] = dialog.exception_events.text()
            seen["decision"] = dialog.refund_decision.isEnabled()
            dialog.comment.setText("the customer brought the rice back once")
            dialog.resolve_button.click()  # no decision: refused, nothing sent
            seen["undecided"] = dialog.message.text()
            seen["sent"] = list(central.resolved)
            dialog.refund_decision.setCurrentIndex(
                dialog.refund_decision.findData("refuse"))
            dialog.resolve_button.click()
            qtbot.waitUntil(lambda: "Exception 8" in dialog.message.text())
            seen["left"] = cells(dialog.exception_table)
        finally:
            dialog.reject()

    on_next_dialog(qtbot, read, name="reconcile")
    press_ctrl_e(qtbot, w)
    assert seen["events"] == (f"1 event(s) behind it: {SALES[0]} · holds a web refund of "
                              "¥59.90: pay it out or refuse it")
    assert seen["decision"] is True
    assert seen["undecided"] == ("This exception holds a web refund: choose to pay it out or "
                                 "to refuse it") and seen["sent"] == []
    assert central.resolved == [(8, "the customer brought the rice back once", 3001, "refuse")]
    assert [row[0] for row in seen["left"]] == ["7"]
    (detail,) = [json.loads(d) for (d,) in small_store.conn.execute(
        "SELECT detail FROM audit_log WHERE action = 'resolve_exception'")]
    assert (detail["exception_id"], detail["refund"]) == (8, "refuse")
