"""What a store can still promise (issue 18): ``POST /v1/availability``.

Per store and product: ``available = max(0, on_hand - held - safety)``, where ``on_hand`` is
the central's level (``stock_levels.qty``, from the tills' uploads), ``held`` the units open
pick-up orders and live reservations hold (sync/central/held.py) and ``safety`` the units the
chain keeps back (sync/central/safety.py). With each store, the time its tills last uploaded
(the latest ``terminals.last_event_at``), so a channel can judge how far to trust the level.

Which stores: ``store_id``; or the stores of ``group``, nearest first to ``near_store_id``
(great-circle distance; stores without a position after the others, by id); or, for a till
that names neither, its own store's group, nearest first to its store. A channel names one.

The answer is read in one snapshot with a fixed number of queries, whatever the basket: the
SKUs resolved in one (``entity_uniques``), the levels in one (on their (store, product) key),
the safety rules in one, the stores with their last uploads in one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, Select, func, select

from sync.central.db import among, reader
from sync.central.errors import InvalidRequest, NotFound
from sync.central.safety import safety_for
from sync.central.schema import entities, entity_uniques, stock_levels, stores, terminals
from sync.central.store_places import distance_km
from sync.protocol import BIGINT_MAX, MAX_STOCK
from sync.protocol.stock import (
    AvailabilityAnswer,
    AvailabilityRequest,
    StockLineIn,
    StockLineOut,
    StoreStock,
)


@dataclass(frozen=True, slots=True)
class Product:
    product_id: int
    sku: str
    category: str


@dataclass(frozen=True, slots=True)
class Store:
    store_id: str
    name_zh: str
    name_en: str
    group: str
    latitude_e6: int | None
    longitude_e6: int | None
    last_upload_at: datetime | None


def resolve(conn: Connection, lines: Sequence[StockLineIn]) -> list[Product]:
    """Each line's product, by SKU or id (``404 product_unknown`` naming the first unknown);
    one query for the SKUs, one for the ids."""
    u, e = entity_uniques, entities
    skus = sorted({f"sku:{ln.sku}" for ln in lines if ln.sku is not None})
    ids = sorted({str(ln.product_id) for ln in lines if ln.product_id is not None})
    by_sku: dict[str, Product] = {}
    by_id: dict[int, Product] = {}
    if skus:
        for _, raw in conn.execute(
                select(u.c.value, e.c.data)
                .join(e, (e.c.entity == u.c.entity) & (e.c.key == u.c.key))
                .where(u.c.entity == "product", among(conn, u.c.value, skus))):
            p = _product(raw)
            by_sku[p.sku] = p
    if ids:
        for (raw,) in conn.execute(select(e.c.data).where(e.c.entity == "product",
                                                          among(conn, e.c.key, ids))):
            p = _product(raw)
            by_id[p.product_id] = p
    out = []
    for n, ln in enumerate(lines, start=1):
        found = by_sku.get(ln.sku) if ln.sku is not None else by_id.get(ln.product_id or 0)
        if found is None:
            what = f"SKU {ln.sku!r}" if ln.sku is not None else f"product_id {ln.product_id}"
            raise NotFound(f"Line {n}: no product with {what}.", code="product_unknown")
        out.append(found)
    return out


def _product(raw: str) -> Product:
    data: dict[str, Any] = json.loads(raw)
    return Product(int(data["id"]), str(data["sku"]), str(data.get("category") or ""))


def line_ids(lines: Sequence[StockLineIn]) -> list[int]:
    """Each line's id: the caller's, or its position from 1; the same id twice is refused."""
    ids = [ln.line_id if ln.line_id is not None else n for n, ln in enumerate(lines, start=1)]
    if len(set(ids)) != len(ids):
        raise InvalidRequest("Two lines have the same line_id.", code="line_id_repeated")
    return ids


def availability(engine: Engine, own_store: str | None, req: AvailabilityRequest,
                 now: datetime) -> AvailabilityAnswer:
    """The answer to ``req`` (module docstring); ``own_store``: the asking till's store (None:
    a channel or the admin)."""
    ids = line_ids(req.lines)
    group = req.group or None
    near = req.near_store_id
    if req.store_id is None and group is None:
        if own_store is None:
            raise InvalidRequest("Name the store (store_id) or the group of stores (group) "
                                 "to ask about.", code="place_missing")
        near = near or own_store
    with reader(engine) as conn:
        products = resolve(conn, req.lines)
        places = _stores(conn, req.store_id, group, own_store)
        origin = _near(conn, near) if near is not None else None
        ranked = _ranked(places, origin)
        if not req.only_enough:
            ranked = ranked[:req.max_stores]
        wanted = [s.store_id for s, _ in ranked]
        levels = _levels(conn, wanted, sorted({p.product_id for p in products}))
        safety = safety_for(conn, wanted, {p.product_id: p.category for p in products})
    answers = []
    for store, km in ranked:
        lines = [_line(line_id, ln.qty, p, levels.get((store.store_id, p.product_id), (0, 0)),
                       safety.get((store.store_id, p.product_id), 0))
                 for line_id, ln, p in zip(ids, req.lines, products, strict=True)]
        complete = all(ln.enough for ln in lines)
        if req.only_enough and not complete:
            continue
        last = store.last_upload_at
        answers.append(StoreStock(
            store_id=store.store_id, name_zh=store.name_zh, name_en=store.name_en,
            group=store.group, distance_km=None if km is None else round(km, 3),
            last_upload_at=last, upload_age_s=None if last is None else max(0, int(
                (now - last).total_seconds())), complete=complete, lines=lines))
        if len(answers) == req.max_stores:
            break
    return AvailabilityAnswer(at=now, stores=answers)


def _line(line_id: int, qty: int, p: Product, level: tuple[int, int],
          safety: int) -> StockLineOut:
    on_hand, held = level
    available = min(BIGINT_MAX, max(0, on_hand - held - safety))
    return StockLineOut(line_id=line_id, product_id=p.product_id, sku=p.sku, qty=qty,
                        on_hand=max(-MAX_STOCK, min(MAX_STOCK, on_hand)), held=max(0, held),
                        safety=safety, available=available, enough=available >= qty)


_LAST_UPLOAD = (select(func.max(terminals.c.last_event_at))
                .where(terminals.c.store_id == stores.c.store_id)
                .scalar_subquery())  # the latest upload of any of the store's tills
_STORE_COLUMNS = (stores.c.store_id, stores.c.name_zh, stores.c.name_en, stores.c.group_id,
                  stores.c.latitude_e6, stores.c.longitude_e6, _LAST_UPLOAD)


def _stores(conn: Connection, store_id: str | None, group: str | None,
            own: str | None) -> list[Store]:
    """The stores asked about: one, a group's, or (neither) the group of ``own``."""
    q = select(*_STORE_COLUMNS)
    if store_id is not None:
        found = [Store(*r) for r in conn.execute(q.where(stores.c.store_id == store_id))]
        if not found:
            raise NotFound(f"No store {store_id!r}.", code="store_unknown")
        return found
    if group is None:
        group = conn.scalar(select(stores.c.group_id).where(stores.c.store_id == own)) or ""
    found = [Store(*r) for r in conn.execute(q.where(stores.c.group_id == group)
                                             .order_by(stores.c.store_id))]
    if not found:
        raise NotFound(f"No store is in group {group!r}.", code="group_unknown")
    return found


