"""The cash drawer, as the till sees it. The ESC/POS kick through the receipt printer arrives
with the printer driver (issue 4); until then a till runs with :class:`NoDrawer`."""

from __future__ import annotations

from typing import Protocol


class CashDrawer(Protocol):
    def open(self) -> None:
        """Kick the drawer open. Raises OSError when the device cannot be reached."""
        ...


class NoDrawer:
    """A till with no drawer connected: opening does nothing, and says so."""

    connected = False

    def open(self) -> None:
        return None
