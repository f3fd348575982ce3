"""What happens once a sale has committed, the same at every front end.

The cash drawer opens when cash changed hands (a cash tender, or cash handed back for goods
returned in the same basket); the receipt prints and the sale is marked printed, or, when the
printer fails, it stays pending for a reprint (the sale is committed whatever the devices do);
the sync engine is nudged so the sale leaves the till soon.

The console and the command line run it whole (:meth:`AfterSale.run`). The window runs the same
steps apart: the device steps (:meth:`AfterSale.open_drawer`, the printer) on its worker thread,
the database steps (:meth:`AfterSale.receipt`, :meth:`AfterSale.printed`) on its own thread,
with its own connection.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from posclient.domain.receipt import Receipt
from posclient.domain.tender import TenderKind

from .checkout import CompletedSale
from .ports import CashDrawer
from .receipts import Receipts

Printer = Callable[[Receipt], None]


class SyncNudge(Protocol):
    """The sync engine, as far as a committed sale needs it: send soon."""

    def sync_now(self) -> None: ...


@dataclass(frozen=True, slots=True)
class AfterSaleOutcome:
    """What :meth:`AfterSale.run` did; a fault never undoes the sale."""

    drawer_opened: bool
    printed: bool
    drawer_fault: OSError | None = None
    print_fault: OSError | None = None  # the receipt stays pending (reprint --pending, F11)


def takes_drawer(sale: CompletedSale) -> bool:
    """Cash changed hands: taken for the sale, or handed back for goods returned with it."""
    if any(t.kind is TenderKind.CASH for t in sale.tenders):
        return True
    return sale.exchange is not None and bool(sale.exchange.cash)


class AfterSale:
    """The after-commit use case of one till: its receipts, its drawer and (when the till has
    one running) its sync engine."""

    def __init__(self, receipts: Receipts, drawer: CashDrawer,
                 sync: SyncNudge | None = None) -> None:
        self.receipts = receipts
        self.drawer = drawer
        self.sync = sync

    # -- the steps -------------------------------------------------------------------------------
    def opens_drawer(self, sale: CompletedSale) -> bool:
        """Whether this sale opens the drawer (:func:`takes_drawer`)."""
        return takes_drawer(sale)

    def open_drawer(self) -> None:
        """Device step: kick the drawer open (OSError on a fault)."""
        self.drawer.open()

    def receipt(self, sale_id: int, lang: str) -> Receipt:
        """Database step: the sale's receipt, to print."""
        return self.receipts.build(sale_id, lang)

    def printed(self, sale_id: int) -> None:
        """Database step, once the receipt has printed: the sale is no longer pending."""
        self.receipts.mark_printed(sale_id)

    def nudge(self) -> None:
        """Ask the sync engine, if the till runs one, to send the sale now."""
        if self.sync is not None:
            self.sync.sync_now()

    # -- all of it, on one thread ----------------------------------------------------------------
    def run(self, sale: CompletedSale, printer: Printer | None, lang: str) -> AfterSaleOutcome:
        """Drawer, then receipt (``printer`` None: none is printed), then the nudge."""
        opened, drawer_fault = False, None
        if self.opens_drawer(sale):
            try:
                self.open_drawer()
                opened = True
            except OSError as exc:
                drawer_fault = exc
        printed, print_fault = False, None
        if printer is not None:
            try:
                printer(self.receipt(sale.sale_id, lang))
            except OSError as exc:
                print_fault = exc
            else:
                self.printed(sale.sale_id)
                printed = True
        self.nudge()
        return AfterSaleOutcome(opened, printed, drawer_fault, print_fault)
