"""Reservations (issue 18): a hold of quantities at one store while a customer pays.

- **Hold** (:func:`create`): all lines or none, in one transaction. Each product's units are
  held by one conditional update, in product order (two holds never deadlock)::

      UPDATE stock_levels SET held = held + :q
       WHERE store_id = :s AND product_id = :p AND qty - held - :safety >= :q

  A product whose update changes no row is short: the transaction rolls back, nothing is held
  (``409 stock_short`` with the short lines). Never a read, then a write: two checkouts racing
  for the last units cannot both have them, on SQLite or PostgreSQL.
- **Idempotent** on the holder's ``request_id``: the same request again answers the same
  reservation (``200``); the same ``request_id`` with another store or other lines is
  ``409 request_id_reused``. A repeat racing its first attempt breaks the unique
  (holder, request_id) key and runs again (api.OnceRoute), finding the first.
- **End**: ``confirmed`` into an order (:func:`confirm`: the order is written through
  sync/central/orders.py, whose write holds its units, and the reservation's hold goes, in one
  transaction: no moment when the units are free), ``released`` by its holder, or ``expired``
  by the sweeper (:func:`sweep`). Each is a conditional update from ``held``, so exactly one of
  a confirm and an expiry racing each other wins.

Only the holder (or the admin) sees or ends a reservation: to anyone else it is unknown.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Engine, bindparam, func, select, update

from sync.central import feed, held, orders
from sync.central.availability import Product, line_ids, resolve
from sync.central.db import is_postgres
from sync.central.errors import CentralError, Conflict, InvalidRequest, NotFound
from sync.central.feed import Tx
from sync.central.pickup_codes import CodeHashes
from sync.central.safety import safety_for
from sync.central.schema import reservation_lines, reservations, stock_levels, stores
from sync.protocol.stock import (
    Reservation,
    ReservationLine,
    ReservationRequest,
    ShortLine,
    StockLineIn,
    StockShortBody,
)

SWEEP_BATCH = 200  # reservations expired per transaction
ADMIN = "admin"  # the admin token's holder name (channel_auth.Caller.name)


class StockShort(CentralError):
    """``409 stock_short``: the store cannot cover these lines; nothing was held."""

    status = 409
    code = "stock_short"

    def __init__(self, detail: str, lines: list[ShortLine]) -> None:
        super().__init__(detail)
        self.lines = lines

    def body(self) -> dict[str, Any]:
        """The ErrorBody (``error``, ``detail``) and :class:`StockShortBody`'s fields."""
        return {**StockShortBody(message=self.detail, lines=self.lines).model_dump(mode="json"),
                "detail": self.detail}


def create(engine: Engine, holder: str, req: ReservationRequest,
           now: datetime) -> tuple[Reservation, bool]:
    """Hold ``req``'s lines for ``holder``: the reservation and whether it is new."""
    ids = line_ids(req.lines)
    with feed.transaction(engine, now) as tx:
        conn = tx.conn
        products = resolve(conn, req.lines)
        asked = sorted(zip(ids, (p.product_id for p in products),
                           (ln.qty for ln in req.lines), strict=True))
        found = conn.scalar(select(reservations.c.reservation_id).where(
            reservations.c.holder == holder, reservations.c.request_id == req.request_id))
        if found is not None:
            known = _read(conn, found)
            if known.store_id != req.store_id or sorted(
                    (ln.line_id, ln.product_id, ln.qty) for ln in known.lines) != asked:
                raise Conflict(f"request_id {req.request_id} was used for another "
                               "reservation (another store or other lines); a new hold "
                               "needs a new request_id.", code="request_id_reused")
            return known, False
        if conn.scalar(select(stores.c.store_id).where(stores.c.store_id == req.store_id)) \
                is None:
            raise NotFound(f"No store {req.store_id!r}.", code="store_unknown")
        rid = uuid.uuid4()
        conn.execute(reservations.insert().values(
            reservation_id=rid, holder=holder, request_id=req.request_id,
            store_id=req.store_id, status="held", order_no=req.order_no, created_at=now,
            expires_at=now + timedelta(seconds=req.hold_seconds)))
        _hold(conn, req.store_id, products, req.lines, ids)
        conn.execute(reservation_lines.insert(), [
            {"reservation_id": rid, "line_id": i, "product_id": p.product_id, "sku": p.sku,
             "qty": ln.qty} for i, p, ln in zip(ids, products, req.lines, strict=True)])
        return _read(conn, rid), True


