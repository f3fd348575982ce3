"""Schema v6: coupon redemptions (frozen)."""

from __future__ import annotations

from sqlalchemy import Column, Connection, MetaData, String, Table, Uuid

from sync.central.schema_history.types import UtcDateTime


def upgrade(conn: Connection) -> None:
    """v6: coupon redemptions (promotions, issue 6): each code is used once, chain-wide."""
    Table("coupon_redemptions", MetaData(),
          Column("code", String(64), primary_key=True),
          Column("promotion_id", String(64)),
          Column("store_id", String(32), nullable=False),
          Column("terminal_id", String(32), nullable=False),
          Column("receipt_no", String(64)),
          Column("event_id", Uuid),
          Column("redeemed_at", UtcDateTime, nullable=False)).create(conn)
