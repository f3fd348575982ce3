"""Schema v2: suspended sales shared between a store's tills (frozen)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Connection,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Uuid,
)

from sync.central.schema_history.types import UtcDateTime


def upgrade(conn: Connection) -> None:
    """v2: suspended sales shared between a store's tills; one claim wins."""
    Table("parked_sales", MetaData(),
          Column("park_id", Uuid, primary_key=True),
          Column("store_id", String(32), nullable=False),
          Column("terminal_id", String(32), nullable=False),
          Column("staff_id", Integer),
          Column("label", String(64), nullable=False, default=""),
          Column("currency", String(3), nullable=False),
          Column("total", BigInteger, nullable=False),
          Column("lines", Integer, nullable=False),
          Column("cart", Text, nullable=False),
          Column("parked_at", UtcDateTime, nullable=False),
          Column("received_at", UtcDateTime, nullable=False),
          Column("state", String(8), nullable=False, default="parked"),
          Column("claimed_by", String(32)),
          Column("claimed_at", UtcDateTime),
          CheckConstraint("state IN ('parked', 'claimed')", name="parked_sales_state"),
          Index("parked_sales_open", "store_id", "state", "parked_at")).create(conn)
