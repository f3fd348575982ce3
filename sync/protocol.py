"""Sync protocol v1: the messages between a terminal and the central service.

Both ends use these pydantic models, so a field renamed on one side fails the other's tests.
Field names are the contract (docs/sync-protocol.md): add fields freely, rename none without a
version bump. Unknown fields are ignored on input so an older terminal survives a newer central;
every change record's ``data`` is validated against its entity's model, and one invalid record
rejects the whole page (the terminal keeps its cursor).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from posclient.domain.promotions import normalize_code, promotion_from_dict

PROTOCOL_VERSION = 1
MAX_EVENTS_PER_BATCH = 500
MAX_PAGE = 5_000

Minor = Annotated[int, Field(ge=0)]  # money in minor units, never negative in reference data


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


# -- identity ----------------------------------------------------------------------------------

class EnrolRequest(_Model):
    code: str = Field(min_length=4, max_length=64)
    terminal_name: str = Field(min_length=1, max_length=64)
    # A till enrolling again (a code made for it): its own store and id, which it keeps.
    store_id: str | None = Field(default=None, min_length=1, max_length=32)
    terminal_id: str | None = Field(default=None, min_length=1, max_length=32)


class EnrolResponse(_Model):
    store_id: str
    terminal_id: str
    token: str
    server_time: datetime


# -- reference data (down) -----------------------------------------------------------------------

class ProductData(_Model):
    id: int = Field(ge=1)
    sku: str = Field(min_length=1, max_length=64)
    name_zh: str
    name_en: str
    category: str = ""
    brand: str = ""
    measure: Literal["each", "g"]
    tax_code: str = Field(min_length=1)
    plu: str | None = None
    active: bool = True
    barcodes: list[Annotated[str, Field(pattern=r"^\d{8}$|^\d{12,14}$")]] = []


class PriceData(_Model):
    id: int = Field(ge=1)
    product_id: int = Field(ge=1)
    price_list: str = "retail"
    amount: Minor
    valid_from: int = Field(default=0, ge=0)  # unix seconds
    valid_to: int | None = None

    @field_validator("valid_to")
    @classmethod
    def _after_from(cls, v: int | None, info: Any) -> int | None:
        if v is not None and v <= info.data.get("valid_from", 0):
            raise ValueError("valid_to must be after valid_from")
        return v


class TaxRateData(_Model):
    code: str = Field(min_length=1)
    rate_ppm: int = Field(ge=0, le=1_000_000)
    name_zh: str = ""
    name_en: str = ""


class MemberData(_Model):
    id: int = Field(ge=1)
    member_no: str = Field(min_length=1)
    name: str
    phone: str | None = None
    tier: str = "standard"
    points: int = 0
    active: bool = True


class StockLevelData(_Model):
    product_id: int = Field(ge=1)
    store_id: str
    qty: int


class StaffData(_Model):
    id: int = Field(ge=1)
    name: str
    role: Literal["cashier", "supervisor", "manager"]
    pin_hash: str = Field(min_length=20)
    active: bool = True


class StoreSettingsData(_Model):
    model_config = ConfigDict(extra="allow", frozen=True)  # settings grow; the till keeps known
    store_id: str


class OrderLineData(_Model):
    """One line of a web order, as the tills see it (the central resolved its SKU)."""

    line_no: int = Field(ge=1)
    product_id: int = Field(ge=1)
    sku: str = Field(min_length=1)
    name_zh: str = ""
    name_en: str = ""
    qty: int = Field(ge=1)  # units
    unit_price: Minor
    discount: Minor = 0
    total: Minor  # qty * unit_price - discount
    collected: int = Field(default=0, ge=0)  # handed over at pick-up so far
    returned: int = Field(default=0, ge=0)  # refunded so far, at any store

    @field_validator("total")
    @classmethod
    def _adds_up(cls, v: int, info: Any) -> int:
        d = info.data
        if {"qty", "unit_price", "discount"} <= d.keys() and \
                v != d["qty"] * d["unit_price"] - d["discount"]:
            raise ValueError("total must be qty * unit_price - discount")
        return v


class OrderPaymentData(_Model):
    kind: Literal["online", "at_pickup"]  # paid on the web, or to pay at the till
    amount: Minor
    method: str = ""  # alipay, wechat, card ...
    reference: str = ""  # the web shop's payment id (refunds go back through it)


ORDER_STATUSES = ("open", "ready", "partly_collected", "collected", "cancelled", "delivered")


class OrderData(_Model):
    """A web order as the central keeps it and a till reads it (``GET /v1/orders/{order_no}``).
    ``pickup_code_hash``: SHA-256 hex of ``"<order_no>:<code>"`` (:func:`pickup_code_hash`),
    so a till checks the customer's code offline without holding it."""

    order_no: str = Field(min_length=1, max_length=64)
    channel: Literal["web", "app", "marketplace"] = "web"
    status: Literal["open", "ready", "partly_collected", "collected", "cancelled", "delivered"]
    fulfilment: Literal["pickup", "delivery"]
    store_id: str | None = None  # the pick-up store
    customer_name: str = ""
    customer_phone: str | None = None
    pickup_code_hash: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    currency: str = Field(min_length=3, max_length=3)
    lines: list[OrderLineData] = Field(min_length=1)
    payments: list[OrderPaymentData] = []
    total: Minor
    paid: Minor = 0  # paid online
    paid_at_pickup: Minor = 0  # taken by the tills at pick-up so far
    created_at: datetime
    updated_at: datetime
    member_no: str | None = None  # the member who ordered: the order earns on their account
    # The tills' pick-up (and return) events already counted in ``collected``, ``returned`` and
    # ``paid_at_pickup``: a till adds its own events not listed here, so it never counts one
    # twice nor misses one that has not reached the central yet.
    applied_events: list[UUID] = []


