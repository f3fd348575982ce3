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

The checks, the problems and the quarantine are in sync/central/ingest_checks.py, terminal_seq
tracking in sync/central/terminal_seqs.py, and the effects of the event types other than sales
and pick-ups in sync/central/ingest_effects.py.
"""

from __future__ import annotations

import logging
import os
import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import ValidationError
from sqlalchemy import Connection, Engine, Transaction, and_, insert, select
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError

from posclient.domain.clock import Clock
from sync.central import incidents, ledger, loyalty
from sync.central.db import among, bulk_insert, chunks, is_transient, retrying, writer
from sync.central.errors import CentralError, EventRefused, first_error
from sync.central.feed import Tx
from sync.central.identity import TerminalIdentity
from sync.central.incidents import Problem
from sync.central.ingest_checks import (
    CHUNK,
    NO_CENTRAL_EFFECTS,
    check_content,
    content_problem,
    duplicate_receipt,
    keep_rejected,
    kept_payload,
    oversold,
    readable_id,
    readable_seq,
    shorter,
    too_far,
    unknown_product,
    utc,
)
from sync.central.ingest_effects import (
    apply_card_orphan,
    apply_member_consent,
    apply_return,
    apply_signup,
    apply_stock_count,
    apply_stock_receive,
    points_problems,
)
from sync.central.schema import dump_json, events, sales
from sync.central.terminal_seqs import SeqTracker, lock_terminal, track_seq
from sync.protocol import (
    UNREADABLE_EVENT_ID,
    Event,
    EventResult,
    PickupPayload,
    SalePayload,
)

log = logging.getLogger(__name__)


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
        return _reject(conn, who, raw, readable_id(raw), readable_seq(raw),
                       f"malformed event: {first_error(exc)}", now)
    known = _known_result(conn, who, ev.event_id)
    if known is not None:
        return _settle(conn, who, raw, ev, known, now)
    problem = content_problem(ev, who) or too_far(ev.terminal_seq, lock_terminal(conn, who))
    if problem is not None:
        return _reject(conn, who, raw, ev.event_id, ev.terminal_seq, problem, now)
    try:
        return _apply(conn, who, ev, now)
    except EventRefused as exc:
        return _reject(conn, who, raw, ev.event_id, ev.terminal_seq, str(exc), now)
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
        high = lock_terminal(conn, who)
        effects = _effects(ev.type)
        conn.execute(insert(events).values(
            event_id=ev.event_id, store_id=who.store_id, terminal_id=who.terminal_id,
            terminal_seq=ev.terminal_seq, type=ev.type, occurred_at=utc(ev.occurred_at),
            payload=dump_json(kept_payload(ev)), received_at=now, effects=effects))
        problems = track_seq(conn, who, high, ev.terminal_seq, ev.event_id, now)
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


def _reject(conn: Connection, who: TerminalIdentity, raw: Any, event_id: UUID | None,
            seq: int | None, reason: str, now: datetime) -> EventResult:
    reason = shorter(reason)
    log.warning("event %s from %s/%s rejected: %s", event_id or "(unreadable id)",
                who.store_id, who.terminal_id, reason)
    with conn.begin_nested():
        high = lock_terminal(conn, who)
        if seq is not None and too_far(seq, high) is None:
            track_seq(conn, who, high, seq, None, now)
        keep_rejected(conn, who, raw, event_id, reason, now)
    return EventResult(event_id=event_id or UNREADABLE_EVENT_ID, status="rejected",
                       reason=reason)


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


_Item = tuple[Any, datetime, Event | None, str]  # raw, received at, the event, why malformed
_Outcome = EventResult | tuple[str, _Accepted]  # a result, or a status and an accepted record
_Stored = dict[UUID, tuple[tuple[str, str], list[str]]]  # event_id -> terminal, its labels


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
        # The terminal's row first: concurrent requests of one terminal queue here, and see
        # each other's events.
        self.seqs = SeqTracker(conn, who, int(lock_terminal(conn, who)), self.note)
        items = self._parse(raw_events)
        stored, checked = self._read(items)
        self.accepted: dict[UUID, _Accepted] = {}
        self.event_rows: list[dict[str, Any]] = []
        self.sale_rows: list[dict[str, Any]] = []
        self.groups: list[tuple[UUID | None, datetime, list[tuple[int, int]]]] = []
        out = [self._event(item, stored, checked, i) for i, item in enumerate(items)]
        self._write(trans)
        return [r if isinstance(r, EventResult) else r[1].result(r[0]) for r in out]

    def _parse(self, raw_events: Sequence[Any]) -> list[_Item]:
        items: list[_Item] = []
        for raw in raw_events:
            now = self.clock.now()
            try:
                items.append((raw, now, Event.model_validate(raw), ""))
            except ValidationError as exc:
                items.append((raw, now, None, f"malformed event: {first_error(exc)}"))
        return items

    def _read(self, items: list[_Item]) -> tuple[_Stored, dict[int, tuple[str | None, Any]]]:
        """The batch's reads, once: its event_ids already stored, the content checks of the
        others (by index), the receipt numbers and products of its sales, the terminal's seqs."""
        valid = [ev for _, _, ev, _ in items if ev is not None]
        stored = self._stored([ev.event_id for ev in valid])
        checked = {i: check_content(ev, self.who) for i, (_, _, ev, _) in enumerate(items)
                   if ev is not None and ev.event_id not in stored}
        sold = [parsed for problem, parsed in checked.values()
                if problem is None and isinstance(parsed, SalePayload)]
        self.receipts = self._receipts(sorted({s.receipt_no for s in sold}))
        self.tx = Tx(self.conn, items[-1][1])
        self.catalogue = ledger.known_products(
            self.tx, {ln.product_id for s in sold for ln in s.lines})
        self._load_seqs(items)
        return stored, checked

    def _load_seqs(self, items: list[_Item]) -> None:
        high = self.seqs.high
        seqs = [ev.terminal_seq if ev is not None else readable_seq(raw)
                for raw, _, ev, _ in items]
        self.seqs.load([s for s in seqs if s is not None and s <= high],
                       [ev.terminal_seq for _, _, ev, _ in items
                        if ev is not None and ev.terminal_seq <= high])

    def _event(self, item: _Item, stored: _Stored, checked: dict[int, tuple[str | None, Any]],
               i: int) -> _Outcome:
        """The outcome of the batch's ``i``-th event, as :func:`_ingest_one` decides it."""
        raw, now, ev, malformed = item
        if ev is None:
            return self._reject(raw, readable_id(raw), readable_seq(raw), malformed, now)
        eid = ev.event_id
        mine = self.accepted.get(eid)
        if mine is not None:
            return "duplicate", mine
        owner = stored.get(eid)
        if owner is not None:
            return self._known(raw, ev, owner, now)
        problem, parsed = checked[i]
        problem = problem or too_far(ev.terminal_seq, self.seqs.high)
        if problem is not None:
            return self._reject(raw, eid, ev.terminal_seq, problem, now)
        return "accepted", self._accept(ev, parsed, now)

    def _known(self, raw: Any, ev: Event, owner: tuple[tuple[str, str], list[str]],
               now: datetime) -> EventResult:
        """An event_id already stored: a duplicate, or another terminal's (rejected)."""
        who, eid = self.who, ev.event_id
        if owner[0] == (who.store_id, who.terminal_id):
            return EventResult(event_id=eid, status="duplicate", exceptions=owner[1])
        self.note(logging.ERROR, "event_id %s re-used by %s/%s (it belongs to %s/%s)",
                  eid, who.store_id, who.terminal_id, *owner[0])
        return self._reject(raw, eid, ev.terminal_seq,
                            "this event_id belongs to another terminal's event", now)

    def _accept(self, ev: Event, parsed: Any, now: datetime) -> _Accepted:
        """The event's row and its seq; a sale's rows and stock movements."""
        who, eid = self.who, ev.event_id
        effects = _effects(ev.type)
        self.event_rows.append({
            "event_id": eid, "store_id": who.store_id, "terminal_id": who.terminal_id,
            "terminal_seq": ev.terminal_seq, "type": ev.type,
            "occurred_at": utc(ev.occurred_at), "payload": dump_json(kept_payload(ev)),
            "received_at": now, "effects": effects})
        self.seqs.add(ev.terminal_seq, eid)
        rec = _Accepted(eid, now, ev.occurred_at, self.seqs.track(ev.terminal_seq, eid, now))
        self.accepted[eid] = rec
        if ev.type == "sale":
            self._sale(rec, parsed, now)
        elif ev.type in _HANDLERS:
            raise _EventByEvent(f"no batch path for {ev.type!r} events")
        elif effects == "pending":
            self.note(logging.INFO, "event %s (%s) stored; its effects arrive in a later "
                      "release", eid, ev.type)
        return rec

    def _sale(self, rec: _Accepted, sale: SalePayload, now: datetime) -> None:
        if sale.member_id is not None or sale.member_no or any(
                t.get("kind") == "points" for t in sale.tenders):
            raise _EventByEvent("a member's sale moves points")
        if sale.coupons:
            raise _EventByEvent("a sale with coupons records them event by event")
        eid = rec.event_id
        other = self.receipts.setdefault(sale.receipt_no, eid)
        if other != eid:
            rec.problems.append(duplicate_receipt(sale.receipt_no, other))
        self.sale_rows.append(_sale_row(self.who, eid, sale))
        rec.group = len(self.groups)
        self.groups.append((eid, now, _sale_deltas(sale)))
        listed = {ln.product_id for ln in sale.lines}
        rec.problems += [unknown_product(p) for p in sorted(listed - self.catalogue)]

    def _write(self, trans: Transaction) -> None:
        """The batch's rows, the stock's levels, then the exceptions and the feed with the
        commit (see :meth:`run`)."""
        conn, who, tx = self.conn, self.who, self.tx
        bulk_insert(conn, events, self.event_rows)
        bulk_insert(conn, sales, self.sale_rows)
        self.seqs.store()
        zone = incidents.zone_of(conn, who.store_id)  # read before the levels' locks
        moved = ledger.move_many(tx, who.store_id, self.groups, reason="sale",
                                 known=self.catalogue)
        for rec in self.accepted.values():
            if rec.group is not None:
                rec.problems += oversold(who, moved[rec.group])
        planned = incidents.plan(conn, who.store_id, who.terminal_id, [
            (rec.event_id, rec.at, p) for rec in self.accepted.values() for p in rec.problems],
            tx.now, zone=zone)
        tx.commit(trans, lambda: incidents.write(conn, planned))  # the feed last

    def _reject(self, raw: Any, event_id: UUID | None, seq: int | None, reason: str,
                now: datetime) -> EventResult:
        reason = shorter(reason)
        self.note(logging.WARNING, "event %s from %s/%s rejected: %s",
                  event_id or "(unreadable id)", self.who.store_id, self.who.terminal_id,
                  reason)
        if seq is not None and too_far(seq, self.seqs.high) is None:
            self.seqs.track(seq, None, now)
        keep_rejected(self.conn, self.who, raw, event_id, reason, now)
        return EventResult(event_id=event_id or UNREADABLE_EVENT_ID, status="rejected",
                           reason=reason)

    # -- reads, once per batch

    def _stored(self, ids: list[UUID]) -> _Stored:
        """The batch's event_ids already stored: their terminal, and the exception labels the
        first arrival recorded (for this terminal's own)."""
        conn, who = self.conn, self.who
        found: _Stored = {}
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


