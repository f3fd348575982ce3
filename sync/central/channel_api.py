"""The channels' routes (issue 18): what a web shop, a mini-program or an app calls with its own
key (sync/central/channels.py), each route needing one scope (sync/central/channel_auth.py).
The admin token passes every one of them; a till's token those a till also makes (the price of
a basket for its own store, coupons).

- ``POST /v1/price-basket`` (``price``), ``GET /v1/coupons/{code}`` and ``POST
  /v1/coupons/{code}/redeem`` (``coupons``): a channel's coupon redemption names the channel
  and its order, a till's its store, till and receipt.
- ``GET /v1/channel/members/{member_no}/points`` and ``POST /v1/channel/points/redeem``
  (``points``): the balance, and a redemption that never takes it below zero, once per the
  channel's ``request_id`` (sync/central/loyalty.py).
- ``POST /v1/channel/orders`` and ``GET /v1/channel/orders/{order_no}`` (``orders``): a channel
  creates, changes and reads its own orders only; another channel's order is refused when
  written (``403 other_channel``) and unknown when read (``404 order_unknown``, as for an order
  that does not exist).

The channel's side is documented in docs/channel-api.md.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from sync.central import channels, feed, loyalty, orders, pickup_codes, promotions
from sync.central.api import CentralDep, CouponPath, OnceRoute
from sync.central.channel_auth import COUPONS, ORDERS, POINTS, PRICE, Caller, caller_with
from sync.central.db import serialize
from sync.central.errors import Forbidden, InvalidRequest, NotFound
from sync.central.identity import TerminalIdentity
from sync.central.models import (
    OrderCustomer,
    OrderOut,
    PointsBalance,
    PointsRedeemed,
    PointsRedeemIn,
)
from sync.central.orders import OrderIn
from sync.protocol import (
    CouponRedeem,
    CouponRedemption,
    CouponStatus,
    ErrorBody,
    PriceBasketRequest,
    PriceBasketResponse,
)

router = APIRouter(prefix="/v1", route_class=OnceRoute,
                   responses={401: {"model": ErrorBody}, 403: {"model": ErrorBody}})

PriceCaller = Annotated[Caller, Depends(caller_with(PRICE, terminals=True))]
CouponCaller = Annotated[Caller, Depends(caller_with(COUPONS, terminals=True))]
PointsCaller = Annotated[Caller, Depends(caller_with(POINTS))]
OrdersCaller = Annotated[Caller, Depends(caller_with(ORDERS))]
NumberPath = Annotated[str, Path(min_length=1, max_length=64)]  # an order's, a member's


@router.post("/price-basket", response_model=PriceBasketResponse, tags=["web shop"],
             responses={404: {"model": ErrorBody}})
def price_basket(req: PriceBasketRequest, c: CentralDep,
                 who: PriceCaller) -> PriceBasketResponse:
    """Price a basket exactly as the store's till does: its price lists (the member's tier
    list, else retail), promotions (the same engine), and tax per rate on the discounted
    lines. A channel calls it with a key of scope ``price`` (or the admin token); a till may
    price for its own store only (``403 other_store``)."""
    if who.kind == "terminal" and who.store_id != req.store_id:
        raise Forbidden(f"This terminal belongs to store {who.store_id}; it cannot price for "
                        f"store {req.store_id}.", code="other_store")
    return promotions.price_basket_for(c.engine, req, c.clock.now())


@router.get("/coupons/{code}", response_model=CouponStatus, tags=["terminal", "web shop"],
            responses={404: {"model": ErrorBody}})
def coupon_status(code: CouponPath, who: CouponCaller, c: CentralDep) -> CouponStatus:
    """Whether a single-use coupon is still unused anywhere in the chain (a till asks when the
    customer presents it, a channel at its checkout; key scope ``coupons``)."""
    return promotions.coupon_status(c.engine, code)


@router.post("/coupons/{code}/redeem", response_model=CouponRedemption,
             tags=["terminal", "web shop"],
             responses={404: {"model": ErrorBody}, 409: {"model": ErrorBody}})
def redeem_coupon(code: CouponPath, body: CouponRedeem, who: CouponCaller,
                  c: CentralDep) -> CouponRedemption:
    """Use a single-use coupon, atomically: for a till's sale (``receipt_no``), or a
    channel's order (``order_no``; the redemption names the channel, no store or till).
    ``409 coupon_used`` when another sale or order has it; the same till and receipt, or the
    same channel and order, asking again gets it again."""
    with feed.transaction(c.engine, c.clock.now()) as tx:
        if who.kind == "terminal":
            return promotions.redeem(tx, TerminalIdentity(str(who.store_id),
                                                          str(who.terminal_id)),
                                     code, body.receipt_no)
        return promotions.redeem_for_channel(tx, who.name, code, body.order_no)


@router.get("/channel/members/{member_no}/points", response_model=PointsBalance,
            tags=["web shop"], responses={404: {"model": ErrorBody}})
def points_balance(member_no: NumberPath, who: PointsCaller, c: CentralDep) -> PointsBalance:
    """A member's points balance now (key scope ``points``; ``404 member_unknown``)."""
    with c.engine.connect() as conn:
        member = loyalty.member_for_channel(conn, member_no)
    return PointsBalance(member_no=member.member_no, points=member.points)


