"""One exception per incident: the events' business problems filed for the store's manager.

An event's problems (sync/central/ingest.py, returns.py, ...) are filed as exceptions keyed by
their **incident**, so that what is one thing for a manager is one row, however many events
show it:

- ``oversold``: the store, the product and the business day (the event's ``occurred_at`` in the
  store's time zone, ``store_settings.timezone``): a busy day of offline sales of a product
  that ran out is one exception, not one per sale.
- ``double_refund`` / ``refund_over_payment``: the store and the purchase (receipt or web order)
  refunded beyond what was bought or paid: the duplicate refund of two offline tills is one
  exception (sync/central/returns.py merges an event's refund problems into one), and its web
  refund request is ``held`` until the manager decides.
- ``member_lookup_cap``: the store, the terminal and the store's day on which the terminal
  reached the chain's daily cap of online member look-ups (sync/central/lookup_limits.py). No
  event is behind it (:func:`file_alone`).
- ``aisle_unreserved``: the order placed at a till that its fulfilling store could not hold
  (sync/central/aisle.py), filed for that store: one per order.
- anything else: the event itself (one exception per problem of an event, as before).

At most one *open* exception has a key (a unique index on ``(store_id, incident_key)`` where
``status = 'open'``). Filing is an upsert (``INSERT ... ON CONFLICT ... DO UPDATE``: the count
grows, the detail becomes the latest event's) and one row per event in ``exception_events``,
in the event's own transaction: concurrent batches on PostgreSQL wait for each other's row and
then add to it; SQLite has one writer. Once resolved, the next event of the incident opens a new
exception. Resolving one resolves every event behind it; a held refund request needs the
decision with it (``refund``: ``approve`` -> requested, ``refuse`` -> refused).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from hashlib import sha256
from typing import Any, Literal
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Row, func, select, update

from posclient.domain.money import Money
from sync.central.db import among, bound_columns, bulk_insert, chunks, is_postgres
from sync.central.errors import Conflict, NotFound
from sync.central.promotions import store_zone
from sync.central.schema import (
    dump_json,
    entities,
    exception_events,
    exceptions,
    refund_requests,
)

REFUND_KINDS = ("double_refund", "refund_over_payment")
EVENTS_LISTED = 100  # event ids listed per exception (``count`` has them all)
CHUNK = 5_000
KEY_MAX = 200

RefundDecision = Literal["approve", "refuse"]


@dataclass(frozen=True, slots=True)
class Problem:
    """A business exception raised by an event: kept open for a manager."""

    kind: str  # oversold, unknown_product, duplicate_receipt, terminal_seq_reused, ...
    subject: str  # what it is about: a product id, a receipt number, a seq
    message: str
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.subject}"


@dataclass(slots=True)
class _Incident:
    row: dict[str, Any]
    events: list[UUID]


@dataclass(frozen=True, slots=True)
class Plan:
    """Exceptions ready to write (:func:`plan`), one per incident key."""

    store_id: str
    incidents: list[_Incident]
    links: list[tuple[str, UUID]]  # (incident key, event), in the order the problems came


def zone_of(conn: Connection, store_id: str) -> ZoneInfo:
    """The store's time zone (``store_settings.timezone``), which dates its oversells."""
    raw = conn.scalar(select(entities.c.data).where(entities.c.entity == "store_settings",
                                                    entities.c.key == store_id))
    return store_zone(json.loads(raw) if raw else {})


def plan(conn: Connection, store_id: str, terminal_id: str | None,
         found: Iterable[tuple[UUID, datetime, Problem]], now: datetime, *,
         zone: ZoneInfo | None = None) -> Plan:
    """Key ``(event_id, occurred_at, problem)`` triples by incident, in order (reads the store's
    time zone, unless given, if a problem needs its day; writes nothing, so a batch can plan
    before its pipelined commit)."""
    found = list(found)
    if zone is None and any(p.kind == "oversold" for _, _, p in found):
        zone = zone_of(conn, store_id)
    by_key: dict[str, _Incident] = {}
    links: list[tuple[str, UUID]] = []
    for event_id, at, p in found:
        data = dict(p.data)
        if p.kind == "oversold" and zone is not None:
            data["day"] = _aware(at).astimezone(zone).date().isoformat()
        key = incident_key(p, event_id, data)
        detail = dump_json({"subject": p.subject, "message": p.message, **data})
        inc = by_key.get(key)
        if inc is None:
            by_key[key] = _Incident({
                "kind": p.kind, "store_id": store_id, "terminal_id": terminal_id,
                "event_id": event_id, "status": "open", "comment": "", "created_at": now,
                "detail": detail, "incident_key": key, "count": 1, "last_at": now}, [event_id])
            links.append((key, event_id))
        else:
            inc.row["detail"] = detail
            if event_id not in inc.events:
                inc.events.append(event_id)
                inc.row["count"] = len(inc.events)
                links.append((key, event_id))
    return Plan(store_id, list(by_key.values()), links)


