"""Opening the terminal's SQLite database: pragmas, checks, migrations, transactions.

Every connection gets the same pragmas (WAL, ``synchronous=FULL``, foreign keys, busy timeout).
Business writes go through :meth:`Store.write`, a ``BEGIN IMMEDIATE`` transaction: all of it
reaches the disk or none of it does.

Start-up problems (locked, read-only, damaged, from a newer version) raise :class:`StartupError`
with a message a person can act on. The file is never reset or overwritten to "fix" it.

A Store may be given this till's audit key (posclient/store/audit_head.py): its connection
carries it, every audit record written on it is keyed, and after each commit that appended
records the head beside the database moves on.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import sqlite_utils

from .audit_head import AuditKey, AuditSeal, Keying, head_path
from .leases import Lease

BUSY_TIMEOUT_MS = 5_000
APP_ID = 0x504F5331  # "POS1": marks the file as ours in the SQLite header


class TillConnection(sqlite3.Connection):
    """A connection to the till database; a keyed Store's carries its :class:`AuditSeal`."""

    audit_seal: AuditSeal | None = None


class StartupError(Exception):
    """The database cannot be used; the message says why and what to do. Nothing was changed."""


def migration_scripts() -> list[tuple[int, str, str]]:
    """``(version, name, sql)`` for every shipped migration, in order."""
    folder = resources.files("posclient.store") / "migrations"
    out = []
    for entry in folder.iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            out.append((int(name[:4]), name, entry.read_text(encoding="utf-8")))
    out.sort()
    versions = [v for v, _, _ in out]
    if versions != list(range(1, len(versions) + 1)):
        raise RuntimeError(f"migrations must be numbered 1..n without gaps, found {versions}")
    return out


def latest_version() -> int:
    return len(migration_scripts())


def configure(conn: sqlite3.Connection, *, synchronous: str = "FULL",
              busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
    """Pragmas every connection gets. ``synchronous=FULL`` for anything that holds sales."""
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    conn.execute("PRAGMA foreign_keys = ON")
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if mode.lower() != "wal":
        raise StartupError(f"The database could not switch to WAL journaling (got {mode}).")
    conn.execute(f"PRAGMA synchronous = {synchronous}")
    conn.execute("PRAGMA temp_store = MEMORY")
    # What is deleted is overwritten with zeros (in the file and its WAL), never left readable
    # in free space: a member's data the till drops is gone (issue 17).
    conn.execute("PRAGMA secure_delete = ON")


def _explain(path: Path, exc: sqlite3.Error) -> StartupError:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return StartupError(
            f"The till database {path} is locked by another program (is another posclient "
            "running on this machine?). Close it and start again."
        )
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return StartupError(
            f"The till database {path} cannot be written (read-only file or folder, or no "
            "permission). Ask IT to give this user write access; nothing was changed."
        )
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return StartupError(
            f"The till database {path} is damaged or is not a posclient database ({exc}). "
            "It was left untouched: ask IT to restore the latest backup (files named "
            f"{path.name}.pre-v*.bak beside it) or re-provision this till."
        )
    return StartupError(f"The till database {path} could not be opened: {exc}")


def _connect(path: Path, synchronous: str, busy_timeout_ms: int) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False,
                           timeout=busy_timeout_ms / 1000, factory=TillConnection)
    try:
        configure(conn, synchronous=synchronous, busy_timeout_ms=busy_timeout_ms)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # reads the schema
    except sqlite3.Error:
        conn.close()
        raise
    return conn


KEEP_BACKUPS = 5  # pre-upgrade copies kept beside the database; older ones are deleted
# Migrations 0020 and 0021 leave no member's and no web order's customer's phone number or
# whole name in the database (issue 17). A database that crosses the last of them is then
# vacuumed (no freed page keeps a deleted row), its WAL truncated, and the copies taken before
# it deleted: each of them is a list of customers.
PLAIN_PERSONAL_UNTIL = 21


def backups(path: Path) -> list[Path]:
    """The pre-upgrade copies of the database at ``path``, oldest first."""
    return sorted(path.parent.glob(f"{glob.escape(path.name)}.pre-v*.bak"),
                  key=lambda f: (f.stat().st_mtime, f.name))


