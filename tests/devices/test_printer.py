"""The receipt printer on real parts: escpos's Dummy, a TCP "printer" on 127.0.0.1, a file, and
receipts of sales committed to a real till database."""

from __future__ import annotations

import os
import select
import socket
import threading
import time

import pytest
from escpos_kit import decode, sample_receipt
from till_kit import BREAD, GUM, MILK, RICE

from posclient.app.staff import Approval
from posclient.app.terminal import Terminal
from posclient.devices.drawer import EscposDrawer
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.devices.printer import (
    PrinterConfig,
    PrinterFault,
    PrinterStatus,
    ReceiptPrinter,
)
from posclient.domain.cart import Discount
from posclient.domain.errors import InvalidInput
from posclient.domain.money import Money
from posclient.domain.receipt import (
    display_width,
    render_text,
    tax_lines,
)

KICK_PIN2 = b"\x1bp\x00\x32\x32"  # ESC p m=0 (pin 2), on 100 ms, off 100 ms
ASK_ONLINE, ASK_CAUSE, ASK_PAPER = b"\x10\x04\x01", b"\x10\x04\x02", b"\x10\x04\x04"


def dummy(**cfg: object) -> ReceiptPrinter:
    return ReceiptPrinter(PrinterConfig.from_dict({"kind": "dummy", **cfg}))


def test_receipt_bytes_hold_every_line_the_taxes_tenders_change_and_number():
    data = dummy().render(sample_receipt(), "zh")
    d = decode(data)
    for expected in ("示范门店", "伊利 纯牛奶 250ml", "Wholemeal Bread", "五常 大米 5kg",
                     "3 x 12.50", "37.50", "-3.75", "改价", "整单折扣", "-5.00", "CNY 96.65",
                     "含税 VAT13 13%  净额 35.45", "4.61", "含税 VAT9 9%  净额 52.21", "4.38",
                     "银行卡 UnionPay ****1234", "现金", "50.00", "找零", "3.35", "件数: 5",
                     "单号: S001-T01-000042", "收银员: 张伟 (1001)", "谢谢惠顾"):
        assert expected in d.text, expected
    assert d.lines.count("S001-T01-000042") == 1  # printed under the QR code
    assert d.cuts == 1 and d.kicks == 0
    assert data.startswith(b"\x1b@\x1c.")  # reset, then out of Chinese mode whatever the default


def test_a_tax_line_too_wide_for_the_paper_wraps_the_same_on_paper_and_in_the_text_form():
    receipt = sample_receipt()
    for lang in ("en", "zh"):
        taxes = tax_lines(receipt, lang, 32)
        assert len(taxes) > len(receipt.taxes)  # at least one rate on a line of its own
        assert all(display_width(line) <= 32 for line in taxes)
        paper = decode(dummy(width=32).render(receipt, lang)).lines
        text = render_text(receipt, lang, 32).split("\n")
        for lines in (paper, text):
            start = lines.index(taxes[0])
            assert lines[start:start + len(taxes)] == taxes


def test_english_receipt_uses_english_labels_and_every_line_fits_the_paper():
    for width in (48, 32):
        d = decode(dummy(width=width).render(sample_receipt(), "en"))
        for expected in ("Subtotal", "Sale discount", "TOTAL", "Tax included VAT9 9%", "Card",
                         "Cash", "Change", "Items: 5", "Price changed"):
            assert expected in d.text, expected
        assert max(display_width(line) for line in d.lines) <= width
        assert "net 35.45" in d.text and "net 52.21" in d.text  # on its own line if need be
        assert "-" * width in d.lines


def test_chinese_text_goes_as_gb18030_between_fs_ampersand_and_fs_dot():
    data = dummy().render(sample_receipt(), "zh")
    for word in ("伊利", "纯牛奶", "五常", "大米", "示范门店", "找零", "谢谢惠顾"):
        assert b"\x1c&" + word.encode("gb18030") + b"\x1c." in data, word
    assert "纯牛奶".encode("gb18030") == bytes.fromhex("b4bfc5a3c4cc")  # GB2312 codes, not UTF-8
    assert "纯牛奶".encode() not in data
    d = decode(data)  # strict: no byte above 0x7f outside Chinese mode
    assert "伊利" in d.chinese_runs and "纯牛奶" in d.chinese_runs


def test_full_width_punctuation_alone_is_sent_as_chinese_not_as_question_marks():
    d = decode(dummy().render(sample_receipt(footer="（ＯＫ）"), "zh"))
    assert "（ＯＫ）" in d.chinese_runs and "?" not in d.text