def _hold(conn: Connection, store_id: str, products: Sequence[Product],
          lines: Sequence[StockLineIn], ids: Sequence[int]) -> None:
    """The conditional update per product, in product order; raises :class:`StockShort`
    (the caller's transaction rolls back) when any product is short."""
    wanted: dict[int, int] = defaultdict(int)
    for p, ln in zip(products, lines, strict=True):
        wanted[p.product_id] += ln.qty
    safety = safety_for(conn, [store_id], {p.product_id: p.category for p in products})
    s = stock_levels
    stmt = (update(s).where(s.c.store_id == store_id, s.c.product_id == bindparam("p"),
                            s.c.qty - s.c.held - bindparam("safety") >= bindparam("q"))
            .values(held=s.c.held + bindparam("q")))
    short = [p for p, q in sorted(wanted.items()) if conn.execute(stmt, {
        "p": p, "q": q, "safety": safety.get((store_id, p), 0)}).rowcount != 1]
    if not short:
        return
    free = {int(p): max(0, int(qty) - int(h) - safety.get((store_id, int(p)), 0))
            for p, qty, h in conn.execute(select(s.c.product_id, s.c.qty, s.c.held).where(
                s.c.store_id == store_id, s.c.product_id.in_(short)))}
    out = [ShortLine(line_id=i, product_id=p.product_id, sku=p.sku, wanted=ln.qty,
                     available=free.get(p.product_id, 0))
           for i, p, ln in zip(ids, products, lines, strict=True) if p.product_id in short]
    raise StockShort(f"Store {store_id} cannot hold {len(out)} line(s) of this reservation "
                     f"({', '.join(ln.sku for ln in out[:5])}); nothing was held.", out)


def get(engine: Engine, holder: str, reservation_id: UUID) -> Reservation:
    with engine.connect() as conn:
        return _own(conn, holder, reservation_id)


def release(engine: Engine, holder: str, reservation_id: UUID, now: datetime) -> Reservation:
    """End the hold now (``released``); a reservation already released or expired answers as
    it is; a confirmed one is ``409 reservation_confirmed``."""
    with feed.transaction(engine, now) as tx:
        r = _own(tx.conn, holder, reservation_id, lock=True)
        if _end(tx.conn, r, "released", now):
            return _read(tx.conn, reservation_id)
        if r.status == "confirmed":
            raise Conflict(f"Reservation {reservation_id} was confirmed into order "
                           f"{r.order_no}: cancel the order instead.",
                           code="reservation_confirmed")
        return r


def confirm(engine: Engine, holder: str, reservation_id: UUID, order: orders.OrderIn,
            now: datetime) -> Reservation:
    """The reservation becomes ``order`` (a pick-up at its store, its lines within the
    reservation's), in one transaction: the order is written (and holds its units) and the
    reservation's hold goes. The same confirm again answers the confirmed reservation."""
    codes = CodeHashes().prepare(engine, [order.model_dump(mode="json")])  # before the lock
    with feed.transaction(engine, now) as tx:
        r = _own(tx.conn, holder, reservation_id, lock=True)
        if r.status == "confirmed" and r.order_no == order.order_no:
            return r
        _check_order(tx.conn, r, order, now)
        if not _end(tx.conn, r, "confirmed", now, order_no=order.order_no):
            _refuse_ended(_read(tx.conn, reservation_id), now)
        _write_order(tx, order, codes)
        # channels.own_order(tx, caller, order.order_no): the ownership of the order by its
        # channel is recorded here, in this transaction, once channels exist (issue 18).
        return _read(tx.conn, reservation_id)


def _check_order(conn: Connection, r: Reservation, order: orders.OrderIn,
                 now: datetime) -> None:
    """The order is a pick-up at the reservation's store, within what it holds."""
    if r.status != "held" or r.expires_at <= now:
        return  # _end refuses it
    if order.fulfilment != "pickup" or order.store_id != r.store_id:
        raise InvalidRequest(f"The order must be a pick-up at store {r.store_id}, where the "
                             "reservation holds its stock.", code="order_not_reserved")
    products = resolve(conn, [StockLineIn(sku=ln.sku, qty=ln.qty) for ln in order.lines])
    ordered: dict[int, int] = defaultdict(int)
    for p, ln in zip(products, order.lines, strict=True):
        ordered[p.product_id] += ln.qty
    reserved: dict[int, int] = defaultdict(int)
    for rl in r.lines:
        reserved[rl.product_id] += rl.qty
    beyond = [p.sku for p in products if ordered[p.product_id] > reserved[p.product_id]]
    if beyond:
        raise InvalidRequest(f"The order has more than the reservation holds of "
                             f"{', '.join(sorted(set(beyond)))}.", code="order_not_reserved")


def _write_order(tx: Tx, order: orders.OrderIn, codes: CodeHashes) -> None:
    report = orders.upsert_orders(tx, [(1, order.model_dump(mode="json"))], codes=codes)
    if report.rejected:
        raise InvalidRequest(f"The order was refused: {report.rejected[0].text()}",
                             code="order_refused")


