"""Admin routes (``/v1/admin/*``): the admin token only. Stores, staff, enrolment codes,
terminals, bulk reference data and stock, and the lists a manager works from (exceptions,
quarantine, terminal_seq gaps).

Bulk writes keep the rules of a file import (sync/central/importers.py): the body is checked
whole before anything is written (a key given twice in one object, or nesting deeper than
``import_read.MAX_DEPTH``, is refused before the body is parsed into records: 422
``invalid_json``), and by default a batch with any refused record writes nothing (422
``records_rejected`` lists each by index); ``"partial": true`` writes the good ones."""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from sqlalchemy import Connection, Row, select

from sync.central import (
    channels,
    entities,
    feed,
    identity,
    incidents,
    orders,
    oversell,
    pickup_codes,
    returns,
)
from sync.central.api import BearerDep, CentralDep, OnceRoute, RowId
from sync.central.db import serialize
from sync.central.entities import WriteReport
from sync.central.errors import (
    Forbidden,
    InvalidRequest,
    NotFound,
    RecordsRejected,
    Unauthorized,
)
from sync.central.import_read import json_problem
from sync.central.models import (
    EnrolmentCodeCreate,
    EnrolmentCodeOut,
    EntityBatch,
    EntityReport,
    ExceptionOut,
    GapOut,
    OrderCustomer,
    OrderMove,
    OrderOut,
    OrdersBatch,
    PruneIn,
    PruneOut,
    QuarantineOut,
    RecordsRejectedBody,
    ResolveIn,
    RevokeOut,
    RowRejected,
    StaffCreate,
    StaffOut,
    StoreCreate,
    StoreOut,
    TerminalOut,
)
from sync.central.schema import exceptions, quarantine, terminal_gaps, terminals
from sync.central.store_places import Place
from sync.protocol import ErrorBody, OrderData, RefundRequestList


def admin(c: CentralDep, credentials: BearerDep) -> None:
    """Only the admin token passes (a terminal's token or a channel's key gets 403)."""
    if credentials is None:
        raise Unauthorized("Admin calls need `Authorization: Bearer <admin token>`.",
                           code="token_missing")
    token = credentials.credentials
    if identity.is_admin_token(c.engine, token, c.admin_token_hash):
        return
    if channels.is_key_form(token):
        with c.engine.connect() as conn:
            key = channels.find(conn, token)
        if key is None or key.revoked_at is not None:
            raise Unauthorized("Not the admin token.", code="admin_token_invalid")
        raise Forbidden("A channel key cannot use the admin API.", code="admin_only")
    try:
        identity.authenticate(c.engine, token)
    except Unauthorized:
        raise Unauthorized("Not the admin token.", code="admin_token_invalid") from None
    raise Forbidden("A terminal's token cannot use the admin API.", code="admin_only")


