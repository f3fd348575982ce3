"""Ordering for the customer from another store (issue 18, endless aisle), at the selling screen.

From F12's table (ui/chain_stock.py), on a store that has the item: the quantity (at most what
that store has free), paid in full or a deposit, the customer's name and mobile. The dialog
checks and seals the order (posclient/app/aisle.py ``Aisle.prepare``); the hold at that store is
asked in a worker; the order enters the basket only once held. Offline, or when the store has
no longer enough, the cashier reads why and nothing is added.
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

from posclient.app.aisle import Aisle
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
    return [str(row + 1),
            QCoreApplication.translate("SellPage", "%1 · order, collect at %2")
            .replace("%1", order.item_name(lang)).replace("%2", order.store_name(lang)),
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
        heading = QLabel(self.tr("%1 from %2 (collected there)")
                         .replace("%1", info.product.name(lang)).replace("%2", store.name(lang)))
        heading.setObjectName("aisleHeading")
        heading.setWordWrap(True)
        layout.addWidget(heading)
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
                             (self.name, self.tr("Customer's name")),
                             (self.phone, self.tr("Customer's mobile"))):
            a11y.name(widget, text)
        a11y.spoken(self.message, self.tr("Message"))
        a11y.complete(self)
        self._show_total()
        self.qty.setFocus()

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
                                            name=self.name.text(), phone=self.phone.text())
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