_HHMM = r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$"


class PromotionData(_Model):
    """A promotion (issue 6), as the central keeps it and every till gets it (key: ``id``).

    The rules of each field are the engine's (posclient/domain/promotions.py, and
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
    name_zh: str = ""
    name_en: str = ""
    kind: Literal["percent_off", "amount_off", "buy_x_get_y", "mix_and_match", "spend_get_off"]
    product_ids: list[Annotated[int, Field(ge=1)]] = []
    categories: list[str] = []
    brands: list[str] = []
    percent_bp: int = Field(default=0, ge=0, le=10_000)
    amount: Minor = 0
    buy_qty: int = Field(default=0, ge=0)
    get_qty: int = Field(default=0, ge=0)
    get_percent_bp: int = Field(default=10_000, ge=0, le=10_000)
    bundle_qty: int = Field(default=0, ge=0)
    bundle_price: Minor = 0
    min_spend: Minor = 0
    priority: int = 0
    exclusive: bool = False
    stackable: bool = False
    member_only: bool = False
    tiers: list[str] = []
    coupon_code: str | None = Field(default=None, max_length=64)
    valid_from: int = Field(default=0, ge=0)
    valid_to: int | None = None
    days: list[Annotated[int, Field(ge=1, le=7)]] = []
    hour_from: str | None = Field(default=None, pattern=_HHMM)
    hour_to: str | None = Field(default=None, pattern=_HHMM)
    store_ids: list[str] = []

    @field_validator("coupon_code")
    @classmethod
    def _code(cls, v: str | None) -> str | None:
        return normalize_code(v) or None if v is not None else None

    @model_validator(mode="after")
    def _engine_accepts(self) -> PromotionData:
        promotion_from_dict(self.model_dump())  # raises ValueError with the engine's reason
        return self


class DeliveryLineData(_Model):
    """A line a delivery is expected to bring: the product (by id, its SKU for people) and the
    units (grams for a weighed product)."""

    product_id: int = Field(ge=1)
    sku: str = ""
    qty: int = Field(ge=1, le=10_000_000)


class DeliveryData(_Model):
    """A delivery from a supplier or a transfer from another store, as its store's tills see it
    (entity ``delivery``, key ``id``, scoped to ``store_id``: it travels in that store's feed and
    snapshot). The tills receive it against ``lines`` (a ``stock_receive`` event); the central
    then marks it ``received`` (and files the differences), and it leaves the tills' open list.
    """

    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")
    store_id: str = Field(min_length=1, max_length=32)
    kind: Literal["delivery", "transfer"] = "delivery"
    from_store: str | None = Field(default=None, max_length=32)  # a transfer's sending store
    reference: str = Field(default="", max_length=100)  # the supplier's delivery note number
    lines: list[DeliveryLineData] = Field(min_length=1, max_length=2_000)
    status: Literal["expected", "received", "cancelled"] = "expected"
    expected_at: datetime | None = None
    received_at: datetime | None = None  # set by the central from the till's event
    received_by: str | None = None  # the till that received it
    event_id: UUID | None = None  # the ``stock_receive`` event


def pickup_code_hash(order_no: str, code: str) -> str:
    """What a till compares the customer's pick-up code with (case and spaces ignored)."""
    import hashlib

    normal = "".join(code.split()).upper()
    return hashlib.sha256(f"{order_no}:{normal}".encode()).hexdigest()


ENTITY_MODELS: dict[str, type[_Model]] = {
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
}
Entity = Literal["product", "price", "tax_rate", "member", "stock_level", "staff",
                 "store_settings", "order", "promotion", "delivery"]


class Change(_Model):
    seq: int = Field(ge=1)
    entity: Entity
    op: Literal["upsert", "delete"]
    key: str = Field(min_length=1)
    data: dict[str, Any] | None = None

    def parsed(self) -> _Model | None:
        """The validated record (None for a delete). Raises ValidationError."""
        if self.op == "delete":
            return None
        if self.data is None:
            raise ValueError(f"change {self.seq}: an upsert needs data")
        return ENTITY_MODELS[self.entity].model_validate(self.data)


