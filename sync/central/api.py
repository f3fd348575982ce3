"""The HTTP API (FastAPI): terminal routes here, admin routes in sync/central/admin_api.py.

Every error answers with :class:`sync.protocol.ErrorBody` (``error``: a stable code, ``detail``:
a sentence for people). Routes are plain ``def`` functions: FastAPI runs them in its thread
pool, each with its own database connection, so the service scales with threads and, behind a
load balancer, with workers (all state is in the database).
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Body, Depends, FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic.json_schema import models_json_schema
from sqlalchemy import Engine
from sqlalchemy.exc import DataError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from posclient.domain.clock import Clock
from sync.central import (
    channels,
    feed,
    identity,
    ingest,
    orders,
    parked,
    pickup_codes,
    returns,
    schema,
    snapshot,
)
from sync.central.aisle import StoreOrdersQuery, TokenKeysQuery, as_older
from sync.central.answer_headers import ANSWER_HEADERS, AnswerHeaders
from sync.central.db import make_engine, retrying
from sync.central.errors import (
    CentralError,
    Forbidden,
    InvalidRequest,
    RecordsRejected,
    Unauthorized,
)
from sync.central.identity import EnrolLimits, TerminalIdentity
from sync.protocol import (
    BIGINT_MAX,
    MAX_EVENTS_PER_BATCH,
    MAX_PAGE,
    PROTOCOL_VERSION,
    AuditAck,
    AuditBatch,
    ChangesPage,
    EnrolRequest,
    EnrolResponse,
    ErrorBody,
    EventsBatch,
    EventsResponse,
    OrderData,
    ParkedClaimed,
    ParkedList,
    ParkedSale,
    PickupCodeAnswer,
    PickupCodeCheck,
    PurchaseData,
    ReserveRequest,
    ReserveResponse,
    ResolveException,
    StoreException,
    StoreExceptionList,
    StoreReconciliation,
    WhoAmI,
)
from sync.protocol.clock import SystemClock

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 32 * 1024 * 1024
DEFAULT_PAGE = 1_000


@dataclass(frozen=True)
class Central:
    """What the routes need: the database, the clock and the credentials' settings."""

    engine: Engine
    clock: Clock
    admin_token_hash: str | None  # from the environment, besides the stored one
    enrol_limits: EnrolLimits


def create_app(database: str | Engine, *, clock: Clock | None = None,
               admin_token: str | None = None, enrol_limits: EnrolLimits | None = None,
               check_schema: bool = True, api_docs: bool = False) -> FastAPI:
    """The central service as an ASGI app.

    ``database``: a URL or an engine (sync/central/db.py ``make_engine``). ``admin_token``: an
    admin token accepted besides the one stored by ``init`` (``POSCLIENT_CENTRAL_ADMIN_TOKEN``).
    The schema is checked now, so a wrong database fails at start, not at the first request.
    ``api_docs``: serve the interactive API documents (``/docs``, ``/redoc``,
    ``/openapi.json``); off by default, they map every route for anyone who can reach the
    central (``app.openapi()`` makes the document either way: ``posclient-central openapi``).
    """
    from sync.central.admin_api import router as admin_router
    from sync.central.channel_api import router as channel_router
    from sync.central.consent_api import router as consent_router
    from sync.central.member_api import router as member_router
    from sync.central.member_token_api import router as member_token_router
    from sync.central.order_cancel import router as order_cancel_router
    from sync.central.oversell_api import install as install_oversell
    from sync.central.stock_api import install as install_stock

    if admin_token is not None:
        identity.check_admin_token(admin_token)
    engine = database if isinstance(database, Engine) else make_engine(database)
    if check_schema:
        schema.check_schema(engine)
    app = FastAPI(
        title="posclient central", version=f"{PROTOCOL_VERSION}",
        docs_url="/docs" if api_docs else None, redoc_url="/redoc" if api_docs else None,
        openapi_url="/openapi.json" if api_docs else None,
        description="Sync protocol v1 between store terminals and the central inventory "
                    "service, and the central's admin API.",
        responses={400: {"model": ErrorBody, "description": "The body is not JSON"},
                   401: {"model": ErrorBody},
                   413: {"model": ErrorBody, "description": "The body is over 32 MB"},
                   422: {"model": ErrorBody}})
    app.state.central = Central(
        engine=engine, clock=clock or SystemClock(),
        admin_token_hash=identity.hash_secret(admin_token) if admin_token else None,
        enrol_limits=enrol_limits or EnrolLimits())
    _install_errors(app)
    app.include_router(router)
    app.include_router(member_router)
    app.include_router(admin_router)
    app.include_router(member_token_router)
    app.include_router(consent_router)
    app.include_router(channel_router)
    app.include_router(order_cancel_router)
    install_stock(app)  # availability, reservations and their sweeper (issue 18)
    install_oversell(app)  # the oversell rule and its settler (issue 18)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    app.add_middleware(BodyLimit, limit=MAX_BODY_BYTES)
    app.add_middleware(AnswerHeaders)  # outermost: its headers are on BodyLimit's 413 too
    return app