def _refuse_ended(r: Reservation, now: datetime) -> None:
    if r.status == "released":
        raise Conflict(f"Reservation {r.reservation_id} was released.",
                       code="reservation_released")
    if r.status == "confirmed":
        raise Conflict(f"Reservation {r.reservation_id} was confirmed into order "
                       f"{r.order_no}.", code="reservation_confirmed")
    raise Conflict(f"Reservation {r.reservation_id} expired at {r.expires_at:%H:%M:%S} UTC: "
                   "reserve again.", code="reservation_expired")


def _end(conn: Connection, r: Reservation, status: str, now: datetime, *,
         order_no: str | None = None) -> bool:
    """``held`` -> ``status`` if it is still held (and, to confirm, not past its expiry),
    giving its units back; False when it was not."""
    q = update(reservations).where(reservations.c.reservation_id == r.reservation_id,
                                   reservations.c.status == "held")
    if status == "confirmed":
        q = q.where(reservations.c.expires_at > now)
    values: dict[str, Any] = {"status": status, "ended_at": now}
    if order_no is not None:
        values["order_no"] = order_no
    if conn.execute(q.values(**values)).rowcount != 1:
        return False
    held.add(conn, _units(r.store_id, [(ln.product_id, ln.qty) for ln in r.lines], -1), now)
    return True


def _units(store_id: str, lines: Sequence[tuple[int, int]],
           sign: int) -> Mapping[tuple[str, int], int]:
    out: dict[tuple[str, int], int] = defaultdict(int)
    for product_id, qty in lines:
        out[(store_id, product_id)] += sign * qty
    return out


def sweep(engine: Engine, now: datetime, batch: int = SWEEP_BATCH) -> int:
    """Expire the held reservations past ``expires_at`` and give their units back, ``batch``
    per transaction; returns how many. Each is a conditional update from ``held`` (on
    PostgreSQL skipping rows another transaction holds: a confirm in progress), so a
    reservation is expired once, or confirmed, never both."""
    r = reservations
    with engine.connect() as conn:  # a read first: no write lock taken while nothing is due
        if conn.scalar(select(r.c.reservation_id).where(
                r.c.status == "held", r.c.expires_at <= now).limit(1)) is None:
            return 0
    total = 0
    while True:
        with feed.transaction(engine, now) as tx:
            done = _sweep_batch(tx.conn, now, batch)
        total += done
        if done < batch:
            return total


def _sweep_batch(conn: Connection, now: datetime, batch: int) -> int:
    r = reservations
    due = (select(r.c.reservation_id).where(r.c.status == "held", r.c.expires_at <= now)
           .order_by(r.c.expires_at).limit(batch))
    if is_postgres(conn):
        due = due.with_for_update(skip_locked=True)
    ended = conn.execute(update(r).where(r.c.reservation_id.in_(due.scalar_subquery()),
                                         r.c.status == "held")
                         .values(status="expired", ended_at=now)
                         .returning(r.c.reservation_id, r.c.store_id)).all()
    if not ended:
        return 0
    stores_of = {rid: store for rid, store in ended}
    units: dict[tuple[str, int], int] = defaultdict(int)
    rl = reservation_lines
    for rid, product_id, qty in conn.execute(
            select(rl.c.reservation_id, rl.c.product_id, func.sum(rl.c.qty))
            .where(rl.c.reservation_id.in_(list(stores_of)))
            .group_by(rl.c.reservation_id, rl.c.product_id)):
        units[(stores_of[rid], int(product_id))] -= int(qty)
    held.add(conn, units, now)
    return len(ended)


def _own(conn: Connection, holder: str, reservation_id: UUID, *,
         lock: bool = False) -> Reservation:
    """The reservation, if ``holder`` holds it (or is the admin): else ``404``; with
    ``lock``, its row locked until the transaction ends (PostgreSQL)."""
    q = select(reservations.c.holder).where(reservations.c.reservation_id == reservation_id)
    if lock and is_postgres(conn):
        q = q.with_for_update()
    who = conn.scalar(q)
    if who is None or (holder != ADMIN and who != holder):
        raise NotFound(f"No reservation {reservation_id} of yours.",
                       code="reservation_unknown")
    return _read(conn, reservation_id)


def _read(conn: Connection, reservation_id: UUID) -> Reservation:
    r, rl = reservations, reservation_lines
    row = conn.execute(select(r).where(r.c.reservation_id == reservation_id)).one()
    lines = [ReservationLine(line_id=int(i), product_id=int(p), sku=sku, qty=int(q))
             for i, p, sku, q in conn.execute(
                 select(rl.c.line_id, rl.c.product_id, rl.c.sku, rl.c.qty)
                 .where(rl.c.reservation_id == reservation_id).order_by(rl.c.line_id))]
    return Reservation(reservation_id=row.reservation_id, request_id=row.request_id,
                       holder=row.holder, store_id=row.store_id, status=row.status,
                       lines=lines, created_at=row.created_at, expires_at=row.expires_at,
                       order_no=row.order_no)