class ChangesPage(_Model):
    changes: list[Change]
    next_after: int = Field(ge=0)
    has_more: bool
    server_time: datetime


def validate_page(raw: Any) -> tuple[ChangesPage, list[tuple[Change, _Model | None]]]:
    """Parse a page and every record in it; any error rejects the whole page.

    Raises :class:`PageError` with a message saying what was wrong and where.
    """
    try:
        page = ChangesPage.model_validate(raw)
    except ValidationError as exc:
        raise PageError(f"malformed change page: {_first_error(exc)}") from None
    records = []
    last = 0
    for change in page.changes:
        if change.seq <= last:
            raise PageError(f"change page out of order at seq {change.seq}")
        last = change.seq
        try:
            records.append((change, change.parsed()))
        except ValidationError as exc:
            raise PageError(f"change {change.seq} ({change.entity} {change.key}): "
                            f"{_first_error(exc)}") from None
        except ValueError as exc:
            raise PageError(str(exc)) from None
    if page.changes and page.next_after < last:
        raise PageError(f"next_after {page.next_after} is behind the page's last seq {last}")
    return page, records


class PageError(ValueError):
    """A change page (or snapshot) the terminal refuses to apply."""


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err.get("loc", ()))
    return f"{where}: {err.get('msg')}" if where else str(err.get("msg"))


# -- events (up) ---------------------------------------------------------------------------------

EventType = Literal["sale", "return", "pickup", "cash_movement", "shift_open", "shift_close",
                    "z_report", "stock_count", "audit", "member_signup", "stock_receive",
                    "card_orphan_found", "card_orphan_resolved"]


class Event(_Model):
    event_id: UUID
    terminal_seq: int = Field(ge=1)
    type: str = Field(min_length=1, max_length=32)
    occurred_at: datetime
    payload: dict[str, Any]


class EventsBatch(_Model):
    events: list[Event] = Field(max_length=MAX_EVENTS_PER_BATCH)


class EventResult(_Model):
    event_id: UUID
    status: Literal["accepted", "duplicate", "rejected"]
    reason: str | None = None
    exceptions: list[str] = []


class EventsResponse(_Model):
    results: list[EventResult]


# -- errors --------------------------------------------------------------------------------------

class ErrorBody(_Model):
    error: str
    detail: str = ""


# -- additions for the central service (issue 3) -------------------------------------------------

def entity_key(entity: str, data: dict[str, Any]) -> str:
    """The change feed's ``key`` of a reference record: both ends derive it the same way.

    ``product``, ``price``, ``member``, ``staff``, ``promotion``: the id; ``tax_rate``: the code;
    ``store_settings``: the store id; ``stock_level``: ``"<store_id>:<product_id>"`` (a store
    may see a few other stores' levels, so the key names the store); ``order``: the order
    number.
    """
    if entity == "tax_rate":
        return str(data["code"])
    if entity == "order":
        return str(data["order_no"])
    if entity == "store_settings":
        return str(data["store_id"])
    if entity == "stock_level":
        return f"{data['store_id']}:{data['product_id']}"
    if entity in ENTITY_MODELS:
        return str(data["id"])
    raise ValueError(f"unknown entity {entity!r}")


class SnapshotHeader(_Model):
    """The first line of ``GET /v1/snapshot``: the feed position the snapshot is as of.

    ``records`` (added) is the number of record lines that follow: a client can tell a
    complete snapshot from a cut-off one.
    """

    seq: int = Field(ge=0)
    records: int | None = Field(default=None, ge=0)


class SnapshotRecord(_Model):
    """Every later line of ``GET /v1/snapshot``: one record of the store's current state."""

    entity: Entity
    key: str = Field(min_length=1)
    data: dict[str, Any]


class SaleLinePayload(_Model):
    """One line of a ``sale`` event (posclient/app/checkout.py ``_sale_payload``)."""

    line_no: int = Field(ge=1)
    product_id: int = Field(ge=1)
    sku: str = ""
    barcode: str | None = None
    measure: Literal["each", "g"]
    qty: int = Field(ge=1)  # units, or grams for a weighed item
    list_price: int = 0
    unit_price: int = 0
    label_price: int | None = None  # a scale label's price: the weight is not known
    gross: int = 0
    line_discount: int = 0
    basket_discount: int = 0
    promo_discount: int = 0  # the promotions' share of the line (issue 6)
    total: int
    tax_code: str = ""
    tax_rate_ppm: int = Field(default=0, ge=0, le=1_000_000)

    @property
    def stock_qty(self) -> int:
        """Units (or grams) that left the shelf: 0 for a label-priced weighed item."""
        return 0 if self.measure == "g" and self.label_price is not None else self.qty