def test_qr_code_is_the_printers_own_command_with_the_receipt_number():
    data = dummy().render(sample_receipt(), "zh")
    assert b"\x1d(k" in data
    assert decode(data).qr == ["S001-T01-000042"]


def test_code128_or_no_code_as_configured():
    d = decode(dummy(receipt_code="code128").render(sample_receipt()))
    assert d.qr == [] and d.barcodes == ["{BS001-T01-000042"]
    d = decode(dummy(receipt_code="none").render(sample_receipt()))
    assert d.qr == [] and d.barcodes == [] and "S001-T01-000042" in d.lines


def test_drawer_kick_is_in_the_bytes_only_when_asked():
    p = dummy()
    assert KICK_PIN2 not in p.render(sample_receipt())
    with_kick = p.render(sample_receipt(), open_drawer=True)
    assert with_kick.count(KICK_PIN2) == 1 and decode(with_kick).kicks == 1


def test_reprint_banner():
    assert "** 重印 **" in decode(dummy().render(sample_receipt(reprint=True), "zh")).text
    assert "REPRINT" not in decode(dummy().render(sample_receipt(), "en")).text
    assert "** REPRINT **" in decode(dummy().render(sample_receipt(reprint=True), "en")).text


def test_dummy_printer_keeps_its_jobs_and_is_callable_as_print_sales_printer():
    p = ReceiptPrinter(PrinterConfig(kind="dummy"), lang="en")
    p(sample_receipt())
    p.open_drawer()
    assert p.jobs == [p.render(sample_receipt(), "en"), KICK_PIN2]
    assert p.status() is PrinterStatus.OK


def test_test_page_has_both_scripts():
    d = decode(dummy().render_test_page("zh"))
    assert "打印机测试页" in d.text and "中文：合计 找零 收银员" in d.text and d.qr == ["TEST"]


# -- a printer on the network: a real TCP server ------------------------------------------------

class FakeNetworkPrinter:
    """Accepts connections on 127.0.0.1, keeps each connection's bytes as one job, and answers
    DLE EOT n like an Epson printer (``answers``; None: never answers)."""

    def __init__(self, port: int = 0, answers: dict[int, int] | None = None) -> None:
        self.answers = answers
        self.jobs: list[bytes] = []
        self.done = threading.Condition()
        self.sock = socket.create_server(("127.0.0.1", port))
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                buf, seen = b"", 0
                while chunk := conn.recv(4096):
                    buf += chunk
                    while (k := buf.find(b"\x10\x04", seen)) >= 0 and k + 2 < len(buf):
                        if self.answers is not None:
                            conn.sendall(bytes([self.answers[buf[k + 2]]]))
                        seen = k + 3
                with self.done:
                    self.jobs.append(buf)
                    self.done.notify_all()

    def wait_jobs(self, n: int) -> list[bytes]:
        with self.done:
            assert self.done.wait_for(lambda: len(self.jobs) >= n, timeout=5), self.jobs
        return self.jobs

    def close(self) -> None:
        self.sock.close()


OK_ANSWERS = {1: 0x12, 2: 0x12, 4: 0x12}


@pytest.fixture
def net_printer():
    servers: list[FakeNetworkPrinter] = []

    def start(port: int = 0, answers: dict[int, int] | None = OK_ANSWERS) -> FakeNetworkPrinter:
        servers.append(FakeNetworkPrinter(port, answers))
        return servers[-1]

    yield start
    for s in servers:
        s.close()


def network(port: int, **cfg: object) -> ReceiptPrinter:
    return ReceiptPrinter(PrinterConfig.from_dict({"kind": "network", "host": "127.0.0.1",
                                                   "port": port, **cfg}))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_network_printer_gets_exactly_the_rendered_bytes(net_printer):
    server = net_printer()
    p = network(server.port, check_status=False)
    p.print_receipt(sample_receipt(), "zh")
    assert server.wait_jobs(1) == [p.render(sample_receipt(), "zh")]


def test_status_is_asked_before_the_job_and_each_job_has_its_own_connection(net_printer):
    server = net_printer()
    p = network(server.port)
    assert p.status() is PrinterStatus.OK
    p(sample_receipt())
    p(sample_receipt())
    jobs = server.wait_jobs(3)
    assert jobs[0] == ASK_ONLINE + ASK_PAPER
    assert jobs[1] == jobs[2] == ASK_ONLINE + ASK_PAPER + p.render(sample_receipt())


