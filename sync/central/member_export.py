"""``posclient-central member export NO``: all the central holds about one member, as one JSON
document (issue 17, the right of access: docs/privacy.md).

The document (``format`` 1), each part read from the table named:

- ``member``: the record the tills get (``entities``: masked name, the phone's keyed hash and
  last four digits, tier, points, active); ``personal``: the name and the phone
  (``member_personal``); ``activity``: the latest sale, order, look-up or sign-up;
- ``consents`` (``member_consents``); ``stores``: the stores whose tills keep the member and
  why (``member_stores``: sign-up, purchase, the latest online look-up there);
- ``points_ledger``; ``channel_points``: the points a channel redeemed for the member (its
  request ids and orders); ``sales``: each sale or pick-up with the member (``sales``, with its
  event as the till sent it); ``events``: the member's other events (its sign-up, its consents, the
  returns that moved its points); ``orders``: its web orders (as the tills get them), and
  ``order_customers``: the customer's name and phone on them (``order_personal``);
- ``feed_changes``: the member's record as the feed still holds it, per store;
- ``exceptions`` naming the member (another member a duplicate phone points to is left out),
  the ``quarantine``'s events naming it, the tills' ``audit_records`` naming it;
- ``erasure``: when and why it was erased, if it was (what is left then has no personal
  data).

Nothing of another member: every part is selected by this member's id or number. A long
history is written as it is read (a batch of rows at a time, in one database snapshot), never
held whole in memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any, TextIO
from uuid import UUID

from sqlalchemy import Connection, Engine, or_, select, union

from sync.central import members
from sync.central.db import reader
from sync.central.schema import (
    audit_records,
    changes,
    channel_points,
    entities,
    events,
    exceptions,
    member_activity,
    member_consents,
    member_erasures,
    member_orders,
    member_personal,
    member_stores,
    order_personal,
    points_ledger,
    quarantine,
    sales,
)

FORMAT = 1
FETCH = 1_000
# Fields of an exception's detail that name another member (a duplicate phone's owner).
OTHER_MEMBER = ("existing_member_no", "existing_member_id")


class UnknownMember(LookupError):
    """The central holds nothing under this number."""


def export(engine: Engine, member_no: str, out: TextIO, now: datetime) -> None:
    """Write the member's document to ``out`` (module docstring). Raises
    :class:`UnknownMember` before writing anything when the number is no member's and was
    never erased."""
    with reader(engine) as conn:
        member_id = members.id_of(conn, member_no)
        erased = conn.execute(select(member_erasures).where(
            member_erasures.c.member_no == member_no)).first()
        if member_id is None:
            if erased is None:
                raise UnknownMember(member_no)
            member_id = erased.member_id
        out.write(f'{{"format":{FORMAT},"member_no":{_dump(member_no)},'
                  f'"exported_at":{_dump(now)}')
        for name, value in _parts(conn, member_id, member_no):
            if isinstance(value, Iterator):
                _write_list(out, name, value)
            else:
                _write_value(out, name, value)
        _write_value(out, "erasure", None if erased is None else _row(erased))
        out.write("}\n")


def _parts(conn: Connection, member_id: int | None,
           member_no: str) -> Iterator[tuple[str, Any]]:
    """Each part's name and its value: an iterator of rows (a list), or one value."""
    mid = -1 if member_id is None else member_id  # a refused sign-up: no id, no rows by id
    yield "member", _one(conn, select(entities.c.data).where(
        entities.c.entity == "member", entities.c.key == str(mid)), json_column="data")
    yield "personal", _one(conn, select(
        member_personal.c.name, member_personal.c.phone, member_personal.c.updated_at)
        .where(member_personal.c.member_id == mid))
    yield "activity", _one(conn, select(member_activity.c.last_at).where(
        member_activity.c.member_id == mid))
    yield "consents", _rows(conn, select(member_consents).where(
        member_consents.c.member_id == mid).order_by(member_consents.c.id))
    yield "stores", _rows(conn, select(member_stores).where(
        member_stores.c.member_id == mid).order_by(member_stores.c.store_id))
    yield "points_ledger", _rows(conn, select(points_ledger).where(
        points_ledger.c.member_id == mid).order_by(points_ledger.c.id))
    yield "channel_points", _rows(conn, select(channel_points).where(
        channel_points.c.member_id == mid).order_by(channel_points.c.created_at))
    ledger_events = select(points_ledger.c.event_id).where(
        points_ledger.c.member_id == mid, points_ledger.c.event_id.is_not(None))
    # the sales naming the member, and those before v12 that named it by number only (their
    # points moved): each an index scan, not one pass over every sale
    theirs = union(select(sales.c.event_id).where(sales.c.member_id == mid),
                   select(sales.c.event_id).where(sales.c.event_id.in_(ledger_events))
                   ).subquery()
    yield "sales", _rows(conn, select(sales, events.c.payload.label("event"))
                         .join(theirs, theirs.c.event_id == sales.c.event_id)
                         .join(events, events.c.event_id == sales.c.event_id)
                         .order_by(sales.c.completed_at, sales.c.event_id),
                         json_column="event")
    consent_events = union(
        select(member_consents.c.given_event_id.label("e")).where(
            member_consents.c.member_id == mid), select(member_consents.c.withdrawn_event_id)
        .where(member_consents.c.member_id == mid))
    yield "events", _rows(conn, select(events).where(
        events.c.type.not_in(("sale", "pickup")),
        or_(events.c.event_id.in_(ledger_events), events.c.event_id.in_(
            select(consent_events.subquery().c.e)))).order_by(events.c.occurred_at),
        json_column="payload")
    yield "orders", _rows(conn, select(entities.c.data).select_from(
        member_orders.join(entities, (entities.c.entity == "order")
                           & (entities.c.key == member_orders.c.order_no)))
        .where(member_orders.c.member_id == mid).order_by(member_orders.c.order_no),
        json_column="data", bare=True)
    yield "order_customers", _rows(conn, select(order_personal).select_from(
        member_orders.join(order_personal, order_personal.c.order_no == member_orders.c.order_no))
        .where(member_orders.c.member_id == mid).order_by(order_personal.c.order_no))
    yield "feed_changes", _rows(conn, select(
        changes.c.seq, changes.c.op, changes.c.store_id, changes.c.changed_at, changes.c.data)
        .where(changes.c.entity == "member", changes.c.key == str(mid))
        .order_by(changes.c.seq), json_column="data")
    yield "exceptions", _exceptions(conn, member_no)
    yield "quarantine", _quarantined(conn, member_no)
    yield "audit_records", _rows(conn, select(audit_records).where(
        audit_records.c.detail.contains(f'"member_no":{_dump(member_no)}', autoescape=True))
        .order_by(audit_records.c.store_id, audit_records.c.terminal_id, audit_records.c.id),
        json_column="detail")


