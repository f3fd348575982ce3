"""Small widgets shared by the till's screens: keypad, supervisor approval, the status bar."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QStatusBar,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from posclient.app.staff import Approval
from posclient.domain.catalogue import describe_refusal as describe
from posclient.domain.catalogue import message_for
from posclient.domain.clock import parse_iso
from posclient.domain.errors import ApprovalRequired, PosError
from posclient.domain.sync_status import SyncStatus

from . import a11y, fmt

T = TypeVar("T")
W = TypeVar("W", bound=QWidget)


class Keypad(QWidget):
    """A large numeric keypad for touch: digits, backspace and Enter. Types into whatever line
    edit has focus (or the one given with :meth:`target`)."""

    key = Signal(str)  # "0".."9", "back", "enter"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setSpacing(8)
        labels = ["7", "8", "9", "4", "5", "6", "1", "2", "3", "⌫", "0", "↵"]
        for i, text in enumerate(labels):
            b = QPushButton(text)
            b.setObjectName("keypad")
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.setMinimumSize(88, 72)
            value = {"⌫": "back", "↵": "enter"}.get(text, text)
            # A touch pad for what the keyboard's own keys do: named for a screen reader.
            a11y.name(b, {"back": self.tr("Backspace"), "enter": self.tr("Enter")}.get(
                value, value), self.tr("Keypad"))
            b.clicked.connect(lambda _=False, v=value: self.key.emit(v))
            grid.addWidget(b, i // 3, i % 3)

    @staticmethod
    def apply(edit: QLineEdit, value: str) -> bool:
        """Type ``value`` into ``edit``; True when it was Enter."""
        if value == "back":
            edit.backspace()
        elif value == "enter":
            return True
        else:
            edit.insert(value)
        return False


class EnterField(QLineEdit):
    """A line edit that keeps Enter to itself (``returnPressed``): in a dialog, Enter would
    otherwise also press the default button."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        super().keyPressEvent(event)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()


def enter_moves_on(dialog: QDialog, event: QKeyEvent) -> bool:
    """For a dialog's ``keyPressEvent``: Enter in a field (a count, an amount) moves to the
    next control instead of pressing the dialog's default button, so a number typed and
    entered never closes the dialog by accident; Enter on a button presses that button. True
    when the event was Enter in a field (and was used)."""
    if event.key() not in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
            or isinstance(dialog.focusWidget(), QPushButton):
        return False
    dialog.focusNextChild()
    return True


