"""Sync protocol v1: the messages between a terminal and the central service.

Both ends use these pydantic models, so a field renamed on one side fails the other's tests.
Field names are the contract (docs/sync-protocol.md): add fields freely, rename none without a
version bump. Unknown fields are ignored on input so an older terminal survives a newer central;
every change record's ``data`` is validated against its entity's model, and one invalid record
rejects the whole page (the terminal keeps its cursor).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from posclient.domain.money import MAX_MINOR
from posclient.domain.promotions import normalize_code, promotion_from_dict

PROTOCOL_VERSION = 1
MAX_EVENTS_PER_BATCH = 500
MAX_PAGE = 5_000

# -- bounds (docs/sync-protocol.md, "Bounds") ----------------------------------------------------
# Every field of every model has one: what the business allows, and never more than the
# central's columns hold (BIGINT, VARCHAR(n)), so no input reaches the database as a value it
# cannot store (an OverflowError, a truncation: a 500 and a till re-sending forever).

BIGINT_MAX = 2**63 - 1  # the central's BIGINT, the till's SQLite INTEGER
# Money in minor units: posclient.domain.money.MAX_MINOR (1,000,000,000,000.00 in a two-decimal
# currency). A line's quantity times the largest price a till takes fits, and any day's sums of
# such amounts stay far inside a BIGINT.
MAX_QTY = 10_000_000  # units of a line, or grams of a weighed product (10 tonnes)
MAX_STOCK = 10**12  # a stock level, either side of zero
MAX_POINTS = 10**12  # a member's points
MAX_LINES = 2_000  # lines of a sale, an order, a return, a count, a delivery
# A terminal_seq more than this beyond the highest the central has from the till is refused
# (``rejected``, reason ``terminal_seq_too_far``), not recorded as that many lost events: a
# till never has more than a few thousand events waiting, even after weeks offline.
MAX_SEQ_AHEAD = 1_000_000
# Times a till sends: from 1970 to 2199, in any zone (far outside: a clock gone wrong).
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)


def _in_time_range(t: datetime) -> datetime:
    aware = t if t.tzinfo is not None else t.replace(tzinfo=UTC)
    if not EARLIEST <= aware < LATEST:
        raise ValueError("a time between 1970-01-01 and 2199-12-31 (UTC)")
    return t


Minor = Annotated[int, Field(ge=0, le=MAX_MINOR)]  # money, never negative in reference data
SignedMinor = Annotated[int, Field(ge=-MAX_MINOR, le=MAX_MINOR)]  # rounding, a difference
Id = Annotated[int, Field(ge=1, le=BIGINT_MAX)]  # a row id: product, staff, member, record
Qty = Annotated[int, Field(ge=1, le=MAX_QTY)]  # units, or grams
Count = Annotated[int, Field(ge=0, le=BIGINT_MAX)]  # a count or a sum the central reports
Total = Annotated[int, Field(ge=-BIGINT_MAX, le=BIGINT_MAX)]  # a signed sum it reports
Seq = Annotated[int, Field(ge=1, le=BIGINT_MAX)]
Ppm = Annotated[int, Field(ge=0, le=1_000_000)]  # a tax rate in parts per million
UnixTime = Annotated[int, Field(ge=0, le=int(LATEST.timestamp()))]
Moment = Annotated[datetime, AfterValidator(_in_time_range)]
StoreId = Annotated[str, Field(min_length=1, max_length=32)]
TerminalId = Annotated[str, Field(max_length=32)]
Key = Annotated[str, Field(min_length=1, max_length=64)]  # a receipt, order, member number
Ref = Annotated[str, Field(max_length=128)]  # a payment's or a delivery note's reference
Name = Annotated[str, Field(max_length=200)]  # a product's, a member's, a promotion's name
Word = Annotated[str, Field(max_length=64)]  # a category, brand, tier, method, label
Currency = Annotated[str, Field(min_length=3, max_length=3)]
Reason = Annotated[str, Field(max_length=2_000)]  # a message the central writes for people


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


# -- identity ----------------------------------------------------------------------------------

class EnrolRequest(_Model):
    code: str = Field(min_length=4, max_length=64)
    terminal_name: str = Field(min_length=1, max_length=64)
    # A till enrolling again (a code made for it): its own store and id, which it keeps.
    store_id: str | None = Field(default=None, min_length=1, max_length=32)
    terminal_id: str | None = Field(default=None, min_length=1, max_length=32)
    # Written to the till's database before the request is sent: the same till retrying the
    # same code (its answer was lost) gets the same terminal and a fresh token, as long as the
    # token of the first answer was never used.
    request_id: UUID | None = None


class EnrolResponse(_Model):
    store_id: StoreId
    terminal_id: TerminalId
    token: str = Field(max_length=128)
    server_time: datetime
    central_id: str | None = None  # the central's own id (whoever its address): see WhoAmI


class WhoAmI(_Model):
    """``GET /v1/whoami``: whose token this is, at which central. A till checks it against its
    own store and terminal before it uploads or takes in anything (sync/till_identity.py)."""

    store_id: str
    terminal_id: str
    central_id: str


# -- reference data (down) -----------------------------------------------------------------------

class ProductData(_Model):
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


class PriceData(_Model):
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


class TaxRateData(_Model):
    code: str = Field(min_length=1, max_length=32)
    rate_ppm: Ppm
    name_zh: Name = ""
    name_en: Name = ""


class MemberData(_Model):
    id: Id
    member_no: Key
    name: Name
    phone: str | None = Field(default=None, max_length=32)
    tier: Word = "standard"
    # The central's balance (a sum of its ledger), read from the feed by every till: bounded by
    # the column only, so no balance it computes can make a till refuse a page.
    points: int = Field(default=0, ge=-BIGINT_MAX, le=BIGINT_MAX)
    active: bool = True


class StockLevelData(_Model):
    product_id: Id
    store_id: StoreId
    # The central's level (a sum of its ledger), read from the feed: bounded by the column only,
    # like a member's points. What the admin sets is within ±MAX_STOCK (entities.py).
    qty: int = Field(ge=-BIGINT_MAX, le=BIGINT_MAX)


class StaffData(_Model):
    id: Id
    name: Name
    role: Literal["cashier", "supervisor", "manager"]
    pin_hash: str = Field(min_length=20, max_length=200)
    active: bool = True


class StoreSettingsData(_Model):
    model_config = ConfigDict(extra="allow", frozen=True)  # settings grow; the till keeps known
    store_id: StoreId


class OrderLineData(_Model):
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


class OrderPaymentData(_Model):
    kind: Literal["online", "at_pickup"]  # paid on the web, or to pay at the till
    amount: Minor
    method: Word = ""  # alipay, wechat, card ...
    reference: Ref = ""  # the web shop's payment id (refunds go back through it)


ORDER_STATUSES = ("open", "ready", "partly_collected", "collected", "cancelled", "delivered")


class OrderData(_Model):
    """A web order as the central keeps it and a till reads it (``GET /v1/orders/{order_no}``).
    ``pickup_code_hash``: SHA-256 hex of ``"<order_no>:<code>"`` (:func:`pickup_code_hash`),
    so a till checks the customer's code offline without holding it."""

    order_no: str = Field(min_length=1, max_length=64)
    channel: Literal["web", "app", "marketplace"] = "web"
    status: Literal["open", "ready", "partly_collected", "collected", "cancelled", "delivered"]
    fulfilment: Literal["pickup", "delivery"]
    store_id: StoreId | None = None  # the pick-up store
    customer_name: Name = ""
    customer_phone: str | None = Field(default=None, max_length=32)
    pickup_code_hash: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    currency: Currency
    lines: list[OrderLineData] = Field(min_length=1, max_length=MAX_LINES)
    payments: list[OrderPaymentData] = Field(default=[], max_length=100)
    total: Minor
    paid: Minor = 0  # paid online
    paid_at_pickup: Minor = 0  # taken by the tills at pick-up so far
    created_at: datetime
    updated_at: datetime
    member_no: Key | None = None  # the member who ordered: the order earns on their account
    # The tills' pick-up (and return) events already counted in ``collected``, ``returned`` and
    # ``paid_at_pickup``: a till adds its own events not listed here, so it never counts one
    # twice nor misses one that has not reached the central yet.
    # (as long as the order's pick-ups and returns: the central appends, the tills read)
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


