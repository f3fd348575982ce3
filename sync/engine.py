"""The terminal's sync engine: uploads the outbox, applies the central's changes. No Qt.

One cycle (:meth:`SyncEngine.run_once`):
1. push: pending outbox events in batches (<= 500), oldest first. ``accepted``/``duplicate``
   mark an event sent; ``rejected`` parks it for a manager (status 'rejected', with the reason)
   and every other event keeps flowing.
2. pull: on first start (no cursor) or after ``410 Gone``, the snapshot; then pages of changes.
   Each page is applied together with its new cursor in ONE transaction. Pages are small, so a
   checkout never waits long for the write lock. The snapshot, once staged and verified, is
   written in short transactions by :class:`sync.apply.SnapshotWriter`: plain bulk INSERTs
   on a first start, and for a till that already has a catalogue (and may be selling) only
   what changed, plus the removal of what the snapshot no longer holds; its cursor is set
   last.
   Between the two, suspended sales are shared with the store's other tills (sync/parked.py).
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
till's language (sync/refusals.py).

Network faults (connection refused, timeouts, 5xx, 429) never raise out of a cycle: they are
recorded (``sync_state``) and reported through the status callback; :meth:`SyncEngine.start`
runs cycles in a thread with exponential backoff and jitter, honouring ``Retry-After``.
"""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import random
import sqlite3
import sys
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
from posclient.store.db import Store
from posclient.store.stock import acknowledge_sent, tidy_acknowledged, tidy_candidates
from sync.protocol.clock import SystemClock
from sync.protocol.snapshot_format import TRAILER_KIND, TRAILER_PARAM

from . import calls, parked, till_identity
from .apply import Applier, SnapshotWriter
from .credentials import TokenStore
from .errors import SyncError
from .http import (
    DEADLINE,
    DEFAULT_DEADLINE_S,
    RAW,
    AnswerTooLarge,
    BoundedTransport,
    DeadlineExceeded,
)
from .protocol import (
    MAX_EVENTS_PER_BATCH,
    MAX_PAGE,
    AuditAck,
    CouponStatus,
    EventsResponse,
    OrderData,
    PageError,
    ParkedSale,
    PurchaseData,
    ReserveRequest,
    ReserveResponse,
    StoreException,
    StoreReconciliation,
    WhoAmI,
    validate_page,
)
from .snapshot_stage import _SNAPSHOT_BLOCK, decode_block, stage_path, stage_snapshot

__all__ = ["_SNAPSHOT_BLOCK", "SyncEngine", "SyncError", "SyncStatus", "read_status",
           "state_get", "state_set"]

log = logging.getLogger(__name__)

SNAPSHOT_CHUNK = 500  # rows of the first write transaction of each kind (sync/apply.py)
# Snapshot lines are validated a block at a time (one pydantic call per block). 100 lines: the
# call's cost is spread, and the parsed objects die before the garbage collector's first pass
# (measured: blocks of 1,000 cost 2.5 times as much, almost all of it in the collector). A till
# that sells while it re-takes the snapshot: the engine sleeps YIELD_S after each block.
# Decoding holds the GIL; without a pause the till's own thread would wait up to the
# interpreter's switch interval (5 ms) for the GIL after each of its SQL calls.
SNAPSHOT_BLOCK = 100
YIELD_S = 0.0002
# While a snapshot loads, the interpreter's switch interval (how long a thread that wants the
# GIL waits before it asks the running one to let go) is lowered from 5 ms to this: the till's
# own thread gets the GIL sooner after each of its SQL calls.
SWITCH_INTERVAL_S = 0.0005
GC_GEN2_FACTOR = 10  # see _SwitchInterval
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


@dataclass(frozen=True, slots=True)
class SyncStatus:
    """What a person sees at a glance (status bar, ``posclient status``)."""

    enrolled: bool
    online: bool | None  # None: never tried
    state: str  # idle | syncing | bootstrapping | offline | error | wrong_token | not_enrolled
    events_waiting: int
    events_rejected: int
    last_sync_at: str | None
    last_error: str | None
    cursor: int | None
    server_url: str | None
    progress: tuple[int, int] | None = None  # (done, total) during a bootstrap
    # The last failure's code and details (sync/errors.py), shown in the user's language by
    # sync/refusals.py ``describe``; None when the last cycle succeeded.
    error_code: str | None = None
    error_details: dict[str, Any] = field(default_factory=dict)


@dataclass
class CycleReport:
    pushed: int = 0
    rejected: int = 0
    applied: int = 0
    bootstrapped: bool = False
    exceptions: list[str] = field(default_factory=list)
    parked: int = 0  # suspended sales published, claimed or dropped (sync/parked.py)


# -- sync_state helpers ------------------------------------------------------------------------

