"""Reason codes at the till (posclient/app/reasons.py): the cashier picks the chain's reasons
(built-in ones until the central sent some) for discounts, price overrides, voids, no-sales and
returns; the audit record and the return's event carry the code; a code that is not on the
list, or a typed reason where the store allows none, is refused and changes nothing; the X and
Z reports count and add up the actions per reason."""

from __future__ import annotations

import dataclasses
import json

import pytest
from till_kit import BREAD, GUM, MILK

from posclient.app.checkout import Checkout
from posclient.app.reasons import DEFAULTS, reasons_for
from posclient.app.reports import report_csv, report_lines
from posclient.app.returns import Returns
from posclient.app.shifts import Shifts
from posclient.app.staff import Approval
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.cart import Discount
from posclient.domain.errors import InvalidInput
from posclient.domain.money import Money
from posclient.store.settings import load_settings, save_settings

SUPERVISOR, MANAGER = Approval(2001, "2222"), Approval(3001, "3333")


class Drawer:
    opened = 0

    def open(self) -> None:
        self.opened += 1


def checkout(till, staff: int = 1001, pin: str = "1111") -> Checkout:
    return Checkout(till.store, till.staff, till.staff.login(staff, pin), clock=till.clock,
                    payments=SimulatedPaymentTerminal())


def audit(till, action: str) -> list[dict]:
    return [json.loads(d) for (d,) in till.store.conn.execute(
        "SELECT detail FROM audit_log WHERE action = ? ORDER BY id", (action,))]


def sync_reasons(till, *rows: tuple[str, str, str, str, int]) -> None:
    with till.store.write() as c:
        c.executemany("INSERT INTO reason_codes (code, kind, name_zh, name_en, sort) "
                      "VALUES (?, ?, ?, ?, ?)", rows)


def test_the_built_in_reasons_until_the_central_sends_its_own(till):
    conn = till.store.conn
    assert [r.code for r in reasons_for(conn, "void")] == [r.code for r in DEFAULTS["void"]]
    sync_reasons(till, ("V2", "void", "乙", "B", 2), ("V1", "void", "甲", "A", 1),
                 ("OLD", "void", "旧", "Old", 0))
    conn.execute("UPDATE reason_codes SET active = 0 WHERE code = 'OLD'")
    assert [r.code for r in reasons_for(conn, "void")] == ["V1", "V2"]  # the chain's order
    assert reasons_for(conn, "discount") == list(DEFAULTS["discount"])  # none sent: built-in


def test_every_action_with_a_reason_records_its_code(till):
    co = checkout(till, 2001, "2222")  # a supervisor: no approvals asked for
    for code in (MILK, BREAD, GUM):
        co.scan(code)
    co.discount_line(1, Discount.parse("10%", "CNY", reason="包装破损"), reason_code="DMG")
    co.override_price(2, Money(500, "CNY"), "", reason_code="SHELF_PRICE")
    co.discount_basket(Discount.parse("1.00", "CNY", reason=""), reason_code="GOODWILL")
    co.void_line(3, reason_code="SCAN_ERROR")
    line = audit(till, "line_discount")[0]
    assert (line["reason_code"], line["reason"], line["amount"]) == ("DMG", "包装破损", 125)
    assert audit(till, "price_override")[0]["reason_code"] == "SHELF_PRICE"
    assert audit(till, "price_override")[0]["reason"] == "Shelf price differs"  # its name
    assert audit(till, "basket_discount")[0]["reason_code"] == "GOODWILL"
    assert audit(till, "void_line")[0]["reason_code"] == "SCAN_ERROR"
    co.void_sale(reason_code="CHANGED_MIND")
    assert audit(till, "void_sale")[0]["reason_code"] == "CHANGED_MIND"
    drawer = Drawer()
    co.no_sale(drawer, "", reason_code="CHANGE")
    assert drawer.opened == 1 and audit(till, "no_sale")[0]["reason_code"] == "CHANGE"


