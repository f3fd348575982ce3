"""Reservations (issue 18): a hold of quantities at one store while a customer pays.

- **Hold** (:func:`create`): all lines or none, in one transaction. The store's levels of the
  products are locked first, in product order (two holds never deadlock), by one
  ``SELECT ... ORDER BY product_id FOR UPDATE`` (SQLite: the write lock, ``BEGIN
  IMMEDIATE``); a product whose locked level cannot cover its units is short: the transaction
  rolls back, nothing is held (``409 stock_short`` with the short lines). Otherwise each
  product's units are held by one conditional update, sent together (one round trip)::

      UPDATE stock_levels SET held = held + :q
       WHERE store_id = :s AND product_id = :p AND qty - held - :safety >= :q

  and every one must change its row. Two checkouts racing for the last units cannot both have
  them, on SQLite or PostgreSQL: the second reads the level after the first commits.
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
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Engine, Row, bindparam, func, select, update

from sync.central import channels, feed, held, orders
from sync.central.availability import Product, line_ids, resolve
from sync.central.channel_auth import Caller
from sync.central.db import is_postgres, serialize
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


# The statements of a hold and a release, built once (SQLAlchemy compiles each once).
_FIND = select(  # the request id's reservation and the store, in one round trip
    select(reservations.c.reservation_id).where(
        reservations.c.holder == bindparam("holder"),
        reservations.c.request_id == bindparam("request_id")).scalar_subquery(),
    select(stores.c.store_id).where(stores.c.store_id == bindparam("store_id"))
    .scalar_subquery())
_LOCK = (select(stock_levels.c.product_id, stock_levels.c.qty, stock_levels.c.held)
         .where(stock_levels.c.store_id == bindparam("s"),
                stock_levels.c.product_id.in_(bindparam("ps", expanding=True)))
         .order_by(stock_levels.c.product_id)
         .with_for_update())  # PostgreSQL locks in product order; SQLite: BEGIN IMMEDIATE
_HOLD = (update(stock_levels)
         .where(stock_levels.c.store_id == bindparam("s"),
                stock_levels.c.product_id == bindparam("p"),
                stock_levels.c.qty - stock_levels.c.held - bindparam("safety")
                >= bindparam("q"))
         .values(held=stock_levels.c.held + bindparam("q")))
_RESERVATION_COLUMNS = {"reservation_id", "holder", "request_id", "store_id", "status",
                        "order_no", "created_at", "expires_at"}
_INSERT = reservations.insert()
_INSERT_LINES = reservation_lines.insert()
_BY_ID = select(reservations).where(reservations.c.reservation_id == bindparam("id"))
_BY_ID_LOCKED = _BY_ID.with_for_update()
_LINES = (select(reservation_lines.c.line_id, reservation_lines.c.product_id,
                 reservation_lines.c.sku, reservation_lines.c.qty)
          .where(reservation_lines.c.reservation_id == bindparam("id"))
          .order_by(reservation_lines.c.line_id))
_RELEASE = (update(reservations)
            .where(reservations.c.reservation_id == bindparam("id"),
                   reservations.c.status == "held")
            .values(status="released", ended_at=bindparam("now"))
            .returning(*reservations.c))
_RELEASE_OWN = _RELEASE.where(reservations.c.holder == bindparam("who"))


def create(engine: Engine, holder: str, req: ReservationRequest,
           now: datetime) -> tuple[Reservation, bool]:
    """Hold ``req``'s lines for ``holder``: the reservation and whether it is new."""
    ids = line_ids(req.lines)
    with feed.transaction(engine, now) as tx:
        conn = tx.conn
        products = resolve(conn, req.lines)
        asked = sorted(zip(ids, (p.product_id for p in products),
                           (ln.qty for ln in req.lines), strict=True))
        found, store = conn.execute(_FIND, {"holder": holder, "request_id": req.request_id,
                                            "store_id": req.store_id}).one()
        if found is not None:
            known = _read(conn, found)
            if known.store_id != req.store_id or sorted(
                    (ln.line_id, ln.product_id, ln.qty) for ln in known.lines) != asked:
                raise Conflict(f"request_id {req.request_id} was used for another "
                               "reservation (another store or other lines); a new hold "
                               "needs a new request_id.", code="request_id_reused")
            return known, False
        if store is None:
            raise NotFound(f"No store {req.store_id!r}.", code="store_unknown")
        made = Reservation(
            reservation_id=uuid.uuid4(), request_id=req.request_id, holder=holder,
            store_id=req.store_id, status="held", created_at=now.astimezone(UTC),
            expires_at=(now + timedelta(seconds=req.hold_seconds)).astimezone(UTC),
            order_no=req.order_no,
            lines=sorted((ReservationLine(line_id=i, product_id=p.product_id, sku=p.sku,
                                          qty=ln.qty)
                          for i, p, ln in zip(ids, products, req.lines, strict=True)),
                         key=lambda ln: ln.line_id))
        _hold(conn, req.store_id, products, req.lines, ids)
        row = made.model_dump(include=_RESERVATION_COLUMNS)
        lines = [{"reservation_id": made.reservation_id, **ln.model_dump()}
                 for ln in made.lines]
        # Written with the commit, in its round trip (feed.Tx.at_commit): a request id used
        # at once by a concurrent attempt breaks the unique key there, and runs again.
        tx.at_commit(lambda: (conn.execute(_INSERT, row), conn.execute(_INSERT_LINES, lines)))
        return made, True  # as written: no read back


