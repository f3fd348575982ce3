"""Reference data (down): the records of the change feed and the snapshot, per entity."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from posclient.domain.member_token import MAX_KID, PUBLIC_KEY_BYTES, from_b64url
from posclient.domain.privacy import mask_name, normalise_phone, phone_last4
from posclient.domain.promotions import normalize_code, promotion_from_dict
from sync.protocol.bounds import (
    BIGINT_MAX,
    MAX_LINES,
    MAX_QTY,
    Currency,
    Id,
    Key,
    Minor,
    Moment,
    Name,
    Ppm,
    ProtocolModel,
    Qty,
    Ref,
    StoreId,
    TerminalId,
    UnixTime,
    Word,
)
from sync.protocol.pickup_codes import PickupCodePhc, PickupCodeSha256, code_matches


class ProductData(ProtocolModel):
    id: Id
    sku: str = Field(min_length=1, max_length=64)
    name_zh: Name
    name_en: Name = ""  # optional: a till shows name_zh where it is empty
    category: Word = ""
    brand: Word = ""
    measure: Literal["each", "g"]
    tax_code: str = Field(min_length=1, max_length=32)
    plu: str | None = Field(default=None, max_length=16)
    active: bool = True
    barcodes: list[Annotated[str, Field(pattern=r"^\d{8}$|^\d{12,14}$")]] = Field(
        default=[], max_length=100)
    # False: never reduced by a discount, a price override, a promotion or a member price (a
    # gift card, sold at the value it carries); never counted toward a promotion.
    discountable: bool = True


class PriceData(ProtocolModel):
    id: Id
    product_id: Id
    price_list: Word = "retail"
    amount: Minor
    valid_from: UnixTime = 0  # unix seconds
    valid_to: UnixTime | None = None

    @field_validator("valid_to")
    @classmethod
    def _after_from(cls, v: int | None, info: Any) -> int | None:
        if v is not None and v <= info.data.get("valid_from", 0):
            raise ValueError("valid_to must be after valid_from")
        return v


class TaxRateData(ProtocolModel):
    code: str = Field(min_length=1, max_length=32)
    rate_ppm: Ppm
    name_zh: Name = ""
    name_en: Name = ""


class MemberData(ProtocolModel):
    """A member as the tills keep it (issue 17): never the phone number nor the whole name
    (posclient/domain/privacy.py). The central keeps those apart (sync/central/members.py) and
    sends a member to the tills of the stores concerned only. ``name`` is the masked name
    (``陈**``; a till masks it again, so an older central's whole name is never kept);
    ``phone_hash`` the phone's keyed hash, ``phone_last4`` its last four digits."""

    id: Id
    member_no: Key
    name: Name = ""
    phone_hash: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    phone_last4: str | None = Field(default=None, pattern=r"^\d{4}$")
    tier: Word = "standard"
    # The central's balance (a sum of its ledger), read from the feed by every till: bounded by
    # the column only, so no balance it computes can make a till refuse a page.
    points: int = Field(default=0, ge=-BIGINT_MAX, le=BIGINT_MAX)
    active: bool = True


class StockLevelData(ProtocolModel):
    product_id: Id
    store_id: StoreId
    # The central's level (a sum of its ledger), read from the feed: bounded by the column only,
    # like a member's points. What the admin sets is within ±MAX_STOCK (entities.py).
    qty: int = Field(ge=-BIGINT_MAX, le=BIGINT_MAX)


class StaffData(ProtocolModel):
    id: Id
    name: Name
    role: Literal["cashier", "supervisor", "manager"]
    pin_hash: str = Field(min_length=20, max_length=200)
    active: bool = True


class StoreSettingsData(ProtocolModel):
    model_config = ConfigDict(extra="allow", frozen=True)  # settings grow; the till keeps known
    store_id: StoreId


class OrderLineData(ProtocolModel):
    """One line of a web order, as the tills see it (the central resolved its SKU)."""

    line_no: Id
    product_id: Id
    sku: str = Field(min_length=1, max_length=64)
    name_zh: Name = ""
    name_en: Name = ""
    qty: Qty  # units
    unit_price: Minor
    discount: Minor = 0
    total: Minor  # qty * unit_price - discount
    collected: int = Field(default=0, ge=0, le=MAX_QTY)  # handed over at pick-up so far
    returned: int = Field(default=0, ge=0, le=MAX_QTY)  # refunded so far, at any store

    @field_validator("total")
    @classmethod
    def _adds_up(cls, v: int, info: Any) -> int:
        d = info.data
        if {"qty", "unit_price", "discount"} <= d.keys() and \
                v != d["qty"] * d["unit_price"] - d["discount"]:
            raise ValueError("total must be qty * unit_price - discount")
        return v


class OrderPaymentData(ProtocolModel):
    """A payment of an order. ``online``: paid on the web (``reference``: the web shop's
    payment id, refunds go back through it); ``at_pickup``: to pay at the till when collected;
    ``store`` (issue 18): taken at a till of the chain when the order was placed there
    (``method``: the sale's tender kinds, ``reference``: its receipt number). A till older than
    ``store`` gets it as ``online`` (sync/central/aisle.py ``for_older_tills``)."""

    kind: Literal["online", "at_pickup", "store"]
    amount: Minor
    method: Word = ""  # alipay, wechat, card ...; for ``store``: cash, card+cash ...
    reference: Ref = ""  # the web shop's payment id; for ``store``: the receipt number


ORDER_STATUSES = ("open", "ready", "partly_collected", "collected", "cancelled", "delivered")
OrderStatus = Literal["open", "ready", "partly_collected", "collected", "cancelled", "delivered"]


PhoneHash = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]  # posclient/domain/privacy.py
PhoneLast4 = Annotated[str, Field(pattern=r"^\d{4}$")]