def test_a_return_carries_its_reason_code_in_its_event_and_audit_record(till):
    co = checkout(till)
    co.scan(MILK)
    co.pay_cash(co.payment.cash_due())
    sale = co.complete()
    r = Returns(till.store, till.staff, till.staff.login(1001, "1111"), clock=till.clock,
                payments=SimulatedPaymentTerminal())
    draft = r.prepare(r.find_local(sale.receipt_no), {1: 1}, reason_code="FAULTY")
    assert (draft.reason_code, draft.reason) == ("FAULTY", "Faulty")
    r.complete(draft, approval=MANAGER)
    (payload,) = [json.loads(p) for (p,) in till.store.conn.execute(
        "SELECT payload FROM outbox WHERE type = 'return'")]
    assert (payload["reason_code"], payload["reason"]) == ("FAULTY", "Faulty")
    assert audit(till, "refund")[0]["reason_code"] == "FAULTY"
    assert till.store.conn.execute("SELECT reason_code FROM returns").fetchone() == ("FAULTY",)


def test_a_code_off_the_list_or_a_typed_reason_where_none_is_allowed_changes_nothing(till):
    co = checkout(till, 2001, "2222")
    co.scan(MILK)
    with pytest.raises(InvalidInput, match="NOPE is not a reason") as err:
        co.void_line(1, reason_code="NOPE")
    assert err.value.code == "reason_unknown"
    with pytest.raises(InvalidInput):  # a discount's code is no void's
        co.void_line(1, reason_code="DMG")
    with till.store.write() as c:
        save_settings(c, dataclasses.replace(load_settings(c), require_shift=False,
                                             reason_free_text=False))
    strict = checkout(till, 2001, "2222")
    strict.scan(MILK)
    with pytest.raises(InvalidInput) as err:
        strict.override_price(1, Money(100, "CNY"), "my cousin")
    assert err.value.code == "reason_from_list"
    assert not strict.cart.get(1).override_reason
    assert audit(till, "void_line") == audit(till, "price_override") == []
    strict.override_price(1, Money(100, "CNY"), "", reason_code="PRICE_MATCH")


def test_the_x_and_z_reports_count_actions_per_reason(till):
    co = checkout(till, 2001, "2222")
    for code in (MILK, GUM, BREAD):
        co.scan(code)
    co.void_line(1, reason_code="SCAN_ERROR")  # 12.50
    co.void_line(2, reason_code="SCAN_ERROR")  # 3.50
    co.discount_line(3, Discount.parse("1.00", "CNY", reason="x"), reason_code="DMG")
    co.void_sale(reason="customer left")  # typed: no code
    co.no_sale(Drawer(), "", reason_code="CHANGE")
    sh = Shifts(till.store, till.staff, till.staff.login(3001, "3333"), clock=till.clock)
    x = sh.x_report()
    assert x.reasons == [
        {"kind": "discount", "reason_code": "DMG", "count": 1, "amount": 100},
        {"kind": "void", "reason_code": None, "count": 1, "amount": 800 - 100},
        {"kind": "void", "reason_code": "SCAN_ERROR", "count": 2, "amount": 1250 + 350},
        {"kind": "no_sale", "reason_code": "CHANGE", "count": 1, "amount": 0}]
    lines = report_lines(x, "en")
    assert "By reason" in lines
    assert any(ln.startswith("  Void SCAN_ERROR") and ln.endswith("2 / 16.00") for ln in lines)
    assert any(ln.startswith("  折扣 DMG") for ln in report_lines(x, "zh"))
    assert "reason,void:SCAN_ERROR:count,2" in report_csv(x)
    z = sh.z_report(approval=MANAGER, confirm_pending=True)
    assert z.reasons == x.reasons and sh.report(z.z_no).reasons == x.reasons


def test_the_demo_till_gets_quick_keys_for_loose_produce_bread_and_bags(tmp_path):
    from datetime import UTC, datetime

    from posclient.app.demo_data import build_demo_store
    from posclient.app.quick_keys import add_demo_quick_keys, quick_keys
    from posclient.assets import demo_document
    from posclient.store.db import Store

    store = Store.open(tmp_path / "demo.db", create=True)
    build_demo_store(store, demo_document, products=2000, members=0, seed=7,
                     now=datetime(2026, 12, 1, tzinfo=UTC))
    with store.write() as c:
        assert add_demo_quick_keys(c) > 0
    groups = {en: tiles for _zh, en, tiles in quick_keys(store.conn)}
    assert set(groups) == {"Fruit", "Vegetables", "Bakery", "Bags"}
    assert all(t.weighed for t in groups["Fruit"] + groups["Vegetables"])
    assert all("袋" in t.label_zh for t in groups["Bags"])
    store.close()
