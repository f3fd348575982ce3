"""Pick-up of a web order at the till (Ctrl+O): find the order, choose what to hand over, check
the pick-up code; the basket then holds the order's lines and only what is still due is paid.

The order is looked up on the till first (its copy of the order, with this till's own pick-ups
counted) and, off the GUI thread, fetched fresh from the central when a central is there; the
fresh copy replaces the till's when it comes. Without the central, the till's copy is used and
the dialog says so. The pick-up code is checked the same way: by the central, off the GUI
thread, when there is one; when it does not answer, by the till against the order's hash
(posclient/app/basket_start.py ``start_pickup``; both count wrong codes).

A delivery this store ships (ordered at another store's till for delivery, issue 18) is marked
"DELIVERY": it has no pick-up code, and goes to the courier on the same path, approved by a
supervisor; the address is not on the till (the courier's dispatch reads it at the central).

The customer is shown as the till holds them (issue 17): the masked name and the phone's last
four digits (``陈** ****8000``), never more. A typed phone finds the order by its keyed hash.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from posclient.app.orders import OrderView
from posclient.app.pickup_desk import PickupDesk
from posclient.domain.catalogue import message_for
from posclient.domain.errors import PosError
from posclient.domain.money import Money
from posclient.domain.names import local_name
from posclient.domain.privacy import masked_phone

from . import a11y, fmt, widgets
from .i18n import QT_TRANSLATE_NOOP
from .workers import Background

log = logging.getLogger(__name__)



class PickupCentral(Protocol):
    """What the dialog asks the central through the sync engine (sync.engine.SyncEngine)."""

    def fetch_order(self, order_no: str) -> Any: ...  # sync.protocol.OrderData

    def check_pickup_code(self, order_no: str, code: str) -> Any: ...  # PickupCodeAnswer


class PickupDialog(QDialog):
    """``accept()`` = the basket now holds the hand-over (PickupDesk.hand_over)."""

    COLUMNS = (QT_TRANSLATE_NOOP("PickupDialog", "Item"),
               QT_TRANSLATE_NOOP("PickupDialog", "Ordered"),
               QT_TRANSLATE_NOOP("PickupDialog", "Collected"),
               QT_TRANSLATE_NOOP("PickupDialog", "Hand over"))

    def __init__(self, desk: PickupDesk, central: PickupCentral | None,
                 background: Background | None, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pickup")
        self.setWindowTitle(self.tr("Order pick-up"))
        self.desk, self.central, self.background, self.lang = desk, central, background, lang
        self.view: OrderView | None = None
        self.checking = False  # the central is checking the code: the dialog waits
        layout = QVBoxLayout(self)
        self.query = QLineEdit()
        self.query.setObjectName("orderQuery")
        self.query.setPlaceholderText(self.tr("Scan the order's QR code, or type its number or "
                                              "the customer's phone"))
        self.query.returnPressed.connect(self.find_order)
        layout.addWidget(self.query)
        self.info = a11y.LiveLabel(self.tr("Order"))
        self.info.setObjectName("orderInfo")
        self.info.setWordWrap(True)
        layout.addWidget(self.info)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setObjectName("orderLines")
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in self.COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumSize(720, 240)
        layout.addWidget(self.table)
        form = QFormLayout()
        self.code = QLineEdit()
        self.code.setObjectName("pickupCode")
        self.code.setMaxLength(32)  # what the central's check takes (codes are 4-12 long)
        self.code.setPlaceholderText(self.tr("from the customer's message; empty: a supervisor "
                                             "checks the order otherwise"))
        form.addRow(self.tr("Pick-up code"), self.code)
        layout.addLayout(form)
        self.summary = a11y.LiveLabel(self.tr("Hand over"))
        self.summary.setObjectName("handoverSummary")
        layout.addWidget(self.summary)
        self.message = QLabel()
        self.message.setObjectName("pickupMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(self.tr("Hand over"))
        self.code.returnPressed.connect(self.accept)  # Enter after the code: hand over
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        a11y.name(self.query, self.tr("Order"), self.query.placeholderText())
        a11y.name(self.table, self.tr("Order lines"),
                  self.tr("The last column: how many to hand over"))
        a11y.spoken(self.message, self.tr("Message"))
        a11y.complete(self)
        self.query.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter belongs to the field it is typed in (a scanner's Enter finds the order; after
        the code it hands over), never to the dialog's default button."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return
        super().keyPressEvent(event)

    def say(self, text: str, error: bool = False) -> None:
        widgets.show_message(self.message, text, error=error)

    # -- finding the order -----------------------------------------------------------------------
    def find_order(self) -> None:
        text = self.query.text().strip()
        if not text:
            return
        try:
            found = self.desk.find(text)
        except PosError as exc:  # a phone, and the till has no key to hash it yet
            self.say(message_for(exc, self.lang), error=True)
            return
        if found:
            self.show_order(found[0], fresh=False)
        order_no = found[0] if found else text
        if self.central is None or self.background is None:
            if not found:
                self.say(self.tr("No order %1 on this till").replace("%1", text), error=True)
            return
        self.say(self.tr("Asking the central for order %1…").replace("%1", order_no))
        central = self.central
        self.background.run(lambda: central.fetch_order(order_no), self._fetched,
                            lambda exc: self._not_fetched(exc, bool(found)))

    def _fetched(self, order: Any) -> None:
        self.desk.keep(order)  # closed meanwhile: the copy is kept all the same
        if not shiboken6.isValid(self):
            return
        self.show_order(order.order_no, fresh=True)

    def _not_fetched(self, exc: object, have_copy: bool) -> None:
        if not shiboken6.isValid(self):
            return
        text = message_for(exc, self.lang) if isinstance(exc, PosError) else str(exc)
        if getattr(exc, "code", None) == "order_other_store":  # not this store's (any more)
            self.view = None
            self.table.setRowCount(0)
            self.info.setText(self.tr("Order"))
            self.say(text, error=True)
        elif have_copy:
            self.say(self.tr("Using this till's copy of the order: %1").replace("%1", text))
        else:
            self.say(text, error=True)

    def show_order(self, order_no: str, *, fresh: bool) -> None:
        try:
            view = self.desk.view(order_no)
        except PosError as exc:
            self.say(message_for(exc, self.lang), error=True)
            return
        self.view = view
        o = view.order
        status = {"open": self.tr("open"), "ready": self.tr("ready"),
                  "partly_collected": self.tr("partly collected"),
                  "collected": self.tr("collected"), "cancelled": self.tr("CANCELLED"),
                  "delivered": self.tr("delivered")}.get(o.status, o.status)
        money = lambda minor: fmt.money(Money(minor, o.currency), self.lang)  # noqa: E731
        delivery = o.fulfilment == "delivery"  # this store ships it: to the courier, no code
        self.info.setText(
            (self.tr("DELIVERY: hand it to the courier (no pick-up code: a supervisor "
                     "approves) · ") if delivery else "")
            + self.tr("Order %1 · %2 %3 · %4 · paid online %5 of %6")
            .replace("%1", o.order_no).replace("%2", o.customer_name)
            .replace("%3", masked_phone(o.customer_phone_last4)).replace("%4", status)
            .replace("%5", money(o.paid)).replace("%6", money(o.total)))
        self.code.clear()
        self.code.setEnabled(not delivery)
        self.table.setRowCount(len(o.lines))
        for row, ln in enumerate(o.lines):
            name = local_name(ln.name_zh, ln.name_en, self.lang)
            product = None if name else self.desk.product(ln.product_id)
            if product is not None:  # an order without names: the till's catalogue has them
                name = product.name(self.lang)
            for col, text in enumerate((name or ln.sku, str(ln.qty),
                                        str(view.collected.get(ln.line_no, 0)))):
                item = QTableWidgetItem(text)
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(row, col, item)
            spin = QSpinBox()
            spin.setObjectName(f"handOver{ln.line_no}")
            a11y.name(spin, self.tr("Hand over: %1").replace("%1", name or ln.sku))
            spin.setRange(0, view.open_qty(ln.line_no))
            spin.setValue(view.open_qty(ln.line_no))
            spin.valueChanged.connect(self._recompute)
            self.table.setCellWidget(row, 3, spin)
        if fresh:
            self.say(self.tr("Order as the central has it now"))
        else:
            self.say(self.tr("This till's copy of the order"))
        self._recompute()
        self.code.setFocus()

    def quantities(self) -> dict[int, int]:
        if self.view is None:
            return {}
        return {ln.line_no: widgets.cell_widget(self.table, row, 3, QSpinBox).value()
                for row, ln in enumerate(self.view.order.lines)}

    def _recompute(self) -> None:
        if self.view is None:
            return
        try:
            h = self.view.handover(self.quantities())
        except PosError as exc:
            self.summary.setText(message_for(exc, self.lang))
            return
        cur = self.view.order.currency
        self.summary.setText(
            self.tr("Goods %1 · already paid %2 · to pay now %3")
            .replace("%1", fmt.money(Money(h.goods, cur), self.lang))
            .replace("%2", fmt.money(Money(h.covered, cur), self.lang))
            .replace("%3", fmt.money(Money(h.due, cur), self.lang)))

    # -- handing over ----------------------------------------------------------------------------
    def accept(self) -> None:
        view = self.view
        if self.checking:
            return
        if view is None:
            self.say(self.tr("Find the order first"), error=True)
            return
        code = self.code.text().strip() or None
        quantities = self.quantities()
        if code is None or self.central is None or self.background is None:
            self._hand_over(view, quantities, code, None)
            return
        self._wait(True)
        self.say(self.tr("The central is checking the pick-up code…"))
        central, order_no = self.central, view.order_no
        self.background.run(lambda: central.check_pickup_code(order_no, code),
                            lambda answer: self._checked(view, quantities, code, answer),
                            lambda exc: self._checked(view, quantities, code, None, exc))

    def _checked(self, view: OrderView, quantities: dict[int, int], code: str,
                 answer: Any, exc: object = None) -> None:
        """The central's verdict came (``answer``), or it did not answer (``exc``: the till
        checks the code itself). Closed meanwhile: nothing changes at the till."""
        if not shiboken6.isValid(self) or not self.isVisible():
            return
        self._wait(False)
        if exc is not None:
            log.info("pick-up code checked at the till: the central did not answer (%s)",
                     getattr(exc, "code", type(exc).__name__))
        self._hand_over(view, quantities, code, answer)

    def _wait(self, checking: bool) -> None:
        self.checking = checking
        self.ok.setEnabled(not checking)
        self.code.setReadOnly(checking)

    def _hand_over(self, view: OrderView, quantities: dict[int, int], code: str | None,
                   online: Any) -> None:
        done = widgets.with_approval(
            self, lambda a: self.desk.hand_over(view, quantities, code=code, approval=a,
                                                online=online),
            lambda exc: self.say(message_for(exc, self.lang), error=True),
            widgets.ask_approval, lang=self.lang)
        if done is not None:
            super().accept()