class DeliveryLineData(_Model):
    """A line a delivery is expected to bring: the product (by id, its SKU for people) and the
    units (grams for a weighed product)."""

    product_id: Id
    sku: Word = ""
    qty: Qty


class DeliveryData(_Model):
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


class ReasonCodeData(_Model):
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


class QuickKeyData(_Model):
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
    "reason_code": ReasonCodeData,  # the chain's reasons, at every till
    "quick_key": QuickKeyData,  # a store's touch tiles, at its tills only
}
Entity = Literal["product", "price", "tax_rate", "member", "stock_level", "staff",
                 "store_settings", "order", "promotion", "delivery", "reason_code",
                 "quick_key"]


class Change(_Model):
    seq: Seq
    entity: Entity
    op: Literal["upsert", "delete"]
    key: str = Field(min_length=1, max_length=128)
    data: dict[str, Any] | None = None

    def parsed(self) -> _Model | None:
        """The validated record (None for a delete). Raises ValidationError."""
        if self.op == "delete":
            return None
        if self.data is None:
            raise ValueError(f"change {self.seq}: an upsert needs data")
        return ENTITY_MODELS[self.entity].model_validate(self.data)


class ChangesPage(_Model):
    changes: list[Change] = Field(max_length=MAX_PAGE)
    next_after: Count
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
    terminal_seq: Seq
    type: str = Field(min_length=1, max_length=32)
    occurred_at: Moment
    payload: dict[str, Any]


