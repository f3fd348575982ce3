"""The till's services wired together for one terminal database: what a front end needs.

The console, the command line and the desktop app all start here, so each gets the same
services with the same seams (clock, payment terminal, devices). The card terminal and the devices
are the composition root's (posclient/cli.py builds them from posclient/devices/).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from posclient.domain.clock import Clock
from posclient.domain.pole_config import PoleConfig
from posclient.store import card_journal, outbox, sync_state, till_status
from posclient.store import staff as staff_rows
from posclient.store.catalog import Catalog
from posclient.store.db import Store
from posclient.store.settings import load_settings
from sync.protocol.clock import SystemClock

from .card_recovery import CardRecovery
from .checkout import Checkout
from .lookup import Lookup
from .ports import (
    CashDrawer,
    DisplayFaults,
    NoDrawer,
    PaymentTerminal,
    PoleDisplayPort,
    ReceiptPrinterPort,
    TillDevices,
)
from .receipts import Receipts
from .returns import Returns
from .shifts import Shifts
from .staff import StaffService, StaffSession
from .terminal_config import TerminalConfig


@dataclass(frozen=True, slots=True)
class TillStatus:
    database: str
    schema_version: int
    size_mb: float
    store_id: str
    terminal_id: str
    products: int
    staff: int
    sales: int
    events_waiting: int
    unprinted_sales: int
    orphan_card_payments: int  # approved (or unanswered) card payments with no sale
    last_sync: str | None
    audit_keying: str  # how the audit log is keyed (posclient/store/audit_head.py Keying)


class Terminal:
    """One till's services. ``payments``: its card terminal; ``devices`` builds its printer,
    drawer and pole display from the terminal config (without it, the till has none);
    ``drawer``: the cash drawer until a printer is connected."""

    def __init__(self, store: Store, *, payments: PaymentTerminal, clock: Clock | None = None,
                 drawer: CashDrawer | None = None, devices: TillDevices | None = None) -> None:
        self.store = store
        self.clock = clock or SystemClock()
        self.payments = payments
        self.devices = devices
        self.drawer: CashDrawer = drawer or NoDrawer()
        self.reload()

    def reload(self) -> None:
        """Read the store's settings again (after the first sync has brought them)."""
        store = self.store
        self.settings = load_settings(store.conn)
        self.catalog = Catalog(store.conn)
        self.staff = StaffService(store, self.clock, self.settings.limits)
        self.lookup = Lookup(self.catalog, self.settings, self.clock)
        self.receipts = Receipts(store, self.clock, self.settings)

    def connect_printer(self, lang: str) -> ReceiptPrinterPort | None:
        """The receipt printer set up for this till (None when it has none); the cash drawer
        on the printer's kick port comes with it. Raises InvalidInput for a bad setting."""
        settings = TerminalConfig(self.store).get("printer") or {}
        connected = None if self.devices is None else self.devices.connect_printer(
            settings, "zh" if lang.startswith("zh") else "en")
        if connected is None:
            self.drawer = NoDrawer()
            return None
        printer, self.drawer = connected
        return printer

    def check_printer(self, settings: Mapping[str, Any]) -> None:
        """Raise InvalidInput (``printer_config``) for a printer setting this till cannot use."""
        if self.devices is not None:
            self.devices.check_printer(settings)

    def connect_pole(self, config: PoleConfig, on_fault: DisplayFaults) -> PoleDisplayPort | None:
        """The customer's pole display ``config`` names (None: this till has no devices)."""
        return None if self.devices is None else self.devices.connect_pole(config, on_fault)

    def has_staff(self) -> bool:
        return staff_rows.any_staff(self.store.conn)

    def checkout(self, session: StaffSession) -> Checkout:
        return Checkout(self.store, self.staff, session, clock=self.clock,
                        payments=self.payments, settings=self.settings, catalog=self.catalog)

    def shifts(self, session: StaffSession) -> Shifts:
        return Shifts(self.store, self.staff, session, clock=self.clock, settings=self.settings)

    def returns(self, session: StaffSession) -> Returns:
        return Returns(self.store, self.staff, session, clock=self.clock,
                       payments=self.payments, settings=self.settings, catalog=self.catalog)

    def card_recovery(self) -> CardRecovery:
        """Card payments approved but never completed (posclient/app/card_recovery.py)."""
        return CardRecovery(self.store, self.staff, clock=self.clock, payments=self.payments,
                            settings=self.settings, checkout=self.checkout)

    def orphan_card_payments(self) -> int:
        """Card payments the terminal approved (or never answered) whose sale never committed
        and that nobody has resolved yet: the till stopped in between. Card refunds approved
        without their return are counted too (a manager gives them back by hand)."""
        refunds = card_journal.unmatched_refunds(self.store.conn)
        return len(self.card_recovery().open()) + refunds

    def status(self) -> TillStatus:
        c = self.store.conn
        last = sync_state.state_get(c, "last_sync_at")
        counts = till_status.counts(c)
        return TillStatus(
            database=str(self.store.path),
            schema_version=counts.schema_version,
            size_mb=round(self.store.file_size_mb(), 1),
            store_id=self.settings.store_id,
            terminal_id=self.settings.terminal_id,
            products=counts.products,
            staff=counts.active_staff,
            sales=counts.sales,
            events_waiting=outbox.pending_count(c),
            unprinted_sales=len(self.receipts.unprinted()),
            orphan_card_payments=self.orphan_card_payments(),
            last_sync=last,
            audit_keying=self.store.audit_keying.value,
        )