class StrictJsonRoute(OnceRoute):
    """A route whose JSON body is refused (422 ``invalid_json``) when an object repeats a key
    or the nesting is too deep, before FastAPI parses it (``json.loads`` keeps the last of
    two keys silently, and recurses); its unit of work runs once (:class:`OnceRoute`)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict(request: Request) -> Response:
            body = await request.body()
            if body:
                try:
                    text = body.decode("utf-8")
                except UnicodeDecodeError:
                    raise InvalidRequest("The body is not UTF-8 JSON.",
                                         code="invalid_json") from None
                problem = json_problem(text)
                if problem is not None:
                    where, what = problem
                    raise InvalidRequest(f"body, character {where:,}: {what}.",
                                         code="invalid_json")
            return await handler(request)

        return strict


router = APIRouter(prefix="/v1/admin", tags=["admin"], dependencies=[Depends(admin)],
                   route_class=StrictJsonRoute,
                   responses={403: {"model": ErrorBody}, 404: {"model": ErrorBody},
                              409: {"model": ErrorBody}})

Limit = Annotated[int, Query(ge=1, le=1000)]
StoreParam = Annotated[str | None, Query(max_length=32)]


@router.post("/stores", response_model=StoreOut, status_code=201)
def create_store(body: StoreCreate, c: CentralDep) -> StoreOut:
    place = Place.of(body.group, body.latitude, body.longitude)
    with feed.transaction(c.engine, c.clock.now()) as tx:
        identity.create_store(tx, body.store_id, body.name_zh, body.name_en, body.settings,
                              place)
    return StoreOut(store_id=body.store_id, name_zh=body.name_zh, name_en=body.name_en,
                    group=place.group, latitude=body.latitude, longitude=body.longitude)


@router.post("/staff", response_model=StaffOut)
def create_staff(body: StaffCreate, c: CentralDep) -> StaffOut:
    """Add or replace a staff member; the PIN is stored as an argon2id hash only."""
    with feed.transaction(c.engine, c.clock.now()) as tx:
        created = identity.create_staff(tx, staff_id=body.id, name=body.name, role=body.role,
                                        pin=body.pin, store_id=body.store_id,
                                        active=body.active)
    return StaffOut(id=body.id, created=created)


@router.post("/enrolment-codes", response_model=EnrolmentCodeOut, status_code=201)
def make_enrolment_code(body: EnrolmentCodeCreate, c: CentralDep) -> EnrolmentCodeOut:
    with feed.transaction(c.engine, c.clock.now()) as tx:
        code, expires = identity.make_enrolment_code(tx, body.store_id,
                                                     timedelta(hours=body.ttl_hours),
                                                     body.terminal_id)
    return EnrolmentCodeOut(code=code, store_id=body.store_id, expires_at=expires)


@router.get("/terminals", response_model=list[TerminalOut])
def list_terminals(c: CentralDep, store_id: StoreParam = None) -> list[TerminalOut]:
    q = select(terminals).order_by(terminals.c.store_id, terminals.c.terminal_id)
    if store_id is not None:
        q = q.where(terminals.c.store_id == store_id)
    with c.engine.connect() as conn:
        return [TerminalOut(store_id=r.store_id, terminal_id=r.terminal_id, name=r.name,
                            created_at=r.created_at, revoked_at=r.revoked_at,
                            high_seq=r.high_seq, last_event_at=r.last_event_at)
                for r in conn.execute(q)]


@router.post("/terminals/{store_id}/{terminal_id}/revoke", response_model=RevokeOut)
def revoke_terminal(store_id: Annotated[str, Path(max_length=32)],
                    terminal_id: Annotated[str, Path(max_length=32)],
                    c: CentralDep) -> RevokeOut:
    """Revoke the terminal's token at once: its next call gets 401."""
    with feed.transaction(c.engine, c.clock.now()) as tx:
        return RevokeOut(revoked=identity.revoke_terminal(tx, store_id, terminal_id))


_ENTITIES = (*entities.REFERENCE_ENTITIES, "stock_level")


_REJECTED: dict[int | str, dict[str, Any]] = {422: {"model": RecordsRejectedBody,
                    "description": "records_rejected (nothing was written; each refused "
                                   "record by index), or another invalid request"}}


def _all_or_nothing(report: WriteReport, partial: bool) -> None:
    """Raise (rolling the transaction back) when a record was refused and not ``partial``."""
    if report.rejected and not partial:
        raise RecordsRejected(
            f"{len(report.rejected)} record(s) refused: nothing was written. Fix them and send "
            "the batch again, or send it with \"partial\": true to write the good ones.",
            [(e.ref, e.text()) for e in sorted(report.rejected, key=lambda e: e.ref)])


@router.post("/orders", response_model=EntityReport, responses=_REJECTED)
def write_orders(body: OrdersBatch, c: CentralDep) -> EntityReport:
    """Web orders, new or changed (a cancellation is a change of status). A batch with a bad
    order writes nothing unless ``partial`` (then the others are written)."""
    codes = pickup_codes.CodeHashes().prepare(c.engine, body.orders)  # before the lock
    with feed.transaction(c.engine, c.clock.now()) as tx:
        serialize(tx.conn, "entities", "order")  # the same orders sent twice at once: once
        report = orders.upsert_orders(tx, list(enumerate(body.orders)), codes=codes)
        _all_or_nothing(report, body.partial)
    return EntityReport(upserted=report.upserted, unchanged=report.unchanged, deleted=0,
                        rejected=[RowRejected(index=e.ref, reason=e.text())
                                  for e in report.rejected])


