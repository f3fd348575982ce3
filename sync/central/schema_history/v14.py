"""Schema v14: a web order's customer apart from what the tills get (issue 17, frozen).

- ``order_personal`` takes each order's customer name and phone number out of its record
  (``entities``, entity ``order``), which keeps what a till may hold: the masked name, the
  phone's keyed hash (HMAC-SHA256 with the chain's phone key, in ``meta`` since v11; made here
  if there is none) and its last four digits. A phone that is not a mainland mobile number is
  kept in ``order_personal`` only (no hash, no last digits).
- The feed's past order changes are rewritten the same way: the central keeps a customer's
  name and phone in ``order_personal`` only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    MetaData,
    String,
    Table,
    column,
    select,
    table,
    update,
)

from sync.central.schema_history.types import UtcDateTime

BATCH = 5_000

# the tables v14 reads and writes, as they were at v13
_meta = table("meta", column("key"), column("value"))
_entities = table("entities", column("entity"), column("key"), column("data"))
_changes = table("changes", column("seq"), column("entity"), column("data"))

_MOBILE = re.compile(r"^1\d{10}$")


def upgrade(conn: Connection) -> None:
    """v14 (module docstring)."""
    md = MetaData()
    personal = Table(
        "order_personal", md,
        Column("order_no", String(64), primary_key=True),
        Column("name", String(200), nullable=False, default=""),
        Column("phone", String(32)),
        Column("updated_at", UtcDateTime, nullable=False))
    md.create_all(conn)
    key = _phone_key(conn)
    now = datetime.now(UTC)
    for part in _batches(conn, select(_entities.c.key, _entities.c.data)
                         .where(_entities.c.entity == "order").order_by(_entities.c.key)):
        people = []
        for order_no, text in part:
            data = json.loads(text)
            conn.execute(update(_entities).where(_entities.c.entity == "order",
                                                 _entities.c.key == order_no)
                         .values(data=_dump(_projection(data, key))))
            name = str(data.get("customer_name") or "")[:200]
            phone = data.get("customer_phone")
            phone = _normalise(phone) or (str(phone)[:32] if phone else None)
            people.append({"order_no": order_no, "name": name, "phone": phone,
                           "updated_at": now})
        if people:
            conn.execute(personal.insert(), people)
    for part in _batches(conn, select(_changes.c.seq, _changes.c.data)
                         .where(_changes.c.entity == "order", _changes.c.data.is_not(None))):
        for seq, text in part:
            conn.execute(update(_changes).where(_changes.c.seq == seq)
                         .values(data=_dump(_projection(json.loads(text), key))))


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


def _projection(data: dict[str, Any], key: bytes) -> dict[str, Any]:
    """An order record as the tills get it: the name masked, the phone as its hash and last
    four digits (none for a number that is not a mainland mobile number)."""
    out = {k: v for k, v in data.items() if k not in ("customer_name", "customer_phone")}
    name = str(data.get("customer_name") or "").strip()
    out["customer_name"] = name[0] + "**" if name else ""
    phone = _normalise(data.get("customer_phone"))
    out["customer_phone_hash"] = None if phone is None else hmac.new(
        key, phone.encode("ascii"), hashlib.sha256).hexdigest()
    out["customer_phone_last4"] = None if phone is None else phone[-4:]
    return out


def _batches(conn: Connection, query: Any) -> Iterator[Sequence[Any]]:
    rows = conn.execute(query).all()
    for i in range(0, len(rows), BATCH):
        yield rows[i:i + BATCH]
