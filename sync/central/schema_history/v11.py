"""Schema v11: a member's personal data apart from what the tills get, and members per store
(issue 17, frozen).

- ``member_personal`` takes each member's name and phone number out of its record
  (``entities``), which keeps what a till may hold: the masked name, the phone's keyed hash
  (HMAC-SHA256 with the chain's phone key, made here in ``meta`` if there is none yet) and
  its last four digits. The unique values ``phone:<number>`` become ``phone:<hash>``.
- ``member_stores``: a member is on the tills of the store where it signed up (from the
  ``member_signup`` events) and of the stores where it bought in the last 365 days (from the
  points ledger).
- The feed's past member changes and the stored ``member_signup`` events are rewritten the
  same way: the central keeps a member's name and phone in ``member_personal`` only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    column,
    delete,
    select,
    table,
    update,
)

from sync.central.schema_history.types import UtcDateTime

BATCH = 5_000
DAYS = 365  # the default window of a purchase (sync/central/members.py at v11)

# the tables v11 reads and writes, as they were at v10
_meta = table("meta", column("key"), column("value"))
_entities = table("entities", column("entity"), column("key"), column("data"))
_entity_uniques = table("entity_uniques", column("entity"), column("value"), column("key"))
_changes = table("changes", column("seq"), column("entity"), column("data"))
_events = table("events", column("event_id"), column("type"), column("store_id"),
                column("payload"), column("occurred_at", UtcDateTime))
_ledger = table("points_ledger", column("member_id"), column("store_id"),
                column("created_at", UtcDateTime))

_MOBILE = re.compile(r"^1\d{10}$")


def upgrade(conn: Connection) -> None:
    """v11 (module docstring)."""
    md = MetaData()
    personal = Table(
        "member_personal", md,
        Column("member_id", BigInteger, primary_key=True, autoincrement=False),
        Column("name", String(200), nullable=False, default=""),
        Column("phone", String(32)),
        Column("updated_at", UtcDateTime, nullable=False))
    stores = Table(
        "member_stores", md,
        Column("member_id", BigInteger, primary_key=True, autoincrement=False),
        Column("store_id", String(32), primary_key=True),
        Column("home", Integer, nullable=False, default=0),
        Column("reason", String(8), nullable=False),
        Column("last_at", UtcDateTime, nullable=False),
        Index("member_stores_store", "store_id", "member_id"),
        Index("member_stores_due", "home", "last_at"))
    md.create_all(conn)
    key = _phone_key(conn)
    now = datetime.now(UTC)
    _split_members(conn, personal, key, now)
    _member_stores(conn, stores, now)
    _rewrite_changes(conn, key)
    _rewrite_signups(conn, key)


def _phone_key(conn: Connection) -> bytes:
    value = conn.scalar(select(_meta.c.value).where(_meta.c.key == "phone_key"))
    if value is None:
        value = base64.b64encode(os.urandom(32)).decode("ascii")
        conn.execute(_meta.insert().values(key="phone_key", value=value))
    return base64.b64decode(value)


def _normalise(text: Any) -> str | None:
    compact = re.sub(r"[\s\-().]", "", str(text or ""))
    for prefix in ("+86", "0086"):
        if compact.startswith(prefix):
            compact = compact[len(prefix):]
    if len(compact) == 13 and compact.startswith("86"):
        compact = compact[2:]
    return compact if _MOBILE.match(compact) else None


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _projection(data: dict[str, Any], key: bytes) -> tuple[dict[str, Any], str | None]:
    """A member record without its name and phone, and the phone's hash (or None)."""
    out = {k: v for k, v in data.items() if k not in ("name", "phone")}
    name = str(data.get("name") or "").strip()
    out["name"] = name[0] + "**" if name else ""
    phone = _normalise(data.get("phone"))
    digest = None
    if phone is not None:
        digest = hmac.new(key, phone.encode("ascii"), hashlib.sha256).hexdigest()
        out["phone_hash"], out["phone_last4"] = digest, phone[-4:]
    return out, digest