class SalePayload(_Model):
    """The payload of a ``sale`` event. Money in minor units of ``currency``."""

    receipt_no: str = Field(min_length=1, max_length=64)
    store_id: str = Field(min_length=1)
    terminal_id: str = ""
    staff_id: int | None = None
    member_id: int | None = None  # the central's member id (None: no member, or see member_no)
    # The member's number: always sent with a member; the only reference to a member signed up
    # at the till and not synced yet (the central resolves it; its member_signup came first).
    member_no: str | None = Field(default=None, min_length=1, max_length=64)
    points_earned: int = Field(default=0, ge=0)  # the till's count, for the record only
    started_at: datetime | None = None
    completed_at: datetime
    currency: str = Field(min_length=3, max_length=3)
    tax_inclusive: bool = True
    subtotal: int = 0
    discount_total: int = 0
    tax_total: int = 0
    rounding: int = 0
    total: int
    change: int = 0
    lines: list[SaleLinePayload] = Field(min_length=1)
    tenders: list[dict[str, Any]] = []
    taxes: list[dict[str, Any]] = []
    # Coupon codes this sale used (issue 6): the central records each one's single use, and
    # files ``coupon_reused`` when another sale already used it (two tills offline).
    coupons: list[str] = []
    # The promotions that applied, for reports: [{"id", "name_zh", "name_en", "saved"}].
    promotions: list[dict[str, Any]] = []


class PickupLinePayload(SaleLinePayload):
    """One line of a ``pickup`` event: a sale line that names the order's line."""

    order_line_no: int = Field(ge=1)


class PickupPayload(SalePayload):
    """The payload of a ``pickup`` event: the hand-over of (part of) a web order, recorded by
    the till as a sale of kind 'pickup' (posclient/app/checkout.py ``start_pickup``). Its
    ``web`` tenders are what the order's money covered; the others were taken at the till."""

    order_no: str = Field(min_length=1, max_length=64)
    without_code: bool = False
    lines: list[PickupLinePayload] = Field(min_length=1)  # type: ignore[assignment]

    @property
    def paid_here(self) -> int:
        """Money taken at the till for this hand-over (not the order's web payment)."""
        return sum(int(t.get("amount", 0)) for t in self.tenders if t.get("kind") != "web")


# -- returns (issue 5) ---------------------------------------------------------------------------

SourceKind = Literal["receipt", "order"]


class PurchaseLineData(_Model):
    """One line of a purchase a customer may bring back.

    ``line_id`` is the sale line's ``line_no`` (a receipt) or the order's ``line_no``. Money of a
    partial return (explicit rule, as for a partial pick-up): the first ``n`` units of a line are
    worth ``round(total * n / qty)`` half up, so the returns of a line add up to its total.
    ``received`` is what the customer has (all of a receipt's line, what was collected of a
    pick-up order's line, all of a delivered order's line): at most that comes back.
    """

    line_id: int = Field(ge=1)
    product_id: int = Field(ge=1)
    sku: str = ""
    name_zh: str = ""
    name_en: str = ""
    measure: Literal["each", "g"] = "each"
    qty: int = Field(ge=1)  # bought (or ordered): the basis of the line's money
    total: Minor  # what the line cost after its discounts
    received: int = Field(ge=0)
    returned: int = Field(default=0, ge=0)  # refunded so far, at any store
    reserved: int = Field(default=0, ge=0)  # held by returns in progress at other tills
    tax_code: str = ""
    tax_rate_ppm: int = Field(default=0, ge=0, le=1_000_000)

    @property
    def returnable(self) -> int:
        return max(0, self.received - self.returned - self.reserved)


class PurchaseTenderData(_Model):
    """How a purchase was paid: ``kind`` cash, card, store_credit (a till's tender) or web (paid
    on the web shop). ``refunded``: already given back on it."""

    kind: str = Field(min_length=1, max_length=32)
    amount: Minor
    reference: str = ""
    detail: str = ""
    refunded: Minor = 0


class PurchaseData(_Model):
    """A purchase as a return sees it (``GET /v1/returns/purchase``): a store receipt or a web
    order, with what was returned anywhere. ``applied_returns``: the ``return`` events counted
    in ``returned``/``refunded`` (a till adds its own events not listed here)."""

    kind: SourceKind
    ref: str = Field(min_length=1, max_length=64)
    store_id: str | None = None  # where it was sold, or the order's pick-up store
    channel: Literal["store", "web", "app", "marketplace"] = "store"
    currency: str = Field(min_length=3, max_length=3)
    purchased_at: datetime
    status: str = ""  # an order's status
    member_id: int | None = None
    customer_phone: str | None = None
    lines: list[PurchaseLineData] = Field(min_length=1)
    tenders: list[PurchaseTenderData] = []
    applied_returns: list[UUID] = []


