"""The receipt printer: a :class:`Receipt` as ESC/POS bytes, sent over TCP, USB, serial or a file.

Chinese text: python-escpos knows no Chinese code page (no GB18030/CP936 in its capability
database) and its "magic encode" sends GB18030 bytes only for runs holding a U+4E00..U+9FA5
ideograph, with no mode switch, so the bytes print only if the printer happens to be in
Chinese mode already, and full-width punctuation alone becomes "?". So this driver writes every
run of non-ASCII characters itself: ``FS &`` (enter Chinese mode), the GB18030 bytes, ``FS .``
(leave it), as Chinese ESC/POS printers (Xprinter, Epson's China models, ...) expect; that
includes symbols such as "×" in "243ml×12" (A1C1), which a code page would send as one byte a
GB18030 printer misreads. ASCII goes as it is; no code page is ever selected. Every job starts
with ``FS .`` so a printer whose power-on default is Chinese mode does not read ASCII as pairs.

The bytes are made once on escpos's ``Dummy`` printer (:meth:`ReceiptPrinter.render`) and sent
unchanged to the device, so tests see exactly what a printer gets. A connection is opened per
job and closed after it: a printer switched off and on works at the next receipt. Jobs to one
device (a receipt, a drawer kick, a report) never overlap: each holds the device's lock from
open to close, whichever thread or :class:`ReceiptPrinter` sends it (the window also sends them
from one thread, so they arrive in the order asked). A file is appended to, never truncated:
the demo's ``receipts.escpos`` keeps every job, and a device file takes them in turn. Every failure
to reach or write to the device is one :class:`PrinterFault`, with a code and plain words.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from enum import StrEnum
from itertools import groupby
from pathlib import Path
from typing import Any

from escpos.capabilities import CAPABILITIES, get_profile
from escpos.constants import RT_STATUS, RT_STATUS_ONLINE, RT_STATUS_PAPER
from escpos.escpos import Escpos
from escpos.exceptions import Error as EscposError
from escpos.printer import Dummy, File, Network, Serial, Usb

from posclient.domain.errors import InvalidInput, PosError
from posclient.domain.receipt import Align, PrintLine, Receipt, fit, for_printer, layout, two_cols

FS_CHINESE_ON = b"\x1c&"  # FS &: two-byte (GB18030) characters from here
FS_CHINESE_OFF = b"\x1c."  # FS .: back to one-byte characters
RT_STATUS_OFFLINE_CAUSE = RT_STATUS + b"\x02"  # DLE EOT 2
DEFAULT_PROFILE = "TM-T20II"  # Epson 80 mm, 576 dots, 48 columns, native QR
KINDS = ("none", "network", "usb", "serial", "file", "dummy")
RECEIPT_CODES = ("qr", "code128", "none")
BAUDRATES = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)
STATUS_TIMEOUT = 0.5  # seconds to wait for a status byte; no answer means "unknown"
SALE_SAVED = "The sale is saved; reprint when it is back."


_DEVICE_LOCKS: dict[tuple[str, str], threading.Lock] = {}
_DEVICE_LOCKS_GUARD = threading.Lock()


def _device_lock(config: PrinterConfig) -> threading.Lock:
    """The one lock of the device ``config`` addresses (shared by every printer object)."""
    with _DEVICE_LOCKS_GUARD:
        return _DEVICE_LOCKS.setdefault((config.kind, config.address), threading.Lock())


class _AppendingFile(File):
    """escpos's file printer opens its file for writing ("wb"): each job truncated the one
    before. This one appends."""

    def open(self, raise_not_found: bool = True) -> None:
        if self._device:
            self.close()
        self.device = open(self.devfile, "ab")  # noqa: SIM115 (closed by close())


class PrinterStatus(StrEnum):
    OK = "ok"
    OFFLINE = "offline"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    UNKNOWN = "unknown"  # the connection cannot report (file) or the printer did not answer
    NOT_CONFIGURED = "not_configured"


class PrinterFault(PosError, OSError):
    """The printer could not take the job. Both a :class:`PosError` (a ``code`` and a message
    for the cashier) and an ``OSError`` (what the drawer protocol and front ends catch for a
    device that cannot be reached). Codes: offline, paper_out, cover_open, not_configured,
    driver_missing."""

    code = "offline"


@dataclass(frozen=True, slots=True)
class PrinterConfig:
    """The terminal's printer setting; only the fields of its ``kind`` are used."""

    kind: str = "none"
    host: str = ""  # network
    port: int = 9100
    timeout: float = 3.0  # seconds, connect and write
    vendor_id: int = 0  # usb
    product_id: int = 0
    device: str = ""  # serial: /dev/ttyUSB0, COM3
    baudrate: int = 19200
    path: str = ""  # file: /dev/usb/lp0, or any file
    width: int = 48  # columns: 48 on 80 mm paper, 32 on 58 mm
    profile: str = DEFAULT_PROFILE  # an escpos profile name
    receipt_code: str = "qr"  # qr | code128 | none: the receipt number, scanned for returns
    check_status: bool = True  # ask a two-way printer for paper and cover before each job

    def validate(self) -> None:
        if self.kind not in KINDS:
            raise InvalidInput.of("printer_config.kind", kind=self.kind, choices=", ".join(KINDS))
        if self.kind == "network":
            if not self.host.strip():
                raise InvalidInput.of("printer_config.host")
            if not 1 <= self.port <= 65535:
                raise InvalidInput.of("printer_config.port", port=self.port)
        if not 0 < self.timeout <= 30:
            raise InvalidInput.of("printer_config.timeout", timeout=f"{self.timeout:g}")
        if self.kind == "usb":
            for message_id, value in (("printer_config.usb_vendor", self.vendor_id),
                                      ("printer_config.usb_product", self.product_id)):
                if not 0 < value <= 0xFFFF:
                    raise InvalidInput.of(message_id, value=value)
        if self.kind == "serial":
            if not self.device.strip():
                raise InvalidInput.of("printer_config.serial_device")
            if self.baudrate not in BAUDRATES:
                raise InvalidInput.of("printer_config.baudrate", baudrate=self.baudrate,
                                      choices=", ".join(map(str, BAUDRATES)))
        if self.kind == "file" and not self.path.strip():
            raise InvalidInput.of("printer_config.file_path")
        if not 24 <= self.width <= 80:
            raise InvalidInput.of("printer_config.width", width=self.width)
        if self.profile not in CAPABILITIES["profiles"]:
            raise InvalidInput.of("printer_config.profile", profile=self.profile,
                                  default=DEFAULT_PROFILE)
        if self.receipt_code not in RECEIPT_CODES:
            raise InvalidInput.of("printer_config.receipt_code", receipt_code=self.receipt_code,
                                  choices=", ".join(RECEIPT_CODES))
        if self.receipt_code == "qr" and not get_profile(self.profile).supports("qrCode"):
            raise InvalidInput.of("printer_config.qr", profile=self.profile)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PrinterConfig:
        """From JSON settings; USB ids may be strings in hex as lsusb prints them ("04b8",
        "0x04b8"). Raises InvalidInput for unknown keys, wrong types or a bad setting."""
        defaults = cls()
        unknown = sorted(set(data) - {f.name for f in fields(cls)})
        if unknown:
            raise InvalidInput.of("printer_config.unknown_setting", settings=", ".join(unknown))
        values: dict[str, Any] = {}
        for key, value in data.items():
            default = getattr(defaults, key)
            if key in ("vendor_id", "product_id") and isinstance(value, str):
                with contextlib.suppress(ValueError):
                    value = int(value.strip().lower().removeprefix("0x"), 16)
            elif isinstance(default, float) and type(value) is int:
                value = float(value)
            if type(value) is not type(default):  # bool is not int here
                raise InvalidInput.of("printer_config.bad_value", setting=key, value=value)
            values[key] = value
        config = cls(**values)
        config.validate()
        return config

    @property
    def where(self) -> str:
        """The printer in words, for messages: "at 10.0.0.5:9100"."""
        return {
            "network": f"at {self.host}:{self.port}",
            "usb": f"on USB {self.vendor_id:04x}:{self.product_id:04x}",
            "serial": f"on {self.device}",
            "file": f"at {self.path}",
        }.get(self.kind, "")

    @property
    def address(self) -> str:
        """Only the address, for translated messages: "10.0.0.5:9100", "04b8:0e15"."""
        return {
            "network": f"{self.host}:{self.port}",
            "usb": f"{self.vendor_id:04x}:{self.product_id:04x}",
            "serial": self.device,
            "file": self.path,
        }.get(self.kind, "")