@router.post("/orders/{order_no}/cancel", response_model=OrderData,
             responses={404: {"model": ErrorBody}, 409: {"model": ErrorBody}})
def cancel_order(order_no: Annotated[str, Path(max_length=64)], c: CentralDep) -> OrderData:
    """Cancel an order nothing of which was handed over yet (``409 order_started`` else): an
    order placed at a till has no web shop to send it again cancelled. Its units are free
    again at its store, whose tills get it cancelled. Cancelled already: as it is."""
    with feed.transaction(c.engine, c.clock.now()) as tx:
        return orders.cancel(tx, order_no)


@router.get("/orders/{order_no}", response_model=OrderOut,
            responses={404: {"model": ErrorBody}})
def read_order(order_no: Annotated[str, Path(max_length=64)], c: CentralDep) -> OrderOut:
    """A web order as it stands now (what the tills collected and returned of it), with its
    customer's name and phone as the web shop sent them: the tills get those masked. An order
    placed at a till for delivery: with its delivery address, which no till holds."""
    order, name, phone, address = orders.order_personal_data(c.engine, order_no)
    with c.engine.connect() as conn:
        moves = [OrderMove(**m) for m in oversell.actions_of(conn, "order", order_no)]
    return OrderOut(order=order, customer=OrderCustomer(name=name, phone=phone,
                                                        address=address), moves=moves)


@router.post("/entities/{entity}", response_model=EntityReport, responses=_REJECTED)
def write_entities(body: EntityBatch, c: CentralDep,
                   entity: Annotated[str, Path(max_length=32,
                                               description=", ".join(_ENTITIES))]
                   ) -> EntityReport:
    """Bulk upsert (and delete) reference records as JSON (amounts in fen), validated like the
    terminals validate them. A batch with a refused record or deletion writes nothing unless
    ``partial`` (then the others are written and the refused ones listed)."""
    if entity not in _ENTITIES:
        raise NotFound(f"No entity {entity!r}; one of: {', '.join(_ENTITIES)}.",
                       code="unknown_entity")
    if body.store_id is not None and entity not in ("staff", "stock_level"):
        raise InvalidRequest(f"store_id applies to staff and stock_level only; {entity} "
                             "records are for every store.")
    rows = list(enumerate(body.records))
    with feed.transaction(c.engine, c.clock.now()) as tx:
        serialize(tx.conn, "entities", entity)  # the same records sent twice at once: once
        if entity == "stock_level":
            if body.delete:
                raise InvalidRequest("Stock levels are not deleted: set them to a count.")
            report = entities.set_stock_records(tx, rows, store_id=body.store_id,
                                                reason="admin", ref_name="record")
        else:
            report = entities.upsert_records(tx, entity, rows, store_id=body.store_id,
                                             ref_name="record")
            report.add(entities.delete_records(tx, entity, list(enumerate(body.delete))))
        _all_or_nothing(report, body.partial)
    return EntityReport(upserted=report.upserted, unchanged=report.unchanged,
                        deleted=report.deleted,
                        rejected=[RowRejected(index=e.ref, reason=e.text())
                                  for e in report.rejected])


@router.get("/refund-requests", response_model=RefundRequestList)
def list_refund_requests(
        c: CentralDep,
        status: Literal["requested", "done", "held", "refused"] | None = "requested",
        ) -> RefundRequestList:
    """Web payments to give back (returns of web orders in store), oldest first, for the web
    shop to carry out with its payment provider: ``requested`` ones (the default) are to be
    paid; a double refund's is ``held`` until the store's manager decides."""
    return RefundRequestList(requests=returns.refund_request_list(c.engine, status))


@router.post("/refund-requests/{request_id}/done", response_model=RefundRequestList)
def refund_request_done(request_id: RowId, c: CentralDep) -> RefundRequestList:
    """The web shop refunded the payment (a repeat changes nothing)."""
    with feed.transaction(c.engine, c.clock.now()) as tx:
        returns.refund_request_done(tx, request_id)
    return RefundRequestList(requests=[r for r in returns.refund_request_list(c.engine, None)
                                       if r.id == request_id])


