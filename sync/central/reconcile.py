"""A store's business day as the central has it, for the store manager at a till
(``GET /v1/store/reconciliation``), and the store's exceptions to resolve with a comment
(``GET /v1/store/exceptions``, ``POST /v1/store/exceptions/{id}/resolve``).

The day is the store's local date (``timezone`` of its store_settings). Every figure is a sum
over the events received whose ``occurred_at`` falls in that day: sales and pick-ups (count,
total, discounts, tenders from the payload's tenders, categories from the lines' products, the
local hour; the orders placed at the till for other stores, whose ``paid_now`` is in the sales
total and the tenders but in no category), returns (count, total, refund tenders), cash
movements, and the over/short of the shifts closed. The tills' own ``z_report`` events of the
day are read back as they were sent, so a manager sees each till's Z next to the central's
sums: they agree when every event arrived.
What a till has not uploaded shows as its ``terminal_seq`` gaps and its last event's time.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Row, select

from sync.central import card_orphans, incidents
from sync.central.db import among, chunks
from sync.central.errors import InvalidRequest
from sync.central.feed import Tx
from sync.central.promotions import store_zone
from sync.central.schema import (
    entities,
    events,
    exceptions,
    quarantine,
    terminal_gaps,
    terminals,
)
from sync.protocol import (
    Figures,
    RejectedEvent,
    SeqGap,
    StoreException,
    StoreReconciliation,
    TenderFigures,
    TerminalReconciliation,
    ZFigures,
)

SALE_TYPES = ("sale", "pickup")
READ_TYPES = (*SALE_TYPES, "return", "cash_movement", "shift_close", "z_report",
              *card_orphans.TYPES)


class _Sums:
    """Figures being added up (mutable; :meth:`figures` freezes them)."""

    def __init__(self) -> None:
        self.v: dict[str, Any] = {
            "sales_count": 0, "sales_total": 0, "discounts": 0, "pickups_count": 0,
            "pickups_total": 0, "returns_count": 0, "returns_total": 0, "aisle_count": 0,
            "aisle_paid": 0}
        self.tenders: dict[str, dict[str, int]] = {}
        self.categories: dict[str, int] = {}
        self.hours = [0] * 24
        self.movements: dict[str, int] = {}
        self.over_short: dict[str, int] = {}

    def tender(self, kind: str, side: str, amount: int) -> None:
        self.tenders.setdefault(kind, {"sales": 0, "refunds": 0})[side] += amount

    def figures(self) -> dict[str, Any]:
        return {**self.v,
                "tenders": {k: TenderFigures(**v) for k, v in sorted(self.tenders.items())},
                "categories": dict(sorted(self.categories.items())), "hours": list(self.hours),
                "movements": dict(sorted(self.movements.items())),
                "over_short": dict(sorted(self.over_short.items()))}


def day_bounds(settings: dict[str, Any], day: date) -> tuple[datetime, datetime, str]:
    """The day's start and end (timezone-aware) in the store's time zone, and the zone's name."""
    zone = store_zone(settings)
    start = datetime.combine(day, time(0), tzinfo=zone)
    return start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone), zone.key


def store_settings(conn: Connection, store_id: str) -> dict[str, Any]:
    raw = conn.scalar(select(entities.c.data).where(entities.c.entity == "store_settings",
                                                    entities.c.key == store_id))
    return json.loads(raw) if raw else {}


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidRequest(f"day {text!r} is not a date (YYYY-MM-DD).",
                             code="invalid_request") from None


