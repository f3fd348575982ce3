"""Ordering for the customer from another store (issue 18, endless aisle), at the selling screen.

From F12's table (ui/chain_stock.py), on a store that has the item: the quantity (at most what
that store has free), paid in full or a deposit, the customer's name and mobile; or, ticked
"Deliver to the customer", the address too (at most 200 characters), and then paid in full.
The dialog checks and seals the order (posclient/app/aisle.py ``Aisle.prepare``); the hold at
that store is asked in a worker; the order enters the basket only once held. Offline, or when
the store has no longer enough, the cashier reads why and nothing is added.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from posclient.app.aisle import MAX_ADDRESS, Aisle
from posclient.app.aisle_order import AisleOrder
from posclient.app.chain_stock import OtherStore
from posclient.app.lookup import ProductInfo
from posclient.domain.catalogue import message_for
from posclient.domain.errors import InvalidInput, PosError
from posclient.domain.money import Money

from . import a11y, fmt, widgets
from .workers import Background


def aisle_cells(row: int, order: AisleOrder, lang: str, cur: str) -> list[str]:
    """A cart row of an order for another store: number, item and where it is collected,
    quantity, price, no discount, and what is paid now."""
    text = (QCoreApplication.translate("SellPage", "%1 · order, delivery from %2")
            if order.is_delivery else
            QCoreApplication.translate("SellPage", "%1 · order, collect at %2"))
    return [str(row + 1),
            text.replace("%1", order.item_name(lang)).replace("%2", order.store_name(lang)),
            str(order.qty), fmt.money(Money(order.unit_price, cur), lang, symbol=False), "",
            fmt.money(Money(order.paid_now, cur), lang, symbol=False)]


class AisleDialog(QDialog):
    """The order's quantity, payment and customer; ``accept()`` once it is checked and sealed
    (``self.order``), not yet held."""

    def __init__(self, aisle: Aisle, info: ProductInfo, store: OtherStore, lang: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aisleOrder")
        self.setWindowTitle(self.tr("Order for customer"))
        self.aisle, self.info, self.store, self.lang = aisle, info, store, lang
        self.order: AisleOrder | None = None
        layout = QVBoxLayout(self)
        self.heading = QLabel(self._heading(False))
        self.heading.setObjectName("aisleHeading")
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        form = QFormLayout()
        self.qty = QSpinBox()
        self.qty.setObjectName("aisleQty")
        self.qty.setRange(1, max(1, store.available))
        self.qty.valueChanged.connect(lambda _v: self._show_total())
        form.addRow(self.tr("Quantity (at most %1)").replace("%1", str(store.available)),
                    self.qty)
        self.deposit = QLineEdit()
        self.deposit.setObjectName("aisleDeposit")
        self.deposit.setPlaceholderText(self.tr("Deposit paid now"))
        self.deposit.setEnabled(False)
        self.deposit_only = QCheckBox(self.tr("A deposit only"))
        self.deposit_only.setObjectName("aisleDepositOnly")
        self.deposit_only.toggled.connect(self.deposit.setEnabled)
        form.addRow(self.deposit_only, self.deposit)
        self.delivery = QCheckBox(self.tr("Deliver to the customer (paid in full now)"))
        self.delivery.setObjectName("aisleDelivery")
        self.delivery.setToolTip(self.tr("%1 ships it to the customer's address. A delivery "
                                         "is paid in full at the till: no deposit.")
                                 .replace("%1", store.name(lang)))
        self.address = QLineEdit()
        self.address.setObjectName("aisleAddress")
        self.address.setMaxLength(MAX_ADDRESS)
        self.address.setPlaceholderText(self.tr("Delivery address"))
        self.address.setEnabled(False)
        self.delivery.toggled.connect(self._delivery_toggled)
        form.addRow(self.delivery, self.address)
        self.name = QLineEdit()
        self.name.setObjectName("aisleName")
        self.name.setMaxLength(50)
        form.addRow(self.tr("Customer's name"), self.name)
        self.phone = QLineEdit()
        self.phone.setObjectName("aislePhone")
        self.phone.setMaxLength(20)
        form.addRow(self.tr("Customer's mobile"), self.phone)
        layout.addLayout(form)
        self.total = QLabel()
        self.total.setObjectName("aisleTotal")
        layout.addWidget(self.total)
        self.message = QLabel()
        self.message.setObjectName("aisleMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.check)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        for widget, text in ((self.qty, self.tr("Quantity")), (self.deposit, self.tr("Deposit")),
                             (self.address, self.tr("Delivery address")),
                             (self.name, self.tr("Customer's name")),
                             (self.phone, self.tr("Customer's mobile"))):
            a11y.name(widget, text)
        a11y.spoken(self.message, self.tr("Message"))
        a11y.complete(self)
        self._show_total()
        self.qty.setFocus()

    def _delivery_toggled(self, on: bool) -> None:
        """A delivery: the address is asked, and it is paid in full (no deposit)."""
        self.address.setEnabled(on)
        if on:
            self.deposit_only.setChecked(False)
        self.deposit_only.setEnabled(not on)
        self.heading.setText(self._heading(on))
        if on:
            self.address.setFocus()

    def _heading(self, delivery: bool) -> str:
        text = (self.tr("%1 from %2 (delivered to the customer, paid in full now)") if delivery
                else self.tr("%1 from %2 (collected there)"))
        return text.replace("%1", self.info.product.name(self.lang)) \
            .replace("%2", self.store.name(self.lang))

    def _show_total(self) -> None:
        price = self.info.price
        if price is None:
            self.total.setText("")
            return
        self.total.setText(self.tr("Order total %1").replace(
            "%1", fmt.money(Money(price.minor * self.qty.value(), price.currency), self.lang)))

    def check(self) -> None:
        paid: int | None = None
        if self.deposit_only.isChecked():
            try:
                currency = self.aisle.checkout.settings.currency
                paid = Money.parse(self.deposit.text(), currency).minor
            except (ValueError, PosError):
                widgets.show_message(self.message, self.tr("Type the deposit, e.g. 20.00"),
                                     error=True)
                return
        try:
            self.order = self.aisle.prepare(self.info.product.id, self.store,
                                            qty=self.qty.value(), paid_now=paid,
                                            name=self.name.text(), phone=self.phone.text(),
                                            address=self.address.text()
                                            if self.delivery.isChecked() else None)
        except PosError as exc:
            widgets.show_message(self.message, message_for(exc, self.lang), error=True)
            return
        self.accept()


def order_for_customer(parent: QWidget, aisle: Aisle, info: ProductInfo, store: OtherStore,
                       background: Background | None, lang: str,
                       say: Callable[[str, bool], None], done: Callable[[], None]) -> bool:
    """Ask for the order, then hold it at ``store`` in a worker and add it to the basket
    (``done()`` then). False: the cashier gave up (or the till cannot order now)."""
    if not aisle.can_order or background is None:
        say(QCoreApplication.translate("SellPage", "Offline: cannot order from another store now"),
            True)
        return False
    dialog = AisleDialog(aisle, info, store, lang, parent)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.order is None:
            return False
        order = dialog.order
    finally:
        dialog.deleteLater()
    say(QCoreApplication.translate("SellPage", "Holding %1 at %2…")
        .replace("%1", order.item_name(lang)).replace("%2", order.store_name(lang)), False)

    basket = aisle.checkout.basket_id  # the order is this customer's: not the next one's

    def held(result: Any) -> None:
        if not shiboken6.isValid(parent):
            return
        try:
            if aisle.checkout.basket_id != basket:
                raise InvalidInput.of("aisle_not_in_sale")
            aisle.place(result)
        except PosError as exc:  # the sale changed meanwhile: give the hold up
            background.run(lambda: aisle.release([result]))
            say(message_for(exc, lang), True)
            return
        say(QCoreApplication.translate("SellPage", "Ordered from %1: %2 × %3, pay %4 now")
            .replace("%1", result.store_name(lang))
            .replace("%2", result.item_name(lang)).replace("%3", str(result.qty))
            .replace("%4", fmt.money(Money(result.paid_now, aisle.checkout.settings.currency),
                                     lang)), False)
        done()

    def refused(exc: object) -> None:
        if shiboken6.isValid(parent):
            say(message_for(exc, lang) if isinstance(exc, PosError) else str(exc), True)

    background.run(lambda: aisle.reserve(order), held, refused)
    return True