def incident_key(p: Problem, event_id: UUID, data: dict[str, Any]) -> str:
    """What makes two problems one incident (module docstring)."""
    if p.kind == "oversold" and "day" in data:
        key = f"oversold:{p.subject}:{data['day']}"
    elif p.kind in REFUND_KINDS:
        key = f"refund:{data.get('source_kind', '')}:{p.subject}"
    elif p.kind == "aisle_unreserved":
        key = f"aisle_unreserved:{p.subject}"  # one per order, whatever re-sends it
    else:
        key = f"event:{event_id}:{p.kind}:{p.subject}"
    return key if len(key) <= KEY_MAX else "sha256:" + sha256(key.encode()).hexdigest()


def write(conn: Connection, planned: Plan) -> None:
    """Upsert the planned exceptions and link their events (statements whose results are not
    read: they can run in a pipelined commit, sync/central/feed.py ``Tx.commit``)."""
    if not planned.incidents:
        return
    incidents = sorted(planned.incidents, key=lambda i: i.row["incident_key"])  # lock order
    bulk_insert(conn, exceptions, [i.row for i in incidents],
                conflict=("store_id", "incident_key"), conflict_where="status = 'open'",
                update={"count": 'exceptions."count" + excluded."count"',
                        "detail": "excluded.detail", "last_at": "excluded.last_at"})
    links = planned.links
    (event_ids,) = bound_columns(conn, exception_events, ["event_id"],
                                 [{"event_id": e} for _, e in links])
    keys = [k for k, _ in links]
    if is_postgres(conn):
        with conn.connection.dbapi_connection.cursor() as cur:  # type: ignore[union-attr]
            cur.execute(
                "INSERT INTO exception_events (exception_id, event_id) "
                "SELECT e.id, v.event_id FROM unnest(%b::varchar[], %b::uuid[]) "
                "WITH ORDINALITY AS v(incident_key, event_id, n) "
                "JOIN exceptions e ON e.store_id = %b AND e.incident_key = v.incident_key "
                "AND e.status = 'open' ORDER BY v.n ON CONFLICT DO NOTHING",
                (keys, event_ids, planned.store_id))
        return
    conn.exec_driver_sql(
        "INSERT INTO exception_events (exception_id, event_id) SELECT id, ? FROM exceptions "
        "WHERE store_id = ? AND incident_key = ? AND status = 'open' ON CONFLICT DO NOTHING",
        [(e, planned.store_id, k) for k, e in zip(keys, event_ids, strict=True)])


def file(conn: Connection, store_id: str, terminal_id: str | None,
         found: Iterable[tuple[UUID, datetime, Problem]], now: datetime) -> None:
    """:func:`plan` and :func:`write` at once."""
    write(conn, plan(conn, store_id, terminal_id, found, now))


def file_alone(conn: Connection, store_id: str, terminal_id: str | None, p: Problem, key: str,
               now: datetime) -> None:
    """An incident no event is behind (what a terminal asked of the central: the daily cap of
    member look-ups, sync/central/lookup_limits.py), keyed ``key``: a new open exception, or one
    more in the count of the one open."""
    bulk_insert(conn, exceptions, [{
        "kind": p.kind, "store_id": store_id, "terminal_id": terminal_id, "event_id": None,
        "status": "open", "comment": "", "created_at": now,
        "detail": dump_json({"subject": p.subject, "message": p.message, **p.data}),
        "incident_key": key, "count": 1, "last_at": now}],
        conflict=("store_id", "incident_key"), conflict_where="status = 'open'",
        update={"count": 'exceptions."count" + excluded."count"',
                "detail": "excluded.detail", "last_at": "excluded.last_at"})


def labels(conn: Connection, event_ids: Sequence[UUID]) -> dict[UUID, list[str]]:
    """The exception labels (``kind:subject``) each event is behind, in filing order: what a
    duplicate of the event answers, as its first arrival did."""
    out: dict[UUID, list[str]] = {}
    x, ee = exceptions, exception_events
    for part in chunks(sorted(set(event_ids)), CHUNK):
        for eid, kind, detail in conn.execute(
                select(ee.c.event_id, x.c.kind, x.c.detail)
                .join(x, x.c.id == ee.c.exception_id)
                .where(among(conn, ee.c.event_id, part)).order_by(ee.c.id)):
            out.setdefault(eid, []).append(f"{kind}:{json.loads(detail).get('subject', '')}")
    return out


