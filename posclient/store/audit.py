"""The audit log: append-only, each record chained to the previous one by a SHA-256 hash
(the rule is :func:`posclient.domain.audit.digest`) and, on a till with its key, keyed: each
record's ``mac`` is made with the till's secret, and the head beside the database remembers the
last record (posclient/store/audit_head.py). :func:`verify` reports a record altered, records
missing in the middle or at the end, a record rewritten with its chain computed again (its MAC
fails), records removed from the end (the head is ahead of the log), and records appended
without the key.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from posclient.domain.audit import GENESIS, digest
from posclient.domain.catalogue import render

from .audit_head import AuditKey, Head, HeadDamaged, Keying, read_head


def append(conn: sqlite3.Connection, *, at: str, action: str, staff_id: int | None,
           approved_by: int | None = None, detail: dict[str, Any] | None = None) -> int:
    """Append one record. Call inside a write transaction (the caller's, or its own). On a keyed
    Store's connection the record gets its MAC, and the head moves on after the commit."""
    row = conn.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    prev = row[0] if row else GENESIS
    text = json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    h = digest(prev, at, staff_id, approved_by, action, text)
    seal = getattr(conn, "audit_seal", None)
    cur = conn.execute(
        "INSERT INTO audit_log (at, staff_id, approved_by, action, detail, prev_hash, hash, "
        "mac) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (at, staff_id, approved_by, action, text, prev, h,
         seal.seal(h) if seal is not None else None))
    return int(cur.lastrowid or 0)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """What an audit record says was done: its action and detail (decoded)."""

    action: str
    detail: dict[str, Any]


def records_between(conn: sqlite3.Connection, since: str, to_at: str,
                    actions: Sequence[str]) -> list[AuditEntry]:
    """The records of ``actions`` with ``at`` in ``(since, to_at]``, in the log's order."""
    marks = ", ".join("?" * len(actions))
    return [AuditEntry(action, json.loads(detail)) for action, detail in conn.execute(
        f"SELECT action, detail FROM audit_log WHERE at > ? AND at <= ? AND action IN "
        f"({marks}) ORDER BY id", (since, to_at, *actions))]


_RECORD = ("id", "at", "staff_id", "approved_by", "action", "detail", "prev_hash", "hash")