# -- sales and pick-ups (the batch path writes the same rows) -------------------------------------

def _apply_sale(tx: Tx, who: TerminalIdentity, ev: Event, sale: SalePayload | None = None,
                reason: str = "sale") -> list[Problem]:
    sale = sale if sale is not None else SalePayload.model_validate(ev.payload)
    conn = tx.conn
    problems: list[Problem] = []
    other = conn.execute(select(sales.c.event_id).where(and_(
        sales.c.store_id == who.store_id, sales.c.receipt_no == sale.receipt_no))).first()
    if other is not None:
        problems.append(duplicate_receipt(sale.receipt_no, other.event_id))
    conn.execute(insert(sales).values(**_sale_row(who, ev.event_id, sale)))
    moved = ledger.move(tx, who.store_id, _sale_deltas(sale), reason=reason,
                        event_id=ev.event_id)
    listed = {ln.product_id for ln in sale.lines}
    problems += [unknown_product(pid)
                 for pid in sorted(listed - ledger.known_products(tx, listed))]
    problems += oversold(who, moved)
    problems += points_problems(loyalty.apply_sale(tx, who.store_id, ev.event_id, sale,
                                                   getattr(sale, "order_no", None)))
    if sale.coupons:
        from sync.central import promotions

        problems += [Problem(kind, code, message, {"receipt_no": sale.receipt_no})
                     for kind, code, message in promotions.record_sale_coupons(
                         tx, who, ev.event_id, sale)]
    return problems


