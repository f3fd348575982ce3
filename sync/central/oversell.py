"""The oversell rule (issue 18): what the central does when tills that were offline sold units
a store had promised.

A sale at the till stands: it happened. When a movement leaves a store's level below what is
held there (``qty - held < 0``: the pick-up orders and reservations of that product can no
longer all be kept), the ledger notes the (store, product) in ``oversell_queue``, in the
movement's transaction (sync/central/shortfalls.py). The settler settles each queued
shortfall later, in a transaction of its own (:func:`settle`; a background thread of the
serving process, sync/central/oversell_api.py, runs it every second), by the chain's rule
(:func:`rule`, ``meta`` key ``oversell_rule``: ``reroute``, the default, or ``flag``):

- **Which holds.** As few as bring the store back to ``qty - held >= 0``, newest first (the
  last promised is the one moved). A reservation past its expiry (the sweeper ends it within a
  second) counts without being moved.
- **reroute.** A hold moves to the nearest store of the same group (``stores.group_id``;
  great-circle distance when both stores have a position, else by store id) that has all of
  it free (``qty - held - safety``, the reservation's rule). A pick-up order moves whole: its
  ``store_id`` changes, so it leaves the old store's feed and joins the new store's pick-up
  list (sync/central/orders.py ``move_pickup``). A reservation moves with its ``store_id``;
  the channel reads it again and confirms at the new store.
- **flag.** A hold no store can take, a partly collected order (the rule does not split one),
  a store in no group, or any hold under the ``flag`` rule, stays where it is and is listed
  for the store's manager. A hold already listed in an open exception is not listed again.

Each re-route and flag is a row of ``oversell_actions`` (what, from, to, the rule, when), and
the day's actions of a store and product are one exception, ``oversell_settled`` (keyed by
the store, the product and the store's business day, as ``oversold`` is), whose detail lists
what moved and what needs the manager.

**Locks.** A settlement claims its queue row (PostgreSQL: ``SKIP LOCKED``, so settlers of
several processes share the queue), locks the newest holds that cover the shortfall as it
reads it (orders, then reservations, each in key order: sync/central/oversell_holds.py; more
if the locked level shows more, :func:`settle_one`), then every level it may touch, of the
short store and of its group's stores, in (store, product) order: the order the ledger and
the holds' writers take them in,
so two settlements (and a settlement and a sale, or a pick-up, which locks its order first)
never deadlock. The new holds are conditional updates (``held + q`` only where
``qty - held - safety >= q``), as a reservation's are: the new store never promises more than
it has free.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Engine, bindparam, delete, func, select, update

from sync.central import feed, held, incidents, orders, oversell_holds
from sync.central.db import among, bulk_insert, is_postgres, reader, retrying, upsert, write_tx
from sync.central.errors import InvalidRequest
from sync.central.oversell_holds import Hold
from sync.central.safety import safety_for
from sync.central.schema import (
    dump_json,
    entities,
    exceptions,
    meta,
    oversell_actions,
    oversell_queue,
    reservations,
    stock_levels,
    stores,
)
from sync.central.store_places import distance_km

log = logging.getLogger(__name__)

RULE_KEY = "oversell_rule"  # meta: the chain's rule
RULES = ("reroute", "flag")
DEFAULT_RULE = "reroute"
KIND = "oversell_settled"  # the manager's exception
SETTLE_BATCH = 100  # queued shortfalls per settle()
LISTED = 50  # holds an exception's detail lists of each action
MOVES_LISTED = 1_000  # actions an order's view lists (models.OrderOut.moves)
WIDEN = 3  # settlements that lock only the newest holds before one locks them all


@dataclass(frozen=True, slots=True)
class Action:
    """What the rule did with a hold."""

    kind: str
    ref: str
    holder: str
    action: str  # rerouted | flagged
    to_store: str | None
    units: int  # the hold's units of the short product
    reason: str  # nearest_free | no_store | no_group | partly_collected | rule_flag


@dataclass(frozen=True, slots=True)
class Settled:
    """One settled shortfall: the units the store was short and what the rule did."""

    store_id: str
    product_id: int
    short: int
    actions: list[Action] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Place:
    store_id: str
    latitude_e6: int | None
    longitude_e6: int | None


class SettlementLost(RuntimeError):
    """A conditional update found less free than the locked levels said: never expected; the
    settlement rolls back and runs again at the next tick."""


# -- the chain's rule ------------------------------------------------------------------------------

def rule(conn: Connection) -> str:
    """The chain's rule (:data:`DEFAULT_RULE` until set)."""
    value = conn.scalar(select(meta.c.value).where(meta.c.key == RULE_KEY))
    return value if value in RULES else DEFAULT_RULE


