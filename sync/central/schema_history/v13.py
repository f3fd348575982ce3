"""Schema v13: online member look-ups counted per terminal (issue 17, frozen)."""

from __future__ import annotations

from sqlalchemy import Column, Connection, Integer, MetaData, String, Table

from sync.central.schema_history.types import UtcDateTime


def upgrade(conn: Connection) -> None:
    """v13: the central limits how many members a terminal may look up online, per minute and
    per day (sync/central/lookup_limits.py), so a stolen till token cannot list the chain's
    members by hashing every phone number."""
    Table("member_lookup_counts", MetaData(),
          Column("store_id", String(32), primary_key=True),
          Column("terminal_id", String(32), primary_key=True),
          Column("minute_from", UtcDateTime, nullable=False),
          Column("minute_count", Integer, nullable=False),
          Column("day", String(10), nullable=False),
          Column("day_count", Integer, nullable=False),
          Column("day_refused", Integer, nullable=False)).create(conn)
