"""``posclient self-test``: every screen of this installed till opened once and closed.

An installed build can lack a module that only one screen imports (the reconciliation's charts
need pyqtgraph and numpy); a till that starts is not yet a till whose every key works. The tour
builds a small demo store in a temporary folder (never the till's own database), logs in as its
manager, opens each screen as the keys do, and closes it. Nothing of the till's data is read or
changed; the folder is removed after.
"""

from __future__ import annotations

import secrets
import shutil
import sys
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QDialog, QInputDialog, QMessageBox, QWidget

from posclient.app.ports import PaymentTerminal
from posclient.app.self_test import close_demo_till, open_demo_till
from posclient.assets import demo_document
from posclient.domain.demo_data import DEMO_STAFF, SAMPLE_EAN13

from .app import install_language, make_app
from .main_window import MainWindow


@dataclass(frozen=True)
class Visit:
    screen: str
    opened: str  # the class of the window that opened ("" if none did)
    error: str = ""  # what went wrong, in one line

    @property
    def ok(self) -> bool:
        return bool(self.opened) and not self.error


class _Closer:
    """While a screen is open (its own event loop), closes each modal window it finds, after
    noting it. Input boxes get the demo's barcode (the stock look-up asks for one).
    ``inspect``, when given, sees each modal window first (the accessibility tests walk it by
    keyboard); what it leaves open is closed as above."""

    def __init__(self, inspect: Callable[[QWidget], None] | None = None) -> None:
        self.seen: list[str] = []
        self.inspect = inspect
        self.inspected: set[int] = set()
        self.timer = QTimer()
        self.timer.setInterval(50)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        modal = QApplication.activeModalWidget()
        if modal is None:
            return
        if self.inspect is not None and id(modal) not in self.inspected:
            self.inspected.add(id(modal))
            self.seen.append(type(modal).__name__)
            self.inspect(modal)
            return
        if id(modal) not in self.inspected:
            self.seen.append(type(modal).__name__)
        if isinstance(modal, QInputDialog):
            modal.setTextValue(SAMPLE_EAN13)
            modal.accept()
            return
        if isinstance(modal, QDialog | QMessageBox):
            modal.reject()
        else:
            modal.close()


Screen = tuple[str, Callable[[], None]]


def screens(window: MainWindow) -> list[Screen]:
    """Every screen the tour opens after the sell page, as (name, how the keys open it)."""
    page = window.sell_page

    def pay() -> None:
        page.scan_field.setText(SAMPLE_EAN13)
        page.scan_field.returnPressed.emit()
        window.pay()
        if window.checkout is not None:
            window.checkout.void_sale()
            page.refresh()

    return [
        ("pay", pay), ("stock look-up", page.stock), ("member", page.member_key),
        ("pick-up", page.pickup), ("returns", page.returns), ("shift", window.open_shift),
        ("stock count", page.stock_count), ("receiving", page.receive),
        ("reconciliation", window.open_reconcile), ("settings", window.open_settings),
    ]


def tour(window: MainWindow, staff_id: int, pin: str,
         inspect: Callable[[QWidget], None] | None = None) -> list[Visit]:
    """Log in and open every screen; one :class:`Visit` per screen. ``inspect`` sees each
    screen's window before it is closed."""
    window.log_in(staff_id, pin)
    visits = [Visit("sell", type(window.stack.currentWidget()).__name__
                    if window.stack.currentWidget() is window.sell_page else "")]
    visits += [visit(name, open_screen, inspect) for name, open_screen in screens(window)]
    return visits


def visit(name: str, open_screen: Callable[[], None],
          inspect: Callable[[QWidget], None] | None = None) -> Visit:
    """Open one screen as its key does; each modal window it opens is seen by ``inspect``
    (when given) and closed."""
    closer = _Closer(inspect)
    closer.timer.start()
    error = ""
    try:
        open_screen()
    except Exception as exc:  # the point of the tour: report it, go on
        error = "".join(traceback.format_exception_only(exc)).strip()
    finally:
        closer.timer.stop()
    return Visit(name, closer.seen[0] if closer.seen else "", error)


def _quiet_offscreen(kind: QtMsgType, context: object, message: str) -> None:
    """The offscreen platform warns about every window's size hints: not news for IT."""
    if "propagateSizeHints" not in message:
        print(message, file=sys.stderr)


def run_self_test(payments: PaymentTerminal, lang: str = "en") -> int:
    """Open every screen on a temporary demo store whose card terminal is ``payments`` (the
    command line's simulator); print a line each; 0 when all opened."""
    qInstallMessageHandler(_quiet_offscreen)
    app = make_app()
    install_language(app, lang)
    folder = Path(tempfile.mkdtemp(prefix="posclient-self-test-"))
    try:
        pins = {sid: f"{secrets.randbelow(10**6):06d}" for sid, _, _ in DEMO_STAFF}
        terminal, manager = open_demo_till(folder, pins, payments, demo_document)
        window = MainWindow(terminal, lang=lang)
        window.show()
        visits = tour(window, manager.staff_id, manager.pin)
        window.close()
        close_demo_till(terminal)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    for v in visits:
        state = "OK  " if v.ok else "FAIL"
        print(f"{state} {v.screen:<15} {v.opened or 'did not open'}"
              + (f": {v.error}" if v.error else ""))
    failed = [v.screen for v in visits if not v.ok]
    if failed:
        print(f"{len(failed)} of {len(visits)} screens failed: {', '.join(failed)}")
        return 1
    print(f"every screen opened ({len(visits)})")
    return 0