async def central(request: Request) -> Central:
    """The app's :class:`Central`. A coroutine: FastAPI runs it on the event loop, where a
    plain def would cost every request a trip to the thread pool and back."""
    return request.app.state.central  # type: ignore[no-any-return]


CentralDep = Annotated[Central, Depends(central)]
bearer = HTTPBearer(auto_error=False, description="The token from POST /v1/enrol")
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def terminal(c: CentralDep, credentials: BearerDep) -> TerminalIdentity:
    """The calling terminal, from its bearer token (401 if unknown or revoked)."""
    if credentials is None:
        raise Unauthorized("This call needs `Authorization: Bearer <token>` (from enrolment).",
                           code="token_missing")
    if channels.is_key_form(credentials.credentials):
        raise Forbidden("A channel key cannot use the terminal API (it is a till's call).",
                        code="terminal_only")
    return identity.authenticate(c.engine, credentials.credentials)


TerminalDep = Annotated[TerminalIdentity, Depends(terminal)]


def _own_store(who: TerminalIdentity, store_id: str | None) -> None:
    if store_id is not None and store_id != who.store_id:
        raise Forbidden(f"This terminal belongs to store {who.store_id}; it cannot read store "
                        f"{store_id}'s data.", code="other_store")


StoreQuery = Annotated[str | None, Query(
    max_length=32,
    description="Optional: the store the terminal expects to be in (403 if it is not)")]
RowId = Annotated[int, Path(ge=1, le=BIGINT_MAX)]  # an id the central made (an exception's)
CouponPath = Annotated[str, Path(min_length=1, max_length=64)]


class OnceRoute(APIRoute):
    """A route whose unit of work runs again after a transient database failure or a unique key
    broken by a concurrent request (:func:`sync.central.db.retrying`).

    Every write checks before it writes (is this event, record, store already there?), and a
    write transaction either commits whole or not at all. When the same request arrives twice
    at once (a client's retry racing its first attempt), both can check before either commits;
    on PostgreSQL the second then breaks a unique key. Run again, it finds what the first
    committed and answers as to a repeat: so every write endpoint is idempotent under
    concurrent duplicates, with the answer it gives to a later repeat.
    """

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if inspect.iscoroutinefunction(endpoint):  # the routes are plain functions (see above)
            raise TypeError(f"{path}: a central route is a plain def, run in the thread pool")

        @functools.wraps(endpoint)
        def once(*args: Any, **kw: Any) -> Any:
            return retrying(lambda: endpoint(*args, **kw), duplicates=True,
                            what=f"{path} request")

        super().__init__(path, once, **kwargs)


router = APIRouter(prefix="/v1", responses={403: {"model": ErrorBody}}, route_class=OnceRoute)


