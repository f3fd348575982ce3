"""Jobs to one printer go through one writer, in order, appended: a drawer kick and a receipt
sent at once from two threads both arrive whole, and a file printer (the demo's
``receipts.escpos``) keeps every job instead of the last one."""

from __future__ import annotations

import threading

from escpos_kit import decode, sample_receipt

from posclient.devices.drawer import EscposDrawer
from posclient.devices.printer import PrinterConfig, ReceiptPrinter

KICK = b"\x1bp\x00"


def test_a_file_printer_appends_every_job(tmp_path):
    path = tmp_path / "receipts.escpos"
    p = ReceiptPrinter(PrinterConfig(kind="file", path=str(path)))
    first, second = sample_receipt(receipt_no="S001-T01-000001"), \
        sample_receipt(receipt_no="S001-T01-000002")
    p(first)
    EscposDrawer(p).open()
    p(second)
    data = path.read_bytes()
    assert data == p.render(first) + p.render_kick() + p.render(second)
    assert decode(data).qr == ["S001-T01-000001", "S001-T01-000002"]


def test_kicks_and_receipts_from_many_threads_at_once_all_arrive_whole(tmp_path):
    path = tmp_path / "lp0"
    config = PrinterConfig(kind="file", path=str(path))
    start = threading.Barrier(16)

    def job(n: int) -> None:
        p = ReceiptPrinter(config)  # a printer object per thread: the device is still one
        start.wait()
        if n % 2:
            EscposDrawer(p).open()
        else:
            p(sample_receipt(receipt_no=f"S001-T01-{n:06d}"))

    threads = [threading.Thread(target=job, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    d = decode(path.read_bytes())  # strict: an interleaved job would not decode
    assert d.kicks == 8
    assert sorted(d.qr) == [f"S001-T01-{n:06d}" for n in range(0, 16, 2)]
    assert d.cuts == 8