def _backup(conn: sqlite3.Connection, path: Path, version: int,
            keep: int = KEEP_BACKUPS) -> Path:
    """A consistent copy of the database (SQLite's online backup), named after the schema it
    is about to leave; only the newest ``keep`` copies stay."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    dest = path.with_name(f"{path.name}.pre-v{version + 1}-{stamp}.bak")
    try:
        with contextlib.closing(sqlite3.connect(dest)) as out:
            conn.backup(out)
    except sqlite3.Error as exc:
        dest.unlink(missing_ok=True)
        raise StartupError(
            f"The till database {path} needs an upgrade, but the copy taken first could not "
            f"be written to {dest.parent} ({exc}; is the disk full?). Nothing was changed: "
            "free some space and start again.") from exc
    for old in backups(path)[:-keep] if keep > 0 else []:
        with contextlib.suppress(OSError):
            old.unlink()
    return dest


def _restore(conn: sqlite3.Connection, copy: Path) -> None:
    """Put the pre-upgrade copy back into the open database, page by page."""
    with contextlib.closing(sqlite3.connect(copy)) as src:
        src.backup(conn)


def migrate(conn: sqlite3.Connection, path: Path | None = None,
            scripts: list[tuple[int, str, str]] | None = None, *,
            keep_backups: int = KEEP_BACKUPS) -> list[str]:
    """Bring the schema up to date; return the names of the migrations applied.

    Each migration runs in one exclusive transaction with its ``user_version`` bump. Before the
    first one on a database that already holds data, a copy of the file is taken beside it
    (``<name>.pre-v<N>-<time>.bak``, the newest ``keep_backups`` kept). When a migration fails
    after others succeeded, that copy is put back: the database is as it was before the
    upgrade, and the error says so. A database of a newer schema is refused untouched.
    ``scripts`` defaults to the shipped migrations (tests pass their own chain).
    """
    scripts = migration_scripts() if scripts is None else scripts
    latest = len(scripts)
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    if tables and app_id != APP_ID:
        raise StartupError(
            f"{path or 'The file'} is a SQLite database but not a posclient till database; "
            "it was not changed. Point posclient at its own database file."
        )
    if version > latest:
        raise StartupError(
            f"The till database {path or ''} was written by a newer version of posclient "
            f"(schema {version}; this version knows up to {latest}). Install the newer "
            "version; the database was not changed."
        )
    applied: list[str] = []
    if version == latest:
        return applied
    copy = _backup(conn, path, version, keep_backups) if version > 0 and path else None
    for v, name, sql in scripts[version:]:
        try:
            conn.executescript(
                f"BEGIN EXCLUSIVE;\n{sql}\n;PRAGMA application_id = {APP_ID};"
                f"PRAGMA user_version = {v};\nCOMMIT;"
            )
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise _failed(conn, v, name, exc, version, copy) from exc
        applied.append(name)
    if 0 < version < PLAIN_PERSONAL_UNTIL <= latest:
        _scrub(conn, path)
    return applied


def _scrub(conn: sqlite3.Connection, path: Path | None) -> None:
    """After the upgrade across :data:`PLAIN_PERSONAL_UNTIL`: nothing left of the plain personal
    data in the file's free pages, its WAL, or the copies beside it."""
    conn.execute("VACUUM")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for old in backups(path) if path is not None else []:
        taken_for = re.match(r".*\.pre-v(\d+)-", old.name)
        if taken_for is not None and int(taken_for.group(1)) <= PLAIN_PERSONAL_UNTIL:
            with contextlib.suppress(OSError):
                old.unlink()


def _failed(conn: sqlite3.Connection, v: int, name: str, exc: sqlite3.Error, start: int,
            copy: Path | None) -> StartupError:
    """The error for a failed migration, after putting the database back as it was."""
    what = f"Upgrading the till database to schema {v} ({name}) failed: {exc}."
    now = conn.execute("PRAGMA user_version").fetchone()[0]
    if now == start:  # the failing migration was the first: its rollback undid everything
        return StartupError(f"{what} The database is unchanged at schema {start}. This "
                            "version cannot be used with it: reinstall the previous version "
                            "and tell IT.")
    if copy is None:  # a new database: it held nothing to lose
        return StartupError(f"{what} The new database stopped at schema {now}: delete it and "
                            "start again, or reinstall the previous version.")
    try:
        _restore(conn, copy)
    except sqlite3.Error as again:
        return StartupError(
            f"{what} Restoring the copy taken before the upgrade also failed ({again}): the "
            f"database is at schema {now}. Do not use this till: IT restores {copy} over it.")
    return StartupError(
        f"{what} The database was restored from the copy taken before the upgrade ({copy.name})"
        f" and is unchanged at schema {start}. This version cannot be used with it: reinstall "
        "the previous version and tell IT.")


class Store:
    """One connection to the terminal database, with its pragmas and a write transaction.

    Each thread opens its own Store; ``check_same_thread`` is off only so that a Store can be
    created on one thread and handed to the worker that owns it.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path | None) -> None:
        self.conn = conn
        self.path = path
        self.db = sqlite_utils.Database(conn)
        self._lease: Lease | None = None
        self.audit_keying = Keying.UNKEYED

    @property
    def audit_key(self) -> AuditKey | None:
        """This till's audit key, when this Store writes with it."""
        seal = getattr(self.conn, "audit_seal", None)
        return seal.key if seal is not None else None

    @property
    def audit_head(self) -> Path | None:
        """Where this database's audit head lives (None in memory)."""
        return head_path(self.path) if self.path is not None else None

    def use_audit_key(self, key: AuditKey | None, keying: Keying) -> None:
        """Write audit records with ``key`` from now on (None: without a key, for the reason
        ``keying`` says)."""
        if not isinstance(self.conn, TillConnection):
            raise TypeError("only a connection the Store opened can carry the audit key")
        self.conn.audit_seal = None if key is None else AuditSeal(
            key, self.audit_head, self.database_id())
        self.audit_keying = keying if key is None else Keying.KEYED

    def database_id(self) -> str:
        """This till database's own id (migration 0013)."""
        row = self.conn.execute("SELECT value FROM sync_state WHERE key = 'database_id'"
                                ).fetchone()
        return str(row[0]) if row else ""

    def lease(self) -> str | None:
        """This connection's lease token (posclient/store/leases.py): rows it writes that
        only count as abandoned once it is gone name it. None for an in-memory database."""
        if self.path is None:
            return None
        if self._lease is None:
            self._lease = Lease(self.path)
        return self._lease.token

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, create: bool = True,
             synchronous: str = "FULL", busy_timeout_ms: int = BUSY_TIMEOUT_MS,
             scripts: list[tuple[int, str, str]] | None = None,
             audit_key: AuditKey | None = None) -> Store:
        """Open (and if needed create and migrate) the database at ``path``; its audit records
        are keyed with ``audit_key`` when given. A new database drops an audit head left
        beside it by a database that was there before (it describes that one)."""
        p = Path(path)
        no_access = StartupError(
            f"The till database {p} cannot be written (read-only file or folder, or no "
            "permission). Ask IT to give this user write access; nothing was changed.")
        try:
            exists = p.exists()
            if not exists:
                if not create:
                    raise StartupError(f"There is no till database at {p}. Create one with "
                                       "`posclient demo-data` or provision this till.")
                p.parent.mkdir(parents=True, exist_ok=True)
                head_path(p).unlink(missing_ok=True)
        except PermissionError:
            raise no_access from None
        if exists and (not os.access(p, os.W_OK) or not os.access(p.parent, os.W_OK)):
            raise no_access
        try:
            conn = _connect(p, synchronous, busy_timeout_ms)
        except sqlite3.Error as exc:
            raise _explain(p, exc) from exc
        try:
            migrate(conn, p, scripts)
        except sqlite3.Error as exc:
            conn.close()
            raise _explain(p, exc) from exc
        except StartupError:
            conn.close()
            raise
        store = cls(conn, p)
        if audit_key is not None:
            store.use_audit_key(audit_key, Keying.KEYED)
        return store

    @classmethod
    def memory(cls) -> Store:
        """A fresh in-memory database (domain-level tests of store code only)."""
        conn = sqlite3.connect(":memory:", isolation_level=None, factory=TillConnection)
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA secure_delete = ON")
        migrate(conn)
        return cls(conn, None)

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One business transaction: ``BEGIN IMMEDIATE`` ... ``COMMIT``, or rollback on error.
        After a commit that appended audit records, a keyed Store moves its head on."""
        conn = self.conn
        seal = getattr(conn, "audit_seal", None)
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            if seal is not None:
                seal.rolled_back()
            raise
        conn.execute("COMMIT")
        if seal is not None:
            seal.committed(conn)

    def close(self) -> None:
        self.conn.close()
        if self._lease is not None:
            self._lease.release()
            self._lease = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- small key/value helpers ---------------------------------------------------------------
    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def file_size_mb(self) -> float:
        if self.path is None:
            return 0.0
        total = 0
        for suffix in ("", "-wal"):
            f = Path(str(self.path) + suffix)
            if f.exists():
                total += f.stat().st_size
        return total / 1_000_000
