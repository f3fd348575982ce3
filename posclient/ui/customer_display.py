"""The customer's side of the till: a second window, full screen on a second screen, or a
two-line pole display (posclient/devices/pole.py, built by the terminal's devices), chosen in
Settings and kept in the terminal config (``customer_display``: ``{"kind": "none"}``,
``{"kind": "screen", "screen": NAME}`` or
``{"kind": "pole", "connection": "serial", "device": ..., "baudrate": ..., "charset": ...}``).

Both render :class:`posclient.app.customer_display.CustomerView`, made from the checkout by
the same presenter whenever the cart changes (``SellPage.changed``) and when a sale is paid.

Language: the till's (a Chinese till shows Chinese to its customers, an English one English);
when the store sets ``customer_display_bilingual``, the labels and each product's name show in
both. The customer window never takes the focus: it is shown without activation, does not
accept focus, and none of its widgets can take it, so the scanner's keystrokes always reach the
cashier's scan field. A display fault (a pole display unplugged, a screen not connected) shows
in the status bar and never touches a sale.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication, QResizeEvent, QScreen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from posclient.app.customer_display import CustomerPresenter, CustomerView, label, pole_lines
from posclient.app.ports import PoleDisplayPort
from posclient.app.terminal_config import TerminalConfig
from posclient.domain.errors import InvalidInput, PosError
from posclient.domain.pole_config import BAUDRATES, CHARSETS, PoleConfig

from . import fmt
from .widgets import ElidedLabel

MAX_SCREEN_NAME = 200


def parse_config(value: Any) -> dict[str, Any]:
    """The ``customer_display`` setting, checked: raises InvalidInput (``display_config``)."""
    if not value:
        return {"kind": "none"}
    if not isinstance(value, dict):
        raise InvalidInput.of("display_config.display_bad_value", setting="customer_display",
                              value=value)
    kind = value.get("kind", "none")
    if kind == "none":
        return {"kind": "none"}
    if kind == "screen":
        name = value.get("screen")
        if not isinstance(name, str) or not 0 < len(name.strip()) <= MAX_SCREEN_NAME:
            raise InvalidInput.of("display_config.screen_name")
        return {"kind": "screen", "screen": name.strip()}
    if kind == "pole":
        return PoleConfig.from_dict(value).to_dict()
    raise InvalidInput.of("display_config.display_kind", kind=kind)


def _no_focus(widget: QWidget) -> None:
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    for child in widget.findChildren(QWidget):
        child.setFocusPolicy(Qt.FocusPolicy.NoFocus)


class CustomerWindow(QWidget):
    """What the customer sees on the second screen: the lines as they are scanned (the newest
    at the bottom, highlighted), the total in large type, what was paid and the change, the
    member's masked name and points, and the store's message. Type scales with the screen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint
                         | Qt.WindowType.WindowDoesNotAcceptFocus)
        self.setObjectName("customerDisplay")
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setWindowTitle("posclient")
        self.view: CustomerView | None = None
        outer = QVBoxLayout(self)
        self.store = QLabel()
        self.store.setObjectName("customerStore")
        self.store.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(self.store)
        body = QHBoxLayout()
        outer.addLayout(body, 1)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("customerLines")
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in (1, 2):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        body.addWidget(self.table, 3)
        side = QFrame()
        side.setObjectName("customerSide")
        grid = QGridLayout(side)
        self.names: dict[str, QLabel] = {}
        self.values: dict[str, QLabel] = {}
        for row, key in enumerate(("total", "paid", "change", "member", "points")):
            name, value = QLabel(), QLabel()
            name.setObjectName(f"customer_{key}_label")
            value.setObjectName(f"customer_{key}")
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(name, 2 * row, 0)
            grid.addWidget(value, 2 * row + 1, 0)
            self.names[key], self.values[key] = name, value
        grid.setRowStretch(10, 1)
        body.addWidget(side, 2)
        self.message = QLabel()
        self.message.setObjectName("customerMessage")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        outer.addWidget(self.message)
        _no_focus(self)
        self._scale()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._scale()

    def _scale(self) -> None:
        """Type by the screen: at 1920x1080, 40-pixel lines and a 98-pixel total (the till's
        style sheet sets sizes, so these are a style sheet too)."""
        h, w = max(480, self.height()), max(640, self.width())
        big = min(h // 11, w // 20)  # the total and the change: a long amount still fits
        self.setStyleSheet(
            f"#customerDisplay {{ background: #10233f; }}"
            f"#customerDisplay QLabel {{ color: white; font-size: {h // 32}px; }}"
            f"QLabel#customerStore {{ font-size: {h // 22}px; font-weight: bold; }}"
            f"QLabel#customer_paid, QLabel#customer_member, QLabel#customer_points "
            f"{{ font-size: {h // 24}px; }}"
            f"QLabel#customer_total, QLabel#customer_change {{ color: #ffd54f; "
            f"font-size: {big}px; font-weight: bold; }}"
            f"QLabel#customerMessage {{ color: #b3e5fc; font-size: {h // 30}px; }}"
            f"QTableWidget#customerLines {{ background: white; color: #10233f; "
            f"font-size: {h // 27}px; }}"
            f"QTableWidget#customerLines::item {{ padding: 0 {h // 90}px; }}"
            f"#customerLines QHeaderView::section {{ font-size: {h // 40}px; }}")
        self.table.verticalHeader().setDefaultSectionSize(h // 27 + 16)

    def show_view(self, view: CustomerView) -> None:
        self.view = view
        lang, both = view.lang, view.bilingual
        self.store.setText(view.store_name)
        self.message.setText(view.message)
        self.table.setHorizontalHeaderLabels([label(k, lang, both)
                                              for k in ("item", "qty", "amount")])
        money = lambda m: fmt.money(m, lang) if m is not None else ""  # noqa: E731
        self.table.setRowCount(len(view.lines))
        for row, ln in enumerate(view.lines):
            name = ln.name(lang)
            if both and ln.other_name(lang):
                name = f"{name} · {ln.other_name(lang)}"
            for col, text in enumerate((name, ln.qty, money(ln.amount))):
                cell = QTableWidgetItem(text)
                if col:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                if row == len(view.lines) - 1:  # the item just scanned
                    cell.setBackground(Qt.GlobalColor.yellow)
                self.table.setItem(row, col, cell)
        if view.lines:
            self.table.scrollToBottom()
        self.table.setVisible(view.state != "welcome")
        shown = {"total": money(view.total), "paid": money(view.paid),
                 "change": money(view.change) if view.state == "done" else "",
                 "member": view.member.name if view.member else "",
                 "points": "" if view.member is None else (
                     f"{view.member.points}" + (f" (+{view.member.earned})"
                                                if view.member.earned else ""))}
        if view.state == "welcome":  # the store's welcome, large, where the total goes
            shown["total"] = ""
        for key, text in shown.items():
            self.names[key].setText(label(key, lang, both) if text else "")
            self.values[key].setText(text)
            self.names[key].setVisible(bool(text))
            self.values[key].setVisible(bool(text))
        if view.state == "welcome":
            self.names["total"].setText(label("welcome", lang, both))
            self.names["total"].setVisible(True)


class CustomerDisplays(QObject):
    """The till window's customer display(s): reads the terminal config, shows the checkout on
    the chosen display after every change, reports faults in the status bar."""

    fault = Signal(object)  # a PosError or None (from the pole's writer thread: queued)

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window_ = window
        self.presenter = CustomerPresenter(window.terminal.settings, window.lang)
        self.screen_window: CustomerWindow | None = None
        self.pole: PoleDisplayPort | None = None
        self.problem = ""  # what is wrong, as shown in the status bar
        self.status: ElidedLabel | None = None
        self.fault.connect(self._faulted)

    # -- wiring -----------------------------------------------------------------------------------
    def attach(self) -> None:
        """After the window (re)built its pages: follow the new sell page, in its language."""
        w = self.window_
        self.presenter.lang = w.lang
        w.sell_page.changed.connect(self.update)
        self.status = ElidedLabel()
        self.status.setObjectName("customerDisplayState")
        self.status.setProperty("fault", True)
        w.status.addPermanentWidget(self.status)
        self._show_problem()
        self.update()

    def start(self) -> None:
        """The display saved in this till's config (a bad one is reported, not raised)."""
        try:
            config = parse_config(TerminalConfig(self.window_.terminal.store).get(
                "customer_display"))
        except PosError as exc:
            self._say(self.tr("Customer display: %1").replace("%1", str(exc)))
            return
        self.configure(config)

    def configure(self, config: dict[str, Any]) -> None:
        """Use this display from now on (Settings saved it)."""
        self.close()
        self._say("")
        if config["kind"] == "screen":
            screen = screen_named(config["screen"])
            if screen is None:
                self._say(self.tr("Customer display: screen %1 is not connected")
                          .replace("%1", config["screen"]))
                return
            self.screen_window = CustomerWindow(self.window_)
            self.screen_window.setScreen(screen)
            self.screen_window.setGeometry(screen.geometry())
            self.screen_window.showFullScreen()
        elif config["kind"] == "pole":
            self.pole = self.window_.terminal.connect_pole(PoleConfig.from_dict(config),
                                                           self.fault.emit)
        self.update()

    def close(self) -> None:
        if self.screen_window is not None:
            self.screen_window.close()
            self.screen_window.deleteLater()
            self.screen_window = None
        if self.pole is not None:
            self.pole.close()
            self.pole = None

    # -- showing ----------------------------------------------------------------------------------
    @property
    def active(self) -> bool:
        return self.screen_window is not None or self.pole is not None

    def update(self) -> None:
        if self.active:
            self.presenter.settings = self.window_.terminal.settings  # a sync may change it
            self._render(self.presenter.view(self.window_.checkout))

    def sale_done(self, sale: Any) -> None:
        if self.active:
            self._render(self.presenter.sale_done(sale))

    def _render(self, view: CustomerView) -> None:
        if self.screen_window is not None:
            self.screen_window.show_view(view)
        if self.pole is not None:
            self.pole.show(pole_lines(view, chinese=self.pole.config.charset == "gb18030"))

    # -- faults -----------------------------------------------------------------------------------
    def _faulted(self, fault: PosError | None) -> None:
        if fault is None:
            self._say("")
            return
        self._say(self.tr("Customer display on %1 does not answer")
                  .replace("%1", str(fault.details.get("address", ""))))

    def _say(self, text: str) -> None:
        self.problem = text
        self._show_problem()

    def _show_problem(self) -> None:
        if self.status is not None:
            self.status.setText(self.problem)
            self.status.setToolTip(self.problem)
            self.status.setVisible(bool(self.problem))


def screen_key(screen: QScreen) -> str:
    """How the setting names a screen: its name ("HDMI-2", "DP-1"), or "#2" (its place in the
    list) on a platform that gives no names."""
    screens = QGuiApplication.screens()
    return screen.name() or f"#{screens.index(screen) + 1}"


def screen_named(key: str) -> QScreen | None:
    return next((s for s in QGuiApplication.screens() if screen_key(s) == key), None)


class CustomerDisplayForm(QWidget):
    """Settings: no customer display, a screen (by name: the till's other screens), or a pole
    display on a serial port (its baud rate and whether it has Chinese characters)."""

    def __init__(self, current: dict[str, Any], till_screen: QScreen | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        self.kind = QComboBox()
        self.kind.setObjectName("customerDisplayKind")
        self.kind.setAccessibleName(self.tr("Customer display"))
        self.kind.addItem(self.tr("No customer display"), "none")
        for s in QGuiApplication.screens():
            if s is till_screen:
                continue  # never over the cashier's own window
            self.kind.addItem(self.tr("Screen %1 (%2x%3)").replace("%1", screen_key(s))
                              .replace("%2", str(s.size().width()))
                              .replace("%3", str(s.size().height())), f"screen:{screen_key(s)}")
        saved = f"screen:{current.get('screen', '')}"
        if current.get("kind") == "screen" and self.kind.findData(saved) < 0:
            self.kind.addItem(self.tr("Screen %1 (not connected)").replace(  # kept as saved
                "%1", current["screen"]), saved)
        self.kind.addItem(self.tr("Pole display (serial port)"), "pole")
        self.device = QLineEdit(str(current.get("device", "")))
        self.device.setObjectName("customerDisplayPort")
        self.device.setAccessibleName(self.tr("Pole display port"))
        self.device.setPlaceholderText("/dev/ttyUSB1")
        self.baud = QComboBox()
        self.baud.setObjectName("customerDisplayBaud")
        self.baud.setAccessibleName(self.tr("Baud rate"))
        for b in BAUDRATES:
            self.baud.addItem(str(b), b)
        self.baud.setCurrentIndex(max(0, self.baud.findData(current.get("baudrate", 9600))))
        self.charset = QComboBox()
        self.charset.setObjectName("customerDisplayCharset")
        self.charset.setAccessibleName(self.tr("Characters"))
        names = {"gb18030": self.tr("Chinese (GB18030)"), "ascii": self.tr("English only")}
        for c in CHARSETS:
            self.charset.addItem(names[c], c)
        self.charset.setCurrentIndex(max(0, self.charset.findData(current.get("charset"))))
        form.setContentsMargins(0, 0, 0, 0)
        self.first = QHBoxLayout()  # the kind, and Settings' save button after it
        self.first.addWidget(self.kind, 1)
        form.addRow(self.tr("Customer display"), self.first)
        pole = QHBoxLayout()  # one row, shown for a pole display only: Settings fits 768 px
        pole.addWidget(self.device, 2)
        pole.addWidget(self.baud, 1)
        pole.addWidget(self.charset, 1)
        form.addRow(self.tr("Pole display port"), pole)
        self.form = form
        kind = current.get("kind", "none")
        self.kind.setCurrentIndex(max(0, self.kind.findData(saved if kind == "screen"
                                                             else kind)))
        self.kind.currentIndexChanged.connect(self._enable)
        self._enable()

    def _enable(self) -> None:
        pole = self.kind.currentData() == "pole"
        for w in (self.device, self.baud, self.charset):
            w.setEnabled(pole)
        self.form.setRowVisible(1, pole)

    def choose(self, kind: str, screen: str = "") -> None:
        """Choose "none", "pole", or "screen" and its name (as the cashier would)."""
        self.kind.setCurrentIndex(self.kind.findData(f"screen:{screen}" if kind == "screen"
                                                     else kind))

    def choices(self) -> list[str]:
        return [self.kind.itemData(i) for i in range(self.kind.count())]

    def value(self) -> dict[str, Any]:
        """The setting, checked (raises InvalidInput ``display_config``)."""
        kind, _, screen = str(self.kind.currentData()).partition(":")
        if kind == "screen":
            return parse_config({"kind": "screen", "screen": screen})
        if kind == "pole":
            return parse_config({"kind": "pole", "connection": "serial",
                                 "device": self.device.text().strip(),
                                 "baudrate": self.baud.currentData(),
                                 "charset": self.charset.currentData()})
        return {"kind": "none"}
