"""Card payments approved but never completed: found at start, reversed or resolved by a manager.

A card attempt is journalled before the terminal is asked (posclient/app/checkout.py
``pay_card``), with the basket it pays for and the lease of the connection that made it
(posclient/store/leases.py). When that connection is gone and the attempt has no sale, the till
stopped between the terminal's answer and the commit: the customer may have been charged for
goods the till never recorded as sold. Such an attempt is an *orphan*.

At start (:meth:`CardRecovery.check_at_start`) the till asks the payment terminal what became of
each orphan, by its reference:

- never reached the terminal, or declined: nobody was charged; the row is closed
  (``not_charged``), no event;
- approved and still reversible: reversed on the terminal at once (``reversed``);
- already reversed (the till died after a void reached the terminal): recorded as ``reversed``;
- settled, refused, or the terminal does not answer: left for a manager, and the central hears
  at once (``card_orphan_found``) so the store's reconciliation lists the customer charged
  without a sale as an exception until it is resolved.

A manager then resolves each one: :meth:`reverse` on the terminal; :meth:`refund` to the card
(what a terminal still does after its batch was settled); or :meth:`complete` as a sale of the
journalled goods at their journalled prices (the terminal is not asked again, so nothing is
charged twice). Every resolution is one transaction: the journal row, the audit record and a
``card_orphan_resolved`` event (outcome ``reversed``, ``refunded``, or ``completed`` with the
sale's event).
"""

from __future__ import annotations

import json
import logging
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from posclient.domain.clock import Clock, iso
from posclient.domain.errors import InvalidInput, NotFound, PaymentError
from posclient.domain.money import Money
from posclient.domain.payment_terminal import (
    AttemptState,
    AttemptStatus,
    PaymentResult,
    PaymentStatus,
    Refusal,
)
from posclient.domain.policy import Action
from posclient.domain.settings import StoreSettings
from posclient.store import audit, card_journal, leases, outbox, receipts
from posclient.store.card_journal import UnresolvedCharge
from posclient.store.db import Store
from sync.protocol.clock import new_event_id

from .checkout import Checkout, CompletedSale
from .ports import PaymentTerminal
from .staff import Approval, StaffService, StaffSession

log = logging.getLogger(__name__)

FOUND = "card_orphan_found"
RESOLVED = "card_orphan_resolved"


@dataclass(frozen=True, slots=True)
class OrphanLine:
    """One of the goods the orphaned payment was for, as the basket had it."""

    name_zh: str
    name_en: str
    qty: int
    measure: str  # "each" or "g"


@dataclass(frozen=True, slots=True)
class CardOrphan:
    reference: str
    amount: Money
    approved_at: str
    auth_code: str
    detail: str
    status: str  # the journal's: approved, or pending (the terminal never answered)
    lines: tuple[OrphanLine, ...] = ()  # empty when the basket is unknown (older journal rows)
    basket_total: Money | None = None
    found_event: str | None = None  # the card_orphan_found event, once the central was told


@dataclass(slots=True)
class StartupCheck:
    """What :meth:`CardRecovery.check_at_start` did."""

    reversed: list[CardOrphan] = field(default_factory=list)  # by the till, on the terminal
    not_charged: list[str] = field(default_factory=list)  # references closed: no charge
    open: list[CardOrphan] = field(default_factory=list)  # for a manager


@dataclass(frozen=True, slots=True)
class Resolution:
    reference: str
    outcome: str  # reversed | refunded | completed | not_charged (no event: nothing happened)
    event_id: str
    sale: CompletedSale | None = None


