"""Schema v12: the member's rights (issue 17, docs/privacy.md; frozen).

- ``member_consents``: each consent a member gave (membership, marketing), with the privacy
  text's version, the time, the channel and the store, and its withdrawal. Members who signed
  up at a till before v12 get their membership consent from their ``member_signup`` event
  (version, time, store); nobody has a marketing consent yet (tills before v12 never asked).
- ``member_erasures``: the record that a member was erased, without personal data.
- ``member_activity``: each member's latest sale, web order, look-up or sign-up, for the
  retention job: the latest of what v11 kept (the member's stores, its points ledger, its
  sales, its sign-up, and its record's last change).
- ``member_orders``: the web orders each member placed (from the stored orders).
- ``sales_member``: an index of the sales by member.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Connection,
    Index,
    MetaData,
    String,
    Table,
    Text,
    Uuid,
    column,
    func,
    select,
    table,
    text,
)

from sync.central.schema_history.types import BigId, UtcDateTime

BATCH = 5_000

# the tables v12 reads, as they were at v11
_entities = table("entities", column("entity"), column("key"),
                  column("updated_at", UtcDateTime))
_entity_uniques = table("entity_uniques", column("entity"), column("value"), column("key"))
_events = table("events", column("event_id", Uuid), column("type"), column("store_id"),
                column("payload"), column("occurred_at", UtcDateTime))
_ledger = table("points_ledger", column("member_id"), column("created_at", UtcDateTime))
_sales = table("sales", column("member_id"), column("completed_at", UtcDateTime))
_stores = table("member_stores", column("member_id"), column("last_at", UtcDateTime))
_orders = table("entities", column("entity"), column("key"), column("data"))


def upgrade(conn: Connection) -> None:
    """v12 (module docstring)."""
    md = MetaData()
    consents = Table(
        "member_consents", md,
        Column("id", BigId, primary_key=True, autoincrement=True),
        Column("member_id", BigInteger, nullable=False),
        Column("purpose", String(16), nullable=False),
        Column("text_version", String(64), nullable=False),
        Column("given_at", UtcDateTime, nullable=False),
        Column("given_channel", String(8), nullable=False),
        Column("given_store_id", String(32)),
        Column("given_event_id", Uuid),
        Column("withdrawn_at", UtcDateTime),
        Column("withdrawn_channel", String(8)),
        Column("withdrawn_store_id", String(32)),
        Column("withdrawn_event_id", Uuid),
        CheckConstraint("purpose IN ('membership', 'marketing')", name="member_consents_purpose"),
        Index("member_consents_member", "member_id", "id"),
        Index("member_consents_in_force", "purpose", "member_id", unique=True,
              sqlite_where=text("withdrawn_at IS NULL"),
              postgresql_where=text("withdrawn_at IS NULL")))
    Table(
        "member_erasures", md,
        Column("member_no", String(64), primary_key=True),
        Column("member_id", BigInteger),
        Column("erased_at", UtcDateTime, nullable=False),
        Column("reason", String(16), nullable=False),
        Column("requested_via", String(64), nullable=False),
        Column("removed", Text, nullable=False),
        Index("member_erasures_time", "erased_at"))
    activity = Table(
        "member_activity", md,
        Column("member_id", BigInteger, primary_key=True, autoincrement=False),
        Column("last_at", UtcDateTime, nullable=False),
        Index("member_activity_due", "last_at"))
    orders = Table(
        "member_orders", md,
        Column("member_id", BigInteger, primary_key=True, autoincrement=False),
        Column("order_no", String(64), primary_key=True))
    md.create_all(conn)
    conn.exec_driver_sql("CREATE INDEX sales_member ON sales (member_id)")
    _consents_from_signups(conn, consents)
    _activity(conn, activity)
    _member_orders(conn, orders)


def _batches(conn: Connection, query: Any) -> Iterator[Sequence[Any]]:
    rows = conn.execute(query).all()
    for i in range(0, len(rows), BATCH):
        yield rows[i:i + BATCH]


def _member_ids(conn: Connection) -> dict[str, int]:
    """member number -> member id."""
    return {value[len("member_no:"):]: int(key) for value, key in conn.execute(
        select(_entity_uniques.c.value, _entity_uniques.c.key).where(
            _entity_uniques.c.entity == "member",
            _entity_uniques.c.value.like("member_no:%"))) if str(key).isdigit()}


def _moment(text: Any, default: datetime) -> datetime:
    try:
        t = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return default
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)


def _consents_from_signups(conn: Connection, consents: Table) -> None:
    ids = _member_ids(conn)
    seen: set[int] = set()
    for part in _batches(conn, select(_events.c.event_id, _events.c.store_id,
                                      _events.c.payload, _events.c.occurred_at)
                         .where(_events.c.type == "member_signup")
                         .order_by(_events.c.occurred_at)):
        rows = []
        for event_id, store_id, payload, at in part:
            data = json.loads(payload)
            member_id = ids.get(str(data.get("member_no")))
            if member_id is None or member_id in seen:
                continue  # not a member (refused, or a duplicate number), or counted
            seen.add(member_id)
            rows.append({"member_id": member_id, "purpose": "membership",
                         "text_version": str(data.get("consent_version") or "?")[:64],
                         "given_at": _moment(data.get("consented_at"), at),
                         "given_channel": "till", "given_store_id": store_id,
                         "given_event_id": event_id if isinstance(event_id, uuid.UUID)
                         else uuid.UUID(str(event_id))})
        if rows:
            conn.execute(consents.insert(), rows)


def _activity(conn: Connection, activity: Table) -> None:
    latest: dict[int, datetime] = {}

    def seen(rows: Any) -> None:
        for member_id, at in rows:
            if member_id is None or at is None:
                continue
            mid = int(member_id)
            if mid not in latest or at > latest[mid]:
                latest[mid] = at

    seen((int(k), at) for k, at in conn.execute(
        select(_entities.c.key, _entities.c.updated_at).where(_entities.c.entity == "member"))
        if str(k).isdigit())
    seen(conn.execute(select(_stores.c.member_id, func.max(_stores.c.last_at))
                      .group_by(_stores.c.member_id)))
    seen(conn.execute(select(_ledger.c.member_id, func.max(_ledger.c.created_at))
                      .group_by(_ledger.c.member_id)))
    seen(conn.execute(select(_sales.c.member_id, func.max(_sales.c.completed_at))
                      .where(_sales.c.member_id.is_not(None)).group_by(_sales.c.member_id)))
    members = {int(k) for (k,) in conn.execute(
        select(_entities.c.key).where(_entities.c.entity == "member")) if str(k).isdigit()}
    rows = [{"member_id": m, "last_at": at} for m, at in sorted(latest.items()) if m in members]
    for i in range(0, len(rows), BATCH):
        conn.execute(activity.insert(), rows[i:i + BATCH])


def _member_orders(conn: Connection, orders: Table) -> None:
    """Read a page of orders at a time (an order's record is large)."""
    ids = _member_ids(conn)
    after = ""
    while True:
        part = conn.execute(select(_orders.c.key, _orders.c.data)
                            .where(_orders.c.entity == "order", _orders.c.key > after)
                            .order_by(_orders.c.key).limit(BATCH)).all()
        rows = []
        for order_no, data in part:
            member_id = ids.get(str(json.loads(data).get("member_no")))
            if member_id is not None:
                rows.append({"member_id": member_id, "order_no": order_no})
        if rows:
            conn.execute(orders.insert(), rows)
        if len(part) < BATCH:
            return
        after = part[-1][0]
