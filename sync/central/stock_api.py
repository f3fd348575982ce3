"""The channel routes of one stock (issue 18): availability and reservations, and the admin
routes that set what they read (a store's group and position, safety stock).

A channel calls them with its key (the scope ``availability`` or ``reserve``), the web shop
may use the admin token, and a till its terminal token (sync/central/channel_auth.py).
:func:`install` adds them to the app (sync/central/api.py ``create_app``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, FastAPI, Path, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from sync.central import availability, background, feed, reservations, safety
from sync.central.admin_api import StrictJsonRoute, admin
from sync.central.api import Central, CentralDep, OnceRoute
from sync.central.channel_auth import AVAILABILITY, RESERVE, Caller, caller_with
from sync.central.models import StoreOut, StorePlaceIn
from sync.central.orders import OrderIn
from sync.central.reservations import StockShort
from sync.central.store_places import Place, set_place
from sync.protocol import ErrorBody
from sync.protocol.stock import (
    AvailabilityAnswer,
    AvailabilityRequest,
    Reservation,
    ReservationRequest,
    StockShortBody,
)

log = logging.getLogger(__name__)

SWEEP_EVERY_S = 1.0

router = APIRouter(prefix="/v1", route_class=OnceRoute,
                   responses={401: {"model": ErrorBody}, 403: {"model": ErrorBody},
                              404: {"model": ErrorBody}})
admin_router = APIRouter(prefix="/v1/admin", tags=["admin"], dependencies=[Depends(admin)],
                         route_class=StrictJsonRoute,
                         responses={403: {"model": ErrorBody}, 404: {"model": ErrorBody}})

AvailabilityCaller = Annotated[Caller, Depends(caller_with(AVAILABILITY, terminals=True))]
ReserveCaller = Annotated[Caller, Depends(caller_with(RESERVE, terminals=True))]
StorePath = Annotated[str, Path(min_length=1, max_length=32)]


def install(app: FastAPI) -> None:
    """Add the routes to ``app``, the ``stock_short`` answer, and the sweeper of expired
    reservations, which runs while the app does (its lifespan: ``posclient-central serve``)."""
    app.include_router(router)
    app.include_router(admin_router)
    app.add_exception_handler(StockShort, _stock_short)
    background.while_serving(app, "reservation-sweeper", SWEEP_EVERY_S, _sweep_for)


def answer(model: BaseModel, status_code: int = 200) -> Response:
    """``model`` as the answer's JSON, written once. Returned as is by a route (its
    ``response_model`` still documents it): FastAPI would otherwise validate the model again
    and serialize it, in the thread pool for a plain def, for every answer."""
    return Response(model.model_dump_json(), status_code=status_code,
                    media_type="application/json")


def _stock_short(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StockShort)
    return JSONResponse(exc.body(), status_code=exc.status)


def _sweep_for(c: Central) -> Callable[[], None]:
    """The sweeper's tick: expire the reservations past their time (reservations.sweep)."""

    def sweep() -> None:
        done = reservations.sweep(c.engine, c.clock.now())
        if done:
            log.info("%d reservation(s) expired", done)

    return sweep


@router.post("/availability", response_model=AvailabilityAnswer, tags=["channel"])
def post_availability(req: AvailabilityRequest, who: AvailabilityCaller,
                      c: CentralDep) -> Response:
    """What stores can still promise of one product or a basket: per store and line,
    ``on_hand - held - safety`` (never below zero), with the age of the store's last upload.
    One store (``store_id``), a group's stores (``group``, nearest first to
    ``near_store_id``), or for a till naming neither, its own store's group nearest first.
    Unknown SKU: ``404 product_unknown``; unknown store or group: ``404 store_unknown`` /
    ``group_unknown``; a channel naming neither: ``422 place_missing``."""
    return answer(availability.availability(c.engine, who.store_id, req, c.clock.now()))


