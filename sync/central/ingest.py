"""Event ingest (``POST /v1/events``): each event with all of its effects, or none of them.

A request's events are one transaction, run together in a few statements per batch, with the
results and rows of running them one by one; on an unexpected failure, again with each event in
its own savepoint (see :func:`ingest_batch`).

Per event, in order:

1. **Shape**: not a valid :class:`sync.protocol.Event` -> ``rejected`` (quarantined).
2. **Duplicate**: the event_id is already stored for this terminal -> ``duplicate``, with the
   exceptions the first arrival recorded; nothing happens twice. The same id from another
   terminal is refused.
3. **Content**: unknown type, a payload that is not its type's model (``sale``: SalePayload),
   another store's ``store_id`` -> ``rejected``: stored in ``quarantine`` with the reason.
4. **Apply**, in one savepoint: the event row, terminal_seq tracking, the effects (``sale``:
   a sales row, stock movements and levels through the ledger), business exceptions (one per
   incident: sync/central/incidents.py), then the feed changes (appended last: see
   sync/central/feed.py). A sale that takes stock below zero is ``accepted`` with an
   ``oversold`` exception (one per store, product and day): the sale happened; a manager
   looks at it.

terminal_seq: gap-free on the terminal. A seq beyond ``high + 1`` records the missing range in
``terminal_gaps`` and logs an error (a lost event, until it arrives); a late arrival inside a
gap fills that seq. Rejected events count as received (they are in quarantine, not lost). A seq
more than ``MAX_SEQ_AHEAD`` beyond ``high`` is neither: the event is rejected
(``terminal_seq_too_far``) and its seq is not tracked (:func:`too_far`).

``pickup`` (a web order handed over) is a sale for receipts and stock, and counts on its order
(sync/central/orders.py). ``return`` counts what came back of its purchase, files its refunds
and moves the stock (sync/central/returns.py). ``stock_count`` moves the levels by each line's
counted - expected; ``stock_receive`` adds what a delivery brought and files its differences
(sync/central/deliveries.py). Known types without central effects yet are stored with
``effects = 'pending'`` so a later release can apply them from the events table;
``cash_movement``, ``shift_open``, ``shift_close``, ``z_report`` and ``audit`` have none
(``effects = 'none'``).

A failure inside one event never fails the others: an unexpected error quarantines that event
(logged with its traceback). Only a database that cannot be reached fails the batch (503); the
terminal re-sends and the events already committed come back as ``duplicate``.
"""

from __future__ import annotations

import logging
import os
import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from pydantic import ValidationError
from sqlalchemy import Connection, Engine, Transaction, and_, delete, insert, select, update
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError

from posclient.domain.clock import Clock
from sync.central import card_orphans, incidents, ledger, loyalty
from sync.central.db import (
    among,
    bulk_insert,
    chunks,
    is_postgres,
    is_transient,
    retrying,
    upsert,
    writer,
)
from sync.central.errors import CentralError, first_error
from sync.central.feed import Tx
from sync.central.identity import TerminalIdentity
from sync.central.incidents import Problem
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
    BIGINT_MAX,
    EVENT_PAYLOAD_MODELS,
    EVENT_TYPES,
    MAX_SEQ_AHEAD,
    UNREADABLE_EVENT_ID,
    CardOrphanFoundPayload,
    CardOrphanResolvedPayload,
    Event,
    EventResult,
    MemberSignupPayload,
    PickupPayload,
    ReturnPayload,
    SalePayload,
    StockCountPayload,
    StockReceivePayload,
)

log = logging.getLogger(__name__)

NO_CENTRAL_EFFECTS = frozenset({"cash_movement", "shift_open", "shift_close", "z_report",
                                "audit"})
CHUNK = 5_000  # keys per IN (...) list


ENV_CONCURRENCY = "POSCLIENT_CENTRAL_INGEST_CONCURRENCY"
DEFAULT_CONCURRENCY = 2
QUEUE_TIMEOUT_S = 30.0


class IngestBusy(CentralError):
    """Batches waited too long for their turn (:func:`batch_slots`): the terminal re-sends."""

    status = 503
    code = "database_unavailable"
    retry_after = 5


_slots: weakref.WeakKeyDictionary[Engine, threading.BoundedSemaphore] = (
    weakref.WeakKeyDictionary())
_slots_lock = threading.Lock()