def set_rule(engine: Engine, value: str) -> str:
    """Set the chain's rule (``422 invalid_oversell_rule`` unless one of :data:`RULES`)."""
    if value not in RULES:
        raise InvalidRequest(f"The oversell rule is one of {', '.join(RULES)}, not {value!r}.",
                             code="invalid_oversell_rule")
    with write_tx(engine) as conn:
        conn.execute(upsert(conn, meta).values(key=RULE_KEY, value=value)
                     .on_conflict_do_update(index_elements=[meta.c.key],
                                            set_={"value": value}))
    return value


# -- settling --------------------------------------------------------------------------------------

def pending(engine: Engine, limit: int = SETTLE_BATCH) -> list[tuple[str, int]]:
    """The queued shortfalls, oldest first."""
    q = oversell_queue
    with engine.connect() as conn:
        return [(s, int(p)) for s, p in conn.execute(
            select(q.c.store_id, q.c.product_id)
            .order_by(q.c.queued_at, q.c.store_id, q.c.product_id).limit(limit))]


def settle(engine: Engine, now: datetime, *, limit: int = SETTLE_BATCH) -> list[Settled]:
    """Settle up to ``limit`` queued shortfalls, each in its own transaction (run again after
    a deadlock or a serialization failure); returns those this call settled. Nothing queued,
    or a shortfall another settler holds: nothing is done."""
    out = []
    for store_id, product_id in pending(engine, limit):
        try:
            done = retrying(functools.partial(settle_one, engine, store_id, product_id, now),
                            what="settling an oversell")
        except SettlementLost as exc:  # left queued: the next call tries it again
            log.warning("the oversell of product %d at %s was not settled: %s", product_id,
                        store_id, exc)
            continue
        if done is not None:
            out.append(done)
    return out


def settle_one(engine: Engine, store_id: str, product_id: int,
               now: datetime) -> Settled | None:
    """Settle the queued shortfall of ``product_id`` at ``store_id`` (module docstring); None
    when it is not queued (settled already) or another settler has it.

    Only the newest holds that cover the shortfall are locked (sync/central/oversell_holds.py);
    if, once the levels are locked, they no longer cover it (a sale or a new promise
    meanwhile), the settlement runs again with more, and at the last attempt with all."""
    need: int | None = 0
    for _ in range(WIDEN):
        try:
            return _settle(engine, store_id, product_id, now, need)
        except _Widen as more:
            need = more.need
    return _settle(engine, store_id, product_id, now, None)


class _Widen(Exception):
    """The locked holds do not cover the shortfall: roll back and lock holds of ``need`` units."""

    def __init__(self, need: int) -> None:
        super().__init__(need)
        self.need = need