@pytest.mark.parametrize(("answers", "status", "words"), [
    ({1: 0x1A, 2: 0x32, 4: 0x72}, PrinterStatus.PAPER_OUT, "is out of paper"),
    ({1: 0x12, 2: 0x12, 4: 0x72}, PrinterStatus.PAPER_OUT, "is out of paper"),
    ({1: 0x1A, 2: 0x16, 4: 0x12}, PrinterStatus.COVER_OPEN, "cover of the receipt printer"),
    ({1: 0x1A, 2: 0x52, 4: 0x12}, PrinterStatus.OFFLINE, "reports an error and is offline"),
])
def test_paper_out_or_cover_open_refuses_the_job_before_sending(net_printer, answers, status,
                                                                words):
    server = net_printer(answers=answers)
    p = network(server.port)
    assert p.status() is status
    with pytest.raises(PrinterFault, match=words) as err:
        p.print_receipt(sample_receipt())
    assert err.value.code == status.value
    assert "The sale is saved" in str(err.value)
    assert b"\x1b@" not in b"".join(server.wait_jobs(2))  # only status queries went out


def test_a_printer_that_never_answers_status_still_prints(net_printer):
    server = net_printer(answers=None)
    p = network(server.port)
    started = time.monotonic()
    assert p.status() is PrinterStatus.UNKNOWN
    p(sample_receipt())
    assert time.monotonic() - started < 3
    assert server.wait_jobs(2)[1] == ASK_ONLINE + p.render(sample_receipt())


def test_nothing_listening_is_an_offline_fault_then_the_next_receipt_prints(net_printer):
    port = free_port()
    p = network(port)
    started = time.monotonic()
    with pytest.raises(PrinterFault) as err:
        p(sample_receipt())
    assert time.monotonic() - started < 3
    assert err.value.code == "offline" and isinstance(err.value, OSError)
    assert str(err.value) == (f"The receipt printer at 127.0.0.1:{port} does not answer. "
                              "The sale is saved; reprint when it is back.")
    assert p.status() is PrinterStatus.OFFLINE
    server = net_printer(port)  # switched on again
    p(sample_receipt())
    assert server.wait_jobs(1)[0].endswith(p.render(sample_receipt()))


def test_an_unreachable_host_fails_within_the_timeout():
    p = ReceiptPrinter(PrinterConfig(kind="network", host="192.0.2.1", timeout=0.5))  # TEST-NET
    started = time.monotonic()
    with pytest.raises(PrinterFault) as err:
        p(sample_receipt())
    assert time.monotonic() - started < 2
    assert err.value.code == "offline" and "192.0.2.1:9100" in str(err.value)


def test_escpos_drawer_kicks_through_the_network_printer(net_printer):
    server = net_printer()
    drawer = EscposDrawer(network(server.port))
    assert drawer.connected
    drawer.open()
    assert server.wait_jobs(1) == [KICK_PIN2]  # no status query: the drawer opens regardless


def test_escpos_drawer_fault_is_an_oserror():
    with pytest.raises(OSError, match="The drawer was not opened"):
        EscposDrawer(network(free_port())).open()


# -- a printer on a serial port: a real pseudo-terminal -----------------------------------------

class FakeSerialPrinter:
    """The far end of a pseudo-terminal: the till opens its slave side as a serial port
    (pyserial, through escpos's Serial), this keeps every byte that arrives and answers
    DLE EOT n like an Epson printer."""

    def __init__(self, answers: dict[int, int]) -> None:
        self.answers = answers
        self.master, slave = os.openpty()
        self.device = os.ttyname(slave)
        os.close(slave)  # the till opens it by name, as /dev/ttyUSB0
        self.received = b""
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        seen = 0
        while not self.stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(self.master, 4096)
            except OSError:  # no one has the port open right now (EIO)
                time.sleep(0.01)
                continue
            with self.lock:
                self.received += chunk
                while (k := self.received.find(b"\x10\x04", seen)) >= 0 \
                        and k + 2 < len(self.received):
                    os.write(self.master, bytes([self.answers[self.received[k + 2]]]))
                    seen = k + 3

    def wait_for(self, data: bytes) -> bytes:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            with self.lock:
                if self.received.endswith(data):
                    return self.received
            time.sleep(0.02)
        raise AssertionError(f"the printer got {self.received[-80:]!r}")

    def close(self) -> None:
        self.stop.set()
        self.thread.join(2)
        os.close(self.master)


