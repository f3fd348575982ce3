"""The cash drawer (posclient/app/ports.py ``CashDrawer``). A drawer plugged into the receipt
printer's drawer port (RJ11) opens with the printer's ESC/POS kick: :class:`EscposDrawer`. A till
with no printer, or no drawer, runs with posclient/app/ports.py ``NoDrawer``."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # no escpos import for a till that has no printer
    from .printer import ReceiptPrinter


class EscposDrawer:
    """The drawer behind the receipt printer: ``open`` sends ESC p (pin 2) as its own job.

    Raises :class:`~posclient.devices.printer.PrinterFault` (an OSError) when the printer cannot
    be reached; the drawer is then still shut.
    """

    connected = True

    def __init__(self, printer: ReceiptPrinter) -> None:
        self.printer = printer

    def open(self) -> None:
        self.printer.open_drawer()
