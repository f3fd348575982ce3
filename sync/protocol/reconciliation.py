"""The store manager's reconciliation (issue 7): the central's figures of a day per till,
the tills' own Z reports, and the exceptions it filed."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    Field,
)

from sync.protocol.bounds import (
    Count,
    Currency,
    Id,
    Key,
    ProtocolModel,
    Reason,
    Seq,
    StoreId,
    TerminalId,
    Total,
    Word,
)

# -- the store manager's reconciliation (issue 7) ------------------------------------------------

class TenderFigures(ProtocolModel):
    sales: Total = 0  # taken by sales and pick-ups
    refunds: Total = 0  # given back by returns


class ZFigures(ProtocolModel):
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
    tenders: dict[Annotated[str, Field(max_length=32)], TenderFigures] = Field(default={})
    movements: dict[Annotated[str, Field(max_length=32)], Total] = Field(default={})
    pending_events: Count = 0  # events the till had not uploaded when it made the Z
    # reference, amount, outcome, receipt_no of each card approval without a sale
    card_orphans: list[dict[Annotated[str, Field(max_length=32)], Any]] = Field(
        default=[], max_length=1_000)


class SeqGap(ProtocolModel):
    first_seq: Seq
    last_seq: Seq


class RejectedEvent(ProtocolModel):
    """An event the central refused (kept in quarantine for IT)."""

    event_id: str | None = Field(default=None, max_length=64)
    terminal_id: TerminalId
    reason: Reason
    received_at: datetime


class Figures(ProtocolModel):
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
    # Orders placed at the till for other stores (issue 18): how many, and what the sales took
    # for them (``paid_now``: in ``sales_total`` and the tenders, in no category).
    aisle_count: Count = 0
    aisle_paid: Total = 0
    tenders: dict[Annotated[str, Field(max_length=32)], TenderFigures] = Field(default={})
    categories: dict[Word, Total] = Field(default={})
    hours: list[Total] = Field(default_factory=lambda: [0] * 24, min_length=24, max_length=24)
    # cash_in, paid_out, ...
    movements: dict[Annotated[str, Field(max_length=32)], Total] = Field(default={})
    # summed over the shifts closed that day, per tender
    over_short: dict[Annotated[str, Field(max_length=32)], Total] = Field(default={})


class TerminalReconciliation(Figures):
    terminal_id: TerminalId
    name: str = Field(default="", max_length=64)
    revoked: bool = False
    high_seq: Count = 0  # the highest terminal_seq the central has
    last_event_at: datetime | None = None  # when the central last received one of its events
    # terminal_seq ranges never received: still to upload, or lost (as many as there are)
    gaps: list[SeqGap] = Field(default=[])
    rejected: Count = 0  # events of that day refused (quarantined)
    z_reports: list[ZFigures] = Field(default=[])  # the till's own Z reports of the day


class StoreException(ProtocolModel):
    """A business exception the central filed for the store's manager (offline oversell, double
    refund, pick-up of a cancelled order, a broken audit chain, a delivery difference, ...)."""

    id: Id
    kind: str = Field(max_length=32)
    terminal_id: TerminalId | None = None
    event_id: UUID | None = None  # the first event behind it
    detail: dict[str, Any] = Field(default={})  # the latest event's
    status: Literal["open", "resolved"]
    comment: str = Field(default="", max_length=2_000)
    created_at: datetime
    resolved_at: datetime | None = None
    # one exception per incident (an oversell: store, product, day): how many events are
    # behind it, the first EVENTS_LISTED (100) of their ids, and the web refunds it holds
    count: int = 1
    events: list[UUID] = Field(default=[])
    last_at: datetime | None = None
    held_refund: int = 0


class StoreExceptionList(ProtocolModel):
    exceptions: list[StoreException] = Field(max_length=1_000)


class ResolveException(ProtocolModel):
    """``POST /v1/store/exceptions/{id}/resolve``: the manager's comment is required."""

    comment: str = Field(min_length=1, max_length=1_000)
    staff_id: Id | None = None  # the manager who resolved it at the till
    # a web refund the exception holds (held_refund > 0) is decided with it: approve (the
    # web shop pays it) or refuse (closed); without a decision: 409 refund_decision_required
    refund: Literal["approve", "refuse"] | None = None


class CardOrphanLine(ProtocolModel):
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


class StoreReconciliation(ProtocolModel):
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
