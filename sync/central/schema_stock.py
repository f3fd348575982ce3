"""The central's tables of one stock across channels (issue 18, schema v15): safety stock and
reservations. Defined on the central's ``MetaData`` by :func:`define` (sync/central/schema.py
calls it), apart from schema.py only to keep that file readable.

The stores' group and position (``stores.group_id``, ``latitude_e6``, ``longitude_e6``) and the
units held on a level (``stock_levels.held``) are columns of those tables, in schema.py.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    MetaData,
    String,
    Table,
    Uuid,
)

from sync.central.schema_history.types import UtcDateTime

SAFETY_KINDS = ("product", "category", "store")
RESERVATION_STATUSES = ("held", "confirmed", "released", "expired")
CHAIN = ""  # safety_stock.store_id of a rule for every store


def define(metadata: MetaData) -> tuple[Table, Table, Table]:
    """``safety_stock``, ``reservations`` and ``reservation_lines`` on ``metadata``."""
    safety_stock = Table(  # v15: units the chain keeps back from what it promises
        "safety_stock", metadata,
        Column("kind", String(8), primary_key=True),  # product | category | store
        Column("ref", String(64), primary_key=True),  # the product id, the category, '' (store)
        Column("store_id", String(32), primary_key=True),  # CHAIN: every store
        Column("qty", BigInteger, nullable=False),
        Column("updated_at", UtcDateTime, nullable=False),
        CheckConstraint("kind IN ('product', 'category', 'store')", name="safety_stock_kind"),
    )
    reservations = Table(  # v15: a channel's (or a till's) hold on a store's stock
        "reservations", metadata,
        Column("reservation_id", Uuid, primary_key=True),
        Column("holder", String(200), nullable=False),  # channel_auth.Caller.name
        Column("request_id", Uuid, nullable=False),  # the holder's idempotency key
        Column("store_id", String(32), nullable=False),
        Column("status", String(12), nullable=False),
        Column("order_no", String(64)),
        Column("created_at", UtcDateTime, nullable=False),
        Column("expires_at", UtcDateTime, nullable=False),
        Column("ended_at", UtcDateTime),  # when it stopped holding (confirmed, released, ...)
        CheckConstraint("status IN ('held', 'confirmed', 'released', 'expired')",
                        name="reservations_status"),
        Index("reservations_request", "holder", "request_id", unique=True),
        Index("reservations_due", "status", "expires_at"),  # the sweeper's
    )
    reservation_lines = Table(
        "reservation_lines", metadata,
        Column("reservation_id", Uuid, ForeignKey("reservations.reservation_id"),
               primary_key=True),
        Column("line_id", BigInteger, primary_key=True, autoincrement=False),
        Column("product_id", BigInteger, nullable=False),
        Column("sku", String(64), nullable=False),
        Column("qty", BigInteger, nullable=False),
    )
    return safety_stock, reservations, reservation_lines