def state_get(conn: Any, key: str) -> str | None:
    row = conn.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def state_set(conn: Any, **values: str | int | None) -> None:
    conn.executemany(
        "INSERT INTO sync_state (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [(k, None if v is None else str(v)) for k, v in values.items()])


def read_status(conn: Any, *, state: str | None = None,
                progress: tuple[int, int] | None = None) -> SyncStatus:
    """The sync status as stored in the database (readable by any process)."""
    server = state_get(conn, "server_url")
    cursor = state_get(conn, "cursor")
    online = state_get(conn, "online")
    counts = dict(conn.execute(
        "SELECT status, count(*) FROM outbox WHERE status IN ('pending', 'rejected') "
        "GROUP BY status").fetchall())
    last_error = state_get(conn, "last_error")
    error_code = state_get(conn, "error_code") if last_error else None
    try:
        error_details = json.loads(state_get(conn, "error_details") or "{}") \
            if error_code else {}
    except ValueError:
        error_details = {}
    if state is None:
        if not server:
            state = "not_enrolled"
        elif online == "0" and state_get(conn, "error_code") == "wrong_token":
            state = "wrong_token"  # another till's token: nothing is sent or taken in
        elif online == "0":
            state = "offline" if state_get(conn, "error_transient") == "1" else "error"
        else:
            state = "idle"
    return SyncStatus(
        enrolled=bool(server),
        online=None if online is None else online == "1",
        state=state,
        events_waiting=counts.get("pending", 0),
        events_rejected=counts.get("rejected", 0),
        last_sync_at=state_get(conn, "last_sync_at"),
        last_error=last_error,
        cursor=None if cursor is None else int(cursor),
        server_url=server,
        progress=progress,
        error_code=error_code,
        error_details=error_details if isinstance(error_details, dict) else {},
    )


# -- the engine --------------------------------------------------------------------------------

class SyncEngine:
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
        with Store.open(self.db_path, create=False) as store:
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
        _raise_for(resp)
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

    def check_coupon(self, code: str) -> CouponStatus:
        """Whether a coupon is still unused anywhere in the chain."""
        with self._cashier_client() as (http, _, _store):
            return calls.check_coupon(http, code)

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
        with Store.open(self.db_path, create=False) as store:
            me = till_identity.enrolled(store.conn)
            if me is None:
                raise InvalidInput("This till is not connected to a central",
                                   code="not_enrolled")
            held = till_identity.held_token(me, self.tokens)
            if held is None:
                raise Unavailable("This till cannot prove itself to the central (its token is "
                                  "not in the keyring): call IT to enrol it again",
                                  code="token_missing")
            with self._client(me.server_url, held.token, deadline=CASHIER_DEADLINE_S) as http:
                http.timeout = httpx.Timeout(min(self.timeout, CASHIER_TIMEOUT_S))
                try:
                    self._check_identity(store, http, me, held)
                except SyncError as exc:  # nothing was sent yet: the check came first
                    if exc.transient:
                        raise Unavailable(calls.UNREACHABLE, code="central_unreachable",
                                          maybe_sent=False) from None
                    raise Unavailable(f"This till cannot use the central: {exc}",
                                      code="central_identity", why=str(exc)) from None
                yield http, me.terminal_id, store

    # -- push ------------------------------------------------------------------------------------
    def _push(self, store: Store, http: httpx.Client, report: CycleReport) -> None:
        """Upload what was pending when the cycle began, in batches. Events the till records
        meanwhile wait for the next cycle: a busy till must still get to its pull."""
        top = store.conn.execute("SELECT max(terminal_seq) FROM outbox").fetchone()[0]
        while True:
            rows = store.conn.execute(
                "SELECT terminal_seq, event_id, type, occurred_at, payload FROM outbox "
                "WHERE status = 'pending' AND terminal_seq <= ? ORDER BY terminal_seq LIMIT ?",
                (top or 0, self.batch_size)).fetchall()
            if not rows:
                return
            body = {"events": [
                {"event_id": eid, "terminal_seq": seq, "type": typ, "occurred_at": at,
                 "payload": json.loads(payload)} for seq, eid, typ, at, payload in rows]}
            resp = self._request(http, "POST", "/v1/events", json=body)
            try:
                results = EventsResponse.model_validate(resp.json()).results
            except ValueError as exc:
                raise SyncError(f"the central's answer to an upload was malformed: {exc}",
                                transient=True) from None
            by_id = {str(r.event_id): r for r in results}
            now = iso(self.clock.now())
            rejected, sent = [], []
            for seq, eid, *_ in rows:
                r = by_id.get(eid)
                if r is None:
                    continue  # not answered: sent again next time (idempotent)
                if r.status == "rejected":
                    rejected.append((r.reason or "rejected", seq))
                else:
                    sent.append((now, "; ".join(r.exceptions) or None, seq))
                    report.exceptions.extend(r.exceptions)
            answered = len(rejected) + len(sent)
            with store.write() as conn:
                conn.executemany(
                    "UPDATE outbox SET status = 'rejected', attempts = attempts + 1, "
                    "last_error = ? WHERE terminal_seq = ?", rejected)
                conn.executemany(
                    "UPDATE outbox SET status = 'sent', attempts = attempts + 1, "
                    "acked_at = ?, last_error = ? WHERE terminal_seq = ?", sent)
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
            rows = store.conn.execute(
                "SELECT id, at, staff_id, approved_by, action, detail, prev_hash, hash "
                "FROM audit_log WHERE id > ? ORDER BY id LIMIT ?",
                (sent, self.batch_size)).fetchall()
            if not rows:
                return
            keys = ("id", "at", "staff_id", "approved_by", "action", "detail", "prev_hash",
                    "hash")
            resp = self._send(http, "POST", "/v1/audit",
                              json={"records": [dict(zip(keys, r, strict=True)) for r in rows]})
            if resp.status_code == 404:
                return
            _raise_for(resp)
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
                                     params={"after": cursor, "limit": limit})
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
            _never_back(int(cursor), page.next_after, records[0][0].seq if records else None)
            with _synchronous(store.conn, "NORMAL"), store.write() as conn:
                t0 = time.perf_counter()
                report.applied += Applier(conn, store_id, iso(self.clock.now())).apply(
                    (c.entity, c.op, c.key, data) for c, data in records)
                state_set(conn, cursor=page.next_after)
                if not page.has_more:
                    acknowledge_sent(conn)
                    acknowledge_points(conn)
            took = time.perf_counter() - t0
            pages += 1
            longest = max(longest, took)
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
        """Load the store's full state from the snapshot, in short transactions.

        :class:`sync.apply.SnapshotWriter` does the writing: plain bulk INSERTs on a first start
        (no catalogue yet), a compare-and-write-what-changed path for a till that already has a
        catalogue (after ``410 Gone``), which also removes what the snapshot no longer holds.
        The cursor is set last, in its own transaction: until then the snapshot is taken again.
        """
        self._emit(store, "bootstrapping", (0, 0))
        try:  # pass 1: the whole snapshot staged beside the database and verified
            with http.stream("GET", "/v1/snapshot", params={TRAILER_PARAM: TRAILER_KIND},
                             extensions={RAW: True,
                                         DEADLINE: self.snapshot_deadline}) as resp:
                _raise_for(resp)
                t0 = time.perf_counter()
                staged = stage_snapshot(resp.iter_raw(), stage_path(self.db_path))
            log.info("snapshot staged and verified: %d records, %.1f MB as sent, in %.1f s",
                     staged.records, staged.path.stat().st_size / 2**20,
                     time.perf_counter() - t0)
        except httpx.HTTPError as exc:
            err = network_error(exc)
            raise SyncError(f"the snapshot download broke off: {err}", transient=err.transient,
                            code=err.code, **err.details) from None
        header = staged.header
        total = staged.records
        writer: SnapshotWriter | None = None
        try:  # pass 2: written in short transactions, from the verified file
            with _SWITCH.lowered(SWITCH_INTERVAL_S):
                lines = staged.lines()
                self._emit(store, "bootstrapping", (0, total))
                writer = SnapshotWriter(store, store_id, chunk=SNAPSHOT_CHUNK,
                                        received_at=iso(self.clock.now()))
                log.info("snapshot of %s records (%s path)", total or "?",
                         "bulk" if writer.bulk else "careful")
                done = 0
                # A first start has no seller. A till that may be selling: a pause after each
                # block, so that its own thread gets the GIL without waiting for a forced switch.
                pause = 0.0 if writer.bulk else YIELD_S
                while part := lines.take(SNAPSHOT_BLOCK):
                    recs = decode_block(part, done)
                    done += len(recs)
                    if writer.add_block(recs):
                        self._emit(store, "bootstrapping", (writer.records, total))
                    if pause:
                        time.sleep(pause)
                writer.flush()
                if done != total:  # verified: only a fault of the file on this disk
                    raise SyncError(f"the staged snapshot read back {done} of {total} records",
                                    transient=True)
                writer.finish(complete=True)
        except sqlite3.IntegrityError as exc:
            raise SyncError(f"the central's snapshot breaks the till's rules ({exc})",
                            transient=False) from None
        finally:
            if writer is not None:
                writer.close()
            staged.discard()
        if header.seq < int(state_get(store.conn, "cursor") or 0):
            log.warning("the snapshot is as of seq %d, before this till's cursor %s (a central "
                        "restored from a backup?)", header.seq, state_get(store.conn, "cursor"))
        # The benchmark reads the last two figures (benchmarks/sync.py).
        log.info("snapshot applied: %d records, %d rows written, %d removed, indexes rebuilt "
                 "in %.0f ms, longest write transaction %.0f ms", done, writer.written,
                 writer.removed, writer.index_build_s * 1000, writer.max_lock_s * 1000)
        with store.write() as conn:
            state_set(conn, cursor=header.seq, bootstrapped_at=iso(self.clock.now()))
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
        """Wake the background thread for a cycle now (after a sale, or 'Sync now')."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None


class _SwitchInterval:
    """While at least one snapshot loads (process-wide, nested users counted): the switch
    interval lowered (see ``SWITCH_INTERVAL_S``), and full garbage collections made rarer
    (``GC_GEN2_FACTOR``): a snapshot's buffered rows outlive the young generations and made a
    full collection (about 60 ms, during which no other thread runs) five times as frequent
    as before block decoding. Both are restored when the last load ends."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users = 0
        self._saved = 0.0
        self._gc: tuple[int, int, int] = (0, 0, 0)

    @contextlib.contextmanager
    def lowered(self, seconds: float) -> Iterator[None]:
        with self._lock:
            if self._users == 0:
                self._saved = sys.getswitchinterval()
                sys.setswitchinterval(min(seconds, self._saved))
                self._gc = gc.get_threshold()
                gc.set_threshold(self._gc[0], self._gc[1], self._gc[2] * GC_GEN2_FACTOR)
            self._users += 1
        try:
            yield
        finally:
            with self._lock:
                self._users -= 1
                if self._users == 0:
                    sys.setswitchinterval(self._saved)
                    gc.set_threshold(*self._gc)


