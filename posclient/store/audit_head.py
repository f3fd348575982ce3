"""The audit log's key and its head outside the database (issue 17): what makes a rewrite of the
log, or the removal of its last records, visible on the till itself.

- **The key.** Each till database has its own secret (:class:`AuditKey`), kept in the OS keyring
  under its ``database_id`` (sync/credentials.py; never in the database or a file of ours). The
  composition root gives it to the :class:`~posclient.store.db.Store` it opens; the Store's
  connection carries it (:class:`AuditSeal`), so every record :func:`posclient.store.audit.append`
  writes on it gets its MAC, whichever service writes it. A record written on a connection
  without the key (another program, a script with sqlite3) has none, and once the log is keyed
  that is reported.
- **The head.** ``<database>.audit-head``: this database's id, the last record the till wrote
  (its id and hash), the first record that must carry the key (``keyed_from``), and a MAC over
  all of it. It is written atomically (a new file, fsync, rename) AFTER the commit of a
  transaction that appended records (:meth:`AuditSeal.committed`). A crash in between leaves it
  behind the database, never ahead: records after the head, each with a right MAC, are fine; a
  database behind its head has lost its tail. Only a head that reads and checks is moved on: a
  missing or damaged head stays so, for ``posclient audit verify`` to report.
- **Without a keyring** (a headless machine, the demo): no key, no head; the log is the SHA-256
  chain alone, and the till says so (:class:`Keying`) and keeps working.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
import threading
import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from posclient.domain.audit import GENESIS, head_mac, mac, same

log = logging.getLogger(__name__)

SUFFIX = ".audit-head"
SECRET_BYTES = 32


class Keying(StrEnum):
    """How a Store's audit records are keyed."""

    KEYED = "keyed"  # with this till's key from the keyring
    NO_KEYRING = "no_keyring"  # this machine has no usable keyring: not keyed
    KEY_MISSING = "key_missing"  # the log was keyed, but the key is not in the keyring
    UNKEYED = "unkeyed"  # opened without a key (no key asked for, or none made yet)


@dataclass(frozen=True, slots=True)
class AuditKey:
    """This till database's audit secret (never logged, never stored by the till itself)."""

    secret: bytes = field(repr=False)

    @classmethod
    def from_text(cls, text: str | None) -> AuditKey | None:
        """The key as the keyring keeps it (hex), or None for nothing or something else."""
        try:
            secret = bytes.fromhex(text or "")
        except ValueError:
            return None
        return cls(secret) if len(secret) == SECRET_BYTES else None

    def text(self) -> str:
        return self.secret.hex()

    def mac(self, record_hash: str) -> str:
        return mac(self.secret, record_hash)

    def matches(self, record_hash: str, given: str) -> bool:
        return same(self.mac(record_hash), given)


@dataclass(frozen=True, slots=True)
class Head:
    """What ``<database>.audit-head`` says."""

    database_id: str
    seq: int
    hash: str
    keyed_from: int
    mac: str

    @classmethod
    def made(cls, key: AuditKey, database_id: str, seq: int, record_hash: str,
             keyed_from: int) -> Head:
        return cls(database_id, seq, record_hash, keyed_from,
                   head_mac(key.secret, database_id, seq, record_hash, keyed_from))

    def valid(self, key: AuditKey, database_id: str) -> bool:
        """Made with ``key``, for this database."""
        return self.database_id == database_id and same(
            head_mac(key.secret, self.database_id, self.seq, self.hash, self.keyed_from),
            self.mac)


class HeadDamaged(ValueError):
    """The head file is there but cannot be read as a head."""


def head_path(database: Path) -> Path:
    return Path(f"{database}{SUFFIX}")


def read_head(path: Path) -> Head | None:
    """The head at ``path``; None when there is no file. Raises HeadDamaged."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise HeadDamaged(str(exc)) from exc
    try:
        doc = json.loads(raw[:4096].decode("utf-8"))
        head = Head(str(doc["database_id"]), int(doc["seq"]), str(doc["hash"]),
                    int(doc["keyed_from"]), str(doc["mac"]))
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise HeadDamaged(f"not a head: {exc}") from exc
    if head.seq < 0 or head.keyed_from < 1:
        raise HeadDamaged("not a head: negative record numbers")
    return head


def _write(path: Path, head: Head) -> None:
    """Replace the head file atomically: a new file, on the disk, then renamed over the old."""
    body = json.dumps({"database_id": head.database_id, "seq": head.seq, "hash": head.hash,
                       "keyed_from": head.keyed_from, "mac": head.mac}, sort_keys=True)
    tmp = path.with_name(f"{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(body.encode("utf-8"))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


# One lock per head file: two connections of this process (the window's, the sync engine's)
# never write it at once, and a head never moves back.
_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def _lock(path: Path) -> threading.Lock:
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(str(path), threading.Lock())


def last_record(conn: sqlite3.Connection) -> tuple[int, str]:
    """The id and hash of the log's last record; ``(0, GENESIS)`` for an empty log."""
    row = conn.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    return (int(row[0]), str(row[1])) if row else (0, GENESIS)


def start(conn: sqlite3.Connection, key: AuditKey, path: Path, database_id: str) -> Head:
    """The first head of a newly keyed log: the records up to now were written before the key
    existed; every one after them must carry it."""
    seq, record_hash = last_record(conn)
    head = Head.made(key, database_id, seq, record_hash, keyed_from=seq + 1)
    with _lock(path):
        _write(path, head)
    return head


def advance(conn: sqlite3.Connection, key: AuditKey, path: Path, database_id: str) -> bool:
    """Move the head on to the log's last committed record. Only a head that reads and checks
    is moved, and only forward. True when it moved."""
    with _lock(path):
        try:
            head = read_head(path)
        except HeadDamaged:
            return False
        if head is None or not head.valid(key, database_id):
            return False
        seq, record_hash = last_record(conn)
        if seq <= head.seq:
            return False
        _write(path, Head.made(key, database_id, seq, record_hash, head.keyed_from))
        return True


def was_keyed(conn: sqlite3.Connection, path: Path | None) -> bool:
    """This log has been keyed: a head file beside it, or a record with a MAC."""
    if path is not None and path.exists():
        return True
    return conn.execute("SELECT 1 FROM audit_log WHERE mac IS NOT NULL LIMIT 1"
                        ).fetchone() is not None


class AuditSeal:
    """What a keyed connection carries (posclient/store/db.py): the till's key, its head file,
    and whether the open transaction appended records (its head moves after the commit)."""

    def __init__(self, key: AuditKey, head: Path | None, database_id: str) -> None:
        self.key = key
        self.head = head
        self.database_id = database_id
        self.appended = False

    def seal(self, record_hash: str) -> str:
        """The MAC of a record being appended in the open transaction."""
        self.appended = True
        return self.key.mac(record_hash)

    def committed(self, conn: sqlite3.Connection) -> None:
        """After a COMMIT: the head follows the records appended. A head that cannot be written
        (a full disk) stays behind, which is never taken for a removed tail."""
        if not self.appended:
            return
        self.appended = False
        if self.head is None:
            return
        try:
            advance(conn, self.key, self.head, self.database_id)
        except (OSError, sqlite3.Error) as exc:
            log.warning("the audit head %s could not be moved on: %s", self.head, exc)

    def rolled_back(self) -> None:
        self.appended = False