def _hold(conn: Connection, store_id: str, products: Sequence[Product],
          lines: Sequence[StockLineIn], ids: Sequence[int]) -> None:
    """Hold the lines' units at ``store_id``, or raise :class:`StockShort` (the caller's
    transaction rolls back) when any product is short.

    The levels are locked in product order by one ``SELECT ... ORDER BY product_id FOR
    UPDATE`` (two holds never deadlock), then held by the conditional update per product, sent
    as one ``executemany`` (on PostgreSQL one round trip, run in that order); a short product
    is seen in the locked rows, before any update."""
    wanted: dict[int, int] = defaultdict(int)
    for p, ln in zip(products, lines, strict=True):
        wanted[p.product_id] += ln.qty
    safety = safety_for(conn, [store_id], {p.product_id: p.category for p in products})
    free = {int(p): int(qty) - int(h) - safety.get((store_id, int(p)), 0)
            for p, qty, h in conn.execute(_LOCK, {"s": store_id, "ps": sorted(wanted)})}
    short = {p for p, q in wanted.items() if free.get(p, 0) < q}
    if not short:
        done = conn.execute(_HOLD, [{"s": store_id, "p": p, "q": q,
                                     "safety": safety.get((store_id, p), 0)}
                                    for p, q in sorted(wanted.items())]).rowcount
        if done == len(wanted):
            return
        raise AssertionError(f"{done} of {len(wanted)} locked levels held")  # cannot happen
    out = [ShortLine(line_id=i, product_id=p.product_id, sku=p.sku, wanted=ln.qty,
                     available=max(0, free.get(p.product_id, 0)))
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
        conn = tx.conn
        row = conn.execute(_RELEASE if holder == ADMIN else _RELEASE_OWN, {
            "id": reservation_id, "now": now, "who": holder}).first()
        if row is not None:  # released by that one conditional update: its units go back
            r = _with_lines(conn, row)
            held.give_back(conn, _units(r.store_id, [(ln.product_id, ln.qty)
                                                     for ln in r.lines], 1))
            return r
        r = _own(conn, holder, reservation_id, lock=True)  # not held (or not its): as it is
        if r.status == "confirmed":
            raise Conflict(f"Reservation {reservation_id} was confirmed into order "
                           f"{r.order_no}: cancel the order instead.",
                           code="reservation_confirmed")
        return r


def confirm(engine: Engine, caller: Caller, reservation_id: UUID, order: orders.OrderIn,
            now: datetime) -> Reservation:
    """The reservation becomes ``order`` (a pick-up at its store, its lines within the
    reservation's), in one transaction: the order is written (and holds its units) and the
    reservation's hold goes. The same confirm again answers the confirmed reservation. A
    channel's confirmed order is its own (sync/central/channels.py): it may not take the number
    of another channel's order, or of one the admin wrote (``403 other_channel``)."""
    holder = caller.name
    codes = CodeHashes().prepare(engine, [order.model_dump(mode="json")])  # before the lock
    with feed.transaction(engine, now) as tx:
        r = _own(tx.conn, holder, reservation_id, lock=True)
        if r.status == "confirmed" and r.order_no == order.order_no:
            return r
        _check_order(tx.conn, r, order, now)
        if not _end(tx.conn, r, "confirmed", now, order_no=order.order_no):
            _refuse_ended(_read(tx.conn, reservation_id), now)
        serialize(tx.conn, "entities", "order")  # as every order write of a channel
        channels.check_order_writable(tx, caller, order.order_no)
        _write_order(tx, order, codes)
        channels.own_order(tx, caller, order.order_no)
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


def confirm_for_order(tx: Tx, reservation_id: UUID, store_id: str, order_no: str,
                      units: Mapping[int, int]) -> bool:
    """An order made in the caller's transaction takes over a hold (an order placed at a
    till, sync/central/aisle.py; ``units``: its units per product at ``store_id``).

    The reservation ends ``confirmed`` into ``order_no`` as :func:`confirm` ends it, its units
    given back for the order's write to hold (sync/central/orders.py): they stay held without
    a gap. One past its expiry that the sweeper has not reached yet is expired here first.
    What the order has beyond what the reservation held (all of it when the reservation
    expired, was released, is unknown or is another store's) is held again by the same
    conditional update as :func:`create`, then given back for the order to hold. Returns False
    when the store cannot cover that: nothing more is held here."""
    conn, now = tx.conn, tx.now
    q = select(reservations.c.store_id).where(reservations.c.reservation_id == reservation_id)
    covered: dict[int, int] = defaultdict(int)
    if conn.scalar(q.with_for_update() if is_postgres(conn) else q) == store_id:
        r = _read(conn, reservation_id)
        if r.status == "held" and r.expires_at <= now:
            _end(conn, r, "expired", now)  # what the sweeper would have done
        elif _end(conn, r, "confirmed", now, order_no=order_no):
            for ln in r.lines:
                covered[ln.product_id] += ln.qty
    beyond = sorted((p, n - covered[p]) for p, n in units.items() if n > covered[p])
    if not beyond:
        return True
    try:
        with conn.begin_nested():  # a short product undoes the others' holds
            lines = [StockLineIn(product_id=p, qty=n) for p, n in beyond]
            _hold(conn, store_id, resolve(conn, lines), lines, list(range(1, len(lines) + 1)))
    except (StockShort, NotFound, ValueError):  # ValueError: beyond a line's bounds
        return False
    held.add(conn, _units(store_id, beyond, -1), now)
    return True


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
    held.give_back(conn, _units(r.store_id, [(ln.product_id, ln.qty) for ln in r.lines], 1))
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
    q = _BY_ID_LOCKED if lock and is_postgres(conn) else _BY_ID
    row = conn.execute(q, {"id": reservation_id}).first()
    if row is None or (holder != ADMIN and row.holder != holder):
        raise NotFound(f"No reservation {reservation_id} of yours.",
                       code="reservation_unknown")
    return _with_lines(conn, row)


def _read(conn: Connection, reservation_id: UUID) -> Reservation:
    return _with_lines(conn, conn.execute(_BY_ID, {"id": reservation_id}).one())


def _with_lines(conn: Connection, row: Row[Any]) -> Reservation:
    """The reservation of ``row`` (a row of ``reservations``) with its lines."""
    lines = [ReservationLine(line_id=int(i), product_id=int(p), sku=sku, qty=int(q))
             for i, p, sku, q in conn.execute(_LINES, {"id": row.reservation_id})]
    return Reservation(reservation_id=row.reservation_id, request_id=row.request_id,
                       holder=row.holder, store_id=row.store_id, status=row.status,
                       lines=lines, created_at=row.created_at, expires_at=row.expires_at,
                       order_no=row.order_no)