_SWITCH = _SwitchInterval()


@contextlib.contextmanager
def _synchronous(conn: sqlite3.Connection, level: str) -> Iterator[None]:
    """``PRAGMA synchronous`` at ``level`` for a while (outside any transaction)."""
    saved = conn.execute("PRAGMA synchronous").fetchone()[0]
    conn.execute(f"PRAGMA synchronous = {level}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA synchronous = {int(saved)}")


def acknowledge_points(conn: Any) -> None:
    """Members' points of events the central accepted are in the balances just read: stop
    counting them locally (few rows: only members' sales and returns)."""
    conn.execute(
        "UPDATE points_pending SET acked = 1 WHERE acked = 0 AND event_id IN "
        "(SELECT event_id FROM outbox WHERE status = 'sent')")


def _never_back(cursor: int, next_after: int, first_seq: int | None) -> None:
    """A page may not move the till's cursor back, nor hold changes it already has."""
    if next_after < cursor or (first_seq is not None and first_seq <= cursor):
        raise SyncError(f"the central sent a page that would move the till's cursor back "
                        f"(from {cursor} to {min(next_after, first_seq or next_after)}): "
                        "refused; the cursor was left unchanged", transient=False,
                        code="cursor_back", cursor=cursor,
                        next_after=min(next_after, first_seq or next_after))


