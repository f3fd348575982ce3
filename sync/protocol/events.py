"""Events (up): the batch a till uploads, each event type's payload, and the audit trail."""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args
from uuid import UUID

from pydantic import (
    Field,
    field_validator,
    model_validator,
)

from posclient.domain.money import MAX_MINOR
from sync.protocol.bounds import (
    MAX_EVENTS_PER_BATCH,
    MAX_LINES,
    MAX_POINTS,
    MAX_QTY,
    MAX_STOCK,
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
    Reason,
    Ref,
    Seq,
    SignedMinor,
    StoreId,
    TerminalId,
    Word,
)
from sync.protocol.members import MemberConsentPayload, SealedBox
from sync.protocol.pickup_codes import PickupCodePhc
from sync.protocol.records import PhoneHash, PhoneLast4
from sync.protocol.returns import ReturnPayload

EventType = Literal["sale", "return", "pickup", "cash_movement", "shift_open", "shift_close",
                    "z_report", "stock_count", "audit", "member_signup", "stock_receive",
                    "card_orphan_found", "card_orphan_resolved", "member_consent"]


class Event(ProtocolModel):
    event_id: UUID
    terminal_seq: Seq
    type: str = Field(min_length=1, max_length=32)
    occurred_at: Moment
    payload: dict[str, Any]


class EventsBatch(ProtocolModel):
    events: list[Event] = Field(max_length=MAX_EVENTS_PER_BATCH)


class EventResult(ProtocolModel):
    event_id: UUID
    status: Literal["accepted", "duplicate", "rejected"]
    reason: Reason | None = None
    exceptions: list[Reason] = Field(default=[])


class EventsResponse(ProtocolModel):
    results: list[EventResult] = Field(max_length=MAX_EVENTS_PER_BATCH)


class SaleLinePayload(ProtocolModel):
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


ORDER_NO_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"  # an order number (the web shop's too)
MAX_AISLE_ORDERS = 20  # orders placed at the till in one sale
MAX_AISLE_LINES = 500  # lines of one (a reservation's bound, sync/protocol/stock.py)
MAX_ADDRESS = 200  # characters of a delivery address (sealed in an aisle order; issue 18)


class AisleOrderLinePayload(ProtocolModel):
    """One line of an order placed at the till: units (never grams: a weighed product is
    ordered in packs with their own SKU) at the price the customer was charged here.
    ``total`` = ``qty * unit_price - discount``."""

    line_no: Id
    product_id: Id
    sku: str = Field(min_length=1, max_length=64)
    qty: Qty
    unit_price: Minor
    discount: Minor = 0
    total: Minor

    @model_validator(mode="after")
    def _adds_up(self) -> AisleOrderLinePayload:
        if self.total != self.qty * self.unit_price - self.discount:
            raise ValueError("an order line's total is qty * unit_price - discount")
        return self


