"""The receipt's header (address, phone, tax id) and its return policy are the store's, set at
the central per store: they reach the store's till in the feed and print on its receipts and
return slips, in the receipt's language; another store's stay theirs."""

from __future__ import annotations

from central_kit import enrolled_till
from escpos_kit import decode

from posclient.app.checkout import Checkout
from posclient.app.receipts import Receipts
from posclient.app.staff import StaffService
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.devices.printer import PrinterConfig, ReceiptPrinter
from posclient.domain.clock import ManualClock
from posclient.domain.money import Money
from posclient.store.db import Store

POLICY_ZH = "凭小票七日内可退换，生鲜食品及已拆封商品除外。退款原路返回。"


def test_a_stores_header_and_return_policy_print_on_its_receipts(shop, tmp_path):
    shop.admin_post("/staff", {"id": 1001, "name": "李娜", "role": "cashier", "pin": "1111",
                               "store_id": "S1"})
    shop.admin_post("/entities/store_settings", {"records": [
        {"store_id": "S1", "store_name_zh": "人民路店", "store_name_en": "Renmin Rd",
         "address": "上海市黄浦区人民路 100 号", "phone": "021-6312 0000",
         "tax_id": "91310101MA1FPX1234", "return_policy_zh": POLICY_ZH,
         "return_policy_en": "Returns within 7 days with this receipt, except fresh food.",
         "require_shift": False},
        {"store_id": "S2", "store_name_zh": "南京路店", "store_name_en": "Nanjing Rd",
         "phone": "021-0000 9999"}]})
    path, clock = tmp_path / "till.db", ManualClock()
    enrolled_till(shop, path, clock=clock, timeout=5).run_once()
    store = Store.open(path)
    staff = StaffService(store, clock)
    co = Checkout(store, staff, staff.login(1001, "1111"), clock=clock,
                  payments=SimulatedPaymentTerminal(()))
    co.scan("6901234567892")
    co.pay_cash(Money(co.payment.due.minor, "CNY"))
    sale = co.complete()
    receipts = Receipts(store, clock)
    zh = receipts.build(sale.sale_id, "zh")
    assert (zh.phone, zh.tax_id, zh.return_policy) == ("021-6312 0000", "91310101MA1FPX1234",
                                                       POLICY_ZH)
    printed = decode(ReceiptPrinter(PrinterConfig(kind="dummy"), lang="zh").render(zh)).text
    for text in ("人民路店", "上海市黄浦区人民路 100 号", "电话 021-6312 0000",
                 "税号 91310101MA1FPX1234", "凭小票七日内可退换"):
        assert text in printed, text
    assert "021-0000 9999" not in printed  # S2's phone stays S2's
    width = 48
    assert all(sum(1 if ord(ch) < 128 else 2 for ch in line) <= width
               for line in printed.split("\n"))
    assert "".join(printed.split()).count("".join(POLICY_ZH.split())) == 1  # wrapped, whole
    en = receipts.build(sale.sale_id, "en")
    assert "Tel 021-6312 0000" in decode(
        ReceiptPrinter(PrinterConfig(kind="dummy"), lang="en").render(en)).text
    assert en.return_policy.startswith("Returns within 7 days")
    store.close()