# -- reading and resolving ------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Extra:
    """What an exception row does not hold itself: the events behind it (the first
    :data:`EVENTS_LISTED`) and the web refunds held for its decision."""

    events: list[UUID]
    held_refund: int
    held_currency: str = ""


def extras(conn: Connection, rows: Sequence[Row[Any]]) -> dict[int, Extra]:
    """:class:`Extra` of each exception row (an exception filed without events lists its own
    ``event_id``, if any)."""
    ids = [int(r.id) for r in rows]
    events: dict[int, list[UUID]] = {i: [] for i in ids}
    held: dict[int, tuple[int, str]] = {}
    ee, rr = exception_events, refund_requests
    for part in chunks(ids, 1000):
        ranked = (select(ee.c.exception_id, ee.c.event_id, func.row_number().over(
            partition_by=ee.c.exception_id, order_by=ee.c.id).label("n"))
            .where(among(conn, ee.c.exception_id, part)).subquery())
        for xid, eid in conn.execute(select(ranked.c.exception_id, ranked.c.event_id)
                                     .where(ranked.c.n <= EVENTS_LISTED)
                                     .order_by(ranked.c.exception_id, ranked.c.n)):
            events[int(xid)].append(eid)
        refund_ids = [int(r.id) for r in rows if r.kind in REFUND_KINDS and int(r.id) in part]
        if refund_ids:
            for xid, currency, amount in conn.execute(
                    select(ee.c.exception_id, rr.c.currency, func.sum(rr.c.amount))
                    .join(rr, rr.c.event_id == ee.c.event_id)
                    .where(among(conn, ee.c.exception_id, refund_ids), rr.c.status == "held")
                    .group_by(ee.c.exception_id, rr.c.currency)):
                held[int(xid)] = (int(amount), str(currency))
    return {r.id: Extra(events[int(r.id)] or ([r.event_id] if r.event_id else []),
                        *held.get(int(r.id), (0, ""))) for r in rows}


def resolve(conn: Connection, exception_id: int, comment: str, now: datetime, *,
            store_id: str | None = None, refund: RefundDecision | None = None,
            resolved_by: str | None = None) -> Row[Any]:
    """Resolve an exception and so every event behind it (``store_id``: only that store's;
    a repeat keeps the first resolution). Web refunds held for it need ``refund``: approved,
    they become payable (``requested``); refused, they are closed (``refused``). Without a
    decision the exception stays open (``409 refund_decision_required``)."""
    q = select(exceptions).where(exceptions.c.id == exception_id)
    if store_id is not None:
        q = q.where(exceptions.c.store_id == store_id)
    row = conn.execute(q.with_for_update() if is_postgres(conn) else q).first()
    if row is None:
        where = f"Store {store_id} has no" if store_id is not None else "No"
        raise NotFound(f"{where} exception {exception_id}.", code="exception_unknown")
    if row.status == "resolved":
        return row
    behind = select(exception_events.c.event_id).where(
        exception_events.c.exception_id == exception_id)
    held = refund_requests.c.status == "held"
    if row.kind in REFUND_KINDS:
        waiting = conn.execute(select(refund_requests.c.amount, refund_requests.c.currency)
                               .where(held, refund_requests.c.event_id.in_(behind))).all()
        amount = sum(int(a) for a, _ in waiting)
        if amount and refund is None:
            raise Conflict(
                f"Exception {exception_id} holds a web refund of "
                f"{shown(amount, waiting[0][1])}: decide it with the resolution "
                "(--refund approve or --refund refuse; over the API \"refund\": \"approve\" "
                "or \"refuse\"). Approved, the web shop pays it; refused, it is closed.",
                code="refund_decision_required")
        if amount:
            conn.execute(update(refund_requests).where(held, refund_requests.c.event_id.in_(
                behind)).values(status="requested" if refund == "approve" else "refused",
                                decided_at=now))
    values: dict[str, Any] = {"status": "resolved", "comment": comment.strip(),
                              "resolved_at": now}
    if resolved_by is not None:
        values["resolved_by"] = resolved_by
    conn.execute(update(exceptions).where(exceptions.c.id == exception_id).values(**values))
    return conn.execute(select(exceptions).where(exceptions.c.id == exception_id)).one()


def shown(minor: int, currency: str) -> str:
    """An amount for a message, ``59.90 CNY``; in minor units if the currency is not one the
    product knows (a message never fails an event)."""
    try:
        return str(Money(minor, currency))
    except ValueError:
        return f"{minor} {currency} (minor units)"


def _aware(t: datetime) -> datetime:
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t
