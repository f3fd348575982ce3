"""The keyed audit log (issue 17): a record rewritten with its SHA-256 chain computed again, the
last records removed, or records appended without the till's key are caught on the till
itself; a crash between a commit and the head's write raises no false alarm; a till without a
keyring, or whose key is gone, says so. Real SQLite files, the real head file beside them, the
keyring seam of sync/credentials.py (an in-memory keyring, or one that refuses)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from keyring.backends import fail
from till_kit import build_small_store

from posclient.app.staff import StaffService
from posclient.domain.audit import GENESIS, digest
from posclient.domain.clock import ManualClock
from posclient.store import audit
from posclient.store.audit_head import Keying, head_path, read_head
from posclient.store.db import Store
from sync.credentials import MemoryKeyring, TokenStore, key_audit


class Till:
    """A till database at ``path`` whose Store is keyed from ``tokens`` as the composition root
    keys it, and whose staff write audit records through the services."""

    def __init__(self, path: Path, tokens: TokenStore | None = None) -> None:
        self.path = path
        self.tokens = tokens or TokenStore(MemoryKeyring())
        self.clock = ManualClock()
        if not path.exists():
            build_small_store(path).close()
        self.store = Store.open(path)
        self.keying = key_audit(self.store, self.tokens)
        self.staff = StaffService(self.store, self.clock)

    def work(self, n: int = 3) -> None:
        """A login and ``n`` no-sale openings: 1 + n audit records."""
        session = self.staff.login(1001, "1111")
        for i in range(n):
            self.clock.advance(minutes=1)
            self.staff.record(session, "no_sale", 2001, reason=f"float {i}")

    def verify(self) -> audit.AuditReport:
        return audit.verify(self.store.conn, self.store.audit_key, self.store.audit_head)

    def problems(self) -> list[str]:
        return [str(p) for p in self.verify().problems]

    def close(self) -> None:
        self.store.close()


@pytest.fixture
def till(tmp_path):
    t = Till(tmp_path / "till.db")
    yield t
    t.close()


def rewrite(db: Path, rid: int, detail: dict) -> None:
    """What someone with the file and no key can do: change record ``rid`` and compute the
    SHA-256 chain again from it to the end (the MACs cannot be made again)."""
    with sqlite3.connect(db) as c:
        c.execute("UPDATE audit_log SET detail = ? WHERE id = ?", (json.dumps(detail), rid))
        rows = c.execute("SELECT id, at, staff_id, approved_by, action, detail FROM audit_log "
                         "WHERE id >= ? ORDER BY id", (rid,)).fetchall()
        prev = c.execute("SELECT hash FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT 1",
                         (rid,)).fetchone()
        prev = prev[0] if prev else GENESIS
        for r, at, staff_id, approved_by, action, text in rows:
            h = digest(prev, at, staff_id, approved_by, action, text)
            c.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", (prev, h, r))
            prev = h


def append_unkeyed(db: Path, action: str = "no_sale") -> int:
    """A record appended by hand: chained right, without the key."""
    with sqlite3.connect(db) as c:
        prev = c.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()[0]
        h = digest(prev, "2026-01-01T00:00:00.000Z", 1001, None, action, "{}")
        return int(c.execute(
            "INSERT INTO audit_log (at, staff_id, approved_by, action, detail, prev_hash, hash) "
            "VALUES ('2026-01-01T00:00:00.000Z', 1001, NULL, ?, '{}', ?, ?)",
            (action, prev, h)).lastrowid)


def last_id(db: Path) -> int:
    with sqlite3.connect(db) as c:
        return int(c.execute("SELECT max(id) FROM audit_log").fetchone()[0])


# -- a keyed till ---------------------------------------------------------------------------------

def test_each_record_carries_its_mac_and_the_head_follows_the_last_one(till):
    assert till.keying is Keying.KEYED
    till.work()
    report = till.verify()
    assert report.intact and report.records == 4 and report.keyed_from == 1
    assert report.head == 4
    with sqlite3.connect(till.path) as c:
        assert c.execute("SELECT count(*) FROM audit_log WHERE mac IS NULL").fetchone() == (0,)
    head = read_head(head_path(till.path))
    assert head is not None and (head.seq, head.keyed_from) == (4, 1)
    assert head.database_id == till.store.database_id()


def test_the_secret_is_in_the_keyring_only_never_in_the_database_or_the_head(till):
    till.work()
    secret = till.store.audit_key.secret
    till.store.close()
    for f in till.path.parent.iterdir():
        if f.is_file():
            raw = f.read_bytes()
            assert secret not in raw and secret.hex().encode() not in raw, f.name
    with sqlite3.connect(till.path) as c:
        database_id = c.execute("SELECT value FROM sync_state WHERE key = 'database_id'"
                                ).fetchone()[0]
    assert till.tokens.load_audit_key(database_id) == secret.hex()


def test_a_record_rewritten_with_its_chain_computed_again_is_caught(till):
    till.work()
    rewrite(till.path, 2, {"reason": "nothing to see"})
    unkeyed = audit.verify(till.store.conn)  # the SHA-256 chain alone holds: only the key
    assert [p.message_id for p in unkeyed.problems] == ["audit.key_missing"]  # is missed
    assert till.problems() == [
        "records 2..4 fail this till's key check (rewritten with their hashes computed again, "
        "or written with another key)",
        "record 4 is not the one the head file remembers (rewritten)"]


def test_the_last_records_removed_before_any_upload_are_caught(till):
    till.work()
    with sqlite3.connect(till.path) as c:
        c.execute("DELETE FROM audit_log WHERE id >= 3")
    assert till.problems() == [
        "records 3..4 were removed: the head file remembers the log reaching record 4"]


def test_records_appended_without_the_key_are_caught(till):
    till.work()
    rid = append_unkeyed(till.path)
    assert till.problems() == [
        f"records {rid}..{rid} were written without this till's key after the log was keyed "
        "(by another program, or while the keyring could not be read)"]


def test_a_tail_removed_and_refilled_by_hand_is_caught(till):
    till.work()
    with sqlite3.connect(till.path) as c:
        c.execute("DELETE FROM audit_log WHERE id = 4")
    append_unkeyed(till.path)  # id 4 again, another record
    problems = till.problems()
    assert "record 4 is not the one the head file remembers (rewritten)" in problems
    assert any("written without this till's key" in p for p in problems)


def test_a_store_opened_without_the_key_writes_records_that_are_reported(till):
    till.work(1)
    with Store.open(till.path) as other:  # not through the composition root: no key
        StaffService(other, till.clock).login(1001, "1111")
    assert till.problems() == [
        "records 3..3 were written without this till's key after the log was keyed "
        "(by another program, or while the keyring could not be read)"]


# -- the head ---------------------------------------------------------------------------------

def test_a_crash_between_the_commit_and_the_heads_write_is_no_false_alarm(till):
    till.work(1)
    head = head_path(till.path)
    shutil.copy(head, till.path.with_name("older-head"))
    till.work(2)  # committed, and the head moved on ...
    shutil.copy(till.path.with_name("older-head"), head)  # ... as if it had not: a crash
    report = till.verify()
    assert report.intact and report.head == 2 and report.records == 5
    till.work(1)  # the next commit moves it on again
    assert till.verify().head == 7 and till.verify().intact


def test_a_head_never_moves_back_with_two_connections(till):
    with Store.open(till.path, audit_key=till.store.audit_key) as engine:  # the sync engine's
        till.work(1)
        StaffService(engine, till.clock).login(1001, "1111")
        till.work(1)
    head = read_head(head_path(till.path))
    assert head is not None and head.seq == 5 and till.verify().intact


def test_a_missing_or_edited_head_is_reported(till):
    till.work()
    head = head_path(till.path)
    doc = json.loads(head.read_text())
    head.unlink()
    assert till.problems() == [
        f"the audit log's head file {head} is missing while the log holds records: records "
        "removed from its end cannot be ruled out"]
    till.work(1)  # a missing head is not made again behind verify's back
    assert not head.exists()
    head.write_text(json.dumps({**doc, "seq": doc["seq"] + 5}))
    assert till.problems() == [
        f"the audit log's head file {head} cannot be read or fails its check (edited, or "
        "another database's)"]
    head.write_text("not json")
    assert len(till.problems()) == 1


def test_a_new_database_drops_the_head_an_old_one_left_beside_it(till):
    till.work()
    till.close()
    till.path.unlink()
    again = Till(till.path)
    assert again.keying is Keying.KEYED
    again.work(1)
    assert again.verify().intact and again.verify().head == 2
    again.close()


# -- older tills, no keyring, a lost key ----------------------------------------------------------

def test_records_from_before_the_key_are_named_and_still_protected(tmp_path):
    path = tmp_path / "till.db"
    old = build_small_store(path)  # an older till: no keyring then
    staff = StaffService(old, ManualClock())
    staff.login(1001, "1111")
    staff.login(2001, "2222")
    old.close()
    till = Till(path)  # started with a keyring: its key is made now
    till.work(1)
    report = till.verify()
    assert report.intact and report.keyed_from == 3 and report.head == 4
    assert [n.text() for n in report.notes(till.keying)] == [
        "keyed with this till's key from record 3 on; the head file remembers record 4",
        "records 1..2 were written before this till had its key: the hash chain alone "
        "protects them"]
    assert "第 1 至 2 条记录写于本收银机有密钥之前" in report.notes(till.keying)[1].text("zh")
    rewrite(path, 1, {"staff": "someone else"})  # an old record: the keyed ones after it fail
    assert till.problems()[0].startswith("records 3..4 fail this till's key check")
    till.close()


def test_without_a_keyring_the_till_works_on_unkeyed_and_says_so(tmp_path):
    till = Till(tmp_path / "till.db", TokenStore(fail.Keyring()))
    assert till.keying is Keying.NO_KEYRING and till.store.audit_key is None
    till.work()
    report = till.verify()
    assert report.intact and not report.keyed and report.keyed_from is None
    assert not head_path(till.path).exists()
    [note] = report.notes(till.keying)
    assert str(note).startswith("the audit log is not keyed: this machine has no usable keyring")
    assert "审计日志没有密钥保护" in note.text("zh_CN")
    till.close()


def test_a_lost_key_is_reported_never_replaced_by_a_new_one(tmp_path):
    till = Till(tmp_path / "till.db")
    till.work()
    till.close()
    elsewhere = Till(till.path, TokenStore(MemoryKeyring()))  # its keyring lost the key
    assert elsewhere.keying is Keying.KEY_MISSING and elsewhere.store.audit_key is None
    assert elsewhere.problems() == [
        "this till's audit key cannot be read from the keyring, though its audit log was keyed: "
        "the log cannot be checked against the key here, and new records are not keyed. Call IT"]
    assert elsewhere.tokens.load_audit_key(elsewhere.store.database_id()) is None
    elsewhere.close()


# -- every writer is keyed -------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]

# Where a Store is opened without the audit key, and why no audit record is written on it.
UNKEYED_OPENS = {
    "posclient/cli.py": 1,  # _open: keyed right after by sync.credentials.key_audit
    "posclient/app/card_payment.py": 1,  # the card worker journals attempts only
    "posclient/app/self_test.py": 1,  # a throw-away demo store, deleted after the tour
    "sync/enrol.py": 2,  # the till's identity only
    "sync/snapshot_writer.py": 1,  # the catalogue's snapshot only
    "sync/engine.py": 1,  # status(): reads only
    "sync/member_keys.py": 1,  # read(): the till's identity only
}


def test_every_store_that_may_write_audit_records_is_opened_with_the_key():
    import ast

    unkeyed: dict[str, int] = {}
    for path in [*(ROOT / "posclient").rglob("*.py"), *(ROOT / "sync").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "open" and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "Store"
                    and not any(k.arg == "audit_key" for k in node.keywords)):
                name = path.relative_to(ROOT).as_posix()
                unkeyed[name] = unkeyed.get(name, 0) + 1
    assert unkeyed == UNKEYED_OPENS