class AisleOrderPayload(ProtocolModel):
    """An order placed at the till for another store (issue 18, "endless aisle"), carried by
    the ``sale`` event in which the customer paid for it (:attr:`SalePayload.aisle_orders`).

    The till first holds the units at the fulfilling store ``store_id`` online
    (``POST /v1/reservations``: ``reservation_id``); the central turns the order into a pick-up
    order at that store, confirming the reservation (held again if it expired meanwhile).

    Amounts, in minor units of the sale's currency:

    - each line: ``total = qty * unit_price - discount``;
    - ``total`` = the sum of the lines' totals: the order's price;
    - ``paid_now``: what the customer paid for it in this sale, in full (``== total``) or a
      deposit (``1 .. total``). The order is recorded with a payment of kind ``store`` of that
      amount (method: the sale's tender kinds, reference: the receipt number), so the pick-up
      store's till asks only for ``total - paid_now``.

    ``fulfilment``: ``pickup`` (the customer collects at ``store_id``) or ``delivery`` (store
    ``store_id`` ships it to the customer: it holds the units and hands them to the courier).
    A delivery is paid in full at the till (``paid_now == total``), has no pick-up code
    (``pickup_code_phc`` None), and its ``sealed`` box also holds the delivery ``address``
    (``{"name", "phone", "address"}``, the address at most :data:`MAX_ADDRESS` characters): the
    address travels only sealed.

    ``order_no``: made by the till, unique chain-wide: ``<store>-<terminal>-<receipt_no>-<n>``
    (``n`` from 1 within the sale), as an order number is written (letters, digits, ``_.-``, at
    most 64). ``pickup_code_phc``: the pick-up code printed on the customer's receipt, hashed
    by the till as the central keeps codes (sync/protocol/pickup_codes.py ``pickup_code_phc``
    of the order number and the code): the code itself is never sent.

    The customer, as tills hold them (issue 17): ``customer_name`` masked (``陈**``), the
    mobile number's keyed hash and last four digits; the name and the mobile number themselves
    only ``sealed`` to the central (sync/protocol/sealing.py, the JSON ``{"name": ..., "phone":
    ...}``, bound to the order number: ``aad = order_no``), which keeps them in
    ``order_personal``. With a phone: ``sealed``, hash and last four digits together; without:
    none of them. ``member_no``: the customer's membership, when they showed it.
    """

    order_no: str = Field(min_length=1, max_length=64, pattern=ORDER_NO_PATTERN)
    reservation_id: UUID
    store_id: StoreId  # the store that fulfils the order (the customer collects there)
    fulfilment: Literal["pickup", "delivery"] = "pickup"
    lines: list[AisleOrderLinePayload] = Field(min_length=1, max_length=MAX_AISLE_LINES)
    total: Minor
    paid_now: int = Field(ge=1, le=MAX_MINOR)
    pickup_code_phc: PickupCodePhc | None = None  # a pick-up's; a delivery has none
    customer_name: str = Field(default="", max_length=8)  # masked
    customer_phone_hash: PhoneHash | None = None
    customer_phone_last4: PhoneLast4 | None = None
    sealed: SealedBox | None = None
    member_no: Key | None = None

    @model_validator(mode="after")
    def _consistent(self) -> AisleOrderPayload:
        if self.total != sum(ln.total for ln in self.lines):
            raise ValueError("an aisle order's total is the sum of its lines' totals")
        if self.paid_now > self.total:
            raise ValueError("an aisle order's paid_now is at most its total")
        if len({ln.line_no for ln in self.lines}) != len(self.lines):
            raise ValueError("an aisle order's line numbers are unique")
        if not (self.sealed is None) == (self.customer_phone_hash is None) == (
                self.customer_phone_last4 is None):
            raise ValueError("an aisle order carries sealed, customer_phone_hash and "
                             "customer_phone_last4 together, or none of them")
        if self.fulfilment == "pickup" and self.pickup_code_phc is None:
            raise ValueError("an aisle pick-up order carries its pickup_code_phc")
        if self.fulfilment == "delivery":
            if self.pickup_code_phc is not None:
                raise ValueError("an aisle delivery order has no pick-up code")
            if self.paid_now != self.total:
                raise ValueError("an aisle delivery order is paid in full at the till")
            if self.sealed is None:
                raise ValueError("an aisle delivery order carries its customer sealed")
        return self


class SalePayload(ProtocolModel):
    """The payload of a ``sale`` event. Money in minor units of ``currency``.

    ``aisle_orders`` (issue 18): orders placed at this till for another store, paid (in full or
    a deposit) in this sale. ``lines`` are this store's goods only (the stock moves only for
    them); ``subtotal``, ``discount_total``, ``tax_total`` and ``taxes`` are the goods'. The
    tenders pay the whole: ``total`` = what the goods come to (as without orders) +
    :attr:`aisle_paid` (the orders' ``paid_now``), and cash rounding is ``rounding`` beside
    it, as for any sale (the tenders cover ``total + rounding``). So the receipts, the tenders
    and the day's sales total (the till's Z, the central's reconciliation) count the money
    taken at the till, and the orders' share is :attr:`aisle_paid`. A sale may have no goods
    lines when it carries an order: its ``total`` is then ``aisle_paid``.
    """

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
    lines: list[SaleLinePayload] = Field(default=[], max_length=MAX_LINES)
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
    # Orders placed at the till for another store, paid in this sale (issue 18).
    aisle_orders: list[AisleOrderPayload] = Field(default=[], max_length=MAX_AISLE_ORDERS)

    @property
    def aisle_paid(self) -> int:
        """What this sale took for orders placed at the till (their ``paid_now``)."""
        return sum(o.paid_now for o in self.aisle_orders)

    @model_validator(mode="after")
    def _goods_or_orders(self) -> SalePayload:
        if not self.lines and not self.aisle_orders:
            raise ValueError("a sale has at least one of its lines (or an order placed at "
                             "the till in aisle_orders)")
        if len({o.order_no for o in self.aisle_orders}) != len(self.aisle_orders):
            raise ValueError("a sale's aisle orders have distinct order numbers")
        if not self.lines and self.total != self.aisle_paid:
            raise ValueError("a sale with orders only: total is the orders' paid_now (cash "
                             "rounding is beside it, in rounding)")
        return self

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
    aisle_orders: list[AisleOrderPayload] = Field(default=[], max_length=0)  # a sale's only

    @property
    def paid_here(self) -> int:
        """Money taken at the till for this hand-over (not the order's web payment)."""
        return sum(int(t.get("amount", 0)) for t in self.tenders if t.get("kind") != "web")


