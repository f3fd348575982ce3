"""Calls to the central that a cashier waits for (made off the GUI thread): every failure
becomes a PosError in words a cashier can read."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

import httpx
from pydantic import ValidationError

from posclient.domain.errors import InvalidInput, NotFound, PosError, Unavailable

from .protocol import (
    CouponStatus,
    OrderData,
    PurchaseData,
    ReserveRequest,
    ReserveResponse,
    ResolveException,
    StoreException,
    StoreReconciliation,
)

log = logging.getLogger(__name__)

UNREACHABLE = "The central cannot be reached now: try again in a moment"


def cashier_call(http: httpx.Client, method: str, url: str, *, unknown: PosError,
                 unreachable: str = UNREACHABLE, conflict: PosError | None = None,
                 params: dict[str, str] | None = None,
                 json: Any = None) -> httpx.Response:
    """A call a cashier waits for: ``unknown`` for a 404, ``conflict`` for a 409,
    ``unreachable`` (code ``central_unreachable``, detail ``maybe_sent``) when the network
    fails; any other refusal is ``central_refused``."""
    try:
        resp = http.request(method, url, params=params, json=json)
    except httpx.HTTPError as exc:
        log.info("central unreachable for %s %s: %s", method, url, exc)
        # maybe_sent: the request may have reached the central (only its answer failed)
        raise Unavailable(unreachable, code="central_unreachable",
                          maybe_sent=not isinstance(exc, (httpx.ConnectError,
                                                          httpx.ConnectTimeout))) from None
    if resp.status_code == 409 and conflict is not None:
        if conflict.code == "return_refused_by_central":  # the central says what is left
            detail = _detail(resp)
            raise InvalidInput(f"The central refused the return: {detail}",
                               code=conflict.code, detail=detail)
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


def fetch_purchase(http: httpx.Client, kind: str, ref: str) -> PurchaseData:
    """A receipt (any store's) or a web order as a return sees it, from the central."""
    key = "receipt_no" if kind == "receipt" else "order_no"
    resp = cashier_call(http, "GET", "/v1/returns/purchase", params={key: ref},
                        unknown=NotFound(f"The central knows no receipt or order {ref}",
                                         code="purchase_unknown", ref=ref))
    try:
        return PurchaseData.model_validate_json(resp.content)
    except ValidationError:
        raise malformed() from None


def reserve_return(http: httpx.Client, req: ReserveRequest) -> ReserveResponse:
    """Hold the quantities of a return at the central before refunding (409: someone else has
    returned or holds them: the central's words say what is left)."""
    resp = cashier_call(http, "POST", "/v1/returns/reserve", json=req.model_dump(mode="json"),
                        unknown=NotFound("The central no longer knows this purchase",
                                         code="purchase_unknown", ref=req.receipt_no or
                                         req.order_no or ""),
                        conflict=InvalidInput("refused", code="return_refused_by_central"))
    try:
        return ReserveResponse.model_validate_json(resp.content)
    except ValidationError:
        raise malformed() from None


def release_return(http: httpx.Client, reservation_id: str) -> None:
    """Give up a return's hold at once (it would expire anyway)."""
    cashier_call(http, "DELETE", f"/v1/returns/reserve/{quote(reservation_id, safe='')}",
                 unknown=NotFound("The central no longer holds this return",
                                  code="reservation_unknown"))


def fetch_reconciliation(http: httpx.Client, day: str) -> StoreReconciliation:
    """The store's ``day`` as the central has it (every till's figures, the open exceptions)."""
    resp = cashier_call(http, "GET", "/v1/store/reconciliation", params={"day": day},
                        unknown=NotFound("The central has no reconciliation for this store",
                                         code="reconciliation_unknown"))
    try:
        return StoreReconciliation.model_validate_json(resp.content)
    except ValidationError:
        raise malformed() from None


def resolve_exception(http: httpx.Client, exception_id: int, comment: str,
                      staff_id: int | None, refund: str | None = None) -> StoreException:
    """Close one of the store's exceptions at the central with the manager's comment (and the
    decision on a web refund it holds: ``approve`` or ``refuse``)."""
    body = ResolveException(comment=comment, staff_id=staff_id,
                            refund=refund)  # type: ignore[arg-type]
    resp = cashier_call(http, "POST", f"/v1/store/exceptions/{int(exception_id)}/resolve",
                        json=body.model_dump(mode="json"),
                        unknown=NotFound(f"The central has no exception {exception_id} for "
                                         "this store", code="exception_unknown",
                                         exception_id=exception_id),
                        conflict=InvalidInput("This exception holds a web refund: choose to "
                                              "pay it out or to refuse it",
                                              code="refund_decision_required"))
    try:
        return StoreException.model_validate_json(resp.content)
    except ValidationError:
        raise malformed() from None


def _detail(resp: httpx.Response) -> str:
    try:
        return str(resp.json().get("detail") or resp.text[:200])
    except ValueError:
        return resp.text[:200]


def check_coupon(http: httpx.Client, code: str) -> CouponStatus:
    """Whether a coupon is still unused chain-wide (raises a PosError for a cashier)."""
    resp = cashier_call(http, "GET", f"/v1/coupons/{quote(code.strip(), safe='')}",
                        unknown=NotFound(f"The central knows no coupon {code.strip()}",
                                         code="coupon_unknown", coupon=code.strip()))
    try:
        return CouponStatus.model_validate_json(resp.content)
    except ValidationError:
        raise malformed() from None
