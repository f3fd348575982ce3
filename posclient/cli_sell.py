"""``posclient sell``'s tenders, parsed and planned before anything is charged."""

from __future__ import annotations

from dataclasses import dataclass

from posclient.domain.errors import InvalidInput
from posclient.domain.money import Money
from posclient.domain.tender import Payment, TenderKind, TenderNeedsConfirmation


@dataclass(frozen=True)
class PaySpec:
    kind: TenderKind
    amount: Money | None  # None: whatever is still due
    account: str = ""


def parse_pay(text: str, currency: str) -> PaySpec:
    """``cash:100``, ``card``, ``card:50``, ``credit:ACCOUNT`` or ``credit:ACCOUNT:20``."""
    kind, _, rest = text.partition(":")
    kind = kind.strip().lower()
    try:
        if kind == "cash":
            if not rest:
                raise InvalidInput("Say how much cash was handed over, e.g. cash:100",
                                   code="tender_invalid")
            return PaySpec(TenderKind.CASH, Money.parse(rest, currency))
        if kind == "card":
            return PaySpec(TenderKind.CARD, Money.parse(rest, currency) if rest else None)
        if kind in ("credit", "store_credit"):
            account, _, amount = rest.partition(":")
            if not account:
                raise InvalidInput("Name the store credit account, e.g. credit:GC-1001",
                                   code="tender_invalid")
            return PaySpec(TenderKind.STORE_CREDIT,
                           Money.parse(amount, currency) if amount else None, account)
    except ValueError:
        raise InvalidInput(f"{text!r}: not an amount", code="tender_invalid") from None
    raise InvalidInput(f"{text!r}: pay with cash:AMOUNT, card[:AMOUNT] or credit:ACCOUNT[:AMOUNT]",
                       code="tender_invalid")


def parse_staff_pin(text: str) -> tuple[int, str]:
    sid, _, pin = text.partition(":")
    if not sid.isdigit() or not pin:
        raise InvalidInput(f"{text!r}: give approval as STAFF:PIN, e.g. 2001:2222",
                           code="approval_malformed")
    return int(sid), pin


def plan_payments(pays: list[PaySpec], payment: Payment) -> list[PaySpec]:
    """The tenders in the order they are taken, each with its amount, checked on a copy of the
    payment to cover the total exactly: nothing is charged when they do not."""
    # Cards first (they can be declined), cash last (it settles, with change and rounding).
    # Check the tenders cover the total, at the exact amounts, before any card is charged.
    # A tender without an amount takes what the others leave.
    order = {TenderKind.CARD: 0, TenderKind.STORE_CREDIT: 1, TenderKind.CASH: 2}
    total = payment.total
    open_ended = [p for p in pays if p.amount is None]
    if len(open_ended) > 1:
        raise InvalidInput("Only one payment may leave out its amount (it takes the rest)",
                           code="usage")
    rest = total.minor - sum(p.amount.minor for p in pays if p.amount is not None)
    if open_ended and rest <= 0:
        raise InvalidInput("The other payments already cover the total: give the "
                           f"{open_ended[0].kind.value} payment an amount or leave it out",
                           code="usage")
    plan = sorted((p if p.amount is not None else PaySpec(p.kind, Money(rest, total.currency),
                                                          p.account) for p in pays),
                  key=lambda p: order[p.kind])
    trial = Payment(total, payment.cash_rounding)
    for p in plan:
        assert p.amount is not None
        if p.kind is TenderKind.CASH:
            try:
                trial.add_cash(p.amount)
            except TenderNeedsConfirmation as exc:  # the window asks; a script cannot answer
                raise InvalidInput(f"{exc}. Refused: a script cannot confirm it. Nothing was "
                                   "sold.", code=exc.code, **exc.details) from None
        else:
            trial.add_exact(p.kind, p.amount)
    if not trial.is_settled:
        raise InvalidInput(
            f"The payments ({trial.paid.to_decimal_str()}) do not cover the total "
            f"({payment.total.to_decimal_str()} {total.currency}): "
            f"{trial.due.to_decimal_str()} more is due. Nothing was sold.", code="not_paid")
    return plan
