"""The after-commit use case (posclient/app/after_sale.py): the drawer opens for cash, the
receipt prints and is marked printed, a fault leaves it pending, the sync engine is nudged."""

from __future__ import annotations

from typing import Any

from till_kit import MILK

from posclient.app.after_sale import AfterSale
from posclient.app.checkout import CompletedSale
from posclient.app.staff import StaffService
from posclient.app.terminal import Terminal
from posclient.devices.payment import SimulatedPaymentTerminal


class Drawer:
    connected = True

    def __init__(self, fault: OSError | None = None) -> None:
        self.opened = 0
        self.fault = fault

    def open(self) -> None:
        if self.fault is not None:
            raise self.fault
        self.opened += 1


class Engine:
    def __init__(self) -> None:
        self.nudged = 0

    def sync_now(self) -> None:
        self.nudged += 1


def _sale(till: Any, pay: str) -> CompletedSale:
    session = StaffService(till.store, till.clock).login(1001, "1111")
    co = Terminal(till.store, clock=till.clock, payments=SimulatedPaymentTerminal()) \
        .checkout(session)
    co.scan(MILK)
    if pay == "cash":
        co.pay_cash(co.payment.due)
    else:
        co.pay_card()
    return co.complete()


def test_a_cash_sale_opens_the_drawer_prints_marks_printed_and_nudges(till):
    sale = _sale(till, "cash")
    drawer, engine, paper = Drawer(), Engine(), []
    term = Terminal(till.store, clock=till.clock, payments=SimulatedPaymentTerminal())
    outcome = AfterSale(term.receipts, drawer, engine).run(sale, paper.append, "en")
    assert (outcome.drawer_opened, outcome.printed) == (True, True)
    assert drawer.opened == 1 and engine.nudged == 1
    assert [r.receipt_no for r in paper] == [sale.receipt_no]
    assert term.receipts.unprinted() == []


def test_a_card_sale_leaves_the_drawer_shut(till):
    sale = _sale(till, "card")
    drawer = Drawer()
    term = Terminal(till.store, clock=till.clock, payments=SimulatedPaymentTerminal())
    outcome = AfterSale(term.receipts, drawer).run(sale, lambda r: None, "en")
    assert not outcome.drawer_opened and drawer.opened == 0


def test_a_printer_fault_leaves_the_receipt_pending_and_the_sale_committed(till):
    sale = _sale(till, "cash")
    engine = Engine()

    def jammed(receipt: object) -> None:
        raise OSError("paper out")

    term = Terminal(till.store, clock=till.clock, payments=SimulatedPaymentTerminal())
    outcome = AfterSale(term.receipts, Drawer(OSError("unplugged")), engine).run(
        sale, jammed, "en")
    assert str(outcome.print_fault) == "paper out" and not outcome.printed
    assert str(outcome.drawer_fault) == "unplugged" and not outcome.drawer_opened
    assert [u.sale_id for u in term.receipts.unprinted()] == [sale.sale_id]
    assert engine.nudged == 1  # the sale goes to the central all the same


def test_no_printer_prints_nothing_and_leaves_the_receipt_pending(till):
    sale = _sale(till, "cash")
    term = Terminal(till.store, clock=till.clock, payments=SimulatedPaymentTerminal())
    outcome = AfterSale(term.receipts, Drawer()).run(sale, None, "en")
    assert not outcome.printed and len(term.receipts.unprinted()) == 1


def test_cash_handed_back_for_goods_returned_in_the_same_basket_opens_the_drawer(till):
    from dataclasses import replace

    from posclient.app.after_sale import takes_drawer
    from posclient.app.returns import CompletedReturn, RefundTender

    sale = _sale(till, "card")

    def back(kind: str) -> CompletedReturn:
        money = sale.totals.total
        return CompletedReturn(1, "R-1", "e", 1, money, (RefundTender(kind, money),),
                               sale.completed_at)

    assert not takes_drawer(sale)
    assert takes_drawer(replace(sale, exchange=back("cash")))
    assert not takes_drawer(replace(sale, exchange=back("card")))
