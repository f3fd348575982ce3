"""Resuming a suspended sale: this till's own, or one suspended at another till of the store.

The dialog lists this till's suspended sales at once and asks the central, off the GUI thread,
for the other tills' ones, which appear when the answer comes (or a line says the central cannot
be reached). A sale that other tills can see is claimed at the central first, behind a modal
"please wait" (the GUI thread never waits; the cashier cannot scan into the cart meanwhile),
so exactly one till resumes it. If the central cannot be reached, this till's own sales still
resume here (sync/parked.py sends the claim later); other tills' sales do not.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

import shiboken6
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QListWidget,
    QListWidgetItem,
    QProgressDialog,
    QVBoxLayout,
    QWidget,
)

from posclient.app.checkout import Checkout, SuspendedSale
from posclient.domain.catalogue import message_for
from posclient.domain.errors import PosError
from posclient.domain.money import Money

from . import a11y, fmt
from .workers import Background

log = logging.getLogger(__name__)


class SharedSales(Protocol):
    """What the dialog needs from the sync engine (sync.engine.SyncEngine)."""

    def shared_suspended(self) -> list[Any]: ...  # sync.protocol.ParkedSale, without carts

    def claim_suspended(self, park_id: str) -> Any: ...  # ParkedSale with its cart

    def sync_now(self) -> None: ...

    def fetch_order(self, order_no: str) -> Any: ...  # sync.protocol.OrderData

    def check_coupon(self, code: str) -> Any: ...  # sync.protocol.CouponStatus


def _time(stamp: str | datetime) -> str:
    at = datetime.fromisoformat(stamp) if isinstance(stamp, str) else stamp
    return at.astimezone().strftime("%H:%M")


class ResumeDialog(QDialog):
    """The suspended sales to choose from; ``chosen`` is a SuspendedSale (this till's) or a
    ParkedSale (another till's) after ``accept``."""

    def __init__(self, own: list[SuspendedSale], lang: str,
                 shared: SharedSales | None, background: Background | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("resume")
        self.setWindowTitle(self.tr("Resume a suspended sale"))
        self.lang = lang
        self.chosen: Any = None
        layout = QVBoxLayout(self)
        self.list = QListWidget()
        self.list.setObjectName("suspendedList")
        a11y.name(self.list, self.tr("Suspended sales"), self.tr("Enter resumes the selected sale"))
        self.list.setMinimumSize(640, 320)
        layout.addWidget(self.list)
        self.remote_state = a11y.LiveLabel(self.tr("Other tills"))
        self.remote_state.setObjectName("remoteState")
        self.remote_state.setWordWrap(True)
        layout.addWidget(self.remote_state)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.list.itemActivated.connect(lambda _item: self.accept())
        for s in own:
            label = self.tr("#%1  %2  %3  at %4").replace("%1", str(s.id)) \
                .replace("%2", s.label or "").replace("%3", fmt.money(s.total, lang)) \
                .replace("%4", _time(s.suspended_at))
            self._add(label, s)
        if shared is not None and background is not None:
            self.remote_state.setText(self.tr("Looking for other tills' suspended sales…"))
            background.run(shared.shared_suspended, self._got_shared, self._no_shared)
        if self.list.count():
            self.list.setCurrentRow(0)
        a11y.complete(self)
        self.list.setFocus()

    def _add(self, text: str, data: Any) -> None:
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, data)
        self.list.addItem(item)

    def _got_shared(self, sales: list[Any]) -> None:
        if not shiboken6.isValid(self):  # closed before the central answered
            return
        for p in sales:
            total = fmt.money(Money(p.total, p.currency), self.lang)
            self._add(self.tr("Till %1 · %2  %3  %n line(s)  at %4", "", p.lines)
                      .replace("%1", p.terminal_name or p.terminal_id)
                      .replace("%2", p.label or "").replace("%3", total)
                      .replace("%4", _time(p.parked_at)), p)
        self.remote_state.setText("" if sales else self.tr("No other till has a suspended sale"))
        if self.list.currentRow() < 0 and self.list.count():
            self.list.setCurrentRow(0)

    def _no_shared(self, exc: object) -> None:
        if not shiboken6.isValid(self):
            return
        if isinstance(exc, PosError):
            text = message_for(exc, self.lang)
        else:
            log.error("listing other tills' suspended sales failed: %r", exc)
            text = self.tr("the central could not be asked")
        self.remote_state.setText(self.tr("Other tills' suspended sales: %1").replace("%1", text))

    def accept(self) -> None:
        """OK, Enter or a tap: the selected sale (nothing selected: the dialog stays)."""
        item = self.list.currentItem()
        if item is None:
            return
        self.chosen = item.data(Qt.ItemDataRole.UserRole)
        super().accept()


def resume(parent: QWidget, checkout: Checkout, lang: str, shared: SharedSales | None,
           background: Background | None, say: Callable[[str, bool], None],
           done: Callable[[], None]) -> None:
    """The whole F9 flow: choose, claim at the central where needed, load the cart.
    ``say(text, error)`` reports to the cashier; ``done()`` runs once the cart is loaded or the
    attempt is over."""
    own = checkout.suspended()
    dialog = ResumeDialog(own, lang, shared, background, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if not dialog.exec() or dialog.chosen is None:
        done()
        return
    chosen = dialog.chosen
    if isinstance(chosen, SuspendedSale):
        try:
            checkout.resume(chosen.id)
        except PosError as exc:
            if exc.code != "suspended_shared" or shared is None or background is None:
                say(message_for(exc, lang), True)
                done()
                return
        else:
            done()
            return
    assert shared is not None and background is not None  # a claim needs both (see above)
    wait = QProgressDialog(
        QCoreApplication.translate("ResumeDialog", "Asking the central for the sale…"), "", 0, 0,
        parent)
    wait.setObjectName("claiming")
    wait.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    wait.setCancelButton(None)
    wait.setWindowModality(Qt.WindowModality.ApplicationModal)
    wait.setMinimumDuration(0)
    wait.show()
    park_id = str(chosen.park_id)

    def claimed(sale: Any) -> None:
        wait.close()
        try:
            checkout.resume_shared(sale)
        except Exception as exc:  # the claim is journalled: the sync cycle keeps the cart
            log.exception("a claimed suspended sale could not be loaded")
            say(QCoreApplication.translate(
                "ResumeDialog", "The sale could not be opened here (%1); it is kept on this "
                                "till: resume it again in a moment")
                .replace("%1", message_for(exc, lang) if isinstance(exc, PosError)
                         else type(exc).__name__), True)
            shared.sync_now()
        done()

    def refused(exc: object) -> None:
        wait.close()
        if isinstance(chosen, SuspendedSale) and isinstance(exc, PosError) \
                and exc.code == "central_unreachable":
            # this till's own sale, the central out of reach: resume it here all the same
            if _attempt(lambda: checkout.resume(chosen.id, central_unreachable=True), lang,
                        say):
                say(QCoreApplication.translate(
                    "ResumeDialog", "Resumed here; the other tills will hear of it when the "
                                    "central is back"), False)
        elif isinstance(exc, PosError):
            say(message_for(exc, lang), True)
        else:
            log.error("claiming a suspended sale failed: %r", exc)
            say(QCoreApplication.translate(
                "ResumeDialog", "The central could not be asked; try again"), True)
        done()

    background.run(lambda: shared.claim_suspended(park_id), claimed, refused)


def _attempt(action: Callable[[], None], lang: str, say: Callable[[str, bool], None]) -> bool:
    try:
        action()
    except PosError as exc:
        say(message_for(exc, lang), True)
        return False
    return True
