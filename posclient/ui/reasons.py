"""The reason picker: a cashier chooses why (posclient/app/reasons.py) a discount is given, a
price changed, a line or a sale voided, the drawer opened, goods taken back.

One small dialog, for the keyboard first: the list of the chain's reasons (arrow keys, or the
first letters; Enter accepts), and, where the action needs one, its value above it (the
discount, the new price). "Other…" ends the list when the store allows a typed reason
(``reason_free_text``): choosing it shows a text field. The service checks the choice again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from posclient.app import till_state
from posclient.app.checkout import Checkout
from posclient.app.reasons import ReasonCode
from posclient.domain.cart import Discount
from posclient.domain.catalogue import message_for
from posclient.domain.errors import PosError

from . import widgets

if TYPE_CHECKING:
    from .sell import SellPage


@dataclass(frozen=True, slots=True)
class Chosen:
    """What the cashier chose: a reason's ``code`` (None: typed), the reason's text (its name
    in the till's language, or what was typed), and the value asked for with it."""

    code: str | None
    text: str
    value: str = ""


class ReasonDialog(QDialog):
    def __init__(self, title: str, reasons: list[ReasonCode], lang: str, *,
                 allow_other: bool, value_label: str = "", value: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reasonDialog")
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.value: QLineEdit | None = None
        if value_label:
            self.value = QLineEdit(value)
            self.value.setObjectName("reasonValue")
            self.value.setAccessibleName(value_label)
            form.addRow(value_label, self.value)
        self.combo = QComboBox()
        self.combo.setObjectName("reasonCode")
        self.combo.setAccessibleName(self.tr("Reason"))
        for r in reasons:
            self.combo.addItem(r.name(lang), r.code)
        if allow_other:
            self.combo.addItem(self.tr("Other…"), None)
        form.addRow(self.tr("Reason"), self.combo)
        self.other = QLineEdit()
        self.other.setObjectName("reasonOther")
        self.other.setAccessibleName(self.tr("Other reason"))
        self.other.setPlaceholderText(self.tr("Type the reason"))
        self.other_label = QLabel(self.tr("Other reason"))
        form.addRow(self.other_label, self.other)
        layout.addLayout(form)
        self.message = QLabel()
        self.message.setObjectName("reasonMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.combo.currentIndexChanged.connect(self._shown)
        self._shown()
        (self.value or self.combo).setFocus()

    def _typed(self) -> bool:
        return self.combo.count() > 0 and self.combo.currentData() is None

    def _shown(self) -> None:
        self.other.setVisible(self._typed())
        self.other_label.setVisible(self._typed())
        if self._typed():
            self.other.setFocus()

    def chosen(self) -> Chosen:
        value = self.value.text().strip() if self.value is not None else ""
        if self._typed():
            return Chosen(None, self.other.text().strip(), value)
        return Chosen(self.combo.currentData(), self.combo.currentText(), value)

    def accept(self) -> None:
        """Refuses (staying open, saying why) without a value or a reason."""
        c = self.chosen()
        if self.value is not None and not c.value:
            widgets.show_message(self.message, self.tr("Enter the amount first"), error=True)
            self.value.setFocus()
        elif self.combo.count() == 0 or not c.text:
            widgets.show_message(self.message, self.tr("Choose or type a reason"), error=True)
        else:
            super().accept()


def ask_reason(parent: QWidget, title: str, reasons: list[ReasonCode], lang: str, *,
               allow_other: bool, value_label: str = "") -> Chosen | None:
    """The cashier's choice, or None when cancelled."""
    dialog = ReasonDialog(title, reasons, lang, allow_other=allow_other,
                          value_label=value_label, parent=parent)
    try:
        return dialog.chosen() if dialog.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()


def ask_for(parent: QWidget, checkout: Checkout, kind: str, title: str, lang: str,
            value_label: str = "") -> Chosen | None:
    """:func:`ask_reason` with the till's reasons of ``kind`` and the store's rule on typed
    reasons."""
    return ask_reason(parent, title, till_state.reasons_offered(checkout.store, kind), lang,
                      allow_other=checkout.settings.reason_free_text, value_label=value_label)


def ask_page(page: SellPage, kind: str, title: str, value_label: str = "") -> Chosen | None:
    """:func:`ask_for` at the sell page; the scan field has the focus again after."""
    co = page.checkout
    assert co is not None
    chosen = ask_for(page, co, kind, title, page.lang, value_label)
    page.focus_scan()
    return chosen


def ask_discount(page: SellPage, title: str,
                 value_label: str) -> tuple[Discount, str | None] | None:
    """A discount and its reason code at the sell page (a bad amount: said there, None)."""
    why = ask_page(page, "discount", title, value_label)
    if why is None or page.checkout is None:
        return None
    try:
        return Discount.parse(why.value, page.checkout.settings.currency,
                              reason=why.text), why.code
    except PosError as exc:
        page.say(message_for(exc, page.lang), error=True)
        return None
