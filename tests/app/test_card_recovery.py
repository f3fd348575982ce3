"""Card payments approved but never completed: a till killed between the card terminal's
approval and the sale's commit. At start the till asks the terminal and reverses what it can;
a manager resolves the rest (reversed on the terminal, or completed as a sale of the goods), each
resolution an event; the central hears at once of a customer charged without a sale."""

from __future__ import annotations

import json

import pytest
from card_orphans_kit import (
    abandon_after_approval,
    kill_after_approval,
    settle,
    terminal_memory,
)
from till_kit import BREAD, GUM, MILK

from posclient.app.staff import Approval
from posclient.app.terminal import Terminal
from posclient.devices.payment import PaymentStatus, SimulatedPaymentTerminal, simulator_state
from posclient.domain.errors import ApprovalRequired, InvalidInput, NotFound, PaymentError
from posclient.domain.money import Money
from posclient.store.db import Store


def events(store: Store, type_: str) -> list[dict]:
    return [json.loads(p) for (p,) in store.conn.execute(
        "SELECT payload FROM outbox WHERE type = ? ORDER BY terminal_seq", (type_,))]


def restart(path, clock) -> Terminal:
    return Terminal(Store.open(path), clock=clock,
                    payments=SimulatedPaymentTerminal(state=simulator_state(path)))


def test_a_till_killed_after_the_approval_reverses_the_payment_when_it_starts_again(
        small_store, clock, tmp_path):
    path = tmp_path / "till.db"
    [ref] = kill_after_approval(path, MILK)
    assert terminal_memory(path).authorized == {ref: Money(1250, "CNY")}  # the customer paid

    term = restart(path, clock)
    checked = term.card_recovery().check_at_start()

    assert [o.reference for o in checked.reversed] == [ref]
    assert checked.open == []
    assert terminal_memory(path).reversed == [ref]  # the money went back on the card
    assert term.store.conn.execute("SELECT status, resolution FROM payment_journal").fetchone() \
        == ("reversed", "reversed")
    [resolved] = events(term.store, "card_orphan_resolved")
    assert resolved["outcome"] == "reversed" and resolved["by"] == "terminal"
    assert resolved["amount"] == 1250 and resolved["reference"] == ref
    assert events(term.store, "card_orphan_found") == []  # nothing left to report
    assert term.orphan_card_payments() == 0
    # A second start has nothing to do and asks the terminal nothing twice.
    assert term.card_recovery().check_at_start().reversed == []
    term.store.close()


def test_an_approval_that_cannot_be_reversed_is_reported_to_the_central_once(till, clock):
    ref = abandon_after_approval(till.path, clock, MILK, BREAD)
    settle(till.path)  # the terminal's batch closed: reversal refused

    term = restart(till.path, clock)
    checked = term.card_recovery().check_at_start()
    assert [o.reference for o in checked.open] == [ref]
    [orphan] = term.card_recovery().open()
    assert orphan.amount == Money(2050, "CNY")
    assert [(ln.name_en, ln.qty) for ln in orphan.lines] == [("Yili Pure Milk 250ml", 1),
                                                            ("Wholemeal Bread", 1)]
    [found] = events(term.store, "card_orphan_found")
    assert found["reference"] == ref and found["amount"] == 2050
    assert found["terminal_state"] == "settled" and len(found["lines"]) == 2
    term.card_recovery().check_at_start()  # the next start: still open, not reported again
    assert len(events(term.store, "card_orphan_found")) == 1
    assert term.orphan_card_payments() == 1
    term.store.close()


def test_an_attempt_the_terminal_never_approved_is_closed_without_an_event(till, clock):
    store = Store.open(till.path)
    term = Terminal(store, clock=clock, payments=SimulatedPaymentTerminal(["timeout"]))
    co = term.checkout(term.staff.login(1001, "1111"))
    co.scan(MILK)
    with pytest.raises(PaymentError):
        co.pay_card()
    store.conn.execute("UPDATE payment_journal SET status = 'pending'")  # died mid-question
    store.close()

    term = restart(till.path, clock)
    checked = term.card_recovery().check_at_start()
    assert len(checked.not_charged) == 1 and checked.open == [] and checked.reversed == []
    assert term.store.conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0
    term.store.close()


