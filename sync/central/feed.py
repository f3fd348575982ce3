"""The change feed: a global, strictly increasing ``seq`` that terminals follow with a cursor.

**Commit order = seq order.** A terminal that has read up to ``seq`` N never asks for N or
below again, so a change that becomes visible *after* a higher seq was already readable would
be skipped forever. On PostgreSQL, a sequence (``nextval``) hands out numbers at insert time,
and concurrent transactions then commit in any order: exactly that failure.

The rule here: seqs are handed out from a one-row counter, ``feed_head.last_seq``, by
``UPDATE feed_head SET last_seq = last_seq + n`` as the LAST step of a write transaction
(:func:`append_changes`; callers collect their changes and append them just before commit).
The UPDATE takes the row's lock, held until commit or rollback, so:

- a transaction that got seqs (a, b] commits before the next one can get any seq, and every seq
  at or below the head is committed whenever the head is visible;
- a rolled-back transaction rolls the counter back too: no holes from failures;
- it is the same code on SQLite, where writers are serialised by the database lock anyway, and
  on PostgreSQL, across any number of worker processes.

This is equivalent to ``pg_advisory_xact_lock`` taken just before the insert (also held to
commit), with one code path for both databases and no sequence object. The cost is the same
for either: transactions that append changes serialise from the append to their commit, which
is why the append comes last and bulk imports commit in chunks. On PostgreSQL that stretch is
kept free of client round trips: the append is one statement (the UPDATE's ``RETURNING``
feeds the INSERT in a data-modifying CTE), and :meth:`Tx.commit` sends it with the COMMIT in
one pipeline, so the lock is held for the server's own work and the WAL flush, not for a trip
to a Python process that may be waiting for a CPU.

**Reading** (:func:`read_changes`) happens in one snapshot (:func:`sync.central.db.reader`): the
head H, the low-water mark and the rows. Every seq <= H is committed in that snapshot, so a page
that is not full can answer ``next_after = H``: the terminal skips other stores' changes
without reading them.

**Retention**: :func:`prune_changes` first raises ``low_water`` (committed), then deletes in
batches. A reader whose snapshot is missing a pruned row therefore also sees the raised mark and
answers ``410 Gone`` instead of a page with a hole.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import (
    BigInteger,
    Connection,
    Engine,
    Integer,
    Transaction,
    bindparam,
    delete,
    func,
    select,
    union_all,
    update,
)

from sync.central.db import (
    bound_columns,
    bulk_insert,
    commit_pipelined,
    is_postgres,
    pg_unnest,
    reader,
    write_tx,
    writer,
)
from sync.central.errors import FeedGone
from sync.central.schema import changes, dump_json, feed_head
from sync.protocol import MAX_PAGE, Change, ChangesPage

log = logging.getLogger(__name__)

INSERT_CHUNK = 5_000
PRUNE_BATCH = 50_000


@dataclass(frozen=True, slots=True)
class PendingChange:
    """A change to append: ``store_id`` None means every store sees it."""

    entity: str
    op: str  # upsert | delete
    key: str
    store_id: str | None
    data: str | None  # canonical JSON text (schema.dump_json); None for a delete

    @classmethod
    def upsert(cls, entity: str, key: str, store_id: str | None,
               data: dict[str, Any] | str) -> PendingChange:
        return cls(entity, "upsert", key, store_id,
                   data if isinstance(data, str) else dump_json(data))

    @classmethod
    def delete(cls, entity: str, key: str, store_id: str | None) -> PendingChange:
        return cls(entity, "delete", key, store_id, None)


@dataclass(frozen=True, slots=True)
class FeedState:
    last_seq: int  # the head: every seq up to here is committed
    low_water: int  # changes with seq <= low_water may have been pruned


def append_changes(conn: Connection, pending: Sequence[PendingChange], now: datetime) -> int:
    """Give ``pending`` the next seqs and insert them; returns the last seq (0 if none).

    Call it as the last statement of the write transaction: from here to commit, no other
    transaction can append (see the module docstring).
    """
    if not pending:
        return 0
    if is_postgres(conn):
        last = 0
        with conn.connection.dbapi_connection.cursor() as cur:  # type: ignore[union-attr]
            for sql, params in _pg_appends(conn, pending, now):
                cur.execute(sql, params)
                last = int(cur.fetchone()[0])  # type: ignore[index]
        return last
    conn.execute(update(feed_head).where(feed_head.c.id == 1)
                 .values(last_seq=feed_head.c.last_seq + len(pending)))
    last = conn.execute(select(feed_head.c.last_seq).where(feed_head.c.id == 1)).scalar_one()
    first = last - len(pending) + 1
    rows = [{"seq": first + i, "entity": p.entity, "op": p.op, "key": p.key,
             "store_id": p.store_id, "data": p.data, "changed_at": now}
            for i, p in enumerate(pending)]
    for i in range(0, len(rows), INSERT_CHUNK):
        bulk_insert(conn, changes, rows[i:i + INSERT_CHUNK])
    return last


_CHANGE_COLUMNS = ["entity", "op", "key", "store_id", "data"]


def _pg_appends(conn: Connection, pending: Sequence[PendingChange], now: datetime
                ) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """PostgreSQL: per chunk of ``pending``, ONE statement that moves the head and inserts the
    chunk with the seqs it got (``UPDATE feed_head ... RETURNING`` feeding the ``INSERT``, in a
    data-modifying CTE), answering the new head: one round trip instead of three.

    The UPDATE is the same row lock as on SQLite, taken by the same statement that uses it, so
    every guarantee of the module docstring holds unchanged.
    """
    when = bound_columns(conn, changes, ["changed_at"], [{"changed_at": now}])[0][0]
    for i in range(0, len(pending), INSERT_CHUNK):
        part = pending[i:i + INSERT_CHUNK]
        n = len(part)
        sql = ("WITH head AS (UPDATE feed_head SET last_seq = last_seq + %b WHERE id = 1 "
               "RETURNING last_seq), "
               "added AS (INSERT INTO changes (seq, entity, op, key, store_id, data, changed_at) "
               "SELECT head.last_seq - %b + c.ord, c.entity, c.op, c.key, c.store_id, c.data, %b "
               f"FROM head, {pg_unnest(changes, _CHANGE_COLUMNS)} WITH ORDINALITY "
               "AS c(entity, op, key, store_id, data, ord)) "
               "SELECT last_seq FROM head")
        columns = ([p.entity for p in part], [p.op for p in part], [p.key for p in part],
                   [p.store_id for p in part], [p.data for p in part])  # no bind processing
        yield sql, (n, n, when, *columns)


def feed_state(conn: Connection) -> FeedState:
    row = conn.execute(select(feed_head.c.last_seq, feed_head.c.low_water)
                       .where(feed_head.c.id == 1)).one()
    return FeedState(int(row.last_seq), int(row.low_water))


def read_changes(engine: Engine, store_id: str, after: int, limit: int,
                 server_time: datetime, *, erasures: bool = False,
                 token_keys: bool = False, store_orders: bool = False) -> ChangesPage:
    """The page of changes after ``after`` that ``store_id`` may see (global + its own).
    ``erasures``: the till reads ``member_erasure`` records (sync/central/erasure.py);
    ``token_keys``: it reads ``member_token_key`` records (sync/central/member_tokens.py). A
    till that does not say so (one older than them) is sent none: an unknown entity would make
    it refuse the whole page. ``store_orders``: it reads orders placed at a till (channel
    ``store``) as they are; one that does not say so gets them as web orders
    (sync/central/aisle.py ``for_older_tills``).

    Raises :class:`FeedGone` when ``after`` is below the retention low-water mark (changes the
    terminal needs were pruned) or beyond the head (the cursor is from another database).
    """
    limit = max(1, min(limit, MAX_PAGE))
    with reader(engine) as conn:
        state = feed_state(conn)
        if after < state.low_water:
            raise FeedGone(f"Changes after {after} are no longer kept (the feed starts after "
                           f"{state.low_water}): take a new snapshot (GET /v1/snapshot).",
                           code="feed_pruned")
        if after > state.last_seq:
            raise FeedGone(f"The cursor {after} is ahead of this central's feed "
                           f"({state.last_seq}): the terminal was set up against another "
                           "database. Take a new snapshot (GET /v1/snapshot).",
                           code="cursor_ahead")
        rows = conn.execute(_PAGES[erasures, token_keys],
                            _page_params(store_id, after, state.last_seq, limit + 1)).all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_after = rows[-1].seq if has_more else state.last_seq
    return ChangesPage(changes=_changes(rows, older=not store_orders), next_after=next_after,
                       has_more=has_more, server_time=server_time)


_CHANGES = TypeAdapter(list[Change])


def _changes(rows: Sequence[Any], *, older: bool = False) -> list[Change]:
    """The rows as :class:`Change` models, parsed and validated in one pass by pydantic.

    The page is written as one JSON text with each row's stored ``data`` (canonical JSON)
    embedded as it is: about a third of the time of ``json.loads`` and a model per row, for
    the same models. ``older``: orders placed at a till as an older till reads them.
    """
    from sync.central.aisle import older_text

    text = ",".join(
        f'{{"seq":{int(r.seq)},"entity":{_json_str(r.entity)},"op":{_json_str(r.op)},'
        f'"key":{_json_str(r.key)},"data":{_data(r, older, older_text)}}}'
        for r in rows)
    return _CHANGES.validate_json(f"[{text}]")


def _data(r: Any, older: bool, older_text: Callable[[str], str]) -> str:
    if r.data is None:
        return "null"
    return older_text(r.data) if older and r.entity == "order" else str(r.data)


def _json_str(text: str) -> str:
    """``text`` as a JSON string: quoted as it is when it needs no escapes (the usual key)."""
    if text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'
    return json.dumps(text, ensure_ascii=False)


def _page_params(store_id: str, after: int, head: int, n: int) -> dict[str, Any]:
    """The parameters of the page's statement (built once): global rows and the store's
    rows, each an index range scan on (store_id, seq)."""
    return {"store_id": store_id, "after": after, "head": head, "n": n}


def _build_page_query(*, skip: tuple[str, ...] = ()) -> Any:
    """``skip``: global entities left out (a till older than them could not read them)."""
    cols = (changes.c.seq, changes.c.entity, changes.c.op, changes.c.key, changes.c.data)
    after, head = bindparam("after", type_=BigInteger), bindparam("head", type_=BigInteger)
    n = bindparam("n", type_=Integer)

    def side(*conditions: Any) -> Any:
        q = (select(*cols).where(*conditions, changes.c.seq > after, changes.c.seq <= head)
             .order_by(changes.c.seq).limit(n).subquery())
        return select(q)

    chain = (changes.c.store_id.is_(None), *((changes.c.entity.not_in(skip),) if skip else ()))
    both = union_all(side(*chain),
                     side(changes.c.store_id == bindparam("store_id"))).subquery()
    return select(both).order_by(both.c.seq).limit(n)


# The page's statement by what the till reads: (member_erasure, member_token_key).
_PAGES = {(erasures, token_keys): _build_page_query(skip=tuple(
    entity for entity, read in (("member_erasure", erasures), ("member_token_key", token_keys))
    if not read)) for erasures in (False, True) for token_keys in (False, True)}


def prune_changes(engine: Engine, before_seq: int) -> int:
    """Delete changes with ``seq < before_seq`` and remember the low-water mark.

    Terminals whose cursor is below the mark get ``410 Gone`` and take a snapshot. Returns the
    number of rows deleted. ``before_seq`` is capped at head + 1 (everything so far).
    """
    with write_tx(engine) as conn:
        state = feed_state(conn)
        before_seq = min(before_seq, state.last_seq + 1)
        mark = max(state.low_water, before_seq - 1)
        conn.execute(update(feed_head).where(feed_head.c.id == 1).values(low_water=mark))
        oldest = conn.execute(select(func.min(changes.c.seq))).scalar_one_or_none()
    deleted = 0
    if oldest is None:
        return 0
    for start in range(oldest, mark + 1, PRUNE_BATCH):
        end = min(start + PRUNE_BATCH, mark + 1)
        with write_tx(engine) as conn:
            deleted += conn.execute(delete(changes).where(changes.c.seq >= start,
                                                          changes.c.seq < end)).rowcount or 0
    log.info("feed pruned: %d changes deleted, low-water mark now %d", deleted, mark)
    return deleted


class Tx:
    """A write transaction and the changes it will append to the feed just before it commits.

    Services take a ``Tx``, write their rows through ``tx.conn`` and call :meth:`emit`; the owner
    of the transaction calls :meth:`flush` last (:func:`transaction` does it for you).
    """

    def __init__(self, conn: Connection, now: datetime) -> None:
        self.conn = conn
        self.now = now
        self.pending: list[PendingChange] = []
        self._at_commit: list[Callable[[], object]] = []

    def at_commit(self, send: Callable[[], object]) -> None:
        """Run ``send`` (statements whose results are not read) at the commit, before the
        feed's append: on PostgreSQL in the commit's one round trip (:meth:`commit`)."""
        self._at_commit.append(send)

    def emit(self, change: PendingChange) -> None:
        self.pending.append(change)

    def flush(self) -> int:
        """Append the collected changes (takes the feed lock until commit); returns last seq."""
        last = append_changes(self.conn, self.pending, self.now)
        self.pending = []
        return last

    def commit(self, trans: Transaction, last: Callable[[], object] | None = None) -> None:
        """Append the collected changes and commit ``trans`` (the root transaction of
        ``conn``), after ``last``: statements of the transaction whose results are not read.

        On PostgreSQL ``last``, the append and the COMMIT go to the server in one round trip
        (:func:`sync.central.db.commit_pipelined`): the feed lock, and the row locks taken
        before it, are not held across a trip to this process.
        """

        def send() -> None:
            for early in self._at_commit:
                early()
            self._at_commit = []
            if last is not None:
                last()
            if not self.pending:
                return
            if is_postgres(self.conn):
                with self.conn.connection.dbapi_connection.cursor() as cur:  # type: ignore[union-attr]
                    for sql, params in _pg_appends(self.conn, self.pending, self.now):
                        cur.execute(sql, params)  # the new head is not read: no wait
            else:
                append_changes(self.conn, self.pending, self.now)
            self.pending = []

        commit_pipelined(self.conn, trans, send)


@contextmanager
def transaction(engine: Engine, now: datetime) -> Iterator[Tx]:
    """One write transaction whose emitted changes are appended last, then committed."""
    with writer(engine) as conn, conn.begin() as trans:
        tx = Tx(conn, now)
        yield tx
        tx.commit(trans)