def _settle(engine: Engine, store_id: str, product_id: int, now: datetime,
            need: int | None) -> Settled | None:
    """One attempt: lock the newest holds that cover ``need`` units (or the level's shortfall
    read now, if more; None: every hold), then the levels; :class:`_Widen` (rolled back) if
    those holds fall short of the shortfall the locked level shows. The holds are read before
    the write transaction (SQLite's writer holds the whole database while it runs)."""
    with reader(engine) as conn:
        seen = oversell_holds.candidates(conn, store_id, product_id, now)
        chosen = seen if need is None else oversell_holds.covering(
            seen, product_id, max(need, _short_now(conn, store_id, product_id)))
    with feed.transaction(engine, now) as tx:
        conn = tx.conn
        if not _claim(conn, store_id, product_id):
            return None
        chain_rule = rule(conn)
        holds = oversell_holds.lock(conn, store_id, product_id, chosen, now)
        places = _places(conn, store_id) if chain_rule == "reroute" else []
        products = sorted({product_id, *(p for h in holds for p in h.units)})
        levels = _lock_levels(conn, [store_id, *(p.store_id for p in places)], products)
        qty, held_now = levels.get((store_id, product_id), (0, 0))
        short = held_now - qty
        if len(chosen) < len(seen) and sum(h.of(product_id) for h in holds) < short:
            raise _Widen(short + sum(h.of(product_id) for h in chosen))
        plan = _Plan(tx, store_id, product_id, chain_rule, places, levels,
                     safety_for(conn, [p.store_id for p in places], _categories(conn, products)))
        actions = plan.run(holds, short)
        conn.execute(delete(oversell_queue).where(oversell_queue.c.store_id == store_id,
                                                  oversell_queue.c.product_id == product_id))
        if actions:
            _file(conn, store_id, product_id, actions, chain_rule, now)
        return Settled(store_id, product_id, max(0, short), actions)


def _short_now(conn: Connection, store_id: str, product_id: int) -> int:
    """``held - qty`` of the level as it reads now (no lock)."""
    s = stock_levels
    row = conn.execute(select(s.c.qty, s.c.held).where(s.c.store_id == store_id,
                                                       s.c.product_id == product_id)).first()
    return 0 if row is None else int(row.held) - int(row.qty)


def _claim(conn: Connection, store_id: str, product_id: int) -> bool:
    q = select(oversell_queue.c.store_id).where(oversell_queue.c.store_id == store_id,
                                                oversell_queue.c.product_id == product_id)
    if is_postgres(conn):
        q = q.with_for_update(skip_locked=True)
    return conn.scalar(q) is not None


class _Plan:
    """The rule applied to one short (store, product), on the levels locked for it."""

    def __init__(self, tx: feed.Tx, store_id: str, product_id: int, chain_rule: str,
                 places: list[_Place], levels: dict[tuple[str, int], list[int]],
                 safety: dict[tuple[str, int], int]) -> None:
        self.tx, self.store_id, self.product_id = tx, store_id, product_id
        self.rule, self.places, self.levels, self.safety = chain_rule, places, levels, safety

    def run(self, holds: Sequence[Hold], short: int) -> list[Action]:
        """Settle the holds newest first (the expired reservations first: they cost nothing)
        until ``short`` units are covered."""
        actions = []
        for h in oversell_holds.newest_first(holds):
            if short <= 0:
                break
            short -= h.of(self.product_id)
            if h.expired:
                continue
            done = self._settle(h)
            if done is not None:
                actions.append(done)
        return actions

    def _settle(self, h: Hold) -> Action | None:
        reason = h.fixed or ("rule_flag" if self.rule == "flag" else None)
        if reason is None and not self.places:
            reason = "no_group"
        if reason is None:
            to = next((p.store_id for p in self.places if self._fits(p.store_id, h)), None)
            if to is not None:
                self._move(h, to)
                return self._action(h, "rerouted", to, "nearest_free")
            reason = "no_store"
        if _listed_open(self.tx.conn, self.store_id, self.product_id, h):
            return None
        return self._action(h, "flagged", None, reason)

    def _action(self, h: Hold, action: str, to: str | None, reason: str) -> Action:
        return Action(h.kind, h.ref, h.holder, action, to, h.units.get(self.product_id, 0),
                      reason)

    def _free(self, store_id: str, product_id: int) -> int:
        qty, h = self.levels.get((store_id, product_id), (0, 0))
        return qty - h - self.safety.get((store_id, product_id), 0)

    def _fits(self, store_id: str, h: Hold) -> bool:
        return all(self._free(store_id, p) >= u for p, u in h.units.items())

    def _move(self, h: Hold, to: str) -> None:
        """Hold ``h``'s units at ``to`` (conditional updates), give them back here, and move
        the order or the reservation."""
        conn, now = self.tx.conn, self.tx.now
        _take(conn, to, h.units, self.safety)
        held.add(conn, {(self.store_id, p): -u for p, u in h.units.items()}, now)
        for p, u in h.units.items():
            self.levels.setdefault((self.store_id, p), [0, 0])[1] -= u
            self.levels[(to, p)][1] += u
        if h.order is not None:
            orders.move_pickup(self.tx, h.order, to)
            return
        r = reservations
        if conn.execute(update(r).where(r.c.reservation_id == UUID(h.ref), r.c.status == "held",
                                        r.c.store_id == self.store_id)
                        .values(store_id=to)).rowcount != 1:
            raise SettlementLost(f"reservation {h.ref} changed while it was locked")