def _batches(conn: Connection, query: Any) -> Iterator[Sequence[Any]]:
    rows = conn.execute(query).all()
    for i in range(0, len(rows), BATCH):
        yield rows[i:i + BATCH]


def _split_members(conn: Connection, personal: Table, key: bytes, now: datetime) -> None:
    conn.execute(delete(_entity_uniques).where(_entity_uniques.c.entity == "member",
                                               _entity_uniques.c.value.like("phone:%")))
    taken: set[str] = set()
    for part in _batches(conn, select(_entities.c.key, _entities.c.data)
                         .where(_entities.c.entity == "member").order_by(_entities.c.key)):
        people, uniques = [], []
        for member_key, text in part:
            data = json.loads(text)
            projected, digest = _projection(data, key)
            conn.execute(update(_entities).where(_entities.c.entity == "member",
                                                 _entities.c.key == member_key)
                         .values(data=_dump(projected)))
            if str(member_key).isdigit():
                phone = _normalise(data.get("phone")) or (str(data.get("phone") or "")[:32]
                                                          or None)
                people.append({"member_id": int(member_key), "updated_at": now, "phone": phone,
                               "name": str(data.get("name") or "")[:200]})
            if digest is not None and digest not in taken:
                taken.add(digest)
                uniques.append({"entity": "member", "value": f"phone:{digest}",
                                "key": member_key})
        if people:
            conn.execute(personal.insert(), people)
        if uniques:
            conn.execute(_entity_uniques.insert(), uniques)


def _member_stores(conn: Connection, stores: Table, now: datetime) -> None:
    ids = dict(conn.execute(select(_entity_uniques.c.value, _entity_uniques.c.key).where(
        _entity_uniques.c.entity == "member", _entity_uniques.c.value.like("member_no:%"))).all())
    found: dict[tuple[int, str], dict[str, Any]] = {}
    for part in _batches(conn, select(_events.c.store_id, _events.c.payload,
                                      _events.c.occurred_at)
                         .where(_events.c.type == "member_signup")):
        for store_id, payload, at in part:
            member_key = ids.get(f"member_no:{json.loads(payload).get('member_no')}")
            if member_key is not None and str(member_key).isdigit():
                found[(int(member_key), store_id)] = {"home": 1, "reason": "signup",
                                                      "last_at": at}
    cutoff = now - timedelta(days=DAYS)
    for member_id, store_id, last in conn.execute(
            select(_ledger.c.member_id, _ledger.c.store_id, _ledger.c.created_at)
            .where(_ledger.c.store_id.is_not(None), _ledger.c.created_at >= cutoff)):
        row = found.setdefault((int(member_id), store_id),
                               {"home": 0, "reason": "purchase", "last_at": last})
        if last > row["last_at"]:
            row.update(reason="purchase", last_at=last)
    rows = [{"member_id": m, "store_id": s, **r} for (m, s), r in sorted(found.items())]
    for i in range(0, len(rows), BATCH):
        conn.execute(stores.insert(), rows[i:i + BATCH])


def _rewrite_changes(conn: Connection, key: bytes) -> None:
    for part in _batches(conn, select(_changes.c.seq, _changes.c.data)
                         .where(_changes.c.entity == "member", _changes.c.data.is_not(None))):
        for seq, text in part:
            projected, _ = _projection(json.loads(text), key)
            conn.execute(update(_changes).where(_changes.c.seq == seq)
                         .values(data=_dump(projected)))


def _rewrite_signups(conn: Connection, key: bytes) -> None:
    for part in _batches(conn, select(_events.c.event_id, _events.c.payload)
                         .where(_events.c.type == "member_signup")):
        for event_id, text in part:
            payload = json.loads(text)
            if "phone" not in payload and "name" not in payload:
                continue
            projected, _ = _projection(payload, key)
            projected["name_masked"] = projected.pop("name")
            conn.execute(update(_events).where(_events.c.event_id == event_id)
                         .values(payload=_dump(projected)))