def network_error(exc: httpx.HTTPError) -> SyncError:
    """What a network fault, a deadline or an answer over its bound means for a cycle."""
    if isinstance(exc, DeadlineExceeded):
        return SyncError(f"the central did not finish answering within {exc.seconds:g} s "
                         "(deadline)", transient=True, code="deadline",
                         seconds=f"{exc.seconds:g}")
    if isinstance(exc, AnswerTooLarge):
        return SyncError(f"the central's answer was over {exc.limit // 2**20} MB decoded: "
                         "refused", transient=False, code="answer_too_large",
                         limit_mb=exc.limit // 2**20)
    if isinstance(exc, httpx.TimeoutException):
        return SyncError(f"the central did not answer in time ({type(exc).__name__})",
                         transient=True)
    if isinstance(exc, httpx.DecodingError):
        return SyncError(f"the central's answer could not be decoded ({exc})", transient=True,
                         code="answer_malformed")
    return SyncError(f"the central cannot be reached ({exc})", transient=True)


def _raise_for(resp: httpx.Response) -> None:
    code = resp.status_code
    if code < 400 or code == 410:
        return
    if code == 401:
        raise SyncError("the central refused this till's token (revoked or unknown): enrol "
                        "this till again with a code made for it (Settings, or posclient enrol "
                        "--again)", transient=False)
    if code == 403:
        raise SyncError("the central refused access to this store's data (403)",
                        transient=False)
    if code == 429:
        retry = resp.headers.get("Retry-After")
        raise SyncError("the central asked the till to slow down (429)", transient=True,
                        retry_after=float(retry) if retry and retry.isdigit() else None)
    if code >= 500:
        raise SyncError(f"the central had an error ({code})", transient=True)
    raise SyncError(f"the central refused the request ({code})", transient=False)
