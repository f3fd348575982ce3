"""Engines and transactions: one code path for SQLite (embedded default) and PostgreSQL.

- URLs: ``sqlite:///path/central.db``, ``postgresql+psycopg://user@host/db``; ``postgresql://``
  and ``postgres://`` are mapped to psycopg. A PostgreSQL schema can be chosen with
  ``?options=-csearch_path%3Dname`` or the ``search_path`` argument.
- SQLite: WAL, ``synchronous=FULL``, foreign keys on, a busy timeout. pysqlite's own implicit
  transactions are switched off and SQLAlchemy emits ``BEGIN`` itself: ``BEGIN IMMEDIATE`` on
  connections from :func:`writer` (the write lock is taken up front, so a transaction that read
  first can never fail to upgrade), plain ``BEGIN`` for readers.
- Reads that must be consistent across statements (a change page, a snapshot) run in
  :func:`reader`: one snapshot for the whole transaction (``REPEATABLE READ, READ ONLY`` on
  PostgreSQL; a read transaction in WAL mode on SQLite).
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Table,
    Transaction,
    any_,
    bindparam,
    create_engine,
    event,
    make_url,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, OperationalError

from sync.central.errors import ConfigError

log = logging.getLogger(__name__)

T = TypeVar("T")

SQLITE_BUSY_TIMEOUT_MS = 30_000
PG_ROWS_PER_INSERT = 5_000
_WRITE_OPTION = "central_write"


def normalize_url(url: str | URL) -> URL:
    """The SQLAlchemy URL, with plain PostgreSQL URLs mapped to the psycopg (3) driver."""
    try:
        u = make_url(url) if isinstance(url, str) else url
    except ArgumentError:
        raise ConfigError("The database URL is malformed: use sqlite:///PATH or "
                          "postgresql://USER@HOST/DB") from None  # (not echoed: a password)
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+psycopg")
    if u.get_backend_name() not in ("sqlite", "postgresql"):
        raise ConfigError(f"unsupported database URL {u.render_as_string(hide_password=True)!r}: "
                         "use sqlite:///PATH or postgresql://USER@HOST/DB")
    return u


# PostgreSQL connections per engine (one engine per worker process of ``serve``): kept open,
# and opened beyond them under a burst (closed again when returned). A connection opened per
# request costs PostgreSQL a backend process each time: SQLAlchemy's default of 5 kept open
# left most of 25 concurrent requests of one worker opening their own. A worker runs at most
# 40 requests at once (its thread pool); keep workers x (size + overflow) under PostgreSQL's
# max_connections (100 by default: 4 workers x 20 = 80).
PG_POOL_SIZE = 16
PG_POOL_OVERFLOW = 4


def make_engine(url: str | URL, *, search_path: str | None = None, **kwargs: Any) -> Engine:
    """An engine for ``url`` with the pragmas and transaction handling described above."""
    u = normalize_url(url)
    if u.get_backend_name() == "sqlite":
        return _sqlite_engine(u, **kwargs)
    connect_args = dict(kwargs.pop("connect_args", {}))
    if search_path:
        connect_args["options"] = f"-csearch_path={search_path}"
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", PG_POOL_SIZE)
    kwargs.setdefault("max_overflow", PG_POOL_OVERFLOW)
    return create_engine(u, connect_args=connect_args, **kwargs)


def _sqlite_engine(u: URL, **kwargs: Any) -> Engine:
    if u.database and u.database != ":memory:" and not u.database.startswith("file:"):
        Path(u.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    connect_args = dict(kwargs.pop("connect_args", {}))
    connect_args.setdefault("check_same_thread", False)
    connect_args.setdefault("timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
    engine = create_engine(u, connect_args=connect_args, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)
        cur = dbapi_conn.cursor()
        for pragma in ("journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON",
                       f"busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}"):
            cur.execute(f"PRAGMA {pragma}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(_WRITE_OPTION)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def is_postgres(bind: Connection | Engine) -> bool:
    return bind.dialect.name == "postgresql"


@contextmanager
def writer(engine: Engine) -> Iterator[Connection]:
    """A connection whose transactions take the write lock up front (SQLite) and run in
    PostgreSQL's default READ COMMITTED. Use ``with conn.begin():`` per unit of work."""
    with engine.connect() as conn:
        conn.execution_options(**{_WRITE_OPTION: True})
        yield conn


@contextmanager
def write_tx(engine: Engine) -> Iterator[Connection]:
    """One write transaction: committed when the block ends, rolled back on an exception."""
    with writer(engine) as conn, conn.begin():
        yield conn


@contextmanager
def reader(engine: Engine) -> Iterator[Connection]:
    """One consistent read-only snapshot for every statement in the block."""
    with engine.connect() as conn:
        if is_postgres(conn):
            conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with conn.begin():
            yield conn


