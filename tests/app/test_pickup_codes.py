"""The pick-up code at the till, offline (issue 17): each wrong code is counted in the till's
database and audited without the code; after five in a row the till no longer checks that
order's code (a restart does not change that) and a manager hands the order over without it;
a right code starts the count again; an order stored before argon2 is still checked."""

from __future__ import annotations

import logging

import pytest
from orders_kit import CODE, order

from posclient.app.checkout import Checkout
from posclient.app.orders import OrderBook
from posclient.app.staff import Approval, StaffService
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.errors import ApprovalRequired, InvalidInput, PermissionDenied
from posclient.store.db import Store
from sync.protocol import pickup_code_sha256

WRONG = ["AAAA11", "BBBB22", "CCCC33", "DDDD44", "EEEE55"]


def counter(store: Store, clock) -> tuple[Checkout, OrderBook]:
    staff = StaffService(store, clock)
    co = Checkout(store, staff, staff.login(1001, "1111"), clock=clock,
                  payments=SimulatedPaymentTerminal())
    return co, OrderBook(store.conn, clock)


def keep(store: Store, book: OrderBook, o) -> None:
    with store.write():
        book.keep(o)


def refusal(co: Checkout, book: OrderBook, code: str | None) -> InvalidInput:
    with pytest.raises(InvalidInput) as err:
        co.start_pickup(book.view("W1001"), {1: 1}, code=code)
    assert co.cart.is_empty and co.pickup is None
    return err.value


def audit_of(store: Store) -> list[tuple[str, str]]:
    return store.conn.execute("SELECT action, detail FROM audit_log WHERE action LIKE "
                              "'pickup_code%' ORDER BY id").fetchall()


def test_five_wrong_codes_lock_the_order_here_and_a_restart_does_not_unlock_it(
        till, caplog):
    caplog.set_level(logging.DEBUG)
    co, book = counter(till.store, till.clock)
    keep(till.store, book, order())
    for n, code in enumerate(WRONG[:4], start=1):
        err = refusal(co, book, code)
        assert (err.message_id, err.details) == ("pickup_code_wrong.left", {"left": 5 - n})
    err = refusal(co, book, WRONG[4])
    assert err.message_id == "pickup_code_locked" and err.details["limit"] == 5
    assert "no longer checks it" in str(err) and "manager" in str(err)
    assert refusal(co, book, CODE).message_id == "pickup_code_locked"  # the right one too
    records = audit_of(till.store)
    assert [a for a, _ in records] == ["pickup_code_wrong"] * 5  # the sixth was not checked
    assert '"failures":5' in records[-1][1] and '"locked":true' in records[-1][1]
    everything = " ".join(d for _, d in records) + caplog.text
    assert not any(c in everything for c in [*WRONG, CODE])

    till.store.close()  # the till restarts
    with Store.open(till.path) as again:
        co, book = counter(again, till.clock)
        assert refusal(co, book, CODE).message_id == "pickup_code_locked"


def test_a_locked_order_is_handed_over_without_its_code_by_a_manager_only(till):
    co, book = counter(till.store, till.clock)
    keep(till.store, book, order())
    for code in WRONG:
        refusal(co, book, code)
    with pytest.raises(ApprovalRequired) as need:
        co.start_pickup(book.view("W1001"), {1: 1})
    assert need.value.details["min_role"] == "manager"
    with pytest.raises(PermissionDenied) as supervisor:  # enough for a code merely lost
        co.start_pickup(book.view("W1001"), {1: 1}, approval=Approval(2001, "2222"))
    assert supervisor.value.code == "approver_role"
    co.start_pickup(book.view("W1001"), {1: 1}, approval=Approval(3001, "3333"))
    done = co.complete()
    (approved_by,) = till.store.conn.execute(
        "SELECT approved_by FROM audit_log WHERE action = 'order_pickup'").fetchone()
    assert approved_by == 3001 and done.receipt_no


def test_a_right_code_starts_the_count_again(till):
    co, book = counter(till.store, till.clock)
    keep(till.store, book, order())
    for code in WRONG[:4]:
        refusal(co, book, code)
    co.start_pickup(book.view("W1001"), {1: 1}, code=CODE)
    co.void_sale()
    assert till.store.conn.execute("SELECT count(*) FROM pickup_code_attempts").fetchone() == (0,)
    err = refusal(co, book, WRONG[0])  # four more before it locks, not none
    assert err.details == {"left": 4}


def test_an_order_stored_before_argon2_is_handed_over_by_its_old_hash(till):
    co, book = counter(till.store, till.clock)
    keep(till.store, book, order(pickup_code_phc=None,
                                 pickup_code_hash=pickup_code_sha256("W1001", CODE)))
    assert refusal(co, book, "7Q4K2N").message_id == "pickup_code_wrong.left"
    handover = co.start_pickup(book.view("W1001"), {1: 3, 2: 1}, code=" 7q4k2m ")
    assert handover.due == 0 and co.complete().receipt_no


def test_each_order_has_its_own_count(till):
    co, book = counter(till.store, till.clock)
    keep(till.store, book, order())
    keep(till.store, book, order(order_no="W1002", pickup_code_phc=None,
                                 pickup_code_hash=pickup_code_sha256("W1002", CODE)))
    for code in WRONG:
        refusal(co, book, code)
    co.start_pickup(book.view("W1002"), {1: 1}, code=CODE)  # another order: unaffected
