"""Request and response bodies of the admin API (``/v1/admin/*``).

These are the central's own: the terminal's contract is sync/protocol/. Admin bodies forbid
unknown fields, so a misspelt option fails loudly instead of being ignored.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from sync.protocol import (
    BIGINT_MAX,
    MAX_POINTS,
    Count,
    Id,
    Name,
    OrderData,
    Reason,
    Seq,
    StoreId,
    TerminalId,
    Word,
)

MAX_ADMIN_RECORDS = 10_000


class _Admin(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StorePlaceIn(_Admin):
    """A store's group (a region; '' none) and position in degrees (both or neither)."""

    group: Word = ""
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)


class StoreCreate(StorePlaceIn):
    store_id: StoreId
    name_zh: Name = ""
    name_en: Name = ""
    settings: dict[str, Any] = Field(
        default_factory=dict,
        description="Extra store_settings for the tills (currency, tax_inclusive, ...)")


class StoreOut(_Admin):
    store_id: StoreId
    name_zh: Name
    name_en: Name
    group: Word = ""
    latitude: float | None = None
    longitude: float | None = None


class StaffCreate(_Admin):
    id: Id
    name: str = Field(min_length=1, max_length=100)
    role: Literal["cashier", "supervisor", "manager"]
    pin: str = Field(min_length=4, max_length=6, pattern=r"^\d+$")
    store_id: StoreId | None = Field(default=None, description="None: staff of every store")
    active: bool = True


class StaffOut(_Admin):
    id: Id
    created: bool


class EnrolmentCodeCreate(_Admin):
    store_id: StoreId
    ttl_hours: float = Field(default=24, gt=0, le=720)
    terminal_id: TerminalId | None = Field(
        default=None, description="A code for this existing till to enrol again: a new token, "
                                  "the same id (its events and cursor carry on)")


class EnrolmentCodeOut(_Admin):
    code: str = Field(max_length=64, description="Shown once: the central keeps only its hash")
    store_id: StoreId
    expires_at: datetime


class TerminalOut(_Admin):
    store_id: StoreId
    terminal_id: TerminalId
    name: str = Field(max_length=64)
    created_at: datetime
    revoked_at: datetime | None
    high_seq: Count
    last_event_at: datetime | None


class RevokeOut(_Admin):
    revoked: bool = Field(description="False if it was revoked already")


class EntityBatch(_Admin):
    records: list[dict[str, Any]] = Field(default_factory=list, max_length=MAX_ADMIN_RECORDS)
    delete: list[Annotated[str, Field(max_length=128)]] = Field(
        default_factory=list, max_length=MAX_ADMIN_RECORDS,
        description="Keys to delete (not for stock_level)")
    store_id: StoreId | None = Field(
        default=None, description="staff: the store they belong to (None: every store); "
                                  "stock_level: the store of records that do not name one")
    partial: bool = Field(
        default=False, description="false (the default): when any record or deletion is "
        "refused, nothing is written (422 records_rejected lists them); true: the good ones "
        "are written and the refused ones listed")


class OrdersBatch(_Admin):
    orders: list[dict[str, Any]] = Field(
        min_length=1, max_length=MAX_ADMIN_RECORDS,
        description="Orders as the web shop sends them (sync.central.orders.OrderIn): order_no, "
                    "channel, status, fulfilment, store_id, pickup_code, customer_name, "
                    "customer_phone, currency, lines [{sku, qty, unit_price, discount}], "
                    "payments [{kind, amount, method, reference}], created_at; amounts in "
                    "fen (whole numbers)")
    partial: bool = Field(
        default=False, description="false (the default): when any order is refused, none is "
        "written (422 records_rejected lists them); true: the good ones are written")


class OrderCustomer(_Admin):
    name: Name = Field(default="", description="As the web shop sent it")
    phone: str | None = Field(default=None, max_length=32,
                              description="The 11 digits of a mainland mobile number")
    address: str = Field(default="", max_length=200,
                         description="The delivery address of an order placed at a till for "
                         "delivery (issue 18); empty otherwise. Kept here only: never in the "
                         "order the tills get")


