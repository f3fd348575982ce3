"""The pole display by the till: what it shows for a scanned item, the total and the change, read
back from its bytes by a small independent model of a 2x20 VFD (ESC @, FF, VT, US $ x y, GB18030
text two columns a character); a file as its port. The till never waits on it, and a fault is
reported, never raised into a sale."""

from __future__ import annotations

import os
import threading
import time

import pytest
from pole_kit import Vfd, screen
from till_kit import APPLE_PLU, MILK, PINS

from posclient.app.checkout import Checkout
from posclient.app.customer_display import CustomerPresenter, pole_lines
from posclient.app.staff import StaffService
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.devices.pole import DisplayFault, PoleConfig, PoleDisplay
from posclient.domain.barcode import DEFAULT_SCALE_RULES
from posclient.domain.errors import InvalidInput
from posclient.domain.money import Money
from posclient.domain.settings import StoreSettings


@pytest.fixture
def checkout(small_store, clock):
    staff = StaffService(small_store, clock)
    return Checkout(small_store, staff, staff.login(1001, PINS[1001]), clock=clock,
                    payments=SimulatedPaymentTerminal())


def test_a_scanned_item_then_the_total_and_the_change_in_chinese(checkout, tmp_path):
    port = tmp_path / "pole"
    pole = PoleDisplay(PoleConfig(kind="file", device=str(port)))
    presenter = CustomerPresenter(StoreSettings(), "zh_CN")
    try:
        pole.show(pole_lines(presenter.view(checkout)))  # no sale: the store's name
        assert pole.wait_idle()
        checkout.scan(MILK)
        pole.show(pole_lines(presenter.view(checkout)))
        assert pole.wait_idle()
        name = checkout.cart.lines[0].item.name_zh
        vfd = screen(port)
        assert vfd.inits == 1  # ESC @ once, when the port was opened
        assert vfd.frames[0][0].strip() == "示范门店"
        line1, line2 = vfd.frames[-1]
        assert line1.endswith("12.50") and line1.startswith(name[:3])
        assert line2.startswith("合计") and line2.endswith("12.50")
        checkout.scan(DEFAULT_SCALE_RULES[0].encode("21", APPLE_PLU, 735))  # 735 g, 15.98/kg
        pole.show(pole_lines(presenter.view(checkout)))
        assert pole.wait_idle()
        weighed = screen(port).frames[-1]
        assert weighed[0] == "0.735kg 红富士 11.75", weighed
        assert weighed[1].endswith("24.25")
        checkout.pay_cash(Money(5000, "CNY"))
        sale = checkout.complete()
        pole.show(pole_lines(presenter.sale_done(sale)))
        assert pole.wait_idle()
        frames = screen(port).frames
        total = Money.to_decimal_str(sale.totals.total)
        assert frames[-1] == ("合计" + total.rjust(16), "找零" + Money.to_decimal_str(
            sale.change).rjust(16))
        assert sale.change.minor == 5000 - sale.totals.total.minor
    finally:
        pole.close()


def test_a_long_name_is_cut_and_the_amount_stays_whole_on_an_english_only_display(
        checkout, tmp_path):
    port = tmp_path / "pole"
    pole = PoleDisplay(PoleConfig(kind="file", device=str(port), charset="ascii"))
    presenter = CustomerPresenter(StoreSettings(), "zh_CN")  # a Chinese till, an ASCII pole
    try:
        checkout.scan(MILK)
        checkout.scan(MILK)
        pole.show(pole_lines(presenter.view(checkout), chinese=False))
        assert pole.wait_idle()
        raw = port.read_bytes()
        assert all(b < 0x80 for b in raw)
        line1, line2 = screen(port).frames[-1]
        assert line1.endswith("25.00") and len(line1) == 20
        assert line1.startswith("2x " + checkout.cart.lines[0].item.name_en[:5])
        assert line2 == "TOTAL" + "25.00".rjust(15)
    finally:
        pole.close()


def test_the_till_never_waits_on_a_display_that_does_not_take_bytes(tmp_path):
    port = tmp_path / "fifo"
    os.mkfifo(port)  # nobody reads it yet: opening it for writing blocks the writer thread
    pole = PoleDisplay(PoleConfig(kind="file", device=str(port)))
    try:
        started = time.monotonic()
        for n in range(50):
            pole.show(((f"item {n}", "1.00"), ("TOTAL", f"{n}.00")))
        assert time.monotonic() - started < 0.5
        assert not pole.wait_idle(0.2)  # still stuck
        got: list[bytes] = []
        reader = threading.Thread(target=lambda: got.append(port.read_bytes()))
        reader.start()
        assert pole.wait_idle()
        pole.close()
        reader.join(5)
        vfd = Vfd()
        vfd.feed(got[0])
        assert vfd.frames[-1][1].endswith("49.00")  # the newest frame; old ones skipped
        assert len(vfd.frames) < 50
    finally:
        pole.close()


def test_a_port_that_cannot_be_opened_is_reported_and_retried(tmp_path):
    faults: list[DisplayFault | None] = []
    missing = tmp_path / "no" / "such" / "port"
    pole = PoleDisplay(PoleConfig(kind="file", device=str(missing)), on_fault=faults.append)
    try:
        pole.show((("a", ""), ("b", "")))  # returns: the fault comes on the writer thread
        assert pole.wait_idle()
        assert len(faults) == 1 and faults[0] is not None
        assert faults[0].code == "display_offline" and str(missing) in str(faults[0])
        missing.parent.mkdir(parents=True)  # the cable is back
        pole.show((("a", ""), ("b", "")))
        assert pole.wait_idle()
        assert faults[-1] is None  # working again
        assert screen(missing).frames[-1][0].startswith("a")
    finally:
        pole.close()


@pytest.mark.parametrize("bad", [
    {"connection": "serial", "device": ""},
    {"connection": "serial", "device": "/dev/ttyUSB1", "baudrate": 1234},
    {"connection": "usb", "device": "x"},
    {"connection": "serial", "device": "/dev/ttyUSB1", "charset": "big5"},
    {"connection": "serial", "device": "/dev/ttyUSB1", "baudrate": "9600"},
])
def test_a_bad_setting_is_refused_with_its_reason(bad):
    with pytest.raises(InvalidInput) as refused:
        PoleConfig.from_dict({"kind": "pole", **bad})
    assert refused.value.code == "display_config"


def test_the_setting_round_trips():
    config = PoleConfig(kind="serial", device="/dev/ttyUSB1", baudrate=19200)
    assert PoleConfig.from_dict(config.to_dict()) == config
