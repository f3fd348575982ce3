"""Schema v15: one stock across channels (issue 18, frozen).

- ``stores`` get a group (a region) and a position in micro-degrees;
- ``stock_levels.held``: the units open pick-up orders and live reservations hold, computed
  here from the stored orders (a level a store has no row for gets one with ``qty`` 0);
- ``safety_stock``: the units kept back, per product, category or store;
- ``reservations`` and ``reservation_lines``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Connection,
    ForeignKey,
    Index,
    MetaData,
    String,
    Table,
    Uuid,
    bindparam,
    column,
    select,
    table,
    text,
)

from sync.central.schema_history.types import UtcDateTime

_entities = table("entities", column("entity"), column("data"))
_HOLDING = ("open", "ready", "partly_collected")


def upgrade(conn: Connection) -> None:
    """v15 (module docstring)."""
    for statement in ("ALTER TABLE stores ADD COLUMN group_id VARCHAR(64) NOT NULL DEFAULT ''",
                      "ALTER TABLE stores ADD COLUMN latitude_e6 BIGINT",
                      "ALTER TABLE stores ADD COLUMN longitude_e6 BIGINT",
                      "ALTER TABLE stock_levels ADD COLUMN held BIGINT NOT NULL DEFAULT 0"):
        conn.execute(text(statement))
    md = MetaData()
    Table("safety_stock", md,
          Column("kind", String(8), primary_key=True),
          Column("ref", String(64), primary_key=True),
          Column("store_id", String(32), primary_key=True),
          Column("qty", BigInteger, nullable=False),
          Column("updated_at", UtcDateTime, nullable=False),
          CheckConstraint("kind IN ('product', 'category', 'store')", name="safety_stock_kind"))
    Table("reservations", md,
          Column("reservation_id", Uuid, primary_key=True),
          Column("holder", String(200), nullable=False),
          Column("request_id", Uuid, nullable=False),
          Column("store_id", String(32), nullable=False),
          Column("status", String(12), nullable=False),
          Column("order_no", String(64)),
          Column("created_at", UtcDateTime, nullable=False),
          Column("expires_at", UtcDateTime, nullable=False),
          Column("ended_at", UtcDateTime),
          CheckConstraint("status IN ('held', 'confirmed', 'released', 'expired')",
                          name="reservations_status"),
          Index("reservations_request", "holder", "request_id", unique=True),
          Index("reservations_due", "status", "expires_at"))
    Table("reservation_lines", md,
          Column("reservation_id", Uuid, ForeignKey("reservations.reservation_id"),
                 primary_key=True),
          Column("line_id", BigInteger, primary_key=True, autoincrement=False),
          Column("product_id", BigInteger, nullable=False),
          Column("sku", String(64), nullable=False),
          Column("qty", BigInteger, nullable=False))
    md.create_all(conn)
    _held_from_orders(conn)


def _held_from_orders(conn: Connection) -> None:
    """``held`` of every level from the pick-up orders not yet collected."""
    held: dict[tuple[str, int], int] = defaultdict(int)
    for (raw,) in conn.execute(select(_entities.c.data).where(_entities.c.entity == "order")):
        order = json.loads(raw)
        if order.get("fulfilment") != "pickup" or not order.get("store_id") \
                or order.get("status") not in _HOLDING:
            continue
        for line in order.get("lines", []):
            left = int(line["qty"]) - int(line.get("collected", 0))
            if left > 0:
                held[(order["store_id"], int(line["product_id"]))] += left
    now = datetime.now(UTC)
    insert = text(  # a level of a store that exists
        "INSERT INTO stock_levels (store_id, product_id, qty, updated_at, held) "
        "SELECT store_id, :p, 0, :now, :h FROM stores WHERE store_id = :s"
    ).bindparams(bindparam("now", type_=UtcDateTime))
    for (store_id, product_id), units in sorted(held.items()):
        params = {"s": store_id, "p": product_id, "h": units, "now": now}
        done = conn.execute(text("UPDATE stock_levels SET held = :h WHERE store_id = :s AND "
                                 "product_id = :p"), params).rowcount
        if not done:
            conn.execute(insert, params)
