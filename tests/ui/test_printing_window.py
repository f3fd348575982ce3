"""The till's receipts and drawer kicks reach a file printer (the demo's) whole and in order:
each cash sale's kick, then its receipt, appended after the sale before."""

from __future__ import annotations

from escpos_kit import decode
from PySide6.QtCore import Qt
from till_kit import MILK
from ui_kit import log_in, on_next_dialog, scan

from posclient.app.terminal import Terminal
from posclient.devices.drawer import EscposDrawer
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.devices.printer import PrinterConfig, ReceiptPrinter
from posclient.ui.main_window import MainWindow

KICK = b"\x1bp\x00"


def test_two_cash_sales_leave_kick_receipt_kick_receipt_in_the_file(qtbot, small_store, clock,
                                                                     tmp_path):
    path = tmp_path / "receipts.escpos"
    printer = ReceiptPrinter(PrinterConfig(kind="file", path=str(path)), lang="en")
    terminal = Terminal(small_store, clock=clock, payments=SimulatedPaymentTerminal())
    terminal.drawer = EscposDrawer(printer)
    window = MainWindow(terminal, lang="en", printer=printer)
    qtbot.addWidget(window)
    window.show()
    log_in(qtbot, window)
    receipts = []
    for _ in range(2):
        scan(qtbot, window.sell_page.scan_field, MILK)

        def pay(dialog) -> None:
            qtbot.keyClicks(dialog.amount, "20")
            qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)

        on_next_dialog(qtbot, pay)
        window.sell_page.pay.click()
        receipts.append(window.last_sale.receipt_no)
        qtbot.waitUntil(lambda: not terminal.receipts.unprinted(), timeout=5000)
    data = path.read_bytes()
    first, second = (data.index(r.encode()) for r in receipts)
    kicks = [i for i in range(len(data)) if data.startswith(KICK, i)]
    assert len(kicks) == 2 and kicks[0] < first < kicks[1] < second
    assert decode(data).qr == receipts