@pytest.fixture
def serial_printer():
    printers: list[FakeSerialPrinter] = []

    def start(answers: dict[int, int] = OK_ANSWERS) -> FakeSerialPrinter:
        printers.append(FakeSerialPrinter(answers))
        return printers[-1]

    yield start
    for p in printers:
        p.close()


def test_serial_printer_asks_status_then_gets_exactly_the_rendered_bytes(serial_printer):
    far_end = serial_printer()
    p = ReceiptPrinter(PrinterConfig(kind="serial", device=far_end.device, baudrate=38400))
    assert p.status() is PrinterStatus.OK
    p.print_receipt(sample_receipt(), "zh")
    rendered = p.render(sample_receipt(), "zh")
    assert far_end.wait_for(rendered) == (ASK_ONLINE + ASK_PAPER) * 2 + rendered
    EscposDrawer(p).open()
    assert far_end.wait_for(KICK_PIN2).endswith(rendered + KICK_PIN2)


def test_serial_printer_out_of_paper_refuses_the_job(serial_printer):
    far_end = serial_printer({1: 0x1A, 2: 0x32, 4: 0x72})
    p = ReceiptPrinter(PrinterConfig(kind="serial", device=far_end.device))
    with pytest.raises(PrinterFault, match="is out of paper") as err:
        p.print_receipt(sample_receipt())
    assert err.value.code == "paper_out"
    assert far_end.wait_for(ASK_CAUSE) == ASK_ONLINE + ASK_CAUSE  # nothing else was sent


def test_a_serial_port_that_is_not_there_is_an_offline_fault(tmp_path):
    p = ReceiptPrinter(PrinterConfig(kind="serial", device=str(tmp_path / "ttyUSB9")))
    assert p.status() is PrinterStatus.OFFLINE
    with pytest.raises(PrinterFault, match="cannot be opened") as err:
        p(sample_receipt())
    assert err.value.code == "offline"


# -- file, none, usb ---------------------------------------------------------------------------

def test_file_printer_writes_the_rendered_bytes(tmp_path):
    path = tmp_path / "lp0"
    p = ReceiptPrinter(PrinterConfig(kind="file", path=str(path)))
    assert p.status() is PrinterStatus.UNKNOWN  # a file cannot report paper or cover
    p.print_receipt(sample_receipt(), "zh", open_drawer=True)
    assert path.read_bytes() == p.render(sample_receipt(), "zh", open_drawer=True)


def test_file_printer_that_cannot_be_written_is_a_fault(tmp_path):
    p = ReceiptPrinter(PrinterConfig(kind="file", path=str(tmp_path / "missing" / "lp0")))
    assert p.status() is PrinterStatus.OFFLINE
    with pytest.raises(PrinterFault, match="cannot be written to") as err:
        p(sample_receipt())
    assert err.value.code == "offline"


def test_no_printer_configured():
    p = ReceiptPrinter(PrinterConfig())
    assert p.status() is PrinterStatus.NOT_CONFIGURED
    with pytest.raises(PrinterFault, match="No receipt printer is set up") as err:
        p(sample_receipt())
    assert err.value.code == "not_configured"


def test_usb_printer_that_is_not_there_is_a_fault():
    p = ReceiptPrinter(PrinterConfig(kind="usb", vendor_id=0x0001, product_id=0x0002))
    with pytest.raises(PrinterFault) as err:
        p(sample_receipt())
    if err.value.code == "driver_missing":  # no libusb on this machine
        assert "libusb" in str(err.value)
    else:
        assert err.value.code == "offline" and "0001:0002" in str(err.value)
    assert p.status() is PrinterStatus.OFFLINE


# -- configuration ------------------------------------------------------------------------------

