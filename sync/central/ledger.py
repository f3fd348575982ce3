"""Stock as a ledger: every change of a level is a movement, written in the same transaction.

Invariant: for every (store, product), ``stock_levels.qty`` = the sum of its
``stock_movements.qty_delta``. Levels are only ever changed by adding a delta
(``qty = qty + delta``), so two transactions that move the same item concurrently both count.
Rows are locked in product order, so two sales of the same items cannot deadlock each other.

Every level change of a product in the catalogue is also a ``stock_level`` change in the feed,
scoped to its store. A product the catalogue does not know (sold offline after it was deleted,
say) still gets its movement and level, but no feed record: the terminals' ``stock_levels``
reference their ``products``, so such a record would break their page. Creating the product
later publishes its levels (:func:`publish_levels`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, and_, exists, func, select

from sync.central import shortfalls
from sync.central.db import among, bulk_insert, chunks, is_postgres
from sync.central.feed import PendingChange, Tx
from sync.central.schema import dump_json, entities, stock_levels, stock_movements

CHUNK = 5_000


@dataclass(frozen=True, slots=True)
class LevelChange:
    product_id: int
    delta: int
    qty: int  # the level after the change
    known: bool  # the product is in the catalogue (so the change is in the feed)
    held: int = 0  # the units held on the level (sync/central/held.py)


def level_change(store_id: str, product_id: int, qty: int) -> PendingChange:
    """The feed change of a level: ``data`` is the canonical JSON (schema.dump_json) of
    ``{"product_id", "qty", "store_id"}``, written directly (one per product of every sale)."""
    return PendingChange("stock_level", "upsert", f"{store_id}:{product_id}", store_id,
                         f'{{"product_id":{int(product_id)},"qty":{int(qty)},'
                         f'"store_id":{_json_text(store_id)}}}')


@lru_cache(maxsize=1024)
def _json_text(text: str) -> str:
    return dump_json(text)


def known_products(tx: Tx, product_ids: Iterable[int]) -> set[int]:
    """The ids among ``product_ids`` that are products in the catalogue."""
    found: set[int] = set()
    keys = sorted({str(p) for p in product_ids})
    for part in chunks(keys, CHUNK):
        found.update(int(k) for k in tx.conn.scalars(
            select(entities.c.key).where(entities.c.entity == "product",
                                         among(tx.conn, entities.c.key, part))))
    return found


def move(tx: Tx, store_id: str, deltas: Iterable[tuple[int, int]], *, reason: str,
         event_id: UUID | None = None) -> list[LevelChange]:
    """Add ``(product_id, qty_delta)`` movements (summed per product) and update the levels."""
    return move_many(tx, store_id, [(event_id, tx.now, deltas)], reason=reason)[0]


def move_many(tx: Tx, store_id: str,
              groups: Sequence[tuple[UUID | None, datetime, Iterable[tuple[int, int]]]], *,
              reason: str, known: Collection[int] | None = None) -> list[list[LevelChange]]:
    """:func:`move` for many events at once: ``groups`` are ``(event_id, at, deltas)``, applied
    in order, with the same movements, levels and feed changes as one :func:`move` per group,
    in a handful of statements.

    Each group's deltas are summed per product; its movements are stamped ``at``. The levels
    are updated once per product (``qty = qty + total``, rows locked in product order: two
    batches cannot deadlock each other), then read back: the level before the batch is the level
    after it minus the batch's total (our row locks keep others out until commit), so each
    group's :class:`LevelChange` carries the level right after that group, as if it had been
    applied alone. ``known``: the catalogue's product ids among these, if the caller has them.

    The levels' rows are the ones every concurrent sale waits for, so everything else is done
    before their update (the movements, the catalogue check), and on PostgreSQL they come back
    with it (``RETURNING``) instead of in a second round trip.
    """
    conn = tx.conn
    per_group: list[list[tuple[int, int]]] = []
    totals: dict[int, int] = defaultdict(int)
    last_at: dict[int, datetime] = {}
    movements: list[dict[str, Any]] = []
    for event_id, at, deltas in groups:
        summed: dict[int, int] = defaultdict(int)
        for product_id, delta in deltas:
            summed[product_id] += delta
        todo = sorted((p, d) for p, d in summed.items() if d != 0)
        per_group.append(todo)
        for p, d in todo:
            totals[p] += d
            last_at[p] = at
            movements.append({"store_id": store_id, "product_id": p, "qty_delta": d,
                              "reason": reason, "event_id": event_id, "created_at": at})
    if not movements:
        return [[] for _ in per_group]
    products = sorted(totals)
    bulk_insert(conn, stock_movements, movements)
    known = known_products(tx, products) if known is None else known
    pg = is_postgres(conn)
    written = bulk_insert(conn, stock_levels, [
        {"store_id": store_id, "product_id": p, "qty": totals[p], "updated_at": last_at[p]}
        for p in products], conflict=("store_id", "product_id"),
        update={"qty": "stock_levels.qty + excluded.qty", "updated_at": "excluded.updated_at"},
        returning=("product_id", "qty", "held") if pg else ())
    level: dict[int, int] = {int(p): int(q) for p, q, _ in written}
    held: dict[int, int] = {int(p): int(h) for p, _, h in written}
    for part in chunks(products if not pg else [], CHUNK):  # SQLite: no RETURNING here
        for p, q, h in conn.execute(
                select(stock_levels.c.product_id, stock_levels.c.qty, stock_levels.c.held)
                .where(stock_levels.c.store_id == store_id,
                       among(conn, stock_levels.c.product_id, part))):
            level[int(p)], held[int(p)] = int(q), int(h)
    for p in products:
        level[p] -= totals[p]  # the level before this batch
    out: list[list[LevelChange]] = []
    for todo in per_group:
        changed = []
        for p, d in todo:
            level[p] += d
            changed.append(LevelChange(p, d, level[p], p in known, held[p]))
        _publish(tx, store_id, changed)
        out.append(changed)
    shortfalls.note(conn, store_id, shortfalls.short(
        LevelChange(p, totals[p], level[p], True, held[p]) for p in products), tx.now)
    return out


def set_levels(tx: Tx, store_id: str, targets: Sequence[tuple[int, int]], *,
               reason: str) -> list[LevelChange]:
    """Bring levels to ``(product_id, qty)`` (a count, an import) by moving the difference.

    Existing rows are locked first (PostgreSQL), so a concurrent sale is either counted before
    the difference is taken or added after it; never lost. The caller checks the products.
    """
    conn = tx.conn
    out: list[LevelChange] = []
    wanted = dict(targets)  # a product given twice: the last count wins
    for part in chunks(sorted(wanted), CHUNK):
        q = (select(stock_levels.c.product_id, stock_levels.c.qty)
             .where(stock_levels.c.store_id == store_id,
                    among(conn, stock_levels.c.product_id, part))
             .order_by(stock_levels.c.product_id))
        if is_postgres(conn):
            q = q.with_for_update()
        current = {int(p): int(q_) for p, q_ in conn.execute(q)}
        moves = [(p, wanted[p] - current.get(p, 0)) for p in part
                 if wanted[p] != current.get(p, 0)]
        if not moves:
            continue
        bulk_insert(conn, stock_movements, [
            {"store_id": store_id, "product_id": p, "qty_delta": d, "reason": reason,
             "created_at": tx.now} for p, d in moves])
        bulk_insert(conn, stock_levels, [
            {"store_id": store_id, "product_id": p, "qty": d, "updated_at": tx.now}
            for p, d in moves], conflict=("store_id", "product_id"),
            update={"qty": "stock_levels.qty + excluded.qty", "updated_at": "excluded.updated_at"})
        after = {int(p): (int(q_), int(h)) for p, q_, h in conn.execute(
            select(stock_levels.c.product_id, stock_levels.c.qty, stock_levels.c.held)
            .where(stock_levels.c.store_id == store_id,
                   among(conn, stock_levels.c.product_id, [p for p, _ in moves])))}
        known = known_products(tx, after)
        changed = [LevelChange(p, d, after[p][0], p in known, after[p][1]) for p, d in moves]
        _publish(tx, store_id, changed)
        shortfalls.note(conn, store_id, shortfalls.short(changed), tx.now)
        out.extend(changed)
    return out


def publish_levels(tx: Tx, product_ids: Sequence[int]) -> None:
    """Put every store's level of newly created products into the feed."""
    conn = tx.conn
    for part in chunks(sorted(set(product_ids)), CHUNK):
        for store_id, product_id, qty in conn.execute(
                select(stock_levels.c.store_id, stock_levels.c.product_id, stock_levels.c.qty)
                .where(among(conn, stock_levels.c.product_id, part))):
            tx.emit(level_change(store_id, int(product_id), int(qty)))


