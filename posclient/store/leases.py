"""Leases: which open till connection is still alive, across processes, without a clock.

A card payment journalled by a till that is still running (the window, in the middle of a sale)
must not be taken for one whose till died, even when another process on the same database (the
command line) looks at the journal. Each :class:`~posclient.store.db.Store` that journals a card
attempt takes a lease: a file beside the database, locked by the operating system for as long as
the connection is open (``flock`` on POSIX, ``msvcrt.locking`` on Windows) and released by the
system when the process dies, however it dies. The journal row names the lease; another process
(or another connection of the same one) asks :func:`alive`, which tries the lock.

No process id is compared: a pid comes back after a reboot; a lock does not outlive its holder.
"""

from __future__ import annotations

import contextlib
import os
import sys
import uuid
from pathlib import Path
from typing import IO


def _folder(database: Path) -> Path:
    return Path(f"{database}.leases")


def _try_lock(f: IO[bytes]) -> bool:
    f.seek(0)  # msvcrt locks from the current position: always the first byte
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


class Lease:
    """A held lease: its token goes into the rows it vouches for."""

    def __init__(self, database: Path) -> None:
        self.token = uuid.uuid4().hex
        folder = _folder(database)
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / f"{self.token}.lock"
        self._file: IO[bytes] | None = open(self.path, "a+b")  # noqa: SIM115 (held open)
        if not _try_lock(self._file):  # a fresh random name: nobody else can hold it
            raise OSError(f"cannot lock {self.path}")

    def release(self) -> None:
        if self._file is None:
            return
        with contextlib.suppress(OSError):
            self.path.unlink()
        self._file.close()
        self._file = None


def alive(database: Path | None, token: str | None) -> bool:
    """True when the lease ``token`` of ``database`` is still held by an open connection
    (of any process, this one included). A lease that was released or whose holder died is not
    alive; its file is cleared on the way."""
    if database is None or not token or not token.isalnum():
        return False
    path = _folder(database) / f"{token}.lock"
    try:
        f = open(path, "r+b")  # noqa: SIM115
    except FileNotFoundError:
        return False
    with f:
        if not _try_lock(f):
            return True
    with contextlib.suppress(OSError):
        os.unlink(path)
    return False
