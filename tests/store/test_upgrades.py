"""Upgrading a till's database: from an earlier schema with its data, a copy first, a failed
upgrade put back, old copies pruned, a newer database refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from till_kit import MILK, build_small_store

from posclient.app.terminal import Terminal
from posclient.cli import main
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.money import Money
from posclient.store import db
from posclient.store.db import StartupError, Store, backups, migration_scripts
from sync.engine import read_status

SHIPPED = migration_scripts()


def _insert(conn: sqlite3.Connection, table: str, **values: Any) -> None:
    """A row with the given values and a placeholder in every other required column (the
    test does not need to know each column of an old schema)."""
    row = dict(values)
    for _, name, kind, notnull, default, pk in conn.execute(f"PRAGMA table_info({table})"):
        if name in row or not notnull or default is not None or pk:
            continue
        row[name] = 0 if "INT" in kind.upper() else ""
    cols = ", ".join(row)
    conn.execute(f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' * len(row))})",
                 list(row.values()))


def _schema(path: Path) -> int:
    with sqlite3.connect(path) as c:
        return c.execute("PRAGMA user_version").fetchone()[0]


def test_a_database_of_the_first_schema_upgrades_with_its_data_and_sells(tmp_path, monkeypatch):
    """A till that last ran the first release: its catalogue, staff, a sale still waiting to
    upload. The full chain upgrades it; the data is kept and the new code sells on it."""
    path = tmp_path / "till.db"
    with monkeypatch.context() as m:  # the first release knew migration 0001 only
        m.setattr(db, "migration_scripts", lambda: SHIPPED[:1])
        store = build_small_store(path)
    with store, store.write() as c:
        assert c.execute("PRAGMA user_version").fetchone()[0] == 1
        _insert(c, "sales", id=1, event_id="0190a000-0000-7000-8000-000000000001",
                receipt_no="S001-T01-000001", store_id="S001", terminal_id="T01",
                terminal_sale_no=1, staff_id=1001, started_at="2026-01-05T09:00:00Z",
                completed_at="2026-01-05T09:01:00Z", currency="CNY", tax_inclusive=1,
                subtotal=1250, total=1250, paid=2000, change_given=750)
        _insert(c, "sale_lines", sale_id=1, line_no=1, product_id=1, sku="100001",
                name_zh="伊利 纯牛奶 250ml", name_en="Yili Pure Milk 250ml", measure="each",
                qty=1, list_price=1250, unit_price=1250, gross=1250)
        _insert(c, "sale_tenders", sale_id=1, seq=1, kind="cash", amount=1250, tendered=2000,
                change=750)
        _insert(c, "outbox", terminal_seq=1, event_id="0190a000-0000-7000-8000-000000000001",
                type="sale", occurred_at="2026-01-05T09:01:00Z", payload="{}")
        c.execute("INSERT INTO counters VALUES ('terminal_seq', 1), ('receipt', 1)")

    with Store.open(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == len(SHIPPED)
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert store.conn.execute("SELECT receipt_no, total FROM sales").fetchall() == \
            [("S001-T01-000001", 1250)]
        assert read_status(store.conn).events_waiting == 1
        term = Terminal(store, payments=SimulatedPaymentTerminal(()))
        assert term.lookup.find(MILK)[0].product.sku == "100001"
        co = term.checkout(term.staff.login(1001, "1111"))
        co.scan(MILK, 2)
        co.pay_cash(Money(5000, "CNY"))
        done = co.complete()
        assert (done.receipt_no, done.totals.total) == ("S001-T01-000002", Money(2500, "CNY"))
        assert store.conn.execute("SELECT count(*) FROM sales").fetchone()[0] == 2
        assert read_status(store.conn).events_waiting == 2
    # The copy taken before the upgrade held the members' phones and names in plain text
    # (before migration 0020): it is deleted once the upgrade is through (issue 17).
    assert backups(path) == []


def _chain(*extra: str) -> list[tuple[int, str, str]]:
    n = len(SHIPPED)
    return [*SHIPPED, *((n + i, f"{n + i:04d}_test.sql", sql)
                        for i, sql in enumerate(extra, start=1))]


def _store_with_a_tax_rate(path: Path) -> None:
    with Store.open(path) as store, store.write() as c:
        c.execute("INSERT INTO tax_rates (code, rate_ppm) VALUES ('VAT13', 130000)")


def test_a_failed_upgrade_puts_back_the_copy_and_says_so(tmp_path):
    """The first new migration succeeds, the second fails: the database goes back to the copy
    taken before the upgrade, not half-way."""
    path = tmp_path / "till.db"
    _store_with_a_tax_rate(path)
    chain = _chain("ALTER TABLE tax_rates ADD COLUMN note TEXT NOT NULL DEFAULT '';"
                   "UPDATE tax_rates SET note = 'changed';",
                   "CREATE TABLE extra (x); INSERT INTO no_such_table VALUES (1);")
    with pytest.raises(StartupError) as failed:
        Store.open(path, scripts=chain)
    message = str(failed.value)
    assert f"schema {len(chain)} ({chain[-1][1]}) failed" in message
    assert "restored from the copy taken before the upgrade" in message
    assert f"unchanged at schema {len(SHIPPED)}" in message
    assert backups(path)[0].name in message
    with Store.open(path) as store:
        c = store.conn
        assert c.execute("PRAGMA user_version").fetchone()[0] == len(SHIPPED)
        assert c.execute("SELECT * FROM tax_rates").fetchall() == [("VAT13", 130000, "", "")]
        names = {r[0] for r in c.execute("SELECT name FROM sqlite_master")}
        assert "extra" not in names
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # Fixed in the next release, the same database upgrades.
    fixed = _chain(chain[-2][2], "CREATE TABLE extra (x);")
    with Store.open(path, scripts=fixed) as store:
        assert store.conn.execute("SELECT note FROM tax_rates").fetchall() == [("changed",)]


def test_only_the_newest_copies_are_kept(tmp_path):
    path = tmp_path / "till.db"
    _store_with_a_tax_rate(path)
    extra: list[str] = []
    for i in range(db.KEEP_BACKUPS + 2):
        extra.append(f"CREATE TABLE t{i} (x);")
        Store.open(path, scripts=_chain(*extra)).close()
    kept = backups(path)
    assert len(kept) == db.KEEP_BACKUPS
    newest = len(SHIPPED) + db.KEEP_BACKUPS + 2
    assert f".pre-v{newest}-" in kept[-1].name
    assert _schema(kept[-1]) == newest - 1
    assert not list(tmp_path.glob(f"till.db.pre-v{len(SHIPPED) + 1}-*.bak"))


def test_a_database_of_a_newer_version_is_refused_at_the_command_line(tmp_path, capsys):
    path = tmp_path / "till.db"
    Store.open(path).close()
    with sqlite3.connect(path) as c:
        c.execute(f"PRAGMA user_version = {len(SHIPPED) + 3}")
    before = path.read_bytes()
    assert main(["--db", str(path), "status"]) == 3
    err = capsys.readouterr().err
    assert "written by a newer version of posclient" in err
    assert f"schema {len(SHIPPED) + 3}; this version knows up to {len(SHIPPED)}" in err
    assert "not changed" in err
    assert path.read_bytes() == before
    assert not backups(path)