def _apply_pickup(tx: Tx, who: TerminalIdentity, ev: Event) -> list[Problem]:
    """A web order handed over: a sale for the receipts and the stock, and the order's count
    (sync/central/orders.py ``record_pickup``)."""
    from sync.central import orders

    pickup = PickupPayload.model_validate(ev.payload)
    orders.read(tx.conn, pickup.order_no, lock=True)  # order, then levels: as every order write
    problems = _apply_sale(tx, who, ev, pickup, reason="pickup")
    problems += [Problem(kind, subject, message, {"order_no": pickup.order_no})
                 for kind, subject, message in orders.record_pickup(tx, who.store_id,
                                                                    ev.event_id, pickup)]
    return problems


def _sale_row(who: TerminalIdentity, event_id: UUID, sale: SalePayload) -> dict[str, Any]:
    return {"event_id": event_id, "store_id": who.store_id, "terminal_id": who.terminal_id,
            "receipt_no": sale.receipt_no, "staff_id": sale.staff_id,
            "member_id": sale.member_id, "completed_at": utc(sale.completed_at),
            "currency": sale.currency, "subtotal": sale.subtotal,
            "discount_total": sale.discount_total, "tax_total": sale.tax_total,
            "rounding": sale.rounding, "total": sale.total, "lines": len(sale.lines)}


def _sale_deltas(sale: SalePayload) -> list[tuple[int, int]]:
    return [(ln.product_id, -ln.stock_qty) for ln in sale.lines]


_HANDLERS = {"sale": _apply_sale, "pickup": _apply_pickup, "return": apply_return,
             "member_signup": apply_signup, "stock_count": apply_stock_count,
             "stock_receive": apply_stock_receive, "card_orphan_found": apply_card_orphan,
             "card_orphan_resolved": apply_card_orphan, "member_consent": apply_member_consent}


def _effects(event_type: str) -> str:
    """The ``effects`` an event of this type is stored with."""
    return ("none" if event_type in NO_CENTRAL_EFFECTS
            else "applied" if event_type in _HANDLERS else "pending")