@router.get("/exceptions", response_model=list[ExceptionOut])
def list_exceptions(c: CentralDep, status: Literal["open", "resolved"] = "open",
                    store_id: StoreParam = None,
                    limit: Limit = 100) -> list[ExceptionOut]:
    """Exceptions, one per incident, oldest first, with their count and events."""
    with c.engine.connect() as conn:
        return exception_list(conn, status, store_id, limit)


def exception_list(conn: Connection, status: str, store_id: str | None,
                   limit: int) -> list[ExceptionOut]:
    q = select(exceptions).where(exceptions.c.status == status).order_by(exceptions.c.id)
    if store_id is not None:
        q = q.where(exceptions.c.store_id == store_id)
    rows = conn.execute(q.limit(limit)).all()
    extra = incidents.extras(conn, rows)
    return [_exception_out(r, extra[r.id]) for r in rows]


@router.post("/exceptions/{exception_id}/resolve", response_model=ExceptionOut)
def resolve_exception(exception_id: RowId, body: ResolveIn, c: CentralDep) -> ExceptionOut:
    """Resolve an exception and every event behind it (a repeat keeps the first resolution);
    one holding a web refund needs the decision (``refund``: approve or refuse; without it
    ``409 refund_decision_required``)."""
    with feed.transaction(c.engine, c.clock.now()) as tx:
        row = incidents.resolve(tx.conn, exception_id, body.comment, tx.now, refund=body.refund)
        return _exception_out(row, incidents.extras(tx.conn, [row])[row.id])


def _exception_out(r: Row[Any], extra: incidents.Extra) -> ExceptionOut:
    return ExceptionOut(id=r.id, kind=r.kind, store_id=r.store_id, terminal_id=r.terminal_id,
                        event_id=r.event_id, detail=json.loads(r.detail), status=r.status,
                        comment=r.comment, created_at=r.created_at, resolved_at=r.resolved_at,
                        count=r._mapping["count"], events=extra.events, last_at=r.last_at,
                        held_refund=extra.held_refund, held_currency=extra.held_currency)


@router.get("/quarantine", response_model=list[QuarantineOut])
def list_quarantine(c: CentralDep, store_id: StoreParam = None,
                    limit: Limit = 100) -> list[QuarantineOut]:
    q = select(quarantine).order_by(quarantine.c.id).limit(limit)
    if store_id is not None:
        q = q.where(quarantine.c.store_id == store_id)
    with c.engine.connect() as conn:
        rows = conn.execute(q).all()
    return [QuarantineOut(id=r.id, event_id=r.event_id, store_id=r.store_id,
                          terminal_id=r.terminal_id, reason=r.reason, received_at=r.received_at,
                          attempts=r.attempts, raw=json.loads(r.raw)) for r in rows]


@router.get("/gaps", response_model=list[GapOut])
def list_gaps(c: CentralDep, store_id: StoreParam = None) -> list[GapOut]:
    """terminal_seq ranges never received: events lost, or still on their way."""
    q = select(terminal_gaps).order_by(terminal_gaps.c.store_id, terminal_gaps.c.terminal_id,
                                       terminal_gaps.c.first_seq)
    if store_id is not None:
        q = q.where(terminal_gaps.c.store_id == store_id)
    with c.engine.connect() as conn:
        return [GapOut(store_id=r.store_id, terminal_id=r.terminal_id, first_seq=r.first_seq,
                       last_seq=r.last_seq, detected_at=r.detected_at)
                for r in conn.execute(q)]


@router.post("/prune", response_model=PruneOut)
def prune(body: PruneIn, c: CentralDep) -> PruneOut:
    """Drop changes before ``before_seq``; terminals behind it get 410 and take a snapshot."""
    deleted = feed.prune_changes(c.engine, body.before_seq)
    with c.engine.connect() as conn:
        state = feed.feed_state(conn)
    return PruneOut(deleted=deleted, low_water=state.low_water)