class MemberSignupPayload(ProtocolModel):
    """The payload of a ``member_signup`` event: a customer joined at a till, maybe offline.

    ``member_no`` is made by the till (``<store_id><terminal_id>M<n:06d>``, posclient/app/
    members.py) and kept by the central, which gives the member its id; the member reaches the
    tills of its store through the feed. ``consent_version``/``consented_at``: the privacy text
    the customer agreed to, and when (the membership consent, given at the till of
    ``store_id``); ``marketing``: whether they also agreed to marketing under that text (off
    unless they said yes; an older till never sends it). Refused consent: no sign-up, and the
    customer buys as a guest.

    The phone number and the name are ``sealed`` to the central (sync/protocol/members.py,
    bound to ``member_no``): the till keeps only the phone's keyed hash, its last four digits
    and the masked name, which come along in clear for the central to check. A till before
    issue 17 sent ``phone`` and ``name`` in plain text instead: still accepted."""

    member_no: Key
    sealed: SealedBox | None = None
    phone_hash: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    phone_last4: str | None = Field(default=None, pattern=r"^\d{4}$")
    name_masked: str = Field(default="", max_length=8)
    name: str = Field(default="", max_length=100)  # before issue 17 only
    phone: str | None = Field(default=None, pattern=r"^\+?\d{7,15}$")  # before issue 17 only
    tier: str = Field(default="standard", min_length=1, max_length=32)
    store_id: StoreId
    terminal_id: TerminalId = ""
    staff_id: Id | None = None
    consent_version: str = Field(min_length=1, max_length=64)
    consented_at: Moment
    marketing: bool = False

    @model_validator(mode="after")
    def _sealed_or_plain(self) -> MemberSignupPayload:
        if (self.sealed is None) == (self.phone is None):
            raise ValueError("a sign-up carries its phone either sealed or (before issue 17) "
                             "as phone, exactly one")
        if self.sealed is not None and ((self.phone_hash is None) != (self.phone_last4 is None)
                                        or self.name):
            raise ValueError("a sealed sign-up carries phone_hash with phone_last4, and no "
                             "plain name")
        return self


# -- the audit trail (issue 7) -------------------------------------------------------------------

class AuditRecordData(ProtocolModel):
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


class AuditBatch(ProtocolModel):
    """``POST /v1/audit``: the till's audit records after the last ones the central has."""

    records: list[AuditRecordData] = Field(min_length=1, max_length=MAX_EVENTS_PER_BATCH)


class AuditAck(ProtocolModel):
    """The central keeps the till's chain up to ``received_through`` (contiguous from 1);
    ``problems``: records that break the chain (also filed as ``audit_chain_broken``)."""

    received_through: Count
    problems: list[Reason] = Field(default=[], max_length=MAX_EVENTS_PER_BATCH)


class StockCountLinePayload(ProtocolModel):
    product_id: Id
    sku: Word = ""
    counted: int = Field(ge=0, le=MAX_STOCK)  # units, or grams for a weighed item
    # the till's stock when it was counted (may be below zero)
    expected: int = Field(ge=-MAX_STOCK, le=MAX_STOCK)


class StockCountPayload(ProtocolModel):
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


class StockReceiveLinePayload(ProtocolModel):
    product_id: Id
    sku: Word = ""
    expected: int = Field(ge=0, le=MAX_QTY)  # what the delivery said (0: a line it did not list)
    received: int = Field(ge=0, le=MAX_QTY)  # what arrived and was scanned


class StockReceivePayload(ProtocolModel):
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


class CashMovementPayload(ProtocolModel):
    """What the central reads of a ``cash_movement`` event (posclient/app/shifts.py; the rest
    is kept as sent): ``kind`` (cash_in, paid_out, safe_drop) and ``amount``."""

    kind: Kind
    amount: SignedMinor


class ShiftClosePayload(ProtocolModel):
    """What the central reads of a ``shift_close`` event: ``over_short`` per tender."""

    over_short: dict[Kind, SignedMinor] = Field(default={}, max_length=100)


class ZTender(ProtocolModel):
    sales: SignedMinor = 0
    refunds: SignedMinor = 0


class ZReportPayload(ProtocolModel):
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


class CardOrphanLinePayload(ProtocolModel):
    name_zh: Name = ""
    name_en: Name = ""
    qty: int = Field(ge=0, le=MAX_QTY)
    measure: Literal["each", "g"] = "each"


class CardOrphanFoundPayload(ProtocolModel):
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


class CardOrphanResolvedPayload(ProtocolModel):
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
EVENT_PAYLOAD_MODELS: dict[str, type[ProtocolModel]] = {
    "sale": SalePayload,
    "pickup": PickupPayload,
    "return": ReturnPayload,
    "stock_count": StockCountPayload,
    "stock_receive": StockReceivePayload,
    "member_signup": MemberSignupPayload,
    "cash_movement": CashMovementPayload,
    "shift_close": ShiftClosePayload,
    "z_report": ZReportPayload,
    "card_orphan_found": CardOrphanFoundPayload,
    "card_orphan_resolved": CardOrphanResolvedPayload,
    "member_consent": MemberConsentPayload,
}
EVENT_TYPES: frozenset[str] = frozenset(get_args(EventType))

# The event_id reported for an event whose own event_id could not be read: results come back in
# the order of the request's events, so the terminal still knows which one it was.
UNREADABLE_EVENT_ID = UUID(int=0)
