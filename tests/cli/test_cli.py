"""The posclient command as a user types it: look-ups, a scripted sale, reprints, status."""

from __future__ import annotations

import sqlite3

import pytest
from escpos_kit import decode
from till_kit import APPLE_PLU, MILK, RICE, build_small_store

from posclient.app.terminal_config import TerminalConfig
from posclient.cli import main
from posclient.domain.barcode import DEFAULT_SCALE_RULES
from posclient.store.db import Store, latest_version


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "till.db"
    build_small_store(path).close()
    return path


def run(db, *args: str) -> int:
    return main(["--db", str(db), *args])


def sales(db) -> int:
    with sqlite3.connect(db) as c:
        return c.execute("SELECT count(*) FROM sales").fetchone()[0]


def test_lookup_by_barcode(db, capsys):
    assert run(db, "lookup", MILK) == 0
    out = capsys.readouterr().out
    assert "伊利 纯牛奶 250ml" in out and "12.50" in out and "stock 100" in out


@pytest.mark.parametrize("query", ["牛奶", "奶", "milk", "MIL", "pure mi"])
def test_lookup_by_name_in_chinese_or_english(db, capsys, query):
    assert run(db, "lookup", query) == 0
    assert "Yili Pure Milk" in capsys.readouterr().out


def test_lookup_of_a_weighed_item_shows_price_per_kg(db, capsys):
    assert run(db, "--lang", "en", "lookup", "apple") == 0
    out = capsys.readouterr().out
    assert "15.98/kg" in out and "30 kg" in out


def test_lookup_that_finds_nothing_says_so(db, capsys):
    assert run(db, "lookup", "unicorn") == 1
    assert "Nothing found" in capsys.readouterr().err


@pytest.mark.parametrize("text", ['"', "AND", "NEAR(", "*", "牛奶 OR", "(((", "''"])
def test_lookup_never_fails_on_odd_input(db, capsys, text):
    assert run(db, "lookup", text) in (0, 1)
    assert "Traceback" not in capsys.readouterr().err


def test_lookup_with_a_wrong_check_digit_explains_it(db, capsys):
    assert run(db, "lookup", "6901234567893") == 1
    assert "check digit" in capsys.readouterr().err


def test_sell_prints_the_receipt_and_commits_the_sale(db, capsys):
    label = DEFAULT_SCALE_RULES[0].encode("21", APPLE_PLU, 1234)
    code = run(db, "sell", "--staff", "1001", "--pin", "1111", "--scan", MILK,
               "--scan", f"{MILK}*3", "--scan", label, "--discount", "10%",
               "--pay", "cash:100")
    captured = capsys.readouterr()
    assert code == 0, captured.err
    out = captured.out
    assert "伊利 纯牛奶 250ml" in out and "4 x 12.50" in out
    assert "1.234 kg x 15.98/kg" in out
    assert "整单折扣" in out and "-6.97" in out  # 10% of 69.72
    assert "合计" in out and "CNY 62.75" in out
    assert "找零" in out and "37.25" in out
    assert "S001-T01-000001" in out
    assert "Sale committed" in captured.err
    assert sales(db) == 1
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT printed_at IS NOT NULL FROM sales").fetchone()[0] == 1


def test_sell_in_english_with_card_and_cash(db, capsys):
    code = run(db, "--lang", "en", "sell", "--staff", "1001", "--pin", "1111",
               "--scan", RICE, "--pay", "cash:20", "--pay", "card")
    out = capsys.readouterr().out
    assert code == 0
    assert "Wuchang Rice 5kg" in out and "Card UnionPay" in out and "39.90" in out


def test_large_discount_needs_a_supervisor_approval(db, capsys):
    args = ["sell", "--staff", "1001", "--pin", "1111", "--scan", MILK, "--discount", "20%",
            "--pay", "cash:20"]
    assert run(db, *args) == 1
    assert "needs a supervisor's approval" in capsys.readouterr().err
    assert sales(db) == 0
    assert run(db, *args, "--approve", "2001:2222") == 0
    assert sales(db) == 1


def test_payments_that_do_not_cover_the_total_sell_nothing(db, capsys):
    assert run(db, "sell", "--staff", "1001", "--pin", "1111", "--scan", RICE,
               "--pay", "cash:50") == 1
    assert "do not cover the total" in capsys.readouterr().err
    assert sales(db) == 0


