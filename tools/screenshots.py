"""Regenerate the till's screenshots in docs/screenshots/, in English and Chinese.

    python tools/screenshots.py                 # all: {en,zh}-{login,sell,pay,settings,pickup,
                                                # returns,shift,z-report,count,reconcile}.png
    python tools/screenshots.py --lang zh --out /tmp/shots

Also the sell screen with the demo's longest names at the smallest and largest till screens:
{en,zh}-sell-1024x768.png and {en,zh}-sell-1920x1080.png.

Without a display (CI, a server) it starts ``Xvfb :N -screen 0 1366x768x24`` itself and stops it
afterwards (apt install xvfb fonts-noto-cjk). It builds a small demo store in a temporary folder
and drives the real till window as a cashier does: types the staff number and PIN, scans as a
keyboard-wedge scanner (keystrokes and Enter into the scan field), answers the till's dialogs, and
grabs the screen (a dialog is shown over the sale, as the cashier sees it).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run from a checkout: python tools/screenshots.py
    sys.path.insert(0, str(ROOT))

OUT = ROOT / "docs" / "screenshots"
WIDTH, HEIGHT = 1366, 768
SIZES = ((1024, 768), (1920, 1080))  # the sell screen again at the smallest and largest
SCREEN = (1920, 1080)  # Xvfb's screen: room for every size
LANGS = {"en": "en", "zh": "zh_CN"}  # file prefix: the till's language
PINS = {1001: "1111", 1002: "1212", 2001: "2222", 3001: "3333"}
CASHIER = 1001
SUPERVISOR = 2001
MAX_BYTES = 300_000


# -- display -------------------------------------------------------------------------------------
@contextmanager
def display() -> Iterator[None]:
    """The current X display, or a private Xvfb for the duration."""
    if os.environ.get("DISPLAY") or sys.platform != "linux":
        if sys.platform == "linux":
            os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
        yield
        return
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        raise SystemExit("No DISPLAY and no Xvfb: apt install xvfb (and fonts-noto-cjk)")
    proc, number = None, 0
    for number in range(99, 200):  # the first free display; another Xvfb may take it first
        if Path(f"/tmp/.X{number}-lock").exists() or \
                Path(f"/tmp/.X11-unix/X{number}").exists():
            continue
        proc = subprocess.Popen([xvfb, f":{number}", "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24",
                                 "-nolisten", "tcp"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        socket = Path(f"/tmp/.X11-unix/X{number}")
        deadline = time.monotonic() + 10
        while not socket.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        if socket.exists() and proc.poll() is None:
            break
        _stop(proc)
        proc = None
    if proc is None:
        raise SystemExit("Xvfb did not start")
    try:
        os.environ["DISPLAY"] = f":{number}"
        os.environ["QT_QPA_PLATFORM"] = "xcb"
        yield
    finally:
        os.environ.pop("DISPLAY", None)
        _stop(proc)


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# -- the demo till ---------------------------------------------------------------------------
def build_store(folder: Path) -> tuple[Path, tuple[str, ...]]:
    """A small demo store (fixed seed, known PINs), enrolled and offline for the status bar: a
    central that was reached a few minutes ago and is unreachable now."""
    from dataclasses import replace

    from posclient.app.demo_data import build_demo_store
    from posclient.app.terminal_config import TerminalConfig
    from posclient.assets import demo_document
    from posclient.domain.clock import iso
    from posclient.store.db import Store
    from posclient.store.settings import load_settings, save_settings
    from sync.engine import state_set

    path = folder / "till.db"
    store = Store.open(path, create=True)
    try:
        now = datetime.now(UTC)
        result = build_demo_store(store, demo_document, products=2_000, members=100,
                                  seed=2026, now=now, pins=PINS)
        TerminalConfig(store).provision("printer", {"kind": "file",
                                                    "path": str(folder / "receipts.escpos")})
        # The shift is opened in the shift screen's own shot, after the first sales.
        settings = replace(load_settings(store.conn), require_shift=False)
        with store.write() as conn:
            save_settings(conn, settings)
        add_web_order(store, now)
        with store.write() as conn:
            state_set(conn, server_url="https://central.example.com", online=0,
                      error_transient=1, last_sync_at=iso(now - timedelta(minutes=7)))
    finally:
        store.close()
    return path, result.sample_barcodes


ORDER_NO = "W20261127-0042"


def add_web_order(store, now: datetime) -> None:  # store: posclient.store.db.Store
    """A web order for pick-up at the demo store, as the store's change feed brings it: two
    items paid online, the third unit of the first already collected at an earlier visit, one
    item to pay at the till."""
    from posclient.domain.clock import iso
    from posclient.store.orders import keep_orders
    from posclient.store.settings import load_settings
    from sync.protocol import OrderData, pickup_code_phc

    settings = load_settings(store.conn)
    picked = store.conn.execute(
        "SELECT p.id, p.sku, p.name_zh, p.name_en, min(pr.amount), p.category FROM products p "
        "JOIN prices pr ON pr.product_id = p.id WHERE p.measure = 'each' AND p.active = 1 "
        "AND p.category IN ('DA', 'GO', 'SN') "  # dairy, grain & oil, snacks: goods to collect
        "GROUP BY p.id ORDER BY p.category, p.id").fetchall()
    picked = [next(p for p in picked if p[5] == cat) for cat in ("DA", "GO", "SN")]
    qtys, lines = (3, 2, 1), []
    for n, ((pid, sku, zh, en, price, _cat), qty) in enumerate(zip(picked, qtys, strict=True),
                                                                1):
        lines.append({"line_no": n, "product_id": pid, "sku": sku, "name_zh": zh,
                      "name_en": en, "qty": qty, "unit_price": price, "total": qty * price,
                      "collected": 1 if n == 1 else 0})
    online = sum(ln["total"] for ln in lines[:2])
    total = online + lines[2]["total"]
    order = OrderData.model_validate({
        "order_no": ORDER_NO, "status": "partly_collected", "fulfilment": "pickup",
        "store_id": settings.store_id, "customer_name": "陈**", "customer_phone_last4": "1111",
        "pickup_code_phc": pickup_code_phc(ORDER_NO, "K7P2Q9"), "currency": settings.currency,
        "lines": lines, "total": total, "paid": online,
        "payments": [{"kind": "online", "amount": online, "method": "alipay"},
                     {"kind": "at_pickup", "amount": total - online}],
        "created_at": now - timedelta(hours=20), "updated_at": now - timedelta(hours=2)})
    with store.write() as conn:
        keep_orders(conn, [order], iso(now))


class Driver:
    """Types and clicks into the real window; grabs the screen."""

    def __init__(self, app, out: Path, prefix: str) -> None:  # app: QApplication
        self.app, self.out, self.prefix = app, out, prefix
        self.saved: list[Path] = []

    def wait(self, ms: int = 100) -> None:
        from PySide6.QtTest import QTest

        QTest.qWait(ms)

    def wait_until(self, done: Callable[[], bool], what: str, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while not done():
            if time.monotonic() > deadline:
                raise RuntimeError(f"timed out waiting for {what}")
            self.wait(20)

    def type(self, widget, text: str, enter: bool = True) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        QTest.keyClicks(widget, text)
        if enter:
            QTest.keyClick(widget, Qt.Key.Key_Return)

    def key(self, widget, key, modifier=None) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        QTest.keyClick(widget, key, modifier or Qt.KeyboardModifier.NoModifier)

    def on_dialog(self, answer: Callable, name: str | None = None, within: float = 10,
                  kind: type | None = None) -> None:
        """When the next modal dialog (named ``name``, of class ``kind``, if given) is up,
        ``answer`` it; give up after ``within`` seconds."""
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        deadline = time.monotonic() + within

        def poll() -> None:
            dialog = QApplication.activeModalWidget()
            if dialog is None or (name is not None and dialog.objectName() != name) or (
                    kind is not None and not isinstance(dialog, kind)):
                if time.monotonic() < deadline:
                    QTimer.singleShot(20, poll)
                return
            answer(dialog)

        QTimer.singleShot(0, poll)

    def shot(self, window, name: str) -> Path:
        """The screen where the window is, with whatever dialog is on top of it."""
        self.wait(400)  # mapped and painted
        screen = window.screen()
        top_left = window.mapToGlobal(window.rect().topLeft())
        pixmap = screen.grabWindow(0, top_left.x(), top_left.y(), window.width(),
                                   window.height())
        if pixmap.isNull() or _blank(pixmap.toImage()):  # no screen grab here: the window
            pixmap = window.grab()
        path = self.out / f"{self.prefix}-{name}.png"
        if not pixmap.save(str(path), "PNG"):
            raise RuntimeError(f"cannot write {path}")
        _shrink(path)
        self.saved.append(path)
        print(f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}"
              f"  {path.stat().st_size // 1024} KB")
        return path


def _blank(image) -> bool:
    first = image.pixel(0, 0)
    return all(image.pixel(x, y) == first for x in range(0, image.width(), 97)
               for y in range(0, image.height(), 89))


def _shrink(path: Path) -> None:
    """Strip metadata and recompress with ImageMagick when the PNG is large (if available)."""
    convert = shutil.which("convert")
    if convert is None or path.stat().st_size <= MAX_BYTES // 2:
        return
    smaller = path.with_suffix(".min.png")
    done = subprocess.run([convert, str(path), "-strip", "-define", "png:compression-level=9",
                           str(smaller)], capture_output=True, check=False)
    if done.returncode == 0 and smaller.stat().st_size < path.stat().st_size:
        smaller.replace(path)
    else:
        smaller.unlink(missing_ok=True)


def shoot(app, db: Path, codes: tuple[str, ...], lang: str, out: Path, prefix: str) -> list[Path]:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QLineEdit

    from posclient.app.terminal import Terminal
    from posclient.devices.connect import Devices
    from posclient.devices.payment import SimulatedPaymentTerminal
    from posclient.domain.money import Money
    from posclient.store.db import Store
    from posclient.ui.app import install_language
    from posclient.ui.main_window import MainWindow

    translators = install_language(app, lang)
    store = Store.open(db)
    terminal = Terminal(store, payments=SimulatedPaymentTerminal(), devices=Devices())
    window = MainWindow(terminal, lang=lang, printer=terminal.connect_printer(lang))
    d = Driver(app, out, prefix)
    try:
        window.setGeometry(0, 0, WIDTH, HEIGHT)  # a till's window fills its screen
        window.show()
        window.activateWindow()
        d.wait_until(window.isVisible, "the window")
        page = window.sell_page

        # log-in: staff number, Enter, PIN
        d.shot(window, "login")
        d.type(window.login_page.staff_id, str(CASHIER))
        d.type(window.login_page.pin, PINS[CASHIER])
        d.wait_until(lambda: window.stack.currentWidget() is page, "the sell page")

        # an earlier cash sale, so the status bar has events waiting to upload
        ean13, *_, scale = codes
        d.type(page.scan_field, ean13)
        d.on_dialog(lambda dialog: dialog.cash(), name="payDialog")
        d.key(page.scan_field, Qt.Key.Key_Return)  # Enter on an empty field: pay
        d.wait_until(lambda: page.table.rowCount() == 0, "the first sale")

        # three items: weighed (a scale label), another barcode, the milk; 10% off the milk
        other = codes[1] if len(codes) > 2 else ean13
        for code in (scale, other, ean13):
            d.type(page.scan_field, code)
        d.wait_until(lambda: page.table.rowCount() == 3, "three lines")

        def approve(dialog) -> None:  # if the till asks for a supervisor
            d.type(dialog.findChild(QLineEdit, "approverId"), str(SUPERVISOR), enter=False)
            d.type(dialog.findChild(QLineEdit, "approverPin"), PINS[SUPERVISOR], enter=False)
            dialog.accept()

        def discount(dialog) -> None:
            d.type(dialog.findChild(QLineEdit), "10%", enter=False)
            d.on_dialog(approve, name="approval", within=3)
            dialog.accept()

        d.on_dialog(discount)
        d.key(page.scan_field, Qt.Key.Key_F4)  # the selected (last) line
        d.wait_until(lambda: QApplication.activeModalWidget() is None, "the discount")
        d.wait_until(lambda: bool(page.table.item(2, 4) and page.table.item(2, 4).text()),
                     "the line discount")
        page.focus_scan()
        d.shot(window, "sell")

        # settings and diagnostics, over the sale
        def settings(dialog) -> None:
            d.shot(window, "settings")
            dialog.accept()

        d.on_dialog(settings, name="settings")
        d.key(page.scan_field, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)

        # payment: part by card (approved off the GUI thread), the rest then in cash
        def pay(dialog) -> None:
            due = window.checkout.payment.due
            part = Money(max(100, due.minor // 2 // 100 * 100), due.currency)
            d.type(dialog.amount, part.to_decimal_str(), enter=False)
            dialog.card_button.click()
            d.wait_until(lambda: dialog.tenders.count() == 1 and not dialog.busy, "the card")
            d.shot(window, "pay")
            dialog.cash()  # all that is due: completes the sale, so the window can close

        d.on_dialog(pay, name="payDialog")
        d.key(page.scan_field, Qt.Key.Key_Return)
        d.wait_until(lambda: window.checkout is not None and window.checkout.cart.is_empty,
                     "the sale to complete")
        d.wait_until(lambda: not window.devices.busy, "the printer", timeout=30)

        # pick-up of a web order (Ctrl+O): its QR code scanned, found in the till's copy
        def pickup(dialog) -> None:
            d.type(dialog.query, ORDER_NO)
            d.wait_until(lambda: dialog.view is not None, "the order")
            d.type(dialog.code, "K7P2Q9", enter=False)
            d.shot(window, "pickup")
            dialog.reject()

        d.on_dialog(pickup, name="pickup")
        page.buttons["pickup"].click()  # the Pick-up button (Ctrl+O)
        d.wait_until(lambda: QApplication.activeModalWidget() is None, "the pick-up screen")

        # a return (Ctrl+R) of the sale just paid: its receipt's code scanned, one item back
        receipt_no = window.last_sale.receipt_no

        def returns(dialog) -> None:
            d.type(dialog.query, receipt_no)
            d.wait_until(lambda: dialog.purchase is not None, "the receipt")
            each = next(row for row, ln in enumerate(dialog.purchase.data.lines)
                        if ln.measure == "each")
            dialog.table.cellWidget(each, 4).setValue(1)
            dialog.reason.setCurrentIndex(1)
            d.shot(window, "returns")
            dialog.reject()

        d.on_dialog(returns, name="returns")
        page.buttons["returns"].click()  # (no window manager: the window is not active again)
        d.wait_until(lambda: QApplication.activeModalWidget() is None, "the returns screen")

        # the store's reconciliation (Ctrl+E), offline: this till's own figures and charts
        def reconcile(dialog) -> None:
            d.wait_until(lambda: dialog.loaded, "the reconciliation")
            dialog.tabs.setCurrentIndex(2)  # the charts
            d.shot(window, "reconcile")
            dialog.reject()

        d.on_dialog(lambda dialog: (d.on_dialog(reconcile, name="reconcile"), approve_as(
            d, dialog, 3001)), name="approval")
        page.buttons["reconcile"].click()
        d.wait_until(lambda: QApplication.activeModalWidget() is None, "the reconciliation")

        shift_and_z(d, window, page)

        # a shelf counted by scanning (Ctrl+T): expected, counted and the difference per line
        def count(dialog) -> None:
            dialog.label.setText("A3" if lang.startswith("en") else "3号通道")
            for code in (ean13, ean13, f"{other}*4"):
                d.type(dialog.scan_field, code)
            d.shot(window, "count")
            dialog.reject()

        d.on_dialog(count, name="stockCount")
        page.buttons["stock_count"].click()
        d.wait_until(lambda: QApplication.activeModalWidget() is None, "the count screen")
        return d.saved
    finally:
        window.close()
        window.deleteLater()
        d.wait(50)
        store.close()
        for t in translators:
            QApplication.removeTranslator(t)


def approve_as(d: Driver, dialog, staff_id: int) -> None:  # dialog: the approval dialog
    from PySide6.QtWidgets import QLineEdit

    d.type(dialog.findChild(QLineEdit, "approverId"), str(staff_id), enter=False)
    d.type(dialog.findChild(QLineEdit, "approverPin"), PINS[staff_id], enter=False)
    dialog.accept()


def shift_and_z(d: Driver, window, page) -> None:
    """The shift screen (Ctrl+S) with a shift opened on its float, then the manager's Z report
    (the events still waiting to upload are listed in it)."""
    from PySide6.QtWidgets import QApplication, QMessageBox, QSpinBox

    def float_count(dialog) -> None:
        dialog.findChild(QSpinBox, "pieces10000").setValue(2)
        dialog.findChild(QSpinBox, "pieces1000").setValue(5)
        dialog.accept()

    def z_report(report) -> None:
        d.shot(window, "z-report")
        report.accept()

    def confirm(box) -> None:
        d.on_dialog(z_report, name="report")
        box.button(QMessageBox.StandardButton.Yes).click()

    def shift(dialog) -> None:
        d.on_dialog(float_count, name="count")
        dialog.buttons["openShift"].click()
        d.shot(window, "shift")
        d.on_dialog(lambda box: (d.on_dialog(confirm, kind=QMessageBox),
                                 approve_as(d, box, 3001)), name="approval")
        dialog.buttons["zReport"].click()
        d.wait_until(lambda: QApplication.activeModalWidget() is dialog, "the Z report")
        dialog.reject()

    d.on_dialog(shift, name="shift")
    page.buttons["shift"].click()
    d.wait_until(lambda: QApplication.activeModalWidget() is None, "the shift screen")


def shoot_sizes(app, db: Path, lang: str, out: Path, prefix: str) -> list[Path]:
    """The sell screen holding the demo's six longest names, at each of :data:`SIZES`."""
    from PySide6.QtWidgets import QApplication

    from posclient.app.terminal import Terminal
    from posclient.devices.payment import SimulatedPaymentTerminal
    from posclient.store.db import Store
    from posclient.ui.app import install_language
    from posclient.ui.main_window import MainWindow

    translators = install_language(app, lang)
    store = Store.open(db)
    codes = [str(code).zfill(13) for (code,) in store.conn.execute(
        "SELECT min(b.gtin) FROM barcodes b JOIN products p ON p.id = b.product_id "
        "JOIN prices r ON r.product_id = p.id WHERE p.measure = 'each' AND p.active "
        "AND b.gtin > 99999999 GROUP BY p.id "
        "ORDER BY length(p.name_en) + length(p.name_zh) DESC LIMIT 6")]
    saved = []
    try:
        for width, height in SIZES:
            window = MainWindow(Terminal(store, payments=SimulatedPaymentTerminal()),
                                lang=lang)
            d = Driver(app, out, prefix)
            window.setGeometry(0, 0, width, height)
            window.show()
            d.wait_until(window.isVisible, "the window")
            d.type(window.login_page.staff_id, str(CASHIER))
            d.type(window.login_page.pin, PINS[CASHIER])
            page = window.sell_page
            d.wait_until(lambda w=window, p=page: w.stack.currentWidget() is p, "the sale")
            for code in codes:
                d.type(page.scan_field, code)
            saved.append(d.shot(window, f"sell-{width}x{height}"))
            window.checkout.void_sale()
            window.close()
            window.deleteLater()
    finally:
        for t in translators:
            QApplication.removeTranslator(t)
        store.close()
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lang", choices=sorted(LANGS), action="append",
                        help="only this language (repeatable); default: all")
    parser.add_argument("--out", type=Path, default=OUT, help=f"folder (default: {OUT})")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with display(), tempfile.TemporaryDirectory(prefix="posclient-screenshots-") as tmp:
        from posclient.ui.app import make_app

        folder = Path(tmp)
        template, codes = build_store(folder)
        app = make_app([sys.argv[0]])
        saved: list[Path] = []
        for prefix in args.lang or sorted(LANGS):
            lang_dir = folder / prefix
            lang_dir.mkdir()
            db = lang_dir / "till.db"
            shutil.copyfile(template, db)
            print(f"{prefix}:")
            saved += shoot(app, db, codes, LANGS[prefix], args.out, prefix)
            saved += shoot_sizes(app, db, LANGS[prefix], args.out, prefix)
    print(f"{len(saved)} screenshots in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
