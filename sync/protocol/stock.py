"""One stock across channels (issue 18): what a store can still promise, and holds on it.

The central answers these to a channel (the web shop, the app: a channel key with the scope)
and to a till (its terminal token: the stores of its chain or group, for the F12 look-up and for
ordering at the till for another store). Every model is bounded like the rest of the protocol.

- **Availability** (``POST /v1/availability``): per store, per product: ``on_hand`` (the
  central's level, from the tills' uploads) minus ``held`` (units of pick-up orders not yet
  collected, and of reservations not yet confirmed, released or expired) minus ``safety`` (the
  safety stock the chain keeps back, per product, category or store), never below zero. With
  the time the store's tills last uploaded, so a channel can judge how far to trust it.
- **Reservations** (``POST /v1/reservations``): a hold of quantities at one store with an
  expiry, idempotent on the caller's ``request_id``; all its lines or none. Confirmed into an
  order, released, or expired (released by the central within seconds of ``expires_at``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import Field, model_validator

from sync.protocol.bounds import (
    MAX_QTY,
    MAX_STOCK,
    Count,
    Id,
    Key,
    Name,
    ProtocolModel,
    Qty,
    StoreId,
    Word,
)

MAX_BASKET_LINES = 500  # lines of one availability question or one reservation
MAX_STORES_ASKED = 100  # stores in one availability answer
MIN_HOLD_S = 60  # a reservation lives at least a minute
MAX_HOLD_S = 4 * 3600  # and at most four hours
DEFAULT_HOLD_S = 15 * 60

ReservationStatus = Literal["held", "confirmed", "released", "expired"]


class StockLineIn(ProtocolModel):
    """A product asked about or held: by ``sku`` or ``product_id`` (one of them). ``line_id``:
    the caller's (default: the line's position, from 1). ``qty``: the units wanted."""

    line_id: Id | None = None
    sku: str | None = Field(default=None, min_length=1, max_length=64)
    product_id: Id | None = None
    qty: Qty = 1

    @model_validator(mode="after")
    def _one_key(self) -> StockLineIn:
        if (self.sku is None) == (self.product_id is None):
            raise ValueError("give sku or product_id, one of them")
        return self


class AvailabilityRequest(ProtocolModel):
    """``POST /v1/availability``: one product or a basket, at one store or a group's stores.

    ``store_id``: that store only. ``group``: the stores of that group (a region), nearest first
    to ``near_store_id`` when given, else by store id; ``max_stores`` of them. Neither: a till
    asks for the stores of its own store's group (a channel must name one). ``only_enough``:
    leave out the stores that cannot cover every line.
    """

    store_id: StoreId | None = None
    group: Word | None = None
    near_store_id: StoreId | None = None
    max_stores: int = Field(default=10, ge=1, le=MAX_STORES_ASKED)
    only_enough: bool = False
    lines: list[StockLineIn] = Field(min_length=1, max_length=MAX_BASKET_LINES)

    @model_validator(mode="after")
    def _one_place(self) -> AvailabilityRequest:
        if self.store_id is not None and self.group is not None:
            raise ValueError("give store_id or group, not both")
        return self


class StockLineOut(ProtocolModel):
    """One product at one store. ``available`` = max(0, on_hand - held - safety);
    ``enough``: ``available`` covers the ``qty`` asked."""

    line_id: Id
    product_id: Id
    sku: str = Field(max_length=64)
    qty: Qty
    on_hand: int = Field(ge=-MAX_STOCK, le=MAX_STOCK)
    held: Count
    safety: Count
    available: Count
    enough: bool


class StoreStock(ProtocolModel):
    """A store's answer: its lines in the order asked, whether it covers all of them, how far
    it is from ``near_store_id`` (None: not asked, or a store without a position), and when its
    tills last uploaded (None: never) with that age in seconds at ``AvailabilityAnswer.at``."""

    store_id: StoreId
    name_zh: Name = ""
    name_en: Name = ""
    group: Word = ""
    distance_km: float | None = Field(default=None, ge=0, le=50_000)
    last_upload_at: datetime | None = None
    upload_age_s: Count | None = None
    complete: bool
    lines: list[StockLineOut] = Field(max_length=MAX_BASKET_LINES)


class AvailabilityAnswer(ProtocolModel):
    at: datetime
    stores: list[StoreStock] = Field(max_length=MAX_STORES_ASKED)


class ReservationRequest(ProtocolModel):
    """``POST /v1/reservations``: hold ``lines`` at ``store_id`` for ``hold_seconds``.

    ``request_id``: the caller's, unique per caller: the same request sent again (a time-out, a
    retry) gets the same reservation and holds nothing more; the same ``request_id`` with other
    lines or another store is refused (``409 request_id_reused``). ``order_no``: the order it is
    meant to become (optional, for people reading the holds)."""

    request_id: UUID
    store_id: StoreId
    lines: list[StockLineIn] = Field(min_length=1, max_length=MAX_BASKET_LINES)
    hold_seconds: int = Field(default=DEFAULT_HOLD_S, ge=MIN_HOLD_S, le=MAX_HOLD_S)
    order_no: Key | None = None


class ReservationLine(ProtocolModel):
    line_id: Id
    product_id: Id
    sku: str = Field(max_length=64)
    qty: Qty


class Reservation(ProtocolModel):
    """A hold as it stands. ``holder``: who made it (a channel's name, or ``till:<store>/<id>``)."""

    reservation_id: UUID
    request_id: UUID
    holder: Name
    store_id: StoreId
    status: ReservationStatus
    lines: list[ReservationLine] = Field(max_length=MAX_BASKET_LINES)
    created_at: datetime
    expires_at: datetime
    order_no: Key | None = None


class ShortLine(ProtocolModel):
    """A line a reservation could not hold: what was wanted, what the store has free."""

    line_id: Id
    product_id: Id
    sku: str = Field(max_length=64)
    wanted: int = Field(ge=1, le=MAX_QTY)
    available: Count


class StockShortBody(ProtocolModel):
    """``409 stock_short``: nothing was held; the lines the store could not cover."""

    error: Literal["stock_short"] = "stock_short"
    message: str = Field(max_length=2_000)
    lines: list[ShortLine] = Field(max_length=MAX_BASKET_LINES)