def test_a_sale_in_progress_on_another_connection_is_not_an_orphan(till, clock):
    """The window is in the middle of a sale when the command line starts: hands off."""
    live = Store.open(till.path)
    term = Terminal(live, clock=clock,
                    payments=SimulatedPaymentTerminal(state=simulator_state(till.path)))
    co = term.checkout(term.staff.login(1001, "1111"))
    co.scan(MILK)
    co.pay_card()

    other = restart(till.path, clock)
    assert other.card_recovery().check_at_start().reversed == []
    assert other.orphan_card_payments() == 0
    co.complete()  # the sale goes on as if nothing happened
    other.store.close()
    live.close()


def manager_till(path, clock):
    term = restart(path, clock)
    term.card_recovery().check_at_start()
    return term, term.staff.login(3001, "3333")


def test_a_manager_reverses_an_orphan_on_the_terminal(till, clock):
    ref = abandon_after_approval(till.path, clock, MILK)
    # The terminal refuses at start (no answer), then is back for the manager.
    quiet = SimulatedPaymentTerminal(state=simulator_state(till.path))
    quiet.answers = False
    term = Terminal(Store.open(till.path), clock=clock, payments=quiet)
    assert [o.reference for o in term.card_recovery().check_at_start().open] == [ref]
    quiet.answers = True
    cashier = term.staff.login(1001, "1111")
    with pytest.raises(ApprovalRequired):  # a cashier needs a manager's PIN
        term.card_recovery().reverse(cashier, ref)
    done = term.card_recovery().reverse(cashier, ref, Approval(3001, "3333"))
    assert done.outcome == "reversed"
    assert terminal_memory(till.path).reversed == [ref]
    [resolved] = events(term.store, "card_orphan_resolved")
    assert resolved["by"] == "manager" and resolved["approved_by"] == 3001
    assert resolved["found_event_id"] == events_ids(term.store, "card_orphan_found")[0]
    with pytest.raises(NotFound):  # resolved once only
        term.card_recovery().reverse(cashier, ref, Approval(3001, "3333"))
    term.store.close()


def events_ids(store: Store, type_: str) -> list[str]:
    return [r[0] for r in store.conn.execute(
        "SELECT event_id FROM outbox WHERE type = ? ORDER BY terminal_seq", (type_,))]


def test_a_settled_orphan_cannot_be_reversed_and_is_completed_as_a_sale_without_a_new_charge(
        till, clock):
    ref = abandon_after_approval(till.path, clock, MILK, BREAD)
    settle(till.path)
    term, manager = manager_till(till.path, clock)
    with pytest.raises(PaymentError) as refused:
        term.card_recovery().reverse(manager, ref)
    assert refused.value.code == "orphan_cannot_reverse"
    clock.advance(minutes=30)  # the manager comes back later
    manager = term.staff.login(3001, "3333")

    done = term.card_recovery().complete(manager, ref)

    sale = done.sale
    assert sale is not None and sale.totals.total == Money(2050, "CNY")
    assert [t.reference for t in sale.tenders] == [ref]
    memory = terminal_memory(till.path)
    assert list(memory.authorized) == [ref] and memory.reversed == []  # charged once, kept
    c = term.store.conn
    assert c.execute("SELECT status, sale_id, resolution FROM payment_journal").fetchone() == \
        ("captured", sale.sale_id, "completed")
    assert c.execute("SELECT count(*) FROM sale_lines WHERE sale_id = ?",
                     (sale.sale_id,)).fetchone()[0] == 2
    started, approved, completed = c.execute(  # it began when the customer was served
        "SELECT s.started_at, j.created_at, s.completed_at FROM sales s JOIN payment_journal j "
        "ON j.sale_id = s.id").fetchone()
    assert started <= approved < completed
    [resolved] = events(term.store, "card_orphan_resolved")
    assert resolved["outcome"] == "completed" and resolved["sale_event_id"] == sale.event_id
    assert resolved["receipt_no"] == sale.receipt_no
    # The sale and its resolution are one transaction: consecutive events.
    seqs = [r[0] for r in c.execute("SELECT type FROM outbox ORDER BY terminal_seq")]
    assert seqs[-2:] == ["sale", "card_orphan_resolved"]
    with pytest.raises(NotFound):
        term.card_recovery().complete(manager, ref)
    term.store.close()