def masked_customer(data: Any) -> Any:
    """A web order's customer as a till may hold it (issue 17), whatever the central sent: the
    name masked (``陈**``, posclient/domain/privacy.py ``mask_name``: a masked name stays as it
    is) and no phone number. A central before issue 17 sent ``customer_phone`` in full: its last
    four digits are kept (a mainland mobile number's), the number itself is dropped here, before
    anything stores it; such an order has no ``customer_phone_hash`` (found by number only)."""
    if not isinstance(data, dict):
        return data
    out = dict(data)
    if isinstance(out.get("customer_name"), str):
        out["customer_name"] = mask_name(out["customer_name"])
    phone = out.pop("customer_phone", None)
    if isinstance(phone, str) and out.get("customer_phone_last4") is None:
        number = normalise_phone(phone[:64])
        out["customer_phone_last4"] = None if number is None else phone_last4(number)
    return out


class OrderData(ProtocolModel):
    """A web order as a till reads it (the store's feed and snapshot, ``GET /v1/orders/{no}``).
    The pick-up code is there only as a hash, so a till checks the customer's code offline
    without holding it (:meth:`pickup_code_matches`, sync/protocol/pickup_codes.py):
    ``pickup_code_phc``, a salted argon2id hash; or, on an order stored before those,
    ``pickup_code_hash``, the old unsalted SHA-256 hex. An order has one or the other (a
    separate field, so a till older than the argon2 form still reads every page).

    The customer is there as the hand-over needs it (issue 17, :func:`masked_customer`): the
    masked name, the phone's last four digits, and its keyed hash (HMAC-SHA256 with the chain's
    phone key), so a cashier finds the orders by typing the customer's phone, offline, with one
    index probe. The central keeps the name and the number apart (``order_personal``) for the
    web shop."""

    order_no: str = Field(min_length=1, max_length=64)
    # ``store``: placed at a till for another store (issue 18; a till older than it reads
    # ``web``, sync/central/aisle.py ``for_older_tills``)
    channel: Literal["web", "app", "marketplace", "store"] = "web"
    status: OrderStatus
    fulfilment: Literal["pickup", "delivery"]
    store_id: StoreId | None = None  # the pick-up store
    customer_name: Name = ""  # masked
    customer_phone_hash: PhoneHash | None = None
    customer_phone_last4: PhoneLast4 | None = None
    pickup_code_hash: PickupCodeSha256 | None = None  # orders from before argon2 only
    pickup_code_phc: PickupCodePhc | None = None
    currency: Currency
    lines: list[OrderLineData] = Field(min_length=1, max_length=MAX_LINES)
    payments: list[OrderPaymentData] = Field(default=[], max_length=100)
    total: Minor
    paid: Minor = 0  # paid online, or at the till where the order was placed (``store``)
    paid_at_pickup: Minor = 0  # taken by the tills at pick-up so far
    created_at: datetime
    updated_at: datetime
    member_no: Key | None = None  # the member who ordered: the order earns on their account
    # The tills' pick-up (and return) events already counted in ``collected``, ``returned`` and
    # ``paid_at_pickup``: a till adds its own events not listed here, so it never counts one
    # twice nor misses one that has not reached the central yet.
    # (as long as the order's pick-ups and returns: the central appends, the tills read)
    applied_events: list[UUID] = Field(default=[])

    @model_validator(mode="before")
    @classmethod
    def _customer_masked(cls, data: Any) -> Any:
        return masked_customer(data)

    def pickup_code_matches(self, code: str) -> bool:
        """Whether ``code`` is this order's pick-up code (case and spaces ignored)."""
        return code_matches(self.order_no, code, phc=self.pickup_code_phc,
                            sha256=self.pickup_code_hash)