def concurrency() -> int:
    """Batches of one process in the database at once: ``$POSCLIENT_CENTRAL_INGEST_CONCURRENCY``
    (``serve --ingest-concurrency``), else :data:`DEFAULT_CONCURRENCY`."""
    value = os.environ.get(ENV_CONCURRENCY, "").strip()
    return max(1, int(value)) if value.isdigit() else DEFAULT_CONCURRENCY


def batch_slots(engine: Engine) -> threading.BoundedSemaphore:
    """The turns of this process's batches on ``engine``.

    Concurrent batches of a store go one at a time from their stock levels' update to their
    commit anyway (every sale moves some of the same products; see :meth:`_Batch.run`), so a
    batch past the first couple only waits on a row lock, holding a connection, and costs the
    database CPU for every wake-up. Waiting here instead is cheaper for both: with 50
    terminals on 2 cores and 2 workers, PostgreSQL spent ~20% less CPU per event with 2 turns
    per process than with no limit (the pool's 15 connections).
    """
    with _slots_lock:
        slots = _slots.get(engine)
        if slots is None:
            slots = _slots[engine] = threading.BoundedSemaphore(concurrency())
        return slots


def ingest_batch(engine: Engine, who: TerminalIdentity, raw_events: Sequence[Any],
                 clock: Clock) -> list[EventResult]:
    """One result per event, in the request's order (in one of the process's turns,
    :func:`batch_slots`; :class:`IngestBusy` after :data:`QUEUE_TIMEOUT_S` without one).

    The batch is ONE transaction (one commit: one fsync on SQLite, one WAL flush on
    PostgreSQL, instead of one per event). Results are returned only once the batch has
    committed; a transient database failure runs the whole batch again (nothing of it was
    committed).

    The batch first runs whole in one transaction (:class:`_Batch`: a few statements per batch
    instead of ~20 per event). If anything unexpected fails there, that transaction is rolled
    back and the batch runs again event by event (:func:`_ingest_one`) in a new one, each event
    in its own savepoint, so the event that fails is rolled back alone and quarantined while the
    others are kept. Both give the same results and rows. (The batch path takes no savepoint:
    on PostgreSQL its last statements and its COMMIT are one round trip, see
    :meth:`_Batch.run`.)
    """

    def batch() -> list[EventResult]:
        if not raw_events:
            return []
        with writer(engine) as conn:
            fast = _Batch(conn, who, clock)
            try:
                with conn.begin() as trans:
                    results = fast.run(raw_events, trans)  # committed by run()
            except _EventByEvent as exc:
                log.debug("events batch of %s/%s runs event by event: %s", who.store_id,
                          who.terminal_id, exc)
            except Exception as exc:
                if isinstance(exc, DBAPIError) and is_transient(exc):
                    raise  # the whole batch again (retrying)
                log.warning("events batch of %s/%s: %s in the batch path; running it event by "
                            "event", who.store_id, who.terminal_id, type(exc).__name__)
            else:
                fast.log_notes()
                return results
            with conn.begin():
                return [_ingest_one(conn, who, raw, clock.now()) for raw in raw_events]

    slots = batch_slots(engine)
    if not slots.acquire(timeout=QUEUE_TIMEOUT_S):
        raise IngestBusy("The central is busy with other terminals' events; try again shortly.")
    try:
        return retrying(batch, what="events batch")
    finally:
        slots.release()


def _ingest_one(conn: Connection, who: TerminalIdentity, raw: Any, now: datetime) -> EventResult:
    try:
        ev = Event.model_validate(raw)
    except ValidationError as exc:
        return _reject(conn, who, raw, _readable_id(raw), _readable_seq(raw),
                       f"malformed event: {first_error(exc)}", now)
    known = _known_result(conn, who, ev.event_id)
    if known is not None:
        return _settle(conn, who, raw, ev, known, now)
    problem = _content_problem(ev, who) or too_far(ev.terminal_seq,
                                                   _lock_terminal(conn, who))
    if problem is not None:
        return _reject(conn, who, raw, ev.event_id, ev.terminal_seq, problem, now)
    try:
        return _apply(conn, who, ev, now)
    except IntegrityError:
        known = _known_result(conn, who, ev.event_id)  # a concurrent request stored it first
        if known is not None:
            return _settle(conn, who, raw, ev, known, now)
        log.exception("event %s from %s/%s broke a database constraint; quarantined",
                      ev.event_id, who.store_id, who.terminal_id)
    except DataError:  # the models' bounds keep values storable: this is the net under them
        log.exception("event %s from %s/%s holds a value the database cannot store; "
                      "quarantined", ev.event_id, who.store_id, who.terminal_id)
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
    return (seq if isinstance(seq, int) and not isinstance(seq, bool) and 1 <= seq <= BIGINT_MAX
            else None)


