"""Tenders and the payment of a sale: cash with change and cash rounding, card, store credit,
split over several tenders.

Cash rounding (explicit): when cash settles the rest of a sale, the rest is rounded to the
store's cash increment (e.g. 10 fen, 5 rappen) with the store's mode; the difference is recorded
as the sale's ``rounding`` and is not taxed. Card and store credit are never rounded and may not
exceed what is still due (no change is given on them).

Cash far above what is due is a typo far more often than a customer (``10000`` for ``100.00``):
change of more than the currency's largest note needs the cashier's confirmation
(:class:`TenderNeedsConfirmation`; the window asks, a script is refused), and change of more than
:data:`MAX_CHANGE_NOTES` of them is refused outright.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from .cash import denominations
from .errors import InvalidInput
from .money import Money, Rounding, currency_exponent, round_to_increment

MAX_CHANGE_NOTES = 10  # change above ten of the largest note: refused, confirmed or not


class TenderNeedsConfirmation(InvalidInput):
    """Cash whose change is more than the largest note: taken only once the cashier confirms."""

    code = "tender_far_above_due"


def largest_note(currency: str) -> Money:
    """The currency's largest note (CNY 100.00); 100 major units where its notes are unknown."""
    notes = denominations(currency)
    value = notes[0] if notes != (1,) else 100 * 10 ** currency_exponent(currency)
    return Money(value, currency)


class TenderKind(StrEnum):
    CASH = "cash"
    CARD = "card"
    STORE_CREDIT = "store_credit"
    WEB = "web"  # paid on the web shop before an order's pick-up: no money at the till
    EXCHANGE = "exchange"  # goods returned in the same basket paid this much (an exchange)
    POINTS = "points"  # the member's loyalty points at the store's rate (reference: member_no)


@dataclass(frozen=True, slots=True)
class CashRounding:
    increment: int = 1  # minor units; 1 = no rounding
    mode: Rounding = Rounding.HALF_UP


@dataclass(frozen=True, slots=True)
class Tender:
    kind: TenderKind
    amount: Money  # applied to the sale
    tendered: Money  # handed over (cash); equals amount for other kinds
    change: Money
    reference: str = ""  # card authorisation code, store-credit account, ...
    detail: str = ""  # card brand and last digits, ...


@dataclass
class Payment:
    """The tenders taken against one sale's total."""

    total: Money
    cash_rounding: CashRounding = CashRounding()
    tenders: list[Tender] = field(default_factory=list)
    rounding: Money | None = None  # set when cash settles with rounding

    def __post_init__(self) -> None:
        if self.rounding is None:
            self.rounding = Money.zero(self.total.currency)

    @property
    def currency(self) -> str:
        return self.total.currency

    @property
    def paid(self) -> Money:
        return sum((t.amount for t in self.tenders), Money.zero(self.currency))

    @property
    def due(self) -> Money:
        """What is still to pay (before any cash rounding)."""
        assert self.rounding is not None
        return self.total + self.rounding - self.paid

    @property
    def change(self) -> Money:
        return sum((t.change for t in self.tenders), Money.zero(self.currency))

    @property
    def is_settled(self) -> bool:
        return self.due.minor <= 0

    def cash_due(self) -> Money:
        """What cash must cover to settle: the rest, rounded to the cash increment."""
        d = self.due
        return Money(round_to_increment(d.minor, self.cash_rounding.increment,
                                        self.cash_rounding.mode), self.currency)

    def _check(self, amount: Money) -> None:
        if amount.currency != self.currency:
            raise InvalidInput(f"This sale is paid in {self.currency}", code="currency_mismatch",
                               currency=self.currency)
        if amount.minor <= 0:
            raise InvalidInput("A payment must be more than zero", code="tender_invalid")
        if self.is_settled:
            raise InvalidInput("This sale is already paid", code="already_paid")

    def preview_cash(self, tendered: Money, *, confirmed: bool = False) -> Tender:
        """The tender that :meth:`add_cash` would record, without recording it.

        Refuses change beyond :data:`MAX_CHANGE_NOTES` largest notes, and change beyond one
        largest note unless ``confirmed``."""
        self._check(tendered)
        rounded = self.cash_due()
        if tendered < rounded:
            return Tender(TenderKind.CASH, tendered, tendered, Money.zero(self.currency))
        change = tendered - rounded
        note = largest_note(self.currency)
        details = {"tendered": tendered, "due": rounded, "change": change, "note": note}
        if change > note * MAX_CHANGE_NOTES:
            raise InvalidInput(
                f"Cash of {tendered.to_decimal_str()} for {rounded.to_decimal_str()} due would "
                f"give {change.to_decimal_str()} change: more than the till gives. Check the "
                "amount", code="tender_too_large", **details)
        if change > note and not confirmed:
            raise TenderNeedsConfirmation(
                f"Cash of {tendered.to_decimal_str()} for {rounded.to_decimal_str()} due gives "
                f"{change.to_decimal_str()} change, more than a {note.to_decimal_str()} note: "
                "check the amount", tendered=tendered, due=rounded, change=change, note=note)
        return Tender(TenderKind.CASH, rounded, tendered, change)

    def add_cash(self, tendered: Money, *, confirmed: bool = False) -> Tender:
        """Take cash; ``confirmed``: the cashier confirmed change above the largest note."""
        tender = self.preview_cash(tendered, confirmed=confirmed)
        if tender.change.minor or tender.amount == self.cash_due() or tender.amount > self.due:
            # Cash settles the sale: the rounding becomes part of what was due (also when an
            # odd amount between the exact and the rounded rest is handed over).
            assert self.rounding is not None
            self.rounding = self.rounding + (tender.amount - self.due)
        self.tenders.append(tender)
        return tender

    def check_exact(self, amount: Money, kind: TenderKind) -> None:
        """A non-cash tender may not exceed what is due (no change is given on it)."""
        self._check(amount)
        if amount > self.due:
            raise InvalidInput(
                f"{kind.value} payment of {amount.to_decimal_str()} is more than the "
                f"{self.due.to_decimal_str()} still due",
                code="tender_over_due", kind=kind.value, amount=amount, due=self.due,
            )

    def add_exact(self, kind: TenderKind, amount: Money, reference: str = "",
                  detail: str = "") -> Tender:
        if kind is TenderKind.CASH:
            raise ValueError("use add_cash for cash")
        self.check_exact(amount, kind)
        tender = Tender(kind, amount, amount, Money.zero(self.currency), reference, detail)
        self.tenders.append(tender)
        return tender
