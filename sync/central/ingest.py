"""Event ingest (``POST /v1/events``): each event in ONE transaction with all of its effects.

Per event, in order:

1. **Shape**: not a valid :class:`sync.protocol.Event` -> ``rejected`` (quarantined).
2. **Duplicate**: the event_id is already stored for this terminal -> ``duplicate``, with the
   exceptions the first arrival recorded; nothing happens twice. The same id from another
   terminal is refused.
3. **Content**: unknown type, a payload that is not its type's model (``sale``: SalePayload),
   another store's ``store_id`` -> ``rejected``: stored in ``quarantine`` with the reason.
4. **Apply**, in one transaction: the event row, terminal_seq tracking, the effects (``sale``:
   a sales row, stock movements and levels through the ledger), business exceptions, then the
   feed changes (appended last: see sync/central/feed.py). A sale that takes stock below zero is
   ``accepted`` with an ``oversold`` exception: the sale happened; a manager looks at it.

terminal_seq: gap-free on the terminal. A seq beyond ``high + 1`` records the missing range in
``terminal_gaps`` and logs an error (a lost event, until it arrives); a late arrival inside a
gap fills that seq. Rejected events count as received (they are in quarantine, not lost).

Known types without central effects yet (``return``, ``pickup``, ``stock_count``) are stored
with ``effects = 'pending'`` so a later release can apply them from the events table;
``cash_movement``, ``shift_close`` and ``audit`` have none (``effects = 'none'``).

A failure inside one event never fails the others: an unexpected error quarantines that event
(logged with its traceback). Only a database that cannot be reached fails the batch (503); the
terminal re-sends and the events already committed come back as ``duplicate``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from pydantic import ValidationError
from sqlalchemy import Connection, Engine, and_, delete, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from posclient.app.clock import Clock
from sync.central import ledger
from sync.central.db import is_postgres, retrying, upsert, writer
from sync.central.errors import first_error
from sync.central.feed import Tx
from sync.central.identity import TerminalIdentity
from sync.central.schema import (
    dump_json,
    events,
    exceptions,
    quarantine,
    sales,
    terminal_gaps,
    terminals,
)
from sync.protocol import (
    EVENT_PAYLOAD_MODELS,
    EVENT_TYPES,
    UNREADABLE_EVENT_ID,
    Event,
    EventResult,
    SalePayload,
)

log = logging.getLogger(__name__)

NO_CENTRAL_EFFECTS = frozenset({"cash_movement", "shift_close", "audit"})


@dataclass(frozen=True, slots=True)
class Problem:
    """A business exception raised by an event: kept open for a manager."""

    kind: str  # oversold, unknown_product, duplicate_receipt, terminal_seq_reused
    subject: str  # what it is about: a product id, a receipt number, a seq
    message: str
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.subject}"


def ingest_batch(engine: Engine, who: TerminalIdentity, raw_events: Sequence[Any],
                 clock: Clock) -> list[EventResult]:
    """One result per event, in the request's order."""
    with writer(engine) as conn:
        return [_ingest_one(conn, who, raw, clock.now()) for raw in raw_events]


def _ingest_one(conn: Connection, who: TerminalIdentity, raw: Any, now: datetime) -> EventResult:
    try:
        ev = Event.model_validate(raw)
    except ValidationError as exc:
        return _reject(conn, who, raw, _readable_id(raw), _readable_seq(raw),
                       f"malformed event: {first_error(exc)}", now)
    known = _known_result(conn, who, ev.event_id)
    if known is not None:
        return _settle(conn, who, raw, ev, known, now)
    problem = _content_problem(ev, who)
    if problem is not None:
        return _reject(conn, who, raw, ev.event_id, ev.terminal_seq, problem, now)
    try:
        return retrying(lambda: _apply(conn, who, ev, now), what=f"event {ev.event_id}")
    except IntegrityError:
        known = _known_result(conn, who, ev.event_id)  # a concurrent request stored it first
        if known is not None:
            return _settle(conn, who, raw, ev, known, now)
        log.exception("event %s from %s/%s broke a database constraint; quarantined",
                      ev.event_id, who.store_id, who.terminal_id)
    except DBAPIError:
        raise  # the database itself failed: the whole request fails, the terminal re-sends
    except Exception:
        log.exception("event %s from %s/%s could not be processed; quarantined", ev.event_id,
                      who.store_id, who.terminal_id)
    return _reject(conn, who, raw, ev.event_id, ev.terminal_seq,
                   "the central could not process this event (internal error); it is kept in "
                   "quarantine for support", now)


def _settle(conn: Connection, who: TerminalIdentity, raw: Any, ev: Event, known: EventResult,
            now: datetime) -> EventResult:
    """A duplicate as it is; another terminal's event_id goes to quarantine, to be seen."""
    if known.status != "rejected":
        return known
    return _reject(conn, who, raw, ev.event_id, ev.terminal_seq, known.reason or "", now)


def _readable_id(raw: Any) -> UUID | None:
    try:
        return UUID(str(raw["event_id"]))
    except (TypeError, KeyError, ValueError, AttributeError):
        return None


