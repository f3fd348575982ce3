"""The till's calls about the chain's stock (issue 18), made off the GUI thread for a cashier:
F12's availability of a product at the other stores (``POST /v1/availability``, the till's
own group, nearest first) and, for an order placed at the till for another store, the hold on
that store's stock (``POST /v1/reservations``) and its release.

:class:`ChainCalls` is a part of the sync engine (sync/engine.py ``SyncEngine``): it uses the
engine's cashier client (the till's token, a database connection of the calling thread) with a
shorter time-out: a cashier with a customer waiting does not wait long for another store.
Every failure is a ``PosError`` in words a cashier can read (sync/calls.py ``cashier_call``).
"""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager
from urllib.parse import quote
from uuid import UUID

import httpx
from pydantic import ValidationError

from posclient.domain.errors import InvalidInput, NotFound, Unavailable
from posclient.store.db import Store

from .calls import cashier_call, error_code, malformed, unreachable_now
from .protocol import OrderData
from .protocol.stock import (
    AvailabilityAnswer,
    AvailabilityRequest,
    Reservation,
    ReservationRequest,
    StockLineIn,
    StockShortBody,
)

log = logging.getLogger(__name__)

CHAIN_TIMEOUT_S = 3.0  # per read: F12 falls back to the levels it kept
CHAIN_STORES = 20  # other stores shown at most


def availability(http: httpx.Client, product_id: int) -> AvailabilityAnswer:
    """``product_id`` at the stores of this till's group, nearest first."""
    req = AvailabilityRequest(lines=[StockLineIn(product_id=product_id)],
                              max_stores=CHAIN_STORES)
    resp = cashier_call(http, "POST", "/v1/availability", json=req.model_dump(mode="json"),
                        unknown=NotFound.of("chain_stock_unknown"))
    try:
        return AvailabilityAnswer.model_validate_json(resp.content)
    except ValidationError:
        raise malformed() from None


def stock_short(resp: httpx.Response) -> InvalidInput:
    """The store could not hold the units (409 ``stock_short``): what it has free."""
    try:
        body = StockShortBody.model_validate_json(resp.content)
        free = min(line.available for line in body.lines) if body.lines else 0
    except ValidationError:
        free = 0
    return InvalidInput.of("aisle_stock_short", available=free)


def reserve(http: httpx.Client, req: ReservationRequest) -> Reservation:
    """Hold ``req``'s lines at its store (idempotent on its request id: sent again after a
    time-out, the same hold comes back). Not enough free: ``aisle_stock_short`` with what the
    store has."""
    try:
        resp = http.post("/v1/reservations", json=req.model_dump(mode="json"))
    except httpx.HTTPError as exc:
        log.info("central unreachable for a reservation: %s", exc)
        raise unreachable_now(not isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout))
                              ) from None
    if resp.status_code == 409 and error_code(resp) == "stock_short":
        raise stock_short(resp)
    if resp.status_code == 404:
        code = error_code(resp)
        if code == "store_unknown":
            raise NotFound.of("aisle_store_unknown", store=req.store_id)
        if code == "product_unknown":
            raise NotFound.of("chain_stock_unknown")
        raise Unavailable.of("aisle_unsupported")  # a central older than holds
    if resp.status_code >= 400:
        log.warning("the central refused a reservation: %s %s", resp.status_code,
                    resp.text[:200])
        raise Unavailable.of("central_refused", status=resp.status_code)
    try:
        return Reservation.model_validate_json(resp.content)
    except ValidationError:
        raise malformed() from None


def release(http: httpx.Client, reservation_id: UUID) -> None:
    """Give a hold up (idempotent at the central)."""
    cashier_call(http, "POST", f"/v1/reservations/{reservation_id}/release",
                 unknown=NotFound.of("reservation_unknown"))


def _cancel_refused(code: str | None, order_no: str) -> InvalidInput:
    """The till's message for the central's 409 on an order's cancellation."""
    if code == "order_not_store":
        return InvalidInput.of("order_cancel_not_store", order_no=order_no)
    if code == "order_cancelled":
        return InvalidInput.of("order_cancel_cancelled", order_no=order_no)
    if code == "order_refunded":
        return InvalidInput.of("order_cancel_refunded", order_no=order_no)
    return InvalidInput.of("order_cancel_started", order_no=order_no)  # order_started


def cancel_order(http: httpx.Client, order_no: str) -> OrderData:
    """Cancel an order placed at a till (sync/central/order_cancel.py): the order, cancelled,
    with the store payments to give back. Unreachable: ``order_cancel_offline`` (the till
    cannot know whether the order was collected); refused: why, in a manager's words."""
    try:
        resp = http.post(f"/v1/orders/{quote(order_no, safe='')}/cancel")
    except httpx.HTTPError as exc:
        log.info("central unreachable for an order's cancellation: %s", exc)
        raise Unavailable.of("order_cancel_offline") from None
    if resp.status_code == 409:
        raise _cancel_refused(error_code(resp), order_no)
    if resp.status_code == 404:
        if error_code(resp) == "order_unknown":
            raise NotFound.of("order_cancel_unknown", order_no=order_no)
        raise Unavailable.of("aisle_unsupported")  # a central older than cancellations
    if resp.status_code >= 400:
        log.warning("the central refused an order's cancellation: %s %s", resp.status_code,
                    resp.text[:200])
        raise Unavailable.of("central_refused", status=resp.status_code)
    try:
        return OrderData.model_validate_json(resp.content)
    except ValidationError:
        raise malformed() from None


class ChainCalls:
    """The sync engine's calls about the chain's stock (posclient/app/ports.py
    ``ChainStockPort`` and ``AislePort``). Any thread."""

    def _cashier_client(self) -> AbstractContextManager[tuple[httpx.Client, str, Store]]:
        raise NotImplementedError  # the engine's (sync/engine.py)

    def chain_availability(self, product_id: int) -> AvailabilityAnswer:
        """``product_id`` at the stores of this till's group, nearest first."""
        with self._cashier_client() as (http, _, _store):
            http.timeout = httpx.Timeout(CHAIN_TIMEOUT_S)
            return availability(http, product_id)

    def reserve_stock(self, req: ReservationRequest) -> Reservation:
        """Hold stock at another store for an order placed at this till."""
        with self._cashier_client() as (http, _, _store):
            http.timeout = httpx.Timeout(CHAIN_TIMEOUT_S)
            return reserve(http, req)

    def release_stock(self, reservation_id: UUID) -> None:
        """Give up a hold made here (the sale was voided)."""
        with self._cashier_client() as (http, _, _store):
            http.timeout = httpx.Timeout(CHAIN_TIMEOUT_S)
            release(http, reservation_id)

    def cancel_placed_order(self, order_no: str) -> OrderData:
        """Cancel an order placed at a till, at the central, before its money is given back
        here (posclient/app/aisle_cancel.py)."""
        with self._cashier_client() as (http, _, _store):
            http.timeout = httpx.Timeout(CHAIN_TIMEOUT_S)
            return cancel_order(http, order_no)
