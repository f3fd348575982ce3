"""Writing a whole snapshot (``GET /v1/snapshot``) into the terminal's tables.

:class:`SnapshotWriter` writes a whole snapshot (``GET /v1/snapshot``) in chunks, each in its
own short transaction (sized to take about 25 ms, see :meth:`SnapshotWriter._adapt`), by one
of two paths:

- **bulk**, when the till has no catalogue yet (a first start: products, barcodes, prices,
  members and stock levels are all empty, so the till has nothing to sell and nothing can be
  overwritten): plain ``executemany`` INSERTs of row tuples, the search text derived once, no
  look-ups of old rows. Secondary indexes stay in place but one (``BULK_DROPPED_INDEXES``,
  rebuilt at the end). ``threaded=True`` writes the chunks on a thread of its own instead
  (one ``INSERT ... SELECT FROM json_each(?)`` per table and chunk, so SQLite works without
  the GIL while the engine decodes): not the default, because on the benchmark's two cores,
  shared with the central, it was slower at 500k and its transactions waited longer for the
  GIL (docs/performance.md).
- **careful**, when the till already has a catalogue and may be selling from it (a
  re-bootstrap after ``410 Gone``): each chunk is compared with the rows the till holds (a
  read, no write lock), and only new or changed rows are written, with their old search text
  deleted first. Keys seen are kept in TEMP tables; at the end the rows the snapshot no longer
  contains are removed (products with their barcodes, prices and levels, prices, members,
  levels, tax rates no product uses, promotions, reason codes, quick keys, the central's
  member token keys; staff are
  deactivated, never deleted: sales name them).

Web orders (entity ``order``) go into ``web_orders`` on either path, through the same function
as an order fetched at the pick-up screen (posclient/store/orders.py ``keep_orders``). A
complete snapshot also drops the copies of orders it does not hold (this store's finished long
ago or moved away, another store's from before issue 17), except an order with a pick-up of
this till the central has not acknowledged yet.

The product search index is contentless: before a product's text changes, its old text is
deleted from the index with FTS5's 'delete' command (posclient/store/search.py).
"""

from __future__ import annotations

import contextlib
import json
import logging
import queue
import sqlite3
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from itertools import groupby
from operator import attrgetter
from pathlib import Path
from typing import Any

from posclient.domain.clock import iso
from posclient.store.db import Store
from posclient.store.member_tokens import forget_keys_except
from posclient.store.orders import forget_orders_except

from .apply import Applier
from .catalogue_sql import (
    BARCODE_INSERT,
    BIG,
    BULK_DROPPED_INDEXES,
    BULK_INSERT,
    BULK_VALUES,
    CATALOGUE_TABLES,
    CONVERT,
    DROPPED_KEY,
    FTS_DEFAULTS,
    FTS_LOAD,
    MEMBER_UPSERT,
    PRODUCT_UPSERT,
    SEARCH_DELETE,
    SEARCH_INSERT,
    SMALL,
    SMALL_KEY,
    json_ids,
    json_rows,
    product_search_text,
)

log = logging.getLogger(__name__)


class SnapshotWriter:
    """Writes one snapshot's records into the terminal database, chunk by chunk.

    ``add_block`` (or ``add_many``, ``add``) takes the parsed records in the snapshot's order.
    Records of one entity are written a chunk at a time: on the bulk path in write
    transactions each sized from the last one of its kind (first ``chunk`` rows) to take about
    :attr:`tx_target_s`; on the careful path, ``chunk`` records are compared with the till's
    rows (a read) and the changed ones written in transactions sized the same way (first
    :attr:`write_batch` rows).
    ``flush`` writes what is buffered; ``finish`` removes what the snapshot no longer holds
    (only when the caller saw the whole snapshot); ``close`` restores the connection's settings
    and is always called. See the module docstring for the two paths.

    While it runs, the connection uses ``synchronous = NORMAL`` (a commit is atomic but is
    made durable by the next fsync of the WAL: the engine's final, FULL transaction that sets
    the cursor, or any sale's commit; losing a chunk to a power cut only means the snapshot is
    taken again, because the cursor is set last), a 64 MiB page cache, and no automatic WAL
    checkpoint (see :meth:`_checkpoint`).
    """

    write_batch = 500  # careful path: changed rows of the first write transaction
    checkpoint_every_s = 0.25
    # Every write transaction is sized from the last one of its kind to take about
    # tx_target_s (a checkout waits at most that long for the write lock), within these rows.
    tx_target_s = 0.025
    min_rows = 50
    max_rows = 20_000

    def __init__(self, store: Store, store_id: str, *, chunk: int = 2_000,
                 bulk: bool | None = None, threaded: bool = False,
                 received_at: str | None = None) -> None:
        self.store = store
        self.received_at = received_at or iso(datetime.now(UTC))
        self.conn = store.conn
        self._wconn = store.conn  # the connection that writes (the writer thread's, if any)
        self.store_id = store_id
        self.chunk = chunk
        self.bulk = self.catalogue_empty(self.conn) if bulk is None else bulk
        self.records = 0  # records taken and written
        self.written = 0  # rows inserted or changed
        self.removed = 0  # rows the snapshot no longer holds, removed by finish()
        self.max_lock_s = 0.0  # the longest write transaction, for logs and benchmarks
        self.index_build_s = 0.0  # the one transaction rebuilding dropped indexes (bulk path)
        self._seen_small: dict[str, set[Any]] = defaultdict(set)
        self._entity = ""
        self._buf: list[Any] = []
        self._taken = 0
        self._last_tx_s = 0.0
        self._jobs: queue.Queue[tuple[Callable[..., None], tuple[Any, ...]] | None] | None = None
        self._thread: threading.Thread | None = None
        self._failure: BaseException | None = None
        # rows per write transaction: "<entity>" bulk inserts, "write_<entity>" careful writes
        self._size: dict[str, int] = defaultdict(lambda: chunk)
        self._size.update({f"write_{e}": self.write_batch for e in BIG})
        self._checkpointed_at = time.perf_counter()
        self._saved = {name: self.conn.execute(f"PRAGMA {name}").fetchone()[0]
                       for name in ("synchronous", "cache_size", "wal_autocheckpoint")}
        _snapshot_pragmas(self.conn)
        restore_indexes(store)  # left dropped by a bulk load that crashed
        if self.bulk:
            with self._tx() as conn:
                _fts_config(conn, FTS_LOAD)
                dropped = conn.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN "
                    "(SELECT value FROM json_each(?))",
                    (json_ids(BULK_DROPPED_INDEXES),)).fetchall()
                conn.execute("INSERT OR REPLACE INTO sync_state (key, value) VALUES (?, ?)",
                             (DROPPED_KEY, json.dumps(dropped)))
                for name, _sql in dropped:
                    conn.execute(f"DROP INDEX {name}")
            if threaded and store.path is not None:
                self._start_thread(store.path)
        else:
            for entity, (_table, _key, *_rest) in BIG.items():
                self.conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS seen_{entity} "
                                  "(k INTEGER PRIMARY KEY)")
                self.conn.execute(f"DELETE FROM temp.seen_{entity}")

    @staticmethod
    def catalogue_empty(conn: sqlite3.Connection) -> bool:
        return not any(conn.execute(f"SELECT EXISTS (SELECT 1 FROM {t})").fetchone()[0]
                       for t in CATALOGUE_TABLES)

    # -- transactions ------------------------------------------------------------------------
    @contextlib.contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One short write transaction (``BEGIN IMMEDIATE``), timed from lock to commit."""
        conn = self._wconn
        conn.execute("BEGIN IMMEDIATE")
        t0 = time.perf_counter()
        try:
            conn.execute("PRAGMA defer_foreign_keys = ON")  # a price may precede its product
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")
        finally:
            self._last_tx_s = time.perf_counter() - t0
            self.max_lock_s = max(self.max_lock_s, self._last_tx_s)
        self._checkpoint(conn)

    def _checkpoint(self, conn: sqlite3.Connection) -> None:
        """Copy the WAL into the database now and then, outside any transaction.

        The writing connection's automatic checkpoint is off while a snapshot loads: it would
        run inside ``COMMIT``, after the write lock is released, so the time taken for a
        transaction would count it. Run here instead, it is neither hidden nor counted.
        """
        now = time.perf_counter()
        if now - self._checkpointed_at >= self.checkpoint_every_s:
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            self._checkpointed_at = time.perf_counter()

    # -- writing -----------------------------------------------------------------------------
    def add(self, entity: str, data: Any) -> int:
        """Take one parsed record (a protocol data model); see :meth:`add_many`."""
        return self.add_many(entity, [data])

    def add_block(self, records: Sequence[Any]) -> int:
        """Take parsed snapshot lines (objects with ``entity`` and ``data``), in order; returns
        how many records the chunks written meanwhile held."""
        return sum(self.add_many(entity, [r.data for r in run])
                   for entity, run in groupby(records, attrgetter("entity")))

    def add_many(self, entity: str, records: list[Any]) -> int:
        """Take parsed records of one entity (protocol data models), in the snapshot's order.

        Records are buffered as row tuples and written a chunk at a time (one entity per
        chunk); returns how many records the chunks just written held, else 0. Records are
        turned into tuples at once, so the parsed objects die young: millions of them alive
        for a whole chunk would cost the garbage collector more than parsing them.
        """
        written = self.flush() if entity != self._entity else 0
        self._entity = entity
        self._taken += len(records)
        convert = CONVERT.get(entity)
        if convert is not None:
            self._buf.extend(convert(records, self.store_id))
        elif entity in SMALL:
            self._buf.extend(records)
        else:
            raise ValueError(f"unknown entity {entity!r}")
        if self._taken >= (self.chunk if entity in SMALL else self._size[entity]):
            written += self.flush()
        return written

    def flush(self) -> int:
        """Write the buffered records; returns how many records they were."""
        entity, buf, taken = self._entity, self._buf, self._taken
        self._buf, self._taken = [], 0
        if not buf:
            pass
        elif entity in SMALL:
            self._run(self._write_small, entity, buf)
        elif self.bulk:
            i = 0
            while i < len(buf):
                part = buf[i:i + self._size[entity]]
                i += len(part)
                self._run(self._insert, entity, len(part),
                          self._bulk_statements(entity, part, as_json=self._jobs is not None))
        else:
            self._merge(entity, buf)
        self.records += taken
        return taken

    def _run(self, write: Callable[..., None], *args: Any) -> None:
        """Write now, or hand the write to the writer thread when there is one."""
        if self._jobs is None:
            write(*args)
        else:
            self._raise_failure()
            self._jobs.put((write, args))

    # -- the writer thread (bulk path, threaded=True) -----------------------------------------
    # Chunks are written by a thread of their own, on its own connection, while the engine's
    # thread decodes the next records: SQLite releases the GIL while it works, so decoding and
    # inserting can overlap on two cores. Chunks are written in the order they were taken,
    # each in its own transaction, exactly as without the thread.
    def _start_thread(self, path: Path) -> None:
        wstore = Store.open(path, create=False)
        _snapshot_pragmas(wstore.conn)
        self._wconn = wstore.conn
        self._jobs = queue.Queue(maxsize=3)
        self._thread = threading.Thread(target=self._write_loop, args=(wstore,),
                                        name="posclient-snapshot-writer", daemon=True)
        self._thread.start()

    def _write_loop(self, wstore: Store) -> None:
        jobs = self._jobs
        assert jobs is not None
        try:
            while (job := jobs.get()) is not None:
                if self._failure is None:  # after a failure, only drain the queue
                    write, args = job
                    try:
                        write(*args)
                    except BaseException as exc:  # handed to the engine's thread
                        self._failure = exc
        finally:
            wstore.close()

    def _raise_failure(self) -> None:
        if self._failure is not None:
            exc, self._failure = self._failure, None
            self._stop_thread()
            raise exc

    def _stop_thread(self) -> None:
        """Let the writer thread write what it was given, and end it."""
        if self._jobs is not None and self._thread is not None:
            self._jobs.put(None)
            self._thread.join()
        self._jobs, self._thread, self._wconn = None, None, self.conn

    def _adapt(self, entity: str, rows: int) -> None:
        """Size the next write transaction of ``entity`` from the one just made (``rows`` rows)
        so that it takes about :attr:`tx_target_s`: per-row costs grow with the tables (index
        depth, FTS merges), and differ a lot between entities."""
        if rows < 1 or self._last_tx_s <= 0:
            return
        fit = int(rows * self.tx_target_s / self._last_tx_s)
        size = self._size[entity]
        self._size[entity] = max(self.min_rows, min(self.max_rows, fit, 2 * size))

    def _write_small(self, entity: str, records: list[Any]) -> None:
        key = SMALL_KEY.get(entity)
        if key is not None:
            self._seen_small[entity].update(map(key, records))
        with self._tx() as conn:
            self.written += Applier(conn, self.store_id, self.received_at).apply(
                (entity, "upsert", "", r) for r in records)

    @staticmethod
    def _bulk_statements(entity: str, buf: list[Any], *,
                         as_json: bool) -> list[tuple[str, Any]]:
        """The bulk path's INSERTs of a chunk with their rows (made on the engine's thread).

        ``as_json``: for the writer thread, each table's rows as one JSON parameter of an
        ``INSERT ... SELECT FROM json_each(?)``, so that thread needs the GIL only to start
        it; else row tuples for ``executemany`` (less work for SQLite).
        """
        if entity == "product":
            rows = [r for r, _ in buf]
            bars = sorted((g, r[0]) for r, gtins in buf for g in gtins)  # b-tree order
            texts = [(r[0], product_search_text(r[2], r[3], r[5])) for r in rows]
            parts = [("product", rows), ("barcode", bars), ("search", texts)]
        else:
            parts = [(entity, buf)]
        if as_json:
            return [(BULK_INSERT[table], json_rows(rows)) for table, rows in parts]
        return [(BULK_VALUES[table], rows) for table, rows in parts]

    def _insert(self, entity: str, rows: int, statements: list[tuple[str, Any]]) -> None:
        with self._tx() as conn:
            for sql, param in statements:
                if isinstance(param, str):
                    conn.execute(sql, (param,))
                else:
                    conn.executemany(sql, param)
        self.written += rows
        self._adapt(entity, rows)

    def _merge(self, entity: str, buf: list[Any]) -> None:
        table, key, cols, _row, upsert = BIG[entity]
        new = {(item[0][0] if entity == "product" else item[0]): item for item in buf}
        keys = json_ids(new)
        self.conn.executemany(f"INSERT OR IGNORE INTO temp.seen_{entity} (k) VALUES (?)",
                              [(k,) for k in new])  # the TEMP database: no write lock here
        old = {r[0]: r for r in self.conn.execute(
            f"SELECT {cols} FROM {table} WHERE {key} IN (SELECT value FROM json_each(?))",
            (keys,))}
        if entity == "product":
            bars: dict[int, list[int]] = defaultdict(list)
            for pid, gtin in self.conn.execute(
                    "SELECT product_id, gtin FROM barcodes WHERE product_id IN "
                    "(SELECT value FROM json_each(?)) ORDER BY gtin", (keys,)):
                bars[pid].append(gtin)
            changed = [(r, g) for k, (r, g) in new.items()
                       if old.get(k) != r or sorted(set(g)) != bars.get(k, [])]
        else:
            changed = [r for k, r in new.items() if old.get(k) != r]
        i = 0
        while i < len(changed):
            batch = changed[i:i + self._size[f"write_{entity}"]]
            i += len(batch)
            with self._tx() as conn:
                if entity == "product":
                    self._write_products(conn, batch)
                elif entity == "member":
                    self._write_members(conn, batch)
                else:
                    conn.executemany(upsert, batch)
            self.written += len(batch)
            self._adapt(f"write_{entity}", len(batch))

    def _write_products(self, conn: sqlite3.Connection,
                        batch: list[tuple[tuple[Any, ...], tuple[int, ...]]]) -> None:
        """Upsert changed or new products, their barcodes and search text (in a transaction).

        Rows are product row tuples (see ``product_row``) with their barcodes' GTINs. Old rows
        are read again here, inside the transaction, so the search index is always told the
        exact text it holds. Another product holding one of the batch's SKUs or PLUs (the value
        moved between products) is removed first; it comes back with its own record if the
        snapshot still has it.
        """
        ids = json_ids(r[0] for r, _ in batch)
        current = {r[0]: r for r in conn.execute(
            f"SELECT {_TEXT_COLUMNS} FROM products WHERE id IN "
            "(SELECT value FROM json_each(?))", (ids,))}
        self._evict_moved(conn, batch, current)
        deletes, inserts = _search_changes(batch, current)
        conn.executemany(SEARCH_DELETE, deletes)
        conn.executemany(PRODUCT_UPSERT, [r for r, _ in batch])
        conn.executemany(SEARCH_INSERT, inserts)
        conn.execute("DELETE FROM barcodes WHERE product_id IN (SELECT value FROM json_each(?))",
                     (ids,))
        conn.executemany(BARCODE_INSERT, [(g, r[0]) for r, gtins in batch for g in gtins])

    def _evict_moved(self, conn: sqlite3.Connection,
                     batch: list[tuple[tuple[Any, ...], tuple[int, ...]]],
                     current: dict[int, tuple[Any, ...]]) -> None:
        """Remove the other products that hold one of the batch's SKUs or PLUs (they are no
        longer ``current``)."""
        by_sku = {r[1]: r[0] for r, _ in batch}
        by_plu = {r[8]: r[0] for r, _ in batch if r[8] is not None}
        evict = [r for r in conn.execute(
            f"SELECT {_TEXT_COLUMNS}, sku, plu FROM products WHERE sku IN "
            "(SELECT value FROM json_each(?)) OR plu IN (SELECT value FROM json_each(?))",
            (json_ids(by_sku), json_ids(by_plu)))
            if by_sku.get(r[4], r[0]) != r[0] or by_plu.get(r[5], r[0]) != r[0]]
        if not evict:
            return
        log.info("snapshot: %d products gave their SKU or PLU to another", len(evict))
        self._delete_products(conn, [r[:4] for r in evict])
        self._unsee(conn, "product", [r[0] for r in evict if r[0] not in current])
        for r in evict:
            current.pop(r[0], None)

    def _write_members(self, conn: sqlite3.Connection, batch: list[tuple[Any, ...]]) -> None:
        owner = {r[1]: r[0] for r in batch}
        evict = [mid for mid, no in conn.execute(
            "SELECT id, member_no FROM members WHERE member_no IN "
            "(SELECT value FROM json_each(?))", (json_ids(owner),)) if owner[no] != mid]
        if evict:
            conn.execute("DELETE FROM members WHERE id IN (SELECT value FROM json_each(?))",
                         (json_ids(evict),))
            mine = {r[0] for r in batch}
            self._unsee(conn, "member", [mid for mid in evict if mid not in mine])
        conn.executemany(MEMBER_UPSERT, batch)

    def _delete_products(self, conn: sqlite3.Connection,
                         rows: Sequence[tuple[int, str, str, str]]) -> None:
        """Delete products (cascading to barcodes, prices, levels) and their search text."""
        conn.executemany(SEARCH_DELETE, [(pid, product_search_text(zh, en, brand))
                                          for pid, zh, en, brand in rows])
        conn.execute("DELETE FROM products WHERE id IN (SELECT value FROM json_each(?))",
                     (json_ids(r[0] for r in rows),))

    @staticmethod
    def _unsee(conn: sqlite3.Connection, entity: str, keys: list[int]) -> None:
        """Rows removed before the snapshot reached them (only a snapshot that names one value
        twice does that): they no longer count as seen."""
        if keys and conn.execute(f"DELETE FROM temp.seen_{entity} WHERE k IN "
                                 "(SELECT value FROM json_each(?))", (json_ids(keys),)).rowcount:
            log.warning("snapshot: %s %s removed after they were written (a value named "
                        "twice?)", entity, keys[:10])

    # -- the end ---------------------------------------------------------------------------------
    def finish(self, complete: bool) -> int:
        """Remove what the snapshot no longer holds; returns how many rows went.

        ``complete``: the caller read every record the snapshot announced. A snapshot that may
        be cut off never removes anything.
        """
        self.flush()
        self._stop_thread()
        self._raise_failure()
        if not complete:
            log.warning("snapshot not known to be complete: rows it lacks are kept")
            return 0
        if not self.bulk:
            for entity, (table, key, *_rest) in BIG.items():
                gone = [r[0] for r in self.conn.execute(
                    f"SELECT {key} FROM {table} WHERE {key} NOT IN "
                    f"(SELECT k FROM temp.seen_{entity})")]
                for i in range(0, len(gone), self.write_batch):
                    part = json_ids(gone[i:i + self.write_batch])
                    with self._tx() as conn:
                        if entity == "product":
                            self._delete_products(conn, conn.execute(
                                "SELECT id, name_zh, name_en, brand FROM products WHERE id IN "
                                "(SELECT value FROM json_each(?))", (part,)).fetchall())
                        else:
                            conn.execute(f"DELETE FROM {table} WHERE {key} IN "
                                         "(SELECT value FROM json_each(?))", (part,))
                self.removed += len(gone)
        with self._tx() as conn:
            # Staff are named by sales: deactivated, never deleted.
            self.removed += conn.execute(
                "UPDATE staff SET active = 0 WHERE active = 1 AND id NOT IN "
                "(SELECT value FROM json_each(?))", (json_ids(self._seen_small["staff"]),)).rowcount
            self.removed += conn.execute(
                "DELETE FROM tax_rates WHERE code NOT IN (SELECT value FROM json_each(?)) "
                "AND code NOT IN (SELECT tax_code FROM products)",
                (json_ids(self._seen_small["tax_rate"]),)).rowcount
            self.removed += forget_orders_except(conn, sorted(self._seen_small["order"]))
            self.removed += conn.execute(
                "DELETE FROM promotions WHERE id NOT IN (SELECT value FROM json_each(?))",
                (json_ids(sorted(self._seen_small["promotion"])),)).rowcount
            self.removed += conn.execute(  # this till's own receipts stay (not acked yet)
                "DELETE FROM deliveries WHERE id NOT IN (SELECT value FROM json_each(?)) "
                "AND received_event IS NULL", (json_ids(sorted(self._seen_small["delivery"])),)
            ).rowcount
            self.removed += conn.execute(
                "DELETE FROM reason_codes WHERE code NOT IN (SELECT value FROM json_each(?))",
                (json_ids(sorted(self._seen_small["reason_code"])),)).rowcount
            self.removed += conn.execute(  # other stores' tiles were never kept
                "DELETE FROM quick_keys WHERE id NOT IN (SELECT value FROM json_each(?))",
                (json_ids(sorted(self._seen_small["quick_key"])),)).rowcount
            self.removed += forget_keys_except(conn, sorted(self._seen_small["member_token_key"]))
        return self.removed

    def close(self) -> None:
        """Restore the connection's settings (and the index's merge settings). Always call."""
        if self._thread is not None:  # an error on the engine's side: chunks taken are kept
            self._stop_thread()
        conn = self.conn
        if conn.in_transaction:  # an exception inside a write: Store.write rolled back
            conn.execute("ROLLBACK")
        if self.bulk:
            with self.store.write() as c:
                _fts_config(c, FTS_DEFAULTS)
            t0 = time.perf_counter()
            if restore_indexes(self.store):
                self.index_build_s = time.perf_counter() - t0
        else:
            for entity in BIG:
                conn.execute(f"DROP TABLE IF EXISTS temp.seen_{entity}")
        for name, value in self._saved.items():
            conn.execute(f"PRAGMA {name} = {int(value)}")


_TEXT_COLUMNS = "id, name_zh, name_en, brand"  # what a product's search text is made of


def _search_changes(batch: list[tuple[tuple[Any, ...], tuple[int, ...]]],
                current: dict[int, tuple[Any, ...]]
                ) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The search texts to delete (the old ones) and to insert, for the batch's products
    whose text is new or changed (``current``: their rows as the till holds them)."""
    deletes, inserts = [], []
    for r, _ in batch:
        old = current.get(r[0])
        if old is not None and old[1:] == (r[2], r[3], r[5]):
            continue  # same text: the index already holds it
        if old is not None:
            deletes.append((r[0], product_search_text(old[1], old[2], old[3])))
        inserts.append((r[0], product_search_text(r[2], r[3], r[5])))
    return deletes, inserts


def _snapshot_pragmas(conn: sqlite3.Connection) -> None:
    """A connection writing a snapshot: see :class:`SnapshotWriter` (restored by ``close``)."""
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA cache_size = -65536")
    conn.execute("PRAGMA wal_autocheckpoint = 0")  # see SnapshotWriter._checkpoint


def restore_indexes(store: Store) -> list[str]:
    """Rebuild the indexes a bulk load dropped (after it, or after a crash in it)."""
    row = store.conn.execute("SELECT value FROM sync_state WHERE key = ?",
                             (DROPPED_KEY,)).fetchone()
    if row is None:
        return []
    built = []
    with store.write() as conn:
        for name, sql in json.loads(row[0]):
            if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?",
                                (name,)).fetchone():
                conn.execute(sql)
                built.append(name)
        conn.execute("DELETE FROM sync_state WHERE key = ?", (DROPPED_KEY,))
    return built


def _fts_config(conn: sqlite3.Connection, values: tuple[tuple[str, int], ...]) -> None:
    conn.executemany("INSERT INTO product_search (product_search, rank) VALUES (?, ?)", values)
