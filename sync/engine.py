"""The terminal's sync engine: uploads the outbox, applies the central's changes. No Qt.

One cycle (:meth:`SyncEngine.run_once`):
1. push: pending outbox events in batches (<= 500), oldest first. ``accepted``/``duplicate``
   mark an event sent; ``rejected`` parks it for a manager (status 'rejected', with the reason)
   and every other event keeps flowing.
2. pull: on first start (no cursor) or after ``410 Gone``, the snapshot; then pages of changes.
   Each page is applied together with its new cursor in ONE transaction. Pages are small, so a
   checkout never waits long for the write lock. The snapshot, once staged and verified, is
   written in short transactions by :class:`sync.snapshot_writer.SnapshotWriter`: plain bulk INSERTs
   on a first start, and for a till that already has a catalogue (and may be selling) only
   what changed, plus the removal of what the snapshot no longer holds; its cursor is set
   last.
   Between the two, suspended sales are shared with the store's other tills (sync/parked.py).
   A nudge (:meth:`SyncEngine.sync_now`) during a long pull pushes between two pages.
3. stock: once the feed has been read to its head after a push, the central's levels include
   the sales it accepted, so the till stops counting their stock movements (its stock is level
   + the movements the view ``stock_pending`` still counts): the last page's transaction also
   moves an acknowledged-through watermark on ``terminal_seq`` and notes the few events at or
   below it the central did not count (rejected). A handful of rows, however many sales went
   up, so that transaction stays short; the sales never count twice nor go missing. Then
   the movements' own flag is tidied in small transactions that change no stock
   (posclient/store/stock.py).

A misbehaving central or proxy: every request goes through :class:`sync.http.BoundedTransport`
(a deadline for each request and for the cycle's network work, answers decoded within a bound;
a page over it is asked for again with fewer changes); a snapshot is staged and verified whole
before any of it is written (sync/snapshot_stage.py); a page never moves the cursor back. Each
refusal is recorded with a code that the status bar and ``posclient status`` show in the
till's language (posclient/app/refusals.py).

Network faults (connection refused, timeouts, 5xx, 429) never raise out of a cycle: they are
recorded (``sync_state``) and reported through the status callback; :meth:`SyncEngine.start`
runs cycles in a thread with exponential backoff and jitter, honouring ``Retry-After``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from posclient.domain.clock import Clock, iso
from posclient.domain.errors import InvalidInput, Unavailable
from posclient.domain.privacy import MemberKeys
from posclient.domain.sync_status import SyncStatus
from posclient.store import audit, outbox
from posclient.store.audit_head import AuditKey
from posclient.store.db import Store
from posclient.store.members import acknowledge_points
from posclient.store.stock import acknowledge_sent, tidy_acknowledged, tidy_candidates
from posclient.store.sync_state import read_status, state_get, state_set
from sync.protocol.clock import SystemClock

from . import calls, chain_calls, member_keys, parked, snapshot_load, till_identity
from .apply import Applier
from .credentials import TokenStore, key_audit
from .errors import SyncError
from .faults import network_error, never_back, raise_for
from .http import DEFAULT_DEADLINE_S, BoundedTransport
from .protocol import (
    MAX_EVENTS_PER_BATCH,
    MAX_PAGE,
    AuditAck,
    CouponStatus,
    EventsResponse,
    MemberData,
    MemberLookupRequest,
    OrderData,
    PageError,
    ParkedSale,
    PickupCodeAnswer,
    PurchaseData,
    ReserveRequest,
    ReserveResponse,
    StoreException,
    StoreReconciliation,
    WhoAmI,
    validate_page,
)

# What other modules and the tests take from here besides the engine.
__all__ = ["SyncEngine", "SyncError", "SyncStatus", "read_status", "state_get", "state_set"]

log = logging.getLogger(__name__)

PAGE_LIMIT = MAX_PAGE  # the most changes asked for at once (the page size adapts below it)
FIRST_PAGE = 1_000  # changes asked for first in a cycle
MIN_PAGE = 100
PAGE_TX_TARGET_S = 0.025  # write transaction per page (see SyncEngine._pull)
# After a drain, acknowledged movements are flagged this many per write transaction (a few ms),
# with a pause between two, so a checkout's retries for the write lock find it free.
TIDY_ROWS = 2_000
TIDY_PAUSE_S = 0.01
CASHIER_TIMEOUT_S = 5.0  # a cashier waits for the central at most this long (per read)
CASHIER_DEADLINE_S = 10.0  # ... and for a whole answer
# Deadlines (sync/http.py): every request of a cycle, the snapshot's download, and the whole
# cycle's network work (a snapshot's local write after its download is not cut short).
SNAPSHOT_DEADLINE_S = 1_800.0  # 100 MB (a million products) at 0.5 Mbit/s
CYCLE_DEADLINE_S = 3_600.0


@dataclass
class CycleReport:
    pushed: int = 0
    rejected: int = 0
    applied: int = 0
    bootstrapped: bool = False
    exceptions: list[str] = field(default_factory=list)
    parked: int = 0  # suspended sales published, claimed or dropped (sync/parked.py)


# -- the engine --------------------------------------------------------------------------------

class SyncEngine(chain_calls.ChainCalls):
    def __init__(self, db_path: str | Path, *, tokens: TokenStore,
                 clock: Clock | None = None, transport: httpx.BaseTransport | None = None,
                 on_status: Callable[[SyncStatus], None] | None = None,
                 timeout: float = 10.0, verify: bool | str = True,
                 page_limit: int = PAGE_LIMIT, batch_size: int = MAX_EVENTS_PER_BATCH,
                 request_deadline: float = DEFAULT_DEADLINE_S,
                 snapshot_deadline: float = SNAPSHOT_DEADLINE_S,
                 cycle_deadline: float = CYCLE_DEADLINE_S) -> None:
        self.db_path = Path(db_path)
        self.tokens = tokens
        self.clock = clock or SystemClock()
        self.transport = transport
        self.on_status = on_status
        self.timeout = timeout
        self.verify = verify
        self.page_limit = page_limit
        self.batch_size = min(batch_size, MAX_EVENTS_PER_BATCH)
        self.request_deadline = request_deadline  # each request of a cycle, whole
        self.snapshot_deadline = snapshot_deadline  # the snapshot's download
        self.cycle_deadline = cycle_deadline  # all the network work of one cycle
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._checked: set[str] = set()  # tokens whose identity the central confirmed
        self._member_keys: MemberKeys | None = None  # the chain's, from the keyring
        self._audit_key: AuditKey | None = None  # this till's, once read from the keyring

    def _open(self) -> Store:
        """A connection of the calling thread's own, keyed with this till's audit key: the
        engine writes audit records too (sync/parked.py)."""
        store = Store.open(self.db_path, create=False, audit_key=self._audit_key)
        if self._audit_key is None:
            try:
                key_audit(store, self.tokens, make=False)
            except BaseException:
                store.close()
                raise
            self._audit_key = store.audit_key
        return store

    # -- status ------------------------------------------------------------------------------------
    def _emit(self, store: Store, state: str | None = None,
              progress: tuple[int, int] | None = None) -> None:
        if self.on_status is not None:
            self.on_status(read_status(store.conn, state=state, progress=progress))

    def status(self) -> SyncStatus:
        with Store.open(self.db_path, create=False) as store:
            return read_status(store.conn)

    # -- one cycle -------------------------------------------------------------------------------
    def run_once(self) -> CycleReport:
        """Push, then pull to the head. Raises :class:`SyncError` (recorded first)."""
        with self._open() as store:
            me = till_identity.enrolled(store.conn)
            if me is None:
                raise SyncError("This till is not enrolled with a central: run posclient "
                                "enrol --server URL --code CODE", transient=False)
            held = till_identity.held_token(me, self.tokens)
            if held is None:
                raise self._fail(store, SyncError(
                    "This till's token is not in the keyring: call IT to enrol it again",
                    transient=False))
            report = CycleReport()
            self._emit(store, "syncing")
            try:
                with self._client(me.server_url, held.token, cycle=True) as http:
                    self._check_identity(store, http, me, held)
                    self._member_keys = member_keys.take(store, http, self.tokens,
                                                         self._member_keys)
                    self._push(store, http, report)
                    self._push_audit(store, http)
                    report.parked = parked.exchange(store, self._send, http, me.terminal_id,
                                                    self.clock)
                    self._pull(store, http, report)
            except SyncError as exc:
                raise self._fail(store, exc) from None
            with store.write() as conn:
                state_set(conn, online=1, last_sync_at=iso(self.clock.now()), last_error=None,
                          error_transient=None, error_code=None, error_details=None)
            self._emit(store)
            return report

    def _check_identity(self, store: Store, http: httpx.Client, me: till_identity.Enrolled,
                        held: till_identity.HeldToken) -> None:
        """Refuse a token that is not this till's (another store's ``T01`` on the same machine,
        another central) before anything is uploaded or taken in. Asked once per token and
        address in this process: the central never gives a token to another terminal."""
        mark = till_identity.fingerprint(me.server_url, held.token)
        if mark in self._checked and me.central_id is not None and not held.legacy:
            return
        answer = WhoAmI.model_validate_json(self._request(http, "GET", "/v1/whoami").content)
        why = till_identity.refusal(me, answer)
        if why is not None:
            raise why.error()
        if me.central_id is None or held.legacy:
            with store.write() as conn:
                till_identity.adopt(conn, self.tokens, me, held, answer)
        self._checked.add(mark)

    def member_keys(self) -> MemberKeys:
        """The chain's member keys as this till keeps them (posclient/app/ports.py
        ``MemberKeysPort``); ``member_keys_missing`` before the first sync that brings them."""
        if self._member_keys is None:
            self._member_keys = member_keys.read(self.db_path, self.tokens)
        return self._member_keys

    def _fail(self, store: Store, exc: SyncError) -> SyncError:
        with store.write() as conn:
            state_set(conn, online=0, last_error=str(exc),
                      error_transient=1 if exc.transient else 0,
                      last_attempt_at=iso(self.clock.now()), error_code=exc.code,
                      error_details=json.dumps(exc.details, default=str) if exc.code else None)
        log.warning("sync failed: %s", exc)
        self._emit(store)
        return exc

    def _client(self, server: str, token: str, *, cycle: bool = False,
                deadline: float | None = None) -> httpx.Client:
        """A client whose every request ends by its deadline and whose answers are bounded
        (sync/http.py); ``cycle``: the requests of one sync cycle, all within its deadline."""
        transport = BoundedTransport(self.transport, server=server, verify=self.verify,
                                     deadline_s=deadline or self.request_deadline,
                                     cycle_s=self.cycle_deadline if cycle else None)
        return httpx.Client(base_url=server.rstrip("/"), transport=transport,
                            timeout=self.timeout, verify=self.verify,
                            headers={"Authorization": f"Bearer {token}",
                                     "User-Agent": "posclient-sync/1"})

    def _request(self, http: httpx.Client, method: str, url: str, **kw: Any) -> httpx.Response:
        resp = self._send(http, method, url, **kw)
        raise_for(resp)
        return resp

    @staticmethod
    def _send(http: httpx.Client, method: str, url: str, **kw: Any) -> httpx.Response:
        """One request; a network fault is a transient SyncError. The status is not checked."""
        try:
            return http.request(method, url, **kw)
        except httpx.HTTPError as exc:
            raise network_error(exc) from None

    # -- suspended sales a cashier asks for (any thread; the GUI calls them in a worker) -------
    def shared_suspended(self) -> list[ParkedSale]:
        """Other tills' suspended sales in this store that no till has resumed yet."""
        with self._cashier_client() as (http, terminal, _):
            return parked.others(http, terminal)

    def claim_suspended(self, park_id: str) -> ParkedSale:
        """Resume a shared suspended sale here: its cart, if no other till has it first (the
        claim is journalled in the till's database: sync/parked.py)."""
        with self._cashier_client() as (http, _, store):
            return parked.claim(store, http, park_id, self.clock)

    def fetch_order(self, order_no: str) -> OrderData:
        """A web order as the central has it now (for a pick-up or a return)."""
        with self._cashier_client() as (http, _, _store):
            return calls.fetch_order(http, order_no)

    def check_pickup_code(self, order_no: str, code: str) -> PickupCodeAnswer:
        """The central's verdict on a web order's pick-up code (it counts wrong ones)."""
        with self._cashier_client() as (http, _, _store):
            return calls.check_pickup_code(http, order_no, code)

    def check_coupon(self, code: str) -> CouponStatus:
        """Whether a coupon is still unused anywhere in the chain."""
        with self._cashier_client() as (http, _, _store):
            return calls.check_coupon(http, code)

    def lookup_member(self, *, phone_hash: str | None = None,
                      member_no: str | None = None) -> MemberData:
        """A member this till does not hold (posclient/app/ports.py ``MemberDirectoryPort``):
        from now on on this store's tills."""
        req = MemberLookupRequest(phone_hash=phone_hash, member_no=member_no)
        with self._cashier_client() as (http, _, _store):
            return calls.lookup_member(http, req)

    def fetch_purchase(self, kind: str, ref: str) -> PurchaseData:
        """A receipt (any store's) or a web order with what was returned anywhere (a return)."""
        with self._cashier_client() as (http, _, _store):
            return calls.fetch_purchase(http, kind, ref)

    def reserve_return(self, req: ReserveRequest) -> ReserveResponse:
        """Hold a return's quantities at the central before refunding them."""
        with self._cashier_client() as (http, _, _store):
            return calls.reserve_return(http, req)

    def release_return(self, reservation_id: str) -> None:
        """The cashier gave the return up: its hold at the central goes now."""
        with self._cashier_client() as (http, _, _store):
            calls.release_return(http, reservation_id)

    def store_reconciliation(self, day: str) -> StoreReconciliation:
        """The store's business day at the central, for the manager's reconciliation."""
        with self._cashier_client() as (http, _, _store):
            return calls.fetch_reconciliation(http, day)

    def resolve_exception(self, exception_id: int, comment: str, staff_id: int | None,
                          refund: str | None = None) -> StoreException:
        """Resolve one of the store's exceptions at the central with a manager's comment (and
        ``refund``, approve or refuse, for one that holds a web refund)."""
        with self._cashier_client() as (http, _, _store):
            return calls.resolve_exception(http, exception_id, comment, staff_id, refund)

    @contextmanager
    def _cashier_client(self) -> Iterator[tuple[httpx.Client, str, Store]]:
        """An HTTP client with a cashier's time-out, the till's id, and a database connection
        of the calling thread's own."""
        with self._open() as store:
            me = till_identity.enrolled(store.conn)
            if me is None:
                raise InvalidInput.of("not_enrolled")
            held = till_identity.held_token(me, self.tokens)
            if held is None:
                raise Unavailable.of("token_missing")
            with self._client(me.server_url, held.token, deadline=CASHIER_DEADLINE_S) as http:
                http.timeout = httpx.Timeout(min(self.timeout, CASHIER_TIMEOUT_S))
                try:
                    self._check_identity(store, http, me, held)
                except SyncError as exc:  # nothing was sent yet: the check came first
                    if exc.transient:
                        raise calls.unreachable_now(False) from None
                    raise Unavailable.of("central_identity", why=str(exc)) from None
                yield http, me.terminal_id, store

    # -- push ------------------------------------------------------------------------------------
    def _push(self, store: Store, http: httpx.Client, report: CycleReport) -> None:
        """Upload what was pending when the cycle began, in batches. Events the till records
        meanwhile wait for the next cycle: a busy till must still get to its pull."""
        top = outbox.last_seq(store.conn)
        while True:
            rows = outbox.pending_batch(store.conn, top, self.batch_size)
            if not rows:
                return
            body = {"events": [
                {"event_id": e.event_id, "terminal_seq": e.terminal_seq, "type": e.type,
                 "occurred_at": e.occurred_at, "payload": e.payload} for e in rows]}
            resp = self._request(http, "POST", "/v1/events", json=body)
            try:
                results = EventsResponse.model_validate(resp.json()).results
            except ValueError as exc:
                raise SyncError(f"the central's answer to an upload was malformed: {exc}",
                                transient=True) from None
            by_id = {str(r.event_id): r for r in results}
            now = iso(self.clock.now())
            rejected: dict[int, str] = {}
            sent: dict[int, str | None] = {}
            for e in rows:
                r = by_id.get(e.event_id)
                if r is None:
                    continue  # not answered: sent again next time (idempotent)
                if r.status == "rejected":
                    rejected[e.terminal_seq] = r.reason or "rejected"
                else:
                    sent[e.terminal_seq] = "; ".join(r.exceptions) or None
                    report.exceptions.extend(r.exceptions)
            answered = len(rejected) + len(sent)
            with store.write() as conn:
                outbox.mark_rejected(conn, rejected)
                outbox.mark_sent(conn, now, sent)
            report.rejected += len(rejected)
            report.pushed += len(sent)
            self._emit(store, "syncing")
            if answered == 0:
                raise SyncError("the central answered an upload without any result",
                                transient=True)

    def _push_audit(self, store: Store, http: httpx.Client) -> None:
        """Upload the audit records after the last one the central acknowledged (an older
        central without ``/v1/audit`` answers 404: they wait for its upgrade)."""
        while True:
            sent = int(state_get(store.conn, "audit_sent_through") or 0)
            records = audit.records_after(store.conn, sent, self.batch_size)
            if not records:
                return
            resp = self._send(http, "POST", "/v1/audit", json={"records": records})
            if resp.status_code == 404:
                return
            raise_for(resp)
            try:
                ack = AuditAck.model_validate_json(resp.content)
            except ValueError as exc:
                raise SyncError(f"the central's answer to the audit upload was malformed: "
                                f"{exc}", transient=True) from None
            for problem in ack.problems:
                log.error("the central found the audit log broken: %s", problem)
            with store.write() as conn:
                state_set(conn, audit_sent_through=ack.received_through)
            if ack.received_through <= sent:  # no progress (a gap at the central): next cycle
                return

    # -- pull ------------------------------------------------------------------------------------
    def _pull(self, store: Store, http: httpx.Client, report: CycleReport) -> None:
        """Pull pages of changes to the head (a snapshot first if needed).

        Each page is applied with its cursor in one transaction. The page size adapts: each
        request asks for as many changes as the last page's rate says fit in about
        ``PAGE_TX_TARGET_S`` of write transaction (a checkout never waits long for the write
        lock), between ``MIN_PAGE`` and the protocol's ``MAX_PAGE``, never above the engine's
        ``page_limit``. The page transactions use ``synchronous = NORMAL``: a page and its
        cursor stay one atomic commit, and one lost to a power cut is pulled again.

        The last page (the feed's head) also acknowledges the pushed sales' stock movements
        (a watermark: :func:`posclient.store.stock.acknowledge_sent`), then the movements'
        flag is tidied in transactions of their own (:meth:`_tidy`). The longest write
        transaction logged covers both.
        """
        store_id = state_get(store.conn, "store_id") or ""
        limit = min(self.page_limit, FIRST_PAGE)
        pages, longest = 0, 0.0
        while True:
            cursor = state_get(store.conn, "cursor")
            if cursor is None:
                self._bootstrap(store, http, store_id, report)
                continue
            try:
                resp = self._request(http, "GET", "/v1/changes",
                                     params={"after": cursor, "limit": limit,
                                             "erasures": "true", "token_keys": "true",
                                             "store_orders": "true"})
            except SyncError as exc:
                if exc.code == "answer_too_large" and limit > 1:
                    limit = max(1, limit // 4)  # big records: fewer of them per page
                    log.warning("a page over the till's bound: asking for %d changes", limit)
                    continue
                raise
            if resp.status_code == 410:
                log.warning("cursor %s is older than the central keeps: new snapshot", cursor)
                self._bootstrap(store, http, store_id, report)
                continue
            try:
                page, records = validate_page(resp.json())
            except (PageError, ValueError) as exc:
                raise SyncError(f"the central sent a page the till refused ({exc}); the "
                                "cursor was left unchanged", transient=False,
                                code="page_refused") from None
            never_back(int(cursor), page.next_after, records[0][0].seq if records else None)
            with _synchronous(store.conn, "NORMAL"), store.write() as conn:
                t0 = time.perf_counter()
                report.applied += Applier(conn, store_id, iso(self.clock.now())).apply(
                    (c.entity, c.op, c.key, data) for c, data in records)
                # feed_time: the central's time of the page, which a snapshot asks the
                # erasures since (sync/central/snapshot.py)
                state_set(conn, cursor=page.next_after, feed_time=iso(page.server_time))
                if not page.has_more:
                    acknowledge_sent(conn)
                    acknowledge_points(conn)
            took = time.perf_counter() - t0
            pages += 1
            longest = max(longest, took)
            if page.has_more:
                self._push_if_nudged(store, http, report)
            log.debug("page of %d changes applied in %.1f ms%s", len(records), took * 1000,
                      "" if page.has_more else " (the head: with the stock watermark)")
            if not page.has_more:
                longest = max(longest, self._tidy(store))
            if len(records) >= limit // 2:  # a full page says what a page costs
                fit = int(len(records) * PAGE_TX_TARGET_S / max(took, 1e-4))
                limit = max(MIN_PAGE, min(self.page_limit, MAX_PAGE, fit, 2 * limit))
            if not page.has_more:
                log.log(logging.INFO if pages > 1 else logging.DEBUG,  # read by benchmarks
                        "pulled %d pages, longest write transaction %.0f ms", pages,
                        longest * 1000)
                return

    def _push_if_nudged(self, store: Store, http: httpx.Client, report: CycleReport) -> None:
        """A nudge (:meth:`sync_now`: a sale, a return, a count) during a long pull: what is
        pending goes up between two pages, on the cycle's thread and connection (one writer).
        The pull then reads on to the head, whose levels include it: the stock watermark of
        the last page holds (posclient/store/stock.py)."""
        if self._wake.is_set():
            self._wake.clear()
            self._push(store, http, report)

    @staticmethod
    def _tidy(store: Store) -> float:
        """Flag the movements the watermark acknowledges, ``TIDY_ROWS`` per transaction;
        returns the longest transaction (s). Changes no stock: see posclient/store/stock.py."""
        longest = 0.0
        ids = tidy_candidates(store.conn)
        if not ids:
            return longest  # no write transaction for nothing
        flagged = 0
        with _synchronous(store.conn, "NORMAL"):
            for at in range(0, len(ids), TIDY_ROWS):
                if at:
                    time.sleep(TIDY_PAUSE_S)
                with store.write() as conn:
                    t0 = time.perf_counter()
                    flagged += tidy_acknowledged(conn, ids[at:at + TIDY_ROWS])
                longest = max(longest, time.perf_counter() - t0)
        log.info("flagged %d acknowledged stock movements in %d transactions, longest %.1f ms",
                 flagged, -(-len(ids) // TIDY_ROWS), longest * 1000)
        return longest

    def _bootstrap(self, store: Store, http: httpx.Client, store_id: str,
                   report: CycleReport) -> None:
        """Load the store's full state from the snapshot, in short transactions
        (sync/snapshot_load.py). The cursor is set last, in its own transaction: until then the
        snapshot is taken again."""
        self._emit(store, "bootstrapping", (0, 0))
        since = state_get(store.conn, "feed_time") or (  # synced before feed_time: all
            "1970-01-01T00:00:00.000Z" if state_get(store.conn, "cursor") else None)
        staged = snapshot_load.download(http, self.db_path, self.snapshot_deadline,
                                        erasures_since=since)
        seq = staged.header.seq
        done, writer = snapshot_load.write(
            store, staged, store_id, received_at=iso(self.clock.now()),
            progress=lambda n, total: self._emit(store, "bootstrapping", (n, total)))
        total = staged.records
        if seq < int(state_get(store.conn, "cursor") or 0):
            log.warning("the snapshot is as of seq %d, before this till's cursor %s (a central "
                        "restored from a backup?)", seq, state_get(store.conn, "cursor"))
        # The benchmark reads the last two figures (benchmarks/sync.py).
        log.info("snapshot applied: %d records, %d rows written, %d removed, indexes rebuilt "
                 "in %.0f ms, longest write transaction %.0f ms", done, writer.written,
                 writer.removed, writer.index_build_s * 1000, writer.max_lock_s * 1000)
        with store.write() as conn:
            state_set(conn, cursor=seq, bootstrapped_at=iso(self.clock.now()))
        report.bootstrapped = True
        report.applied += done
        self._emit(store, "bootstrapping", (done, total))

    # -- background thread -----------------------------------------------------------------------
    def start(self, interval: float = 5.0, max_backoff: float = 300.0) -> None:
        """Run cycles in a daemon thread until :meth:`stop`."""
        if self._thread is not None:
            return
        self._stop.clear()

        def loop() -> None:
            failures = 0
            while not self._stop.is_set():
                wait = interval
                try:
                    self.run_once()
                    failures = 0
                except SyncError as exc:
                    failures += 1
                    backoff = min(max_backoff, interval * 2 ** min(failures, 10))
                    wait = exc.retry_after if exc.retry_after is not None else \
                        random.uniform(backoff / 2, backoff)
                except Exception:  # never let the thread die silently
                    log.exception("sync cycle crashed")
                    failures += 1
                    wait = min(max_backoff, interval * 2 ** min(failures, 10))
                self._wake.wait(wait)
                self._wake.clear()

        self._thread = threading.Thread(target=loop, name="posclient-sync", daemon=True)
        self._thread.start()

    def sync_now(self) -> None:
        """Wake the background thread now (a sale, 'Sync now'); a long pull pushes between pages."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None


@contextlib.contextmanager
def _synchronous(conn: sqlite3.Connection, level: str) -> Iterator[None]:
    """``PRAGMA synchronous`` at ``level`` for a while (outside any transaction)."""
    saved = conn.execute("PRAGMA synchronous").fetchone()[0]
    conn.execute(f"PRAGMA synchronous = {level}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA synchronous = {int(saved)}")