def order_purchase(order: OrderData) -> PurchaseData:
    """A web order as a purchase to return (both ends): a pick-up order's customer has what
    was collected, a delivered one all of it; the order's money is its online payments (tender
    ``web``, refunded through the web shop) and what the tills took at pick-up (``till``)."""
    has_all = order.fulfilment == "delivery" and order.status != "cancelled"
    tenders = [PurchaseTenderData(kind="web", amount=p.amount, reference=p.reference,
                                  detail=p.method)
               for p in order.payments if p.kind == "online" and p.amount > 0]
    if order.paid_at_pickup:
        tenders.append(PurchaseTenderData(kind="till", amount=order.paid_at_pickup))
    return PurchaseData(
        kind="order", ref=order.order_no, store_id=order.store_id, channel=order.channel,
        currency=order.currency, purchased_at=order.created_at, status=order.status,
        customer_phone=order.customer_phone,
        lines=[PurchaseLineData(
            line_id=ln.line_no, product_id=ln.product_id, sku=ln.sku, name_zh=ln.name_zh,
            name_en=ln.name_en, qty=ln.qty, total=ln.total,
            received=ln.qty if has_all else ln.collected, returned=ln.returned)
            for ln in order.lines],
        tenders=tenders, applied_returns=list(order.applied_events))


class ReserveLine(_Model):
    line_id: int = Field(ge=1)
    qty: int = Field(ge=1)


class ReserveRequest(_Model):
    """``POST /v1/returns/reserve``: hold returnable quantities for one return in progress.

    Exactly one of ``receipt_no``/``order_no``. Asking again with the same ``reservation_id``
    replaces that reservation (the cashier changed the quantities). Unconfirmed reservations
    expire (``ReserveResponse.expires_at``); the ``return`` event names its ``reservation_id``.
    """

    reservation_id: UUID
    receipt_no: str | None = Field(default=None, min_length=1, max_length=64)
    order_no: str | None = Field(default=None, min_length=1, max_length=64)
    lines: list[ReserveLine] = Field(min_length=1, max_length=500)

    @property
    def source(self) -> tuple[SourceKind, str]:
        if (self.receipt_no is None) == (self.order_no is None):
            raise ValueError("name exactly one of receipt_no and order_no")
        return ("receipt", self.receipt_no) if self.receipt_no else \
            ("order", self.order_no)  # type: ignore[return-value]


class ReserveResponse(_Model):
    reservation_id: UUID
    expires_at: datetime
    purchase: PurchaseData  # as it stands now, this reservation not counted in ``reserved``


class ReturnLinePayload(_Model):
    """One line of a ``return`` event."""

    line_no: int = Field(ge=1)
    source_line: int | None = Field(default=None, ge=1)  # the purchase's line_id; None: no receipt
    product_id: int = Field(ge=1)
    sku: str = ""
    measure: Literal["each", "g"] = "each"
    qty: int = Field(ge=1)
    amount: Minor  # refunded for this line
    condition: Literal["restock", "damaged"]  # back on the shelf, or written off
    tax_code: str = ""
    tax_rate_ppm: int = Field(default=0, ge=0, le=1_000_000)


class ReturnTenderPayload(_Model):
    """How the refund was given: cash, card (back through the payment terminal), store_credit,
    web (a refund request the central passes to the web shop), or exchange (it paid a new sale
    in the same basket: ``reference`` is that sale's event id, whose ``exchange`` tender names
    this return's ``return_no``)."""

    kind: Literal["cash", "card", "store_credit", "web", "exchange", "points"]
    amount: int = Field(ge=1)
    # card refund reference, store-credit account, web payment id, member_no (points)
    reference: str = ""
    points: int | None = Field(default=None, ge=1)  # a points refund: the points given back


class ReturnPayload(_Model):
    """The payload of a ``return`` event: goods back, money back, in one till transaction."""

    return_no: str = Field(min_length=1, max_length=64)
    store_id: str = Field(min_length=1)
    terminal_id: str = ""
    staff_id: int | None = None
    approved_by: int | None = None
    source_kind: Literal["receipt", "order", "none"]
    source_ref: str | None = None
    reservation_id: UUID | None = None  # None: refunded offline, without a reservation
    reason: str = Field(min_length=1, max_length=200)
    completed_at: datetime
    currency: str = Field(min_length=3, max_length=3)
    total: Minor  # refunded in all
    lines: list[ReturnLinePayload] = Field(min_length=1, max_length=500)
    tenders: list[ReturnTenderPayload] = []


class RefundRequestData(_Model):
    """A refund to a web payment, for the web shop (``GET /v1/admin/refund-requests``)."""

    id: int
    order_no: str
    store_id: str
    event_id: UUID
    currency: str
    amount: int
    payment_reference: str = ""
    status: Literal["requested", "done"]
    created_at: datetime
    done_at: datetime | None = None


class RefundRequestList(_Model):
    requests: list[RefundRequestData]


class MemberSignupPayload(_Model):
    """The payload of a ``member_signup`` event: a customer joined at a till, maybe offline.

    ``member_no`` is made by the till (``<store_id><terminal_id>M<n:06d>``, posclient/app/
    members.py) and kept by the central, which gives the member its id; the member reaches the
    tills through the feed. ``consent_version``/``consented_at``: the privacy text the customer
    agreed to, and when."""

    member_no: str = Field(min_length=1, max_length=64)
    name: str = Field(default="", max_length=100)
    phone: str = Field(pattern=r"^\+?\d{7,15}$")
    tier: str = Field(default="standard", min_length=1, max_length=32)
    store_id: str = Field(min_length=1)
    terminal_id: str = ""
    staff_id: int | None = None
    consent_version: str = Field(min_length=1, max_length=64)
    consented_at: datetime


