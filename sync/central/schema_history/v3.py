"""Schema v3: returns and web refund requests (frozen)."""

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
    Uuid,
)

from sync.central.schema_history.types import BigId, UtcDateTime


def upgrade(conn: Connection) -> None:
    """v3: returns (what came back of each purchase, reservations) and web refund requests."""
    md = MetaData()
    Table("return_lines", md,
          Column("id", BigId, primary_key=True, autoincrement=True),
          Column("source_kind", String(8), nullable=False),
          Column("source_ref", String(64), nullable=False),
          Column("line_id", Integer, nullable=False),
          Column("qty", BigInteger, nullable=False),
          Column("amount", BigInteger, nullable=False),
          Column("state", String(8), nullable=False),
          Column("store_id", String(32), nullable=False),
          Column("terminal_id", String(32), nullable=False),
          Column("reservation_id", Uuid),
          Column("event_id", Uuid),
          Column("created_at", UtcDateTime, nullable=False),
          Column("expires_at", UtcDateTime),
          CheckConstraint("state IN ('reserved', 'returned')", name="return_lines_state"),
          Index("return_lines_source", "source_kind", "source_ref"),
          Index("return_lines_reservation", "reservation_id"),
          Index("return_lines_event", "event_id"))
    Table("refund_tenders", md,
          Column("id", BigId, primary_key=True, autoincrement=True),
          Column("event_id", Uuid, nullable=False),
          Column("source_kind", String(8), nullable=False),
          Column("source_ref", String(64), nullable=False),
          Column("kind", String(32), nullable=False),
          Column("reference", String(128), nullable=False, default=""),
          Column("amount", BigInteger, nullable=False),
          Index("refund_tenders_source", "source_kind", "source_ref"))
    Table("refund_requests", md,
          Column("id", BigId, primary_key=True, autoincrement=True),
          Column("event_id", Uuid, nullable=False),
          Column("order_no", String(64), nullable=False),
          Column("store_id", String(32), nullable=False),
          Column("currency", String(3), nullable=False),
          Column("amount", BigInteger, nullable=False),
          Column("payment_reference", String(128), nullable=False, default=""),
          Column("status", String(16), nullable=False, default="requested"),
          Column("created_at", UtcDateTime, nullable=False),
          Column("done_at", UtcDateTime),
          CheckConstraint("status IN ('requested', 'done')", name="refund_requests_status"),
          Index("refund_requests_open", "status", "id"))
    md.create_all(conn)