class ApprovalDialog(QDialog):
    """A supervisor's staff number and PIN for one action."""

    def __init__(self, reason: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Supervisor approval"))
        self.setObjectName("approval")
        layout = QVBoxLayout(self)
        msg = QLabel(reason)
        msg.setWordWrap(True)
        layout.addWidget(msg)
        form = QFormLayout()
        # Number, Enter, PIN, Enter, as at the login: Enter in a field is that field's (it
        # used to reach the dialog's OK button and close it after the number, and the PIN
        # then went to the scan field).
        self.staff_id = EnterField()
        self.staff_id.setObjectName("approverId")
        self.pin = EnterField()
        self.pin.setObjectName("approverPin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("Supervisor number"), self.staff_id)
        form.addRow(self.tr("PIN"), self.pin)
        layout.addLayout(form)
        pad = Keypad()
        pad.key.connect(self._key)
        layout.addWidget(pad)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.staff_id.returnPressed.connect(self._number_entered)
        self.pin.returnPressed.connect(self._pin_entered)
        a11y.spoken(msg, self.tr("Why"))
        a11y.complete(self)
        self.staff_id.setFocus()

    def _number_entered(self) -> None:
        if self.staff_id.text().strip():
            self.pin.setFocus()

    def _pin_entered(self) -> None:
        if not self.staff_id.text().strip():
            self.staff_id.setFocus()
        elif self.pin.text():
            self.accept()

    def _key(self, value: str) -> None:
        edit = self.pin if self.pin.hasFocus() else self.staff_id
        if Keypad.apply(edit, value):
            if edit is self.staff_id:
                self._number_entered()
            else:
                self._pin_entered()

    def approval(self) -> Approval | None:
        sid = self.staff_id.text().strip()
        if not sid.isdigit() or not self.pin.text():
            return None
        return Approval(int(sid), self.pin.text())


def ask_text(parent: QWidget, title: str, label: str, text: str = "") -> tuple[str, bool]:
    """QInputDialog.getText, its field named by its question (for a screen reader)."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setTextValue(text)
    try:
        edit = dialog.findChild(QLineEdit)
        if edit is not None:
            a11y.name(edit, a11y.plain(label))
        QTimer.singleShot(0, lambda: a11y.complete(dialog))  # its buttons exist once shown
        ok = dialog.exec() == QDialog.DialogCode.Accepted
        return dialog.textValue(), ok
    finally:
        dialog.deleteLater()


# How a screen asks for approval: tests replace it to type into the real dialog.
def ask_approval(parent: QWidget, reason: str) -> Approval | None:
    dialog = ApprovalDialog(reason, parent)
    try:
        return dialog.approval() if dialog.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()


def ask_yes_no(parent: QWidget, title: str, text: str) -> bool:
    """A question the cashier answers Yes or No (No is the default: Enter does not confirm a
    typo)."""
    buttons = QMessageBox.StandardButton
    box = QMessageBox(QMessageBox.Icon.Question, title, text, buttons.Yes | buttons.No, parent)
    box.setDefaultButton(buttons.No)
    box.setEscapeButton(buttons.No)
    try:
        QTimer.singleShot(0, lambda: a11y.complete(box))  # named once shown
        box.exec()
        return box.clickedButton() is box.button(buttons.Yes)
    finally:
        box.deleteLater()


def show_message(label: QLabel, text: str, *, error: bool = False, **states: bool) -> None:
    """A message line's text and its QSS states (``error``, and others such as ``change``),
    restyled at once (the theme selects on these properties)."""
    label.setText(text)
    a11y.say(label)
    label.setProperty("error", error)
    for name, value in states.items():
        label.setProperty(name, value)
    label.style().unpolish(label)
    label.style().polish(label)


def with_approval(parent: QWidget, action: Callable[[Approval | None], T],
                  on_error: Callable[[PosError], None],
                  asker: Callable[[QWidget, str], Approval | None] | None = None, *,
                  lang: str = "en") -> T | None:
    """Run ``action``; when a service answers 'approval required', ask for a supervisor's PIN
    (saying why, in ``lang``) and run it again with it. A refusal goes to ``on_error``; None
    when refused or cancelled."""
    ask = asker or ask_approval
    try:
        return action(None)
    except ApprovalRequired as exc:
        approval = ask(parent, message_for(exc, lang))
        if approval is None:
            return None
        try:
            return action(approval)
        except PosError as again:
            on_error(again)
            return None
    except PosError as exc:
        on_error(exc)
        return None


class ElidedLabel(QLabel):
    """A label that never widens its window: text that does not fit ends in "…", and the
    whole text is its tool tip. ``text()`` is the whole text."""

    def __init__(self, purpose: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        a11y.spoken(self, purpose)
        # As wide as its text where there is room (Preferred), down to almost nothing where
        # there is not (minimumSizeHint): the window's minimum width never grows with it.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def setText(self, text: str) -> None:
        self._full = text
        self.setToolTip(text)
        a11y.say(self, text)  # the whole text, however little is shown
        self._elide()
        self.updateGeometry()

    def text(self) -> str:
        return self._full

    def _frame(self) -> int:
        """Columns the label's frame and padding (the theme's) take from its width."""
        return self.width() - self.contentsRect().width()

    def sizeHint(self) -> QSize:  # as wide as the whole text
        hint = super().sizeHint()
        return QSize(self.fontMetrics().horizontalAdvance(self._full) + self._frame() + 4,
                     hint.height())

    def minimumSizeHint(self) -> QSize:
        return QSize(24, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        room = max(0, self.contentsRect().width() - 2)
        super().setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight,
                                                      room))


class SyncStatusBar(QStatusBar):
    """Always visible: online/offline, events waiting, last sync, store and till, cashier,
    printer. Fed by the sync engine's status callback (queued to the GUI thread)."""

    def __init__(self, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.setSizeGripEnabled(False)
        # Elided, so a long printer fault or sync error never widens the window past its screen.
        self.state = ElidedLabel(self.tr("Sync"))
        self.state.setObjectName("syncState")
        self.waiting = ElidedLabel(self.tr("Waiting to upload"))
        self.waiting.setObjectName("syncWaiting")
        self.last = ElidedLabel(self.tr("Last sync"))
        self.last.setObjectName("syncLast")
        self.where = ElidedLabel(self.tr("Store and till"))
        self.who = ElidedLabel(self.tr("Cashier"))
        self.printer = ElidedLabel(self.tr("Printer"))
        self.printer.setObjectName("printerState")
        for w in (self.state, self.waiting, self.last):
            self.addWidget(w)
        for w in (self.printer, self.where, self.who):
            self.addPermanentWidget(w)
        self.status: SyncStatus | None = None

    def show_sync(self, status: SyncStatus) -> None:
        self.status = status
        names = {
            "idle": self.tr("Online"), "syncing": self.tr("Syncing…"),
            "bootstrapping": self.tr("Loading catalogue…"), "offline": self.tr("Offline"),
            "error": self.tr("Sync error"), "not_enrolled": self.tr("Not enrolled"),
            "wrong_token": self.tr("Another till's token: enrol again"),
        }
        text = names.get(status.state, status.state)
        if status.state == "bootstrapping" and status.progress and status.progress[1]:
            done, total = status.progress
            text += f" {100 * done // total}%"
        online = status.state in ("idle", "syncing", "bootstrapping")
        reason = None if online else describe(status.error_code, status.error_details,
                                               self.lang)
        if reason:  # a refusal (a deadline, an answer too large, a snapshot not verified...)
            text += " · " + reason
        self.state.setText(("● " if online else "○ ") + text)
        self.state.setProperty("online", online)
        self.state.setToolTip(status.last_error or status.server_url or "")
        self.state.style().unpolish(self.state)
        self.state.style().polish(self.state)
        waiting = self.tr("Waiting to upload: %n", "", status.events_waiting)
        if status.events_rejected:
            waiting += " · " + self.tr("Held for a manager: %n", "", status.events_rejected)
        self.waiting.setText(waiting)
        last = parse_iso(status.last_sync_at) if status.last_sync_at else None
        self.last.setText(self.tr("Last sync: %1").replace("%1", fmt.clock_time(last)))

    def show_place(self, store_id: str, terminal_id: str) -> None:
        self.where.setText(self.tr("Store %1 · Till %2").replace("%1", store_id)
                           .replace("%2", terminal_id or "—"))

    def show_cashier(self, name: str | None) -> None:
        self.who.setText(self.tr("Cashier: %1").replace("%1", name) if name else "")

    def show_printer(self, text: str, ok: bool) -> None:
        self.printer.setText(text)
        self.printer.setProperty("fault", not ok)
        self.printer.style().unpolish(self.printer)
        self.printer.style().polish(self.printer)


def cell_widget(table: QTableWidget, row: int, column: int, kind: type[W]) -> W:
    """The ``kind`` widget a screen put in a cell of its table (a quantity's spin box, say)."""
    widget = table.cellWidget(row, column)
    if not isinstance(widget, kind):
        raise LookupError(f"no {kind.__name__} in row {row}, column {column}")
    return widget