@router.get("/health", tags=["service"])
def health(c: CentralDep) -> dict[str, Any]:
    """For load balancers: the database answers and has a schema this program can use."""
    version = schema.check_schema(c.engine)
    return {"status": "ok", "schema_version": version, "protocol": PROTOCOL_VERSION,
            "server_time": c.clock.now()}


@router.post("/enrol", response_model=EnrolResponse, tags=["terminal"],
             responses={400: {"model": ErrorBody}, 429: {"model": ErrorBody}})
def enrol(req: EnrolRequest, request: Request, c: CentralDep) -> EnrolResponse:
    """Spend a one-time enrolment code: the terminal's store, its id and its bearer token.
    Wrong codes are counted per client address (the peer, or what a trusted proxy reports):
    ``429`` after too many."""
    address = identity.rate_key(request.client.host if request.client else None)
    return identity.enrol(c.engine, req, address, c.clock.now(), c.enrol_limits)


@router.get("/whoami", response_model=WhoAmI, tags=["terminal"],
            responses={401: {"model": ErrorBody}})
def whoami(who: TerminalDep, c: CentralDep) -> WhoAmI:
    """Whose token this is, at which central: a till checks it against its own store and
    terminal before it uploads or takes in anything, and when it is moved to a new address.
    The first use of a new token (from an enrolment) makes it the terminal's only one."""
    with c.engine.connect() as conn:
        return WhoAmI(store_id=who.store_id, terminal_id=who.terminal_id,
                      central_id=identity.central_id(conn))


@router.get("/changes", response_model=ChangesPage, tags=["terminal"],
            responses={410: {"model": ErrorBody}})
def changes(who: TerminalDep, c: CentralDep,
            after: Annotated[int, Query(ge=0, le=BIGINT_MAX)] = 0,
            limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
            store_id: StoreQuery = None, erasures: Annotated[bool, Query(
                description="true: send member_erasure records too")] = False,
            token_keys: TokenKeysQuery = False,
            store_orders: StoreOrdersQuery = False) -> ChangesPage:
    """The changes after ``after`` that this terminal's store may see (global and its own).

    ``410 Gone`` when ``after`` is older than the feed's retention: take a snapshot.
    """
    _own_store(who, store_id)
    return feed.read_changes(c.engine, who.store_id, after, limit, c.clock.now(),
                             erasures=erasures, token_keys=token_keys,
                             store_orders=store_orders)


@router.get("/snapshot", tags=["terminal"], response_class=StreamingResponse,
            responses={200: {"content": {snapshot.MEDIA_TYPE: {}},
                             "description": "gzip NDJSON: {seq, records}, then one record "
                                            "{entity, key, data} per line; with trailer=sha256 "
                                            "a last line {records, sha256}"}})
def get_snapshot(who: TerminalDep, c: CentralDep,
                 store_id: StoreQuery = None,
                 trailer: Annotated[Literal["sha256"] | None, Query(
                     description="sha256: end with a trailer line {records, sha256} "
                     "(sync/protocol/snapshot_format.py)")] = None,
                 erasures_since: Annotated[datetime | None, Query(
                     description="also the members erased since then (the central's time of "
                     "the till's last page)")] = None,
                 token_keys: TokenKeysQuery = False, store_orders: StoreOrdersQuery = False,
                 ) -> StreamingResponse:
    """The store's full current state as of a feed seq, streamed (``Content-Encoding: gzip``)."""
    _own_store(who, store_id)
    body = snapshot.snapshot_gzip(c.engine, who.store_id, c.clock.now(),
                                  trailer=trailer == "sha256", erasures_since=erasures_since,
                                  token_keys=token_keys, store_orders=store_orders)
    return StreamingResponse(body, media_type=snapshot.MEDIA_TYPE,
                             headers={"Content-Encoding": "gzip"})  # no-store: AnswerHeaders


_EVENTS_BODY = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"$ref": "#/components/schemas/EventsBatch"}}}}}


@router.post("/events", response_model=EventsResponse, tags=["terminal"],
             openapi_extra=_EVENTS_BODY)