def test_a_refusal_is_in_english_then_in_the_tills_chinese(db, capsys):
    args = ["sell", "--staff", "1001", "--pin", "1111", "--scan", RICE, "--pay", "cash:50"]
    assert run(db, *args) == 1  # the default language: zh
    err = capsys.readouterr().err.splitlines()
    assert err == ["posclient: The payments (50.00) do not cover the total (59.90 CNY): 9.90 "
                   "more is due. Nothing was sold.",
                   "posclient: 所付金额（¥50.00）不足以支付总额（¥59.90）：还差 ¥9.90。"
                   "未售出任何商品。"]
    assert run(db, "--lang", "en", *args) == 1
    assert capsys.readouterr().err.splitlines() == err[:1]


def test_declined_card_sells_nothing_and_reverses_nothing_else(db, capsys):
    assert run(db, "sell", "--staff", "1001", "--pin", "1111", "--scan", RICE,
               "--pay", "card:20", "--pay", "card", "--card-sim", "approve",
               "--card-sim", "decline") == 1
    assert "Card declined" in capsys.readouterr().err
    assert sales(db) == 0
    with sqlite3.connect(db) as c:
        assert sorted(r[0] for r in c.execute("SELECT status FROM payment_journal")) == \
            ["declined", "reversed"]


@pytest.mark.parametrize(("scan", "message"), [
    ("6909999999996", "Unknown barcode"),
    ("6901234567893", "check digit"),
    (f"{MILK}*0", "at least 1"),
    (f"{MILK}*-1", "at least 1"),
    (f"{MILK}*99999", "9999"),
    (f"{MILK}*x", "whole number"),
])
def test_sell_with_bad_input_explains_and_sells_nothing(db, capsys, scan, message):
    assert run(db, "sell", "--staff", "1001", "--pin", "1111", "--scan", scan,
               "--pay", "cash:100") == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert sales(db) == 0


def test_wrong_pin_is_refused(db, capsys):
    assert run(db, "sell", "--staff", "1001", "--pin", "9999", "--scan", MILK,
               "--pay", "cash:100") == 1
    assert "Wrong staff number or PIN" in capsys.readouterr().err


def test_reprint_marks_the_copy(db, capsys):
    run(db, "sell", "--staff", "1001", "--pin", "1111", "--scan", MILK, "--pay", "cash:20")
    capsys.readouterr()
    assert run(db, "reprint", "S001-T01-000001", "--staff", "1001", "--pin", "1111") == 0
    assert "重印" in capsys.readouterr().out


def test_a_sale_committed_but_not_printed_is_offered_at_the_next_start(db, capsys):
    run(db, "sell", "--staff", "1001", "--pin", "1111", "--scan", MILK, "--pay", "cash:20",
        "--no-print")
    capsys.readouterr()
    run(db, "status")
    assert "committed but not printed" in capsys.readouterr().err
    # This till has no printer: shown, and still waiting for a printer
    assert run(db, "reprint", "--pending", "--staff", "1001", "--pin", "1111") == 0
    captured = capsys.readouterr()
    assert "S001-T01-000001" in captured.out and "no printer set up" in captured.err
    run(db, "status")
    assert "1 sale(s) committed but not printed" in capsys.readouterr().err


def test_reprint_pending_goes_to_the_tills_printer_and_marks_them_printed(db, tmp_path,
                                                                          capsys):
    printer_file = tmp_path / "receipts.escpos"
    with Store.open(db) as store:
        TerminalConfig(store).provision("printer", {"kind": "file", "path": str(printer_file)})
    for _ in range(2):
        run(db, "sell", "--staff", "1001", "--pin", "1111", "--scan", MILK, "--pay", "cash:20",
            "--no-print")
    capsys.readouterr()
    assert run(db, "reprint", "--pending", "--staff", "1001", "--pin", "1111") == 0
    captured = capsys.readouterr()
    assert captured.out == "" and f"Printed 2 receipt(s) that had not been printed at " \
        f"{printer_file}" in captured.err
    assert decode(printer_file.read_bytes()).qr == ["S001-T01-000001", "S001-T01-000002"]
    run(db, "status")
    assert "not printed" not in capsys.readouterr().err
    # --stdout shows a copy here instead; the printer gets nothing more
    assert run(db, "reprint", "S001-T01-000001", "--stdout", "--staff", "1001",
               "--pin", "1111") == 0
    assert "S001-T01-000001" in capsys.readouterr().out
    assert decode(printer_file.read_bytes()).qr == ["S001-T01-000001", "S001-T01-000002"]