@router.post("/channel/points/redeem", response_model=PointsRedeemed, tags=["web shop"],
             responses={404: {"model": ErrorBody}, 409: {"model": ErrorBody}})
def redeem_points(req: PointsRedeemIn, who: PointsCaller, c: CentralDep) -> PointsRedeemed:
    """Redeem a member's points for the channel's checkout: the balance it leaves. Never below
    zero (``409 points_short``, nothing redeemed); once per ``request_id`` (a repeat answers
    as the first did; the same ``request_id`` for another redemption: ``409
    request_id_reused``); an inactive member: ``409 member_inactive``."""
    with feed.transaction(c.engine, c.clock.now()) as tx:
        balance = loyalty.redeem_for_channel(tx, who.name, req.request_id, req.member_no,
                                             req.points, req.order_no)
    return PointsRedeemed(request_id=req.request_id, member_no=req.member_no,
                          points=req.points, order_no=req.order_no, balance=balance)


@router.post("/channel/orders", response_model=OrderOut, tags=["web shop"],
             responses={422: {"model": ErrorBody}})
def write_order(body: OrderIn, who: OrdersCaller, c: CentralDep) -> OrderOut:
    """One web order, new or changed (a cancellation is a change of status), as
    ``POST /v1/admin/orders`` takes them; ``channel`` is the order's as sent. The key that
    creates it owns it: another channel's order, or one the admin created, is ``403
    other_channel``. A refused order: ``422 order_refused`` with the reason."""
    raw = body.model_dump(mode="json")
    codes = pickup_codes.CodeHashes().prepare(c.engine, [raw])  # before the lock
    with feed.transaction(c.engine, c.clock.now()) as tx:
        serialize(tx.conn, "entities", "order")  # the same order sent twice at once: once
        channels.check_order_writable(tx, who, body.order_no)
        report = orders.upsert_orders(tx, [(0, raw)], codes=codes)
        if report.rejected:
            raise InvalidRequest(f"Order {body.order_no}: {report.rejected[0].text()}",
                                 code="order_refused")
        channels.own_order(tx, who, body.order_no)
    return _order_out(c, body.order_no)


@router.get("/channel/orders/{order_no}", response_model=OrderOut, tags=["web shop"],
            responses={404: {"model": ErrorBody}})
def read_order(order_no: NumberPath, who: OrdersCaller, c: CentralDep) -> OrderOut:
    """The channel's own order as it stands now (what the tills collected and returned of
    it), with its customer as the channel sent them. Another channel's order is ``404
    order_unknown``, as an order that does not exist."""
    with c.engine.connect() as conn:
        allowed = channels.may_read_order(conn, who, order_no)
    if not allowed:
        raise NotFound(f"No order {order_no!r}.", code="order_unknown")
    return _order_out(c, order_no)


def _order_out(c: CentralDep, order_no: str) -> OrderOut:
    order, name, phone = orders.order_customer(c.engine, order_no)
    return OrderOut(order=order, customer=OrderCustomer(name=name, phone=phone))
