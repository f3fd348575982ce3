"""Returns at the till (Ctrl+R): find the purchase, choose what comes back and in what
condition, give a reason; the money goes back the way it was paid (posclient/app/returns.py).

The purchase is looked up on the till first (its own receipts, its cached web orders) and,
off the GUI thread, fetched fresh from the central (any store's receipt, any web order, with
what was returned anywhere). An online return is reserved at the central before it is
refunded, off the GUI thread too; if the central stops answering then, the till's own copy is
used, under the offline rules (a manager, limits). Without a receipt, a manager's return: the
items are scanned and refunded at today's price.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any, Protocol

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from posclient.app import till_state
from posclient.app.return_hold import reserve_request
from posclient.app.returns import CompletedReturn, Purchase, ReturnDraft, Returns
from posclient.domain.catalogue import message_for
from posclient.domain.errors import InvalidInput, PosError
from posclient.domain.money import Money
from posclient.domain.names import local_name

from . import a11y, fmt, widgets
from .i18n import QT_TRANSLATE_NOOP
from .order_cancel import OrderCancelOffer
from .workers import Background

log = logging.getLogger(__name__)

RECEIPT = re.compile(r"^[A-Za-z0-9]+-[A-Za-z0-9]+-\d+$")  # <store>-<till>-<number>


# Checkout.start_exchange for the dialog: (draft, reservation, approval) -> the credit
Exchange = Callable[[ReturnDraft, Any, Any], Money]


class ReturnsCentral(Protocol):
    """What the dialog needs from the sync engine (sync.engine.SyncEngine)."""

    def fetch_purchase(self, kind: str, ref: str) -> Any: ...  # sync.protocol.PurchaseData

    def reserve_return(self, req: Any) -> Any: ...  # ReserveRequest -> ReserveResponse

    def release_return(self, reservation_id: str) -> None: ...

    def cancel_placed_order(self, order_no: str) -> Any: ...  # -> OrderData (issue 18)


class ReturnDialog(QDialog):
    """``accept()`` = the return is refunded and recorded: ``completed``."""

    COLUMNS = (QT_TRANSLATE_NOOP("ReturnDialog", "Item"),
               QT_TRANSLATE_NOOP("ReturnDialog", "Bought"),
               QT_TRANSLATE_NOOP("ReturnDialog", "Returned"),
               QT_TRANSLATE_NOOP("ReturnDialog", "Can return"),
               QT_TRANSLATE_NOOP("ReturnDialog", "Return"),
               QT_TRANSLATE_NOOP("ReturnDialog", "Condition"))

    def __init__(self, returns: Returns, central: ReturnsCentral | None,
                 background: Background | None, lang: str,
                 parent: QWidget | None = None, exchange: Exchange | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("returns")
        self.setWindowTitle(self.tr("Return"))
        self.r, self.central, self.background, self.lang = returns, central, background, lang
        self.purchase: Purchase | None = None
        self.local: Purchase | None = None  # this till's copy, for when the central goes away
        self.no_receipt: list[tuple[str, int]] = []  # (code, qty) scanned without a receipt
        self.completed: CompletedReturn | None = None
        self.exchange = exchange  # Checkout.start_exchange, for "Exchange"
        self.exchanged: Money | None = None  # the credit, once the exchange has started
        self.busy = False
        self.mode_exchange = False
        layout = QVBoxLayout(self)
        self.query = QLineEdit()
        self.query.setObjectName("returnQuery")
        self.query.setPlaceholderText(self.tr("Scan the receipt's code, or type a receipt or "
                                              "web order number"))
        self.query.returnPressed.connect(self.find_purchase)
        layout.addWidget(self.query)
        self.info = a11y.LiveLabel(self.tr("Purchase"))
        self.info.setObjectName("purchaseInfo")
        self.info.setWordWrap(True)
        layout.addWidget(self.info)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setObjectName("returnLines")
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in self.COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumSize(760, 220)
        layout.addWidget(self.table)
        form = QFormLayout()
        self.reason = QComboBox()
        self.reason.setObjectName("returnReason")
        # The chain's return reasons (posclient/app/reasons.py); typed only where allowed.
        self.reason.setEditable(returns.settings.reason_free_text)
        self.reason.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for r in till_state.reasons_offered(returns.store, "return"):
            self.reason.addItem(r.name(lang), r.code)
        form.addRow(self.tr("Reason"), self.reason)
        layout.addLayout(form)
        self.summary = a11y.LiveLabel(self.tr("Refund"))
        self.summary.setObjectName("refundSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.message = a11y.LiveLabel(self.tr("Message"))
        self.message.setObjectName("returnMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        # An order placed at a till, nothing of it collected: cancel it instead (issue 18)
        self.cancel_offer = OrderCancelOffer(returns, central, background, lang, self.say,
                                             lambda: self.reason.currentText(), self)
        self.cancel_offer.cancelled.connect(self._order_cancelled)
        layout.addWidget(self.cancel_offer)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(self.tr("Refund"))
        self.no_receipt_button = QPushButton(self.tr("No receipt"))
        self.no_receipt_button.setObjectName("noReceipt")
        self.no_receipt_button.setAutoDefault(False)
        buttons.addButton(self.no_receipt_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.no_receipt_button.clicked.connect(self.start_without_receipt)
        self.exchange_button = QPushButton(self.tr("Exchange"))
        self.exchange_button.setObjectName("exchange")
        self.exchange_button.setAutoDefault(False)
        self.exchange_button.setEnabled(exchange is not None)
        self.exchange_button.setToolTip(self.tr("The returned goods pay for new ones in the same "
                                                "basket; the difference is paid or refunded"))
        buttons.addButton(self.exchange_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.exchange_button.clicked.connect(self.start_exchange)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        a11y.name(self.query, self.tr("Receipt or order"), self.query.placeholderText())
        a11y.name(self.table, self.tr("Lines to return"),
                  self.tr("Each line: the quantity back and its condition"))
        a11y.complete(self)
        self.query.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter belongs to the scan field (a scanner's Enter finds the purchase or adds an
        item), never to the dialog's default button."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return
        super().keyPressEvent(event)

    def say(self, text: str, error: bool = False) -> None:
        widgets.show_message(self.message, text, error=error)

    def _error(self, exc: object) -> str:
        return message_for(exc, self.lang) if isinstance(exc, PosError) else str(exc)

    # -- finding the purchase --------------------------------------------------------------------
    def find_purchase(self) -> None:
        text = self.query.text().strip()
        if not text or self.busy:
            return
        if self.no_receipt_mode:
            self.add_without_receipt(text)
            return
        self.query.selectAll()  # the next scan replaces it
        self.cancel_offer.withdraw()
        try:
            self.local = self.r.find_local(text)
        except PosError as exc:
            self.local = None
            local_error = self._error(exc)
        if self.local is not None:
            self.show_purchase(self.local)
        if self.central is None or self.background is None:
            if self.local is None and self.cancel_offer.offer_if_placed(text):
                self.say(local_error)
            elif self.local is None:
                self.say(local_error, error=True)
            else:
                self.say(self.tr("This till's copy: a manager approves the refund"))
            return
        kind = "receipt" if RECEIPT.match(text) else "order"
        ref = self.local.ref if self.local is not None else text
        kind = self.local.kind if self.local is not None else kind
        self.say(self.tr("Asking the central for %1…").replace("%1", ref))
        central = self.central
        self.background.run(lambda: central.fetch_purchase(kind, ref), self._fetched,
                            self._not_fetched)

    def _fetched(self, data: Any) -> None:
        if not shiboken6.isValid(self):
            return
        self.show_purchase(self.r.from_central(data))
        self.say(self.tr("As the central has it now, with what was returned at any store"))

    def _not_fetched(self, exc: object) -> None:
        if not shiboken6.isValid(self):
            return
        ref = str(getattr(exc, "details", {}).get("ref", ""))
        if getattr(exc, "code", "") == "order_not_returnable" and ref \
                and not RECEIPT.match(ref):  # nothing of it collected: cancel it instead?
            self.cancel_offer.offer(ref)
            self.say(self._error(exc))
            return
        if self.local is not None:
            self.say(self.tr("The central did not answer (%1): this till's copy is used, a "
                             "manager approves the refund").replace("%1", self._error(exc)))
        else:
            self.say(self._error(exc), error=True)

    def show_purchase(self, purchase: Purchase) -> None:
        self.purchase = purchase
        d = purchase.data
        where = {"receipt": self.tr("Receipt %1"), "order": self.tr("Web order %1")}[d.kind]
        self.info.setText(
            where.replace("%1", d.ref) + " · " +
            self.tr("store %1 · %2").replace("%1", d.store_id or "—")
            .replace("%2", d.purchased_at.astimezone().strftime("%Y-%m-%d %H:%M")))
        self.table.setRowCount(len(d.lines))
        for row, ln in enumerate(d.lines):
            name = local_name(ln.name_zh, ln.name_en, self.lang)
            if not name:
                product = self.r.catalog.by_id(ln.product_id)
                name = product.name(self.lang) if product else ln.sku
            left = purchase.returnable(ln.line_id)
            weighed = ln.measure == "g"
            count = _kg if weighed else str
            self._row(row, name, (count(ln.received),
                                  count(purchase.returned.get(ln.line_id, 0)), count(left)),
                      f"ret{ln.line_id}", 0, left)
            if weighed:  # it comes back whole: the arrows go from none to all of it
                spin = widgets.cell_widget(self.table, row, 4, QSpinBox)
                spin.setSingleStep(max(1, left))
                spin.setSuffix(" g")
        self._recompute()
        self.query.setFocus()  # a scanner types where the focus is: the next code goes here

    def _row(self, row: int, name: str, counts: tuple[str, ...], spin_name: str, value: int,
             top: int) -> None:
        for col, text in enumerate((name, *counts)):
            item = QTableWidgetItem(text)
            if col:
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            self.table.setItem(row, col, item)
        spin = QSpinBox()
        spin.setObjectName(spin_name)
        a11y.name(spin, self.tr("Quantity back: %1").replace("%1", name))
        spin.setRange(0, top)
        spin.setValue(value)
        spin.valueChanged.connect(self._recompute)
        self.table.setCellWidget(row, 4, spin)
        condition = QComboBox()
        condition.setObjectName(f"condition{row}")
        a11y.name(condition, self.tr("Condition: %1").replace("%1", name))
        condition.addItem(self.tr("Back to stock"), "restock")
        condition.addItem(self.tr("Damaged"), "damaged")
        self.table.setCellWidget(row, 5, condition)

    # -- without a receipt -----------------------------------------------------------------------
    @property
    def no_receipt_mode(self) -> bool:
        return self.purchase is None and self.info.property("noReceipt") is True

    def start_without_receipt(self) -> None:
        self.purchase = self.local = None
        self.no_receipt = []
        self.table.setRowCount(0)
        self.info.setProperty("noReceipt", True)
        self.info.setText(self.tr("No receipt: scan each item; refunded at today's price, a "
                                  "manager approves"))
        self.query.clear()
        self.query.setPlaceholderText(self.tr("Scan or type the item's barcode"))
        self.query.setFocus()
        self._recompute()

    def add_without_receipt(self, code: str) -> None:
        try:
            draft = self.r.prepare_without_receipt([(code, 1, "restock")], reason="check")
        except PosError as exc:
            self.say(self._error(exc), error=True)
            return
        ln = draft.lines[0]
        self.no_receipt.append((code, 1))
        row = self.table.rowCount()
        self.table.setRowCount(row + 1)
        name = local_name(ln.name_zh, ln.name_en, self.lang)
        self._row(row, name, ("—", "—", "—"), f"noReceipt{row}", 1, 999)
        self.query.clear()
        self.say("")
        self._recompute()

    # -- the refund ------------------------------------------------------------------------------
    def _conditions(self) -> list[str]:
        return [widgets.cell_widget(self.table, row, 5, QComboBox).currentData()
                for row in range(self.table.rowCount())]

    def _quantities(self) -> list[int]:
        return [widgets.cell_widget(self.table, row, 4, QSpinBox).value()
                for row in range(self.table.rowCount())]

    def draft(self, purchase: Purchase | None = None) -> ReturnDraft:
        """The return as the screen stands (raises a PosError for the cashier)."""
        reason, i = self.reason.currentText().strip(), self.reason.currentIndex()
        code = self.reason.itemData(i) if i >= 0 and self.reason.itemText(i) == reason else None
        qtys, conditions = self._quantities(), self._conditions()
        purchase = purchase or self.purchase
        if purchase is None:
            if not self.no_receipt_mode:
                raise InvalidInput.of("purchase_first")
            items = [(code, q, c) for (code, _), q, c in zip(self.no_receipt, qtys, conditions,
                                                             strict=True) if q]
            return self.r.prepare_without_receipt(items, reason=reason, reason_code=code)
        lines = purchase.data.lines
        return self.r.prepare(
            purchase, {ln.line_id: q for ln, q in zip(lines, qtys, strict=True)},
            reason=reason, reason_code=code,
            conditions={ln.line_id: c for ln, c in zip(lines, conditions, strict=True)})

    def _recompute(self) -> None:
        try:
            draft = self.draft()
        except PosError as exc:
            self.summary.setText("" if exc.code in ("purchase_first", "return_empty")
                                 else self._error(exc))
            return
        plan = " · ".join(f"{self._tender(t.kind)} {fmt.money(t.amount, self.lang)}"
                          for t in self.r.refund_plan(draft))
        self.summary.setText(self.tr("Refund %1: %2").replace(
            "%1", fmt.money(draft.total, self.lang)).replace("%2", plan))

    def _tender(self, kind: str) -> str:
        return {"cash": self.tr("cash"), "card": self.tr("back to the card"),
                "store_credit": self.tr("store credit"),
                "web": self.tr("back to the web payment")}.get(kind, kind)

    def start_exchange(self) -> None:
        """Like a refund, but the value goes to a new sale in the same basket."""
        self.accept(exchange=True)

    def accept(self, exchange: bool = False) -> None:
        if self.busy:
            return
        try:
            draft = self.draft()
        except PosError as exc:
            self.say(self._error(exc), error=True)
            return
        self.mode_exchange = exchange
        if not draft.online or self.central is None or self.background is None:
            self._refund(draft, None)
            return
        req = reserve_request(draft)
        self._busy(True)
        self.say(self.tr("Reserving the return at the central…"))
        central = self.central
        self.background.run(lambda: central.reserve_return(req),
                            lambda reserved: self._reserved(draft, reserved),
                            lambda exc: self._not_reserved(exc))

    def _order_cancelled(self, done: CompletedReturn) -> None:
        self.completed = done
        QDialog.accept(self)

    def reject(self) -> None:
        """Not while the central is cancelling an order: its money back is recorded next."""
        if not self.cancel_offer.busy:
            super().reject()

    def _busy(self, busy: bool) -> None:
        self.busy = busy
        self.ok.setEnabled(not busy)

    def _reserved(self, draft: ReturnDraft, reservation: Any) -> None:
        if not shiboken6.isValid(self):  # closed meanwhile: the hold expires by itself
            return
        self._busy(False)
        if not self._refund(draft, reservation) and self.central is not None \
                and self.background is not None:
            central = self.central  # not refunded: the hold goes now
            self.background.run(lambda: central.release_return(draft.reservation_id))

    def _not_reserved(self, exc: object) -> None:
        if not shiboken6.isValid(self):
            return
        self._busy(False)
        code = getattr(exc, "code", "")
        if code == "central_unreachable" and self.local is not None:
            self.say(self.tr("The central stopped answering: this till's copy is used, a "
                             "manager approves the refund"))
            self.purchase = self.local
            try:
                self._refund(self.draft(self.local), None)
            except PosError as again:
                self.say(self._error(again), error=True)
            return
        self.say(self._error(exc), error=True)

    def _refund(self, draft: ReturnDraft, reservation: Any) -> bool:
        """Refund now, or (Exchange) hand the return to the sale as its credit."""
        exchange = self.exchange if self.mode_exchange else None
        if exchange is not None:
            action: Any = lambda a: exchange(draft, reservation, a)  # noqa: E731
        else:
            action = lambda a: self.r.complete(draft, reservation=reservation,  # noqa: E731
                                               approval=a)
        done = widgets.with_approval(self, action,
                                     lambda exc: self.say(self._error(exc), error=True),
                                     widgets.ask_approval, lang=self.lang)
        if done is None:
            return False
        if exchange is not None:
            self.exchanged = done
        else:
            self.completed = done
        super().accept()
        return True


def _kg(grams: int) -> str:
    """A weighed line's quantity as the receipt writes it: 0.856 kg."""
    return f"{grams // 1000}.{grams % 1000:03d} kg"
