"""Held stock (issue 18): the units a store has promised and not handed over yet.

``stock_levels.held`` per (store, product) = the units of its orders not yet handed over
(pick-ups, and deliveries placed at a till that the store ships: collected = handed to the
courier), with status ``open``, ``ready`` or ``partly_collected``: ``qty - collected`` per
line, never below zero, + the units of its reservations still ``held``
(sync/central/reservations.py).

It is kept by deltas, in the transaction of every write that changes it: an order's write
(sync/central/orders.py ``_write``: new, changed, cancelled, moved to another store, collected
at a till) adds the difference between the new and the old order's outstanding units; a
reservation adds its lines when it holds and takes them away when it ends. Rows are changed in
(store, product) order, as the ledger does (sync/central/ledger.py), so two writers never
deadlock on them. A level the store has no row for gets one with ``qty`` 0 (no movement, no
feed record: ``held`` is not in the feed, the tills keep their own levels).

:func:`recount` computes it again from the orders and reservations (for tests and checks).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import Connection, bindparam, func, select, update

from sync.central.db import bulk_insert
from sync.central.schema import (
    entities,
    reservation_lines,
    reservations,
    stock_levels,
)
from sync.protocol import OrderData

HOLDING = ("open", "ready", "partly_collected")  # the order statuses that hold stock

Key = tuple[str, int]  # (store_id, product_id)


def outstanding(order: OrderData | None) -> dict[Key, int]:
    """The units ``order`` holds, per (store, product): none unless it is an order a store
    hands over (a pick-up, or a delivery placed at a till and shipped from ``store_id``) with
    a holding status. A web delivery has no store and holds nothing."""
    out: dict[Key, int] = defaultdict(int)
    if order is None or not order.store_id or order.status not in HOLDING:
        return out
    for ln in order.lines:
        left = ln.qty - ln.collected
        if left > 0:
            out[(order.store_id, ln.product_id)] += left
    return out


def order_changed(conn: Connection, old: OrderData | None, new: OrderData,
                  now: datetime) -> None:
    """Move ``held`` by what ``new`` holds beyond (or short of) what ``old`` held."""
    before, after = outstanding(old), outstanding(new)
    add(conn, {k: after.get(k, 0) - before.get(k, 0) for k in set(before) | set(after)}, now)


_ADD = (update(stock_levels)
        .where(stock_levels.c.store_id == bindparam("s"),
               stock_levels.c.product_id == bindparam("p"))
        .values(held=stock_levels.c.held + bindparam("d")))  # built once: compiled once


def add(conn: Connection, deltas: Mapping[Key, int], now: datetime) -> None:
    """``held += delta`` per (store, product), in key order; a missing level is created with
    ``qty`` 0."""
    todo = sorted((k, d) for k, d in deltas.items() if d != 0)
    if not todo:
        return
    missing = []
    for (store_id, product_id), delta in todo:
        if conn.execute(_ADD, {"s": store_id, "p": product_id, "d": delta}).rowcount == 0:
            missing.append({"store_id": store_id, "product_id": product_id, "qty": 0,
                            "held": delta, "updated_at": now})
    if missing:  # a concurrent insert of the same level: add to it
        bulk_insert(conn, stock_levels, missing, conflict=("store_id", "product_id"),
                    update={"held": "stock_levels.held + excluded.held"})


def give_back(conn: Connection, units: Mapping[Key, int]) -> None:
    """``held -= units`` per (store, product), in key order, for a hold that ends (a
    reservation's): its levels exist, since the hold added to them, and levels are never
    deleted. One ``executemany``: on PostgreSQL one round trip, the updates run in order."""
    todo = sorted((k, n) for k, n in units.items() if n != 0)
    if todo:
        conn.execute(_ADD, [{"s": s, "p": p, "d": -n} for (s, p), n in todo])


def recount(conn: Connection) -> dict[Key, int]:
    """``held`` as the orders and held reservations say it should be (non-zero entries)."""
    total: dict[Key, int] = defaultdict(int)
    for (raw,) in conn.execute(select(entities.c.data).where(entities.c.entity == "order")):
        for k, n in outstanding(OrderData.model_validate(json.loads(raw))).items():
            total[k] += n
    r, rl = reservations, reservation_lines
    for store_id, product_id, qty in conn.execute(
            select(r.c.store_id, rl.c.product_id, func.sum(rl.c.qty))
            .join(rl, rl.c.reservation_id == r.c.reservation_id)
            .where(r.c.status == "held").group_by(r.c.store_id, rl.c.product_id)):
        total[(store_id, int(product_id))] += int(qty)
    return {k: v for k, v in total.items() if v}


def stored(conn: Connection) -> dict[Key, int]:
    """``held`` as the levels have it (non-zero entries)."""
    return {(s, int(p)): int(h) for s, p, h in conn.execute(
        select(stock_levels.c.store_id, stock_levels.c.product_id, stock_levels.c.held)
        .where(stock_levels.c.held != 0))}