def post_events(who: TerminalDep, c: CentralDep,
                body: Annotated[Any, Body()]) -> EventsResponse:
    """Store a batch of events (at most 500), each in its own transaction with its effects.

    Results come in the order of the request's events. An event that is not valid is
    ``rejected`` (and quarantined) on its own; the others are still processed.
    """
    events = body.get("events") if isinstance(body, dict) else None
    if not isinstance(events, list):
        raise InvalidRequest('The body must be {"events": [...]}.', code="invalid_batch")
    if len(events) > MAX_EVENTS_PER_BATCH:
        raise InvalidRequest(f"At most {MAX_EVENTS_PER_BATCH} events per batch "
                             f"({len(events)} sent).", code="batch_too_large")
    return EventsResponse(results=ingest.ingest_batch(c.engine, who, events, c.clock))


@router.get("/orders/{order_no}", response_model=OrderData, tags=["terminal"],
            responses={403: {"model": ErrorBody}, 404: {"model": ErrorBody}})
def get_order(order_no: Annotated[str, Path(max_length=64)], who: TerminalDep,
              c: CentralDep, store_orders: StoreOrdersQuery = False) -> OrderData:
    """A web order as it stands now, for a till of its pick-up store, the customer masked
    (name, last four digits and keyed hash of the phone). Another store's order or a delivery:
    ``403 other_store`` (a return of one reads it through ``/v1/returns/purchase``)."""
    order = orders.till_order(c.engine, order_no, who.store_id)
    return order if store_orders else as_older(order)


@router.post("/orders/{order_no}/pickup-code", response_model=PickupCodeAnswer,
             tags=["terminal"], responses={404: {"model": ErrorBody}})
def check_pickup_code(order_no: Annotated[str, Path(max_length=64)], body: PickupCodeCheck,
                      who: TerminalDep, c: CentralDep) -> PickupCodeAnswer:
    """Whether the customer's code (in the body, never in the URL) is the order's pick-up
    code: ``ok``, ``wrong`` (a wrong code counts), or ``locked`` after too many wrong codes
    in a row (not checked). Only a till of the order's pick-up store asks (403 otherwise)."""
    order = orders.get_order(c.engine, order_no)
    return pickup_codes.check(c.engine, who, order, body.code, c.clock.now())


@router.post("/audit", response_model=AuditAck, tags=["terminal"])
def post_audit(batch: AuditBatch, who: TerminalDep, c: CentralDep) -> AuditAck:
    """The till's audit records (hash-chained), kept as uploaded; the chain is checked on
    arrival and a break is filed for a manager."""
    from sync.central import audit

    return audit.receive(c.engine, who, list(batch.records), c.clock.now())


@router.get("/returns/purchase", response_model=PurchaseData, tags=["terminal"],
            responses={404: {"model": ErrorBody}, 409: {"model": ErrorBody}})
def get_purchase(who: TerminalDep, c: CentralDep,
                 receipt_no: Annotated[str | None, Query(max_length=64)] = None,
                 order_no: Annotated[str | None, Query(max_length=64)] = None) -> PurchaseData:
    """A store receipt (any store's) or a web order (any store's, or a delivery) as a return
    sees it: each line with what was received, returned anywhere, and held by returns in
    progress; an order's customer masked. A pick-up slip's receipt answers with its order. An
    order nothing of which can come back (nothing collected or delivered yet, a cancellation,
    everything returned already) is ``409 order_not_returnable``."""
    if (receipt_no is None) == (order_no is None):
        raise InvalidRequest("Name exactly one of receipt_no and order_no.",
                             code="invalid_request")
    kind, ref = ("receipt", receipt_no) if receipt_no else ("order", order_no)
    return returns.get_purchase(c.engine, kind, ref or "", c.clock.now())


@router.post("/returns/reserve", response_model=ReserveResponse, tags=["terminal"],
             responses={404: {"model": ErrorBody}, 409: {"model": ErrorBody}})
