"""``posclient audit verify`` finds an edited or removed audit record, and the audit log goes
up to the central, which keeps it as uploaded and checks the chain on arrival (real central over
HTTP, SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import sqlite3

import pytest
from till_kit import build_small_store

from posclient.app.staff import StaffService
from posclient.cli import main
from posclient.domain.clock import ManualClock
from posclient.store.db import Store


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "till.db"
    store = build_small_store(path)
    staff = StaffService(store, ManualClock())
    session = staff.login(1001, "1111")  # audited
    for n in range(3):
        staff.record(session, "no_sale", 2001, reason=f"float {n}")
    with pytest.raises(Exception):  # noqa: B017 - a failed PIN is audited too
        staff.login(1002, "0000")
    store.close()
    return path


def verify(db, capsys) -> tuple[int, str]:
    code = main(["--db", str(db), "audit", "verify"])
    return code, capsys.readouterr().out


def test_an_intact_log_verifies(db, capsys):
    code, out = verify(db, capsys)
    assert code == 0 and "audit log intact" in out


def test_an_edited_record_is_caught(db, capsys):
    with sqlite3.connect(db) as c:
        c.execute("UPDATE audit_log SET detail = ? WHERE id = 3",
                  (json.dumps({"reason": "float 99"}),))
    code, out = verify(db, capsys)
    assert code == 1 and "record 3 was altered" in out


def test_a_removed_record_is_caught_in_the_middle_and_at_the_end(db, capsys):
    with sqlite3.connect(db) as c:
        c.execute("DELETE FROM audit_log WHERE id = 2")
    code, out = verify(db, capsys)
    assert code == 1 and "records 2..2 are missing" in out
    with sqlite3.connect(db) as c:  # the tail, after the central acknowledged it
        last = c.execute("SELECT max(id) FROM audit_log").fetchone()[0]
        c.execute("INSERT INTO sync_state (key, value) VALUES ('audit_sent_through', ?)",
                  (str(last),))
        c.execute("DELETE FROM audit_log WHERE id = ?", (last,))
    code, out = verify(db, capsys)
    assert code == 1 and f"records {last}..{last} are missing (the central has them)" in out


def test_a_records_fake_chain_is_caught_even_if_rehashed_after_it(db, capsys):
    from posclient.domain.audit import digest

    with sqlite3.connect(db) as c:  # rewrite record 2 with a correct hash of its own
        _, at, staff, appr, action, _, prev = c.execute(
            "SELECT id, at, staff_id, approved_by, action, detail, prev_hash FROM audit_log "
            "WHERE id = 2").fetchone()
        fake = json.dumps({"reason": "nothing"})
        c.execute("UPDATE audit_log SET detail = ?, hash = ? WHERE id = 2",
                  (fake, digest(prev, at, staff, appr, action, fake)))
    code, out = verify(db, capsys)
    assert code == 1 and "record 3 does not follow the record before it" in out
    Store.open(db).close()