# -- the audit trail (issue 7) -------------------------------------------------------------------

class AuditRecordData(_Model):
    """One record of a till's hash-chained audit log (posclient/store/audit.py), as it is kept:
    ``hash = sha256(prev_hash + canonical JSON of [at, staff_id, approved_by, action, detail])``
    with ``detail`` the JSON text as stored."""

    id: int = Field(ge=1)
    at: str = Field(min_length=1, max_length=40)
    staff_id: int | None = None
    approved_by: int | None = None
    action: str = Field(min_length=1, max_length=64)
    detail: str = "{}"
    prev_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    hash: str = Field(pattern=r"^[0-9a-f]{64}$")


class AuditBatch(_Model):
    """``POST /v1/audit``: the till's audit records after the last ones the central has."""

    records: list[AuditRecordData] = Field(min_length=1, max_length=MAX_EVENTS_PER_BATCH)


class AuditAck(_Model):
    """The central keeps the till's chain up to ``received_through`` (contiguous from 1);
    ``problems``: records that break the chain (also filed as ``audit_chain_broken``)."""

    received_through: int = Field(ge=0)
    problems: list[str] = []


class StockCountLinePayload(_Model):
    product_id: int = Field(ge=1)
    sku: str = ""
    counted: int = Field(ge=0)  # units, or grams for a weighed item
    expected: int  # the till's stock when it was counted (may be below zero)


class StockCountPayload(_Model):
    """The payload of a ``stock_count`` event (posclient/app/stock.py): the central moves its
    level by ``counted - expected`` per line (ledger reason ``count``)."""

    store_id: str = Field(min_length=1)
    terminal_id: str = ""
    staff_id: int | None = None
    approved_by: int | None = None
    scope: Literal["shelf", "store"]
    label: str = ""
    counted_at: datetime
    lines: list[StockCountLinePayload] = []


class StockReceiveLinePayload(_Model):
    product_id: int = Field(ge=1)
    sku: str = ""
    expected: int = Field(ge=0)  # what the delivery said (0: a line it did not list)
    received: int = Field(ge=0)  # what arrived and was scanned


class StockReceivePayload(_Model):
    """The payload of a ``stock_receive`` event (posclient/app/stock.py ``Receiving``): the
    central adds ``received`` per line to its level (ledger reason ``receive``), files the lines
    where it differs from ``expected`` as a ``delivery_difference``, and marks the delivery
    received."""

    store_id: str = Field(min_length=1)
    terminal_id: str = ""
    staff_id: int | None = None
    delivery_id: str = Field(min_length=1, max_length=64)
    kind: Literal["delivery", "transfer"] = "delivery"
    reference: str = ""
    received_at: datetime
    lines: list[StockReceiveLinePayload] = Field(min_length=1, max_length=2_000)


class CardOrphanLinePayload(_Model):
    name_zh: str = Field(default="", max_length=200)
    name_en: str = Field(default="", max_length=200)
    qty: int = Field(ge=0, le=10_000_000)
    measure: Literal["each", "g"] = "each"


class CardOrphanFoundPayload(_Model):
    """``card_orphan_found`` (posclient/app/card_recovery.py): a card payment the terminal
    approved whose sale never committed, and that the till could not reverse at start. The
    central files a ``card_charged_without_sale`` exception until a ``card_orphan_resolved``
    names the same reference."""

    reference: str = Field(min_length=1, max_length=64)
    store_id: str = Field(min_length=1)
    terminal_id: str = ""
    amount: int = Field(gt=0, le=10**12)  # minor units
    currency: str = Field(min_length=3, max_length=3)
    approved_at: datetime
    auth_code: str = Field(default="", max_length=32)
    terminal_state: Literal["approved", "settled", "unreachable", "unknown", "declined"]
    basket_total: int | None = Field(default=None, ge=0, le=10**12)
    lines: list[CardOrphanLinePayload] = Field(default=[], max_length=2_000)


class CardOrphanResolvedPayload(_Model):
    """``card_orphan_resolved``: how an orphaned card approval ended. ``reversed``: voided on
    the terminal (by the till at start, ``by`` = terminal, or by a manager): no sales money.
    ``refunded``: given back to the card by the terminal (``refund_reference``), after its batch
    was settled: no sales money. ``completed``: sold as the goods it paid for; the sale is the
    event ``sale_event_id``."""

    reference: str = Field(min_length=1, max_length=64)
    store_id: str = Field(min_length=1)
    terminal_id: str = ""
    amount: int = Field(gt=0, le=10**12)
    currency: str = Field(min_length=3, max_length=3)
    approved_at: datetime
    outcome: Literal["reversed", "refunded", "completed"]
    by: Literal["terminal", "manager"]
    staff_id: int | None = None
    approved_by: int | None = None
    found_event_id: UUID | None = None
    sale_event_id: UUID | None = None
    receipt_no: str | None = Field(default=None, max_length=64)
    refund_reference: str | None = Field(default=None, max_length=64)


