"""Payment: what is due, quick cash amounts, split tenders, the card terminal, change in large
type. The card terminal is asked off the GUI thread; approval, decline and time-out each show
plainly."""

from __future__ import annotations

from collections.abc import Callable
from math import gcd

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from posclient.app.card_payment import CardAnswer, CardPayment
from posclient.app.checkout import Checkout
from posclient.domain.catalogue import message_for
from posclient.domain.errors import PosError
from posclient.domain.loyalty import points_for_value
from posclient.domain.money import Money, currency_exponent
from posclient.domain.tender import Tender, TenderNeedsConfirmation

from . import a11y, fmt, widgets
from .workers import Background


def quick_amounts(due: Money) -> list[Money]:
    """Exact, then the next round notes above what is due (10, 20, 50, 100 in major units)."""
    unit = 10 ** currency_exponent(due.currency)
    out = [due]
    for note in (10, 20, 50, 100):
        step = note * unit
        amount = -(-due.minor // step) * step
        if amount > due.minor and Money(amount, due.currency) not in out:
            out.append(Money(amount, due.currency))
    return out[:4]


class PayDialog(QDialog):
    """Takes tenders until nothing is due; ``accept()`` then means: complete the sale."""

    def __init__(self, checkout: Checkout, background: Background, lang: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("payDialog")
        self.setWindowTitle(self.tr("Payment"))
        self.co, self.background, self.lang = checkout, background, lang
        self.busy = False
        self.card_payment = CardPayment(checkout)
        # Asks the cashier yes or no (change far above what is due); tests answer it.
        self.confirm: Callable[[QWidget, str, str], bool] = widgets.ask_yes_no
        layout = QVBoxLayout(self)
        self.due = a11y.LiveLabel(self.tr("Due"))
        self.due.setObjectName("due")
        self.due.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.due)
        self.amount = QLineEdit()
        self.amount.setObjectName("amount")
        self.amount.setPlaceholderText(self.tr("Amount (empty: all that is due)"))
        self.amount.returnPressed.connect(self.cash)
        layout.addWidget(self.amount)
        self.quick = QHBoxLayout()
        layout.addLayout(self.quick)
        grid = QGridLayout()
        self.cash_button = QPushButton(self.tr("Cash") + "\nEnter")
        self.cash_button.setObjectName("payCash")
        self.card_button = QPushButton(self.tr("Card") + "\nF2")
        self.card_button.setObjectName("payCard")
        self.card_button.setShortcut("F2")
        self.points_button = QPushButton(self.tr("Points") + "\nF3")
        self.points_button.setObjectName("payPoints")
        self.points_button.setShortcut("F3")
        self.points_button.setEnabled(checkout.member is not None)
        self.points_button.clicked.connect(self.points)
        back = QPushButton(self.tr("Back to sale") + "\nEsc")
        back.setObjectName("payBack")
        for i, b in enumerate((self.cash_button, self.card_button, self.points_button, back)):
            b.setMinimumHeight(72)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            grid.addWidget(b, 0, i)
        layout.addLayout(grid)
        self.cash_button.clicked.connect(self.cash)
        self.card_button.clicked.connect(self.card)
        back.clicked.connect(self.reject)
        self.tenders = QListWidget()
        self.tenders.setObjectName("tenders")
        a11y.name(self.tenders, self.tr("Tenders taken"))
        self.tenders.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout.addWidget(self.tenders)
        self.message = a11y.LiveLabel(self.tr("Message"))
        self.message.setObjectName("payMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.resize(720, 560)
        a11y.complete(self)  # the buttons: their label, their key (Enter, F2, F3, Esc)
        self.refresh()

    def refresh(self) -> None:
        p = self.co.payment
        due = p.due
        self.due.setText(self.tr("Due %1").replace("%1", fmt.money(due, self.lang)))
        while (item := self.quick.takeAt(0)) is not None:
            if (w := item.widget()) is not None:
                w.deleteLater()
        if due.minor > 0:
            for amount in quick_amounts(p.cash_due()):
                b = QPushButton(fmt.money(amount, self.lang))
                b.setObjectName("quickCash")
                b.setMinimumHeight(64)
                # Tab reaches them (Enter or Space takes that cash); a tap leaves the focus
                # in the amount field, and Enter there is never theirs.
                b.setFocusPolicy(Qt.FocusPolicy.TabFocus)
                b.setAutoDefault(False)
                a11y.name(b, self.tr("Cash %1").replace("%1", fmt.money(amount, self.lang)))
                b.clicked.connect(lambda _=False, a=amount: self._take_cash(a))
                self.quick.addWidget(b)
        self.tenders.clear()
        for t in p.tenders:
            self.tenders.addItem(self._tender_text(t))
        member = self.co.member
        if member is not None:
            left = self.co.points_spendable()
            self.points_button.setText(self.tr("Points") + f" ({left})\nF3")
        self.amount.setFocus()

    def _tender_text(self, t: Tender) -> str:
        text = f"{fmt.tender(t.kind.value)}  {fmt.money(t.amount, self.lang)}"
        return f"{text}  {t.detail}" if t.detail else text

    def say(self, text: str, error: bool = False) -> None:
        widgets.show_message(self.message, text, error=error)

    def _typed(self) -> Money | None:
        text = self.amount.text().strip()
        self.amount.clear()
        if not text:
            return None
        try:
            return Money.parse(text, self.co.settings.currency)
        except PosError as exc:  # beyond the till's limit: says the limit
            self.say(message_for(exc, self.lang), error=True)
            raise ValueError(text) from exc
        except ValueError:
            self.say(self.tr("%1 is not an amount").replace("%1", text), error=True)
            raise

    def cash(self) -> None:
        if self.busy:
            return
        try:
            typed = self._typed()
        except ValueError:
            return
        self._take_cash(typed if typed is not None else self.co.payment.cash_due())

    def _take_cash(self, tendered: Money) -> None:
        try:
            try:
                self.co.pay_cash(tendered)
            except TenderNeedsConfirmation as exc:  # change above the largest note: a typo?
                question = message_for(exc, self.lang) + "\n\n" + self.tr("Take this cash?")
                if not self.confirm(self, self.tr("Payment"), question):
                    self.say(self.tr("Cash not taken: type the amount handed over"))
                    return
                self.co.pay_cash(tendered, confirmed=True)
        except PosError as exc:
            self.say(message_for(exc, self.lang), error=True)
            return
        self.say("")
        self._after_tender()

    def points(self) -> None:
        """Pay with the member's points: the typed number of points, or as many as the member
        may spend up to what is due."""
        if self.busy or self.co.member is None:
            return
        text = self.amount.text().strip()
        self.amount.clear()
        if text:
            if not text.isdigit():
                self.say(self.tr("Type a whole number of points"), error=True)
                return
            count = int(text)
        else:
            rules = self.co.settings.loyalty_rules
            left = self.co.points_spendable()
            count = min(left, points_for_value(rules, self.co.payment.due.minor))
            count -= count % (rules.redeem_points // gcd(rules.redeem_points,
                                                         rules.redeem_value))
        try:
            self.co.pay_points(count)
        except PosError as exc:
            self.say(message_for(exc, self.lang), error=True)
            return
        self.say("")
        self._after_tender()

    def card(self) -> None:
        """The card terminal is asked on a worker thread, which journals the attempt on a
        connection of its own (posclient/app/card_payment.py); the tender is added here."""
        if self.busy:
            return
        try:
            typed = self._typed()
        except ValueError:
            return
        try:
            attempt = self.card_payment.prepare(typed)
        except PosError as exc:
            self._card_failed(exc)
            return
        self.busy = True
        for b in (self.cash_button, self.card_button):
            b.setEnabled(False)
        self.say(self.tr("Waiting for the card terminal…"))
        charge = self.card_payment.charge
        self.background.run(lambda: charge(attempt), self._card_answered, self._card_failed)

    def _card_finished(self) -> None:
        self.busy = False
        for b in (self.cash_button, self.card_button):
            b.setEnabled(True)

    def _card_answered(self, answer: CardAnswer) -> None:
        try:
            self.card_payment.settle(answer)
        except PosError as exc:
            self._card_failed(exc)
            return
        self._card_finished()
        self.say(self.tr("Card approved"))
        self._after_tender()

    def _card_failed(self, exc: object) -> None:
        self._card_finished()
        self.say(message_for(exc, self.lang), error=True)
        self.refresh()

    def _after_tender(self) -> None:
        if self.co.payment.is_settled:
            self.accept()
        else:
            self.refresh()

    def reject(self) -> None:
        if not self.busy:  # never while the card terminal is asked
            super().reject()