def _publish(tx: Tx, store_id: str, changed: list[LevelChange]) -> None:
    for c in changed:
        if c.known:
            tx.emit(level_change(store_id, c.product_id, c.qty))


def ledger_mismatches(conn: Connection, store_id: str | None = None) -> list[tuple[str, int]]:
    """(store, product) pairs whose level is not the sum of their movements: always empty."""
    sums = (select(stock_movements.c.store_id, stock_movements.c.product_id,
                   func.sum(stock_movements.c.qty_delta).label("total"))
            .group_by(stock_movements.c.store_id, stock_movements.c.product_id).subquery())
    joined = sums.outerjoin(stock_levels, and_(stock_levels.c.store_id == sums.c.store_id,
                                               stock_levels.c.product_id == sums.c.product_id))
    q = (select(sums.c.store_id, sums.c.product_id).select_from(joined)
         .where(func.coalesce(stock_levels.c.qty, 0) != sums.c.total))
    orphans = (select(stock_levels.c.store_id, stock_levels.c.product_id)
               .where(stock_levels.c.qty != 0, ~exists().where(
                   stock_movements.c.store_id == stock_levels.c.store_id,
                   stock_movements.c.product_id == stock_levels.c.product_id)))
    if store_id is not None:
        q = q.where(sums.c.store_id == store_id)
        orphans = orphans.where(stock_levels.c.store_id == store_id)
    return [(s, int(p)) for s, p in conn.execute(q.union_all(orphans))]
