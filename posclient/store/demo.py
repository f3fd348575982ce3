"""The demo store's load into a new, empty till database (the rows: posclient/domain/demo_data.py;
the PINs and the randomness: posclient/app/demo_data.py).

The load runs in one transaction with ``synchronous=OFF``, foreign-key checks off (the rows are
consistent by construction; a test runs ``foreign_key_check``), the bulk tables' secondary
indexes dropped and recreated from their own ``sqlite_master`` definitions, and a larger FTS5
in-memory buffer. Every setting is restored afterwards.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from posclient.domain.errors import InvalidInput
from posclient.domain.settings import StoreSettings
from posclient.store.settings import save_settings

Row = tuple[Any, ...]
Chunk = tuple[str, tuple[str, ...], list[Row]]
Progress = Callable[[str, int, int], None]

# Secondary indexes dropped for the bulk load and recreated from their own definitions after.
BULK_INDEXES = ("products_sku", "products_plu", "barcodes_product", "prices_lookup",
                "members_no", "members_phone_hash")

# Tables demo data goes into: any row in one of them means the database is not new.
_MUST_BE_EMPTY = ("products", "barcodes", "prices", "stock_levels", "members", "staff",
                  "categories", "tax_rates", "sales", "outbox", "stock_movements")

# FTS5 tuning during the load (restored to the FTS5 defaults after).
_FTS_LOAD = (("hashsize", 64 * 1024 * 1024), ("automerge", 8), ("crisismerge", 64))
_FTS_DEFAULTS = (("hashsize", 1024 * 1024), ("automerge", 4), ("crisismerge", 16))


@dataclass
class DemoLoad:
    """What a load inserted, counted as the chunks went in."""

    products: int = 0
    barcodes: int = 0
    members: int = 0
    weighed: int = 0
    first_plu: str | None = None  # of the first weighed product
    samples: dict[str, str] = field(default_factory=dict)  # the first "upc" and "ean8" codes

    def count(self, table: str, rows: list[Row]) -> None:
        if table == "products":
            self.products += len(rows)
            self.weighed += sum(1 for row in rows if row[6] == "g")
            if self.first_plu is None:
                self.first_plu = next((row[8] for row in rows if row[8] is not None), None)
        elif table == "barcodes":
            self.barcodes += len(rows)
            if "upc" not in self.samples or "ean8" not in self.samples:
                _find_samples(rows, self.samples)
        elif table == "members":
            self.members += len(rows)


def _find_samples(rows: list[Row], samples: dict[str, str]) -> None:
    for gtin, _ in rows:
        if gtin < 100_000_000:
            samples.setdefault("ean8", f"{gtin:08d}")
        elif gtin < 100_000_000_000:
            samples.setdefault("upc", f"{gtin:012d}")
        if "upc" in samples and "ean8" in samples:
            return


def check_new(conn: sqlite3.Connection) -> None:
    """Refuse (:class:`InvalidInput`, nothing changed) a database in a transaction or with data."""
    if conn.in_transaction:
        raise InvalidInput("Build the demo store outside any open transaction.")
    _refuse_unless_empty(conn)


def _refuse_unless_empty(conn: sqlite3.Connection) -> None:
    found = [t for t in _MUST_BE_EMPTY
             if conn.execute(f"SELECT EXISTS (SELECT 1 FROM {t})").fetchone()[0]]
    if found:
        raise InvalidInput(
            "Demo data goes into a new, empty database only, and this one already holds data "
            f"({', '.join(found)}). Nothing was changed: choose a new database file "
            "(posclient --db NEW.db demo-data).",
            code="demo_needs_empty_database", tables=found,
        )


def _fts_config(conn: sqlite3.Connection, values: tuple[tuple[str, int], ...]) -> None:
    for key, value in values:
        conn.execute("INSERT INTO product_search (product_search, rank) VALUES (?, ?)",
                     (key, value))


@contextlib.contextmanager
def _bulk_pragmas(conn: sqlite3.Connection) -> Iterator[None]:
    """``synchronous=OFF``, no foreign-key checks and a bigger page cache, restored after."""
    saved = {name: conn.execute(f"PRAGMA {name}").fetchone()[0]
             for name in ("synchronous", "foreign_keys", "cache_size")}
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("PRAGMA cache_size = -65536")  # 64 MiB
    try:
        yield
    finally:
        for name, value in saved.items():
            conn.execute(f"PRAGMA {name} = {int(value)}")


def _insert(conn: sqlite3.Connection, chunks: Iterable[Chunk], products: int, members: int,
            report: Progress) -> DemoLoad:
    loaded = DemoLoad()
    statements: dict[str, str] = {}
    for table, columns, rows in chunks:
        sql = statements.get(table)
        if sql is None:
            sql = statements[table] = (
                f"INSERT INTO {table} ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' * len(columns))})"
            )
        conn.executemany(sql, rows)
        loaded.count(table, rows)
        if table == "products":
            report("products", loaded.products, products)
        elif table == "members":
            report("members", loaded.members, members)
    return loaded


def load_demo_store(conn: sqlite3.Connection, chunks: Iterable[Chunk], *,
                    staff: list[tuple[int, str, str, str]], settings: StoreSettings,
                    products: int, members: int, report: Progress) -> DemoLoad:
    """Insert ``chunks`` (:func:`posclient.domain.demo_data.demo_rows`), the ``staff`` rows
    (id, name, role, PIN hash) and ``settings`` into the new database, in one transaction.

    Raises :class:`InvalidInput` (nothing changed) if the database already holds data.
    ``report(stage, done, total)`` follows the products, members, indexes and saving.
    """
    with _bulk_pragmas(conn):
        conn.execute("BEGIN IMMEDIATE")
        try:
            _refuse_unless_empty(conn)  # again, now that we hold the write lock
            index_sql = conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN "
                f"({', '.join('?' * len(BULK_INDEXES))}) ORDER BY name", BULK_INDEXES,
            ).fetchall()
            for name, _ in index_sql:
                conn.execute(f"DROP INDEX {name}")
            _fts_config(conn, _FTS_LOAD)
            save_settings(conn, settings)
            conn.executemany("INSERT INTO staff (id, name, role, pin_hash) VALUES (?, ?, ?, ?)",
                             staff)
            report("products", 0, products)
            loaded = _insert(conn, chunks, products, members, report)
            for done, (_name, sql) in enumerate(index_sql):
                report("indexes", done, len(index_sql))
                conn.execute(sql)
            report("indexes", len(index_sql), len(index_sql))
            _fts_config(conn, _FTS_DEFAULTS)
            report("saving", 0, 1)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the WAL holds the whole store now
    report("saving", 1, 1)
    return loaded
