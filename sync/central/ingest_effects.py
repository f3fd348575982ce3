"""The central effects of a till's events other than sales and pick-ups, each in the
caller's savepoint, returning the problems to file (sync/central/ingest.py applies the sales,
beside its batch path that writes the same rows).
"""

from __future__ import annotations

from sync.central import card_orphans, consents, ledger, loyalty
from sync.central.feed import Tx
from sync.central.identity import TerminalIdentity
from sync.central.incidents import Problem
from sync.central.ingest_checks import unknown_product
from sync.protocol import (
    CardOrphanFoundPayload,
    CardOrphanResolvedPayload,
    Event,
    MemberConsentPayload,
    MemberSignupPayload,
    ReturnPayload,
    StockCountPayload,
    StockReceivePayload,
)


def points_problems(issues: list[loyalty.Issue]) -> list[Problem]:
    """The loyalty ledger's issues (sync/central/loyalty.py) as problems to file."""
    return [Problem(kind, subject, message, data) for kind, subject, message, data in issues]


def apply_signup(tx: Tx, who: TerminalIdentity, ev: Event) -> list[Problem]:
    """A member signed up at a till (sync/central/loyalty.py ``apply_signup``)."""
    return points_problems(loyalty.apply_signup(
        tx, ev.event_id, MemberSignupPayload.model_validate(ev.payload)))


def apply_member_consent(tx: Tx, who: TerminalIdentity, ev: Event) -> list[Problem]:
    """A member withdrew (or gave) a consent at a till; a withdrawn membership erases the
    member (sync/central/consents.py)."""
    return points_problems(consents.apply_event(
        tx, who.store_id, who.terminal_id, ev.event_id,
        MemberConsentPayload.model_validate(ev.payload)))


def apply_return(tx: Tx, who: TerminalIdentity, ev: Event) -> list[Problem]:
    """Goods and money back (sync/central/returns.py ``record_return``)."""
    from sync.central import returns

    ret = ReturnPayload.model_validate(ev.payload)
    problems = [Problem(kind, subject, message, data) for kind, subject, message, data
                in returns.record_return(tx, who, ev.event_id, ret)]
    return problems + points_problems(loyalty.apply_return(tx, who.store_id, ev.event_id, ret))


def apply_stock_count(tx: Tx, who: TerminalIdentity, ev: Event) -> list[Problem]:
    """A count's differences move the store's levels (ledger reason ``count``)."""
    count = StockCountPayload.model_validate(ev.payload)
    deltas = [(ln.product_id, ln.counted - ln.expected) for ln in count.lines
              if ln.counted != ln.expected]
    if deltas:
        ledger.move(tx, who.store_id, deltas, reason="count", event_id=ev.event_id)
    listed = {ln.product_id for ln in count.lines}
    return [unknown_product(pid) for pid in sorted(listed - ledger.known_products(tx, listed))]


def apply_stock_receive(tx: Tx, who: TerminalIdentity, ev: Event) -> list[Problem]:
    """A delivery or transfer received: + what arrived, its differences filed, the delivery
    marked received (sync/central/deliveries.py ``record_receive``)."""
    from sync.central import deliveries

    receive = StockReceivePayload.model_validate(ev.payload)
    problems = [Problem(kind, subject, message, data) for kind, subject, message, data
                in deliveries.record_receive(tx, who.store_id, who.terminal_id, ev.event_id,
                                             receive)]
    listed = {ln.product_id for ln in receive.lines}
    return problems + [unknown_product(pid)
                       for pid in sorted(listed - ledger.known_products(tx, listed))]


def apply_card_orphan(tx: Tx, who: TerminalIdentity, ev: Event) -> list[Problem]:
    """A card charged without a sale: filed, or its exception closed (card_orphans.py)."""
    if ev.type == "card_orphan_found":
        filed = card_orphans.record_found(CardOrphanFoundPayload.model_validate(ev.payload))
    else:
        filed = card_orphans.record_resolved(
            tx, who, CardOrphanResolvedPayload.model_validate(ev.payload))
    return [Problem(*f) for f in filed]

