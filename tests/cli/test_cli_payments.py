"""``posclient payments``: a manager resolves, from the command line, card payments approved
without a sale; a selling command first lets the card terminal reverse what it can."""

from __future__ import annotations

import json
import sqlite3

import pytest
from card_orphans_kit import abandon_after_approval, kill_after_approval, settle, terminal_memory
from till_kit import BREAD, MILK, build_small_store

from posclient.cli import main
from sync.protocol.clock import SystemClock


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "till.db"
    build_small_store(path).close()
    return path


def run(db, *args: str) -> int:
    return main(["--db", str(db), "--lang", "en", *args])


def journal(db) -> list[tuple]:
    with sqlite3.connect(db) as c:
        return c.execute("SELECT reference, status, resolution FROM payment_journal "
                         "ORDER BY id").fetchall()


def test_selling_after_a_kill_reverses_the_orphan_on_the_terminal_first(db, capsys):
    [ref] = kill_after_approval(db, MILK)
    assert run(db, "sell", "--staff", "1001", "--pin", "1111", "--scan", MILK,
               "--pay", "cash:20", "--no-print") == 0
    assert "1 card payment(s) approved without a sale" in capsys.readouterr().err
    assert terminal_memory(db).reversed == [ref]
    assert journal(db)[0] == (ref, "reversed", "reversed")


def test_a_manager_lists_and_reverses_an_orphan(db, capsys):
    ref = abandon_after_approval(db, SystemClock(), MILK)
    settle(db)  # the card terminal's batch closed: it refuses to reverse
    assert run(db, "payments", "list", "--json") == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert listed["reference"] == ref and listed["amount"] == 1250 and listed["reported"]
    assert listed["lines"][0]["qty"] == 1

    assert run(db, "payments", "reverse", ref, "--staff", "1001", "--pin", "1111") == 1
    assert "needs a manager" in capsys.readouterr().err
    assert run(db, "payments", "reverse", ref, "--staff", "3001", "--pin", "3333") == 1
    assert "cannot reverse" in capsys.readouterr().err
    assert journal(db)[0][2] is None  # nothing changed


def test_a_manager_completes_an_orphan_as_a_sale_without_charging_again(db, capsys):
    ref = abandon_after_approval(db, SystemClock(), MILK, BREAD)
    settle(db)
    assert run(db, "payments", "list") == 0
    out = capsys.readouterr().out
    assert ref in out and "20.50" in out and "Wholemeal Bread ×1" in out
    assert run(db, "payments", "complete", ref, "--staff", "1001", "--pin", "1111",
               "--approve", "3001:3333") == 0
    assert "Completed as sale S001-T01-000001 (20.50)" in capsys.readouterr().out
    assert journal(db)[0] == (ref, "captured", "completed")
    assert list(terminal_memory(db).authorized) == [ref]
    assert run(db, "payments", "complete", ref, "--staff", "3001", "--pin", "3333") == 1
    assert "no card payment" in capsys.readouterr().err
    assert run(db, "payments", "list") == 0
    assert "No card payment waits" in capsys.readouterr().out
    assert run(db, "status") == 0  # the start-up warning is cleared once it is resolved
    out, err = capsys.readouterr()
    assert "card payment" not in err and "approved without a sale" not in out
    with sqlite3.connect(db) as c:
        assert [t for (t,) in c.execute("SELECT type FROM outbox ORDER BY terminal_seq")] == [
            "card_orphan_found", "sale", "card_orphan_resolved"]


def test_payments_without_a_reference_is_a_clear_refusal(db, capsys):
    assert run(db, "payments", "reverse") == 1
    assert "needs REF, --staff and --pin" in capsys.readouterr().err


def test_a_manager_refunds_a_settled_orphan_to_the_card(db, capsys):
    ref = abandon_after_approval(db, SystemClock(), MILK)
    settle(db)
    assert run(db, "payments", "refund", ref, "--staff", "3001", "--pin", "3333") == 0
    assert f"Refunded to the card: {ref}" in capsys.readouterr().out
    assert journal(db)[0] == (ref, "approved", "refunded")
    assert [m.minor for m in terminal_memory(db).refunded.values()] == [1250]
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT count(*) FROM sales").fetchone()[0] == 0
