"""The pick-up screen with the real central over HTTP: the code is checked by the
central, off the GUI thread, and counted there and at the till; with the network gone the till
checks it itself and the hand-over goes on. The customer's phone finds the order, which shows
the customer masked; another store's order is the central's refusal, said in the dialog."""

from __future__ import annotations

import httpx
import pytest
from central_kit import ADMIN_TOKEN, MemoryKeyring, seed_shop
from faults import FaultInjector
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from sqlalchemy import select
from ui_kit import log_in, on_next_dialog

from posclient.app.terminal import Terminal
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.clock import ManualClock
from posclient.store.db import Store
from posclient.ui.main_window import MainWindow
from sync.central import feed, identity
from sync.central.api import create_app
from sync.central.schema import pickup_code_attempts
from sync.credentials import TokenStore
from sync.engine import SyncEngine
from sync.enrol import enrol

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

CODE = "K7P2Q9"


@pytest.fixture
def window(qtbot, central_engine, serve, tmp_path):
    """A till of store S1 enrolled with the central (behind the fault middleware) and synced,
    its window open; the web order W500 is there (W600 is store S2's)."""
    clock = ManualClock()
    injector = FaultInjector(create_app(central_engine, clock=clock))
    injector.only_paths = ("/v1/orders/",)
    with feed.transaction(central_engine, clock.now()) as tx:
        seed_shop(tx)
        identity.create_staff(tx, staff_id=1001, name="李娜", role="cashier", pin="1111",
                              store_id="S1")
    with serve(injector) as url:
        admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        order = {"order_no": "W500", "fulfilment": "pickup", "store_id": "S1",
                 "pickup_code": CODE, "customer_name": "陈静", "currency": "CNY",
                 "customer_phone": "13900001111",
                 "lines": [{"sku": "100001", "qty": 2, "unit_price": 350}],
                 "payments": [{"kind": "online", "amount": 700}]}
        other = {**order, "order_no": "W600", "store_id": "S2"}
        assert httpx.post(f"{url}/v1/admin/orders", json={"orders": [order, other]},
                          headers=admin).status_code == 200
        code = httpx.post(f"{url}/v1/admin/enrolment-codes", json={"store_id": "S1"},
                          headers=admin).json()["code"]
        db, tokens = tmp_path / "till.db", TokenStore(MemoryKeyring())
        Store.open(db).close()
        enrol(db, url, code, "front", tokens=tokens, clock=clock)
        engine = SyncEngine(db, tokens=tokens, clock=clock, timeout=5)
        engine.run_once()
        with Store.open(db) as store:
            w = MainWindow(Terminal(store, clock=clock, payments=SimulatedPaymentTerminal()),
                           lang="en", engine=engine)
            qtbot.addWidget(w)
            w.show()
            log_in(qtbot, w, 1001, "1111")
            yield w, injector, central_engine
            w.close()


def pick_up(qtbot, w, code: str, *, fresh: str) -> list[str]:
    """The pick-up button, find W500 (``fresh``: what the dialog says once the central's copy
    came or did not), type ``code``, hand over; what the dialog said if it stayed open."""
    said: list[str] = []

    def answer(dialog) -> None:
        query = dialog.findChild(QLineEdit, "orderQuery")
        query.setText("W500")
        qtbot.keyClick(query, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: fresh in dialog.message.text(), timeout=10_000)
        dialog.findChild(QLineEdit, "pickupCode").setText(code)
        dialog.accept()
        qtbot.waitUntil(lambda: not dialog.checking, timeout=10_000)
        if dialog.isVisible():
            said.append(dialog.message.text())
            dialog.reject()

    on_next_dialog(qtbot, answer, name="pickup")
    w.sell_page.buttons["pickup"].click()
    return said


def central_count(engine) -> int | None:
    with engine.connect() as conn:
        return conn.scalar(select(pickup_code_attempts.c.failures))


def test_the_central_checks_the_code_a_wrong_one_is_counted_and_the_right_one_hands_over(
        qtbot, window):
    w, _, central = window
    said = pick_up(qtbot, w, "WRONG1", fresh="central has it now")
    assert said == ["That is not this order's pick-up code: 4 more wrong and the order's code "
                    "is locked"]
    assert central_count(central) == 1 and w.checkout.pickup is None
    assert pick_up(qtbot, w, CODE.lower(), fresh="central has it now") == []
    assert w.checkout.pickup.order_no == "W500" and w.sell_page.table.rowCount() == 1
    assert central_count(central) is None  # right: the count starts again


def test_without_the_network_the_till_checks_the_code_and_hands_the_order_over(
        qtbot, window):
    w, injector, central = window
    injector.configure(1.0, ("drop_request",))  # the network goes
    said = pick_up(qtbot, w, "WRONG1", fresh="this till's copy")
    assert said == ["That is not this order's pick-up code: 4 more wrong and the order's code "
                    "is locked"]
    assert pick_up(qtbot, w, CODE, fresh="this till's copy") == []
    assert w.checkout.pickup.order_no == "W500"
    assert central_count(central) is None  # the central heard nothing
    qtbot.keyClick(w.sell_page.scan_field, Qt.Key.Key_Return)  # paid online: done
    qtbot.waitUntil(lambda: w.sell_page.table.rowCount() == 0, timeout=5_000)


def test_the_customers_phone_finds_the_order_shown_masked_and_another_stores_is_refused(
        qtbot, window):
    w, _, _ = window
    seen: dict[str, object] = {}

    def answer(dialog) -> None:
        query = dialog.findChild(QLineEdit, "orderQuery")
        query.setText("+86 139-0000-1111")  # the till holds its keyed hash only
        qtbot.keyClick(query, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: "central has it now" in dialog.message.text(), timeout=10_000)
        seen["info"] = dialog.info.text()
        query.setText("W600")  # store S2's: not on this till, and the central says no
        qtbot.keyClick(query, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: "not collected at this store" in dialog.message.text(),
                        timeout=10_000)
        seen["said"], seen["view"] = dialog.message.text(), dialog.view
        seen["rows"] = dialog.table.rowCount()
        dialog.reject()

    on_next_dialog(qtbot, answer, name="pickup")
    w.sell_page.buttons["pickup"].click()
    assert str(seen["info"]).startswith("Order W500 · 陈** ****1111 · open")
    assert "13900001111" not in str(seen["info"]) and "陈静" not in str(seen["info"])
    assert seen["said"] == ("Order W600 is not collected at this store (it is another store's, "
                            "or a delivery): to take it back, use Returns")
    assert seen["view"] is None and seen["rows"] == 0  # nothing of it to hand over
