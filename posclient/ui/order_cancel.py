"""Cancelling an order placed at a till, from the returns screen (issue 18).

The customer brings back the receipt of an order placed at a till (its number, or its code)
and no longer wants it. The returns screen answers "nothing of it was collected": instead of
that refusal it shows this offer, with what the order is when the till knows it (it placed it,
or its store hands it over: posclient/app/aisle_cancel.py ``placed_order``). The button
cancels it at the central and gives its money back in cash (``AisleCancel``): a cashier is
asked for a supervisor's PIN first; the central is asked off the GUI thread ("checking with
the central…"); the money back is recorded on the GUI thread, which owns the till's database.
The returns dialog then closes with the return, and the window opens the drawer, prints the
slip and says what to hand back, as for any return (ui/main_window.py ``returned``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from posclient.app.aisle_cancel import (
    AisleCancel,
    CancelChecked,
    OrderCancelPort,
    placed_order,
)
from posclient.app.returns import CompletedReturn, Returns
from posclient.domain.catalogue import message_for
from posclient.domain.errors import PosError, Unavailable
from posclient.domain.money import Money

from . import a11y, fmt, widgets
from .workers import Background


class OrderCancelOffer(QWidget):
    """Hidden until :meth:`offer`; ``cancelled`` carries the CompletedReturn once the money
    back is recorded. ``say(text, error)``: the dialog's message line; ``reason()``: the
    reason chosen there."""

    cancelled = Signal(object)

    def __init__(self, returns: Returns, central: OrderCancelPort | None,
                 background: Background | None, lang: str, say: Callable[[str, bool], None],
                 reason: Callable[[], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("orderCancelOffer")
        self.r, self.background, self.lang, self._say, self._reason = \
            returns, background, lang, say, reason
        self.service = AisleCancel(returns.store, returns.staff, returns.session,
                                   clock=returns.clock, port=central, settings=returns.settings)
        self.order_no = ""
        self.busy = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.what = a11y.LiveLabel(self.tr("Order placed at a till"))
        self.what.setObjectName("orderCancelWhat")
        self.what.setWordWrap(True)
        layout.addWidget(self.what)
        self.button = QPushButton()
        self.button.setObjectName("cancelOrder")
        self.button.setAutoDefault(False)
        self.button.setMinimumHeight(48)
        self.button.clicked.connect(self.cancel)
        layout.addWidget(self.button)
        self.hide()

    def offer(self, order_no: str) -> None:
        """Show the offer for ``order_no`` (the central said nothing of it was collected, or
        the till is offline and placed it)."""
        self.order_no = order_no.strip()
        known = placed_order(self.r.store, self.r.clock, self.order_no, self.r.settings)
        if known is None:
            self.what.setText(self.tr(
                "Nothing of order %1 has been collected. If it was placed at a till, it can be "
                "cancelled and what was paid for it given back in cash.")
                .replace("%1", self.order_no))
            self.button.setText(self.tr("Cancel the order and give back its money in cash"))
        else:
            paid = fmt.money(Money(known.paid_now, known.currency), self.lang)
            self.what.setText(self.tr("Order %1 · %2 × %3 · collect at %4 · paid %5 · "
                                      "nothing collected yet")
                              .replace("%1", known.order_no).replace("%2", str(known.qty))
                              .replace("%3", known.item_name(self.lang))
                              .replace("%4", known.store_name(self.lang))
                              .replace("%5", paid))
            self.button.setText(self.tr("Cancel the order and give back %1 in cash")
                                .replace("%1", paid))
        a11y.name(self.button, self.button.text(), self.what.text())
        self.button.setEnabled(True)
        self.show()

    def offer_if_placed(self, order_no: str) -> bool:
        """Offline: the offer for an order this till knows was placed at a till (asking will
        say the till cannot know whether it was collected); False for anything else."""
        if placed_order(self.r.store, self.r.clock, order_no, self.r.settings) is None:
            return False
        self.offer(order_no)
        return True

    def withdraw(self) -> None:
        """Another purchase was looked up: no offer."""
        if not self.busy:
            self.order_no = ""
            self.hide()

    def _error(self, exc: object) -> None:
        self._say(message_for(exc, self.lang) if isinstance(exc, PosError) else str(exc), True)

    def cancel(self) -> None:
        """The role and the reason here (a cashier: a supervisor's PIN), then the central off
        the GUI thread."""
        if self.busy or not self.order_no:
            return
        no, reason = self.order_no, self._reason()
        checked = widgets.with_approval(
            self, lambda a: self.service.check(no, reason=reason, approval=a), self._error,
            widgets.ask_approval, lang=self.lang)
        if checked is None:
            return
        if self.background is None:  # no worker pool: the till is not connected either
            self._error(Unavailable.of("order_cancel_offline"))
            return
        self._busy(True)
        self._say(self.tr("Checking with the central…"), False)
        service = self.service
        self.background.run(lambda: service.ask_central(checked),
                            lambda order: self._answered(checked, order), self._refused)

    def _busy(self, busy: bool) -> None:
        self.busy = busy
        self.button.setEnabled(not busy)

    def _refused(self, exc: object) -> None:
        if not shiboken6.isValid(self):
            return
        self._busy(False)
        self._error(exc)

    def _answered(self, checked: CancelChecked, order: Any) -> None:
        """The central cancelled it: the money back, recorded here (one transaction)."""
        if not shiboken6.isValid(self):  # closed meanwhile: a manager pays it back (docs)
            return
        self._busy(False)
        try:
            done: CompletedReturn = self.service.record(checked, order)
        except PosError as exc:
            self._error(exc)
            return
        self.button.setEnabled(False)
        self.cancelled.emit(done)
