"""Calls to the central that a cashier waits for (made off the GUI thread): every failure
becomes a PosError in words a cashier can read."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx
from pydantic import ValidationError

from posclient.domain.errors import InvalidInput, NotFound, PosError, Unavailable

from .protocol import (
    CouponStatus,
    MemberData,
    MemberLookup,
    MemberLookupRequest,
    OrderData,
    PickupCodeAnswer,
    PickupCodeCheck,
    PurchaseData,
    ReserveRequest,
    ReserveResponse,
    ResolveException,
    StoreException,
    StoreReconciliation,
)

log = logging.getLogger(__name__)


def unreachable_now(maybe_sent: bool) -> PosError:
    """The network failed: try again in a moment (``maybe_sent``: the request may have reached
    the central, only its answer failed)."""
    return Unavailable.of("central_unreachable.now", maybe_sent=maybe_sent)


def cashier_call(http: httpx.Client, method: str, url: str, *, unknown: PosError,
                 unreachable: Callable[[bool], PosError] = unreachable_now,
                 conflict: PosError | None = None, forbidden: PosError | None = None,
                 params: dict[str, str] | None = None, json: Any = None,
                 limited: Callable[[httpx.Response], PosError] | None = None) -> httpx.Response:
    """A call a cashier waits for: ``unknown`` for a 404, ``conflict`` for a 409,
    ``forbidden`` for a 403, ``limited(response)`` for a 429 (the central's limit on such
    calls), ``unreachable(maybe_sent)`` (code ``central_unreachable``) when the network fails;
    any other refusal is ``central_refused``."""
    try:
        resp = http.request(method, url, params=params, json=json)
    except httpx.HTTPError as exc:
        log.info("central unreachable for %s %s: %s", method, url, exc)
        # maybe_sent: the request may have reached the central (only its answer failed)
        raise unreachable(not isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout))) from None
    if resp.status_code == 409 and conflict is not None:
        if conflict.code == "return_refused_by_central":  # the central says what is left
            detail = _detail(resp)
            raise InvalidInput.of("return_refused_by_central", detail=detail)
        raise conflict
    if resp.status_code == 404:
        raise unknown
    if resp.status_code == 403 and forbidden is not None:
        raise forbidden
    if resp.status_code == 429 and limited is not None:
        raise limited(resp)
    if resp.status_code >= 400:
        log.warning("the central refused %s %s: %s %s", method, url, resp.status_code,
                    resp.text[:200])
        raise Unavailable.of("central_refused", status=resp.status_code)
    return resp


def malformed() -> PosError:
    return Unavailable.of("central_malformed")


def fetch_order(http: httpx.Client, order_no: str) -> OrderData:
    """A web order of this till's store as the central has it now, its customer masked
    (raises a PosError for a cashier: another store's order or a delivery is
    ``order_other_store``)."""
    resp = cashier_call(http, "GET", f"/v1/orders/{quote(order_no, safe='')}",
                        params={"store_orders": "true"},  # orders placed at a till (issue 18)
                        unknown=NotFound.of("order_unknown.central", order_no=order_no),
                        forbidden=InvalidInput.of("order_other_store.central",
                                                  order_no=order_no))
    try:
        return OrderData.model_validate_json(resp.content)
    except ValidationError:
        raise malformed() from None


def check_pickup_code(http: httpx.Client, order_no: str, code: str) -> PickupCodeAnswer:
    """The central's verdict on a pick-up code (the code goes in the body, never the URL,
    so no log line holds it)."""
    resp = cashier_call(http, "POST", f"/v1/orders/{quote(order_no, safe='')}/pickup-code",
                        json=PickupCodeCheck(code=code).model_dump(),
                        unknown=NotFound.of("order_unknown.central", order_no=order_no))
    try:
        return PickupCodeAnswer.model_validate_json(resp.content)
    except ValidationError:
        raise malformed() from None


def fetch_purchase(http: httpx.Client, kind: str, ref: str) -> PurchaseData:
    """A receipt (any store's) or a web order as a return sees it, from the central (an order
    with nothing to return: ``order_not_returnable``)."""
    key = "receipt_no" if kind == "receipt" else "order_no"
    resp = cashier_call(http, "GET", "/v1/returns/purchase", params={key: ref},
                        unknown=NotFound.of("purchase_unknown.ref", ref=ref),
                        conflict=InvalidInput.of("order_not_returnable", ref=ref))
    try:
        return PurchaseData.model_validate_json(resp.content)
    except ValidationError:
        raise malformed() from None


def reserve_return(http: httpx.Client, req: ReserveRequest) -> ReserveResponse:
    """Hold the quantities of a return at the central before refunding (409: someone else has
    returned or holds them: the central's words say what is left)."""
    resp = cashier_call(http, "POST", "/v1/returns/reserve", json=req.model_dump(mode="json"),
                        unknown=NotFound.of("purchase_unknown.gone",
                                            ref=req.receipt_no or req.order_no or ""),
                        conflict=InvalidInput.of("return_refused_by_central", detail=""))
    try:
        return ReserveResponse.model_validate_json(resp.content)
    except ValidationError:
        raise malformed() from None


def release_return(http: httpx.Client, reservation_id: str) -> None:
    """Give up a return's hold at once (it would expire anyway)."""
    cashier_call(http, "DELETE", f"/v1/returns/reserve/{quote(reservation_id, safe='')}",
                 unknown=NotFound.of("reservation_unknown"))


def fetch_reconciliation(http: httpx.Client, day: str) -> StoreReconciliation:
    """The store's ``day`` as the central has it (every till's figures, the open exceptions)."""
    resp = cashier_call(http, "GET", "/v1/store/reconciliation", params={"day": day},
                        unknown=NotFound.of("reconciliation_unknown"))
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
                        unknown=NotFound.of("exception_unknown", exception_id=exception_id),
                        conflict=InvalidInput.of("refund_decision_required"))
    try:
        return StoreException.model_validate_json(resp.content)
    except ValidationError:
        raise malformed() from None