def serialize(conn: Connection, *name: str) -> None:
    """Make the transactions that call this with the same ``name`` run one at a time, from here
    to their commit: a check-then-write (is this record there? is it the same?) then sees what
    the one before it wrote, so a request sent twice at once has its effect once.

    PostgreSQL: a transaction-level advisory lock on the name's hash (a collision only
    serialises a little more). SQLite: nothing to do, write transactions already run one at a
    time (``BEGIN IMMEDIATE``, :func:`writer`).
    """
    if is_postgres(conn):
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"),
                     {"name": ":".join(name)})


def upsert(conn: Connection, table: Table) -> Any:
    """The dialect's ``INSERT`` construct, which has ``on_conflict_do_update/nothing``."""
    return (postgresql.insert(table) if is_postgres(conn) else sqlite.insert(table))


def is_transient(exc: BaseException) -> bool:
    """A failure worth retrying the whole transaction for: a deadlock, a serialization failure,
    SQLite's lock timeout."""
    if not isinstance(exc, DBAPIError):
        return False
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    if code in ("40001", "40P01"):
        return True
    return isinstance(exc, OperationalError) and "database is locked" in str(exc.orig)


def is_duplicate_key(exc: BaseException) -> bool:
    """A unique key broken by a row another transaction committed meanwhile: the same request
    arriving twice at once, both having checked that the row was not there yet."""
    if not isinstance(exc, IntegrityError):
        return False
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return code == "23505" or "UNIQUE constraint failed" in str(exc.orig)


def retrying(fn: Callable[[], T], *, attempts: int = 4, what: str = "transaction",
             duplicates: bool = False) -> T:
    """Run ``fn`` (a whole unit of work, its transactions included) again after a transient
    failure, with a short backoff. With ``duplicates``, also after :func:`is_duplicate_key`:
    the run again finds the row the concurrent request committed and answers as to a repeat.
    """
    for attempt in range(1, attempts + 1):
        try:
            return fn()
        except DBAPIError as exc:
            again = is_transient(exc) or (duplicates and is_duplicate_key(exc))
            if attempt == attempts or not again:
                raise
            log.warning("%s: transient database error (attempt %d of %d), retrying: %s",
                        what, attempt, attempts, type(exc.orig).__name__)
            time.sleep(0.02 * 2 ** attempt)
    raise AssertionError("unreachable")


def chunks(items: list[T], size: int) -> Iterator[list[T]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def bulk_insert(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]], *,
                conflict: Sequence[str] = (), update: Mapping[str, str] | None = None,
                returning: Sequence[str] = (), conflict_where: str = "",
                ) -> list[tuple[Any, ...]]:
    """INSERT ``rows`` (dicts with the same keys), fast: the path for bulk loads.

    SQLAlchemy's per-row parameter handling costs more than the database's own work on a
    million rows, so the statement is built once and each column's bind processing (times,
    UUIDs) runs once per distinct value. SQLite gets one DBAPI ``executemany`` (in-process,
    cheap per row); PostgreSQL gets ``INSERT ... SELECT * FROM unnest(<one array per column>)``
    for up to ``PG_ROWS_PER_INSERT`` rows: one short statement and one round trip per batch
    instead of per row. ``conflict`` + ``update`` (column -> SQL over ``excluded.*``, internal
    text only) make it an upsert: ``INSERT ... ON CONFLICT (...) DO UPDATE`` reads the same on
    both. A batch must not name the same conflict key twice. ``conflict_where``: the predicate
    of a partial unique index the conflict is on (internal text only).

    ``returning``: columns of the written rows to return (``RETURNING``: the rows as they are
    after the insert or the update), PostgreSQL only: on PostgreSQL it saves the read-back of
    rows that were just locked, so it keeps their locks one round trip shorter. Without it,
    the result is ``[]``.
    """
    if returning and conn.dialect.name != "postgresql":
        raise ValueError("bulk_insert(returning=...) is for PostgreSQL only")
    if not rows:
        return []
    dialect = conn.dialect
    quote = dialect.identifier_preparer.quote
    names = list(rows[0])
    head = f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
    tail = ""
    if conflict:
        sets = ", ".join(f"{quote(c)} = {expr}" for c, expr in (update or {}).items())
        tail = f" ON CONFLICT ({', '.join(quote(c) for c in conflict)}) "
        tail += f"WHERE {conflict_where} " if conflict_where else ""
        tail += f"DO UPDATE SET {sets}" if sets else "DO NOTHING"
    if dialect.name != "postgresql":
        params = _bound_rows(dialect, table, names, rows)
        conn.exec_driver_sql(f"{head}VALUES ({', '.join(['?'] * len(names))}){tail}", params)
        return []
    if returning:
        tail += f" RETURNING {', '.join(quote(c) for c in returning)}"
    sql = f"{head}SELECT * FROM {pg_unnest(table, names)}{tail}"
    out: list[tuple[Any, ...]] = []
    with conn.connection.dbapi_connection.cursor() as cur:  # type: ignore[union-attr]
        for i in range(0, len(rows), PG_ROWS_PER_INSERT):
            cur.execute(sql, bound_columns(conn, table, names, rows[i:i + PG_ROWS_PER_INSERT]))
            if returning:
                out.extend(cur.fetchall())
    return out