def test_status_shows_events_waiting(db, capsys):
    run(db, "sell", "--staff", "1001", "--pin", "1111", "--scan", MILK, "--pay", "cash:20")
    capsys.readouterr()
    assert run(db, "status") == 0
    out = capsys.readouterr().out
    assert "events waiting  1" in out and f"schema {latest_version()}" in out
    assert "not enrolled with a central" in out


def test_unlock_by_a_manager(db, capsys):
    for _ in range(10):
        run(db, "sell", "--staff", "1002", "--pin", "0000", "--scan", MILK, "--pay", "cash:20")
    capsys.readouterr()
    # Locked, or no one's: the command line refuses both alike (issue 17) ...
    refused = []
    for staff in ("1002", "4242"):
        code = run(db, "sell", "--staff", staff, "--pin", "1212", "--scan", MILK,
                   "--pay", "cash:20")
        refused.append((code, capsys.readouterr().err))
    assert refused[0] == refused[1] and refused[0][0] == 1
    assert "Wrong staff number or PIN" in refused[0][1]
    # ... and a manager sees which staff number is locked.
    assert run(db, "unlock", "--staff", "3001", "--pin", "3333") == 0
    listed = capsys.readouterr().out
    assert "1002" in listed and "locked until" in listed and "4242" not in listed
    assert run(db, "unlock", "1002", "--staff", "1001", "--pin", "1111") == 1
    assert "manager" in capsys.readouterr().err
    assert run(db, "unlock", "1002", "--staff", "3001", "--pin", "3333") == 0
    assert run(db, "sell", "--staff", "1002", "--pin", "1212", "--scan", MILK,
               "--pay", "cash:20") == 0


def test_a_damaged_database_is_a_start_up_error(tmp_path, capsys):
    bad = tmp_path / "till.db"
    bad.write_bytes(b"garbage" * 1000)
    assert main(["--db", str(bad), "status"]) == 3
    assert "damaged" in capsys.readouterr().err


def test_a_card_approval_whose_sale_never_committed_is_reported(db, capsys):
    """The till died between the card approval and the commit: nobody may forget it (the card
    terminal does not know this one, so it is not reversed: a manager resolves it)."""
    with sqlite3.connect(db) as c:
        c.execute("INSERT INTO payment_journal (reference, amount, currency, status, "
                  "auth_code, created_at, updated_at) VALUES ('r1', 1250, 'CNY', 'approved', "
                  "'A1', '2026-11-23T09:00:00.000Z', '2026-11-23T09:00:00.000Z')")
    assert run(db, "status") == 0
    captured = capsys.readouterr()
    assert "1 card payment(s) were approved but their sale never completed" in captured.err
    assert "posclient payments list" in captured.err
    assert "1 approved without a sale" in captured.out


@pytest.mark.parametrize(("pay", "message"), [
    ("cash:99999999999999", "more than the till accepts (100000000.00 at most)"),
    ("cash:" + "1" + "0" * 23, "more than the till accepts"),
    ("card:" + "9" * 40, "more than the till accepts"),
    ("cash:200", "more than a 100.00 note: check the amount. Refused: a script cannot"),
])
def test_a_tender_far_above_the_sale_is_refused_and_sells_nothing(db, capsys, pay, message):
    assert run(db, "sell", "--staff", "1001", "--pin", "1111", "--scan", MILK,
               "--pay", pay) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert sales(db) == 0


def test_cash_leaving_less_than_a_note_of_change_sells(db, capsys):
    assert run(db, "sell", "--staff", "1001", "--pin", "1111", "--scan", MILK,
               "--pay", "cash:100", "--no-print") == 0  # 12.50 due: 87.50 change
    assert "change 87.50" in capsys.readouterr().err


def test_sell_takes_reason_codes_for_discounts_and_overrides(db, capsys):
    assert run(db, "sell", "--staff", "2001", "--pin", "2222", "--scan", MILK, "--scan", RICE,
               "--override", "2:50.00:PRICE_MATCH", "--discount", "5%", "--reason", "DMG",
               "--pay", "cash:60") == 0
    with sqlite3.connect(db) as c:
        audit = dict(c.execute("SELECT action, json_extract(detail, '$.reason_code') "
                               "FROM audit_log WHERE action IN ('price_override', "
                               "'basket_discount')").fetchall())
    assert audit == {"price_override": "PRICE_MATCH", "basket_discount": "DMG"}
    assert run(db, "sell", "--staff", "2001", "--pin", "2222", "--scan", MILK,
               "--discount", "5%", "--reason", "NOPE", "--pay", "cash:20") == 1
    assert "NOPE is not a reason" in capsys.readouterr().err
    assert sales(db) == 1
