"""``posclient audit verify`` finds an edited or removed audit record; with the till's key
(issue 17) also a record rewritten with its chain computed again and records removed from the
end before any upload. ``posclient status`` says how the log is keyed."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import keyring.core
import pytest
from keyring.backends import fail
from till_kit import build_small_store

from posclient.app.staff import StaffService
from posclient.cli import main
from posclient.domain.clock import ManualClock
from posclient.store.db import Store
from sync.credentials import MemoryKeyring, TokenStore, key_audit


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


# -- the keyed log (issue 17) ---------------------------------------------------------------------

@pytest.fixture
def keyring_of_this_machine(monkeypatch):
    """The OS keyring the command line finds (in memory here)."""
    backend = MemoryKeyring()
    monkeypatch.setattr(keyring.core, "_keyring_backend", backend)
    return backend


@pytest.fixture
def keyed_db(tmp_path, keyring_of_this_machine, capsys):
    path = tmp_path / "till.db"
    build_small_store(path).close()
    assert main(["--db", str(path), "--lang", "en", "status"]) == 0  # the first start: keyed
    assert "audit           keyed with this till's key" in capsys.readouterr().out
    with Store.open(path) as store:
        key_audit(store, TokenStore())  # the till's service, as the window has it
        staff = StaffService(store, ManualClock())
        session = staff.login(1001, "1111")
        for n in range(3):
            staff.record(session, "no_sale", 2001, reason=f"float {n}")
    return path


def test_a_keyed_log_verifies_and_says_from_which_record_it_is_keyed(keyed_db, capsys):
    code, out = verify(keyed_db, capsys)
    assert code == 0
    assert "audit log intact: 4 record(s)" in out and "审计日志完好：共 4 条记录" in out
    assert "keyed with this till's key from record 1 on; the head file remembers record 4" in out


def test_a_rewrite_with_the_chain_computed_again_is_caught_by_the_key(keyed_db, capsys):
    from posclient.domain.audit import GENESIS, digest

    with sqlite3.connect(keyed_db) as c:  # the last record, rehashed: the SHA-256 chain holds
        _, at, staff, appr, action, _, prev = c.execute(
            "SELECT id, at, staff_id, approved_by, action, detail, prev_hash FROM audit_log "
            "WHERE id = 4").fetchone()
        fake = json.dumps({"reason": "nothing"})
        c.execute("UPDATE audit_log SET detail = ?, hash = ? WHERE id = 4",
                  (fake, digest(prev or GENESIS, at, staff, appr, action, fake)))
    code, out = verify(keyed_db, capsys)
    assert code == 1
    assert "AUDIT PROBLEM: records 4..4 fail this till's key check" in out
    assert "AUDIT PROBLEM: 第 4 至 4 条记录通不过本收银机密钥的校验" in out
    assert "2 problem(s) in 4 audit record(s)" in out  # and the head remembers another record 4


def test_records_removed_from_the_end_before_any_upload_are_caught(keyed_db, capsys):
    with sqlite3.connect(keyed_db) as c:
        c.execute("DELETE FROM audit_log WHERE id > 2")
    assert main(["--db", str(keyed_db), "audit", "verify", "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["problems"] == [
        "records 3..4 were removed: the head file remembers the log reaching record 4"]
    assert doc["findings"][0]["id"] == "audit.tail_removed"
    assert doc["findings"][0]["zh"] == "第 3 至 4 条记录被删除了：头文件记得日志写到了第 4 条"
    assert (doc["keying"], doc["keyed_from"], doc["head"]) == ("keyed", 1, 4)


def test_verify_never_makes_a_key(tmp_path, keyring_of_this_machine, capsys):
    path = tmp_path / "till.db"
    build_small_store(path).close()
    code, out = verify(path, capsys)
    assert code == 0 and "the audit log is not keyed yet" in out
    assert keyring_of_this_machine.items == {}


def test_without_a_keyring_status_and_verify_say_the_log_is_not_keyed(db, monkeypatch, capsys):
    monkeypatch.setattr(keyring.core, "_keyring_backend", fail.Keyring())
    code, out = verify(db, capsys)
    assert code == 0 and "audit log intact" in out
    assert "the audit log is not keyed: this machine has no usable keyring" in out
    assert main(["--db", str(db), "status"]) == 0
    out = capsys.readouterr().out
    assert "audit           NOT KEYED: the audit log is not keyed" in out
    assert "审计日志        审计日志没有密钥保护" in out
    assert main(["--db", str(db), "status", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["audit_keying"] == "no_keyring"


def test_a_till_started_without_a_keyring_says_its_log_is_not_keyed(db, tmp_path):
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
           "POSCLIENT_LOG_DIR": str(tmp_path / "logs")}
    done = subprocess.run([sys.executable, "-m", "posclient.cli", "--db", str(db), "console"],
                          input="\n", env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Note: the audit log is not keyed: this machine has no usable keyring" in done.stderr
    assert "Note: 审计日志没有密钥保护" in done.stderr