def too_far(seq: int, high: int) -> str | None:
    """Why ``seq`` is refused, when it is more than :data:`MAX_SEQ_AHEAD` beyond ``high`` (the
    highest the central has from the till): a corrupt or forged number, never that many lost
    events. The event is ``rejected`` (quarantined, filed) and its seq is not tracked."""
    if seq <= high + MAX_SEQ_AHEAD:
        return None
    return (f"terminal_seq_too_far: {seq} is more than {MAX_SEQ_AHEAD:,} beyond this till's "
            f"last terminal_seq at the central ({high}); refused, not counted as lost events")


def _content_problem(ev: Event, who: TerminalIdentity) -> str | None:
    return _check_content(ev, who)[0]


def _check_content(ev: Event, who: TerminalIdentity) -> tuple[str | None, Any]:
    """(the reason to reject ``ev``, or None; its payload's model when its type has one)."""
    if ev.type not in EVENT_TYPES:
        return f"unknown event type {ev.type!r}", None
    model = EVENT_PAYLOAD_MODELS.get(ev.type)
    parsed = None
    if model is not None:
        try:
            parsed = model.model_validate(ev.payload)
        except ValidationError as exc:
            return f"{ev.type} payload: {first_error(exc)}", None
    store = ev.payload.get("store_id")
    if store is not None and store != who.store_id:
        return (f"payload.store_id {store!r} is not this terminal's store ({who.store_id}); "
                "the central accepts a terminal's events for its own store only"), None
    return None, parsed


def _known_result(conn: Connection, who: TerminalIdentity, event_id: UUID) -> EventResult | None:
    with conn.begin_nested():
        row = conn.execute(select(events.c.store_id, events.c.terminal_id)
                           .where(events.c.event_id == event_id)).first()
        if row is None:
            return None
        if (row.store_id, row.terminal_id) != (who.store_id, who.terminal_id):
            log.error("event_id %s re-used by %s/%s (it belongs to %s/%s)", event_id,
                      who.store_id, who.terminal_id, row.store_id, row.terminal_id)
            return EventResult(event_id=event_id, status="rejected",
                               reason="this event_id belongs to another terminal's event")
        labels = incidents.labels(conn, [event_id]).get(event_id, [])
    return EventResult(event_id=event_id, status="duplicate", exceptions=labels)


def _apply(conn: Connection, who: TerminalIdentity, ev: Event, now: datetime) -> EventResult:
    with conn.begin_nested():
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
        incidents.file(conn, who.store_id, who.terminal_id,
                       [(ev.event_id, ev.occurred_at, p) for p in problems], now)
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
            problems.append(_seq_reused(seq))
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
    reason = _shorter(reason)
    log.warning("event %s from %s/%s rejected: %s", event_id or "(unreadable id)",
                who.store_id, who.terminal_id, reason)
    with conn.begin_nested():
        high = _lock_terminal(conn, who)
        if seq is not None and too_far(seq, high) is None:
            _track_seq(conn, who, high, seq, None, now)
        _quarantine(conn, who, raw, event_id, reason, now)
    return EventResult(event_id=event_id or UNREADABLE_EVENT_ID, status="rejected",
                       reason=reason)


def _shorter(reason: str) -> str:
    """A reason as long as :class:`EventResult` carries (the protocol's bound)."""
    return reason if len(reason) <= MAX_REASON else reason[:MAX_REASON - 1] + "…"


MAX_REASON = 2_000


