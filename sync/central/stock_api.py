"""The channel routes of one stock (issue 18): availability and reservations, and the admin
routes that set what they read (a store's group and position, safety stock).

A channel calls them with its key (the scope ``availability`` or ``reserve``), the web shop
may use the admin token, and a till its terminal token (sync/central/channel_auth.py).
:func:`install` adds them to the app (sync/central/api.py ``create_app``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Path

from sync.central import availability, feed, safety
from sync.central.admin_api import StrictJsonRoute, admin
from sync.central.api import CentralDep, OnceRoute
from sync.central.channel_auth import AVAILABILITY, Caller, caller_with
from sync.central.models import StoreOut, StorePlaceIn
from sync.central.store_places import Place, set_place
from sync.protocol import ErrorBody
from sync.protocol.stock import AvailabilityAnswer, AvailabilityRequest

router = APIRouter(prefix="/v1", route_class=OnceRoute,
                   responses={401: {"model": ErrorBody}, 403: {"model": ErrorBody},
                              404: {"model": ErrorBody}})
admin_router = APIRouter(prefix="/v1/admin", tags=["admin"], dependencies=[Depends(admin)],
                         route_class=StrictJsonRoute,
                         responses={403: {"model": ErrorBody}, 404: {"model": ErrorBody}})

AvailabilityCaller = Annotated[Caller, Depends(caller_with(AVAILABILITY, terminals=True))]
StorePath = Annotated[str, Path(min_length=1, max_length=32)]


def install(app: FastAPI) -> None:
    """Add the routes to ``app``."""
    app.include_router(router)
    app.include_router(admin_router)


@router.post("/availability", response_model=AvailabilityAnswer, tags=["channel"])
def post_availability(req: AvailabilityRequest, who: AvailabilityCaller,
                      c: CentralDep) -> AvailabilityAnswer:
    """What stores can still promise of one product or a basket: per store and line,
    ``on_hand - held - safety`` (never below zero), with the age of the store's last upload.
    One store (``store_id``), a group's stores (``group``, nearest first to
    ``near_store_id``), or for a till naming neither, its own store's group nearest first.
    Unknown SKU: ``404 product_unknown``; unknown store or group: ``404 store_unknown`` /
    ``group_unknown``; a channel naming neither: ``422 place_missing``."""
    return availability.availability(c.engine, who.store_id, req, c.clock.now())


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