def store_row(store_id: str) -> Select[Any]:
    """The query of one store's row (names, group, position)."""
    return select(*_STORE_COLUMNS).where(stores.c.store_id == store_id)


def _near(conn: Connection, store_id: str) -> Store:
    row = conn.execute(store_row(store_id)).first()
    if row is None:
        raise NotFound(f"No store {store_id!r} (near_store_id).", code="store_unknown")
    return Store(*row)


def _ranked(places: list[Store], origin: Store | None) -> list[tuple[Store, float | None]]:
    """Nearest first to ``origin`` (stores without a position last), else by store id."""
    def km(s: Store) -> float | None:
        if origin is None or origin.latitude_e6 is None or origin.longitude_e6 is None \
                or s.latitude_e6 is None or s.longitude_e6 is None:
            return None
        return distance_km(origin.latitude_e6, origin.longitude_e6, s.latitude_e6,
                           s.longitude_e6)

    ranked = [(s, km(s)) for s in places]
    ranked.sort(key=lambda sk: (sk[1] is None, sk[1] or 0.0, sk[0].store_id))
    return ranked


def _levels(conn: Connection, store_ids: list[str],
            product_ids: list[int]) -> dict[tuple[str, int], tuple[int, int]]:
    """``(qty, held)`` per (store, product) that has a level: one query on the level's key."""
    if not store_ids:
        return {}
    s = stock_levels
    q = select(s.c.store_id, s.c.product_id, s.c.qty, s.c.held).where(
        among(conn, s.c.product_id, product_ids))
    q = q.where(s.c.store_id == store_ids[0]) if len(store_ids) == 1 else \
        q.where(among(conn, s.c.store_id, store_ids))
    return {(st, int(p)): (int(qty), int(held)) for st, p, qty, held in conn.execute(q)}

