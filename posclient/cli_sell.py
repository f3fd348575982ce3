"""``posclient sell``: the sale and its tenders, parsed and planned before anything is charged,
then rung up and paid on the checkout (the command itself is ``posclient.cli.cmd_sell``)."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from posclient.app.lookup import parse_scan
from posclient.domain.cart import Discount
from posclient.domain.errors import InvalidInput, PosError
from posclient.domain.money import Money
from posclient.domain.tender import Payment, TenderKind, TenderNeedsConfirmation

if TYPE_CHECKING:  # the services load when the command runs: `posclient --help` stays quick
    from posclient.app.checkout import Checkout
    from posclient.app.staff import Approval


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
                raise InvalidInput.of("tender_invalid.cash_amount")
            return PaySpec(TenderKind.CASH, Money.parse(rest, currency))
        if kind == "card":
            return PaySpec(TenderKind.CARD, Money.parse(rest, currency) if rest else None)
        if kind in ("credit", "store_credit"):
            account, _, amount = rest.partition(":")
            if not account:
                raise InvalidInput.of("tender_invalid.credit_account")
            return PaySpec(TenderKind.STORE_CREDIT,
                           Money.parse(amount, currency) if amount else None, account)
    except ValueError:
        raise InvalidInput.of("tender_invalid.not_an_amount", text=text) from None
    raise InvalidInput.of("tender_invalid.pay_spec", text=text)


def parse_staff_pin(text: str) -> tuple[int, str]:
    sid, _, pin = text.partition(":")
    if not (sid.isascii() and sid.isdigit()) or len(sid) > 19 or not pin:
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
                raise InvalidInput.of("tender_far_above_due.script", **exc.details) from None
        else:
            trial.add_exact(p.kind, p.amount)
    if not trial.is_settled:
        raise InvalidInput.of("not_paid.short", paid=trial.paid, total=payment.total,
                              due=trial.due)
    return plan


@dataclass
class SaleSpec:
    """``posclient sell``'s arguments, parsed: nothing is touched until all of them parse."""

    scans: list[tuple[str, int]]
    pays: list[PaySpec]
    discount: Discount | None = None
    line_discounts: list[tuple[int, Discount]] = field(default_factory=list)
    overrides: list[tuple[int, Money, str]] = field(default_factory=list)  # line, price, why
    approval: Approval | None = None
    reason: str | None = None  # the discounts' reason code


def _line_discount(spec: str, currency: str) -> tuple[int, Discount]:
    no, _, d = spec.partition(":")
    if not no.isdigit() or not d:
        raise InvalidInput(f"{spec!r}: give a line discount as LINE:DISCOUNT, e.g. 2:10%",
                           code="usage")
    return int(no), Discount.parse(d, currency)


def _override(spec: str, currency: str) -> tuple[int, Money, str]:
    no, _, rest = spec.partition(":")
    price, _, reason = rest.partition(":")
    try:
        return int(no), Money.parse(price, currency), reason or "price check"
    except ValueError:
        raise InvalidInput(f"{spec!r}: give a price override as LINE:PRICE[:REASON]",
                           code="usage") from None


def parse_sale(args: argparse.Namespace, currency: str) -> SaleSpec:
    """Every argument of ``posclient sell`` parsed and checked, before anything is touched."""
    from posclient.app.staff import Approval

    spec = SaleSpec(
        scans=[parse_scan(s) for s in args.scan],
        pays=[parse_pay(p, currency) for p in args.pay],
        discount=Discount.parse(args.discount, currency) if args.discount else None,
        line_discounts=[_line_discount(s, currency) for s in args.line_discount],
        overrides=[_override(s, currency) for s in args.override],
        approval=Approval(*parse_staff_pin(args.approve)) if args.approve else None,
        reason=args.reason)
    if not spec.scans:
        raise InvalidInput.of("cart_empty.no_scan")
    if not spec.pays:
        raise InvalidInput.of("not_paid.how")
    return spec


def ring_up(co: Checkout, spec: SaleSpec, reason_codes: set[str]) -> None:
    """Scan, override prices (``REASON``: one of ``reason_codes``, or words), discount."""
    for code, qty in spec.scans:
        co.scan(code, qty)
    for no, price, reason in spec.overrides:
        known = reason in reason_codes
        co.override_price(no, price, "" if known else reason, spec.approval,
                          reason_code=reason if known else None)
    for no, d in spec.line_discounts:
        co.discount_line(no, d, spec.approval, reason_code=spec.reason)
    if spec.discount is not None:
        co.discount_basket(spec.discount, spec.approval, reason_code=spec.reason)


def take_payments(co: Checkout, plan: list[PaySpec], approval: Approval | None) -> None:
    """Take the planned tenders; when one fails, the approved card payments are reversed
    (the sale is voided) and nothing is sold."""
    try:
        for p in plan:
            assert p.amount is not None
            if p.kind is TenderKind.CASH:
                co.pay_cash(p.amount)
            elif p.kind is TenderKind.CARD:
                co.pay_card(p.amount)
            else:
                co.pay_store_credit(p.account, p.amount)
    except PosError:
        if co.has_payments:
            co.void_sale(approval)  # reverse approved card payments: nothing is sold
        raise