def _exceptions(conn: Connection, member_no: str) -> Iterator[dict[str, Any]]:
    named = (f'"subject":{_dump(member_no)}', f'"member_no":{_dump(member_no)}')
    for row in _rows(conn, select(exceptions).where(or_(*(
            exceptions.c.detail.contains(n, autoescape=True) for n in named)))
            .order_by(exceptions.c.id), json_column="detail"):
        detail = row["detail"]
        if isinstance(detail, dict) and member_no in (detail.get("subject"),
                                                      detail.get("member_no")):
            row["detail"] = {k: v for k, v in detail.items() if k not in OTHER_MEMBER}
            yield row


def _quarantined(conn: Connection, member_no: str) -> Iterator[dict[str, Any]]:
    for row in _rows(conn, select(quarantine).where(quarantine.c.raw.contains(
            f'"member_no":{_dump(member_no)}', autoescape=True)).order_by(quarantine.c.id),
            json_column="raw"):
        payload = row["raw"].get("payload") if isinstance(row["raw"], dict) else None
        if isinstance(payload, dict) and payload.get("member_no") == member_no:
            yield row


# -- reading and writing -------------------------------------------------------------------------

def _one(conn: Connection, query: Any, *, json_column: str = "") -> Any:
    rows = list(_rows(conn, query, json_column=json_column, bare=bool(json_column)))
    return rows[0] if rows else None


def _rows(conn: Connection, query: Any, *, json_column: str = "",
          bare: bool = False) -> Iterator[Any]:
    """The query's rows as JSON-ready dicts, a batch at a time; ``json_column``: a column of
    JSON text, embedded as its value (``bare``: the row is that value alone)."""
    for row in conn.execute(query.execution_options(yield_per=FETCH)):
        item = _row(row)
        if json_column:
            text = item.get(json_column)
            item[json_column] = None if text is None else json.loads(text)
            if bare:
                yield item[json_column]
                continue
        yield item


def _row(row: Any) -> dict[str, Any]:
    return {k: _plain(v) for k, v in row._mapping.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    return value


def _dump(value: Any) -> str:
    return json.dumps(_plain(value), ensure_ascii=False, separators=(",", ":"))


def _write_value(out: TextIO, name: str, value: Any) -> None:
    out.write(f",{_dump(name)}:{_dump(value)}")


def _write_list(out: TextIO, name: str, rows: Iterator[Any]) -> None:
    out.write(f",{_dump(name)}:[")
    for i, item in enumerate(rows):
        out.write(("," if i else "") + "\n" + _dump(item))
    out.write("]")