def records_after(conn: sqlite3.Connection, after: int, limit: int) -> list[dict[str, Any]]:
    """Up to ``limit`` records with id > ``after``, in order, each as its columns by name
    (``detail`` as stored: JSON text): what goes up to the central."""
    return [dict(zip(_RECORD, r, strict=True)) for r in conn.execute(
        f"SELECT {', '.join(_RECORD)} FROM audit_log WHERE id > ? ORDER BY id LIMIT ?",
        (after, limit))]


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing :func:`verify` found or says: a catalogue message (posclient/domain/catalogue/
    audit.py) and its parameters; ``str()`` is its English text."""

    message_id: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str = "en") -> str:
        return render(self.message_id, self.params, lang)

    def __str__(self) -> str:
        return self.text("en")


@dataclass(frozen=True, slots=True)
class AuditReport:
    """What :func:`verify` found: ``problems`` (none: intact), and how the log is keyed."""

    records: int
    problems: list[Finding]
    keyed: bool  # checked with this till's key
    keyed_from: int | None  # the first record that carries the key (None: none does)
    head: int | None  # the record the head file remembers (None: no head checked)

    @property
    def intact(self) -> bool:
        return not self.problems

    def notes(self, keying: Keying) -> list[Finding]:
        """How the log stands: keyed from which record on, or why it is not keyed."""
        if self.keyed and self.keyed_from is not None:
            out = [Finding("audit.keyed", {"first": self.keyed_from,
                                           "head": "-" if self.head is None else self.head})]
            if self.keyed_from > 1:
                out.append(Finding("audit.keyed_later", {"last": self.keyed_from - 1}))
            return out
        if keying is Keying.NO_KEYRING:
            return [Finding("audit.not_keyed.no_keyring")]
        if keying is Keying.KEY_MISSING or self.keyed:
            return []  # a problem says it
        return [Finding("audit.not_keyed.not_yet")]


def _ranges(ids: list[int]) -> list[tuple[int, int]]:
    """Consecutive ids as ``(first, last)`` runs."""
    out: list[tuple[int, int]] = []
    for i in ids:
        if out and out[-1][1] == i - 1:
            out[-1] = (out[-1][0], i)
        else:
            out.append((i, i))
    return out


@dataclass
class _Walk:
    """The records read in order: the chain's problems, and the keyed records' too."""

    key: AuditKey | None
    keyed_from: int | None  # from the head; else the first record with a MAC
    problems: list[Finding] = field(default_factory=list)
    records: int = 0
    last: int = 0
    first_mac: int | None = None
    wrong: list[int] = field(default_factory=list)  # MAC does not match
    unkeyed: list[int] = field(default_factory=list)  # no MAC where one is due

    def step(self, rid: int, prev: str, row: tuple[Any, ...]) -> str:
        at, staff_id, approved_by, action, detail, prev_hash, h, mac = row
        if self.records and rid != self.last + 1:
            self.problems.append(Finding("audit.missing", {"first": self.last + 1,
                                                           "last": rid - 1}))
        if prev_hash != prev:
            self.problems.append(Finding("audit.not_chained", {"id": rid}))
        if digest(prev_hash, at, staff_id, approved_by, action, detail) != h:
            self.problems.append(Finding("audit.altered", {"id": rid}))
        if mac is not None:
            self.first_mac = self.first_mac or rid
            self.keyed_from = self.keyed_from or rid
            if self.key is not None and not self.key.matches(h, mac):
                self.wrong.append(rid)
        elif self.keyed_from is not None and rid >= self.keyed_from:
            self.unkeyed.append(rid)
        self.records += 1
        self.last = rid
        return str(h)

    def key_problems(self) -> list[Finding]:
        return ([Finding("audit.mac_wrong", {"first": a, "last": b})
                 for a, b in _ranges(self.wrong)]
                + [Finding("audit.unkeyed", {"first": a, "last": b})
                   for a, b in _ranges(self.unkeyed)])


def _head(path: Path | None, key: AuditKey, database_id: str) -> tuple[Head | None, Finding | None]:
    """The head file, if it reads and checks; else what is wrong with it (None: no file)."""
    if path is None:
        return None, None
    try:
        head = read_head(path)
    except HeadDamaged:
        return None, Finding("audit.head_invalid", {"path": str(path)})
    if head is not None and not head.valid(key, database_id):
        return None, Finding("audit.head_invalid", {"path": str(path)})
    return head, None


def _against_head(conn: sqlite3.Connection, head: Head, last: int) -> list[Finding]:
    """The log against what its head remembers: its end, and the head's own record."""
    if head.seq > last:
        return [Finding("audit.tail_removed", {"first": last + 1, "last": head.seq})]
    row = conn.execute("SELECT hash FROM audit_log WHERE id = ?", (head.seq,)).fetchone()
    if head.seq and row is not None and row[0] != head.hash:
        return [Finding("audit.head_mismatch", {"id": head.seq})]
    return []


def _sent_gone(conn: sqlite3.Connection, last: int) -> list[Finding]:
    """Records the central acknowledged (``audit_sent_through``) that are no longer here."""
    sent = conn.execute("SELECT value FROM sync_state WHERE key = 'audit_sent_through'"
                        ).fetchone()
    if sent and int(sent[0]) > last:
        return [Finding("audit.missing_sent", {"first": last + 1, "last": int(sent[0])})]
    return []


def verify(conn: sqlite3.Connection, key: AuditKey | None = None,
           head: Path | None = None) -> AuditReport:
    """Check the log record by record: its chain; with this till's ``key``, each keyed record's
    MAC, that none after the first keyed one lacks it, and the log against its ``head`` file."""
    database_id = (conn.execute("SELECT value FROM sync_state WHERE key = 'database_id'"
                                ).fetchone() or ("",))[0]
    problems: list[Finding] = []
    stored: Head | None = None
    if key is not None:
        stored, wrong_head = _head(head, key, database_id)
        problems += [wrong_head] if wrong_head is not None else []
    walk = _Walk(key, stored.keyed_from if stored is not None else None)
    prev = GENESIS
    for rid, *row in conn.execute(
            "SELECT id, at, staff_id, approved_by, action, detail, prev_hash, hash, mac "
            "FROM audit_log ORDER BY id"):
        prev = walk.step(rid, prev, tuple(row))
    problems = walk.problems + walk.key_problems() + problems
    problems += _sent_gone(conn, walk.last)
    if key is None and (walk.first_mac is not None or (head is not None and head.exists())):
        problems.append(Finding("audit.key_missing"))
    elif key is not None and stored is not None:
        problems += _against_head(conn, stored, walk.last)
    elif key is not None and head is not None and not head.exists() and walk.records:
        problems.append(Finding("audit.head_missing", {"path": str(head)}))
    return AuditReport(walk.records, problems, key is not None, walk.keyed_from,
                       stored.seq if stored is not None else None)