def test_a_split_card_basket_completes_once_with_both_cards_and_a_part_alone_is_refused(
        till, clock, tmp_path):
    refs = kill_after_approval(till.path, MILK, BREAD, parts=(1000, 1050))
    settle(till.path)
    term, manager = manager_till(till.path, clock)
    assert len(term.card_recovery().open()) == 2
    done = term.card_recovery().complete(manager, refs[1])
    assert sorted(t.reference for t in done.sale.tenders) == sorted(refs)
    assert term.card_recovery().open() == []
    assert len(events(term.store, "card_orphan_resolved")) == 2
    term.store.close()


def test_a_partly_paid_basket_cannot_be_completed(till, clock):
    refs = kill_after_approval(till.path, MILK, BREAD, parts=(1000,))
    settle(till.path)
    term, manager = manager_till(till.path, clock)
    with pytest.raises(InvalidInput) as refused:
        term.card_recovery().complete(manager, refs[0])
    assert refused.value.code == "orphan_partial"
    assert term.store.conn.execute("SELECT count(*) FROM sales").fetchone()[0] == 0
    assert term.card_recovery().open()[0].reference == refs[0]  # still to resolve
    term.store.close()


def test_the_z_report_lists_reversed_and_completed_orphans(till, clock):
    from posclient.app.reports import report_lines
    from posclient.app.shifts import Shifts

    first = abandon_after_approval(till.path, clock, MILK)
    term, manager = manager_till(till.path, clock)  # reversed at start
    term.store.close()
    second = abandon_after_approval(till.path, clock, BREAD)
    third = abandon_after_approval(till.path, clock, GUM)
    fourth = abandon_after_approval(till.path, clock, GUM, GUM)
    settle(till.path)
    term, manager = manager_till(till.path, clock)
    term.card_recovery().complete(manager, second)
    term.card_recovery().refund(manager, third)
    clock.advance(seconds=1)
    z = Shifts(term.store, term.staff, manager, clock=clock).z_report(confirm_pending=True)
    assert z.sales_count == 1 and z.sales_total == 800  # the completed one is a sale
    assert z.tenders == {"card": {"sales": 800, "refunds": 0}}  # the others are no sales money
    assert {(o["reference"], o["outcome"], o["amount"]) for o in z.card_orphans} == {
        (first, "reversed", 1250), (second, "completed", 800), (third, "refunded", 350),
        (fourth, "open", 700)}
    text = "\n".join(report_lines(z, "en"))
    for line in ("Card approvals reversed   1 / 12.50", "Completed as sales   1 / 8.00",
                 "Refunded to the card   1 / 3.50", "Open, for a manager   1 / 7.00"):
        label, value = line.split("   ")
        assert any(t.strip().startswith(label) and t.endswith(value) for t in text.split("\n"))
    term.store.close()



def test_a_settled_orphan_is_refunded_to_the_card_journalled_and_never_twice(till, clock):
    ref = abandon_after_approval(till.path, clock, MILK)
    settle(till.path)
    term, manager = manager_till(till.path, clock)

    done = term.card_recovery().refund(manager, ref)

    assert done.outcome == "refunded"
    memory = terminal_memory(till.path)
    [(refund_ref, amount)] = memory.refunded.items()
    assert amount == Money(1250, "CNY")
    c = term.store.conn
    assert c.execute("SELECT amount, status, detail FROM payment_journal WHERE reference = ?",
                     (refund_ref,)).fetchone() == (-1250, "captured", f"refund of {ref}")
    assert c.execute("SELECT resolution FROM payment_journal WHERE reference = ?",
                     (ref,)).fetchone() == ("refunded",)
    [resolved] = events(term.store, "card_orphan_resolved")
    assert resolved["outcome"] == "refunded" and resolved["refund_reference"] == refund_ref
    assert term.orphan_card_payments() == 0
    with pytest.raises(NotFound):
        term.card_recovery().refund(manager, ref)
    assert len(terminal_memory(till.path).refunded) == 1
    term.store.close()


