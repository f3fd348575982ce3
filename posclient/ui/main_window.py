"""The till's window: log-in/lock, selling, payment, receipts, drawer, and the sync state.

Services do the work (roles are enforced there); this window only asks, shows and routes. Devices
(printer, drawer, card terminal) are driven off the GUI thread, after the sale has committed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from posclient.app import till_state
from posclient.app.after_sale import AfterSale
from posclient.app.checkout import Checkout, CompletedSale
from posclient.app.ports import EnrolmentPort, TokensFactory, TokenStorePort
from posclient.app.returns import CompletedReturn
from posclient.app.staff import Approval, StaffSession
from posclient.app.terminal import Terminal
from posclient.domain.catalogue import message_for
from posclient.domain.errors import PosError
from posclient.domain.sync_status import SyncStatus

from . import fmt, reasons, widgets
from .customer_display import CustomerDisplays
from .login import LoginPage
from .pay import PayDialog
from .sell import SellPage
from .settings import SettingsDialog, SetupPage
from .workers import Background

if TYPE_CHECKING:
    from .engine import EngineFactory, WindowEngine


class SyncBridge(QObject):
    """The engine calls back on its own thread; the signal is queued to the GUI thread."""

    status = Signal(object)


class QueuedDrawer:
    """The cash drawer as the checkout sees it: ``open()`` returns at once, the kick goes out
    on a worker thread and a fault is reported to the window."""

    connected = True

    def __init__(self, window: MainWindow) -> None:
        self.window = window

    def open(self) -> None:
        self.window.kick_drawer()


class MainWindow(QMainWindow):
    """The till's window. The sync side comes through ports (ui/engine.py), wired by
    the command line (posclient/till_wiring.py): ``engine`` (None: no sync), ``make_engine``
    for a till enrolled from its set-up page, ``enrolment`` and ``tokens`` (the keyring's
    token store, made when first needed) for enrolling."""

    def __init__(self, terminal: Terminal, *, lang: str, engine: WindowEngine | None = None,
                 printer: Any = None, make_engine: EngineFactory | None = None,
                 enrolment: EnrolmentPort | None = None,
                 tokens: TokensFactory | None = None) -> None:
        super().__init__()
        self.setObjectName("till")
        self.terminal, self.lang, self.engine = terminal, lang, engine
        self.printer = printer  # a ReceiptPrinter (devices.printer) or None: no printer
        self.make_engine = make_engine  # for a till enrolled from its set-up page
        self.enrolment = enrolment
        self.make_tokens = tokens
        self.log_file: Any = None
        self.session: StaffSession | None = None
        self.checkout: Checkout | None = None
        self.last_sale: CompletedSale | None = None
        self.sync_state: str | None = None
        self.printer_fault = ""  # the last printer fault, as shown in the status bar
        self.tokens: TokenStorePort | None = None  # made by make_tokens (tests set their own)
        self.background = Background(self)
        # The printer's and drawer's jobs: one thread, so they reach the device in the order
        # they were asked for (the drawer's kick, then the receipt), never at once.
        self.devices = Background(self, threads=1)
        # Asks the cashier yes or no (a no-sale); tests answer it.
        self.confirm: Callable[[QWidget, str, str], bool] = widgets.ask_yes_no
        self.bridge = SyncBridge(self)
        self.bridge.status.connect(self.show_sync)
        self.customer = CustomerDisplays(self)  # the second screen or pole display, if any
        QShortcut(QKeySequence("Ctrl+L"), self, self.lock)
        QShortcut(QKeySequence("Ctrl+J"), self, self.open_card_orphans)
        self._build()
        self.customer.start()
        self._attach(engine)
        status = till_state.sync_status(terminal.store)
        self.show_sync(status)
        if not status.enrolled and not terminal.has_staff():
            self.stack.setCurrentWidget(self.setup_page)  # a new, empty till
        self.idle = QTimer(self)
        self.idle.setInterval(1000)
        self.idle.timeout.connect(self._check_idle)
        self.idle.start()

    def _build(self) -> None:
        """The pages and the status bar, in ``self.lang`` (again after a language switch: the
        old ones are replaced and deleted)."""
        lang, s = self.lang, self.terminal.settings
        self.setWindowTitle(self.tr("Till %1 · %2").replace("%1", s.terminal_id or "—")
                            .replace("%2", s.store_name_zh if lang.startswith("zh")
                                     else s.store_name_en))
        self.stack = QStackedWidget()
        self.login_page = LoginPage()
        self.sell_page = SellPage(lang)
        self.sell_page.background = self.background
        self.sell_page.shared = self.engine
        self.setup_page = SetupPage(self.terminal, self.background, self.token_store,
                                    self.enrolment)
        for page in (self.login_page, self.sell_page, self.setup_page):
            self.stack.addWidget(page)
        self.setup_page.enrolled.connect(self._enrolled)
        self.setCentralWidget(self.stack)
        self.status = widgets.SyncStatusBar(lang)
        self.setStatusBar(self.status)
        self.status.show_place(s.store_id, s.terminal_id)
        self.status.show_cashier(None)
        self._printer_ready(self.printer_fault)
        self.login_page.login.connect(self.log_in)
        self.login_page.unlock.connect(self.unlock)
        self.login_page.switch_cashier.connect(self.switch_cashier)
        self.sell_page.pay_requested.connect(self.pay)
        self.sell_page.reprint_requested.connect(self.reprint)
        self.sell_page.no_sale_requested.connect(self.no_sale)
        self.sell_page.settings_requested.connect(self.open_settings)
        self.sell_page.returned.connect(self.returned)
        self.sell_page.stock_moved.connect(self.nudge_sync)
        self.sell_page.shift_requested.connect(self.open_shift)
        self.sell_page.reconcile_requested.connect(self.open_reconcile)
        self.customer.attach()

    def token_store(self) -> TokenStorePort:
        """Where enrolment puts this till's token: the OS keyring unless set."""
        if self.tokens is None:
            if self.make_tokens is None:
                raise RuntimeError("this till window was started without a token store")
            self.tokens = self.make_tokens()
        return self.tokens

    def set_language(self, lang: str) -> None:
        """Switch the till's language now: the translations, every page and the status bar,
        money and receipts. The cashier, the open sale and the page stay as they were."""
        from .app import install_language

        app = QApplication.instance()
        assert isinstance(app, QApplication)
        install_language(app, lang)
        was = self.stack.currentWidget()
        page = "sell" if was is self.sell_page else "setup" if was is self.setup_page else ""
        self.lang = lang
        if hasattr(self.printer, "lang"):  # a ReceiptPrinter: its labels (tests: a paper roll)
            self.printer.lang = "zh" if lang.startswith("zh") else "en"
        self._build()
        self.show_sync(till_state.sync_status(
            self.terminal.store,
            self.sync_state if self.sync_state in ("syncing", "bootstrapping") else None))
        session = self.session
        if page == "setup":
            self.stack.setCurrentWidget(self.setup_page)
        elif session is not None and self.checkout is not None:
            self.sell_page.start(self.checkout)
            self.status.show_cashier(f"{session.staff.name} ({session.staff.id})")
            if session.locked:
                self.login_page.show_locked(session.staff.name)
                self.stack.setCurrentWidget(self.login_page)
            else:
                self.stack.setCurrentWidget(self.sell_page)
                self.sell_page.focus_scan()

    # -- sync state ------------------------------------------------------------------------------
    def _attach(self, engine: WindowEngine | None) -> None:
        self.engine = engine
        self.sell_page.shared = engine  # other tills' suspended sales come through the engine
        if engine is not None:
            engine.on_status = self.bridge.status.emit

    def show_sync(self, status: SyncStatus) -> None:
        self.sync_state = status.state
        self.status.show_sync(status)
        if status.state == "idle" and self.sell_page.checkout is not None:
            # the tiles may have changed centrally
            self.sell_page.quick_keys.show_groups(till_state.quick_key_groups(self.terminal.store))
        if self.stack.currentWidget() is self.setup_page and status.state == "idle" \
                and self.terminal.has_staff():
            self.terminal.reload()  # the store's settings came with the first sync
            s = self.terminal.settings
            self.status.show_place(s.store_id, s.terminal_id)
            self.login_page.show_login()
            self.stack.setCurrentWidget(self.login_page)

    def _enrolled(self) -> None:
        """Enrolled from the set-up page: start the engine; its first cycle loads the store."""
        engine = self.make_engine() if self.make_engine is not None else None
        self._attach(engine)
        if engine is None:
            self.setup_page.message.setText(self.tr(
                "Enrolled, but sync cannot start (no keyring?): see the log"))
            return
        engine.start()

    def refresh_waiting(self) -> None:
        """After a local change (a sale): the count of events waiting, from the database."""
        state = self.sync_state if self.sync_state in ("syncing", "bootstrapping") else None
        self.status.show_sync(till_state.sync_status(self.terminal.store, state))

    # -- staff -----------------------------------------------------------------------------------
    def log_in(self, staff_id: int, pin: str) -> None:
        try:
            session = self.terminal.staff.login(staff_id, pin)
        except PosError as exc:
            self.login_page.show_error(message_for(exc, self.lang))
            return
        self.session = session
        self.checkout = self.terminal.checkout(session)
        self.sell_page.start(self.checkout)
        self.status.show_cashier(f"{session.staff.name} ({session.staff.id})")
        self.stack.setCurrentWidget(self.sell_page)
        self.sell_page.focus_scan()
        if self.terminal.card_recovery().open():  # charged without a sale: a manager now
            QTimer.singleShot(0, self.open_card_orphans)
        if self.terminal.settings.require_shift and not till_state.shift_open(self.terminal.store):
            # Selling needs an open shift: the float is counted first (ui/shift.py).
            QTimer.singleShot(0, lambda: self.open_shift(count_float=True))
        waiting = self.terminal.receipts.unprinted()
        if waiting and self.printer is not None:
            self.sell_page.say(self.tr("%n receipt(s) were never printed: F11 prints them", "",
                                       len(waiting)))

    def lock(self) -> None:
        if self.session is None:
            return
        self.session.locked = True
        self.login_page.show_locked(self.session.staff.name)
        self.stack.setCurrentWidget(self.login_page)

    def _check_idle(self) -> None:
        s = self.session
        if s is None or s.locked or self.stack.currentWidget() is not self.sell_page \
                or self.background.busy or self.devices.busy \
                or QApplication.activeModalWidget() is not None:
            return
        idle = (self.terminal.clock.now() - s.last_activity).total_seconds()
        if idle > self.terminal.settings.idle_lock_seconds:
            self.lock()

    def unlock(self, pin: str) -> None:
        assert self.session is not None
        try:
            self.terminal.staff.unlock_session(self.session, pin)
        except PosError as exc:
            self.login_page.show_error(message_for(exc, self.lang))
            return
        self.stack.setCurrentWidget(self.sell_page)
        self.sell_page.focus_scan()

    def switch_cashier(self) -> None:
        co = self.checkout
        if co is not None and (not co.basket_empty or co.has_payments):
            self.login_page.show_error(self.tr(
                "A sale is open: unlock, then finish or suspend it before switching cashier"))
            return
        if self.session is not None:
            self.terminal.staff.logout(self.session)
        self.session = self.checkout = None
        self.status.show_cashier(None)
        self.login_page.show_login()

    # -- paying ----------------------------------------------------------------------------------
    def pay(self) -> None:
        co = self.checkout
        if co is None or co.basket_empty:
            return
        if co.payment.is_settled:  # a web order's pick-up paid online: nothing to take
            self.complete()
            self.sell_page.focus_scan()
            return
        dialog = PayDialog(co, self.background, self.lang, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        self.sell_page.refresh()
        if accepted:
            self.complete()
        self.sell_page.focus_scan()

    def complete(self) -> CompletedSale | None:
        co = self.checkout
        assert co is not None
        try:
            sale = co.complete()
        except PosError as exc:
            self.sell_page.say(message_for(exc, self.lang), error=True)
            return None
        self.last_sale = sale
        self.customer.sale_done(sale)  # the customer sees the change until the next sale
        self.sell_page.refresh()
        change = fmt.money(sale.change, self.lang)
        headline = self.tr("Change %1 · Receipt %2").replace("%1", change) \
            .replace("%2", sale.receipt_no)
        if sale.exchange is not None:  # goods came back in the same basket: their slip too
            back = sale.exchange
            headline = (self.tr("Change %1 · Receipt %2 · return %3 · give back %4")
                        .replace("%1", change).replace("%2", sale.receipt_no)
                        .replace("%3", back.return_no)
                        .replace("%4", fmt.money(back.cash, self.lang)))
            self._print_return(back)
        self.sell_page.show_done(headline, " · ".join(
            [self.tr("Total %1").replace("%1", fmt.money(sale.totals.total, self.lang))]
            + [f"{fmt.tender(t.kind.value)} {fmt.money(t.tendered, self.lang)}"
               for t in sale.tenders]))
        # After the commit (posclient/app/after_sale.py): the drawer and the receipt on the
        # devices' thread, the sale marked printed back on this one, the sync engine nudged.
        after = self.after_sale()
        if after.opens_drawer(sale):
            self.kick_drawer()
        self.print_sale(sale.sale_id)
        self.refresh_waiting()
        after.nudge()
        return sale

    def returned(self, done: CompletedReturn) -> None:
        """A return was refunded (committed): say what to hand back, open the drawer for cash,
        print the slip (off the GUI thread; a fault never touches the return)."""
        cash = done.cash
        text = self.tr("Refunded %1 · return %2").replace(
            "%1", fmt.money(done.total, self.lang)).replace("%2", done.return_no)
        if done.cancelled_order:  # an order placed at a till, cancelled (ui/order_cancel.py)
            text = self.tr("Order %1 cancelled · return %2").replace(
                "%1", done.cancelled_order).replace("%2", done.return_no)
        if cash:
            text += " · " + self.tr("give back %1 in cash").replace(
                "%1", fmt.money(cash, self.lang))
            self.kick_drawer()
        self.sell_page.show_done(text)
        self._print_return(done)
        self.refresh_waiting()
        self.nudge_sync()

    def nudge_sync(self) -> None:
        """A business event that moves stock committed (a sale, a return, a count, a delivery
        received): the sync engine, if running, sends it now (sync/engine.py ``sync_now``)."""
        if self.engine is not None:
            self.engine.sync_now()

    def _print_return(self, done: CompletedReturn) -> None:
        """The return slip, off the GUI thread (a fault never touches the return)."""
        if self.printer is None:
            return
        slip = self.terminal.receipts.build_return(done.return_id, self.lang)
        printer = self.printer
        self.devices.run(lambda: printer(slip), lambda _: self._printer_ready(),
                            self._device_fault)

    # -- devices ---------------------------------------------------------------------------------
    def _printer_ready(self, fault: str = "") -> None:
        self.printer_fault = fault  # shown again after a language switch
        if self.printer is None:
            self.status.show_printer(self.tr("No printer"), ok=True)
        elif fault:
            self.status.show_printer(self.tr("Printer: %1").replace("%1", fault), ok=False)
        else:
            self.status.show_printer(self.tr("Printer ready"), ok=True)

    def _device_fault(self, exc: object) -> None:
        text = message_for(exc, self.lang)
        self._printer_ready(text)
        self.sell_page.say(text, error=True)

    def print_sale(self, sale_id: int) -> None:
        """Print after the commit, off the GUI thread. A fault leaves the sale unprinted (F11
        prints it) and never touches the sale."""
        if self.printer is None:
            return
        after = self.after_sale()
        receipt = after.receipt(sale_id, self.lang)
        printer = self.printer

        def printed(_: object) -> None:
            after.printed(sale_id)
            self._printer_ready()

        self.devices.run(lambda: printer(receipt), printed, self._device_fault)

    def after_sale(self) -> AfterSale:
        """The after-commit use case, its steps run apart: devices off the GUI thread."""
        return AfterSale(self.terminal.receipts, self.terminal.drawer, self.engine)

    def kick_drawer(self) -> None:
        drawer = self.terminal.drawer
        if not getattr(drawer, "connected", False):
            return
        self.devices.run(drawer.open, None, self._device_fault)

    def no_sale(self) -> None:
        co = self.checkout
        if co is None:
            return
        if not self.confirm(self, self.tr("No sale"),
                            self.tr("Open the cash drawer without a sale?")):
            self.sell_page.focus_scan()
            return
        why = reasons.ask_for(self, co, "no_sale", self.tr("Why is the drawer opened?"),
                              self.lang)
        if why is not None:
            widgets.with_approval(self, lambda a: co.no_sale(QueuedDrawer(self), why.text, a,
                                                             reason_code=why.code),
                                  lambda exc: self.sell_page.say(message_for(exc, self.lang),
                                                                 error=True),
                                  widgets.ask_approval, lang=self.lang)
        self.sell_page.focus_scan()

    def reprint(self) -> None:
        """The last sale's receipt by default; never-printed receipts first, if any."""
        session = self.session
        if session is None:
            return
        if self.printer is None:
            self.sell_page.say(self.tr("No printer is set up on this till"), error=True)
            return
        receipts = self.terminal.receipts
        unprinted = receipts.unprinted()
        if unprinted:
            for u in unprinted:
                self.print_sale(u.sale_id)
            self.sell_page.say(self.tr("Printing %n receipt(s) never printed", "",
                                       len(unprinted)))
            return
        default = self.last_sale.receipt_no if self.last_sale else ""
        number, ok = widgets.ask_text(self, self.tr("Reprint"),
                                     self.tr("Receipt or return number"), default)
        self.sell_page.focus_scan()
        if not ok or not number.strip():
            return
        staff, printer = self.terminal.staff, self.printer
        return_id = receipts.return_id(number)
        if return_id is not None:  # a return slip's number
            try:
                slip = receipts.copy_of_return(session, staff, return_id, self.lang)
            except PosError as exc:
                self.sell_page.say(message_for(exc, self.lang), error=True)
                return

            def slip_printed(_: object) -> None:
                receipts.reprinted_return(session, staff, slip.receipt_no)
                self._printer_ready()

            self.devices.run(lambda: printer(slip), slip_printed, self._device_fault)
            return
        try:
            sale_id = receipts.sale_id(number)
            copy = receipts.copy_for_reprint(session, staff, sale_id, self.lang)
        except PosError as exc:
            self.sell_page.say(message_for(exc, self.lang), error=True)
            return

        def printed(_: object) -> None:
            receipts.reprinted(session, staff, sale_id, copy.receipt_no)
            self._printer_ready()

        self.devices.run(lambda: printer(copy), printed, self._device_fault)

    def open_shift(self, count_float: bool = False) -> None:
        """Shift and reports (ui/shift.py): float, cash in and out, blind count, X and Z.
        ``count_float``: no shift is open and the store needs one to sell: the float's count
        comes up at once."""
        if self.session is None:
            return
        from .shift import ShiftDialog

        dialog = ShiftDialog(self.terminal.shifts(self.session),
                             self.lang, self.printer, self.devices, self.kick_drawer, self)
        if count_float:
            dialog.say(self.tr("Open the shift first: count the float in the drawer"))
            QTimer.singleShot(0, dialog.open_shift)
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()
        self.refresh_waiting()
        self.sell_page.focus_scan()

    def open_reconcile(self) -> None:
        """The store's reconciliation (ui/reconcile.py): a manager, or a manager's PIN."""
        if self.session is None:
            return
        from posclient.app.reconcile import Reconciliation

        from .reconcile import ReconcileDialog

        t = self.terminal
        service = Reconciliation(t.store, t.staff, self.session, clock=t.clock,
                                 central=self.engine, settings=t.settings)

        def open_view(approval: Approval | None) -> bool:
            service.open(approval)
            return True

        opened = widgets.with_approval(self, open_view, lambda exc: self.sell_page.say(
                                           message_for(exc, self.lang), error=True),
                                       widgets.ask_approval, lang=self.lang)
        if opened is None:
            self.sell_page.focus_scan()
            return
        dialog = ReconcileDialog(service, self.engine, self.background, self.lang, self)
        self.last_reconcile = dialog
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()
        self.sell_page.focus_scan()

    def open_card_orphans(self) -> None:
        """Card payments approved without a sale (ui/card_orphans.py), for a manager."""
        if self.session is None or self.session.locked:
            return
        from .card_orphans import CardOrphansDialog

        dialog = CardOrphansDialog(self.terminal.card_recovery(), self.session,
                                   self.background, self.lang, self)
        self.last_card_orphans = dialog
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()
        self.refresh_waiting()
        self.sell_page.focus_scan()

    # -- settings --------------------------------------------------------------------------------
    def open_settings(self) -> None:
        dialog = SettingsDialog(self, self.apply_printer)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.exec()
        self.sell_page.focus_scan()

    def apply_printer(self, _config: dict[str, Any]) -> None:
        """The printer was changed in Settings: connect the new one (and its drawer)."""
        try:
            self.printer = self.terminal.connect_printer(self.lang)
        except PosError as exc:
            self.printer = None
            self._printer_ready(message_for(exc, self.lang))
            return
        self._printer_ready()

    # -- closing ---------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        co = self.checkout
        if co is not None and co.has_payments:
            self.sell_page.say(self.tr("Payments were taken: finish or void the sale before "
                                       "closing the till"), error=True)
            event.ignore()
            return
        self.background.pool.waitForDone(10_000)
        self.devices.pool.waitForDone(10_000)
        self.customer.close()
        if self.engine is not None:
            self.engine.stop()
        event.accept()