def _quarantine(conn: Connection, who: TerminalIdentity, raw: Any, event_id: UUID | None,
                reason: str, now: datetime) -> None:
    """Keep a rejected event (again: one row per event_id, counting the attempts)."""
    values = {"event_id": str(event_id) if event_id else None,
              "store_id": who.store_id, "terminal_id": who.terminal_id,
              "raw": dump_json(raw), "reason": reason, "received_at": now, "attempts": 1}
    if event_id is None:
        conn.execute(insert(quarantine).values(**values))
    else:
        ins = upsert(conn, quarantine)
        conn.execute(ins.values(**values).on_conflict_do_update(
            index_elements=[quarantine.c.event_id],
            set_={"reason": ins.excluded.reason, "raw": ins.excluded.raw,
                  "attempts": quarantine.c.attempts + 1}))
        if conn.scalar(select(quarantine.c.attempts).where(
                quarantine.c.event_id == str(event_id))) != 1:
            return  # sent again: already filed
    # A rejected event is also a problem for the store's manager, resolved with a comment
    # (the event itself stays in quarantine for IT).
    conn.execute(insert(exceptions).values(_exception_row(
        who, event_id, Problem("event_rejected", str(event_id or "(unreadable)"),
                               f"an event of till {who.terminal_id} was rejected: {reason}",
                               {"reason": reason}), now)))


# -- the batch path ------------------------------------------------------------------------------

class _EventByEvent(Exception):
    """The batch path does not handle this batch: it runs event by event instead."""


@dataclass(slots=True)
class _Accepted:
    """An event the batch stores; its problems are complete once the stock has moved."""

    event_id: UUID
    now: datetime
    at: datetime  # occurred_at
    problems: list[Problem]
    group: int | None = None  # its index in the batch's stock movements (a sale)

    def result(self, status: str) -> EventResult:
        return EventResult(event_id=self.event_id, status=status,  # type: ignore[arg-type]
                           exceptions=[p.label for p in self.problems])


