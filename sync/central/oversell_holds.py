"""The holds the oversell rule may move (issue 18; the rule: sync/central/oversell.py): a short
store's pick-up orders not yet collected and its held reservations of one product.

A store may have thousands of them, and the rule moves a few: they are read without a lock
(:func:`candidates`, newest first), the newest that cover the shortfall are chosen
(:func:`covering`), and only those are locked and read again (:func:`lock`: orders in key
order, then reservations in id order), so a settlement never holds the rows of promises it
leaves alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, exists, func, or_, select

from sync.central import held, orders
from sync.central.db import is_postgres
from sync.central.ingest_checks import utc
from sync.central.schema import entities, reservation_lines, reservations
from sync.protocol import OrderData

MOVABLE = ("open", "ready")  # the order statuses the rule moves


@dataclass(frozen=True, slots=True)
class Hold:
    """A promise of the short store: a pick-up order or a reservation."""

    kind: str  # order | reservation
    ref: str  # the order_no, the reservation_id
    holder: str  # the order's channel, the reservation's holder
    created_at: datetime
    units: dict[int, int]  # outstanding units per product
    order: OrderData | None = None
    fixed: str | None = None  # why the rule does not move it (partly_collected)
    expired: bool = False  # a reservation past its expiry

    def of(self, product_id: int) -> int:
        return self.units.get(product_id, 0)


def newest_first(holds: Iterable[Hold]) -> list[Hold]:
    """The order the rule takes holds in: reservations past their expiry first (they cost
    nothing: the sweeper ends them), then the newest promise first."""
    return sorted(holds, key=lambda h: (h.expired, h.created_at, h.ref), reverse=True)


def covering(holds: Sequence[Hold], product_id: int, short: int) -> list[Hold]:
    """The first of ``holds`` (newest first) whose units of the product cover ``short``."""
    out = []
    for h in holds:
        if short <= 0:
            break
        out.append(h)
        short -= h.of(product_id)
    return out


def candidates(conn: Connection, store_id: str, product_id: int, now: datetime) -> list[Hold]:
    """The store's holds of the product, newest first, read without a lock."""
    return newest_first([*_orders(conn, store_id, product_id),
                         *_reservations(conn, store_id, product_id, now)])


def lock(conn: Connection, store_id: str, product_id: int, chosen: Sequence[Hold],
         now: datetime) -> list[Hold]:
    """``chosen`` locked until the transaction ends (orders in key order, then reservations
    in id order) and read again: those still holding the product at the store, newest
    first."""
    out = []
    for key in sorted(h.ref for h in chosen if h.kind == "order"):
        h = order_hold(orders.read(conn, key, lock=True), store_id, product_id)
        if h is not None:
            out.append(h)
    kept = {h.ref: h for h in chosen if h.kind == "reservation"}
    if kept:
        r = reservations
        q = (select(r.c.reservation_id).where(
            r.c.reservation_id.in_([UUID(k) for k in sorted(kept)]), r.c.status == "held",
            r.c.store_id == store_id).order_by(r.c.reservation_id))
        if is_postgres(conn):
            q = q.with_for_update()
        out += [kept[str(rid)] for rid in conn.scalars(q)]  # their lines never change
    return newest_first(out)


def order_hold(order: OrderData | None, store_id: str, product_id: int) -> Hold | None:
    """The order as a hold of the product at the store (None if it holds none there)."""
    if order is None:
        return None
    units = {p: u for (s, p), u in held.outstanding(order).items() if s == store_id}
    if units.get(product_id, 0) <= 0:
        return None
    started = order.status not in MOVABLE or any(
        ln.collected or ln.returned for ln in order.lines)
    return Hold("order", order.order_no, order.channel, utc(order.created_at), units, order,
                fixed="partly_collected" if started else None)


def _orders(conn: Connection, store_id: str, product_id: int) -> list[Hold]:
    e = entities
    # A narrowing on the stored canonical JSON (sorted keys, no spaces); each row is checked.
    has_product = or_(e.c.data.contains(f'"product_id":{product_id},', autoescape=True),
                      e.c.data.contains(f'"product_id":{product_id}}}', autoescape=True))
    holding = or_(*(e.c.data.contains(f'"status":"{s}"', autoescape=True)
                    for s in held.HOLDING))
    rows = conn.scalars(select(e.c.data).where(e.c.entity == "order", e.c.scope == store_id,
                                               has_product, holding))
    found = (order_hold(OrderData.model_validate_json(raw), store_id, product_id)
             for raw in rows)
    return [h for h in found if h is not None]


def _reservations(conn: Connection, store_id: str, product_id: int,
                  now: datetime) -> list[Hold]:
    r, rl = reservations, reservation_lines
    rows = conn.execute(
        select(r.c.reservation_id, r.c.holder, r.c.created_at, r.c.expires_at)
        .where(r.c.store_id == store_id, r.c.status == "held", exists().where(
            rl.c.reservation_id == r.c.reservation_id, rl.c.product_id == product_id))).all()
    if not rows:
        return []
    units: dict[Any, dict[int, int]] = {row.reservation_id: {} for row in rows}
    for rid, p, n in conn.execute(
            select(rl.c.reservation_id, rl.c.product_id, func.sum(rl.c.qty))
            .where(rl.c.reservation_id.in_(list(units)))
            .group_by(rl.c.reservation_id, rl.c.product_id)):
        units[rid][int(p)] = int(n)
    return [Hold("reservation", str(row.reservation_id), row.holder, row.created_at,
                 units[row.reservation_id], expired=row.expires_at <= now) for row in rows]
