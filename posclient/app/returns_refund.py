"""Preparing the refund of a return: back the way it was paid, checked against what each tender
of the purchase can still take back, the offline limits, and card money given back through the
payment terminal (journalled before it is asked). posclient/app/returns.py has the rules."""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from posclient.domain.clock import Clock, iso
from posclient.domain.errors import InvalidInput, NotFound, PaymentError
from posclient.domain.money import Money
from posclient.domain.payment_terminal import PaymentResult
from posclient.domain.settings import StoreSettings
from posclient.store import returns as repo
from posclient.store.db import Store

from .returns_draft import ReturnDraft
from .returns_purchase import Purchase

REFUND_KINDS = ("cash", "card", "store_credit", "web", "points")
EXCHANGE = "exchange"  # the return's value paid a new sale in the same basket (Checkout)
# Back the way it came, before cash; points first (to the member: the store's money is not
# paid out for what points paid).
_PREFERENCE = {"points": 0, "card": 1, "web": 2, "store_credit": 3}


@dataclass(frozen=True, slots=True)
class RefundTender:
    kind: str  # cash, card, store_credit, web
    amount: Money
    reference: str = ""  # the card payment / web payment it goes back to, the credit account
    detail: str = ""
    journal: str = ""  # a card refund's own reference in the payment journal


class CardRefunds(Protocol):
    """What a return needs of the payment terminal (posclient.app.ports ``PaymentTerminal``)."""

    def refund(self, amount: Money, reference: str, original: str) -> PaymentResult: ...


def refund_plan(purchase: Purchase | None, amount: int, currency: str) -> list[RefundTender]:
    """Back the way it was paid where possible: card, web payment, store credit, each up to
    what it paid and has not had back; the rest in cash."""
    left, plan = amount, []
    if purchase is not None:
        tenders = sorted((t for t in purchase.data.tenders if t.kind in _PREFERENCE),
                         key=lambda t: _PREFERENCE[t.kind])
        seen: set[tuple[str, str]] = set()
        for t in tenders:
            if (t.kind, t.reference) in seen or left == 0:
                continue
            seen.add((t.kind, t.reference))
            take = min(left, purchase.tender_left(t.kind, t.reference))
            if take > 0:
                plan.append(RefundTender(t.kind, Money(take, currency), t.reference,
                                         t.detail))
                left -= take
    if left:
        plan.append(RefundTender("cash", Money(left, currency)))
    return plan


def check_offline_limits(conn: sqlite3.Connection, settings: StoreSettings, now: datetime,
                         total: Money) -> None:
    """An offline refund within ``offline_return_limit`` and, with this till's offline refunds
    of the last day, ``offline_return_daily_limit``."""
    s = settings
    if total.minor > s.offline_return_limit:
        limit = Money(s.offline_return_limit, s.currency)
        raise InvalidInput.of("return_offline_limit", limit=limit)
    today = repo.offline_refunded_since(conn, iso(now - timedelta(days=1)))
    if today + total.minor > s.offline_return_daily_limit:
        left = Money(max(0, s.offline_return_daily_limit - today), s.currency)
        raise InvalidInput.of("return_offline_daily_limit", left=left)


def check_tenders(conn: sqlite3.Connection, currency: str, draft: ReturnDraft,
                  tenders: list[RefundTender], *, exchange: bool = False) -> None:
    """The tenders add up to the return, each of a kind that takes a refund, and a card, web or
    points tender no more than that payment of the purchase can still take back."""
    total = sum(t.amount.minor for t in tenders)
    if total != draft.total.minor or any(t.amount.minor <= 0 for t in tenders):
        raise InvalidInput.of("refund_mismatch", total=draft.total)
    taken: dict[tuple[str, str], int] = {}
    for t in tenders:
        _check_kind(conn, currency, t, exchange=exchange)
        if t.kind in ("card", "web", "points"):  # only back to a payment of this purchase
            key = (t.kind, t.reference)
            taken[key] = taken.get(key, 0) + t.amount.minor
            left = draft.purchase.tender_left(*key) if draft.purchase is not None else 0
            if taken[key] > left:
                raise InvalidInput.of("refund_over_tender", kind=t.kind,
                                      left=Money(left, currency))


def _check_kind(conn: sqlite3.Connection, currency: str, t: RefundTender, *,
                exchange: bool) -> None:
    allowed = t.kind in REFUND_KINDS or (exchange and t.kind == EXCHANGE)
    if not allowed or t.amount.currency != currency:
        raise InvalidInput.of("refund_kind_invalid", kind=t.kind)
    if t.kind == "store_credit" and not repo.credit_account_exists(conn, t.reference):
        raise NotFound.of("credit_unknown", account=t.reference)


def refund_cards(store: Store, clock: Clock, payments: CardRefunds,
                 tenders: list[RefundTender]) -> list[RefundTender]:
    """Give card money back through the payment terminal, journalled before it is asked;
    returns the tenders as given."""
    return [_refund_card(store, clock, payments, t) if t.kind == "card" else t for t in tenders]


def _refund_card(store: Store, clock: Clock, payments: CardRefunds,
                 t: RefundTender) -> RefundTender:
    reference = str(uuid.uuid4())
    with store.write() as conn:
        repo.journal_card_refund(conn, reference, t.amount, iso(clock.now()),
                                 f"refund of {t.reference}")
    result = payments.refund(t.amount, reference, t.reference)
    with store.write() as conn:
        repo.settle_card_refund(conn, reference, result.status.value, result.auth_code,
                                iso(clock.now()))
    if result.status.value != "approved":
        reason = result.message or result.status.value
        raise PaymentError.of("refund_card_failed", amount=t.amount, reason=reason)
    return RefundTender("card", t.amount, t.reference,
                        f"{result.detail} {result.auth_code}".strip(), reference)
