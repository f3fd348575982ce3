"""The till's real devices, built from their settings in the terminal config: what the
composition root (posclient/cli.py, posclient/till_wiring.py) hands the ``Terminal`` as its
``devices`` (the ``TillDevices`` port of posclient/app/ports.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from posclient.domain.errors import PosError
from posclient.domain.pole_config import PoleConfig

from .drawer import EscposDrawer
from .pole import PoleDisplay
from .printer import PrinterConfig, ReceiptPrinter


class Devices:
    """The receipt printer (with the cash drawer on its kick port) and the pole display."""

    def check_printer(self, settings: Mapping[str, Any]) -> None:
        """Raise ``InvalidInput`` (``printer_config``) for a setting the printer cannot use."""
        PrinterConfig.from_dict(settings)

    def connect_printer(self, settings: Mapping[str, Any],
                        lang: str) -> tuple[ReceiptPrinter, EscposDrawer] | None:
        """The printer ``settings`` set up and its drawer; None for "no printer"."""
        config = PrinterConfig.from_dict(settings)
        if config.kind == "none":
            return None
        printer = ReceiptPrinter(config, lang=lang)
        return printer, EscposDrawer(printer)

    def connect_pole(self, config: PoleConfig,
                     on_fault: Callable[[PosError | None], None]) -> PoleDisplay:
        return PoleDisplay(config, on_fault=on_fault)