class _Batch:
    """A whole request in a few statements, with the results of running it event by event.

    What an event sees of the events before it in the batch (stored event_ids, receipt numbers,
    terminal_seqs and gaps, stock levels) is kept in memory; the database is read once per batch
    (the terminal's row, locked first; the batch's event_ids and receipt numbers already stored;
    the catalogue's products among the batch's) and written once per table at the end, the feed
    last. Log lines are kept until the batch has succeeded (:meth:`log_notes`).
    """

    def __init__(self, conn: Connection, who: TerminalIdentity, clock: Clock) -> None:
        self.conn = conn
        self.who = who
        self.clock = clock
        self.notes: list[tuple[int, str, tuple[Any, ...]]] = []

    def note(self, level: int, msg: str, *args: Any) -> None:
        self.notes.append((level, msg, args))

    def log_notes(self) -> None:
        for level, msg, args in self.notes:
            log.log(level, msg, *args)
        self.notes = []

    def run(self, raw_events: Sequence[Any], trans: Transaction) -> list[EventResult]:
        """The batch's results, once ``trans`` (the connection's transaction, holding nothing
        else) is committed.

        Concurrent batches of one store wait for each other's stock levels rows (every sale
        moves some of the same products) and for the feed head: from the levels' update to the
        commit, batches go one at a time. So everything that does not need the new levels is
        written first, the levels' rows come back with their update (``RETURNING``), and on
        PostgreSQL the exceptions, the feed's changes and the COMMIT are one round trip
        (:meth:`sync.central.feed.Tx.commit`): the only trip inside that stretch is the
        levels' update itself.
        """
        conn, who = self.conn, self.who
        self.notes = []
        self.high = int(_lock_terminal(conn, who))  # first: concurrent requests of one terminal
        self.tracked_at: datetime | None = None  # queue here, and see each other's events
        items: list[tuple[Any, datetime, Event | None, str]] = []
        for raw in raw_events:
            now = self.clock.now()
            try:
                items.append((raw, now, Event.model_validate(raw), ""))
            except ValidationError as exc:
                items.append((raw, now, None, f"malformed event: {first_error(exc)}"))
        valid = [ev for _, _, ev, _ in items if ev is not None]
        stored = self._stored([ev.event_id for ev in valid])
        checked: dict[int, tuple[str | None, Any]] = {}
        for i, (_, _, ev, _) in enumerate(items):
            if ev is not None and ev.event_id not in stored:
                checked[i] = _check_content(ev, who)
        sold = [parsed for problem, parsed in checked.values()
                if problem is None and isinstance(parsed, SalePayload)]
        self.receipts = self._receipts(sorted({s.receipt_no for s in sold}))
        tx = Tx(conn, items[-1][1])
        self.catalogue = ledger.known_products(
            tx, {ln.product_id for s in sold for ln in s.lines})
        seqs = [ev.terminal_seq if ev is not None else _readable_seq(raw)
                for raw, _, ev, _ in items]
        self._load_seqs([s for s in seqs if s is not None and s <= self.high],
                        [ev.terminal_seq for ev in valid if ev.terminal_seq <= self.high])

        accepted: dict[UUID, _Accepted] = {}
        out: list[EventResult | tuple[str, _Accepted]] = []
        event_rows: list[dict[str, Any]] = []
        sale_rows: list[dict[str, Any]] = []
        groups: list[tuple[UUID | None, datetime, list[tuple[int, int]]]] = []
        for i, (raw, now, ev, malformed) in enumerate(items):
            if ev is None:
                out.append(self._reject(raw, _readable_id(raw), _readable_seq(raw), malformed,
                                        now))
                continue
            eid = ev.event_id
            mine = accepted.get(eid)
            if mine is not None:
                out.append(("duplicate", mine))
                continue
            owner = stored.get(eid)
            if owner is not None:
                if owner[0] == (who.store_id, who.terminal_id):
                    out.append(EventResult(event_id=eid, status="duplicate",
                                           exceptions=owner[1]))
                    continue
                self.note(logging.ERROR, "event_id %s re-used by %s/%s (it belongs to %s/%s)",
                          eid, who.store_id, who.terminal_id, *owner[0])
                out.append(self._reject(raw, eid, ev.terminal_seq,
                                        "this event_id belongs to another terminal's event",
                                        now))
                continue
            problem, parsed = checked[i]
            problem = problem or too_far(ev.terminal_seq, self.high)
            if problem is not None:
                out.append(self._reject(raw, eid, ev.terminal_seq, problem, now))
                continue
            effects = ("none" if ev.type in NO_CENTRAL_EFFECTS
                       else "applied" if ev.type in _HANDLERS else "pending")
            event_rows.append({
                "event_id": eid, "store_id": who.store_id, "terminal_id": who.terminal_id,
                "terminal_seq": ev.terminal_seq, "type": ev.type,
                "occurred_at": _utc(ev.occurred_at), "payload": dump_json(ev.payload),
                "received_at": now, "effects": effects})
            self.batch_seqs.setdefault(ev.terminal_seq, []).append(eid)
            rec = _Accepted(eid, now, ev.occurred_at, self._track(ev.terminal_seq, eid, now))
            accepted[eid] = rec
            if ev.type == "sale":
                sale: SalePayload = parsed
                if sale.member_id is not None or sale.member_no or any(
                        t.get("kind") == "points" for t in sale.tenders):
                    raise _EventByEvent("a member's sale moves points")
                if sale.coupons:
                    raise _EventByEvent("a sale with coupons records them event by event")
                other = self.receipts.setdefault(sale.receipt_no, eid)
                if other != eid:
                    rec.problems.append(_duplicate_receipt(sale.receipt_no, other))
                sale_rows.append(_sale_row(who, eid, sale))
                rec.group = len(groups)
                groups.append((eid, now, _sale_deltas(sale)))
                listed = {ln.product_id for ln in sale.lines}
                rec.problems += [_unknown_product(p) for p in sorted(listed - self.catalogue)]
            elif ev.type in _HANDLERS:
                raise _EventByEvent(f"no batch path for {ev.type!r} events")
            elif effects == "pending":
                self.note(logging.INFO, "event %s (%s) stored; its effects arrive in a later "
                          "release", eid, ev.type)
            out.append(("accepted", rec))

        bulk_insert(conn, events, event_rows)
        bulk_insert(conn, sales, sale_rows)
        self._store_seqs()
        zone = incidents.zone_of(conn, who.store_id)  # read before the levels' locks
        moved = ledger.move_many(tx, who.store_id, groups, reason="sale", known=self.catalogue)
        for rec in accepted.values():
            if rec.group is not None:
                rec.problems += _oversold(who, moved[rec.group])
        planned = incidents.plan(conn, who.store_id, who.terminal_id, [
            (rec.event_id, rec.at, p) for rec in accepted.values() for p in rec.problems],
            tx.now, zone=zone)
        tx.commit(trans, lambda: incidents.write(conn, planned))  # the feed last
        return [r if isinstance(r, EventResult) else r[1].result(r[0]) for r in out]

    def _reject(self, raw: Any, event_id: UUID | None, seq: int | None, reason: str,
                now: datetime) -> EventResult:
        reason = _shorter(reason)
        self.note(logging.WARNING, "event %s from %s/%s rejected: %s",
                  event_id or "(unreadable id)", self.who.store_id, self.who.terminal_id,
                  reason)
        if seq is not None and too_far(seq, self.high) is None:
            self._track(seq, None, now)
        _quarantine(self.conn, self.who, raw, event_id, reason, now)
        return EventResult(event_id=event_id or UNREADABLE_EVENT_ID, status="rejected",
                           reason=reason)

    # -- reads, once per batch

    def _stored(self, ids: list[UUID]) -> dict[UUID, tuple[tuple[str, str], list[str]]]:
        """The batch's event_ids already stored: their terminal, and the exception labels the
        first arrival recorded (for this terminal's own)."""
        conn, who = self.conn, self.who
        found: dict[UUID, tuple[tuple[str, str], list[str]]] = {}
        for part in chunks(sorted(set(ids)), CHUNK):
            for eid, store_id, terminal_id in conn.execute(
                    select(events.c.event_id, events.c.store_id, events.c.terminal_id)
                    .where(among(conn, events.c.event_id, part))):
                found[eid] = ((store_id, terminal_id), [])
        mine = [eid for eid, (owner, _) in found.items()
                if owner == (who.store_id, who.terminal_id)]
        for eid, labels in incidents.labels(conn, mine).items():
            found[eid][1].extend(labels)
        return found

    def _receipts(self, receipt_nos: list[str]) -> dict[str, Any]:
        """The store's sales with these receipt numbers: receipt -> the first one's event_id."""
        conn = self.conn
        found: dict[str, Any] = {}
        for part in chunks(receipt_nos, CHUNK):
            for receipt_no, eid in conn.execute(
                    select(sales.c.receipt_no, sales.c.event_id)
                    .where(sales.c.store_id == self.who.store_id,
                           among(conn, sales.c.receipt_no, part))):
                found.setdefault(receipt_no, eid)
        return found

    # -- terminal_seq tracking (as _track_seq, in memory)

    def _load_seqs(self, old: list[int], old_valid: list[int]) -> None:
        """The terminal's gaps, if a seq of the batch may fill one, and the events already
        stored with the batch's seqs at or below ``high`` (a seq used twice)."""
        conn, who = self.conn, self.who
        self.gaps_before: dict[int, int] = {}
        self.gaps: dict[int, tuple[int, datetime]] = {}
        self.stored_seqs: dict[int, list[UUID]] = {}
        self.batch_seqs: dict[int, list[UUID]] = {}
        if old:
            for first, last, at in conn.execute(
                    select(terminal_gaps.c.first_seq, terminal_gaps.c.last_seq,
                           terminal_gaps.c.detected_at)
                    .where(terminal_gaps.c.store_id == who.store_id,
                           terminal_gaps.c.terminal_id == who.terminal_id)):
                self.gaps_before[int(first)] = int(last)
                self.gaps[int(first)] = (int(last), at)
        for part in chunks(sorted(set(old_valid)), CHUNK):
            for seq, eid in conn.execute(
                    select(events.c.terminal_seq, events.c.event_id)
                    .where(events.c.store_id == who.store_id,
                           events.c.terminal_id == who.terminal_id,
                           among(conn, events.c.terminal_seq, part))):
                self.stored_seqs.setdefault(int(seq), []).append(eid)

    def _track(self, seq: int, event_id: UUID | None, now: datetime) -> list[Problem]:
        who, high = self.who, self.high
        problems: list[Problem] = []
        if seq > high + 1:
            self.gaps[high + 1] = (seq - 1, now)
            missing = f"{high + 1}" if seq - 1 == high + 1 else f"{high + 1}..{seq - 1}"
            self.note(logging.ERROR, "LOST EVENTS? terminal %s/%s sent terminal_seq %d but %s "
                      "never arrived", who.store_id, who.terminal_id, seq, missing)
        elif seq <= high:
            gap = next((first for first, (last, _) in self.gaps.items()
                        if first <= seq <= last), None)
            if gap is not None:
                last, _ = self.gaps.pop(gap)
                for first, end in ((gap, seq - 1), (seq + 1, last)):
                    if first <= end:
                        self.gaps[first] = (end, now)
                self.note(logging.WARNING, "terminal %s/%s: terminal_seq %d arrived late; gap "
                          "filled", who.store_id, who.terminal_id, seq)
            elif event_id is not None and any(
                    other != event_id for other in (*self.stored_seqs.get(seq, ()),
                                                    *self.batch_seqs.get(seq, ()))):
                problems.append(_seq_reused(seq))
                self.note(logging.ERROR, "terminal %s/%s re-used terminal_seq %d for event %s",
                          who.store_id, who.terminal_id, seq, event_id)
        self.high = max(high, seq)
        self.tracked_at = now
        return problems

    def _store_seqs(self) -> None:
        if self.tracked_at is None:
            return
        conn, who = self.conn, self.who
        ident = (terminal_gaps.c.store_id == who.store_id,
                 terminal_gaps.c.terminal_id == who.terminal_id)
        gone = [first for first, last in self.gaps_before.items()
                if first not in self.gaps or self.gaps[first][0] != last]
        for part in chunks(sorted(gone), CHUNK):
            conn.execute(delete(terminal_gaps).where(
                *ident, terminal_gaps.c.first_seq.in_(part)))
        bulk_insert(conn, terminal_gaps, [
            {"store_id": who.store_id, "terminal_id": who.terminal_id, "first_seq": first,
             "last_seq": last, "detected_at": at}
            for first, (last, at) in sorted(self.gaps.items())
            if self.gaps_before.get(first) != last])
        conn.execute(update(terminals).where(
            terminals.c.store_id == who.store_id, terminals.c.terminal_id == who.terminal_id)
            .values(high_seq=self.high, last_event_at=self.tracked_at))