def reserve_return(req: ReserveRequest, who: TerminalDep, c: CentralDep) -> ReserveResponse:
    """Hold returnable quantities for a return about to be refunded, atomically: two stores
    cannot refund the same line (``409 return_beyond_returnable``, nothing held)."""
    with feed.transaction(c.engine, c.clock.now()) as tx:
        return returns.reserve(tx, who, req)


@router.delete("/returns/reserve/{reservation_id}", tags=["terminal"])
def release_return(reservation_id: UUID, who: TerminalDep, c: CentralDep) -> dict[str, int]:
    """The return was abandoned: its hold goes now instead of at its expiry."""
    with feed.transaction(c.engine, c.clock.now()) as tx:
        return {"released": returns.release(tx, who, reservation_id)}


@router.put("/parked/{park_id}", response_model=ParkedClaimed, tags=["terminal"])
def put_parked(park_id: UUID, sale: ParkedSale, who: TerminalDep,
               c: CentralDep) -> ParkedClaimed:
    """Share a suspended sale with the store's other tills (a repeat changes nothing)."""
    if sale.park_id != park_id:
        raise InvalidRequest("The body's park_id is not the one in the path.",
                             code="invalid_parked")
    return parked.put(c.engine, who, sale, c.clock.now())


@router.get("/parked", response_model=ParkedList, tags=["terminal"])
def list_parked(who: TerminalDep, c: CentralDep) -> ParkedList:
    """The store's suspended sales that no till has resumed yet, oldest first, without carts."""
    return ParkedList(parked=parked.open_for(c.engine, who))


@router.post("/parked/{park_id}/claim", response_model=ParkedSale, tags=["terminal"],
             responses={404: {"model": ErrorBody}, 409: {"model": ErrorBody}})
def claim_parked(park_id: UUID, who: TerminalDep, c: CentralDep) -> ParkedSale:
    """Resume a suspended sale here: its cart, once (``409 parked_taken`` for every other
    till; the same till asking again gets it again)."""
    return parked.claim(c.engine, who, park_id, c.clock.now())


@router.get("/store/reconciliation", response_model=StoreReconciliation, tags=["terminal"])
def store_reconciliation(
        who: TerminalDep, c: CentralDep,
        day: Annotated[str, Query(max_length=10,
                                  description="The business day, YYYY-MM-DD, in the store's "
                                              "time zone (store_settings.timezone)")],
        store_id: StoreQuery = None) -> StoreReconciliation:
    """The terminal's store on ``day`` as the central has it, for its manager: per till and in
    all, sales (count, total, by tender, category and hour), returns, pick-ups, cash movements,
    over/short, each till's own Z figures, what it has not uploaded (terminal_seq gaps, last
    event), and the store's open exceptions. The till checks the manager's role first."""
    from sync.central import reconcile

    _own_store(who, store_id)
    return reconcile.reconciliation(c.engine, who.store_id, reconcile.parse_day(day),
                                    c.clock.now())


@router.get("/store/exceptions", response_model=StoreExceptionList, tags=["terminal"])
def store_exceptions(who: TerminalDep, c: CentralDep,
                     status: Literal["open", "resolved"] = "open",
                     limit: Annotated[int, Query(ge=1, le=1000)] = 500) -> StoreExceptionList:
    """The terminal's store's exceptions (open by default), oldest first."""
    from sync.central import reconcile

    with c.engine.connect() as conn:
        return StoreExceptionList(exceptions=reconcile.open_exceptions(
            conn, who.store_id, status, limit))


@router.post("/store/exceptions/{exception_id}/resolve", response_model=StoreException,
             tags=["terminal"], responses={404: {"model": ErrorBody}})
def resolve_store_exception(exception_id: RowId, body: ResolveException, who: TerminalDep,
                            c: CentralDep) -> StoreException:
    """Resolve one of the store's exceptions, and every event behind it, with the manager's
    comment (another store's is ``404 exception_unknown``), and the decision on a web refund it
    holds (``refund``; without it ``409 refund_decision_required``). The till checks the
    manager's role before it calls."""
    from sync.central import reconcile

    with feed.transaction(c.engine, c.clock.now()) as tx:
        return reconcile.resolve(tx, who.store_id, exception_id, body.comment,
                                 body.staff_id, who.terminal_id, body.refund)


