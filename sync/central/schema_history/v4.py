"""Schema v4: members' points ledger and unique phone numbers (frozen)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Index,
    MetaData,
    String,
    Table,
    Uuid,
    column,
    select,
    table,
)

from sync.central.schema_history.types import BigId, UtcDateTime

# the tables v4 reads and writes, as they were at v3
_meta = table("meta", column("key"), column("value"))
_entities = table("entities", column("entity"), column("key"), column("data"))
_entity_uniques = table("entity_uniques", column("entity"), column("value"), column("key"))


def upgrade(conn: Connection) -> None:
    """v4: members' points ledger; members' phone numbers become unique values (a till finds a
    member by phone), the first member keeping a number given twice."""
    Table("points_ledger", MetaData(),
          Column("id", BigId, primary_key=True, autoincrement=True),
          Column("member_id", BigInteger, nullable=False),
          Column("delta", BigInteger, nullable=False),
          Column("kind", String(16), nullable=False),
          Column("source_kind", String(8), nullable=False),
          Column("source_ref", String(64), nullable=False),
          Column("base", BigInteger, nullable=False, default=0),
          Column("event_id", Uuid),
          Column("store_id", String(32)),
          Column("created_at", UtcDateTime, nullable=False),
          Index("points_ledger_member", "member_id", "id"),
          Index("points_ledger_source", "source_kind", "source_ref")).create(conn)
    conn.execute(_meta.insert().values(key="member_last_id", value=""))
    taken = set(conn.scalars(select(_entity_uniques.c.value).where(
        _entity_uniques.c.entity == "member", _entity_uniques.c.value.like("phone:%"))))
    rows: list[dict[str, Any]] = []
    for key, data in conn.execute(select(_entities.c.key, _entities.c.data)
                                  .where(_entities.c.entity == "member")
                                  .order_by(_entities.c.key)):
        phone = json.loads(data).get("phone")
        if phone and f"phone:{phone}" not in taken:
            taken.add(f"phone:{phone}")
            rows.append({"entity": "member", "value": f"phone:{phone}", "key": key})
        if len(rows) >= 5_000:
            conn.execute(_entity_uniques.insert(), rows)
            rows = []
    if rows:
        conn.execute(_entity_uniques.insert(), rows)