# -- effects per event type ----------------------------------------------------------------------

def _apply_sale(tx: Tx, who: TerminalIdentity, ev: Event, sale: SalePayload | None = None,
                reason: str = "sale") -> list[Problem]:
    sale = sale if sale is not None else SalePayload.model_validate(ev.payload)
    conn = tx.conn
    problems: list[Problem] = []
    other = conn.execute(select(sales.c.event_id).where(and_(
        sales.c.store_id == who.store_id, sales.c.receipt_no == sale.receipt_no))).first()
    if other is not None:
        problems.append(_duplicate_receipt(sale.receipt_no, other.event_id))
    conn.execute(insert(sales).values(**_sale_row(who, ev.event_id, sale)))
    moved = ledger.move(tx, who.store_id, _sale_deltas(sale), reason=reason,
                        event_id=ev.event_id)
    listed = {ln.product_id for ln in sale.lines}
    problems += [_unknown_product(pid)
                 for pid in sorted(listed - ledger.known_products(tx, listed))]
    problems += _oversold(who, moved)
    problems += _points(loyalty.apply_sale(tx, who.store_id, ev.event_id, sale,
                                           getattr(sale, "order_no", None)))
    if sale.coupons:
        from sync.central import promotions

        problems += [Problem(kind, code, message, {"receipt_no": sale.receipt_no})
                     for kind, code, message in promotions.record_sale_coupons(
                         tx, who, ev.event_id, sale)]
    return problems


