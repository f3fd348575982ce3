"""Returns (issue 5): a purchase as a return sees it, reservations, the ``return`` event."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import (
    Field,
    model_validator,
)

from posclient.domain.money import MAX_MINOR
from sync.protocol.bounds import (
    MAX_LINES,
    MAX_POINTS,
    Count,
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
    Word,
)
from sync.protocol.records import OrderData, PhoneLast4, ReasonCodeText, masked_customer

SourceKind = Literal["receipt", "order"]


class PurchaseLineData(ProtocolModel):
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


class PurchaseTenderData(ProtocolModel):
    """How a purchase was paid: ``kind`` cash, card, store_credit (a till's tender) or web (paid
    on the web shop). ``refunded``: already given back on it."""

    kind: str = Field(min_length=1, max_length=32)
    amount: Minor
    reference: Ref = ""
    detail: Name = ""
    refunded: Count = 0


class PurchaseData(ProtocolModel):
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
    # A web order's customer as a till may see it (issue 17): the masked name and the phone's
    # last four digits (records.py ``masked_customer``: an older central's full phone is dropped)
    customer_name: Name = ""
    customer_phone_last4: PhoneLast4 | None = None
    lines: list[PurchaseLineData] = Field(min_length=1, max_length=MAX_LINES)
    tenders: list[PurchaseTenderData] = Field(default=[], max_length=200)
    applied_returns: list[UUID] = Field(default=[], max_length=10_000)

    @model_validator(mode="before")
    @classmethod
    def _customer_masked(cls, data: Any) -> Any:
        return masked_customer(data)


def order_purchase(order: OrderData) -> PurchaseData:
    """A web order as a purchase to return (both ends): a pick-up order's customer has what
    was collected, a delivered one all of it; the order's money is its online payments (tender
    ``web``, refunded through the web shop), what a till took when the order was placed there
    (``till``, issue 18: its ``store`` payment, refunded with the till's tenders like money
    taken at pick-up) and what the tills took at pick-up (``till``)."""
    has_all = order.fulfilment == "delivery" and order.status == "delivered"
    tenders = [PurchaseTenderData(kind="web", amount=p.amount, reference=p.reference,
                                  detail=p.method)
               for p in order.payments if p.kind == "online" and p.amount > 0]
    tenders += [PurchaseTenderData(kind="till", amount=p.amount, reference=p.reference,
                                   detail=p.method)
                for p in order.payments if p.kind == "store" and p.amount > 0]
    if order.paid_at_pickup:
        tenders.append(PurchaseTenderData(kind="till", amount=order.paid_at_pickup))
    return PurchaseData(
        kind="order", ref=order.order_no, store_id=order.store_id, channel=order.channel,
        currency=order.currency, purchased_at=order.created_at, status=order.status,
        customer_name=order.customer_name, customer_phone_last4=order.customer_phone_last4,
        lines=[PurchaseLineData(
            line_id=ln.line_no, product_id=ln.product_id, sku=ln.sku, name_zh=ln.name_zh,
            name_en=ln.name_en, qty=ln.qty, total=ln.total,
            received=ln.qty if has_all else ln.collected, returned=ln.returned)
            for ln in order.lines],
        tenders=tenders, applied_returns=list(order.applied_events))


class ReserveLine(ProtocolModel):
    line_id: Id
    qty: Qty


class ReserveRequest(ProtocolModel):
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


class ReserveResponse(ProtocolModel):
    reservation_id: UUID
    expires_at: datetime
    purchase: PurchaseData  # as it stands now, this reservation not counted in ``reserved``


class ReturnLinePayload(ProtocolModel):
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


class ReturnTenderPayload(ProtocolModel):
    """How the refund was given: cash, card (back through the payment terminal), store_credit,
    web (a refund request the central passes to the web shop), or exchange (it paid a new sale
    in the same basket: ``reference`` is that sale's event id, whose ``exchange`` tender names
    this return's ``return_no``)."""

    kind: Literal["cash", "card", "store_credit", "web", "exchange", "points"]
    amount: int = Field(ge=1, le=MAX_MINOR)
    # card refund reference, store-credit account, web payment id, member_no (points)
    reference: Ref = ""
    points: int | None = Field(default=None, ge=1, le=MAX_POINTS)  # a points refund: given back


class ReturnPayload(ProtocolModel):
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
    lines: list[ReturnLinePayload] = Field(default=[], max_length=500)
    tenders: list[ReturnTenderPayload] = Field(default=[], max_length=100)
    # The money back of an order placed at a till, cancelled before anything was handed over
    # (issue 18, sync/central/order_cancel.py): source_kind "order", no lines.
    cancels_order: bool = False

    @model_validator(mode="after")
    def _lines_or_cancel(self) -> ReturnPayload:
        """Goods come back, or (no lines) an order placed at a till is cancelled."""
        if self.cancels_order:
            if self.source_kind != "order" or not self.source_ref or self.lines:
                raise ValueError("an order's cancellation names the order and has no lines")
        elif not self.lines:
            raise ValueError("a return has at least one line")
        return self


class RefundRequestData(ProtocolModel):
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


class RefundRequestList(ProtocolModel):
    requests: list[RefundRequestData]