def pg_unnest(table: Table, names: Sequence[str]) -> str:
    """``unnest(%b::type[], ...)``: one array parameter per column ``names`` of ``table``.

    %b: psycopg sends the arrays in binary format, text without per-element escaping. Run it
    on the raw (psycopg) cursor of the connection, inside its current transaction, with
    the :func:`bound_columns` of the rows.
    """
    return _pg_unnest(table, tuple(names))


@lru_cache(maxsize=256)
def _pg_unnest(table: Table, names: tuple[str, ...]) -> str:
    dialect = postgresql.dialect()
    arrays = ", ".join(f"%b::{table.c[n].type.compile(dialect=dialect)}[]" for n in names)
    return f"unnest({arrays})"


def bound_columns(conn: Connection, table: Table, names: Sequence[str],
                  rows: Sequence[Mapping[str, Any]]) -> tuple[list[Any], ...]:
    """One list per column of ``names``: the rows' values as the driver takes them (each
    column's bind processing, once per distinct value), the parameters of :func:`pg_unnest`.

    Built a column at a time: no row tuple is made or rebuilt (this runs for every row the
    ingest writes).
    """
    dialect = conn.dialect
    out = []
    for name in names:
        values = [row[name] for row in rows]
        proc = table.c[name].type._cached_bind_processor(dialect)
        if proc is not None:
            memo: dict[Any, Any] = {None: None}
            done = []
            for v in values:
                b = memo.get(v, _MISSING)
                if b is _MISSING:
                    b = memo[v] = proc(v)
                done.append(b)
            values = done
        out.append(values)
    return tuple(out)


def commit_pipelined(conn: Connection, trans: Transaction, send: Callable[[], object]) -> None:
    """Run ``send`` (statements whose results are not read), then commit ``trans``, the root
    transaction of ``conn``: on PostgreSQL in psycopg's pipeline mode, in ONE round trip.

    The server runs the statements and the COMMIT back to back, so the row locks the
    transaction holds (a stock level, the feed head) are held for the server's own work and
    the WAL flush, never for a trip to this process and back: under load, a trip can wait for
    a CPU and for the GIL. On a failure the transaction is rolled back (on the server, and in
    SQLAlchemy's view) and the error raised; SQLite runs ``send`` and commits.
    """
    if not is_postgres(conn):
        send()
        trans.commit()
        return
    raw = conn.connection.dbapi_connection
    try:
        with raw.pipeline():  # type: ignore[union-attr]
            send()
            trans.commit()
    except BaseException:
        # The server's transaction failed inside the pipeline; SQLAlchemy believes the commit
        # ended it, so the server is told explicitly, then SQLAlchemy.
        with contextlib.suppress(Exception):
            raw.rollback()  # type: ignore[union-attr]
        with contextlib.suppress(Exception):
            conn.rollback()
        raise


def _bound_rows(dialect: Any, table: Table, names: list[str],
                rows: Sequence[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
    """Row tuples with each column's bind processor applied once per distinct value."""
    get = itemgetter(*names)
    params: list[Any] = [get(row) for row in rows]
    if len(names) == 1:
        params = [(v,) for v in params]
    for i, name in enumerate(names):
        proc = table.c[name].type._cached_bind_processor(dialect)
        if proc is None:
            continue
        memo: dict[Any, Any] = {None: None}
        fixed = []
        for row in params:
            v = row[i]
            done = memo.get(v, _MISSING)
            if done is _MISSING:
                done = memo[v] = proc(v)
            fixed.append((*row[:i], done, *row[i + 1:]))
        params = fixed
    return params


_MISSING = object()


def among(conn: Connection, column: ColumnElement[Any], values: Sequence[Any]) -> Any:
    """``column IN values`` for the thousands of keys of a bulk chunk.

    On PostgreSQL it is ``column = ANY(<one array parameter>)``: a short statement that the
    driver and the server cache, where ``IN (:p1, ..., :p5000)`` is a new 5000-parameter
    statement for every chunk. SQLite keeps ``IN``.
    """
    if is_postgres(conn):
        return column == any_(bindparam(None, list(values),
                                        type_=postgresql.ARRAY(column.type)))
    return column.in_(list(values))


def analyze(engine: Engine, tables: Sequence[Table]) -> None:
    """Refresh PostgreSQL's planner statistics after a bulk load.

    Autovacuum gets there eventually, but until then the planner believes a freshly loaded
    table is tiny and picks plans (a sort of the whole feed for one page) that take seconds.
    SQLite needs nothing.
    """
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as conn:
        for table in tables:
            conn.exec_driver_sql(f"ANALYZE {conn.dialect.identifier_preparer.quote(table.name)}")