# Event types whose payload the central checks against a model; other known types are stored
# as they come (their effects on the central arrive in later releases).
EVENT_PAYLOAD_MODELS: dict[str, type[_Model]] = {"sale": SalePayload, "pickup": PickupPayload,
                                                  "return": ReturnPayload,
                                                  "stock_count": StockCountPayload,
                                                  "stock_receive": StockReceivePayload,
                                                  "member_signup": MemberSignupPayload,
                                                  "card_orphan_found": CardOrphanFoundPayload,
                                                  "card_orphan_resolved":
                                                      CardOrphanResolvedPayload}
EVENT_TYPES: frozenset[str] = frozenset(EventType.__args__)  # type: ignore[attr-defined]

# The event_id reported for an event whose own event_id could not be read: results come back in
# the order of the request's events, so the terminal still knows which one it was.
UNREADABLE_EVENT_ID = UUID(int=0)


# -- suspended sales shared by a store's tills (issue 4) -----------------------------------------

class ParkedSale(_Model):
    """A suspended sale a till shares with its store (``PUT /v1/parked/{park_id}``).

    Another till of the same store lists it (``GET /v1/parked``, without ``cart``) and claims it
    (``POST /v1/parked/{park_id}/claim``, with ``cart``): exactly one claim wins. ``cart`` is the
    till's own cart document (posclient.domain.cart ``Cart.to_dict``): its lines keep their
    prices and discounts. ``terminal_id``/``terminal_name`` are set by the central.
    """

    park_id: UUID
    terminal_id: str = ""
    terminal_name: str = ""
    staff_id: int | None = None
    label: str = Field(default="", max_length=64)
    currency: str = Field(min_length=3, max_length=3)
    total: int
    lines: int = Field(ge=1)
    parked_at: datetime
    cart: dict[str, Any] | None = None


class ParkedList(_Model):
    """``GET /v1/parked``: the store's suspended sales no till has resumed yet, oldest first."""

    parked: list[ParkedSale]


class ParkedClaimed(_Model):
    """The answer to a claim, and to a ``PUT`` of a sale already claimed (by ``claimed_by``)."""

    park_id: UUID
    state: Literal["parked", "claimed"]
    claimed_by: str | None = None
    claimed_at: datetime | None = None


# -- promotions: coupons and the web shop's prices (issue 6) -------------------------------------

class CouponRedeem(_Model):
    """``POST /v1/coupons/{code}/redeem``: this till's sale uses the coupon (single use)."""

    receipt_no: str | None = Field(default=None, min_length=1, max_length=64)


class CouponStatus(_Model):
    """``GET /v1/coupons/{code}``: whether a coupon is still unused, chain-wide (a till checks
    when the customer presents it; the sale event records the use)."""

    code: str
    promotion_id: str | None = None
    used: bool
    redemption: CouponRedemption | None = None


class CouponRedemption(_Model):
    """Where and when a coupon was used. ``event_id``: the sale event that recorded it (None
    while only redeemed online, before the sale's event arrived)."""

    code: str
    promotion_id: str | None = None
    store_id: str
    terminal_id: str
    receipt_no: str | None = None
    event_id: UUID | None = None
    redeemed_at: datetime


class BasketLineIn(_Model):
    """A line to price: by ``sku`` or ``product_id`` (one of them); ``qty`` in units, or grams
    for a weighed product. ``line_id``: the caller's (default: the line's position, from 1)."""

    line_id: int | None = Field(default=None, ge=1)
    sku: str | None = Field(default=None, min_length=1, max_length=64)
    product_id: int | None = Field(default=None, ge=1)
    qty: int = Field(ge=1, le=1_000_000)


class PriceBasketRequest(_Model):
    """``POST /v1/price-basket``: price a basket as the store's till would.

    ``at``: when (default now); read in the store's time zone for days and hours. The member:
    ``member_id`` (the central reads the tier) or ``member_tier``; neither: no member.
    """

    store_id: str = Field(min_length=1, max_length=32)
    at: datetime | None = None
    member_id: int | None = Field(default=None, ge=1)
    member_tier: str | None = Field(default=None, min_length=1, max_length=32)
    coupons: list[str] = Field(default=[], max_length=20)
    lines: list[BasketLineIn] = Field(min_length=1, max_length=500)


class LinePromotion(_Model):
    promotion_id: str
    amount: int


class PricedLineOut(_Model):
    line_id: int
    product_id: int
    sku: str
    measure: Literal["each", "g"]
    qty: int
    price_list: str  # the member's tier list when it has a price, else retail
    unit_price: int  # per unit, or per kg
    gross: int
    discount: int  # promotions
    total: int
    tax_code: str
    tax_rate_ppm: int
    promotions: list[LinePromotion] = []