class EventsBatch(_Model):
    events: list[Event] = Field(max_length=MAX_EVENTS_PER_BATCH)


class EventResult(_Model):
    event_id: UUID
    status: Literal["accepted", "duplicate", "rejected"]
    reason: Reason | None = None
    exceptions: list[Reason] = []


class EventsResponse(_Model):
    results: list[EventResult] = Field(max_length=MAX_EVENTS_PER_BATCH)


# -- errors --------------------------------------------------------------------------------------

class ErrorBody(_Model):
    error: str = Field(max_length=64)
    detail: str = Field(default="", max_length=2_000)


# -- additions for the central service (issue 3) -------------------------------------------------

def entity_key(entity: str, data: dict[str, Any]) -> str:
    """The change feed's ``key`` of a reference record: both ends derive it the same way.

    ``product``, ``price``, ``member``, ``staff``, ``promotion``, ``quick_key``: the id;
    ``tax_rate``, ``reason_code``: the code;
    ``store_settings``: the store id; ``stock_level``: ``"<store_id>:<product_id>"`` (a store
    may see a few other stores' levels, so the key names the store); ``order``: the order
    number.
    """
    if entity in ("tax_rate", "reason_code"):
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

    seq: Count
    records: Count | None = None


class SnapshotRecord(_Model):
    """Every later line of ``GET /v1/snapshot``: one record of the store's current state."""

    entity: Entity
    key: str = Field(min_length=1, max_length=128)
    data: dict[str, Any]


class SaleLinePayload(_Model):
    """One line of a ``sale`` event (posclient/app/checkout.py ``_sale_payload``)."""

    line_no: Id
    product_id: Id
    sku: Word = ""
    barcode: str | None = Field(default=None, max_length=64)
    measure: Literal["each", "g"]
    qty: Qty  # units, or grams for a weighed item
    list_price: SignedMinor = 0
    unit_price: SignedMinor = 0
    label_price: SignedMinor | None = None  # a scale label's price: the weight is not known
    gross: SignedMinor = 0
    line_discount: SignedMinor = 0
    basket_discount: SignedMinor = 0
    promo_discount: SignedMinor = 0  # the promotions' share of the line (issue 6)
    total: SignedMinor
    tax_code: Word = ""
    tax_rate_ppm: Ppm = 0

    @property
    def stock_qty(self) -> int:
        """Units (or grams) that left the shelf: 0 for a label-priced weighed item."""
        return 0 if self.measure == "g" and self.label_price is not None else self.qty


