"""Request and response bodies of the admin API (``/v1/admin/*``).

These are the central's own: the terminal's contract is sync/protocol.py. Admin bodies forbid
unknown fields, so a misspelt option fails loudly instead of being ignored.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

MAX_ADMIN_RECORDS = 10_000


class _Admin(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StoreCreate(_Admin):
    store_id: str = Field(min_length=1, max_length=32)
    name_zh: str = ""
    name_en: str = ""
    settings: dict[str, Any] = Field(
        default_factory=dict,
        description="Extra store_settings for the tills (currency, tax_inclusive, ...)")


class StoreOut(_Admin):
    store_id: str
    name_zh: str
    name_en: str


class StaffCreate(_Admin):
    id: int = Field(ge=1)
    name: str = Field(min_length=1, max_length=100)
    role: Literal["cashier", "supervisor", "manager"]
    pin: str = Field(min_length=4, max_length=6, pattern=r"^\d+$")
    store_id: str | None = Field(default=None, description="None: staff of every store")
    active: bool = True


class StaffOut(_Admin):
    id: int
    created: bool


class EnrolmentCodeCreate(_Admin):
    store_id: str
    ttl_hours: float = Field(default=24, gt=0, le=720)
    terminal_id: str | None = Field(
        default=None, description="A code for this existing till to enrol again: a new token, "
                                  "the same id (its events and cursor carry on)")


class EnrolmentCodeOut(_Admin):
    code: str = Field(description="Shown once: the central keeps only its hash")
    store_id: str
    expires_at: datetime


class TerminalOut(_Admin):
    store_id: str
    terminal_id: str
    name: str
    created_at: datetime
    revoked_at: datetime | None
    high_seq: int
    last_event_at: datetime | None


class RevokeOut(_Admin):
    revoked: bool = Field(description="False if it was revoked already")


class EntityBatch(_Admin):
    records: list[dict[str, Any]] = Field(default_factory=list, max_length=MAX_ADMIN_RECORDS)
    delete: list[str] = Field(default_factory=list, max_length=MAX_ADMIN_RECORDS,
                              description="Keys to delete (not for stock_level)")
    store_id: str | None = Field(
        default=None, description="staff: the store they belong to (None: every store); "
                                  "stock_level: the store of records that do not name one")


class OrdersBatch(_Admin):
    orders: list[dict[str, Any]] = Field(
        min_length=1, max_length=MAX_ADMIN_RECORDS,
        description="Orders as the web shop sends them (sync.central.orders.OrderIn): order_no, "
                    "channel, status, fulfilment, store_id, pickup_code, customer_name, "
                    "customer_phone, currency, lines [{sku, qty, unit_price, discount}], "
                    "payments [{kind, amount, method, reference}], created_at")


class RowRejected(_Admin):
    index: int = Field(description="Position in `records` (or `delete`), from 0")
    reason: str


class EntityReport(_Admin):
    upserted: int
    unchanged: int
    deleted: int
    rejected: list[RowRejected]


class ExceptionOut(_Admin):
    id: int
    kind: str
    store_id: str
    terminal_id: str | None
    event_id: UUID | None
    detail: dict[str, Any]
    status: Literal["open", "resolved"]
    comment: str
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
    id: int
    event_id: str | None
    store_id: str
    terminal_id: str
    reason: str
    received_at: datetime
    attempts: int
    raw: Any


class GapOut(_Admin):
    store_id: str
    terminal_id: str
    first_seq: int
    last_seq: int
    detected_at: datetime


class PruneIn(_Admin):
    before_seq: int = Field(ge=1)


class PruneOut(_Admin):
    deleted: int
    low_water: int
