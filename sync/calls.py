"""Calls to the central that a cashier waits for (made off the GUI thread): every failure
becomes a PosError in words a cashier can read."""

from __future__ import annotations

import logging
from urllib.parse import quote

import httpx
from pydantic import ValidationError

from posclient.domain.errors import NotFound, PosError, Unavailable

from .protocol import OrderData

log = logging.getLogger(__name__)

UNREACHABLE = "The central cannot be reached now: try again in a moment"


def cashier_call(http: httpx.Client, method: str, url: str, *, unknown: PosError,
                 unreachable: str = UNREACHABLE,
                 conflict: PosError | None = None) -> httpx.Response:
    """A call a cashier waits for: ``unknown`` for a 404, ``conflict`` for a 409,
    ``unreachable`` (code ``central_unreachable``, detail ``maybe_sent``) when the network
    fails; any other refusal is ``central_refused``."""
    try:
        resp = http.request(method, url)
    except httpx.HTTPError as exc:
        log.info("central unreachable for %s %s: %s", method, url, exc)
        # maybe_sent: the request may have reached the central (only its answer failed)
        raise Unavailable(unreachable, code="central_unreachable",
                          maybe_sent=not isinstance(exc, (httpx.ConnectError,
                                                          httpx.ConnectTimeout))) from None
    if resp.status_code == 409 and conflict is not None:
        raise conflict
    if resp.status_code == 404:
        raise unknown
    if resp.status_code >= 400:
        log.warning("the central refused %s %s: %s %s", method, url, resp.status_code,
                    resp.text[:200])
        raise Unavailable("The central refused the request: ask IT to look at the till's log",
                          code="central_refused", status=resp.status_code)
    return resp


def malformed() -> PosError:
    return Unavailable("The central sent an answer the till cannot read",
                       code="central_malformed")


def fetch_order(http: httpx.Client, order_no: str) -> OrderData:
    """A web order as the central has it now (raises a PosError for a cashier)."""
    resp = cashier_call(http, "GET", f"/v1/orders/{quote(order_no, safe='')}",
                        unknown=NotFound(f"The central has no order {order_no}",
                                         code="order_unknown", order_no=order_no))
    try:
        return OrderData.model_validate_json(resp.content)
    except ValidationError:
        raise malformed() from None
