"""The calls a till (or the web shop) makes online: shared suspended sales, coupons, and
pricing a basket as the store's till would (issues 4 and 6)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    Field,
)

from posclient.domain.member_token import MAX_KID, MAX_TOKEN_CHARS, MAX_TTL_S, MIN_TTL_S
from sync.protocol.bounds import (
    MAX_LINES,
    Count,
    Currency,
    Id,
    Key,
    Moment,
    Name,
    Ppm,
    ProtocolModel,
    SignedMinor,
    StoreId,
    TerminalId,
    Total,
    Word,
)

# -- suspended sales shared by a store's tills (issue 4) -----------------------------------------

class ParkedSale(ProtocolModel):
    """A suspended sale a till shares with its store (``PUT /v1/parked/{park_id}``).

    Another till of the same store lists it (``GET /v1/parked``, without ``cart``) and claims it
    (``POST /v1/parked/{park_id}/claim``, with ``cart``): exactly one claim wins. ``cart`` is the
    till's own cart document (posclient.domain.cart ``Cart.to_dict``): its lines keep their
    prices and discounts. ``terminal_id``/``terminal_name`` are set by the central.
    """

    park_id: UUID
    terminal_id: TerminalId = ""
    terminal_name: str = Field(default="", max_length=64)
    staff_id: Id | None = None
    label: str = Field(default="", max_length=64)
    currency: Currency
    total: SignedMinor
    lines: int = Field(ge=1, le=MAX_LINES)
    parked_at: Moment
    cart: dict[str, Any] | None = None


class ParkedList(ProtocolModel):
    """``GET /v1/parked``: the store's suspended sales no till has resumed yet, oldest first."""

    parked: list[ParkedSale]


class ParkedClaimed(ProtocolModel):
    """The answer to a claim, and to a ``PUT`` of a sale already claimed (by ``claimed_by``)."""

    park_id: UUID
    state: Literal["parked", "claimed"]
    claimed_by: TerminalId | None = None
    claimed_at: datetime | None = None


# -- promotions: coupons and the web shop's prices (issue 6) -------------------------------------

class CouponRedeem(ProtocolModel):
    """``POST /v1/coupons/{code}/redeem``: this till's sale (``receipt_no``), or a channel's
    order (``order_no``), uses the coupon (single use)."""

    receipt_no: Key | None = None
    order_no: Key | None = None


class CouponStatus(ProtocolModel):
    """``GET /v1/coupons/{code}``: whether a coupon is still unused, chain-wide (a till checks
    when the customer presents it; the sale event records the use)."""

    code: str = Field(max_length=64)
    promotion_id: str | None = Field(default=None, max_length=64)
    used: bool
    redemption: CouponRedemption | None = None


class CouponRedemption(ProtocolModel):
    """Where and when a coupon was used: at a till (``store_id``, ``terminal_id``,
    ``receipt_no``) or by a channel (``channel``: its name, e.g. ``webshop``; ``order_no``).
    ``event_id``: the sale event that recorded it (None while only redeemed online, before the
    sale's event arrived, and for a channel)."""

    code: str = Field(max_length=64)
    promotion_id: str | None = Field(default=None, max_length=64)
    store_id: StoreId | None = None
    terminal_id: TerminalId | None = None
    receipt_no: Key | None = None
    event_id: UUID | None = None
    redeemed_at: datetime
    channel: Word | None = None
    order_no: Key | None = None

    @property
    def where(self) -> str:
        """Where it was used, for people: ``S1/T01`` or the channel's name."""
        return self.channel or f"{self.store_id}/{self.terminal_id}"


class BasketLineIn(ProtocolModel):
    """A line to price: by ``sku`` or ``product_id`` (one of them); ``qty`` in units, or grams
    for a weighed product. ``line_id``: the caller's (default: the line's position, from 1)."""

    line_id: Id | None = None
    sku: str | None = Field(default=None, min_length=1, max_length=64)
    product_id: Id | None = None
    qty: int = Field(ge=1, le=1_000_000)


class PriceBasketRequest(ProtocolModel):
    """``POST /v1/price-basket``: price a basket as the store's till would.

    ``at``: when (default now); read in the store's time zone for days and hours. The member:
    ``member_id`` (the central reads the tier) or ``member_tier``; neither: no member.
    """

    store_id: StoreId
    at: Moment | None = None
    member_id: Id | None = None
    member_tier: str | None = Field(default=None, min_length=1, max_length=32)
    coupons: list[Annotated[str, Field(max_length=64)]] = Field(default=[], max_length=20)
    lines: list[BasketLineIn] = Field(min_length=1, max_length=500)


class LinePromotion(ProtocolModel):
    promotion_id: str = Field(max_length=64)
    amount: Total


class PricedLineOut(ProtocolModel):
    line_id: Id
    product_id: Id
    sku: str = Field(max_length=64)
    measure: Literal["each", "g"]
    qty: Count
    price_list: Word  # the member's tier list when it has a price, else retail
    unit_price: Total  # per unit, or per kg
    gross: Total
    discount: Total  # promotions
    total: Total
    tax_code: str = Field(max_length=32)
    tax_rate_ppm: Ppm
    promotions: list[LinePromotion] = Field(default=[], max_length=1_000)


class AppliedPromotionOut(ProtocolModel):
    promotion_id: str = Field(max_length=64)
    name_zh: Name = ""
    name_en: Name = ""
    kind: Word
    saved: Total
    line_ids: list[Id] = Field(max_length=500)
    coupon_code: str | None = Field(default=None, max_length=64)


class TaxLineOut(ProtocolModel):
    code: str = Field(max_length=32)
    rate_ppm: Ppm
    net: Total
    tax: Total
    gross: Total


class PriceBasketResponse(ProtocolModel):
    store_id: StoreId
    at: datetime  # in the store's time zone
    currency: Currency
    tax_inclusive: bool
    member_tier: Word | None = None
    lines: list[PricedLineOut] = Field(max_length=500)
    applied: list[AppliedPromotionOut] = Field(max_length=10_000)
    subtotal: Total
    discount_total: Total
    taxes: list[TaxLineOut] = Field(max_length=500)
    tax_total: Total
    total: Total  # what is due (tax added on top for a tax-exclusive store)


# -- member QR tokens (issue 17) ------------------------------------------------------------------

class MemberTokenRequest(ProtocolModel):
    """``POST /v1/member-tokens``: a signed member QR token for the app or the web shop to show
    (posclient/domain/member_token.py). ``ttl_seconds``: how long it lives (default 600)."""

    member_no: Key
    ttl_seconds: int | None = Field(default=None, ge=MIN_TTL_S, le=MAX_TTL_S)


class MemberToken(ProtocolModel):
    """The token (``MT1.<payload>.<signature>``, at most 400 characters: put it in the QR code
    as it is) and what it says, for the app to show beside it."""

    token: str = Field(max_length=MAX_TOKEN_CHARS)
    kid: str = Field(max_length=MAX_KID)
    member_no: Key
    tier: Word
    masked_name: Name
    points: Count
    issued_at: datetime
    expires_at: datetime