# -- errors ---------------------------------------------------------------------------------------

def _error(status: int, code: str, detail: str,
           headers: dict[str, str] | None = None) -> JSONResponse:
    if len(detail) > MAX_DETAIL:
        detail = detail[:MAX_DETAIL - 1] + "…"
    return JSONResponse(ErrorBody(error=code, detail=detail).model_dump(), status_code=status,
                        headers=headers)


MAX_DETAIL = ErrorBody.model_fields["detail"].metadata[0].max_length


def _install_errors(app: FastAPI) -> None:
    @app.exception_handler(CentralError)
    def _central(_: Request, exc: CentralError) -> JSONResponse:
        headers = {}
        if exc.status == 401:
            headers["WWW-Authenticate"] = "Bearer"
        retry = getattr(exc, "retry_after", None)
        if retry is not None:
            headers["Retry-After"] = str(retry)
        if isinstance(exc, RecordsRejected):  # the ErrorBody and the refused records
            body = {**ErrorBody(error=exc.code, detail=exc.detail).model_dump(),
                    "rejected": [{"index": i, "reason": r} for i, r in exc.rejected]}
            return JSONResponse(body, status_code=exc.status)
        return _error(exc.status, exc.code, exc.detail, headers)

    @app.exception_handler(RequestValidationError)
    def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        err = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in err.get("loc", ()))
        return _error(422, "invalid_request", f"{where}: {err.get('msg', 'invalid')}")

    @app.exception_handler(StarletteHTTPException)
    def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        codes = {404: "not_found", 405: "method_not_allowed"}
        return _error(exc.status_code, codes.get(exc.status_code, f"http_{exc.status_code}"),
                      str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(DataError)
    def _out_of_range(request: Request, exc: DataError) -> JSONResponse:
        # The models bound every field to what the columns hold; this is the net under them.
        log.warning("a value the database cannot hold in %s %s: %s", request.method,
                    request.url.path, type(exc.orig).__name__)
        return _error(422, "value_out_of_range", "A value in the request is beyond what the "
                      "central can store (too long or too large).")

    @app.exception_handler(OperationalError)
    def _database(_: Request, exc: OperationalError) -> JSONResponse:
        log.error("database error (answered 503): %s", type(exc.orig).__name__)
        return _error(503, "database_unavailable",
                      "The central's database could not complete the request (busy or not "
                      "answering); try again shortly.", {"Retry-After": "5"})

    @app.exception_handler(Exception)
    def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected error in %s %s", request.method, request.url.path,
                  exc_info=exc)
        # Answered outside the middlewares (ServerErrorMiddleware): the headers are added here.
        return _error(500, "internal_error", "The central failed unexpectedly; it is logged.",
                      ANSWER_HEADERS)


class BodyTooLarge(CentralError):
    status = 413
    code = "body_too_large"


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes (413), however they are sent."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            await _error(413, "body_too_large", f"Request bodies are limited to "
                         f"{self.limit // 1024 // 1024} MB.")(scope, receive, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise BodyTooLarge(f"Request bodies are limited to "
                                   f"{self.limit // 1024 // 1024} MB.")
            return message

        await self.app(scope, limited, send)


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document, plus the protocol models a route reads by hand (EventsBatch)."""
    if app.openapi_schema:
        return app.openapi_schema
    doc = get_openapi(title=app.title, version=app.version, description=app.description,
                      routes=app.routes)
    _, extra = models_json_schema([(EventsBatch, "validation")],
                                  ref_template="#/components/schemas/{model}")
    doc.setdefault("components", {}).setdefault("schemas", {}).update(extra.get("$defs", {}))
    app.openapi_schema = doc
    return doc