_HHMM = r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$"


class PromotionData(ProtocolModel):
    """A promotion (issue 6), as the central keeps it and every till gets it (key: ``id``).

    The rules of each field are the engine's (posclient/domain/promotions/, and
    docs/promotions.md): ``kind`` and its parameters (``percent_bp`` basis points, ``amount``
    minor units, ``buy_qty``/``get_qty``/``get_percent_bp``, ``bundle_qty``/``bundle_price``,
    ``min_spend``); targets (``product_ids``, ``categories``, ``brands``; none: every item);
    ``priority``, ``exclusive``, ``stackable``; ``member_only``, ``tiers``; ``coupon_code``
    (single use, stored upper case without spaces); ``valid_from``/``valid_to`` (unix seconds),
    ``days`` (1 = Monday), ``hour_from``/``hour_to`` (``"HH:MM"``, store local time, end
    excluded); ``store_ids`` (none: every store). Every store's feed carries every promotion;
    the engine skips those not for its store.
    """

    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")
    name_zh: Name = ""
    name_en: Name = ""
    kind: Literal["percent_off", "amount_off", "buy_x_get_y", "mix_and_match", "spend_get_off"]
    product_ids: list[Id] = Field(default=[], max_length=10_000)
    categories: list[Word] = Field(default=[], max_length=1_000)
    brands: list[Word] = Field(default=[], max_length=1_000)
    percent_bp: int = Field(default=0, ge=0, le=10_000)
    amount: Minor = 0
    buy_qty: int = Field(default=0, ge=0, le=MAX_QTY)
    get_qty: int = Field(default=0, ge=0, le=MAX_QTY)
    get_percent_bp: int = Field(default=10_000, ge=0, le=10_000)
    bundle_qty: int = Field(default=0, ge=0, le=MAX_QTY)
    bundle_price: Minor = 0
    min_spend: Minor = 0
    priority: int = Field(default=0, ge=-1_000_000, le=1_000_000)
    exclusive: bool = False
    stackable: bool = False
    member_only: bool = False
    tiers: list[Word] = Field(default=[], max_length=100)
    coupon_code: str | None = Field(default=None, max_length=64)
    valid_from: UnixTime = 0
    valid_to: UnixTime | None = None
    days: list[Annotated[int, Field(ge=1, le=7)]] = Field(default=[], max_length=7)
    hour_from: str | None = Field(default=None, pattern=_HHMM)
    hour_to: str | None = Field(default=None, pattern=_HHMM)
    store_ids: list[StoreId] = Field(default=[], max_length=10_000)

    @field_validator("coupon_code")
    @classmethod
    def _code(cls, v: str | None) -> str | None:
        return normalize_code(v) or None if v is not None else None

    @model_validator(mode="after")
    def _engine_accepts(self) -> PromotionData:
        promotion_from_dict(self.model_dump())  # raises ValueError with the engine's reason
        return self


class DeliveryLineData(ProtocolModel):
    """A line a delivery is expected to bring: the product (by id, its SKU for people) and the
    units (grams for a weighed product)."""

    product_id: Id
    sku: Word = ""
    qty: Qty


class DeliveryData(ProtocolModel):
    """A delivery from a supplier or a transfer from another store, as its store's tills see it
    (entity ``delivery``, key ``id``, scoped to ``store_id``: it travels in that store's feed and
    snapshot). The tills receive it against ``lines`` (a ``stock_receive`` event); the central
    then marks it ``received`` (and files the differences), and it leaves the tills' open list.
    """

    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")
    store_id: StoreId
    kind: Literal["delivery", "transfer"] = "delivery"
    from_store: str | None = Field(default=None, max_length=32)  # a transfer's sending store
    reference: str = Field(default="", max_length=100)  # the supplier's delivery note number
    lines: list[DeliveryLineData] = Field(min_length=1, max_length=MAX_LINES)
    status: Literal["expected", "received", "cancelled"] = "expected"
    expected_at: Moment | None = None
    received_at: datetime | None = None  # set by the central from the till's event
    received_by: TerminalId | None = None  # the till that received it
    event_id: UUID | None = None  # the ``stock_receive`` event


REASON_KINDS = ("discount", "price_override", "void", "no_sale", "return")
ReasonKind = Literal["discount", "price_override", "void", "no_sale", "return"]
ReasonCodeText = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_.-]+$")]


