"""Log-in and the lock screen: staff number and PIN on a large keypad."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from . import a11y
from .widgets import Keypad


class LoginPage(QWidget):
    """Two modes: log-in (staff number + PIN) and locked (the same cashier's PIN only, or
    switch cashier)."""

    login = Signal(int, str)  # staff id, PIN
    unlock = Signal(str)  # PIN
    switch_cashier = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.locked_for: str | None = None
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        col = QVBoxLayout()
        outer.addLayout(col, 2)
        outer.addStretch(1)
        self.title = QLabel()
        self.title.setObjectName("title")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        col.addStretch(1)
        col.addWidget(self.title)
        form = QFormLayout()
        self.staff_id = QLineEdit()
        self.staff_id.setObjectName("staffId")
        self.staff_id.setMaxLength(9)
        self.pin = QLineEdit()
        self.pin.setObjectName("pin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(12)
        self.staff_label = QLabel(self.tr("Staff number"))
        form.addRow(self.staff_label, self.staff_id)
        form.addRow(self.tr("PIN"), self.pin)
        col.addLayout(form)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        col.addWidget(self.error)
        pad = Keypad()
        pad.key.connect(self._key)
        col.addWidget(pad)
        self.switch = QPushButton(self.tr("Switch cashier"))
        self.switch.setObjectName("switchCashier")
        self.switch.clicked.connect(self.switch_cashier.emit)
        col.addWidget(self.switch)
        col.addStretch(1)
        self.staff_id.returnPressed.connect(self.pin.setFocus)
        self.pin.returnPressed.connect(self._submit)
        a11y.spoken(self.title, self.tr("Log in"))
        a11y.spoken(self.error, self.tr("Message"))
        a11y.complete(self)
        self.show_login()

    def show_login(self, message: str = "") -> None:
        self.locked_for = None
        self.title.setText(self.tr("Log in"))
        a11y.say(self.title)
        self.staff_id.setEnabled(True)
        self.staff_id.show()
        self.staff_label.show()
        self.switch.hide()
        self.staff_id.clear()
        self.pin.clear()
        self._error(message)
        self.staff_id.setFocus()

    def show_locked(self, name: str) -> None:
        self.locked_for = name
        self.title.setText(self.tr("Locked: %1, enter your PIN").replace("%1", name))
        a11y.say(self.title)
        self.staff_id.hide()
        self.staff_label.hide()
        self.switch.show()
        self.pin.clear()
        self._error("")
        self.pin.setFocus()

    def _error(self, message: str) -> None:
        self.error.setText(message)
        a11y.say(self.error)
        self.error.setVisible(bool(message))

    def show_error(self, message: str) -> None:
        self._error(message)
        self.pin.clear()
        self.pin.setFocus()

    def _key(self, value: str) -> None:
        edit = self.staff_id if self.staff_id.hasFocus() and self.staff_id.isVisible() \
            else self.pin
        if Keypad.apply(edit, value):
            if edit is self.staff_id:
                self.pin.setFocus()
            else:
                self._submit()

    def _submit(self) -> None:
        if self.locked_for is not None:
            self.unlock.emit(self.pin.text())
            return
        sid = self.staff_id.text().strip()
        if not (sid.isascii() and sid.isdigit()):  # "²" is a digit to Python, not to int()
            self._error(self.tr("Enter your staff number (digits only)"))
            self.staff_id.setFocus()
            return
        if not self.pin.text():
            self.pin.setFocus()
            return
        self.login.emit(int(sid), self.pin.text())