class AppliedPromotionOut(_Model):
    promotion_id: str
    name_zh: str = ""
    name_en: str = ""
    kind: str
    saved: int
    line_ids: list[int]
    coupon_code: str | None = None


class TaxLineOut(_Model):
    code: str
    rate_ppm: int
    net: int
    tax: int
    gross: int


class PriceBasketResponse(_Model):
    store_id: str
    at: datetime  # in the store's time zone
    currency: str
    tax_inclusive: bool
    member_tier: str | None = None
    lines: list[PricedLineOut]
    applied: list[AppliedPromotionOut]
    subtotal: int
    discount_total: int
    taxes: list[TaxLineOut]
    tax_total: int
    total: int  # what is due (tax added on top for a tax-exclusive store)


# -- the store manager's reconciliation (issue 7) ------------------------------------------------

class TenderFigures(_Model):
    sales: int = 0  # taken by sales and pick-ups
    refunds: int = 0  # given back by returns


class ZFigures(_Model):
    """A till's own Z report as its ``z_report`` event carried it (the till's figures)."""

    z_no: int | None = None
    business_day: str
    from_at: str | None = None
    to_at: str
    sales_count: int = 0
    sales_total: int = 0
    pickups_count: int = 0
    pickups_total: int = 0
    returns_count: int = 0
    returns_total: int = 0
    tenders: dict[str, TenderFigures] = {}
    movements: dict[str, int] = {}
    pending_events: int = 0  # events the till had not uploaded when it made the Z
    card_orphans: list[dict[str, Any]] = []  # reference, amount, outcome, receipt_no


class SeqGap(_Model):
    first_seq: int
    last_seq: int


class RejectedEvent(_Model):
    """An event the central refused (kept in quarantine for IT)."""

    event_id: str | None = None
    terminal_id: str
    reason: str
    received_at: datetime


class Figures(_Model):
    """The central's sums over a day's events. Money in minor units; ``hours``: 24 sales
    totals by the store's local hour; ``categories``: sale lines' totals by product category
    ("" for products without one)."""

    sales_count: int = 0
    sales_total: int = 0
    discounts: int = 0
    pickups_count: int = 0
    pickups_total: int = 0
    returns_count: int = 0
    returns_total: int = 0
    tenders: dict[str, TenderFigures] = {}
    categories: dict[str, int] = {}
    hours: list[int] = Field(default_factory=lambda: [0] * 24)
    movements: dict[str, int] = {}  # cash_in, paid_out, safe_drop
    over_short: dict[str, int] = {}  # summed over the shifts closed that day, per tender


class TerminalReconciliation(Figures):
    terminal_id: str
    name: str = ""
    revoked: bool = False
    high_seq: int = 0  # the highest terminal_seq the central has
    last_event_at: datetime | None = None  # when the central last received one of its events
    gaps: list[SeqGap] = []  # terminal_seq ranges never received: still to upload, or lost
    rejected: int = 0  # events of that day refused (quarantined)
    z_reports: list[ZFigures] = []  # the till's own Z reports of the day


class StoreException(_Model):
    """A business exception the central filed for the store's manager (offline oversell, double
    refund, pick-up of a cancelled order, a broken audit chain, a delivery difference, ...)."""

    id: int
    kind: str
    terminal_id: str | None = None
    event_id: UUID | None = None
    detail: dict[str, Any] = {}
    status: Literal["open", "resolved"]
    comment: str = ""
    created_at: datetime
    resolved_at: datetime | None = None


class StoreExceptionList(_Model):
    exceptions: list[StoreException]


class ResolveException(_Model):
    """``POST /v1/store/exceptions/{id}/resolve``: the manager's comment is required."""

    comment: str = Field(min_length=1, max_length=1_000)
    staff_id: int | None = None  # the manager who resolved it at the till


class CardOrphanLine(_Model):
    """A card approval without a sale in the store's reconciliation: ``open`` (the customer was
    charged and nothing is sold yet: also an exception), ``reversed`` or ``refunded`` (no sales
    money), or ``completed`` (a sale like the others, ``receipt_no``)."""

    terminal_id: str
    reference: str
    amount: int
    approved_at: datetime
    status: Literal["open", "reversed", "refunded", "completed"]
    by: str | None = None  # terminal | manager
    receipt_no: str | None = None
    at: datetime  # when it was found or resolved


class StoreReconciliation(_Model):
    """``GET /v1/store/reconciliation?day=``: a business day of the store as the central has it:
    per till and in all, from the events received (``from_at``..``to_at``: the day in the
    store's time zone), the tills' own Z figures next to them, and the store's open exceptions.
    """

    store_id: str
    day: str
    timezone: str
    currency: str
    from_at: datetime
    to_at: datetime
    generated_at: datetime
    totals: Figures
    terminals: list[TerminalReconciliation]
    exceptions: list[StoreException]
    rejected: list[RejectedEvent] = []
    card_orphans: list[CardOrphanLine] = []  # found or resolved that day (CardOrphanLine)