def _points(issues: list[loyalty.Issue]) -> list[Problem]:
    return [Problem(kind, subject, message, data) for kind, subject, message, data in issues]


def _apply_signup(tx: Tx, who: TerminalIdentity, ev: Event) -> list[Problem]:
    """A member signed up at a till (sync/central/loyalty.py ``apply_signup``)."""
    return _points(loyalty.apply_signup(tx, ev.event_id,
                                        MemberSignupPayload.model_validate(ev.payload)))


def _apply_pickup(tx: Tx, who: TerminalIdentity, ev: Event) -> list[Problem]:
    """A web order handed over: a sale for the receipts and the stock, and the order's count
    (sync/central/orders.py ``record_pickup``)."""
    from sync.central import orders

    pickup = PickupPayload.model_validate(ev.payload)
    problems = _apply_sale(tx, who, ev, pickup, reason="pickup")
    problems += [Problem(kind, subject, message, {"order_no": pickup.order_no})
                 for kind, subject, message in orders.record_pickup(tx, who.store_id,
                                                                    ev.event_id, pickup)]
    return problems


def _apply_return(tx: Tx, who: TerminalIdentity, ev: Event) -> list[Problem]:
    """Goods and money back (sync/central/returns.py ``record_return``)."""
    from sync.central import returns

    ret = ReturnPayload.model_validate(ev.payload)
    problems = [Problem(kind, subject, message, data) for kind, subject, message, data
                in returns.record_return(tx, who, ev.event_id, ret)]
    return problems + _points(loyalty.apply_return(tx, who.store_id, ev.event_id, ret))