class SalePayload(_Model):
    """The payload of a ``sale`` event. Money in minor units of ``currency``."""

    receipt_no: Key
    store_id: StoreId
    terminal_id: TerminalId = ""
    staff_id: Id | None = None
    member_id: Id | None = None  # the central's member id (None: no member, or see member_no)
    # The member's number: always sent with a member; the only reference to a member signed up
    # at the till and not synced yet (the central resolves it; its member_signup came first).
    member_no: str | None = Field(default=None, min_length=1, max_length=64)
    points_earned: int = Field(default=0, ge=0, le=MAX_POINTS)  # the till's, for the record
    started_at: Moment | None = None
    completed_at: Moment
    currency: Currency
    tax_inclusive: bool = True
    subtotal: SignedMinor = 0
    discount_total: SignedMinor = 0
    tax_total: SignedMinor = 0
    rounding: SignedMinor = 0
    total: SignedMinor
    change: SignedMinor = 0
    lines: list[SaleLinePayload] = Field(min_length=1, max_length=MAX_LINES)
    # [{"kind", "amount", "reference", ...}] (posclient/app/checkout.py): ``amount`` in minor
    # units within ±MAX_MINOR (checked below), ``kind`` and ``reference`` as in the till.
    tenders: list[dict[str, Any]] = Field(default=[], max_length=100)
    taxes: list[dict[str, Any]] = Field(default=[], max_length=100)
    # Coupon codes this sale used (issue 6): the central records each one's single use, and
    # files ``coupon_reused`` when another sale already used it (two tills offline).
    coupons: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        default=[], max_length=20)
    # The promotions that applied, for reports: [{"id", "name_zh", "name_en", "saved"}].
    promotions: list[dict[str, Any]] = Field(default=[], max_length=200)

    @field_validator("tenders")
    @classmethod
    def _tender_bounds(cls, v: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for t in v:
            amount, kind, ref = t.get("amount", 0), t.get("kind", ""), t.get("reference")
            if isinstance(amount, bool) or not isinstance(amount, int) or \
                    not -MAX_MINOR <= amount <= MAX_MINOR:
                raise ValueError(f"a tender's amount is a whole number of minor units within "
                                 f"±{MAX_MINOR}")
            if not isinstance(kind, str) or not 1 <= len(kind) <= 32:
                raise ValueError("a tender's kind is a text of 1 to 32 characters")
            if ref is not None and (not isinstance(ref, str) or len(ref) > 128):
                raise ValueError("a tender's reference is a text of at most 128 characters")
        return v


class PickupLinePayload(SaleLinePayload):
    """One line of a ``pickup`` event: a sale line that names the order's line."""

    order_line_no: Id


class PickupPayload(SalePayload):
    """The payload of a ``pickup`` event: the hand-over of (part of) a web order, recorded by
    the till as a sale of kind 'pickup' (posclient/app/checkout.py ``start_pickup``). Its
    ``web`` tenders are what the order's money covered; the others were taken at the till."""

    order_no: Key
    without_code: bool = False
    lines: list[PickupLinePayload] = Field(  # type: ignore[assignment]
        min_length=1, max_length=MAX_LINES)

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

    line_id: Id
    product_id: Id
    sku: Word = ""
    name_zh: Name = ""
    name_en: Name = ""
    measure: Literal["each", "g"] = "each"
    qty: Qty  # bought (or ordered): the basis of the line's money
    total: Minor  # what the line cost after its discounts
    received: Count
    returned: Count = 0  # refunded so far, at any store
    reserved: Count = 0  # held by returns in progress at other tills
    tax_code: Word = ""
    tax_rate_ppm: Ppm = 0

    @property
    def returnable(self) -> int:
        return max(0, self.received - self.returned - self.reserved)


class PurchaseTenderData(_Model):
    """How a purchase was paid: ``kind`` cash, card, store_credit (a till's tender) or web (paid
    on the web shop). ``refunded``: already given back on it."""

    kind: str = Field(min_length=1, max_length=32)
    amount: Minor
    reference: Ref = ""
    detail: Name = ""
    refunded: Count = 0


class PurchaseData(_Model):
    """A purchase as a return sees it (``GET /v1/returns/purchase``): a store receipt or a web
    order, with what was returned anywhere. ``applied_returns``: the ``return`` events counted
    in ``returned``/``refunded`` (a till adds its own events not listed here)."""

    kind: SourceKind
    ref: Key
    store_id: StoreId | None = None  # where it was sold, or the order's pick-up store
    channel: Literal["store", "web", "app", "marketplace"] = "store"
    currency: Currency
    purchased_at: datetime
    status: Word = ""  # an order's status
    member_id: Id | None = None
    customer_phone: str | None = Field(default=None, max_length=32)
    lines: list[PurchaseLineData] = Field(min_length=1, max_length=MAX_LINES)
    tenders: list[PurchaseTenderData] = Field(default=[], max_length=200)
    applied_returns: list[UUID] = Field(default=[], max_length=10_000)


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
    line_id: Id
    qty: Qty


class ReserveRequest(_Model):
    """``POST /v1/returns/reserve``: hold returnable quantities for one return in progress.

    Exactly one of ``receipt_no``/``order_no``. Asking again with the same ``reservation_id``
    replaces that reservation (the cashier changed the quantities). Unconfirmed reservations
    expire (``ReserveResponse.expires_at``); the ``return`` event names its ``reservation_id``.
    """

    reservation_id: UUID
    receipt_no: Key | None = None
    order_no: Key | None = None
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

    line_no: Id
    source_line: Id | None = None  # the purchase's line_id; None: no receipt
    product_id: Id
    sku: Word = ""
    measure: Literal["each", "g"] = "each"
    qty: Qty
    amount: Minor  # refunded for this line
    condition: Literal["restock", "damaged"]  # back on the shelf, or written off
    tax_code: Word = ""
    tax_rate_ppm: Ppm = 0


class ReturnTenderPayload(_Model):
    """How the refund was given: cash, card (back through the payment terminal), store_credit,
    web (a refund request the central passes to the web shop), or exchange (it paid a new sale
    in the same basket: ``reference`` is that sale's event id, whose ``exchange`` tender names
    this return's ``return_no``)."""

    kind: Literal["cash", "card", "store_credit", "web", "exchange", "points"]
    amount: int = Field(ge=1, le=MAX_MINOR)
    # card refund reference, store-credit account, web payment id, member_no (points)
    reference: Ref = ""
    points: int | None = Field(default=None, ge=1, le=MAX_POINTS)  # a points refund: given back


class ReturnPayload(_Model):
    """The payload of a ``return`` event: goods back, money back, in one till transaction."""

    return_no: Key
    store_id: StoreId
    terminal_id: TerminalId = ""
    staff_id: Id | None = None
    approved_by: Id | None = None
    source_kind: Literal["receipt", "order", "none"]
    source_ref: Key | None = None
    reservation_id: UUID | None = None  # None: refunded offline, without a reservation
    reason: str = Field(min_length=1, max_length=200)
    reason_code: ReasonCodeText | None = None  # the reason picked from the list (None: typed)
    completed_at: Moment
    currency: Currency
    total: Minor  # refunded in all
    lines: list[ReturnLinePayload] = Field(min_length=1, max_length=500)
    tenders: list[ReturnTenderPayload] = Field(default=[], max_length=100)


class RefundRequestData(_Model):
    """A refund to a web payment, for the web shop (``GET /v1/admin/refund-requests``)."""

    id: Id
    order_no: Key
    store_id: StoreId
    event_id: UUID
    currency: Currency
    amount: Count
    payment_reference: Ref = ""
    # held: a double refund's, until the store's manager decides (approve: requested; refuse:
    # refused); only ``requested`` ones are to be paid
    status: Literal["requested", "done", "held", "refused"]
    created_at: datetime
    done_at: datetime | None = None
    decided_at: datetime | None = None


class RefundRequestList(_Model):
    requests: list[RefundRequestData]


class MemberSignupPayload(_Model):
    """The payload of a ``member_signup`` event: a customer joined at a till, maybe offline.

    ``member_no`` is made by the till (``<store_id><terminal_id>M<n:06d>``, posclient/app/
    members.py) and kept by the central, which gives the member its id; the member reaches the
    tills through the feed. ``consent_version``/``consented_at``: the privacy text the customer
    agreed to, and when."""

    member_no: Key
    name: str = Field(default="", max_length=100)
    phone: str = Field(pattern=r"^\+?\d{7,15}$")
    tier: str = Field(default="standard", min_length=1, max_length=32)
    store_id: StoreId
    terminal_id: TerminalId = ""
    staff_id: Id | None = None
    consent_version: str = Field(min_length=1, max_length=64)
    consented_at: Moment


# -- the audit trail (issue 7) -------------------------------------------------------------------

class AuditRecordData(_Model):
    """One record of a till's hash-chained audit log (posclient/store/audit.py), as it is kept:
    ``hash = sha256(prev_hash + canonical JSON of [at, staff_id, approved_by, action, detail])``
    with ``detail`` the JSON text as stored."""

    id: Id
    at: str = Field(min_length=1, max_length=40)
    staff_id: Id | None = None
    approved_by: Id | None = None
    action: str = Field(min_length=1, max_length=64)
    detail: str = Field(default="{}", max_length=100_000)
    prev_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    hash: str = Field(pattern=r"^[0-9a-f]{64}$")


class AuditBatch(_Model):
    """``POST /v1/audit``: the till's audit records after the last ones the central has."""

    records: list[AuditRecordData] = Field(min_length=1, max_length=MAX_EVENTS_PER_BATCH)


class AuditAck(_Model):
    """The central keeps the till's chain up to ``received_through`` (contiguous from 1);
    ``problems``: records that break the chain (also filed as ``audit_chain_broken``)."""

    received_through: Count
    problems: list[Reason] = Field(default=[], max_length=MAX_EVENTS_PER_BATCH)


class StockCountLinePayload(_Model):
    product_id: Id
    sku: Word = ""
    counted: int = Field(ge=0, le=MAX_STOCK)  # units, or grams for a weighed item
    # the till's stock when it was counted (may be below zero)
    expected: int = Field(ge=-MAX_STOCK, le=MAX_STOCK)


class StockCountPayload(_Model):
    """The payload of a ``stock_count`` event (posclient/app/stock.py): the central moves its
    level by ``counted - expected`` per line (ledger reason ``count``)."""

    store_id: StoreId
    terminal_id: TerminalId = ""
    staff_id: Id | None = None
    approved_by: Id | None = None
    scope: Literal["shelf", "store"]
    label: Name = ""
    counted_at: Moment
    lines: list[StockCountLinePayload] = Field(default=[], max_length=100_000)


class StockReceiveLinePayload(_Model):
    product_id: Id
    sku: Word = ""
    expected: int = Field(ge=0, le=MAX_QTY)  # what the delivery said (0: a line it did not list)
    received: int = Field(ge=0, le=MAX_QTY)  # what arrived and was scanned


class StockReceivePayload(_Model):
    """The payload of a ``stock_receive`` event (posclient/app/stock.py ``Receiving``): the
    central adds ``received`` per line to its level (ledger reason ``receive``), files the lines
    where it differs from ``expected`` as a ``delivery_difference``, and marks the delivery
    received."""

    store_id: StoreId
    terminal_id: TerminalId = ""
    staff_id: Id | None = None
    delivery_id: str = Field(min_length=1, max_length=64)
    kind: Literal["delivery", "transfer"] = "delivery"
    reference: Ref = ""
    received_at: Moment
    lines: list[StockReceiveLinePayload] = Field(min_length=1, max_length=MAX_LINES)


Kind = Annotated[str, Field(min_length=1, max_length=32)]  # a tender's or a movement's kind


class CashMovementPayload(_Model):
    """What the central reads of a ``cash_movement`` event (posclient/app/shifts.py; the rest
    is kept as sent): ``kind`` (cash_in, paid_out, safe_drop) and ``amount``."""

    kind: Kind
    amount: SignedMinor


class ShiftClosePayload(_Model):
    """What the central reads of a ``shift_close`` event: ``over_short`` per tender."""

    over_short: dict[Kind, SignedMinor] = Field(default={}, max_length=100)


class ZTender(_Model):
    sales: SignedMinor = 0
    refunds: SignedMinor = 0


class ZReportPayload(_Model):
    """What the central reads of a ``z_report`` event (the till's Report.to_json), for the
    store's reconciliation next to its own figures."""

    z_no: Count | None = None
    business_day: str = Field(min_length=10, max_length=10)  # YYYY-MM-DD
    from_at: str | None = Field(default=None, max_length=40)
    to_at: str = Field(min_length=1, max_length=40)
    sales_count: Count = 0
    sales_total: SignedMinor = 0
    pickups_count: Count = 0
    pickups_total: SignedMinor = 0
    returns_count: Count = 0
    returns_total: SignedMinor = 0
    tenders: dict[Kind, ZTender] = Field(default={}, max_length=100)
    movements: dict[Kind, SignedMinor] = Field(default={}, max_length=100)
    pending_events: list[Any] = Field(default=[], max_length=10**6)


class CardOrphanLinePayload(_Model):
    name_zh: Name = ""
    name_en: Name = ""
    qty: int = Field(ge=0, le=MAX_QTY)
    measure: Literal["each", "g"] = "each"


class CardOrphanFoundPayload(_Model):
    """``card_orphan_found`` (posclient/app/card_recovery.py): a card payment the terminal
    approved whose sale never committed, and that the till could not reverse at start. The
    central files a ``card_charged_without_sale`` exception until a ``card_orphan_resolved``
    names the same reference."""

    reference: str = Field(min_length=1, max_length=64)
    store_id: StoreId
    terminal_id: TerminalId = ""
    amount: int = Field(gt=0, le=MAX_MINOR)  # minor units
    currency: Currency
    approved_at: Moment
    auth_code: str = Field(default="", max_length=32)
    terminal_state: Literal["approved", "settled", "unreachable", "unknown", "declined"]
    basket_total: Minor | None = None
    lines: list[CardOrphanLinePayload] = Field(default=[], max_length=MAX_LINES)


class CardOrphanResolvedPayload(_Model):
    """``card_orphan_resolved``: how an orphaned card approval ended. ``reversed``: voided on
    the terminal (by the till at start, ``by`` = terminal, or by a manager): no sales money.
    ``refunded``: given back to the card by the terminal (``refund_reference``), after its batch
    was settled: no sales money. ``completed``: sold as the goods it paid for; the sale is the
    event ``sale_event_id``."""

    reference: str = Field(min_length=1, max_length=64)
    store_id: StoreId
    terminal_id: TerminalId = ""
    amount: int = Field(gt=0, le=MAX_MINOR)
    currency: Currency
    approved_at: Moment
    outcome: Literal["reversed", "refunded", "completed"]
    by: Literal["terminal", "manager"]
    staff_id: Id | None = None
    approved_by: Id | None = None
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
                                                  "cash_movement": CashMovementPayload,
                                                  "shift_close": ShiftClosePayload,
                                                  "z_report": ZReportPayload,
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
    terminal_id: TerminalId = ""
    terminal_name: str = Field(default="", max_length=64)
    staff_id: Id | None = None
    label: str = Field(default="", max_length=64)
    currency: Currency
    total: SignedMinor
    lines: int = Field(ge=1, le=MAX_LINES)
    parked_at: Moment
    cart: dict[str, Any] | None = None


class ParkedList(_Model):
    """``GET /v1/parked``: the store's suspended sales no till has resumed yet, oldest first."""

    parked: list[ParkedSale]


class ParkedClaimed(_Model):
    """The answer to a claim, and to a ``PUT`` of a sale already claimed (by ``claimed_by``)."""

    park_id: UUID
    state: Literal["parked", "claimed"]
    claimed_by: TerminalId | None = None
    claimed_at: datetime | None = None


# -- promotions: coupons and the web shop's prices (issue 6) -------------------------------------

class CouponRedeem(_Model):
    """``POST /v1/coupons/{code}/redeem``: this till's sale uses the coupon (single use)."""

    receipt_no: Key | None = None


class CouponStatus(_Model):
    """``GET /v1/coupons/{code}``: whether a coupon is still unused, chain-wide (a till checks
    when the customer presents it; the sale event records the use)."""

    code: str = Field(max_length=64)
    promotion_id: str | None = Field(default=None, max_length=64)
    used: bool
    redemption: CouponRedemption | None = None


class CouponRedemption(_Model):
    """Where and when a coupon was used. ``event_id``: the sale event that recorded it (None
    while only redeemed online, before the sale's event arrived)."""

    code: str = Field(max_length=64)
    promotion_id: str | None = Field(default=None, max_length=64)
    store_id: StoreId
    terminal_id: TerminalId
    receipt_no: Key | None = None
    event_id: UUID | None = None
    redeemed_at: datetime


class BasketLineIn(_Model):
    """A line to price: by ``sku`` or ``product_id`` (one of them); ``qty`` in units, or grams
    for a weighed product. ``line_id``: the caller's (default: the line's position, from 1)."""

    line_id: Id | None = None
    sku: str | None = Field(default=None, min_length=1, max_length=64)
    product_id: Id | None = None
    qty: int = Field(ge=1, le=1_000_000)


class PriceBasketRequest(_Model):
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


class LinePromotion(_Model):
    promotion_id: str = Field(max_length=64)
    amount: Total


class PricedLineOut(_Model):
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


class AppliedPromotionOut(_Model):
    promotion_id: str = Field(max_length=64)
    name_zh: Name = ""
    name_en: Name = ""
    kind: Word
    saved: Total
    line_ids: list[Id] = Field(max_length=500)
    coupon_code: str | None = Field(default=None, max_length=64)


class TaxLineOut(_Model):
    code: str = Field(max_length=32)
    rate_ppm: Ppm
    net: Total
    tax: Total
    gross: Total


class PriceBasketResponse(_Model):
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


# -- the store manager's reconciliation (issue 7) ------------------------------------------------

class TenderFigures(_Model):
    sales: Total = 0  # taken by sales and pick-ups
    refunds: Total = 0  # given back by returns


class ZFigures(_Model):
    """A till's own Z report as its ``z_report`` event carried it (the till's figures)."""

    z_no: Count | None = None
    business_day: str = Field(max_length=10)
    from_at: str | None = Field(default=None, max_length=40)
    to_at: str = Field(max_length=40)
    sales_count: Count = 0
    sales_total: Total = 0
    pickups_count: Count = 0
    pickups_total: Total = 0
    returns_count: Count = 0
    returns_total: Total = 0
    tenders: dict[Annotated[str, Field(max_length=32)], TenderFigures] = {}
    movements: dict[Annotated[str, Field(max_length=32)], Total] = {}
    pending_events: Count = 0  # events the till had not uploaded when it made the Z
    # reference, amount, outcome, receipt_no of each card approval without a sale
    card_orphans: list[dict[Annotated[str, Field(max_length=32)], Any]] = Field(
        default=[], max_length=1_000)


class SeqGap(_Model):
    first_seq: Seq
    last_seq: Seq


class RejectedEvent(_Model):
    """An event the central refused (kept in quarantine for IT)."""

    event_id: str | None = Field(default=None, max_length=64)
    terminal_id: TerminalId
    reason: Reason
    received_at: datetime


class Figures(_Model):
    """The central's sums over a day's events. Money in minor units; ``hours``: 24 sales
    totals by the store's local hour; ``categories``: sale lines' totals by product category
    ("" for products without one)."""

    sales_count: Count = 0
    sales_total: Total = 0
    discounts: Total = 0
    pickups_count: Count = 0
    pickups_total: Total = 0
    returns_count: Count = 0
    returns_total: Total = 0
    tenders: dict[Annotated[str, Field(max_length=32)], TenderFigures] = {}
    categories: dict[Word, Total] = {}
    hours: list[Total] = Field(default_factory=lambda: [0] * 24, min_length=24, max_length=24)
    movements: dict[Annotated[str, Field(max_length=32)], Total] = {}  # cash_in, paid_out, ...
    # summed over the shifts closed that day, per tender
    over_short: dict[Annotated[str, Field(max_length=32)], Total] = {}


class TerminalReconciliation(Figures):
    terminal_id: TerminalId
    name: str = Field(default="", max_length=64)
    revoked: bool = False
    high_seq: Count = 0  # the highest terminal_seq the central has
    last_event_at: datetime | None = None  # when the central last received one of its events
    # terminal_seq ranges never received: still to upload, or lost (as many as there are)
    gaps: list[SeqGap] = []
    rejected: Count = 0  # events of that day refused (quarantined)
    z_reports: list[ZFigures] = []  # the till's own Z reports of the day


class StoreException(_Model):
    """A business exception the central filed for the store's manager (offline oversell, double
    refund, pick-up of a cancelled order, a broken audit chain, a delivery difference, ...)."""

    id: Id
    kind: str = Field(max_length=32)
    terminal_id: TerminalId | None = None
    event_id: UUID | None = None  # the first event behind it
    detail: dict[str, Any] = {}  # the latest event's
    status: Literal["open", "resolved"]
    comment: str = Field(default="", max_length=2_000)
    created_at: datetime
    resolved_at: datetime | None = None
    # one exception per incident (an oversell: store, product, day): how many events are
    # behind it, the first EVENTS_LISTED (100) of their ids, and the web refunds it holds
    count: int = 1
    events: list[UUID] = []
    last_at: datetime | None = None
    held_refund: int = 0


class StoreExceptionList(_Model):
    exceptions: list[StoreException] = Field(max_length=1_000)


class ResolveException(_Model):
    """``POST /v1/store/exceptions/{id}/resolve``: the manager's comment is required."""

    comment: str = Field(min_length=1, max_length=1_000)
    staff_id: Id | None = None  # the manager who resolved it at the till
    # a web refund the exception holds (held_refund > 0) is decided with it: approve (the
    # web shop pays it) or refuse (closed); without a decision: 409 refund_decision_required
    refund: Literal["approve", "refuse"] | None = None


class CardOrphanLine(_Model):
    """A card approval without a sale in the store's reconciliation: ``open`` (the customer was
    charged and nothing is sold yet: also an exception), ``reversed`` or ``refunded`` (no sales
    money), or ``completed`` (a sale like the others, ``receipt_no``)."""

    terminal_id: TerminalId
    reference: Key
    amount: Count
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

    store_id: StoreId
    day: str = Field(max_length=10)
    timezone: str = Field(max_length=64)
    currency: Currency
    from_at: datetime
    to_at: datetime
    generated_at: datetime
    totals: Figures
    terminals: list[TerminalReconciliation]
    exceptions: list[StoreException] = Field(max_length=1_000)  # the oldest 500 open ones
    rejected: list[RejectedEvent] = Field(default=[], max_length=1_000)  # the last 200
    card_orphans: list[CardOrphanLine] = Field(default=[], max_length=1_000)  # that day's
