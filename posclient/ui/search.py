"""Finding a product by name, brand or code from the sell page (a typed name, not a scan)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from posclient.app.lookup import ProductInfo
from posclient.domain.catalogue import message_for
from posclient.domain.errors import PosError

from . import a11y, fmt


def stock_text(info: ProductInfo) -> str:
    """A product's stock for the cashier: "stock 12", or, when some is held back for pick-up
    orders, "on hand 12 · reserved 3 · sellable 9" (posclient/app/lookup.py works them out)."""
    if info.stock is None:
        return ""
    if not info.reserved:
        return QCoreApplication.translate("SellPage", "stock %1").replace("%1", str(info.stock))
    return (QCoreApplication.translate("SellPage", "on hand %1 · reserved %2 · sellable %3")
            .replace("%1", str(info.stock)).replace("%2", str(info.reserved))
            .replace("%3", str(info.sellable)))


def looks_like_code(text: str) -> bool:
    """What a scanner sends (digits, optionally ``*qty``) or a typed SKU/PLU: no spaces and no
    letters other than a SKU's. Anything else is a search."""
    code = text.rpartition("*")[0] if "*" in text else text
    return bool(code) and code.isascii() and " " not in code and any(c.isdigit() for c in code)


class SearchDialog(QDialog):
    """Products by name, brand or code; Enter or a tap adds the chosen one."""

    def __init__(self, find: Callable[[str], list[ProductInfo]], text: str, lang: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Find a product"))
        self.setObjectName("search")
        self.find_products, self.lang = find, lang
        self.chosen: ProductInfo | None = None
        layout = QVBoxLayout(self)
        self.query = QLineEdit(text)
        self.query.setObjectName("searchQuery")
        self.results = QListWidget()
        self.results.setObjectName("searchResults")
        self.results.setMinimumSize(640, 360)
        layout.addWidget(self.query)
        layout.addWidget(self.results)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._choose)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.query.textChanged.connect(self._search)
        self.query.returnPressed.connect(self._choose)
        self.results.itemActivated.connect(lambda _item: self._choose())
        a11y.name(self.query, self.tr("Product name, brand or code"),
                  self.tr("Enter adds the first product found; arrow keys in the list choose"))
        a11y.name(self.results, self.tr("Products found"))
        a11y.complete(self)
        self.query.setFocus()
        self._search(text)

    def _search(self, text: str) -> None:
        self.results.clear()
        if not text.strip():
            return
        try:
            found = self.find_products(text)
        except PosError as exc:
            self.results.addItem(message_for(exc, self.lang))
            return
        for info in found:
            p = info.product
            name = p.name(self.lang)
            price = fmt.money(info.price, self.lang) if info.price else self.tr("no price")
            item = QListWidgetItem(f"{name}   {p.sku}   {price}   {stock_text(info)}")
            item.setData(Qt.ItemDataRole.UserRole, info)
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)

    def _choose(self) -> None:
        item = self.results.currentItem()
        info = item.data(Qt.ItemDataRole.UserRole) if item else None
        if isinstance(info, ProductInfo):
            self.chosen = info
            self.accept()