def _take(conn: Connection, store_id: str, units: dict[int, int],
          safety: dict[tuple[str, int], int]) -> None:
    """``held += q`` at ``store_id`` for each product, in product order, only where
    ``qty - held - safety >= q`` (the reservation's rule)."""
    s = stock_levels
    stmt = (update(s).where(s.c.store_id == store_id, s.c.product_id == bindparam("p"),
                            s.c.qty - s.c.held - bindparam("safety") >= bindparam("q"))
            .values(held=s.c.held + bindparam("q")))
    for p, q in sorted(units.items()):
        if conn.execute(stmt, {"p": p, "q": q,
                               "safety": safety.get((store_id, p), 0)}).rowcount != 1:
            raise SettlementLost(f"store {store_id} no longer has {q} of product {p} free")


# -- reading (and locking) what a settlement needs ----------------------------------------------

def _places(conn: Connection, store_id: str) -> list[_Place]:
    """The other stores of ``store_id``'s group, nearest first (stores without a position
    after the others, by id); none when the store is in no group."""
    s = stores
    me = conn.execute(select(s.c.group_id, s.c.latitude_e6, s.c.longitude_e6)
                      .where(s.c.store_id == store_id)).first()
    if me is None or not me.group_id:
        return []
    others = [_Place(*row) for row in conn.execute(
        select(s.c.store_id, s.c.latitude_e6, s.c.longitude_e6)
        .where(s.c.group_id == me.group_id, s.c.store_id != store_id))]

    def km(p: _Place) -> float | None:
        if None in (me.latitude_e6, me.longitude_e6, p.latitude_e6, p.longitude_e6):
            return None
        return distance_km(me.latitude_e6, me.longitude_e6, p.latitude_e6,  # type: ignore[arg-type]
                           p.longitude_e6)  # type: ignore[arg-type]

    ranked = [(km(p), p) for p in others]
    ranked.sort(key=lambda kp: (kp[0] is None, kp[0] or 0.0, kp[1].store_id))
    return [p for _, p in ranked]


def _lock_levels(conn: Connection, store_ids: list[str],
                 products: list[int]) -> dict[tuple[str, int], list[int]]:
    """``[qty, held]`` of each level of these stores and products, locked in (store, product)
    order (PostgreSQL; SQLite's writer holds the database)."""
    s = stock_levels
    q = (select(s.c.store_id, s.c.product_id, s.c.qty, s.c.held)
         .where(among(conn, s.c.store_id, sorted(set(store_ids))),
                among(conn, s.c.product_id, products))
         .order_by(s.c.store_id, s.c.product_id))
    if is_postgres(conn):
        q = q.with_for_update()
    return {(st, int(p)): [int(qty), int(h)] for st, p, qty, h in conn.execute(q)}


def _categories(conn: Connection, products: list[int]) -> dict[int, str]:
    e = entities
    found = {int(k): str(json.loads(raw).get("category") or "") for k, raw in conn.execute(
        select(e.c.key, e.c.data).where(e.c.entity == "product",
                                        among(conn, e.c.key, [str(p) for p in products])))}
    return {p: found.get(p, "") for p in products}


def _listed_open(conn: Connection, store_id: str, product_id: int, h: Hold) -> bool:
    """Whether ``h`` is already flagged in an open exception of this store and product."""
    a, x = oversell_actions, exceptions
    return conn.scalar(select(a.c.id).join(x, x.c.id == a.c.exception_id).where(
        a.c.hold_kind == h.kind, a.c.hold_ref == h.ref, a.c.store_id == store_id,
        a.c.product_id == product_id, a.c.action == "flagged", x.c.status == "open")
        .limit(1)) is not None


