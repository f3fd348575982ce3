"""Taking the central's snapshot: downloaded and verified whole first (sync/snapshot_stage.py),
then written from the verified file in short transactions by
:class:`sync.snapshot_writer.SnapshotWriter`: plain bulk INSERTs on a first start (no catalogue
yet), a compare-and-write-what-changed path for a till that already has a catalogue (after
``410 Gone``), which also removes what the snapshot no longer holds. The engine sets the
cursor last (sync/engine.py): until then the snapshot is taken again."""

from __future__ import annotations

import contextlib
import gc
import logging
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

from posclient.store.db import Store
from sync.protocol.snapshot_format import TRAILER_KIND, TRAILER_PARAM

from .errors import SyncError
from .faults import network_error, raise_for
from .http import DEADLINE, RAW
from .snapshot_stage import StagedSnapshot, decode_block, stage_path, stage_snapshot
from .snapshot_writer import SnapshotWriter

log = logging.getLogger(__name__)

SNAPSHOT_CHUNK = 500  # rows of the first write transaction of each kind (sync/snapshot_writer.py)
# Snapshot lines are validated a block at a time (one pydantic call per block). 100 lines: the
# call's cost is spread, and the parsed objects die before the garbage collector's first pass
# (measured: blocks of 1,000 cost 2.5 times as much, almost all of it in the collector). A till
# that sells while it re-takes the snapshot: the load sleeps YIELD_S after each block.
# Decoding holds the GIL; without a pause the till's own thread would wait up to the
# interpreter's switch interval (5 ms) for the GIL after each of its SQL calls.
SNAPSHOT_BLOCK = 100
YIELD_S = 0.0002
# While a snapshot loads, the interpreter's switch interval (how long a thread that wants the
# GIL waits before it asks the running one to let go) is lowered from 5 ms to this: the till's
# own thread gets the GIL sooner after each of its SQL calls.
SWITCH_INTERVAL_S = 0.0005
GC_GEN2_FACTOR = 10  # see _SwitchInterval


def download(http: httpx.Client, db_path: Path, deadline: float, *,
             erasures_since: str | None = None) -> StagedSnapshot:
    """Pass 1: the whole snapshot staged beside the database and verified (raises
    :class:`SyncError` when the download breaks off or the file is refused).
    ``erasures_since``: the central's time of the till's last page (None: a till with no
    past), from which the snapshot also brings the members erased (docs/privacy.md)."""
    params = {TRAILER_PARAM: TRAILER_KIND, "token_keys": "true", "store_orders": "true"}
    if erasures_since:
        params["erasures_since"] = erasures_since
    try:
        with http.stream("GET", "/v1/snapshot", params=params,
                         extensions={RAW: True, DEADLINE: deadline}) as resp:
            raise_for(resp)
            t0 = time.perf_counter()
            staged = stage_snapshot(resp.iter_raw(), stage_path(db_path))
        log.info("snapshot staged and verified: %d records, %.1f MB as sent, in %.1f s",
                 staged.records, staged.path.stat().st_size / 2**20, time.perf_counter() - t0)
    except httpx.HTTPError as exc:
        err = network_error(exc)
        raise SyncError(f"the snapshot download broke off: {err}", transient=err.transient,
                        code=err.code, **err.details) from None
    return staged


def write(store: Store, staged: StagedSnapshot, store_id: str, *, received_at: str,
          progress: Callable[[int, int], None]) -> tuple[int, SnapshotWriter]:
    """Pass 2: the verified file written in short transactions; returns the records written
    and the (closed) writer, whose figures the engine logs. ``progress(done, total)`` is
    called as chunks are written. The staged file is discarded in any case."""
    total = staged.records
    writer: SnapshotWriter | None = None
    try:
        with _SWITCH.lowered(SWITCH_INTERVAL_S):
            lines = staged.lines()
            progress(0, total)
            writer = SnapshotWriter(store, store_id, chunk=SNAPSHOT_CHUNK,
                                    received_at=received_at)
            log.info("snapshot of %s records (%s path)", total or "?",
                     "bulk" if writer.bulk else "careful")
            done = 0
            # A first start has no seller. A till that may be selling: a pause after each
            # block, so that its own thread gets the GIL without waiting for a forced switch.
            pause = 0.0 if writer.bulk else YIELD_S
            while part := lines.take(SNAPSHOT_BLOCK):
                recs = decode_block(part, done)
                done += len(recs)
                if writer.add_block(recs):
                    progress(writer.records, total)
                if pause:
                    time.sleep(pause)
            writer.flush()
            if done != total:  # verified: only a fault of the file on this disk
                raise SyncError(f"the staged snapshot read back {done} of {total} records",
                                transient=True)
            writer.finish(complete=True)
    except sqlite3.IntegrityError as exc:
        raise SyncError(f"the central's snapshot breaks the till's rules ({exc})",
                        transient=False) from None
    finally:
        if writer is not None:
            writer.close()
        staged.discard()
    return done, writer


class _SwitchInterval:
    """While at least one snapshot loads (process-wide, nested users counted): the switch
    interval lowered (see ``SWITCH_INTERVAL_S``), and full garbage collections made rarer
    (``GC_GEN2_FACTOR``): a snapshot's buffered rows outlive the young generations and made a
    full collection (about 60 ms, during which no other thread runs) five times as frequent
    as before block decoding. Both are restored when the last load ends."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users = 0
        self._saved = 0.0
        self._gc: tuple[int, int, int] = (0, 0, 0)

    @contextlib.contextmanager
    def lowered(self, seconds: float) -> Iterator[None]:
        with self._lock:
            if self._users == 0:
                self._saved = sys.getswitchinterval()
                sys.setswitchinterval(min(seconds, self._saved))
                self._gc = gc.get_threshold()
                gc.set_threshold(self._gc[0], self._gc[1], self._gc[2] * GC_GEN2_FACTOR)
            self._users += 1
        try:
            yield
        finally:
            with self._lock:
                self._users -= 1
                if self._users == 0:
                    sys.setswitchinterval(self._saved)
                    gc.set_threshold(*self._gc)


_SWITCH = _SwitchInterval()