def test_a_refund_the_terminal_declines_records_nothing_and_stays_open(till, clock):
    ref = abandon_after_approval(till.path, clock, MILK)
    settle(till.path)
    term, manager = manager_till(till.path, clock)
    term.payments.outcomes.append(PaymentStatus.DECLINED)  # type: ignore[attr-defined]
    with pytest.raises(PaymentError) as refused:
        term.card_recovery().refund(manager, ref)
    assert refused.value.code == "orphan_refund_failed"
    assert [o.reference for o in term.card_recovery().open()] == [ref]
    assert events(term.store, "card_orphan_resolved") == []
    term.store.close()


class BrokenTerminal(SimulatedPaymentTerminal):
    """A vendor SDK that raises instead of answering."""

    def query(self, reference):
        raise ConnectionError("USB device gone")

    def reverse(self, reference, amount):
        raise ConnectionError("USB device gone")


def test_a_terminal_that_fails_at_start_never_stops_the_till(till, clock):
    ref = abandon_after_approval(till.path, clock, MILK)
    term = Terminal(Store.open(till.path), clock=clock, payments=BrokenTerminal())
    checked = term.card_recovery().check_at_start()
    assert [o.reference for o in checked.open] == [ref]  # reported to the central, kept
    assert events(term.store, "card_orphan_found")[0]["terminal_state"] == "unreachable"
    term.store.close()


def test_an_attempt_that_never_reached_the_terminal_is_closed_when_the_manager_reverses_it(
        till, clock):
    store = Store.open(till.path)
    term = Terminal(store, clock=clock, payments=SimulatedPaymentTerminal(["timeout"]))
    co = term.checkout(term.staff.login(1001, "1111"))
    co.scan(MILK)
    with pytest.raises(PaymentError):
        co.pay_card()
    store.conn.execute("UPDATE payment_journal SET status = 'pending'")  # died mid-question
    store.close()
    quiet = SimulatedPaymentTerminal(state=simulator_state(till.path))
    quiet.answers = False  # the terminal is off when the till starts: unknown, kept open
    term = Terminal(Store.open(till.path), clock=clock, payments=quiet)
    [orphan] = term.card_recovery().check_at_start().open
    assert events(term.store, "card_orphan_found") == []  # not known to be charged: no alarm
    quiet.answers = True
    done = term.card_recovery().reverse(term.staff.login(3001, "3333"), orphan.reference)
    assert done.outcome == "not_charged" and term.card_recovery().open() == []
    assert term.store.conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0
    term.store.close()


def test_two_processes_starting_at_once_resolve_an_orphan_once(till, clock):
    """The window and a command start together on the same database: one reverses it, the
    other finds it done; one event, one reversal."""
    ref = abandon_after_approval(till.path, clock, MILK)
    window = restart(till.path, clock)

    class Racing(SimulatedPaymentTerminal):
        """The command line's terminal: while it is asked, the window's start runs."""

        raced = False

        def query(self, reference):
            if not self.raced:
                self.raced = True
                window.card_recovery().check_at_start()
            return super().query(reference)

    command = Terminal(Store.open(till.path), clock=clock,
                       payments=Racing(state=simulator_state(till.path)))
    checked = command.card_recovery().check_at_start()
    assert [o.reference for o in checked.reversed] == [ref]  # it is reversed, by whichever
    assert terminal_memory(till.path).reversed == [ref]
    assert len(events(command.store, "card_orphan_resolved")) == 1
    command.store.close()
    window.store.close()


def test_a_second_refund_of_the_same_payment_is_refused_before_the_terminal_is_asked(till,
                                                                                   clock):
    ref = abandon_after_approval(till.path, clock, MILK)
    settle(till.path)
    term, manager = manager_till(till.path, clock)
    # Another process's refund is under way (journalled, the terminal not answered yet).
    term.store.conn.execute(
        "INSERT INTO payment_journal (reference, amount, currency, status, created_at, "
        "updated_at, detail) VALUES ('r-other', -1250, 'CNY', 'pending', 'x', 'x', ?)",
        (f"refund of {ref}",))
    with pytest.raises(InvalidInput) as refused:
        term.card_recovery().refund(manager, ref)
    assert refused.value.code == "orphan_refund_under_way"
    assert terminal_memory(till.path).refunded == {}
    term.store.close()