def _is_ascii(ch: str) -> bool:
    return ch < "\x80"


class _Writer:
    """Text onto an escpos printer: ASCII as it is, every other character as its two-byte
    GB18030 code in Chinese mode (after :func:`for_printer`); never a code page switch."""

    def __init__(self, p: Escpos) -> None:
        self.p = p

    def line(self, text: str = "") -> None:
        for ascii_run, chars in groupby(for_printer(text) + "\n", _is_ascii):
            run = "".join(chars)
            if ascii_run:
                self.p._raw(run.encode("ascii"))
            else:
                self.p._raw(FS_CHINESE_ON + run.encode("gb18030") + FS_CHINESE_OFF)

    def big(self, text: str, width: int = 1, height: int = 1) -> None:
        """A bold line, scaled by GS ! (which, unlike ESC !, scales Chinese characters too)."""
        self.p.set(bold=True, custom_size=True, width=width, height=height)
        self.line(text)
        self.p.set(bold=False, custom_size=True, width=1, height=1)


def _start(profile: str) -> tuple[Dummy, _Writer]:
    p = Dummy(profile=profile)
    p.hw("INIT")  # ESC @
    p._raw(FS_CHINESE_OFF)
    return p, _Writer(p)


def _encode(p: Dummy, out: _Writer, lines: list[PrintLine], code: str) -> None:
    """A receipt's :func:`~posclient.domain.receipt.layout` as ESC/POS: alignment set where it
    changes, bold and scaled lines with ``GS !``, the scannable code as ``code`` says."""
    align = Align.LEFT
    for ln in lines:
        if ln.align is not align:
            align = ln.align
            p.set(align=align.value)
        if ln.scan_code:
            _scan_code(p, out, ln.text, code)
        if ln.bold:
            out.big(ln.text, ln.scale_w, ln.scale_h)
        else:
            out.line(ln.text)
    p.set(align="left")
    p.cut()


