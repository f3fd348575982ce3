"""Stock at the till: a count by scanning (Ctrl+T: a shelf or the whole store) and receiving a
delivery or transfer against its expected lines (Ctrl+D). Every rule is the service's
(posclient/app/stock.py); these screens scan, show and ask for the supervisor's PIN."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from posclient.app.stock import (
    CountLine,
    ExpectedDelivery,
    ReceiveLine,
    Receiving,
    StockCount,
    open_deliveries,
)
from posclient.domain.catalogue import message_for
from posclient.domain.errors import PosError
from posclient.domain.names import local_name

from . import a11y, widgets

RED = QBrush(QColor("#b00020"))


def split_qty(text: str) -> tuple[str, int]:
    """``code*3`` (as at the sell screen) -> ("code", 3); a plain code counts 1."""
    code, star, qty = text.strip().rpartition("*")
    if star and code and qty.isdigit():
        return code.strip(), int(qty)
    return text.strip(), 1


def fill(table: QTableWidget, rows: Sequence[Sequence[object]], red_col: int | None = None) -> None:
    """Rows into a read-only table; a non-zero value in ``red_col`` shows its row in red."""
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem(str(value))
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            if isinstance(value, int):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if red_col is not None and row[red_col]:
                item.setForeground(RED)
            table.setItem(r, c, item)


def make_table(name: str, headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    return table


def _signed(n: int) -> str:
    return f"+{n}" if n > 0 else str(n)


class StockCountDialog(QDialog):
    """Scan what is on the shelf (or in the store); each line shows what the till expected and
    the difference; Post books the differences with a supervisor's PIN."""

    stock_moved = Signal()  # a count was posted: the window nudges the sync engine

    def __init__(self, lang: str, *, store: object, staff: object, session: object,
                 clock: object, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stockCount")
        self.setWindowTitle(self.tr("Stock count"))
        self.resize(760, 560)
        self.lang = lang
        self._args = (store, staff, session, clock)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.scope = QComboBox()
        self.scope.setObjectName("countScope")
        self.scope.addItem(self.tr("A shelf"), "shelf")
        self.scope.addItem(self.tr("The whole store"), "store")
        self.label = QLineEdit()
        self.label.setObjectName("countLabel")
        self.label.setPlaceholderText(self.tr("Shelf or aisle (e.g. aisle 3)"))
        top.addWidget(QLabel(self.tr("Count")))
        top.addWidget(self.scope)
        top.addWidget(self.label, 1)
        layout.addLayout(top)
        self.scan_field = QLineEdit()
        self.scan_field.setObjectName("countScan")
        self.scan_field.setPlaceholderText(self.tr("Scan an item (code*5 counts five)"))
        self.scan_field.returnPressed.connect(self.scan)
        layout.addWidget(self.scan_field)
        self.table = make_table("countLines", [
            self.tr("SKU"), self.tr("Item"), self.tr("Expected"), self.tr("Counted"),
            self.tr("Difference")])
        layout.addWidget(self.table, 1)
        self.message = QLabel()
        self.message.setObjectName("countMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        row = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for name, text, slot in (("setCount", self.tr("Correct the count"), self.correct),
                                 ("postCount", self.tr("Post the count"), self.post),
                                 ("closeCount", self.tr("Close"), self.reject)):
            b = QPushButton(text)
            b.setObjectName(name)
            b.setAutoDefault(False)
            b.clicked.connect(slot)
            row.addWidget(b)
            self.buttons[name] = b
        layout.addLayout(row)
        self.count: StockCount | None = None
        self.scope.currentIndexChanged.connect(lambda _: self._new_count())
        a11y.name(self.scope, self.tr("Count"))
        a11y.name(self.table, self.tr("Counted lines"))
        a11y.spoken(self.message, self.tr("Message"))
        a11y.complete(self)
        self._new_count()
        self.scan_field.setFocus()

    def _new_count(self) -> None:
        store, staff, session, clock = self._args
        self.count = StockCount(store, staff, session, clock=clock,  # type: ignore[arg-type]
                                scope=str(self.scope.currentData()), label=self.label.text())
        self.refresh()

    def say(self, text: str, error: bool = False) -> None:
        widgets.show_message(self.message, text, error=error)

    def refresh(self) -> None:
        assert self.count is not None
        lines = self.count.lines()
        self.rows: list[CountLine] = lines
        fill(self.table, [(ln.sku, local_name(ln.name_zh, ln.name_en, self.lang), ln.expected,
                           ln.counted, _signed(ln.difference) if ln.difference else 0)
                          for ln in lines], red_col=4)
        self.scope.setEnabled(not self.count.counted)

    def scan(self) -> None:
        assert self.count is not None
        code, qty = split_qty(self.scan_field.text())
        self.scan_field.clear()
        if not code:
            return
        self.count.label = self.label.text().strip()
        try:
            product, so_far = self.count.scan(code, qty)
        except PosError as exc:
            self.say(message_for(exc, self.lang), error=True)
            return
        name = product.name(self.lang)
        self.say(self.tr("%1: %2 counted").replace("%1", name).replace("%2", str(so_far)))
        self.refresh()

    def correct(self) -> None:
        assert self.count is not None
        row = self.table.currentRow()
        if row < 0 or row >= len(self.rows):
            self.say(self.tr("Select a line first"), error=True)
            return
        line = self.rows[row]
        qty, ok = QInputDialog.getInt(self, self.tr("Correct the count"),
                                      self.tr("Counted of %1").replace("%1", line.sku),
                                      line.counted, 0, 10_000_000)
        if not ok:
            return
        try:
            if line.product_id not in self.count.counted:  # a whole-store line nobody scanned
                self.count.counted[line.product_id] = 0
            self.count.set(line.product_id, qty)
        except PosError as exc:
            self.say(message_for(exc, self.lang), error=True)
            return
        self.refresh()

    def post(self) -> None:
        assert self.count is not None
        count = self.count
        count.label = self.label.text().strip()
        done = widgets.with_approval(self, count.post,
                                     lambda exc: self.say(message_for(exc, self.lang), error=True),
                                     widgets.ask_approval, lang=self.lang)
        if done is None:
            return
        self.posted = done
        self.stock_moved.emit()
        self.refresh()
        self.say(self.tr("Count posted: %1 line(s), %2 with a difference")
                 .replace("%1", str(len(done.lines))).replace("%2", str(done.differences)))
        self.scan_field.setFocus()


class ReceivingDialog(QDialog):
    """The deliveries and transfers the store expects; pick one, scan what arrived (expected
    against received per line), post it with a supervisor's PIN."""

    stock_moved = Signal()  # a delivery was received: the window nudges the sync engine

    def __init__(self, lang: str, *, store: object, staff: object, session: object,
                 clock: object, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("receiving")
        self.setWindowTitle(self.tr("Receive a delivery"))
        self.resize(780, 580)
        self.lang = lang
        self._args = (store, staff, session, clock)
        self.receiving: Receiving | None = None
        layout = QVBoxLayout(self)
        self.pages = QStackedWidget()
        layout.addWidget(self.pages, 1)
        # -- the list
        page = QWidget()
        v = QVBoxLayout(page)
        v.addWidget(QLabel(self.tr("Deliveries and transfers this store expects")))
        self.list = make_table("deliveryList", [
            self.tr("Delivery"), self.tr("From"), self.tr("Note"), self.tr("Lines"),
            self.tr("Units")])
        self.list.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.Stretch)
        self.list.doubleClicked.connect(lambda _: self.start())
        v.addWidget(self.list, 1)
        self.empty = QLabel()
        self.empty.setObjectName("deliveryEmpty")
        v.addWidget(self.empty)
        row = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for name, text, slot in (("startReceive", self.tr("Receive the selected one"),
                                  self.start),
                                 ("closeReceive", self.tr("Close"), self.reject)):
            b = QPushButton(text)
            b.setObjectName(name)
            b.setAutoDefault(False)
            b.clicked.connect(slot)
            row.addWidget(b)
            self.buttons[name] = b
        v.addLayout(row)
        self.pages.addWidget(page)
        # -- receiving one
        page = QWidget()
        v = QVBoxLayout(page)
        self.heading = QLabel()
        self.heading.setObjectName("receiveHeading")
        v.addWidget(self.heading)
        self.scan_field = QLineEdit()
        self.scan_field.setObjectName("receiveScan")
        self.scan_field.setPlaceholderText(self.tr("Scan what arrived (code*12 for twelve)"))
        self.scan_field.returnPressed.connect(self.scan)
        v.addWidget(self.scan_field)
        self.table = make_table("receiveLines", [
            self.tr("SKU"), self.tr("Item"), self.tr("Expected"), self.tr("Received"),
            self.tr("Difference")])
        v.addWidget(self.table, 1)
        row = QHBoxLayout()
        for name, text, slot in (("setReceived", self.tr("Correct the quantity"), self.correct),
                                 ("postReceive", self.tr("Post as received"), self.post),
                                 ("backReceive", self.tr("Back to the list"), self.back)):
            b = QPushButton(text)
            b.setObjectName(name)
            b.setAutoDefault(False)
            b.clicked.connect(slot)
            row.addWidget(b)
            self.buttons[name] = b
        v.addLayout(row)
        self.pages.addWidget(page)
        self.message = QLabel()
        self.message.setObjectName("receiveMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        a11y.name(self.list, self.tr("Deliveries and transfers this store expects"),
                  self.tr("Enter or a double click receives the selected one"))
        a11y.name(self.table, self.tr("Received lines"))
        a11y.spoken(self.message, self.tr("Message"))
        a11y.complete(self)
        self.load()

    def say(self, text: str, error: bool = False) -> None:
        widgets.show_message(self.message, text, error=error)

    def load(self) -> None:
        store = self._args[0]
        self.deliveries: list[ExpectedDelivery] = open_deliveries(store)  # type: ignore[arg-type]
        kinds = {"delivery": self.tr("supplier"), "transfer": self.tr("transfer from %1")}
        fill(self.list, [(d.id, kinds[d.kind].replace("%1", d.from_store or "?")
                          if d.kind == "transfer" else kinds["delivery"], d.reference,
                          len(d.lines), d.units) for d in self.deliveries])
        if self.deliveries:
            self.list.selectRow(0)
        self.empty.setText("" if self.deliveries else
                           self.tr("No delivery is expected (they arrive from the central)"))
        self.pages.setCurrentIndex(0)

    def start(self) -> None:
        row = self.list.currentRow()
        if row < 0 or row >= len(self.deliveries):
            self.say(self.tr("Select a delivery first"), error=True)
            return
        store, staff, session, clock = self._args
        try:
            self.receiving = Receiving(store, staff, session, clock=clock,  # type: ignore[arg-type]
                                       delivery_id=self.deliveries[row].id)
        except PosError as exc:
            self.say(message_for(exc, self.lang), error=True)
            return
        d = self.receiving.delivery
        self.heading.setText(self.tr("Delivery %1 · %2 · %3 line(s) expected")
                             .replace("%1", d.id).replace("%2", d.reference or "-")
                             .replace("%3", str(len(d.lines))))
        self.say("")
        self.refresh()
        self.pages.setCurrentIndex(1)
        self.scan_field.setFocus()

    def back(self) -> None:
        self.receiving = None
        self.load()

    def refresh(self) -> None:
        assert self.receiving is not None
        self.rows: list[ReceiveLine] = self.receiving.lines()
        fill(self.table, [(ln.sku, local_name(ln.name_zh, ln.name_en, self.lang), ln.expected,
                           ln.received, _signed(ln.difference) if ln.difference else 0)
                          for ln in self.rows], red_col=4)

    def scan(self) -> None:
        if self.receiving is None:
            return
        code, qty = split_qty(self.scan_field.text())
        self.scan_field.clear()
        if not code:
            return
        try:
            product, so_far = self.receiving.scan(code, qty)
        except PosError as exc:
            self.say(message_for(exc, self.lang), error=True)
            return
        name = product.name(self.lang)
        self.say(self.tr("%1: %2 received").replace("%1", name).replace("%2", str(so_far)))
        self.refresh()

    def correct(self) -> None:
        if self.receiving is None:
            return
        row = self.table.currentRow()
        if row < 0 or row >= len(self.rows):
            self.say(self.tr("Select a line first"), error=True)
            return
        line = self.rows[row]
        qty, ok = QInputDialog.getInt(self, self.tr("Correct the quantity"),
                                      self.tr("Received of %1").replace("%1", line.sku),
                                      line.received, 0, 10_000_000)
        if not ok:
            return
        try:
            self.receiving.set(line.product_id, qty)
        except PosError as exc:
            self.say(message_for(exc, self.lang), error=True)
            return
        self.refresh()

    def post(self) -> None:
        receiving = self.receiving
        if receiving is None:
            return
        done = widgets.with_approval(self, receiving.post,
                                     lambda exc: self.say(message_for(exc, self.lang), error=True),
                                     widgets.ask_approval, lang=self.lang)
        if done is None:
            return
        self.posted = done
        self.stock_moved.emit()
        self.receiving = None
        self.load()
        text = self.tr("Delivery %1 received: %2 line(s), %3 with a difference").replace(
            "%1", done.delivery_id).replace("%2", str(len(done.lines))).replace(
            "%3", str(done.differences))
        self.say(text, error=bool(done.differences))
