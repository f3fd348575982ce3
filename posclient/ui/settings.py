"""Settings and diagnostics (managers and IT), and the first-run set-up of a new till.

Changing the printer or the language is a manager's action: the service asks for a manager's
approval when someone else is logged in.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from posclient import __version__
from posclient.app import till_state
from posclient.app.ports import EnrolmentPort, TokenStorePort
from posclient.app.staff import Approval
from posclient.app.terminal import Terminal
from posclient.app.terminal_config import TerminalConfig
from posclient.domain.catalogue import message_for
from posclient.domain.clock import parse_iso
from posclient.domain.errors import PosError

from . import a11y, widgets
from .customer_display import CustomerDisplayForm, parse_config
from .workers import Background

KINDS = ("none", "network", "usb", "serial", "file")


def _local_time(stamp: str | None) -> str:
    """A stored UTC time as the till's clock shows it."""
    if not stamp:
        return "—"
    return parse_iso(stamp).astimezone().strftime("%Y-%m-%d %H:%M:%S")


class PrinterForm(QWidget):
    """The printer's connection, as a dict (the terminal config's ``printer``)."""

    def __init__(self, current: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        self.kind = QComboBox()
        self.kind.setObjectName("printerKind")
        names = {"none": self.tr("No printer"), "network": self.tr("Network (port 9100)"),
                 "usb": "USB", "serial": self.tr("Serial port"),
                 "file": self.tr("File or device path")}
        for k in KINDS:
            self.kind.addItem(names[k], k)
        self.host = QLineEdit(str(current.get("host", "")))
        self.host.setObjectName("printerHost")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(int(current.get("port", 9100)))
        self.usb = QLineEdit(f"{current.get('vendor_id', '')}:{current.get('product_id', '')}"
                             if current.get("vendor_id") else "")
        self.usb.setPlaceholderText("0x04b8:0x0e15")
        self.device = QLineEdit(str(current.get("device", "")))
        self.device.setPlaceholderText("/dev/ttyUSB0")
        self.path = QLineEdit(str(current.get("path", "")))
        self.path.setObjectName("printerPath")
        self.path.setPlaceholderText("/dev/usb/lp0")
        self.paper = QComboBox()  # not "width": that would hide QWidget.width()
        self.paper.addItem(self.tr("80 mm (48 columns)"), 48)
        self.paper.addItem(self.tr("58 mm (32 columns)"), 32)
        self.paper.setCurrentIndex(1 if current.get("width") == 32 else 0)
        form.addRow(self.tr("Printer"), self.kind)
        form.addRow(self.tr("Address"), self.host)
        form.addRow(self.tr("Port"), self.port)
        form.addRow(self.tr("USB vendor:product"), self.usb)
        form.addRow(self.tr("Serial device"), self.device)
        form.addRow(self.tr("Path"), self.path)
        form.addRow(self.tr("Paper"), self.paper)
        self.kind.setCurrentIndex(max(0, self.kind.findData(current.get("kind", "none"))))

    def value(self) -> dict[str, Any]:
        kind = self.kind.currentData()
        out: dict[str, Any] = {"kind": kind, "width": self.paper.currentData()}
        if kind == "network":
            out.update(host=self.host.text().strip(), port=self.port.value())
        elif kind == "usb":
            vendor, _, product = self.usb.text().strip().partition(":")
            out.update(vendor_id=vendor, product_id=product)
        elif kind == "serial":
            out.update(device=self.device.text().strip())
        elif kind == "file":
            out.update(path=self.path.text().strip())
        return out


class SettingsDialog(QDialog):
    """Printer (test page, drawer test), language, sync now, and where things are."""

    def __init__(self, window: Any, apply_printer: Callable[[dict[str, Any]], None]) -> None:
        super().__init__(window)
        self.setObjectName("settings")
        self.setWindowTitle(self.tr("Settings and diagnostics"))
        self.window_, self.apply_printer = window, apply_printer
        terminal: Terminal = window.terminal
        self.config = TerminalConfig(terminal.store)
        layout = QVBoxLayout(self)
        # Two columns side by side, in a scroll area: on a screen smaller than the dialog (a
        # 1024x768 till in English) it scrolls instead of running off the screen.
        body = QWidget()
        columns = QHBoxLayout(body)
        columns.setContentsMargins(0, 0, 0, 0)
        left, right = QVBoxLayout(), QVBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        scroll = QScrollArea()
        scroll.setObjectName("settingsBody")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setWidget(body)
        layout.addWidget(scroll, 1)

        box = QGroupBox(self.tr("Receipt printer and cash drawer"))
        col = QVBoxLayout(box)
        self.printer = PrinterForm(self.config.get("printer") or {})
        col.addWidget(self.printer)
        row = QHBoxLayout()
        for text, name, slot in ((self.tr("Save printer"), "savePrinter", self.save_printer),
                                 (self.tr("Test page"), "testPage", self.test_page),
                                 (self.tr("Open drawer"), "drawerTest", self.drawer_test)):
            b = QPushButton(text)
            b.setObjectName(name)
            b.clicked.connect(slot)
            row.addWidget(b)
        col.addLayout(row)
        left.addWidget(box)

        box = QGroupBox(self.tr("Language"))
        row = QHBoxLayout(box)
        self.language = QComboBox()
        self.language.setObjectName("language")
        a11y.name(self.language, self.tr("Language"))
        self.language.addItem("中文（简体）", "zh_CN")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(0 if window.lang.startswith("zh") else 1)
        save = QPushButton(self.tr("Switch language"))
        save.setObjectName("saveLanguage")
        save.clicked.connect(self.save_language)
        row.addWidget(self.language)
        row.addWidget(save)
        left.addWidget(box)

        box = QGroupBox(self.tr("Customer display"))
        column = QVBoxLayout(box)
        try:
            shown = parse_config(self.config.get("customer_display"))
        except PosError:  # a bad saved value: choose again
            shown = {"kind": "none"}
        self.customer_display = CustomerDisplayForm(shown, window.screen())
        column.addWidget(self.customer_display)
        save = QPushButton(self.tr("Save"))
        save.setObjectName("saveCustomerDisplay")
        save.setAccessibleName(self.tr("Save customer display"))
        save.clicked.connect(self.save_customer_display)
        self.customer_display.first.addWidget(save)
        left.addWidget(box)

        box = QGroupBox(self.tr("Sync and diagnostics"))
        form = QFormLayout(box)
        status = till_state.sync_status(terminal.store)
        s = terminal.settings
        data = terminal.status()
        rows = [
            (self.tr("Central"), status.server_url or self.tr("not enrolled")),
            (self.tr("Store / till"), f"{s.store_id} / {s.terminal_id or '—'}"),
            (self.tr("Last sync"), _local_time(status.last_sync_at)),
            (self.tr("Last error"), status.last_error or "—"),
            (self.tr("Database"), self.tr("%1 (schema %2, %3 MB)")
             .replace("%2", str(data.schema_version)).replace("%3", str(data.size_mb))
             .replace("%1", str(data.database))),
            (self.tr("Logs"), str(window.log_file or "—")),
            (self.tr("Version"), __version__),
        ]
        for label, value in rows:
            v = QLabel(value)
            v.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            v.setWordWrap(True)
            form.addRow(label, v)
        sync_now = QPushButton(self.tr("Sync now"))
        sync_now.setObjectName("syncNow")
        sync_now.setEnabled(window.engine is not None)
        sync_now.clicked.connect(self.sync_now)
        form.addRow("", sync_now)
        right.addWidget(box)

        if status.enrolled:  # a new token for this till: its old one was revoked or lost
            box = QGroupBox(self.tr("Enrol this till again"))
            form = QFormLayout(box)
            self.server = QLineEdit(status.server_url or "")
            self.server.setObjectName("againServer")
            self.code = QLineEdit()
            self.code.setObjectName("againCode")
            self.code.setPlaceholderText(self.tr("a code made for this till by IT"))
            form.addRow(self.tr("Central"), self.server)
            form.addRow(self.tr("Enrolment code"), self.code)
            again = QPushButton(self.tr("Enrol again"))
            again.setObjectName("enrolAgain")
            again.clicked.connect(self.enrol_again)
            form.addRow("", again)
            move = QPushButton(self.tr("Use this address (same central, no code)"))
            move.setObjectName("moveCentral")
            move.clicked.connect(self.move_central)
            form.addRow("", move)
            right.addWidget(box)
        left.addStretch(1)
        right.addStretch(1)

        self.message = QLabel()
        self.message.setObjectName("payMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        close = QPushButton(self.tr("Close"))
        close.setObjectName("closeSettings")
        close.clicked.connect(self.accept)
        layout.addWidget(close)
        for b in self.findChildren(QPushButton):  # Enter in a field never saves or enrols
            b.setAutoDefault(False)
        a11y.spoken(self.message, self.tr("Message"))
        a11y.complete(self)
        self.printer.kind.setFocus()
        self._fit(body)

    def _fit(self, body: QWidget) -> None:
        """As large as its contents, within the screen it is shown on."""
        screen = (self.parentWidget() or self).screen().availableGeometry()
        want = body.sizeHint() + QSize(48, 140)  # margins, the message line, Close
        self.resize(min(want.width(), screen.width()), min(want.height(), screen.height()))

    def say(self, text: str, error: bool = False) -> None:
        widgets.show_message(self.message, text, error=error)

    def _configure(self, key: str, value: Any) -> bool:
        w = self.window_
        if w.session is None:
            self.say(self.tr("Log in first"), error=True)
            return False

        def configure(approval: Approval | None) -> bool:
            self.config.set(w.session, w.terminal.staff, key, value, approval)
            return True

        done = widgets.with_approval(
            self, configure, lambda exc: self.say(message_for(exc, w.lang), error=True),
            widgets.ask_approval, lang=w.lang)
        return bool(done)

    def save_printer(self) -> None:
        value = self.printer.value()
        try:
            self.window_.terminal.check_printer(value)
        except PosError as exc:
            self.say(message_for(exc, self.window_.lang), error=True)
            return
        if self._configure("printer", value):
            self.apply_printer(value)
            self.say(self.tr("Printer saved"))

    def save_customer_display(self) -> None:
        """A second screen or a pole display for the customer (ui/customer_display.py)."""
        try:
            value = self.customer_display.value()
        except PosError as exc:
            self.say(message_for(exc, self.window_.lang), error=True)
            return
        if self._configure("customer_display", value):
            self.window_.customer.configure(value)
            self.say(self.tr("Customer display saved"))

    def test_page(self) -> None:
        w = self.window_
        if w.printer is None:
            self.say(self.tr("No printer is set up on this till"), error=True)
            return
        printer = w.printer
        self.say(self.tr("Printing a test page…"))
        w.devices.run(lambda: printer.test_page(),
                      lambda _: self.say(self.tr("Test page sent")),
                      lambda exc: self.say(message_for(exc, self.window_.lang), error=True))

    def drawer_test(self) -> None:
        w = self.window_
        drawer = w.terminal.drawer
        if not getattr(drawer, "connected", False):
            self.say(self.tr("No cash drawer is connected"), error=True)
            return
        w.devices.run(drawer.open, lambda _: self.say(self.tr("Drawer opened")),
                      lambda exc: self.say(message_for(exc, self.window_.lang), error=True))

    def save_language(self) -> None:
        """Saved for the next start, and applied now: the window is rebuilt in the new
        language (this dialog, still in the old one, closes)."""
        lang = self.language.currentData()
        if self._configure("language", lang):
            self.accept()
            self.window_.set_language(lang)

    def _managers_permit(self, server: str, code: str) -> Any:
        """A manager's permit (posclient/app/enrolment.py ``EnrolAgain``) to change how this
        till reaches its central, or None (said why: not logged in, nothing typed, refused)."""
        from posclient.app.enrolment import EnrolAgain

        w = self.window_
        if w.session is None:
            self.say(self.tr("Log in first"), error=True)
            return None
        if not server or not code:
            self.say(self.tr("Enter the central's address and the code"), error=True)
            return None
        session = w.session
        return widgets.with_approval(
            self, lambda a: EnrolAgain.authorize(w.terminal.store, session, w.terminal.staff,
                                                 a),
            lambda exc: self.say(message_for(exc, w.lang), error=True), widgets.ask_approval,
            lang=w.lang)

    def enrol_again(self) -> None:
        """A manager (or with a manager's PIN) gives this till a new token; the network call
        runs off the GUI thread."""
        w = self.window_
        server, code = self.server.text().strip(), self.code.text().strip()
        permit = self._managers_permit(server, code)
        if permit is None:
            return
        name = till_state.terminal_name(w.terminal.store) or socket.gethostname()
        tokens = w.token_store()
        self.say(self.tr("Enrolling…"))

        def report(text: str, error: bool) -> None:
            """Here if the dialog is still open, else under the scan field."""
            if shiboken6.isValid(self) and self.isVisible():
                self.say(text, error=error)
            else:
                w.sell_page.say(text, error=error)

        def done(answer: Any) -> None:
            report(self.tr("Enrolled again as till %1: sync carries on")
                   .replace("%1", answer.terminal_id), False)
            if w.engine is not None:
                w.engine.sync_now()

        def failed(exc: object) -> None:
            report(message_for(exc, w.lang) if isinstance(exc, PosError) else str(exc), True)

        w.background.run(lambda: permit.run(_port(w.enrolment), server, code, name,
                                            tokens=tokens), done, failed)

    def move_central(self) -> None:
        """A manager points this till at a new address of the same central (a new proxy
        name): the central there must know this till's token as this till's."""
        w = self.window_
        server = self.server.text().strip()
        permit = self._managers_permit(server, "-")  # no code: the token proves the till
        if permit is None:
            return
        tokens = w.token_store()

        def done(_: Any) -> None:
            if shiboken6.isValid(self):
                self.say(self.tr("This till now uses the central at %1").replace("%1", server))
            if w.engine is not None:
                w.engine.sync_now()

        def failed(exc: object) -> None:
            if shiboken6.isValid(self):
                self.say(str(exc), error=True)

        w.background.run(lambda: permit.move_to(_port(w.enrolment), server, tokens=tokens),
                         done, failed)

    def sync_now(self) -> None:
        if self.window_.engine is not None:
            self.window_.engine.sync_now()
            self.say(self.tr("Sync started: watch the status bar"))


class SetupPage(QWidget):
    """A new till: enrol it with the central (address and one-time code from IT); the first
    sync then loads the catalogue while the status bar shows its progress."""

    enrolled = Signal()

    def __init__(self, terminal: Terminal, background: Background,
                 tokens: Callable[[], TokenStorePort], enrolment: EnrolmentPort | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.terminal, self.background, self.tokens = terminal, background, tokens
        self.enrolment = enrolment
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        col = QVBoxLayout()
        outer.addLayout(col, 2)
        outer.addStretch(1)
        title = QLabel(self.tr("Set up this till"))
        title.setObjectName("title")
        col.addStretch(1)
        col.addWidget(title)
        col.addWidget(QLabel(self.tr("Enter the central's address and the one-time code from "
                                     "IT (posclient-central enrol-code).")))
        form = QFormLayout()
        self.server = QLineEdit()
        self.server.setObjectName("server")
        self.server.setPlaceholderText("https://central.example.com")
        self.code = QLineEdit()
        self.code.setObjectName("code")
        self.name = QLineEdit(socket.gethostname())
        form.addRow(self.tr("Central"), self.server)
        form.addRow(self.tr("Enrolment code"), self.code)
        form.addRow(self.tr("Till name"), self.name)
        col.addLayout(form)
        self.button = QPushButton(self.tr("Enrol"))
        self.button.setObjectName("enrol")
        self.button.clicked.connect(self.enrol)
        col.addWidget(self.button)
        self.message = a11y.LiveLabel(self.tr("Message"))
        self.message.setWordWrap(True)
        self.message.setObjectName("message")
        col.addWidget(self.message)
        col.addStretch(1)
        self.code.returnPressed.connect(self.enrol)  # address, Tab, code, Enter
        a11y.complete(self)

    def enrol(self) -> None:
        store = self.terminal.store
        server, code, name = (self.server.text().strip(), self.code.text().strip(),
                              self.name.text().strip() or socket.gethostname())
        tokens = self.tokens()
        self.button.setEnabled(False)
        self.message.setText(self.tr("Enrolling…"))

        def failed(exc: object) -> None:
            self.button.setEnabled(True)
            self.message.setText(str(exc))

        def done(_: object) -> None:
            self.message.setText(self.tr("Enrolled: loading the catalogue…"))
            self.enrolled.emit()

        self.background.run(lambda: till_state.enrol_new_till(_port(self.enrolment), store,
                                                              server, code, name, tokens=tokens),
                            done, failed)


def _port(enrolment: EnrolmentPort | None) -> EnrolmentPort:
    """On the worker: the enrolment the window was started with (the command line wires it)."""
    if enrolment is None:
        raise RuntimeError("this till window was started without enrolment")
    return enrolment
