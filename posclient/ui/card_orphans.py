"""Card payments approved without a sale (Ctrl+J, and after a log-in when there are some): each
one the card terminal approved while the till stopped before the sale committed, and that the
till could not reverse when it started. A manager reverses it on the card terminal, refunds it to
the card (after the terminal's batch was settled), or completes it as a sale of the goods it paid
for (the terminal is not asked again). A cashier gets a
manager's PIN asked. Rules are the service's (posclient/app/card_recovery.py); the card terminal
is asked off the GUI thread while the dialog waits."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from posclient.app.card_recovery import CardOrphan, CardRecovery, Resolution
from posclient.app.staff import Approval, StaffSession
from posclient.domain.catalogue import message_for
from posclient.domain.errors import PosError
from posclient.domain.policy import Action, required_role

from . import a11y, fmt, widgets
from .stock import fill, make_table
from .workers import Background


class CardOrphansDialog(QDialog):
    """The orphans, one per row, and what a manager does with the selected one."""

    def __init__(self, recovery: CardRecovery, session: StaffSession, background: Background,
                 lang: str, parent: QWidget | None = None,
                 asker: Callable[[QWidget, str], Approval | None] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cardOrphans")
        self.setWindowTitle(self.tr("Card payments without a sale"))
        self.resize(820, 420)
        self.recovery, self.session, self.background, self.lang = (recovery, session,
                                                                   background, lang)
        self.asker = asker
        self.orphans: list[CardOrphan] = []
        self.last: Resolution | None = None
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("The card terminal approved these payments, but the till stopped "
                               "before the sale was saved, and the terminal could not reverse "
                               "them. Reverse each on the card terminal (or refund it to the "
                               "card once the terminal's batch was settled), or complete it as "
                               "a sale of its goods."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = make_table("orphanTable", [self.tr("Approved at"), self.tr("Goods"),
                                                self.tr("Amount"), self.tr("Card")])
        layout.addWidget(self.table)
        self.message = QLabel()
        self.message.setObjectName("orphanMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        row = QHBoxLayout()
        self.reverse_button = QPushButton(self.tr("Reverse on the card terminal"))
        self.reverse_button.setObjectName("orphanReverse")
        self.refund_button = QPushButton(self.tr("Refund to the card"))
        self.refund_button.setObjectName("orphanRefund")
        self.complete_button = QPushButton(self.tr("Complete as sale"))
        self.complete_button.setObjectName("orphanComplete")
        later = QPushButton(self.tr("Later"))
        later.setObjectName("orphanLater")
        for b in self.buttons:
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(later)
        layout.addLayout(row)
        self.reverse_button.clicked.connect(lambda: self._resolve("reverse"))
        self.refund_button.clicked.connect(lambda: self._resolve("refund"))
        self.complete_button.clicked.connect(lambda: self._resolve("complete"))
        later.clicked.connect(self.reject)
        a11y.name(self.table, self.tr("Card payments without a sale"))
        a11y.spoken(self.message, self.tr("Message"))
        a11y.complete(self)
        self.table.setFocus()
        self.reload()

    @property
    def buttons(self) -> tuple[QPushButton, ...]:
        return (self.reverse_button, self.refund_button, self.complete_button)

    def reload(self) -> None:
        self.orphans = self.recovery.open()
        zh = self.lang.startswith("zh")
        fill(self.table, [
            (o.approved_at.replace("T", " ")[:16],
             ", ".join(f"{ln.name_zh if zh else ln.name_en} ×{ln.qty}" for ln in o.lines)
             or self.tr("not known"),
             fmt.money(o.amount, self.lang), f"{o.detail} {o.auth_code}".strip())
            for o in self.orphans])
        if self.orphans:
            self.table.selectRow(0)
        for b in self.buttons:
            b.setEnabled(bool(self.orphans))

    def _selected(self) -> CardOrphan | None:
        row = self.table.currentRow()
        return self.orphans[row] if 0 <= row < len(self.orphans) else None

    def _resolve(self, how: str) -> None:
        orphan = self._selected()
        if orphan is None or self.background.busy:
            return
        approval = None
        if not self.session.staff.role.at_least(required_role(Action.RESOLVE_CARD_ORPHAN)):
            ask = self.asker or widgets.ask_approval
            approval = ask(self, self.tr("A manager resolves card payments without a sale"))
            if approval is None:
                return
        call = {"reverse": self.recovery.reverse, "refund": self.recovery.refund,
                "complete": self.recovery.complete}[how]
        for b in self.buttons:
            b.setEnabled(False)
        widgets.show_message(self.message, self.tr("Saving the sale…") if how == "complete"
                             else self.tr("Waiting for the card terminal…"))
        self.background.run(lambda: call(self.session, orphan.reference, approval),
                            self._done, self._failed)

    def _done(self, result: object) -> None:
        assert isinstance(result, Resolution)
        self.last = result
        if result.outcome == "reversed":
            text = self.tr("Reversed on the card terminal: %1").replace(
                "%1", result.reference)
        elif result.outcome == "not_charged":
            text = self.tr("The card terminal never charged this payment: nothing to give back")
        elif result.outcome == "refunded":
            text = self.tr("Refunded to the card: %1").replace("%1", result.reference)
        else:
            sale = result.sale
            text = self.tr("Completed as sale %1").replace("%1", sale.receipt_no if sale else "")
        self.reload()
        widgets.show_message(self.message, text)

    def _failed(self, exc: object) -> None:
        self.reload()
        text = message_for(exc, self.lang) if isinstance(exc, PosError) else str(exc)
        widgets.show_message(self.message, text, error=True)
