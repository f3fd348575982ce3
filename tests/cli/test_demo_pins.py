"""A newcomer who lost the demo's PINs (printed once, before the window failed) gets new ones
without deleting the database; a real till refuses."""

from __future__ import annotations

import re
import sqlite3

from till_kit import build_small_store

from posclient.cli import main


def pins_from(text: str) -> dict[int, str]:
    return {int(sid): pin for sid, pin in re.findall(r"^\s+(\d{4}) .* PIN (\d{6})$", text, re.M)}


def test_demo_pins_replace_the_lost_ones_and_clear_a_lockout(tmp_path, capsys):
    db = str(tmp_path / "demo.db")
    assert main(["--db", db, "demo-data", "--products", "50", "--members", "0"]) == 0
    printed = capsys.readouterr().out
    old = pins_from(printed)
    assert "posclient demo-pins makes new ones" in printed
    for _ in range(3):  # a newcomer guessing
        main(["--db", db, "sell", "--staff", "1001", "--pin", "000000", "--scan", "x",
              "--pay", "cash:1"])
    assert main(["--db", db, "demo-pins"]) == 0
    new = pins_from(capsys.readouterr().out)
    assert sorted(new) == [1001, 1002, 2001, 3001] and new != old
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT max(failed_pins) FROM staff").fetchone()[0] == 0
        assert c.execute("SELECT count(*) FROM audit_log WHERE action = 'demo_pins_reset'"
                         ).fetchone()[0] == 1
    args = ["--db", db, "sell", "--staff", "1001", "--scan", "6901234567892", "--pay",
            "cash:10", "--no-print"]
    assert main([*args[:5], "--pin", old[1001], *args[5:]]) == 1
    assert main([*args[:5], "--pin", new[1001], *args[5:]]) == 0


def test_a_till_whose_staff_are_not_the_demos_refuses(tmp_path, capsys):
    db = tmp_path / "till.db"
    build_small_store(db).close()
    assert main(["--db", str(db), "demo-pins"]) == 1
    assert "not the demo's" in capsys.readouterr().err


def test_an_enrolled_demo_till_refuses(tmp_path, capsys):
    db = str(tmp_path / "demo.db")
    main(["--db", db, "demo-data", "--products", "50", "--members", "0"])
    with sqlite3.connect(db) as c:
        c.execute("INSERT INTO sync_state (key, value) VALUES ('server_url', "
                  "'https://central.example')")
    capsys.readouterr()
    assert main(["--db", db, "demo-pins"]) == 1
    assert "enrolled with a central" in capsys.readouterr().err
