"""What selling needs of the devices, as ports: the app imports no device module; the
composition root (posclient/app/terminal.py) hands in the real ones (posclient/devices/)."""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from posclient.domain.money import Money


class CardResult(Protocol):
    """The card terminal's answer (posclient/devices/payment.py ``PaymentResult``): its
    ``status`` is ``approved``, ``declined`` or ``timeout``."""

    @property
    def status(self) -> StrEnum: ...
    @property
    def auth_code(self) -> str: ...
    @property
    def detail(self) -> str: ...
    @property
    def message(self) -> str: ...


class CardTerminal(Protocol):
    """The payment terminal as a sale uses it (posclient/devices/payment.py
    ``PaymentTerminal``); the window hands the same one to a return."""

    def authorize(self, amount: Money, reference: str) -> CardResult: ...

    def reverse(self, reference: str, amount: Money) -> CardResult: ...

    def refund(self, amount: Money, reference: str, original: str) -> CardResult:
        """Money back to the card of the approved payment ``original`` (a return)."""
        ...


class Drawer(Protocol):
    """The cash drawer (posclient/devices/drawer.py ``CashDrawer``)."""

    def open(self) -> None: ...