class CardRecovery:
    """The card orphans of one till database."""

    def __init__(self, store: Store, staff: StaffService, *, clock: Clock,
                 payments: PaymentTerminal, settings: StoreSettings,
                 checkout: Callable[[StaffSession], Checkout]) -> None:
        self.store = store
        self.staff = staff
        self.clock = clock
        self.payments = payments
        self.settings = settings
        self._checkout = checkout

    # -- reading ---------------------------------------------------------------------------------
    def _rows(self, reference: str | None = None) -> list[UnresolvedCharge]:
        rows = card_journal.unresolved_charges(self.store.conn, reference)
        # The connection that made the attempt is still open (a sale in progress, here or in
        # another process on this database): not an orphan.
        return [r for r in rows if not leases.alive(self.store.path, r.holder)]

    def _orphan(self, r: UnresolvedCharge) -> CardOrphan:
        basket = _basket(r.basket)
        lines: tuple[OrphanLine, ...] = ()
        total = None
        if basket is not None:
            lines = tuple(OrphanLine(str(ln["item"]["name_zh"]), str(ln["item"]["name_en"]),
                                     int(ln["qty"]), str(ln["item"]["measure"]))
                          for ln in basket.get("lines", ()) if not ln.get("voided"))
            if isinstance(basket.get("total"), int):
                total = Money(basket["total"], r.currency)
        return CardOrphan(r.reference, Money(r.amount, r.currency), r.created_at, r.auth_code,
                          r.detail, r.status, lines, total, r.found_event)

    def open(self) -> list[CardOrphan]:
        """The orphans still to resolve, oldest first."""
        return [self._orphan(r) for r in self._rows()]

    # -- at start --------------------------------------------------------------------------------
    def check_at_start(self) -> StartupCheck:
        """Ask the terminal about each orphan; reverse where it can; tell the central about the
        rest (module docstring). Call when the till starts, before anyone sells."""
        out = StartupCheck()
        for r in self._rows():
            orphan = self._orphan(r)
            asked = self._query(orphan.reference)
            state = asked.state
            if state in (AttemptState.UNKNOWN, AttemptState.DECLINED) \
                    and orphan.status == "pending":
                self._close_not_charged(orphan.reference)
                out.not_charged.append(orphan.reference)
                continue
            if state is AttemptState.APPROVED:
                result = self._reverse(orphan)
                if result.status is PaymentStatus.APPROVED \
                        or result.refusal is Refusal.ALREADY_REVERSED:
                    state = AttemptState.REVERSED
            if state is AttemptState.REVERSED:
                self._resolve(orphan, "reversed", staff_id=None, approved_by=None, by="terminal")
                out.reversed.append(orphan)
                continue
            known = state in (AttemptState.APPROVED, AttemptState.SETTLED)
            if orphan.status == "pending" and not known:
                out.open.append(orphan)  # the terminal cannot say: asked again next start
                continue
            out.open.append(self._found(orphan, state, asked.auth_code, asked.detail))
        return out

    def _query(self, reference: str) -> AttemptStatus:
        """The terminal's answer; a terminal that fails to answer is one that is not there (a
        till always starts)."""
        try:
            return self.payments.query(reference)
        except Exception:
            log.exception("the card terminal failed to answer a status query")
            return AttemptStatus(AttemptState.UNREACHABLE)

    def _reverse(self, orphan: CardOrphan) -> PaymentResult:
        try:
            return self.payments.reverse(orphan.reference, orphan.amount)
        except Exception:
            log.exception("the card terminal failed to answer a reversal")
            return PaymentResult(PaymentStatus.TIMEOUT, message="No answer from the card "
                                 "terminal", refusal=Refusal.NO_ANSWER)

    def _close_not_charged(self, reference: str) -> None:
        at = iso(self.clock.now())
        with self.store.write() as conn:
            card_journal.close_not_charged(conn, reference, at)

    def _found(self, orphan: CardOrphan, state: AttemptState, auth_code: str,
               detail: str) -> CardOrphan:
        """The central hears once that a customer was charged without a sale."""
        if orphan.found_event is not None:
            return orphan
        s = self.settings
        at = iso(self.clock.now())
        event_id = new_event_id(self.clock)
        payload = {
            "reference": orphan.reference, "store_id": s.store_id, "terminal_id": s.terminal_id,
            "amount": orphan.amount.minor, "currency": orphan.amount.currency,
            "approved_at": orphan.approved_at, "auth_code": orphan.auth_code or auth_code,
            "terminal_state": state.value,
            "basket_total": orphan.basket_total.minor if orphan.basket_total else None,
            "lines": [{"name_zh": ln.name_zh, "name_en": ln.name_en, "qty": ln.qty,
                       "measure": ln.measure} for ln in orphan.lines]}
        with self.store.write() as conn:
            if not card_journal.claim_found(conn, orphan.reference, event_id=event_id,
                                            auth_code=auth_code, detail=detail, at=at):
                # another process reported or resolved it meanwhile
                return orphan
            outbox.append(conn, event_id=event_id, type=FOUND, occurred_at=at, payload=payload)
            audit.append(conn, at=at, action=FOUND, staff_id=None,
                         detail={"reference": orphan.reference, "amount": orphan.amount.minor,
                                 "terminal_state": state.value})
        return CardOrphan(orphan.reference, orphan.amount, orphan.approved_at,
                          orphan.auth_code or auth_code, orphan.detail or detail, "approved",
                          orphan.lines, orphan.basket_total, event_id)

    # -- a manager's resolutions -----------------------------------------------------------------
    def _one(self, reference: str) -> CardOrphan:
        rows = self._rows(reference.strip())
        if not rows:
            raise NotFound.of("orphan_unknown", reference=reference.strip())
        return self._orphan(rows[0])

    def reverse(self, session: StaffSession, reference: str,
                approval: Approval | None = None) -> Resolution:
        """A manager reverses the orphan on the payment terminal."""
        self.staff.ensure_active(session)
        approved_by = self.staff.authorize(session, Action.RESOLVE_CARD_ORPHAN, approval)
        orphan = self._one(reference)
        result = self._reverse(orphan)
        if orphan.status == "pending" and result.refusal is Refusal.UNKNOWN:
            # The attempt never reached the terminal (it did not answer at start): nobody was
            # charged, nothing to give back.
            self._close_not_charged(orphan.reference)
            return Resolution(orphan.reference, "not_charged", "")
        if result.status is not PaymentStatus.APPROVED \
                and result.refusal is not Refusal.ALREADY_REVERSED:
            reason = result.message or result.status.value
            raise PaymentError.of("orphan_cannot_reverse", amount=orphan.amount, reason=reason)
        event_id = self._resolve(orphan, "reversed", staff_id=session.staff.id,
                                 approved_by=approved_by, by="manager")
        return Resolution(orphan.reference, "reversed", event_id)

    def refund(self, session: StaffSession, reference: str,
               approval: Approval | None = None) -> Resolution:
        """A manager gives the money back to the card as a refund: what a terminal still does
        once its batch was settled and a reversal is refused. Journalled before the terminal is
        asked, as every card movement is."""
        self.staff.ensure_active(session)
        approved_by = self.staff.authorize(session, Action.RESOLVE_CARD_ORPHAN, approval)
        orphan = self._one(reference)
        if orphan.status != "approved":
            raise InvalidInput.of("orphan_unconfirmed_refund")
        refund_ref = str(uuid.uuid4())
        now = iso(self.clock.now())
        with self.store.write() as conn:
            # One refund at a time per payment, across processes: a refund is not idempotent.
            if card_journal.refund_under_way(conn, f"refund of {orphan.reference}"):
                raise InvalidInput.of("orphan_refund_under_way")
            card_journal.refund_attempt(
                conn, reference=refund_ref, amount=-orphan.amount.minor,
                currency=orphan.amount.currency, at=now,
                detail=f"refund of {orphan.reference}", holder=self.store.lease())
        result = self.payments.refund(orphan.amount, refund_ref, orphan.reference)
        with self.store.write() as conn:
            card_journal.refund_answered(conn, refund_ref, status=result.status.value,
                                         auth_code=result.auth_code, at=iso(self.clock.now()))
        if result.status is not PaymentStatus.APPROVED:
            reason = result.message or result.status.value
            raise PaymentError.of("orphan_refund_failed", amount=orphan.amount, reason=reason)
        with self.store.write() as conn:
            card_journal.mark(conn, refund_ref, "captured")
            event_id = self._write_resolution(conn, orphan, "refunded",
                                              staff_id=session.staff.id,
                                              approved_by=approved_by, by="manager",
                                              refund_reference=refund_ref)
            if event_id is None:  # reversed meanwhile by another process: the money went
                log.error("card payment %s was refunded after it was resolved elsewhere",
                          orphan.reference)  # back twice; the journal shows both
                event_id = card_journal.resolution_event(conn, orphan.reference)
        return Resolution(orphan.reference, "refunded", event_id)

    def complete(self, session: StaffSession, reference: str,
                 approval: Approval | None = None) -> Resolution:
        """A manager completes the orphan as a sale of the goods it paid for, at the prices they
        had: the card payments of that basket are its tenders. The terminal is not asked again.
        """
        self.staff.ensure_active(session)
        approved_by = self.staff.authorize(session, Action.RESOLVE_CARD_ORPHAN, approval)
        orphan = self._one(reference)
        journalled = card_journal.basket_of(self.store.conn, orphan.reference)
        basket = _basket(journalled.basket)
        if basket is None or not orphan.lines:
            raise InvalidInput.of("orphan_no_basket")
        if basket.get("kind") != "sale":
            raise InvalidInput.of("orphan_not_a_sale")
        if orphan.status != "approved":
            raise InvalidInput.of("orphan_unconfirmed")
        # Every approved orphan of the same basket pays for it (a split over two cards).
        group = [o for o in (self._orphan(r) for r in self._rows()
                             if r.basket_id == journalled.basket_id)
                 if o.status == "approved"] if journalled.basket_id else [orphan]
        paid = sum(o.amount.minor for o in group)
        total = int(basket.get("total", -1))
        if paid != total:
            raise InvalidInput.of("orphan_partial", paid=Money(paid, orphan.amount.currency),
                                  total=Money(total, orphan.amount.currency))
        co = self._checkout(session)
        co.restore_paid_basket(basket, [(o.reference, o.amount,
                                         f"{o.detail} {o.auth_code}".strip()) for o in group])
        ids: dict[str, str] = {}

        def resolve(conn: sqlite3.Connection, sale_id: int, sale_event: str) -> None:
            receipt = receipts.receipt_no(conn, sale_id)
            for o in group:
                event_id = self._write_resolution(
                    conn, o, "completed", staff_id=session.staff.id, approved_by=approved_by,
                    by="manager", sale_event=sale_event, receipt_no=receipt)
                if event_id is None:  # the sale rolls back with this refusal
                    raise InvalidInput.of("orphan_resolved_elsewhere")
                ids[o.reference] = event_id

        done = co.complete(also=resolve)
        return Resolution(orphan.reference, "completed", ids[orphan.reference], done)

    # -- writing ---------------------------------------------------------------------------------
    def _resolve(self, orphan: CardOrphan, outcome: str, *, staff_id: int | None,
                 approved_by: int | None, by: str) -> str:
        with self.store.write() as conn:
            event_id = self._write_resolution(conn, orphan, outcome, staff_id=staff_id,
                                              approved_by=approved_by, by=by)
            if event_id is None:
                if by == "manager":  # reversed on the terminal after another resolution
                    log.error("card payment %s was reversed after it was resolved elsewhere",
                              orphan.reference)
                return card_journal.resolution_event(conn, orphan.reference)
            if outcome == "reversed":
                card_journal.mark(conn, orphan.reference, "reversed")
            return event_id

    def _write_resolution(self, conn: sqlite3.Connection, orphan: CardOrphan, outcome: str, *,
                          staff_id: int | None, approved_by: int | None, by: str,
                          sale_event: str | None = None, receipt_no: str | None = None,
                          refund_reference: str | None = None) -> str | None:
        """The journal row, the audit record and the ``card_orphan_resolved`` event, in the
        caller's transaction; None (and nothing written) when it was already resolved."""
        s = self.settings
        at = iso(self.clock.now())
        event_id = new_event_id(self.clock)
        found = card_journal.found_event(conn, orphan.reference)
        if not card_journal.claim_resolution(conn, orphan.reference, outcome=outcome,
                                             event_id=event_id, at=at,
                                             resolved_by=approved_by or staff_id):
            # another process on this database resolved it meanwhile
            return None
        payload = {"reference": orphan.reference, "store_id": s.store_id,
                   "terminal_id": s.terminal_id, "amount": orphan.amount.minor,
                   "currency": orphan.amount.currency, "approved_at": orphan.approved_at,
                   "outcome": outcome, "by": by, "staff_id": staff_id,
                   "approved_by": approved_by, "found_event_id": found,
                   "sale_event_id": sale_event, "receipt_no": receipt_no,
                   "refund_reference": refund_reference}
        outbox.append(conn, event_id=event_id, type=RESOLVED, occurred_at=at, payload=payload)
        audit.append(conn, at=at, action=RESOLVED, staff_id=staff_id, approved_by=approved_by,
                     detail={"reference": orphan.reference, "amount": orphan.amount.minor,
                             "outcome": outcome, "by": by, "receipt_no": receipt_no})
        return event_id


def _basket(text: str | None) -> dict[str, Any] | None:
    if not text:
        return None
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    return doc if isinstance(doc, dict) else None