# -- the record and the manager's exception --------------------------------------------------------

def _file(conn: Connection, store_id: str, product_id: int, actions: Sequence[Action],
          chain_rule: str, now: datetime) -> None:
    """Record ``actions`` and list them in the open ``oversell_settled`` exception of the
    store, the product and the store's day (a new one if none is open)."""
    day = now.astimezone(incidents.zone_of(conn, store_id)).date().isoformat()
    key = f"{KIND}:{product_id}:{day}"
    x = exceptions
    bulk_insert(conn, x, [{
        "kind": KIND, "store_id": store_id, "terminal_id": None, "event_id": None,
        "status": "open", "comment": "", "created_at": now, "detail": "{}",
        "incident_key": key, "count": 0, "last_at": now}],
        conflict=("store_id", "incident_key"), conflict_where="status = 'open'",
        update={"last_at": "excluded.last_at"})
    xid = int(conn.execute(select(x.c.id).where(
        x.c.store_id == store_id, x.c.incident_key == key, x.c.status == "open")).scalar_one())
    conn.execute(oversell_actions.insert(), [{
        "store_id": store_id, "product_id": product_id, "hold_kind": a.kind,
        "hold_ref": a.ref, "holder": a.holder, "action": a.action, "to_store": a.to_store,
        "units": a.units, "reason": a.reason, "rule": chain_rule, "at": now,
        "exception_id": xid} for a in actions])
    count, detail = _detail(conn, xid, store_id, product_id, day)
    conn.execute(update(x).where(x.c.id == xid).values(count=count, detail=dump_json(detail)))


def _detail(conn: Connection, exception_id: int, store_id: str, product_id: int,
            day: str) -> tuple[int, dict[str, Any]]:
    """The exception's count (its actions) and detail: what moved and what needs the
    manager (the first :data:`LISTED` of each)."""
    a = oversell_actions
    counts = {str(k): int(n) for k, n in conn.execute(
        select(a.c.action, func.count()).where(a.c.exception_id == exception_id)
        .group_by(a.c.action))}

    def first(action: str) -> Sequence[Any]:
        return conn.execute(select(a.c.hold_kind, a.c.hold_ref, a.c.to_store, a.c.units,
                                   a.c.reason, a.c.at)
                            .where(a.c.exception_id == exception_id, a.c.action == action)
                            .order_by(a.c.id).limit(LISTED)).all()

    moved, flagged = first("rerouted"), first("flagged")
    n_moved, n_flagged = counts.get("rerouted", 0), counts.get("flagged", 0)
    message = (f"product {product_id} at {store_id} was sold offline below what the store "
               f"had promised: {n_moved} re-routed to another store"
               + "".join(f" ({r.hold_kind} {r.hold_ref} to {r.to_store})" for r in moved[:3])
               + f"; {n_flagged} for the manager"
               + "".join(f" ({r.hold_kind} {r.hold_ref}: {r.reason})" for r in flagged[:3]))
    return n_moved + n_flagged, {
        "subject": str(product_id), "message": message, "product_id": product_id, "day": day,
        "rerouted": n_moved, "flagged": n_flagged,
        "moved": [{"kind": r.hold_kind, "ref": r.hold_ref, "to_store": r.to_store,
                   "units": int(r.units), "at": r.at.isoformat()} for r in moved],
        "needs_manager": [{"kind": r.hold_kind, "ref": r.hold_ref, "units": int(r.units),
                           "reason": r.reason} for r in flagged]}


def actions_of(conn: Connection, kind: str, ref: str) -> list[dict[str, Any]]:
    """What the rule did with one hold, oldest first (the web shop's view of an order)."""
    a = oversell_actions
    return [{"action": r.action, "from_store": r.store_id, "to_store": r.to_store,
             "product_id": int(r.product_id), "reason": r.reason, "rule": r.rule,
             "at": r.at} for r in conn.execute(
        select(a).where(a.c.hold_kind == kind, a.c.hold_ref == ref).order_by(a.c.id)
        .limit(MOVES_LISTED))]