def lookup_member(http: httpx.Client, req: MemberLookupRequest) -> MemberData:
    """A member this till does not hold, by the phone's hash or the member number (in the
    body: never in the address, never logged); the central keeps it on the store's tills."""
    resp = cashier_call(http, "POST", "/v1/members/lookup", json=req.model_dump(mode="json"),
                        unknown=NotFound.of("member_unknown", code_text=req.member_no or ""),
                        limited=lookup_limited)
    try:
        return MemberLookup.model_validate_json(resp.content).member
    except ValidationError:
        raise malformed() from None


def lookup_limited(resp: httpx.Response) -> PosError:
    """The central's limit on this till's member look-ups (429, sync/central/lookup_limits.py):
    ``member_lookup_limited.day`` at the chain's daily cap, else ``.minute`` with the seconds
    to wait (``Retry-After``). Never ``member_unknown``: the member may well exist."""
    log.warning("the central limits this till's member look-ups: %s", resp.text[:200])
    if error_code(resp) == "member_lookup_cap":
        return Unavailable.of("member_lookup_limited.day")
    retry = resp.headers.get("Retry-After", "")
    seconds = min(int(retry), 3_600) if retry.isdigit() else 60
    return Unavailable.of("member_lookup_limited.minute", seconds=max(1, seconds))


def error_code(resp: httpx.Response) -> str:
    """The central's error code of an answer (``{"error": code, ...}``), or ""."""
    try:
        body = resp.json()
    except ValueError:
        return ""
    return str(body.get("error") or "") if isinstance(body, dict) else ""


def _detail(resp: httpx.Response) -> str:
    try:
        return str(resp.json().get("detail") or resp.text[:200])
    except ValueError:
        return resp.text[:200]


def check_coupon(http: httpx.Client, code: str) -> CouponStatus:
    """Whether a coupon is still unused chain-wide (raises a PosError for a cashier)."""
    resp = cashier_call(http, "GET", f"/v1/coupons/{quote(code.strip(), safe='')}",
                        unknown=NotFound.of("coupon_unknown", coupon=code.strip()))
    try:
        return CouponStatus.model_validate_json(resp.content)
    except ValidationError:
        raise malformed() from None
