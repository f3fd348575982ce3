"""F12: an item's stock here and at the other stores of the chain (issue 18).

Under this store's position, a table of the other stores of its group: the store (its name in
the window's language), what it has available, how far it is, and how fresh its level is (its
tills' last upload). Online the levels come live from the central, asked in a worker
(posclient/app/chain_stock.py); while they load the table says "Checking other stores…"; a failure
falls back to the levels the till kept, with their age and a clear line that they cannot be
confirmed now. From a store with stock, "Order for customer" orders the item there
(posclient/ui/aisle.py) when the window can.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from posclient.app.chain_stock import ChainStock, ChainView, OtherStore
from posclient.app.lookup import ProductInfo
from posclient.domain.catalogue import message_for
from posclient.domain.errors import PosError

from . import a11y, widgets
from .search import stock_text
from .stock import fill, make_table
from .workers import Background

ORDER_KEY = "F9"  # "Order for customer" in this dialog


def age_text(seconds: int | None) -> str:
    """How old a level is, in the window's language: "just now", "5 min ago", "3 h ago",
    "2 d ago"; "never uploaded" for a store whose tills never uploaded."""
    if seconds is None:
        return QCoreApplication.translate("ChainStock", "never uploaded")
    if seconds < 60:
        return QCoreApplication.translate("ChainStock", "just now")
    if seconds < 3_600:
        text, n = QCoreApplication.translate("ChainStock", "%1 min ago"), seconds // 60
    elif seconds < 2 * 86_400:
        text, n = QCoreApplication.translate("ChainStock", "%1 h ago"), seconds // 3_600
    else:
        text, n = QCoreApplication.translate("ChainStock", "%1 d ago"), seconds // 86_400
    return text.replace("%1", str(n))


def distance_text(km: float | None) -> str:
    if km is None:
        return "—"
    return f"{km:.1f} km" if km < 100 else f"{km:.0f} km"


class ChainStockDialog(QDialog):
    """Find an item (code or name); see it here and at the other stores."""

    def __init__(self, find: Callable[[str], list[ProductInfo]], chain: ChainStock,
                 background: Background | None, lang: str, text: str = "",
                 parent: QWidget | None = None,
                 order: Callable[[ProductInfo, OtherStore], bool] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chainStock")
        self.setWindowTitle(self.tr("Stock here and at other stores"))
        self.resize(820, 600)
        self.find_products, self.chain, self.background, self.lang = find, chain, background, lang
        self.order = order  # orders the item at another store (None: the window cannot)
        self.product: ProductInfo | None = None
        self.view: ChainView | None = None
        self._asked = 0  # the latest question: an older answer is only kept, not shown
        layout = QVBoxLayout(self)
        self.query = QLineEdit(text)
        self.query.setObjectName("chainQuery")
        self.query.setPlaceholderText(self.tr("Barcode, item number or name"))
        self.query.returnPressed.connect(self.search)
        layout.addWidget(self.query)
        self.results = QListWidget()
        self.results.setObjectName("chainResults")
        self.results.setMaximumHeight(110)
        self.results.currentItemChanged.connect(lambda item, _old: self._chosen(item))
        layout.addWidget(self.results)
        self.here = QLabel()
        self.here.setObjectName("chainHere")
        self.here.setWordWrap(True)
        layout.addWidget(self.here)
        self.status = QLabel()
        self.status.setObjectName("chainStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.table = make_table("chainStores", [
            self.tr("Store"), self.tr("Available"), self.tr("Distance"), self.tr("Updated")])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):  # figures and ages never wrap: the store's name gives way
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setWordWrap(False)
        layout.addWidget(self.table, 1)
        self.message = QLabel()
        self.message.setObjectName("chainMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        row = QHBoxLayout()
        self.order_button = QPushButton(self.tr("Order for customer") + f"  {ORDER_KEY}")
        self.order_button.setObjectName("chainOrder")
        self.order_button.setAutoDefault(False)
        self.order_button.clicked.connect(self.order_selected)
        self.order_button.setVisible(order is not None)
        close = QPushButton(self.tr("Close"))
        close.setObjectName("chainClose")
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        row.addWidget(self.order_button)
        row.addStretch(1)
        row.addWidget(close)
        layout.addLayout(row)
        if order is not None:
            QShortcut(QKeySequence(ORDER_KEY), self, self.order_selected)
        a11y.name(self.query, self.tr("Barcode, item number or name"))
        a11y.name(self.results, self.tr("Products found"))
        a11y.name(self.table, self.tr("Other stores"),
                  self.tr("%1 orders the selected store's stock for the customer")
                  .replace("%1", ORDER_KEY))
        a11y.spoken(self.status, self.tr("Other stores"))
        a11y.spoken(self.message, self.tr("Message"))
        a11y.complete(self)
        self.query.setFocus()
        if text.strip():
            self.search()

    def say(self, text: str, error: bool = False) -> None:
        widgets.show_message(self.message, text, error=error)

    # -- finding the item ----------------------------------------------------------------------
    def search(self) -> None:
        text = self.query.text().strip()
        self.results.clear()
        if not text:
            return
        try:
            found = self.find_products(text)
        except PosError as exc:
            self.say(message_for(exc, self.lang), error=True)
            return
        if not found:
            self.say(self.tr("Nothing found for %1").replace("%1", text), error=True)
            return
        self.say("")
        for info in found:
            item = QListWidgetItem(f"{info.product.name(self.lang)}   {info.product.sku}")
            item.setData(Qt.ItemDataRole.UserRole, info)
            self.results.addItem(item)
        self.results.setCurrentRow(0)

    def _chosen(self, item: QListWidgetItem | None) -> None:
        info = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if not isinstance(info, ProductInfo):
            return
        self.product = info
        self.here.setText(self.tr("Here: %1").replace("%1", stock_text(info) or self.tr(
            "no stock level known")))
        self.ask(info.product.id)

    # -- the other stores ----------------------------------------------------------------------
    def ask(self, product_id: int) -> None:
        """The other stores for ``product_id``: live in a worker when the till can ask the
        central, else (or when it fails) the levels kept."""
        self._asked += 1
        asked, chain = self._asked, self.chain
        if not chain.can_ask or self.background is None:
            self.show_view(chain.offline(product_id, None))
            return
        self.view = None
        self.table.setRowCount(0)
        widgets.show_message(self.status, self.tr("Checking other stores…"))
        self.order_button.setEnabled(False)
        self.background.run(lambda: chain.ask(product_id),
                            lambda answer: self._answered(asked, product_id, answer),
                            lambda exc: self._failed(asked, product_id, exc))

    def _answered(self, asked: int, product_id: int, answer: Any) -> None:
        view = self.chain.received(product_id, answer)  # kept even if the dialog closed
        if shiboken6.isValid(self) and asked == self._asked:
            self.show_view(view)

    def _failed(self, asked: int, product_id: int, exc: object) -> None:
        if not shiboken6.isValid(self) or asked != self._asked:
            return
        problem = exc if isinstance(exc, PosError) else None
        self.show_view(self.chain.offline(product_id, problem))

    def show_view(self, view: ChainView) -> None:
        self.view = view
        fill(self.table, [(s.name(self.lang), s.available, distance_text(s.distance_km),
                           age_text(s.age_s)) for s in view.stores])
        if view.stores:
            self.table.selectRow(next((i for i, s in enumerate(view.stores) if s.available > 0),
                                      0))
        widgets.show_message(self.status, self.status_text(view), error=not view.live)
        self.order_button.setEnabled(view.live and any(s.available > 0 for s in view.stores))

    def status_text(self, view: ChainView) -> str:
        """One line on where the levels come from."""
        if view.live:
            if not view.stores:
                return self.tr("No other store of this group has this item")
            return self.tr("Live from the central")
        if view.problem is not None and view.problem.code == "chain_stock_unknown":
            return message_for(view.problem, self.lang)
        line = self.tr("Offline: other stores' stock cannot be confirmed now")
        if view.received_at is None:
            return line + "\n" + self.tr("Nothing is kept on this till about other stores "
                                         "for this item")
        age = view.received_age_s(self.chain.clock.now())
        return line + "\n" + self.tr("Last checked: %1").replace("%1", age_text(age))

    def selected_store(self) -> OtherStore | None:
        row = self.table.currentRow()
        if self.view is None or row < 0 or row >= len(self.view.stores):
            return None
        return self.view.stores[row]

    def order_selected(self) -> None:
        """Order the item at the selected store for the customer (posclient/ui/aisle.py)."""
        if self.order is None or self.product is None:
            return
        store = self.selected_store()
        if self.view is None or not self.view.live:
            self.say(self.tr("Offline: cannot order from another store now"), error=True)
            return
        if store is None or store.available <= 0:
            self.say(self.tr("Select a store that has the item"), error=True)
            return
        if self.order(self.product, store):
            self.accept()