def reconciliation(engine: Engine, store_id: str, day: date,
                   now: datetime) -> StoreReconciliation:
    """The store's ``day`` as the central has it (module docstring)."""
    with engine.connect() as conn:
        settings = store_settings(conn, store_id)
        start, end, zone_name = day_bounds(settings, day)
        tills = {r.terminal_id: r for r in conn.execute(
            select(terminals).where(terminals.c.store_id == store_id)
            .order_by(terminals.c.terminal_id))}
        payloads = _day_events(conn, store_id, start, end)
        categories = _categories(conn, {int(ln["product_id"]) for _, typ, _, p in payloads
                                        if typ in SALE_TYPES for ln in p.get("lines", ())})
        orphans = card_orphans.orphan_lines([r for r in payloads
                                             if r[1] in card_orphans.TYPES])
        day_sums = _DaySums(tills, day, start)
        for terminal_id, typ, at, p in payloads:
            day_sums.add(terminal_id, typ, at, p, categories)
        gaps: dict[str, list[SeqGap]] = {}
        for g in conn.execute(select(terminal_gaps).where(terminal_gaps.c.store_id == store_id)
                              .order_by(terminal_gaps.c.first_seq)):
            gaps.setdefault(g.terminal_id, []).append(SeqGap(first_seq=g.first_seq,
                                                             last_seq=g.last_seq))
        rejected = [RejectedEvent(event_id=r.event_id, terminal_id=r.terminal_id,
                                  reason=r.reason, received_at=r.received_at)
                    for r in conn.execute(
                        select(quarantine).where(quarantine.c.store_id == store_id,
                                                 quarantine.c.received_at >= start,
                                                 quarantine.c.received_at < end)
                        .order_by(quarantine.c.id).limit(200))]
        open_ = open_exceptions(conn, store_id)
    out = [_terminal_out(terminal_id, tills.get(terminal_id), day_sums.per[terminal_id],
                         gaps.get(terminal_id, []),
                         sum(1 for r in rejected if r.terminal_id == terminal_id),
                         day_sums.zs.get(terminal_id, []))
           for terminal_id in sorted(day_sums.per)]
    return StoreReconciliation(
        store_id=store_id, day=day.isoformat(), timezone=zone_name,
        currency=str(settings.get("currency") or "CNY"), from_at=start, to_at=end,
        generated_at=now, totals=Figures(**day_sums.total.figures()), terminals=out,
        exceptions=open_, rejected=rejected, card_orphans=orphans)


_Event = tuple[str, str, datetime, dict[str, Any]]  # terminal, type, occurred_at, payload


def _day_events(conn: Connection, store_id: str, start: datetime, end: datetime
                ) -> list[_Event]:
    """The store's events of the types the day reads, in the order they occurred."""
    rows = conn.execute(
        select(events.c.terminal_id, events.c.type, events.c.occurred_at, events.c.payload)
        .where(events.c.store_id == store_id, events.c.type.in_(READ_TYPES),
               events.c.occurred_at >= start, events.c.occurred_at < end)
        .order_by(events.c.occurred_at, events.c.terminal_id, events.c.terminal_seq)).all()
    return [(t, typ, at, json.loads(p)) for t, typ, at, p in rows]


class _DaySums:
    """The day's sums per till and in total, and the tills' own Z reports of the day."""

    def __init__(self, tills: dict[str, Any], day: date, start: datetime) -> None:
        self.day = day.isoformat()
        self.zone = start.tzinfo
        self.per: dict[str, _Sums] = {t: _Sums() for t in tills}
        self.total = _Sums()
        self.zs: dict[str, list[ZFigures]] = {t: [] for t in tills}

    def add(self, terminal_id: str, typ: str, at: datetime, p: dict[str, Any],
            categories: dict[int, str]) -> None:
        if typ in card_orphans.TYPES:
            return
        if typ == "z_report":
            if p.get("business_day") == self.day:
                self.zs.setdefault(terminal_id, []).append(_z(p))
            return
        for sums in (self.per.setdefault(terminal_id, _Sums()), self.total):
            _add(sums, typ, at.astimezone(self.zone).hour, p, categories)


def _terminal_out(terminal_id: str, t: Row[Any] | None, sums: _Sums, gaps: list[SeqGap],
                  rejected: int, zs: list[ZFigures]) -> TerminalReconciliation:
    """One till's day (``t``: its row, None for a till the store no longer has)."""
    return TerminalReconciliation(
        terminal_id=terminal_id, name=t.name if t is not None else "",
        revoked=t is not None and t.revoked_at is not None,
        high_seq=t.high_seq if t is not None else 0,
        last_event_at=t.last_event_at if t is not None else None,
        gaps=gaps, rejected=rejected, z_reports=zs, **sums.figures())