@pytest.mark.parametrize(("cfg", "words"), [
    ({"kind": "bluetooth"}, "Unknown printer kind 'bluetooth'"),
    ({"kind": "network"}, "needs its host"),
    ({"kind": "network", "host": "10.0.0.5", "port": 70000}, "port 70000 is out of range"),
    ({"kind": "network", "host": "10.0.0.5", "timeout": 0}, "timeout 0 s is out of range"),
    ({"kind": "usb", "vendor_id": "04b8"}, "needs its product id"),
    ({"kind": "serial"}, "needs its device"),
    ({"kind": "serial", "device": "/dev/ttyUSB0", "baudrate": 1234}, "Baud rate 1234"),
    ({"kind": "file"}, "needs a path"),
    ({"kind": "dummy", "width": 10}, "width 10 columns is out of range"),
    ({"kind": "dummy", "profile": "nope"}, "Unknown printer profile 'nope'"),
    ({"kind": "dummy", "receipt_code": "pdf417"}, "Receipt code 'pdf417'"),
    ({"kind": "dummy", "profile": "ZJ-5870"}, "cannot print QR codes"),
    ({"kind": "dummy", "hots": "x"}, "Unknown printer setting(s): hots"),
    ({"kind": "network", "host": "h", "port": "9100"}, "port has a bad value: '9100'"),
    ({"kind": "dummy", "check_status": 1}, "check_status has a bad value"),
    ({"kind": "dummy", "width": 48.5}, "width has a bad value"),
    ({"kind": "usb", "vendor_id": "zz", "product_id": 1}, "vendor_id has a bad value"),
])
def test_bad_configuration_is_refused_with_a_clear_message(cfg, words):
    with pytest.raises(InvalidInput) as err:
        PrinterConfig.from_dict(cfg)
    assert words in str(err.value) and err.value.code == "printer_config"


def test_config_round_trips_through_json_and_accepts_hex_usb_ids():
    import json
    cfg = PrinterConfig(kind="network", host="10.0.0.5", width=32, receipt_code="code128")
    assert PrinterConfig.from_dict(json.loads(json.dumps(cfg.to_dict()))) == cfg
    usb = PrinterConfig.from_dict({"kind": "usb", "vendor_id": "0x04b8", "product_id": "0E15"})
    assert (usb.vendor_id, usb.product_id) == (0x04B8, 0x0E15)
    assert PrinterConfig.from_dict(usb.to_dict()) == usb
    assert usb.where == "on USB 04b8:0e15"
    with pytest.raises(InvalidInput):
        ReceiptPrinter(PrinterConfig(kind="network"))


# -- end to end: sales committed to a real till database ----------------------------------------

def ring_up_sale(till) -> tuple[Terminal, int, str]:
    term = Terminal(till.store, clock=till.clock, payments=SimulatedPaymentTerminal())
    co = term.checkout(till.staff.login(1001, "1111"))
    co.scan(MILK, 2)
    co.scan(BREAD)
    co.scan(RICE)
    co.scan(GUM)
    co.discount_line(1, Discount.amount(50))
    co.discount_basket(Discount.percent(500))
    co.pay_card(Money(5000, "CNY"))
    co.pay_cash(Money(10000, "CNY"))
    done = co.complete()
    return term, done.sale_id, done.receipt_no


def test_committed_sale_prints_through_print_sale(till, tmp_path):
    term, sale_id, receipt_no = ring_up_sale(till)
    path = tmp_path / "receipt.bin"
    printer = ReceiptPrinter(PrinterConfig(kind="file", path=str(path)), lang="zh")
    term.receipts.print_sale(sale_id, printer, "zh")
    data = path.read_bytes()
    d = decode(data)
    assert d.qr == [receipt_no] and receipt_no in d.lines
    for name in ("伊利 纯牛奶 250ml", "全麦面包", "五常 大米 5kg", "绿箭 口香糖", "VAT13 13%",
                 "VAT9 9%", "银行卡", "现金", "找零", "张伟 (1001)"):
        assert name in d.text, name
    assert data == printer.render(term.receipts.build(sale_id, "zh"))
    assert term.receipts.unprinted() == []


def test_offline_printer_leaves_the_sale_unprinted_for_a_reprint(till):
    term, sale_id, receipt_no = ring_up_sale(till)
    with pytest.raises(PrinterFault) as err:
        term.receipts.print_sale(sale_id, network(free_port(), timeout=1.0), "en")
    assert err.value.code == "offline"
    assert [s.receipt_no for s in term.receipts.unprinted()] == [receipt_no]
    back = ReceiptPrinter(PrinterConfig(kind="dummy"), lang="en")
    term.receipts.reprint(till.staff.login(2001, "2222"), term.staff, sale_id, back, "en")
    d = decode(back.jobs[0])
    assert "** REPRINT **" in d.text and "Wholemeal Bread" in d.text and d.qr == [receipt_no]
    assert term.receipts.unprinted() == []


def test_no_sale_opens_the_drawer_on_the_printer(till, net_printer):
    server = net_printer()
    term = Terminal(till.store, clock=till.clock, payments=SimulatedPaymentTerminal(),
                    drawer=EscposDrawer(network(server.port)))
    co = term.checkout(till.staff.login(1001, "1111"))
    co.no_sale(term.drawer, "change for the float", Approval(2001, "2222"))
    assert server.wait_jobs(1) == [KICK_PIN2]