@admin_router.post("/stores/{store_id}/place", response_model=StoreOut)
def put_store_place(store_id: StorePath, body: StorePlaceIn, c: CentralDep) -> StoreOut:
    """Change a store's group (a region) and position (degrees; both, or neither to clear
    it)."""
    place = Place.of(body.group, body.latitude, body.longitude)
    with feed.transaction(c.engine, c.clock.now()) as tx:
        set_place(tx, store_id, place)
        row = tx.conn.execute(availability.store_row(store_id)).one()
    return StoreOut(store_id=store_id, name_zh=row.name_zh, name_en=row.name_en,
                    group=place.group, latitude=body.latitude, longitude=body.longitude)


@admin_router.post("/safety-stock", response_model=safety.SafetyReport)
def post_safety_stock(body: safety.SafetyBatch, c: CentralDep) -> safety.SafetyReport:
    """Safety stock rules, written (or removed: ``qty`` null) all or none. A rule names a
    ``product_id`` or a ``category`` or neither (the store's default), at a ``store_id`` or
    every store; the most specific applies: product@store > product > category@store >
    category > store default > chain default > 0."""
    with feed.transaction(c.engine, c.clock.now()) as tx:
        return safety.write_rules(tx, body.rules)


_RESERVE_ERRORS: dict[int | str, dict[str, Any]] = {
    409: {"model": StockShortBody, "description": "stock_short (nothing held; the short lines), "
                                                  "request_id_reused, reservation_expired, "
                                                  "reservation_released, reservation_confirmed"},
    422: {"model": ErrorBody}}


@router.post("/reservations", response_model=Reservation, status_code=201, tags=["channel"],
             responses=_RESERVE_ERRORS)
def post_reservation(req: ReservationRequest, who: ReserveCaller, c: CentralDep) -> Response:
    """Hold the lines at the store until ``hold_seconds`` from now, all or none: ``201`` and
    the reservation; the same request again (same ``request_id``): ``200`` and the same
    reservation, nothing more held. ``409 stock_short`` when the store cannot cover a line
    (its ``available`` after safety stock): nothing is held, the short lines are listed."""
    reservation, new = reservations.create(c.engine, who.name, req, c.clock.now())
    return answer(reservation, 201 if new else 200)


ReservationPath = Annotated[UUID, Path()]


@router.get("/reservations/{reservation_id}", response_model=Reservation, tags=["channel"])
def get_reservation(reservation_id: ReservationPath, who: ReserveCaller,
                    c: CentralDep) -> Response:
    """A reservation as it stands (its holder's, or any for the admin; else
    ``404 reservation_unknown``)."""
    return answer(reservations.get(c.engine, who.name, reservation_id))


@router.post("/reservations/{reservation_id}/release", response_model=Reservation,
             tags=["channel"], responses=_RESERVE_ERRORS)
def release_reservation(reservation_id: ReservationPath, who: ReserveCaller,
                        c: CentralDep) -> Response:
    """Give the units back now (the customer left). Again, or after it expired: answered as
    it is. A confirmed reservation: ``409 reservation_confirmed`` (cancel the order)."""
    return answer(reservations.release(c.engine, who.name, reservation_id, c.clock.now()))


@router.post("/reservations/{reservation_id}/confirm", response_model=Reservation,
             tags=["channel"], responses=_RESERVE_ERRORS)
def confirm_reservation(reservation_id: ReservationPath, order: OrderIn, who: ReserveCaller,
                        c: CentralDep) -> Reservation:
    """The customer paid: the reservation becomes the order (the body, as
    ``POST /v1/admin/orders`` takes one: a pick-up at the reservation's store, its lines
    within the reservation's), in one transaction with the end of the hold, so the units stay
    held for the pick-up; the store's tills get the order in their pick-up list. Past its
    expiry: ``409 reservation_expired``; released: ``409 reservation_released``. The same
    confirm again answers the confirmed reservation."""
    return reservations.confirm(c.engine, who, reservation_id, order, c.clock.now())