def _add(s: _Sums, typ: str, hour: int, p: dict[str, Any], categories: dict[int, str]) -> None:
    v = s.v
    if typ in SALE_TYPES:
        amount = int(p.get("total", 0))
        v["sales_count"] += 1
        v["sales_total"] += amount
        v["discounts"] += int(p.get("discount_total", 0))
        if typ == "pickup":
            v["pickups_count"] += 1
            v["pickups_total"] += amount
        s.hours[hour] += amount
        for t in p.get("tenders", ()):
            s.tender(str(t.get("kind")), "sales", int(t.get("amount", 0)))
        for ln in p.get("lines", ()):
            cat = categories.get(int(ln["product_id"]), "")
            s.categories[cat] = s.categories.get(cat, 0) + int(ln.get("total", 0))
        for order in p.get("aisle_orders", ()):  # orders for other stores (issue 18)
            v["aisle_count"] += 1
            v["aisle_paid"] += int(order.get("paid_now", 0))
    elif typ == "return":
        v["returns_count"] += 1
        v["returns_total"] += int(p.get("total", 0))
        for t in p.get("tenders", ()):
            s.tender(str(t.get("kind")), "refunds", int(t.get("amount", 0)))
    elif typ == "cash_movement":
        kind = str(p.get("kind"))
        s.movements[kind] = s.movements.get(kind, 0) + int(p.get("amount", 0))
    elif typ == "shift_close":
        for kind, diff in (p.get("over_short") or {}).items():
            s.over_short[kind] = s.over_short.get(kind, 0) + int(diff)


def _z(p: dict[str, Any]) -> ZFigures:
    return ZFigures(
        z_no=p.get("z_no"), business_day=str(p.get("business_day")), from_at=p.get("from_at"),
        to_at=str(p.get("to_at")),
        **{k: int(p.get(k) or 0) for k in ("sales_count", "sales_total", "pickups_count",
                                          "pickups_total", "returns_count", "returns_total")},
        tenders={k: TenderFigures(**v) for k, v in (p.get("tenders") or {}).items()},
        movements={k: int(v) for k, v in (p.get("movements") or {}).items()},
        pending_events=len(p.get("pending_events") or ()),
        card_orphans=list(p.get("card_orphans") or ()))


def _categories(conn: Connection, product_ids: set[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for part in chunks(sorted(str(p) for p in product_ids), 1000):
        for key, raw in conn.execute(select(entities.c.key, entities.c.data).where(
                entities.c.entity == "product", among(conn, entities.c.key, part))):
            out[int(key)] = str(json.loads(raw).get("category") or "")
    return out


# -- exceptions -----------------------------------------------------------------------------------

def exception_out(r: Row[Any], extra: incidents.Extra) -> StoreException:
    return StoreException(id=r.id, kind=r.kind, terminal_id=r.terminal_id, event_id=r.event_id,
                          detail=json.loads(r.detail), status=r.status, comment=r.comment,
                          created_at=r.created_at, resolved_at=r.resolved_at,
                          count=r._mapping["count"],
                          events=extra.events, last_at=r.last_at,
                          held_refund=extra.held_refund)


def open_exceptions(conn: Connection, store_id: str, status: str = "open",
                    limit: int = 500) -> list[StoreException]:
    """The store's exceptions (``status``: open or resolved), oldest first, one per incident
    with its count and events (sync/central/incidents.py)."""
    rows = conn.execute(select(exceptions).where(exceptions.c.store_id == store_id,
                                                 exceptions.c.status == status)
                        .order_by(exceptions.c.id).limit(limit)).all()
    extra = incidents.extras(conn, rows)
    return [exception_out(r, extra[r.id]) for r in rows]


def resolve(tx: Tx, store_id: str, exception_id: int, comment: str,
            staff_id: int | None = None, terminal_id: str | None = None,
            refund: incidents.RefundDecision | None = None) -> StoreException:
    """Resolve one of the store's exceptions, and so every event behind it, with the
    manager's comment and the decision on a web refund it holds (a repeat keeps the first
    resolution). Another store's exception is not found: a till sees its own store."""
    who = f"{staff_id if staff_id is not None else ''}@{terminal_id or ''}"
    row = incidents.resolve(tx.conn, exception_id, comment, tx.now, store_id=store_id,
                            refund=refund, resolved_by=who)
    return exception_out(row, incidents.extras(tx.conn, [row])[row.id])
