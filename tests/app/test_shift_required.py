"""Selling needs an open shift (the store's ``require_shift``, on by default): no money is
taken into a drawer whose float was never counted. The rule is the service's, so the window, the
console and ``posclient shift`` / ``posclient sell`` meet the same one."""

from __future__ import annotations

import json
import sqlite3

import pytest
from till_kit import MILK, PINS, build_small_store

from posclient.app.checkout import Checkout
from posclient.app.shifts import Shifts
from posclient.app.staff import StaffService
from posclient.cli import main
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.errors import InvalidInput
from posclient.domain.money import Money
from posclient.domain.settings import StoreSettings


def test_a_new_stores_tills_need_a_shift_to_sell():
    assert StoreSettings().require_shift is True


@pytest.fixture
def store(tmp_path):
    s = build_small_store(tmp_path / "till.db", require_shift=True)
    yield s
    s.close()


def test_no_money_is_taken_until_a_shift_is_open_and_after_it_is_closed(store, clock):
    staff = StaffService(store, clock)
    session = staff.login(1001, PINS[1001])
    co = Checkout(store, staff, session, clock=clock, payments=SimulatedPaymentTerminal())
    co.scan(MILK)  # the basket can be built
    for pay in (lambda: co.pay_cash(Money(2000, "CNY")), lambda: co.pay_card(),
                co.complete):
        with pytest.raises(InvalidInput) as err:
            pay()
        assert err.value.code == "shift_not_open"
    assert not co.payment.tenders
    assert store.conn.execute("SELECT count(*) FROM payment_journal").fetchone()[0] == 0
    shifts = Shifts(store, staff, session, clock=clock)
    shifts.open({10_000: 1})
    co.pay_cash(Money(2000, "CNY"))
    assert co.complete().receipt_no == "S001-T01-000001"
    assert store.conn.execute("SELECT count(*) FROM sales").fetchone()[0] == 1
    shifts.close({10_000: 1, 1_000: 1, 100: 2, 50: 1})  # 100 + 12.50 - change 7.50
    co.scan(MILK)
    with pytest.raises(InvalidInput, match="No shift is open"):
        co.pay_cash(Money(2000, "CNY"))


def test_the_command_line_opens_moves_closes_and_reports(tmp_path, capsys):
    db = tmp_path / "till.db"
    build_small_store(db, require_shift=True).close()

    def run(*args: str) -> int:
        return main(["--db", str(db), "--lang", "en", *args])

    sell = ("sell", "--staff", "1001", "--pin", "1111", "--scan", MILK, "--pay", "cash:20",
            "--no-print")
    assert run(*sell) == 1
    assert "No shift is open" in capsys.readouterr().err
    assert run("shift", "open", "--staff", "1001", "--pin", "1111", "--float", "100x2",
               "--float", "0.5x4", "--json") == 0
    assert json.loads(capsys.readouterr().out)["float"] == 20_200
    assert run(*sell) == 0
    assert run("shift", "cash", "out", "5", "--reason", "ice", "--staff", "1001", "--pin",
               "1111") == 1  # a paid-out needs a supervisor
    assert "supervisor" in capsys.readouterr().err
    assert run("shift", "cash", "out", "5", "--reason", "ice", "--staff", "1001", "--pin",
               "1111", "--approve", "2001:2222") == 0
    assert run("shift", "x", "--staff", "1001", "--pin", "1111", "--json") == 0
    x = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert (x["kind"], x["sales_total"], x["movements"]) == ("X", 1250, {"paid_out": 500})
    # 202.00 float + 12.50 sale - 5.00 paid out = 209.50 in the drawer
    assert run("shift", "close", "--count", "100x2", "--count", "5x1", "--count", "1x4",
               "--count", "0.5x1", "--staff", "1001", "--pin", "1111", "--json") == 0
    closed = json.loads(capsys.readouterr().out)
    assert closed["over_short"] == {"cash": 0}
    assert run("shift", "z", "--staff", "3001", "--pin", "3333", "--confirm-pending",
               "--json") == 0
    z = json.loads(capsys.readouterr().out)
    assert z["kind"] == "Z" and z["z_no"] == 1 and z["sales_count"] == 1
    with sqlite3.connect(db) as c:
        types = [t for (t,) in c.execute("SELECT type FROM outbox ORDER BY terminal_seq")]
    assert types == ["shift_open", "sale", "cash_movement", "shift_close", "z_report"]
