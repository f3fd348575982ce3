"""Who may do what, and the limits that stop absurd input.

The service layer (posclient.app) enforces these; the UI only mirrors them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    CASHIER = "cashier"
    SUPERVISOR = "supervisor"
    MANAGER = "manager"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def at_least(self, other: Role) -> bool:
        return self.rank >= other.rank


_RANK = {Role.CASHIER: 1, Role.SUPERVISOR: 2, Role.MANAGER: 3}


class Action(StrEnum):
    """Sensitive actions: each is audited, and some need a higher role's PIN."""

    PRICE_OVERRIDE = "price_override"
    DISCOUNT_OVER_LIMIT = "discount_over_limit"
    VOID_PAID_LINE = "void_paid_line"
    VOID_SALE = "void_sale"
    NO_SALE = "no_sale"
    UNLOCK_STAFF = "unlock_staff"
    REPRINT = "reprint"
    CONFIGURE_TERMINAL = "configure_terminal"  # printer, language: Settings screen
    PICKUP_WITHOUT_CODE = "pickup_without_code"  # the customer proves the order otherwise
    PICKUP_CODE_LOCKED = "pickup_code_locked"  # the same, for an order whose code is locked
    RETURN_WITHOUT_RECEIPT = "return_without_receipt"
    RETURN_OVER_LIMIT = "return_over_limit"  # a refund above the store's approval amount
    RETURN_OUTSIDE_POLICY = "return_outside_policy"  # past the window, or not returnable
    RETURN_OFFLINE = "return_offline"  # refunded without the central's reservation
    PAID_OUT = "paid_out"  # cash out of the drawer for an expense
    CASH_VARIANCE = "cash_variance"  # a shift's count off by more than the store allows
    Z_REPORT = "z_report"  # close the business day
    STOCK_ADJUST = "stock_adjust"  # post a stock count's differences
    STOCK_RECEIVE = "stock_receive"  # book a delivery or transfer as received
    RECONCILE = "reconcile"  # the store's reconciliation (every till's figures)
    RESOLVE_EXCEPTION = "resolve_exception"  # close one of the central's exceptions
    RESOLVE_CARD_ORPHAN = "resolve_card_orphan"  # a card approved without a sale: reverse/sell
    CANCEL_PLACED_ORDER = "cancel_placed_order"  # an order placed at a till: its money back


REQUIRED_ROLE: dict[Action, Role] = {
    Action.PRICE_OVERRIDE: Role.SUPERVISOR,
    Action.DISCOUNT_OVER_LIMIT: Role.SUPERVISOR,
    Action.VOID_PAID_LINE: Role.SUPERVISOR,
    Action.VOID_SALE: Role.CASHIER,  # a sale with approved card payments needs VOID_PAID_LINE
    Action.NO_SALE: Role.SUPERVISOR,
    Action.UNLOCK_STAFF: Role.MANAGER,
    Action.REPRINT: Role.CASHIER,
    Action.CONFIGURE_TERMINAL: Role.MANAGER,
    Action.PICKUP_WITHOUT_CODE: Role.SUPERVISOR,
    Action.PICKUP_CODE_LOCKED: Role.MANAGER,  # someone tried too many codes: a manager checks
    Action.RETURN_WITHOUT_RECEIPT: Role.MANAGER,
    Action.RETURN_OVER_LIMIT: Role.MANAGER,
    Action.RETURN_OUTSIDE_POLICY: Role.MANAGER,
    Action.RETURN_OFFLINE: Role.MANAGER,
    Action.PAID_OUT: Role.SUPERVISOR,
    Action.CASH_VARIANCE: Role.MANAGER,
    Action.Z_REPORT: Role.MANAGER,
    Action.STOCK_ADJUST: Role.SUPERVISOR,
    Action.STOCK_RECEIVE: Role.SUPERVISOR,
    Action.RECONCILE: Role.MANAGER,
    Action.RESOLVE_EXCEPTION: Role.MANAGER,
    Action.RESOLVE_CARD_ORPHAN: Role.MANAGER,
    Action.CANCEL_PLACED_ORDER: Role.SUPERVISOR,
}


def required_role(action: Action) -> Role:
    return REQUIRED_ROLE[action]


MIN_PIN_DIGITS, MAX_PIN_DIGITS = 4, 6  # a staff PIN: 4 to 6 digits


def is_pin_shaped(text: str) -> bool:
    """Whether ``text`` could be a staff PIN: such text is never shown back or logged."""
    return text.isascii() and text.isdigit() and MIN_PIN_DIGITS <= len(text) <= MAX_PIN_DIGITS


@dataclass(frozen=True, slots=True)
class Limits:
    """Input limits; a value beyond them is refused with a clear message, not clamped."""

    max_qty: int = 9_999
    max_weight_g: int = 50_000
    max_unit_price_minor: int = 10_000_000  # 100,000.00: a typo guard on overrides
    cashier_discount_limit_bp: int = 1_000  # cashiers may give up to 10% without approval
    max_lines: int = 500
    max_failed_pins: int = 10
    lockout_minutes: int = 30
    idle_lock_seconds: int = 300


DEFAULT_LIMITS = Limits()
