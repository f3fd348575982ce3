"""A card payment in three steps (posclient/app/card_payment.py): the worker thread that asks the
card terminal journals on a connection of its own, under the lease of the checkout's."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from till_kit import MILK

from posclient.app.card_payment import CardAnswer, CardPayment
from posclient.app.checkout import Checkout
from posclient.devices.payment import PaymentStatus, SimulatedPaymentTerminal
from posclient.domain.errors import InvalidInput, PaymentError
from posclient.domain.money import Money
from posclient.domain.tender import TenderKind
from posclient.store.db import Store


def checkout(till: Any, outcomes: tuple[PaymentStatus, ...] = ()) -> Checkout:
    session = till.staff.login(1001, "1111")
    return Checkout(till.store, till.staff, session, clock=till.clock,
                    payments=SimulatedPaymentTerminal(outcomes))


def on_a_worker(card: CardPayment, attempt: Any, monkeypatch: pytest.MonkeyPatch
                ) -> tuple[CardAnswer, list[Store]]:
    """``charge`` on another thread; the stores it opened a transaction on."""
    used: list[Store] = []
    write = Store.write

    def spy(self: Store) -> Any:
        used.append(self)
        return write(self)

    monkeypatch.setattr(Store, "write", spy)
    out: list[CardAnswer] = []
    worker = threading.Thread(target=lambda: out.append(card.charge(attempt)))
    worker.start()
    worker.join()
    monkeypatch.setattr(Store, "write", write)
    return out[0], used


def test_the_worker_journals_on_its_own_connection_under_the_checkouts_lease(till,
                                                                              monkeypatch):
    co = checkout(till)
    co.scan(MILK)
    card = CardPayment(co)
    attempt = card.prepare()
    answer, used = on_a_worker(card, attempt, monkeypatch)
    assert len(used) == 2 and all(s is not co.store for s in used)
    tender = card.settle(answer)
    assert (tender.kind, tender.amount) == (TenderKind.CARD, Money(1250, "CNY"))
    assert co.payment.is_settled
    row = till.store.conn.execute(
        "SELECT status, holder, basket_id, amount FROM payment_journal").fetchone()
    assert row == ("approved", co.store.lease(), co.basket_id, 1250)
    assert co.complete().tenders[0].reference == attempt.reference


@pytest.mark.parametrize(("outcome", "code"), [(PaymentStatus.DECLINED, "card_declined"),
                                               (PaymentStatus.TIMEOUT, "card_timeout")])
def test_a_decline_or_no_answer_is_journalled_and_refused(till, monkeypatch, outcome, code):
    co = checkout(till, (outcome,))
    co.scan(MILK)
    card = CardPayment(co)
    answer, _ = on_a_worker(card, card.prepare(), monkeypatch)
    with pytest.raises(PaymentError) as refused:
        card.settle(answer)
    assert refused.value.code == code and not co.has_payments
    assert till.store.conn.execute("SELECT status FROM payment_journal").fetchone()[0] == \
        outcome.value


def test_nothing_is_asked_for_an_empty_basket_or_more_than_is_due(till):
    co = checkout(till)
    card = CardPayment(co)
    with pytest.raises(InvalidInput, match="Scan an item first"):
        card.prepare()
    co.scan(MILK)
    with pytest.raises(InvalidInput):
        card.prepare(Money(99_999, "CNY"))
    assert till.store.conn.execute("SELECT count(*) FROM payment_journal").fetchone()[0] == 0
