"""The member dialog (Ctrl+K) with the real central over HTTP when the central limits this
till's look-ups (issue 17): the cashier reads "too many look-ups, try again in N seconds",
in English and in Chinese, never "no such member"; the till's own members still attach."""

from __future__ import annotations

import pytest
from central_kit import MemoryKeyring
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton
from ui_kit import log_in, on_next_dialog

from posclient.app.terminal import Terminal
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.clock import ManualClock
from posclient.store.db import Store
from posclient.ui.main_window import MainWindow
from sync.central import lookup_limits
from sync.credentials import TokenStore
from sync.engine import SyncEngine
from sync.enrol import enrol

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

PHONE_S1 = "13911112222"  # a member of store S1: not on the S2 till
PHONE_S2 = "13911113333"  # a member of store S2: on the till
MILK_EAN = "6901234567892"


@pytest.fixture(params=["en", "zh_CN"])
def window(request, qtbot, shop, tmp_path):
    """A till of store S2, enrolled and synced, its window open in English or Chinese; the
    chain lets a till look up one member a minute."""
    shop.put("member", [
        {"id": 1, "member_no": "8800000001", "name": "陈静", "phone": PHONE_S1,
         "store_id": "S1"},
        {"id": 2, "member_no": "8800000002", "name": "李文博", "phone": PHONE_S2,
         "tier": "gold", "points": 40, "store_id": "S2"}])
    shop.admin_post("/staff", {"id": 2001, "name": "李娜", "role": "cashier", "pin": "1111",
                               "store_id": "S2"})
    lookup_limits.set_limits(shop.engine, per_minute=1)
    clock, tokens = ManualClock(), TokenStore(MemoryKeyring())
    db = tmp_path / "till.db"
    Store.open(db).close()
    enrol(db, shop.url, shop.enrolment_code("S2"), "front", tokens=tokens, clock=clock)
    engine = SyncEngine(db, tokens=tokens, clock=clock, timeout=5)
    engine.run_once()
    with Store.open(db) as store:
        w = MainWindow(Terminal(store, clock=clock, payments=SimulatedPaymentTerminal()),
                       lang=request.param, engine=engine)
        qtbot.addWidget(w)
        w.show()
        log_in(qtbot, w, 2001, "1111")
        yield w
        w.close()


def test_a_limited_look_up_says_so_and_the_tills_own_member_still_attaches(qtbot, window):
    w = window
    zh = w.lang == "zh_CN"
    said: list[str] = []

    def find(dialog, code: str) -> None:
        field = dialog.findChild(QLineEdit, "memberCode")
        field.setText(code)
        qtbot.keyClick(field, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: dialog.message.text() not in (
            "", "Asking the central for this member…", "正在向总部查询该会员…"), timeout=10_000)
        said.append(dialog.message.text())

    def steps(dialog) -> None:
        find(dialog, "13800000000")  # nobody's: the minute's one look-up
        find(dialog, PHONE_S1)  # limited
        field = dialog.findChild(QLineEdit, "memberCode")
        field.setText(PHONE_S2)  # the till's own: no central asked
        qtbot.keyClick(field, Qt.Key.Key_Return)
        dialog.findChild(QPushButton, "memberAttach").click()

    on_next_dialog(qtbot, steps, name="memberDialog")
    qtbot.keyClick(w.sell_page.scan_field, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    if zh:
        assert said[0].startswith("没有会员 '****0000'")
        assert said[1].startswith("本机刚才向总部查询会员过多：请 60 秒后重试")
    else:
        assert said[0].startswith("No member '****0000'")
        assert said[1].startswith("This till has asked the central for too many members just "
                                  "now: try again in 60 seconds")
    assert "****2222" not in said[1] and PHONE_S1 not in said[1]
    assert w.checkout.member is not None and w.checkout.member.member_no == "8800000002"
    qtbot.keyClicks(w.sell_page.scan_field, MILK_EAN)
    qtbot.keyClick(w.sell_page.scan_field, Qt.Key.Key_Return)
    assert w.sell_page.table.rowCount() == 1  # the sale goes on