def _scan_code(p: Dummy, out: _Writer, text: str, code: str) -> None:
    if code == "qr":
        p.qr(text, size=6, native=True)  # GS ( k: the printer draws the QR code
        out.line()
    elif code == "code128":
        p._hw_barcode("{B" + text, "CODE128", height=60, width=2, pos="OFF",
                      function_type="B")  # not barcode(): that one prints to stdout


class ReceiptPrinter:
    """One terminal's receipt printer. Callable with a receipt (``Receipts.print_sale``'s
    ``printer`` argument), in the language ``lang``."""

    def __init__(self, config: PrinterConfig, lang: str = "zh") -> None:
        config.validate()
        self.config = config
        self.lang = lang
        self.jobs: list[bytes] = []  # what a "dummy" printer has printed, job by job

    def __call__(self, receipt: Receipt) -> None:
        self.print_receipt(receipt)

    # -- bytes ---------------------------------------------------------------------------------
    def render(self, receipt: Receipt, lang: str | None = None, *,
               open_drawer: bool = False) -> bytes:
        """The receipt as the ESC/POS bytes a printer gets; the drawer kick only if asked."""
        p, out = _start(self.config.profile)
        if open_drawer:
            p.cashdraw(2)
        _encode(p, out, layout(receipt, lang or self.lang, self.config.width),
                self.config.receipt_code)
        return p.output

    def render_test_page(self, lang: str | None = None) -> bytes:
        c = self.config
        zh = (lang or self.lang).startswith("zh")
        p, out = _start(c.profile)
        p.set(align="center")
        out.big("打印机测试页" if zh else "Printer test page")
        p.set(align="left")
        out.line(fit(f"{c.kind} {c.where}  {c.width} cols  {c.profile}", c.width))
        out.line(("1234567890" * 8)[:c.width])
        out.line(two_cols("中文：合计 找零 收银员", "12.50", c.width))
        out.line(two_cols("ASCII: TOTAL Change", "0123456789", c.width))
        if c.receipt_code == "qr":
            p.set(align="center")
            p.qr("TEST", size=6, native=True)
            out.line()
        p.cut()
        return p.output

    def render_lines(self, lines: list[str]) -> bytes:
        """A document of text lines (an X or Z report): the first line large, then the rest."""
        p, out = _start(self.config.profile)
        p.set(align="center")
        out.big(fit(lines[0], self.config.width // 2) if lines else "")
        p.set(align="left")
        for text in lines[1:]:
            out.line(fit(text, self.config.width))
        p.cut()
        return p.output

    # -- jobs ----------------------------------------------------------------------------------
    def print_lines(self, lines: list[str]) -> None:
        """Print a report; raises PrinterFault (the report is kept: print it again)."""
        self._send(self.render_lines(lines), "")

    def print_receipt(self, receipt: Receipt, lang: str | None = None, *,
                      open_drawer: bool = False) -> None:
        """Raises PrinterFault (the sale stays unprinted); with paper out or the cover open,
        nothing is sent."""
        self._send(self.render(receipt, lang, open_drawer=open_drawer), SALE_SAVED)

    def render_kick(self) -> bytes:
        """ESC p on pin 2: the bytes that kick a drawer on the printer's drawer port."""
        p = Dummy(profile=self.config.profile)
        p.cashdraw(2)
        return p.output

    def open_drawer(self) -> None:
        self._send(self.render_kick(), "The drawer was not opened.", check=False)

    def test_page(self, lang: str | None = None) -> None:
        self._send(self.render_test_page(lang), "")

    def status(self) -> PrinterStatus:
        """Asks a two-way printer (network, USB, serial); a file cannot answer: "unknown"."""
        c = self.config
        if c.kind == "none":
            return PrinterStatus.NOT_CONFIGURED
        if c.kind == "dummy":
            return PrinterStatus.OK
        if c.kind == "file":
            path = Path(c.path)
            writable = (os.access(path, os.W_OK) if path.exists() else
                        not c.path.startswith("/dev/") and os.access(path.parent, os.W_OK))
            return PrinterStatus.UNKNOWN if writable else PrinterStatus.OFFLINE
        try:
            dev = self._open()
        except PrinterFault:
            return PrinterStatus.OFFLINE
        try:
            return self._read_status(dev)
        except (EscposError, OSError):
            return PrinterStatus.OFFLINE
        finally:
            _close(dev)

    # -- the device ----------------------------------------------------------------------------
    def _fault(self, code: str, consequence: str, cause: object = "") -> PrinterFault:
        """The fault ``code`` (or "error": the printer says it is offline) of this printer, in
        the catalogue's words for its kind of connection."""
        kind = self.config.kind
        place = {"usb": "usb", "serial": "device"}.get(kind, "network")  # file: "at" as network
        if code == "not_configured":
            message_id = code
        elif code == "driver_missing":
            message_id = "driver_missing.usb" if kind == "usb" else "driver_missing.serial"
        elif code == "error":
            message_id = f"offline.{place}_error"
        elif code == "offline":
            message_id = "offline.network_write" if kind == "file" else f"offline.{place}"
        else:  # paper_out, cover_open
            message_id = f"{code}.{place}"
        return PrinterFault.of(message_id, cause=str(cause), address=self.config.address,
                               consequence=consequence)

    def _open(self, consequence: str = "") -> Escpos:
        c = self.config
        try:
            if c.kind == "network":
                dev: Escpos = Network(c.host, c.port, timeout=c.timeout, profile=c.profile)
            elif c.kind == "usb":
                if not Usb.is_usable():
                    raise self._fault("driver_missing", consequence)
                dev = Usb(c.vendor_id, c.product_id, timeout=int(c.timeout * 1000),
                          profile=c.profile)
            elif c.kind == "serial":
                if not Serial.is_usable():
                    raise self._fault("driver_missing", consequence)
                dev = Serial(c.device, c.baudrate, timeout=STATUS_TIMEOUT, profile=c.profile)
            else:
                dev = _AppendingFile(c.path, profile=c.profile)
            try:
                dev.open()
            except ValueError as exc:  # pyusb's NoBackendError: the libusb library is missing
                if c.kind != "usb":
                    raise
                raise self._fault("driver_missing", consequence, exc) from exc
        except PrinterFault:
            raise
        except (EscposError, OSError) as exc:
            raise self._fault("offline", consequence, exc) from exc
        return dev

    def _send(self, data: bytes, consequence: str, *, check: bool = True) -> None:
        c = self.config
        if c.kind == "none":
            raise self._fault("not_configured", consequence)
        if c.kind == "dummy":
            self.jobs.append(data)
            return
        with _device_lock(c):
            self._send_now(data, consequence, check=check)

    def _send_now(self, data: bytes, consequence: str, *, check: bool) -> None:
        c = self.config
        dev = self._open(consequence)
        try:
            if check and c.check_status and c.kind in ("network", "usb", "serial"):
                st = self._read_status(dev)
                if st in (PrinterStatus.PAPER_OUT, PrinterStatus.COVER_OPEN):
                    raise self._fault(st.value, consequence)
                if st is PrinterStatus.OFFLINE:
                    raise self._fault("error", consequence)
            dev._raw(data)
        except PrinterFault:
            raise
        except (EscposError, OSError) as exc:
            raise self._fault("offline", consequence, exc) from exc
        finally:
            _close(dev)

    def _read_status(self, dev: Escpos) -> PrinterStatus:
        """DLE EOT 1 (online), 2 (why offline), 4 (paper); Epson's bit layout."""
        sock = getattr(dev, "device", None) if isinstance(dev, Network) else None
        if sock is not None:
            sock.settimeout(STATUS_TIMEOUT)
        try:
            s1 = _ask(dev, RT_STATUS_ONLINE)
            if s1 is None:
                return PrinterStatus.UNKNOWN
            if s1 & 0x08:
                s2 = _ask(dev, RT_STATUS_OFFLINE_CAUSE) or 0
                if s2 & 0x04:
                    return PrinterStatus.COVER_OPEN
                if s2 & 0x20:
                    return PrinterStatus.PAPER_OUT
                return PrinterStatus.OFFLINE
            s4 = _ask(dev, RT_STATUS_PAPER) or 0
            return PrinterStatus.PAPER_OUT if s4 & 0x60 == 0x60 else PrinterStatus.OK
        finally:
            if sock is not None:
                sock.settimeout(self.config.timeout)


def _ask(dev: Escpos, query: bytes) -> int | None:
    """One status byte, or None when the printer does not answer with a valid one."""
    dev._raw(query)  # a failure to send is a fault; a failure to hear is "unknown"
    try:
        # escpos's Serial._read waits for 16 bytes, i.e. always the whole timeout: the answer
        # is one byte, so a serial port is read for one (and returns as soon as it comes)
        got = dev.device.read(1) if isinstance(dev, Serial) and dev.device else dev._read()
    except (EscposError, OSError, NotImplementedError):
        return None
    if not got or (got[0] & 0x93) != 0x12:  # bits 1 and 4 set, 0 and 7 clear: a status byte
        return None
    return int(got[0])


def _close(dev: Escpos) -> None:
    with contextlib.suppress(Exception):
        dev.close()
