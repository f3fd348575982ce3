"""Schema v10: wrong pick-up codes per order (frozen)."""

from __future__ import annotations

from sqlalchemy import Column, Connection, Integer, MetaData, String, Table

from sync.central.schema_history.types import UtcDateTime


def upgrade(conn: Connection) -> None:
    """v10: the central checks a web order's pick-up code for a till (issue 17) and counts the
    wrong codes per order, so a code cannot be guessed online either."""
    Table("pickup_code_attempts", MetaData(),
          Column("order_no", String(64), primary_key=True),
          Column("failures", Integer, nullable=False),
          Column("last_store_id", String(32), nullable=False),
          Column("last_terminal_id", String(32), nullable=False),
          Column("last_failure_at", UtcDateTime, nullable=False),
          Column("locked_at", UtcDateTime)).create(conn)