def _readable_seq(raw: Any) -> int | None:
    try:
        seq = raw["terminal_seq"]
    except (TypeError, KeyError):
        return None
    return seq if isinstance(seq, int) and not isinstance(seq, bool) and seq >= 1 else None


def _content_problem(ev: Event, who: TerminalIdentity) -> str | None:
    if ev.type not in EVENT_TYPES:
        return f"unknown event type {ev.type!r}"
    model = EVENT_PAYLOAD_MODELS.get(ev.type)
    if model is not None:
        try:
            model.model_validate(ev.payload)
        except ValidationError as exc:
            return f"{ev.type} payload: {first_error(exc)}"
    store = ev.payload.get("store_id")
    if store is not None and store != who.store_id:
        return (f"payload.store_id {store!r} is not this terminal's store ({who.store_id}); "
                "the central accepts a terminal's events for its own store only")
    return None


def _known_result(conn: Connection, who: TerminalIdentity, event_id: UUID) -> EventResult | None:
    with conn.begin():
        row = conn.execute(select(events.c.store_id, events.c.terminal_id)
                           .where(events.c.event_id == event_id)).first()
        if row is None:
            return None
        if (row.store_id, row.terminal_id) != (who.store_id, who.terminal_id):
            log.error("event_id %s re-used by %s/%s (it belongs to %s/%s)", event_id,
                      who.store_id, who.terminal_id, row.store_id, row.terminal_id)
            return EventResult(event_id=event_id, status="rejected",
                               reason="this event_id belongs to another terminal's event")
        recorded = conn.execute(select(exceptions.c.kind, exceptions.c.detail)
                                .where(exceptions.c.event_id == event_id)
                                .order_by(exceptions.c.id)).all()
    labels = [f"{kind}:{json.loads(detail).get('subject', '')}" for kind, detail in recorded]
    return EventResult(event_id=event_id, status="duplicate", exceptions=labels)


def _apply(conn: Connection, who: TerminalIdentity, ev: Event, now: datetime) -> EventResult:
    with conn.begin():
        tx = Tx(conn, now)
        high = _lock_terminal(conn, who)
        effects = ("none" if ev.type in NO_CENTRAL_EFFECTS
                   else "applied" if ev.type in _HANDLERS else "pending")
        conn.execute(insert(events).values(
            event_id=ev.event_id, store_id=who.store_id, terminal_id=who.terminal_id,
            terminal_seq=ev.terminal_seq, type=ev.type, occurred_at=_utc(ev.occurred_at),
            payload=dump_json(ev.payload), received_at=now, effects=effects))
        problems = _track_seq(conn, who, high, ev.terminal_seq, ev.event_id, now)
        handler = _HANDLERS.get(ev.type)
        if handler is not None:
            problems += handler(tx, who, ev)
        elif effects == "pending":
            log.info("event %s (%s) stored; its effects arrive in a later release",
                     ev.event_id, ev.type)
        if problems:
            conn.execute(insert(exceptions), [
                {"kind": p.kind, "store_id": who.store_id, "terminal_id": who.terminal_id,
                 "event_id": ev.event_id, "status": "open", "comment": "", "created_at": now,
                 "detail": dump_json({"subject": p.subject, "message": p.message, **p.data})}
                for p in problems])
        tx.flush()
    return EventResult(event_id=ev.event_id, status="accepted",
                       exceptions=[p.label for p in problems])


def _lock_terminal(conn: Connection, who: TerminalIdentity) -> Any:
    """Lock the terminal's row: one terminal's events are tracked one at a time."""
    q = select(terminals.c.high_seq).where(terminals.c.store_id == who.store_id,
                                           terminals.c.terminal_id == who.terminal_id)
    return conn.execute(q.with_for_update() if is_postgres(conn) else q).scalar_one()