def _apply_stock_count(tx: Tx, who: TerminalIdentity, ev: Event) -> list[Problem]:
    """A count's differences move the store's levels (ledger reason ``count``)."""
    count = StockCountPayload.model_validate(ev.payload)
    deltas = [(ln.product_id, ln.counted - ln.expected) for ln in count.lines
              if ln.counted != ln.expected]
    if deltas:
        ledger.move(tx, who.store_id, deltas, reason="count", event_id=ev.event_id)
    listed = {ln.product_id for ln in count.lines}
    return [_unknown_product(pid) for pid in sorted(listed - ledger.known_products(tx, listed))]


def _apply_stock_receive(tx: Tx, who: TerminalIdentity, ev: Event) -> list[Problem]:
    """A delivery or transfer received: + what arrived, its differences filed, the delivery
    marked received (sync/central/deliveries.py ``record_receive``)."""
    from sync.central import deliveries

    receive = StockReceivePayload.model_validate(ev.payload)
    problems = [Problem(kind, subject, message, data) for kind, subject, message, data
                in deliveries.record_receive(tx, who.store_id, who.terminal_id, ev.event_id,
                                             receive)]
    listed = {ln.product_id for ln in receive.lines}
    return problems + [_unknown_product(pid)
                       for pid in sorted(listed - ledger.known_products(tx, listed))]


def _sale_row(who: TerminalIdentity, event_id: UUID, sale: SalePayload) -> dict[str, Any]:
    return {"event_id": event_id, "store_id": who.store_id, "terminal_id": who.terminal_id,
            "receipt_no": sale.receipt_no, "staff_id": sale.staff_id,
            "member_id": sale.member_id, "completed_at": _utc(sale.completed_at),
            "currency": sale.currency, "subtotal": sale.subtotal,
            "discount_total": sale.discount_total, "tax_total": sale.tax_total,
            "rounding": sale.rounding, "total": sale.total, "lines": len(sale.lines)}


def _sale_deltas(sale: SalePayload) -> list[tuple[int, int]]:
    return [(ln.product_id, -ln.stock_qty) for ln in sale.lines]


def _duplicate_receipt(receipt_no: str, other: Any) -> Problem:
    return Problem("duplicate_receipt", receipt_no,
                   f"receipt {receipt_no} was already reported by event {other}",
                   {"other_event_id": str(other)})


def _unknown_product(product_id: int) -> Problem:
    return Problem("unknown_product", str(product_id),
                   f"product {product_id} is not in the central's catalogue")


def _oversold(who: TerminalIdentity, moved: list[ledger.LevelChange]) -> list[Problem]:
    return [Problem("oversold", str(c.product_id),
                    f"product {c.product_id} at {who.store_id} is at {c.qty} after this sale",
                    {"product_id": c.product_id, "qty_after": c.qty, "delta": c.delta})
            for c in moved if c.delta < 0 and c.qty < 0]


def _seq_reused(seq: int) -> Problem:
    return Problem("terminal_seq_reused", str(seq),
                   f"terminal_seq {seq} was already used by another event of this terminal "
                   "(a restored or copied till database?)")


def _exception_row(who: TerminalIdentity, event_id: UUID | None, p: Problem,
                   now: datetime) -> dict[str, Any]:
    return {"kind": p.kind, "store_id": who.store_id, "terminal_id": who.terminal_id,
            "event_id": event_id, "status": "open", "comment": "", "created_at": now,
            "detail": dump_json({"subject": p.subject, "message": p.message, **p.data})}


def _apply_card_orphan(tx: Tx, who: TerminalIdentity, ev: Event) -> list[Problem]:
    """A card charged without a sale: filed, or its exception closed (card_orphans.py)."""
    if ev.type == "card_orphan_found":
        filed = card_orphans.record_found(CardOrphanFoundPayload.model_validate(ev.payload))
    else:
        filed = card_orphans.record_resolved(
            tx, who, CardOrphanResolvedPayload.model_validate(ev.payload))
    return [Problem(*f) for f in filed]


_HANDLERS = {"sale": _apply_sale, "pickup": _apply_pickup, "return": _apply_return,
             "member_signup": _apply_signup, "stock_count": _apply_stock_count,
             "stock_receive": _apply_stock_receive, "card_orphan_found": _apply_card_orphan,
             "card_orphan_resolved": _apply_card_orphan}


def _utc(t: datetime) -> datetime:
    """Times without a zone are taken as UTC (the protocol sends UTC, ``...Z``): a sale is
    never refused over the way its time was written."""
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t