class OrderMove(_Admin):
    """What the oversell rule did with the order (issue 18): ``rerouted`` from a store that
    sold its units offline to ``to_store`` (the order's ``store_id`` is that store now), or
    ``flagged`` for the store's manager (it stays)."""

    action: Literal["rerouted", "flagged"]
    from_store: StoreId
    to_store: StoreId | None
    product_id: Id = Field(description="The product the store was short of")
    reason: Word
    rule: Word
    at: datetime


class OrderOut(_Admin):
    """A web order for the web shop: the record the tills get (its customer masked) and the
    customer as the web shop sent it, which only the central keeps (issue 17), and what the
    oversell rule did with it, oldest first (issue 18)."""

    order: OrderData
    customer: OrderCustomer
    moves: list[OrderMove] = Field(default=[], max_length=1000)


class RowRejected(_Admin):
    index: Count = Field(description="Position in `records` (or `delete`), from 0")
    reason: Reason


class RecordsRejectedBody(_Admin):
    """422: ``records_rejected`` (a bulk write with refused records wrote nothing; each one in
    ``rejected``), or another invalid request (``invalid_request``, ``invalid_json``: no
    ``rejected``)."""

    error: str
    detail: str = ""
    rejected: list[RowRejected] = []


class EntityReport(_Admin):
    upserted: Count
    unchanged: Count
    deleted: Count
    rejected: list[RowRejected] = Field(max_length=2 * MAX_ADMIN_RECORDS)


class ExceptionOut(_Admin):
    id: Id
    kind: str = Field(max_length=32)
    store_id: StoreId
    terminal_id: TerminalId | None
    event_id: UUID | None
    detail: dict[str, Any]
    status: Literal["open", "resolved"]
    comment: str = Field(max_length=2000)
    created_at: datetime
    resolved_at: datetime | None
    count: int = 1  # events behind it (one exception per incident)
    events: list[UUID] = []  # their ids, the first 100
    last_at: datetime | None = None
    held_refund: int = 0  # web refunds held until it is resolved with a decision
    held_currency: str = ""


class ResolveIn(_Admin):
    comment: str = Field(min_length=1, max_length=2000)
    refund: Literal["approve", "refuse"] | None = None  # for an exception holding a refund


class QuarantineOut(_Admin):
    id: Id
    event_id: str | None = Field(max_length=64)
    store_id: StoreId
    terminal_id: TerminalId
    reason: Reason
    received_at: datetime
    attempts: Count
    raw: Any


class GapOut(_Admin):
    store_id: StoreId
    terminal_id: TerminalId
    first_seq: Seq
    last_seq: Seq
    detected_at: datetime


class PruneIn(_Admin):
    before_seq: Seq


class PruneOut(_Admin):
    deleted: Count
    low_water: Count


class PointsBalance(_Admin):
    """``GET /v1/channel/members/{member_no}/points``: the member's balance now."""

    member_no: str = Field(max_length=64)
    points: int = Field(ge=-BIGINT_MAX, le=BIGINT_MAX)


class PointsRedeemIn(_Admin):
    """``POST /v1/channel/points/redeem``: take ``points`` from the member's balance, once per
    ``request_id`` (the channel's: the same request sent again redeems nothing more)."""

    request_id: UUID
    member_no: str = Field(min_length=1, max_length=64)
    points: int = Field(ge=1, le=MAX_POINTS)
    order_no: str | None = Field(default=None, min_length=1, max_length=64)


class PointsRedeemed(_Admin):
    """The redemption done (or done before, for a repeat) and the balance it left."""

    request_id: UUID
    member_no: str = Field(max_length=64)
    points: int = Field(ge=1, le=MAX_POINTS)
    order_no: str | None = Field(default=None, max_length=64)
    balance: int = Field(ge=-BIGINT_MAX, le=BIGINT_MAX)