def _track_seq(conn: Connection, who: TerminalIdentity, high: int, seq: int,
               event_id: UUID | None, now: datetime) -> list[Problem]:
    """Record gaps in the terminal's seqs, fill them, flag a seq used twice. ``high`` is the
    terminal's highest seq so far, read with its row locked (:func:`_lock_terminal`)."""
    ident = (terminal_gaps.c.store_id == who.store_id,
             terminal_gaps.c.terminal_id == who.terminal_id)
    problems: list[Problem] = []
    if seq > high + 1:
        conn.execute(insert(terminal_gaps).values(
            store_id=who.store_id, terminal_id=who.terminal_id, first_seq=high + 1,
            last_seq=seq - 1, detected_at=now))
        missing = f"{high + 1}" if seq - 1 == high + 1 else f"{high + 1}..{seq - 1}"
        log.error("LOST EVENTS? terminal %s/%s sent terminal_seq %d but %s never arrived",
                  who.store_id, who.terminal_id, seq, missing)
    elif seq <= high:
        gap = conn.execute(select(terminal_gaps.c.first_seq, terminal_gaps.c.last_seq).where(
            *ident, terminal_gaps.c.first_seq <= seq, terminal_gaps.c.last_seq >= seq)).first()
        if gap is not None:
            conn.execute(delete(terminal_gaps).where(*ident,
                                                     terminal_gaps.c.first_seq == gap.first_seq))
            rest = [(gap.first_seq, seq - 1), (seq + 1, gap.last_seq)]
            for first, last in rest:
                if first <= last:
                    conn.execute(insert(terminal_gaps).values(
                        store_id=who.store_id, terminal_id=who.terminal_id, first_seq=first,
                        last_seq=last, detected_at=now))
            log.warning("terminal %s/%s: terminal_seq %d arrived late; gap filled",
                        who.store_id, who.terminal_id, seq)
        elif event_id is not None and _seq_taken(conn, who, seq, event_id):
            problems.append(Problem(
                "terminal_seq_reused", str(seq),
                f"terminal_seq {seq} was already used by another event of this terminal "
                "(a restored or copied till database?)"))
            log.error("terminal %s/%s re-used terminal_seq %d for event %s", who.store_id,
                      who.terminal_id, seq, event_id)
    conn.execute(update(terminals).where(
        terminals.c.store_id == who.store_id, terminals.c.terminal_id == who.terminal_id)
        .values(high_seq=max(high, seq), last_event_at=now))
    return problems


def _seq_taken(conn: Connection, who: TerminalIdentity, seq: int, event_id: UUID) -> bool:
    return conn.execute(select(events.c.event_id).where(
        events.c.store_id == who.store_id, events.c.terminal_id == who.terminal_id,
        events.c.terminal_seq == seq, events.c.event_id != event_id).limit(1)).first() is not None


def _reject(conn: Connection, who: TerminalIdentity, raw: Any, event_id: UUID | None,
            seq: int | None, reason: str, now: datetime) -> EventResult:
    log.warning("event %s from %s/%s rejected: %s", event_id or "(unreadable id)",
                who.store_id, who.terminal_id, reason)

    def store() -> None:
        with conn.begin():
            if seq is not None:
                _track_seq(conn, who, _lock_terminal(conn, who), seq, None, now)
            ins = upsert(conn, quarantine)
            values = {"event_id": str(event_id) if event_id else None,
                      "store_id": who.store_id, "terminal_id": who.terminal_id,
                      "raw": dump_json(raw), "reason": reason, "received_at": now,
                      "attempts": 1}
            if event_id is None:
                conn.execute(insert(quarantine).values(**values))
            else:
                conn.execute(ins.values(**values).on_conflict_do_update(
                    index_elements=[quarantine.c.event_id],
                    set_={"reason": ins.excluded.reason, "raw": ins.excluded.raw,
                          "attempts": quarantine.c.attempts + 1}))

    retrying(store, what="quarantine")
    return EventResult(event_id=event_id or UNREADABLE_EVENT_ID, status="rejected",
                       reason=reason)


# -- effects per event type ----------------------------------------------------------------------

def _apply_sale(tx: Tx, who: TerminalIdentity, ev: Event) -> list[Problem]:
    sale = SalePayload.model_validate(ev.payload)
    conn = tx.conn
    problems: list[Problem] = []
    other = conn.execute(select(sales.c.event_id).where(and_(
        sales.c.store_id == who.store_id, sales.c.receipt_no == sale.receipt_no))).first()
    if other is not None:
        problems.append(Problem("duplicate_receipt", sale.receipt_no,
                                f"receipt {sale.receipt_no} was already reported by event "
                                f"{other.event_id}", {"other_event_id": str(other.event_id)}))
    conn.execute(insert(sales).values(
        event_id=ev.event_id, store_id=who.store_id, terminal_id=who.terminal_id,
        receipt_no=sale.receipt_no, staff_id=sale.staff_id, member_id=sale.member_id,
        completed_at=_utc(sale.completed_at), currency=sale.currency, subtotal=sale.subtotal,
        discount_total=sale.discount_total, tax_total=sale.tax_total, rounding=sale.rounding,
        total=sale.total, lines=len(sale.lines)))
    moved = ledger.move(tx, who.store_id,
                        ((ln.product_id, -ln.stock_qty) for ln in sale.lines),
                        reason="sale", event_id=ev.event_id)
    listed = {ln.product_id for ln in sale.lines}
    unknown = sorted(listed - ledger.known_products(tx, listed))
    for pid in unknown:
        problems.append(Problem("unknown_product", str(pid),
                                f"product {pid} is not in the central's catalogue"))
    for c in moved:
        if c.delta < 0 and c.qty < 0:
            problems.append(Problem(
                "oversold", str(c.product_id),
                f"product {c.product_id} at {who.store_id} is at {c.qty} after this sale",
                {"product_id": c.product_id, "qty_after": c.qty, "delta": c.delta}))
    return problems


_HANDLERS = {"sale": _apply_sale}


def _utc(t: datetime) -> datetime:
    """Times without a zone are taken as UTC (the protocol sends UTC, ``...Z``): a sale is
    never refused over the way its time was written."""
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t
