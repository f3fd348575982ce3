"""Schema v5: the tills' audit logs (frozen)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Connection, MetaData, String, Table, Text

from sync.central.schema_history.types import UtcDateTime


def upgrade(conn: Connection) -> None:
    """v5: each till's audit log as it uploaded it, chain checked on arrival."""
    Table("audit_records", MetaData(),
          Column("store_id", String(32), primary_key=True),
          Column("terminal_id", String(32), primary_key=True),
          Column("id", BigInteger, primary_key=True, autoincrement=False),
          Column("at", String(40), nullable=False),
          Column("staff_id", BigInteger),
          Column("approved_by", BigInteger),
          Column("action", String(64), nullable=False),
          Column("detail", Text, nullable=False),
          Column("prev_hash", String(64), nullable=False),
          Column("hash", String(64), nullable=False),
          Column("received_at", UtcDateTime, nullable=False)).create(conn)