class ReasonCodeData(ProtocolModel):
    """A reason a cashier picks for a discount, a price override, a void, a no-sale or a return
    (entity ``reason_code``, key ``code``, the chain's: every store's tills get every one).
    The till records the ``code`` in the audit record and the return event; reports count by it.
    """

    code: ReasonCodeText
    kind: ReasonKind
    name_zh: Name = Field(min_length=1)
    name_en: Name = ""
    active: bool = True
    sort: int = Field(default=0, ge=0, le=10_000)


class QuickKeyData(ProtocolModel):
    """A touch tile on the sell page for an item without a barcode (loose produce, bread, bags):
    entity ``quick_key``, key ``id``, scoped to ``store_id`` (only that store's tills get it).
    Tiles are grouped by ``category_zh``/``category_en`` and ordered by ``position``."""

    id: Id
    store_id: StoreId
    product_id: Id
    category_zh: Word = Field(min_length=1)
    category_en: Word = ""
    label_zh: Word = ""  # empty: the product's name
    label_en: Word = ""
    position: int = Field(default=0, ge=0, le=10_000)


class MemberTokenKeyData(ProtocolModel):
    """A public key the central signs member QR tokens with (posclient/domain/member_token.py):
    entity ``member_token_key``, key ``kid``, the chain's (every till gets every one).
    ``public_key``: the raw Ed25519 key (32 bytes) in base64url without padding. A till
    accepts tokens signed with it from ``valid_from`` to ``valid_to`` (unix seconds; None: the
    central's current key). A key whose tokens have all expired is deleted."""

    kid: str = Field(min_length=1, max_length=MAX_KID, pattern=r"^[A-Za-z0-9_-]+$")
    public_key: str = Field(min_length=43, max_length=43)  # 32 bytes in base64url
    valid_from: UnixTime
    valid_to: UnixTime | None = None

    @field_validator("public_key")
    @classmethod
    def _raw_key(cls, v: str) -> str:
        if len(from_b64url(v)) != PUBLIC_KEY_BYTES:  # ValueError: not canonical base64url
            raise ValueError(f"an Ed25519 public key: {PUBLIC_KEY_BYTES} bytes")
        return v


class MemberErasureData(ProtocolModel):
    """A member whose personal data the central erased (docs/privacy.md): entity
    ``member_erasure``, key the member number, the chain's (every till that asks for erasures
    gets every one: any till may hold the member's sales). A till forgets the member (its
    record, its sign-up, the masked name and last four digits printed with its past sales,
    the phone's hash and sealed box in its sent sign-up event) and keeps the sales' figures.
    ``id``: the central's member id (None: a sign-up the central refused, never a member)."""

    id: Id | None = None
    member_no: Key
    erased_at: Moment


ENTITY_MODELS: dict[str, type[ProtocolModel]] = {
    "product": ProductData,
    "price": PriceData,
    "tax_rate": TaxRateData,
    "member": MemberData,
    "stock_level": StockLevelData,
    "staff": StaffData,
    "store_settings": StoreSettingsData,
    "order": OrderData,  # web orders for pick-up at the store (never delivery orders)
    "promotion": PromotionData,  # every store gets every promotion (the engine filters)
    "delivery": DeliveryData,  # goods on their way to a store (its tills receive them)
    "reason_code": ReasonCodeData,  # the chain's reasons, at every till
    "quick_key": QuickKeyData,  # a store's touch tiles, at its tills only
    "member_token_key": MemberTokenKeyData,  # the central's keys for member QR tokens
    "member_erasure": MemberErasureData,  # members erased: tills forget them (docs/privacy.md)
}
Entity = Literal["product", "price", "tax_rate", "member", "stock_level", "staff",
                 "store_settings", "order", "promotion", "delivery", "reason_code",
                 "quick_key", "member_token_key", "member_erasure"]


def entity_key(entity: str, data: dict[str, Any]) -> str:
    """The change feed's ``key`` of a reference record: both ends derive it the same way.

    ``product``, ``price``, ``member``, ``staff``, ``promotion``, ``quick_key``: the id;
    ``tax_rate``, ``reason_code``: the code;
    ``store_settings``: the store id; ``member_token_key``: the key id; ``member_erasure``:
    the member number; ``stock_level``:
    ``"<store_id>:<product_id>"`` (a store may see a few other stores' levels, so the key
    names the store); ``order``: the order number.
    """
    if entity in ("tax_rate", "reason_code"):
        return str(data["code"])
    if entity == "order":
        return str(data["order_no"])
    if entity == "store_settings":
        return str(data["store_id"])
    if entity == "member_token_key":
        return str(data["kid"])
    if entity == "member_erasure":
        return str(data["member_no"])
    if entity == "stock_level":
        return f"{data['store_id']}:{data['product_id']}"
    if entity in ENTITY_MODELS:
        return str(data["id"])
    raise ValueError(f"unknown entity {entity!r}")
