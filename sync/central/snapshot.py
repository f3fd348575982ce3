"""``GET /v1/snapshot``: a store's full current state as gzip-compressed NDJSON, streamed.

Line 1 is ``{"seq": S, "records": N}`` (:class:`sync.protocol.SnapshotHeader`); then N lines
``{"entity", "key", "data"}`` (:class:`sync.protocol.SnapshotRecord`) in dependency order:
store settings, tax rates, products, prices, members, staff, stock levels, web orders. The
members are the store's only (sync/central/members.py: signed up, bought or looked up there).

Web orders: the store's pick-up orders still to be handed over (``open``, ``ready``,
``partly_collected``) whatever their age, and the finished ones (``collected``, ``cancelled``)
changed in the last :data:`FINISHED_ORDER_DAYS` days: a customer may still bring those back, and
a till that handed one over offline still finds it. Older finished orders are left out (a till
fetches one online if it must). The change feed has every order change of the store; this bound
is only what a snapshot re-sends.

Members erased (entity ``member_erasure``, sync/central/erasure.py) since the time the till
names with ``?erasures_since=`` (the central's time of the last page it read), less
:data:`ERASURE_MARGIN`, come last: a till that missed them in the feed (it takes a snapshot
after ``410 Gone``) still forgets those members and clears their names from its past sales.
Without the parameter (a till older than erasures, or one with no past) none are sent.

The central's public keys for member QR tokens (``member_token_key``) are sent only to a till
that asks with ``?token_keys=true``: an older one would refuse a snapshot with an entity it
does not know.

Asked for with ``?trailer=sha256``, the body ends with a trailer line ``{"records": N,
"sha256"}`` (sync/protocol/snapshot_format.py): the till stages the snapshot and writes none of
it unless the count and the digest (SHA-256 over every line before the trailer) hold. Without the
parameter (a till older than the trailer) the body is as before.

Everything is read in ONE database snapshot (:func:`sync.central.db.reader`), so the records
are exactly the state after change S: a terminal applies them, sets its cursor to S and follows
the feed from there. Rows are fetched in batches (a server-side cursor on PostgreSQL) and each
record's stored JSON text is written as it is, so memory stays flat for a million products and
the cost is the compression.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, String, cast, exists, func, not_, or_, select

from sync.central.db import reader
from sync.central.entities import SNAPSHOT_ENTITIES
from sync.central.feed import feed_state
from sync.central.members import count_store_members, store_members_query
from sync.central.schema import GLOBAL, entities, member_erasures, stock_levels
from sync.protocol import EARLIEST, MemberErasureData, entity_key
from sync.protocol.snapshot_format import SnapshotTrailer

FETCH = 2_000
FLUSH_BYTES = 256 * 1024
COMPRESS_BYTES = 64 * 1024
MEDIA_TYPE = "application/x-ndjson"
FINISHED_ORDER_DAYS = 30  # finished web orders a snapshot still sends (see the docstring)
FINISHED_ORDER_STATUSES = ("collected", "cancelled", "delivered")
# Erasures a snapshot sends from before the till's last page: an erasure's transaction takes its
# time when it starts and may commit after a page read meanwhile (and clocks drift).
ERASURE_MARGIN = timedelta(days=1)


def snapshot_lines(engine: Engine, store_id: str, now: datetime,
                   erasures_since: datetime | None = None,
                   token_keys: bool = False, store_orders: bool = False) -> Iterator[bytes]:
    """The snapshot's NDJSON lines (uncompressed), header first. ``now``: the central's time,
    which bounds the finished web orders sent; ``erasures_since``, ``token_keys``: see the
    module docstring; ``store_orders``: the till reads orders placed at a till as they are
    (without it, as web orders: sync/central/aisle.py ``for_older_tills``)."""
    from sync.central.aisle import older_text
    sent = [e for e in SNAPSHOT_ENTITIES if token_keys or e != "member_token_key"]
    with reader(engine) as conn:
        seq = feed_state(conn).last_seq
        scoped = entities.c.scope.in_((GLOBAL, store_id))
        others = [e for e in sent if e != "member"]  # members: the store's
        n_entities = (conn.scalar(select(func.count()).select_from(entities).where(
            scoped, entities.c.entity.in_(others))) or 0) + count_store_members(conn, store_id)
        levels = _levels_query(store_id)
        n_levels = conn.scalar(select(func.count()).select_from(levels.subquery()))
        kept_orders = _orders_where(store_id, now)
        n_orders = conn.scalar(select(func.count()).select_from(entities).where(*kept_orders))
        erased = _erasures_query(erasures_since)
        n_erased = 0 if erased is None else conn.scalar(
            select(func.count()).select_from(erased.subquery()))
        header = {"seq": seq, "records": (n_entities or 0) + (n_levels or 0) + (n_orders or 0)
                  + (n_erased or 0)}
        yield json.dumps(header, separators=(",", ":")).encode() + b"\n"
        for entity in sent:
            head = '{"entity":"' + entity + '","key":'
            query = (store_members_query(store_id) if entity == "member" else
                     select(entities.c.key, entities.c.data)
                     .where(entities.c.entity == entity, scoped))
            rows = conn.execute(query.execution_options(yield_per=FETCH))
            for key, data in rows:
                yield f'{head}{_json_str(key)},"data":{data}}}\n'.encode()
        # The lines json.dumps(record, ensure_ascii=False, separators=(",", ":")) would give
        # for {"entity", "key", "data": {"product_id", "store_id", "qty"}}, written directly.
        store_json = json.dumps(store_id, ensure_ascii=False)
        for product_id, qty in conn.execute(levels.execution_options(yield_per=FETCH)):
            data = {"product_id": product_id, "store_id": store_id, "qty": qty}
            key = _json_str(entity_key("stock_level", data), ascii=False)
            yield (f'{{"entity":"stock_level","key":{key},"data":{{"product_id":'
                   f'{int(product_id)},"store_id":{store_json},"qty":{int(qty)}}}}}\n').encode()
        rows = conn.execute(select(entities.c.key, entities.c.data).where(*kept_orders)
                            .order_by(entities.c.key).execution_options(yield_per=FETCH))
        for key, data in rows:
            data = data if store_orders else older_text(data)
            yield f'{{"entity":"order","key":{_json_str(key)},"data":{data}}}\n'.encode()
        if erased is not None:
            for member_no, member_id, at in conn.execute(
                    erased.execution_options(yield_per=FETCH)):
                data = MemberErasureData(id=member_id, member_no=member_no, erased_at=at)
                yield (json.dumps({"entity": "member_erasure", "key": member_no,
                                   "data": data.model_dump(mode="json")}, ensure_ascii=False,
                                  separators=(",", ":")) + "\n").encode()


def _erasures_query(since: datetime | None) -> Any:
    """The erasures a snapshot sends (None: none asked for)."""
    if since is None:
        return None
    since = since if since.tzinfo is not None else since.replace(tzinfo=UTC)
    since = max(since, EARLIEST + ERASURE_MARGIN)
    return (select(member_erasures.c.member_no, member_erasures.c.member_id,
                   member_erasures.c.erased_at)
            .where(member_erasures.c.erased_at >= since - ERASURE_MARGIN)
            .order_by(member_erasures.c.erased_at, member_erasures.c.member_no))


def _json_str(text: str, *, ascii: bool = True) -> str:
    """``json.dumps(text, ensure_ascii=ascii)``, without the call for a text that needs no
    escape (the usual key: digits, a store id)."""
    if ((text.isascii() or not ascii) and text.isprintable() and '"' not in text
            and "\\" not in text):
        return f'"{text}"'
    return json.dumps(text, ensure_ascii=ascii)


def _orders_where(store_id: str, now: datetime) -> tuple[Any, ...]:
    """The conditions on ``entities`` of the web orders a snapshot sends (module docstring).

    The status is read from the stored canonical JSON (``"status":"cancelled"`` cannot occur
    inside a string value there: its quotes would be escaped).
    """
    finished = or_(*(entities.c.data.contains(f'"status":"{status}"', autoescape=True)
                     for status in FINISHED_ORDER_STATUSES))
    recent = entities.c.updated_at >= now - timedelta(days=FINISHED_ORDER_DAYS)
    return (entities.c.entity == "order", entities.c.scope == store_id,
            or_(not_(finished), recent))


def _levels_query(store_id: str) -> Any:
    """The store's levels of products in the catalogue (the terminals' FK needs the product)."""
    known = exists().where(entities.c.entity == "product",
                           entities.c.key == cast(stock_levels.c.product_id, String))
    return (select(stock_levels.c.product_id, stock_levels.c.qty)
            .where(stock_levels.c.store_id == store_id, known))


def gzip_stream(lines: Iterator[bytes], level: int = 6, *,
                trailer: bool = False) -> Iterator[bytes]:
    """Compress ``lines`` into one gzip member, yielding pieces of about FLUSH_BYTES.

    ``trailer``: the lines are the header and the records; a last line is added with the
    number of records and the SHA-256 of every line before it (sync/protocol/snapshot_format.py)."""
    comp = zlib.compressobj(level, zlib.DEFLATED, 31)  # wbits 31: gzip header and trailer
    digest = hashlib.sha256()
    count = 0
    out: list[bytes] = []
    size = 0
    batch: list[bytes] = []  # lines are compressed some 64 KB at a time, not one by one
    raw = 0
    try:
        for line in lines:
            batch.append(line)
            raw += len(line)
            if raw < COMPRESS_BYTES:
                continue
            data = b"".join(batch)
            count += len(batch)
            digest.update(data)
            piece = comp.compress(data)
            batch, raw = [], 0
            if piece:
                out.append(piece)
                size += len(piece)
                if size >= FLUSH_BYTES:
                    yield b"".join(out)
                    out, size = [], 0
        data = b"".join(batch)
        count += len(batch)
        digest.update(data)
        if trailer:
            end = SnapshotTrailer(records=max(count - 1, 0), sha256=digest.hexdigest())
            data += end.model_dump_json().encode() + b"\n"
        out.append(comp.compress(data))
        out.append(comp.flush())
        yield b"".join(out)
    finally:
        close = getattr(lines, "close", None)
        if close is not None:
            close()  # a client that went away: release the database snapshot now


def snapshot_gzip(engine: Engine, store_id: str, now: datetime, *,
                  trailer: bool = False,
                  erasures_since: datetime | None = None,
                  token_keys: bool = False, store_orders: bool = False) -> Iterator[bytes]:
    """The compressed stream (``trailer``, ``erasures_since``, ``token_keys``,
    ``store_orders``: see :func:`snapshot_lines`). The snapshot is opened and its header read
    before this returns, so a database failure is an error response, not a cut-off stream."""
    lines = snapshot_lines(engine, store_id, now, erasures_since, token_keys, store_orders)
    header = next(lines)
    return gzip_stream(_prepend(header, lines), trailer=trailer)


def _prepend(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest
