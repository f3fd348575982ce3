"""The selling screen: scan field (always focused), cart, totals, and every frequent action on an
F-key and a touch-size button."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from posclient.app import till_state
from posclient.app.aisle import Aisle
from posclient.app.chain_stock import ChainStock
from posclient.app.checkout import Checkout
from posclient.app.lookup import parse_scan
from posclient.domain.cart import CartLine, Totals
from posclient.domain.catalogue import message_for
from posclient.domain.errors import NotFound, PosError
from posclient.domain.member_token import looks_like_token
from posclient.domain.money import Money

from . import a11y, fmt, reasons, widgets
from . import resume as resume_dialog
from .aisle import aisle_cells, order_for_customer
from .chain_stock import ChainStockDialog
from .i18n import QT_TRANSLATE_NOOP
from .member import MemberDialog, attach_scanned, member_text
from .quick_keys import QuickKeysPanel, add_tile
from .search import SearchDialog, looks_like_code
from .sell_actions import action_buttons
from .workers import Background

if TYPE_CHECKING:
    from .engine import SaleCentral
    from .stock import ReceivingDialog, StockCountDialog


class SellPage(QWidget):
    pay_requested = Signal()
    reprint_requested = Signal()
    no_sale_requested = Signal()
    settings_requested = Signal()
    shift_requested = Signal()
    reconcile_requested = Signal()
    returned = Signal(object)  # a CompletedReturn: the window prints its slip, opens the drawer
    changed = Signal()  # the cart changed (the window notes activity)
    stock_moved = Signal()  # a count or a delivery was posted: the window nudges the sync

    # Their own context: "Price" and "Total" read differently as a column than as an action.
    COLUMNS = (QT_TRANSLATE_NOOP("CartColumn", "#"), QT_TRANSLATE_NOOP("CartColumn", "Item"),
               QT_TRANSLATE_NOOP("CartColumn", "Qty"), QT_TRANSLATE_NOOP("CartColumn", "Price"),
               QT_TRANSLATE_NOOP("CartColumn", "Discount"),
               QT_TRANSLATE_NOOP("CartColumn", "Total"))

    def __init__(self, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.checkout: Checkout | None = None
        # the other tills' suspended sales (the sync engine) and the worker that asks for them
        self.shared: SaleCentral | None = None
        self.background: Background | None = None
        outer = QHBoxLayout(self)
        left = QVBoxLayout()
        outer.addLayout(left, 3)
        self.scan_field = QLineEdit()
        self.scan_field.setObjectName("scan")
        self.scan_field.setPlaceholderText(self.tr("Scan or type a barcode, item number or name"))
        self.scan_field.returnPressed.connect(self._entered)
        a11y.name(self.scan_field, self.tr("Scan field"), self.scan_field.placeholderText())
        left.addWidget(self.scan_field)
        self.message = a11y.LiveLabel(self.tr("Message"))
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        left.addWidget(self.message)
        # What the last sale (or refund) left to do: the change to give, its total and tenders.
        # It stays until the next scan; messages (a printer fault) go to the line above.
        self.last_sale = a11y.LiveLabel(self.tr("Last sale"))
        self.last_sale.setObjectName("lastSale")
        self.last_sale.setWordWrap(True)
        self.last_detail = a11y.LiveLabel(self.tr("Last sale"))
        self.last_detail.setObjectName("lastDetail")
        self.last_detail.setWordWrap(True)
        for live in (self.last_sale, self.last_detail):
            live.hide()
            left.addWidget(live)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setObjectName("cart")
        a11y.name(self.table, self.tr("Cart"), self.tr("F6 voids the selected line"))
        self.table.setHorizontalHeaderLabels([QCoreApplication.translate("CartColumn", c)
                                              for c in self.COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.verticalHeader().hide()
        # The item's name takes the room the figures leave; a name too long keeps its start and
        # its end (the size or pack: "Six Walnuts Elec…280ml x15"). Figures are never cut.
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(24)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for c in (0, 2, 3, 4, 5):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        left.addWidget(self.table, 1)

        right = QVBoxLayout()
        outer.addLayout(right, 2)
        # The buttons sit at the bottom, below a stretch: a promotion or discount row in the
        # totals never moves them under a cashier's finger.
        self.member = a11y.LiveLabel(self.tr("Member"), self.tr("Member: —"))
        self.member.setObjectName("member")
        right.addWidget(self.member)
        self.totals = a11y.LiveLabel(self.tr("Totals"))
        self.totals.setObjectName("totals")
        self.totals.setTextFormat(Qt.TextFormat.RichText)
        right.addWidget(self.totals)
        self.total = a11y.LiveLabel(self.tr("Total"))
        self.total.setObjectName("grandTotal")
        self.total.setAlignment(Qt.AlignmentFlag.AlignRight)
        right.addWidget(self.total)
        self.quick_keys = QuickKeysPanel(lang)  # the room above the buttons (ui/quick_keys.py)
        self.quick_keys.chosen.connect(lambda key: add_tile(self, key))
        right.addWidget(self.quick_keys, 1)
        grid = QGridLayout()
        self.buttons = action_buttons(self, grid)  # ui/sell_actions.py
        right.addLayout(grid)
        self.pay = QPushButton(self.tr("Pay") + "\n" + self.tr("Enter on an empty scan field"))
        self.pay.setObjectName("pay")
        self.pay.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.pay.setMinimumHeight(88)
        self.pay.clicked.connect(self.pay_requested.emit)
        right.addWidget(self.pay)
        a11y.complete(self)  # the buttons: their label, their key as description

    # -- state -----------------------------------------------------------------------------------
    def start(self, checkout: Checkout) -> None:
        self.checkout = checkout
        self.quick_keys.show_groups(till_state.quick_key_groups(checkout.store))
        self.refresh()
        self.say("")

    def focus_scan(self) -> None:
        """Back to the scan field, in the active window (after any dialog has closed)."""
        self.activateWindow()
        self.scan_field.setFocus()

    def say(self, text: str, error: bool = False) -> None:
        """The line under the scan field: what was scanned, or an error (red, with a beep)."""
        widgets.show_message(self.message, text, error=error)
        if error:
            QApplication.beep()

    def show_done(self, headline: str, detail: str = "") -> None:
        """The last sale's or refund's outcome, large (the change to give), with its detail
        (total, tenders); it stays until the next scan."""
        self.last_sale.setText(headline)
        self.last_detail.setText(detail)
        self.last_sale.show()
        self.last_detail.setVisible(bool(detail))
        self.say("")

    def clear_done(self) -> None:
        for label in (self.last_sale, self.last_detail):
            label.clear()
            label.hide()

    def selected_line(self) -> int | None:
        row = self.table.currentRow()
        if row < 0:
            row = self.table.rowCount() - 1
        if row < 0:
            return None
        item = self.table.item(row, 0)
        data = item.data(Qt.ItemDataRole.UserRole) if item else None
        return int(data) if data is not None else None  # None: an order for another store

    def refresh(self, select: int | None = None) -> None:
        """Redraw cart and totals; keep the selected line, or select line ``select``."""
        co = self.checkout
        if co is None:
            return
        keep = select if select is not None else self.selected_line()
        totals = co.totals()
        self._fill_cart(co, totals, keep)
        self._fill_totals(co, totals)
        if co.member is None:
            self.member.setText(self.tr("Member: —"))
        else:
            self.member.setText(self.tr("Member: %1").replace(
                "%1", member_text(self.tr("%1 points"), co.member)))
        self.changed.emit()

    def _fill_cart(self, co: Checkout, totals: Totals, keep: int | None) -> None:
        """The cart's rows; line ``keep`` selected (else the last)."""
        lines = [ln for ln in co.cart.lines if not ln.voided]
        self.table.setRowCount(len(lines) + len(co.aisle))
        for row, order in enumerate(co.aisle, start=len(lines)):  # apart, after the goods
            for col, text in enumerate(aisle_cells(row, order, self.lang, totals.currency)):
                self.table.setItem(row, col, QTableWidgetItem(text))
        for row, ln in enumerate(lines):
            for col, text in enumerate(self._cells(row, ln, totals)):
                cell = QTableWidgetItem(text)
                if col != 1:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                if col == 0:
                    cell.setData(Qt.ItemDataRole.UserRole, ln.line_id)
                self.table.setItem(row, col, cell)
            if ln.line_id == keep:
                self.table.selectRow(row)
        if lines and (keep is None or keep not in {ln.line_id for ln in lines}) \
                and not co.aisle:
            self.table.selectRow(len(lines) - 1)
        # The discount column only when a line has one: its room goes to the item's name.
        self.table.setColumnHidden(4, not any(
            (disc := self.table.item(row, 4)) is not None and disc.text()
            for row in range(self.table.rowCount())))

    def _cells(self, row: int, ln: CartLine, totals: Totals) -> list[str]:
        """A cart row's texts: number, item, quantity, price, discount, total."""
        priced = totals.line(ln.line_id)
        disc = priced.line_discount + priced.promo_discount
        return [str(row + 1), ln.item.name(self.lang), fmt.qty(ln),
                fmt.money(ln.unit_price, self.lang, symbol=False)
                + ("/kg" if ln.item.measure.value == "g" else ""),
                fmt.money(Money(-disc, totals.currency), self.lang, symbol=False)
                if disc else "",
                fmt.money(Money(priced.gross - disc, totals.currency), self.lang,
                          symbol=False)]

    def _fill_totals(self, co: Checkout, totals: Totals) -> None:
        """Subtotal, what each promotion saved, discount, tax, paid, and the total."""
        m = lambda x: fmt.money(x, self.lang)  # noqa: E731
        rows = [(self.tr("Subtotal"), m(totals.subtotal))]
        for _pid, name_zh, name_en, saved in co.cart.promotions:  # what each promotion saved
            name = (name_zh or name_en) if self.lang.startswith("zh") else (name_en or name_zh)
            rows.append((self.tr("Promotion: %1").replace("%1", html.escape(name)),
                         m(Money(-saved, totals.currency))))
        if totals.discount_total.minor:
            rows.append((self.tr("Discount"), m(-totals.discount_total)))
        rows.append((self.tr("Tax included") if totals.inclusive else self.tr("Tax"),
                     m(totals.tax_total)))
        if co.aisle:
            rows.append((self.tr("Orders from other stores, paid now"), m(co.aisle_paid)))
        paid = co.payment.paid
        if paid.minor:
            rows.append((self.tr("Paid"), m(paid)))
        self.totals.setText("<table width='100%'>" + "".join(
            f"<tr><td>{a}</td><td align='right'>{b}</td></tr>" for a, b in rows) + "</table>")
        self.total.setText(self.tr("Total") + f" {m(co.amount_due)}")

    # -- scanning --------------------------------------------------------------------------------
    def _entered(self) -> None:
        text = self.scan_field.text().strip()
        self.scan_field.clear()
        co = self.checkout
        if co is None:
            return
        if text:  # the next customer: the last sale's change is given
            self.clear_done()
        if not text:
            if not co.basket_empty:
                self.pay_requested.emit()
            return
        if looks_like_token(text):  # the app's member QR code
            self._member_scanned(co, text)
            return
        if not looks_like_code(text):
            if not self._coupon(co, text):
                self._search(text)
            return
        try:
            code, qty = parse_scan(text)
            line = co.scan(code, qty)
        except NotFound as exc:
            if not self._coupon(co, text):
                self.say(message_for(exc, self.lang), error=True)
            return
        except PosError as exc:
            self.say(message_for(exc, self.lang), error=True)
            return
        self._added(co, line)
        self.refresh(select=line.line_id)

    def _member_scanned(self, co: Checkout, text: str) -> None:
        refused = attach_scanned(co, text, self.lang)
        if refused is not None:
            self.say(refused, error=True)
            return
        self.say(self.tr("Member: %1").replace(
            "%1", co.member.label if co.member is not None else "—"))
        self.refresh()

    def _coupon(self, co: Checkout, text: str) -> bool:
        """A scanned or typed code that is no product may be a coupon: the basket is priced
        again with it. Returns whether it was one."""
        if co.promotion_reader.coupon(text) is None:
            return False
        try:
            promotion = co.add_coupon(text)
        except PosError as exc:
            self.say(message_for(exc, self.lang), error=True)
            return True
        self.say(self.tr("Coupon %1: %2").replace("%1", text.upper())
                 .replace("%2", promotion.name(self.lang)))
        self.refresh()
        if self.shared is not None and self.background is not None:  # single use: ask
            shared = self.shared
            self.background.run(lambda: shared.check_coupon(text),
                                lambda status: self._coupon_checked(co, text, status))
        return True

    def _coupon_checked(self, co: Checkout, text: str, status: Any) -> None:
        """The central's answer: a coupon already used elsewhere comes off the sale. No answer
        (offline): it stays, and a second use is filed at the central."""
        if not status.used or self.checkout is not co or co.has_payments:
            return
        co.remove_coupon(text)
        used = status.redemption
        self.say(self.tr("Coupon %1 was already used (%2): it was taken off the sale")
                 .replace("%1", status.code)
                 .replace("%2", used.where if used else "?"),
                 error=True)
        self.refresh()

    def _added(self, co: Checkout, line: CartLine) -> None:
        """Say what was added, and warn when the sale takes stock reserved for web orders
        (the sale goes ahead: the till's stock may be wrong, the customer is here)."""
        said = f"{line.item.name(self.lang)}  {fmt.money(line.unit_price, self.lang)}"
        short = co.takes_reserved(line.item.product_id)
        if short is not None:
            said += "  ·  " + self.tr("only %1 free: %2 are reserved for web orders") \
                .replace("%1", str(max(0, short.sellable))).replace("%2", str(short.reserved))
        self.say(said, error=short is not None)

    def _search(self, text: str) -> None:
        co = self.checkout
        assert co is not None
        dialog = SearchDialog(co.lookup.find, text, self.lang, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.chosen is not None:
            try:
                self._added(co, co.add_product(dialog.chosen.product.id))
            except PosError as exc:
                self.say(message_for(exc, self.lang), error=True)
            self.refresh()
        self.focus_scan()

    # -- actions ---------------------------------------------------------------------------------
    def _line_or_say(self) -> int | None:
        line = self.selected_line()
        if line is None:
            self.say(self.tr("Scan an item first"), error=True)
        return line

    def _ask(self, title: str, label: str, text: str = "") -> str | None:
        value, ok = widgets.ask_text(self, title, label, text)
        self.focus_scan()
        return value.strip() if ok and value.strip() else None

    def _run(self, action: Callable[..., object]) -> None:
        """A service call that may need a supervisor's approval; a refusal is shown inline."""
        widgets.with_approval(self, action,
                              lambda exc: self.say(message_for(exc, self.lang), error=True),
                              widgets.ask_approval, lang=self.lang)
        self.refresh()
        self.focus_scan()

    def change_qty(self) -> None:
        co, line = self.checkout, self._line_or_say()
        if co is None or line is None:
            return
        text = self._ask(self.tr("Quantity"), self.tr("New quantity (grams for weighed items)"))
        if text is None:
            return
        if not text.isdigit():
            self.say(self.tr("%1 is not a whole number").replace("%1", text), error=True)
            return
        self._run(lambda a: co.set_qty(line, int(text), a))

    def change_price(self) -> None:
        co, line = self.checkout, self._line_or_say()
        if co is None or line is None:
            return
        why = reasons.ask_page(self, "price_override", self.tr("Price"),
                               self.tr("New unit price"))
        if why is None:
            return
        price = why.value
        try:
            amount = Money.parse(price, co.settings.currency)
        except PosError as exc:  # an amount beyond the till's limit
            self.say(message_for(exc, self.lang), error=True)
            return
        except ValueError:
            self.say(self.tr("%1 is not an amount").replace("%1", price), error=True)
            return
        self._run(lambda a: co.override_price(line, amount, why.text, a, reason_code=why.code))

    def line_discount(self) -> None:
        co, line = self.checkout, self._line_or_say()
        d = None if co is None or line is None else reasons.ask_discount(
            self, self.tr("Line discount"), self.tr("10% or an amount such as 5.00"))
        if co is not None and line is not None and d is not None:
            self._run(lambda a: co.discount_line(line, d[0], a, reason_code=d[1]))

    def sale_discount(self) -> None:
        co = self.checkout
        d = None if co is None else reasons.ask_discount(
            self, self.tr("Sale discount"), self.tr("10% or an amount such as 5.00"))
        if co is not None and d is not None:
            self._run(lambda a: co.discount_basket(d[0], a, reason_code=d[1]))

    def void_line(self) -> None:
        co, line = self.checkout, self._line_or_say()
        why = None if co is None or line is None else reasons.ask_page(self, "void",
                                                                      self.tr("Void line"))
        if co is not None and line is not None and why is not None:
            self._run(lambda a: co.void_line(line, a, reason_code=why.code, reason=why.text))

    def void_sale(self) -> None:
        co = self.checkout
        if co is None or co.basket_empty:
            return
        why = reasons.ask_page(self, "void", self.tr("Void sale"))
        if why is not None:
            held = list(co.aisle)  # their holds at other stores go too (best effort)
            self._run(lambda a: co.void_sale(a, reason_code=why.code, reason=why.text))
            if held and not co.aisle and self.background is not None:
                aisle = Aisle(co, self.shared, self.shared)
                self.background.run(lambda: aisle.release(held))
            self.say(self.tr("Sale voided") if co.basket_empty else "")

    def suspend(self) -> None:
        co = self.checkout
        if co is None:
            return
        try:
            number = co.suspend()
        except PosError as exc:
            self.say(message_for(exc, self.lang), error=True)
            return
        self.say(self.tr("Sale suspended as number %1").replace("%1", str(number)))
        self.refresh()

    def resume(self) -> None:
        co = self.checkout
        if co is None:
            return
        if not co.suspended() and self.shared is None:
            self.say(self.tr("No suspended sales"), error=True)
            return
        resume_dialog.resume(self, co, self.lang, self.shared, self.background,
                             lambda text, error: self.say(text, error=error), self._resumed)

    def _resumed(self) -> None:
        self.focus_scan()
        self.refresh()

    def pickup(self) -> None:
        """Hand over a web order: the basket becomes the order's lines (ui/pickup.py)."""
        co = self.checkout
        if co is None:
            return
        if not co.cart.is_empty or co.has_payments:
            self.say(self.tr("Finish or suspend the sale first"), error=True)
            return
        from posclient.app.pickup_desk import PickupDesk

        from .pickup import PickupDialog

        dialog = PickupDialog(PickupDesk(co, keys=self.shared), self.shared, self.background,
                              self.lang, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if dialog.exec() and co.pickup is not None:
            self.say(self.tr("Pick-up of order %1: %2 to pay (Enter)")
                     .replace("%1", co.pickup.order_no)
                     .replace("%2", fmt.money(co.payment.due, self.lang)))
        self.refresh()
        self.focus_scan()

    def returns(self) -> None:
        """Take goods back and refund them (ui/returns.py)."""
        co = self.checkout
        if co is None:
            return
        if not co.cart.is_empty or co.has_payments:
            self.say(self.tr("Finish or suspend the sale first"), error=True)
            return
        from posclient.app.returns import Returns

        from .returns import ReturnDialog

        service = Returns(co.store, co.staff, co.session, clock=co.clock, payments=co.payments,
                          settings=co.settings, catalog=co.catalog)
        dialog = ReturnDialog(
            service, self.shared, self.background, self.lang, self,
            exchange=lambda draft, reservation, approval: co.start_exchange(
                service, draft, reservation=reservation, approval=approval))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if dialog.exec():
            if dialog.completed is not None:
                self.returned.emit(dialog.completed)
            elif dialog.exchanged is not None:
                self.say(self.tr("Exchange: %1 of goods back. Scan the new items, then pay; "
                                 "the difference is paid or refunded")
                         .replace("%1", fmt.money(dialog.exchanged, self.lang)))
                self.refresh()
        self.focus_scan()

    def shift(self) -> None:
        self.shift_requested.emit()

    def stock_count(self) -> None:
        """Count a shelf or the whole store by scanning (ui/stock.py)."""
        from .stock import StockCountDialog

        self._stock_dialog(StockCountDialog)

    def receive(self) -> None:
        """Receive a delivery or transfer against its expected lines (ui/stock.py)."""
        from .stock import ReceivingDialog

        self._stock_dialog(ReceivingDialog)

    def _stock_dialog(self, kind: type[StockCountDialog] | type[ReceivingDialog]) -> None:
        co = self.checkout
        if co is None:
            return
        dialog = kind(self.lang, store=co.store, staff=co.staff, session=co.session,
                      clock=co.clock, parent=self)
        dialog.stock_moved.connect(self.stock_moved)
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()
        self.focus_scan()

    def reconcile(self) -> None:
        self.reconcile_requested.emit()

    def member_key(self) -> None:
        """Find, sign up, attach or remove the sale's member (ui/member.py)."""
        co = self.checkout
        if co is None:
            return
        from posclient.app.members import Members

        members = Members(co.store, co.clock, co.settings, keys=self.shared,
                          directory=self.shared)
        dialog = MemberDialog(co, members, self.lang, self, self.background)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if dialog.exec():
            self.say(self.tr("Member: %1").replace(
                "%1", co.member.label if co.member is not None else "—"))
        self.refresh()
        self.focus_scan()

    def no_sale(self) -> None:
        self.no_sale_requested.emit()

    def reprint(self) -> None:
        self.reprint_requested.emit()

    def settings(self) -> None:
        self.settings_requested.emit()

    def stock(self) -> None:
        """F12: an item's stock here and at the chain's other stores (ui/chain_stock.py)."""
        co = self.checkout
        if co is None:
            return
        chain = ChainStock(co.store, co.clock, co.settings.store_id, self.shared)
        aisle = Aisle(co, self.shared, self.shared)
        dialog = ChainStockDialog(
            lambda text: co.lookup.find(text, limit=8), chain, self.background, self.lang,
            parent=self, order=None if not aisle.can_order else lambda info, store:
            order_for_customer(self, aisle, info, store, self.background, self.lang,
                               lambda text, error: self.say(text, error=error), self.refresh))
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()
        self.focus_scan()
