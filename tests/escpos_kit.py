"""Reading ESC/POS bytes back as text (a test helper, not product code): what a receipt printer
would print, so tests can assert on it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from posclient.domain.money import Money
from posclient.domain.receipt import Receipt, ReceiptLine, ReceiptTax, ReceiptTender
from posclient.domain.tax import TaxRate

ESC, GS, FS, DLE, EOT = 0x1B, 0x1D, 0x1C, 0x10, 0x04


@dataclass
class Decoded:
    text: str = ""
    qr: list[str] = field(default_factory=list)
    barcodes: list[str] = field(default_factory=list)
    kicks: int = 0
    cuts: int = 0
    chinese_runs: list[str] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


ESC_LEN = {b"@": 2, b"t": 3, b"!": 3, b"E": 3, b"a": 3, b"-": 3, b"M": 3, b"d": 3, b"J": 3,
           b"G": 3, b"p": 5}
GS_LEN = {b"!": 3, b"h": 3, b"w": 3, b"H": 3, b"f": 3, b"B": 3}


def decode(data: bytes) -> Decoded:
    """Strips the ESC/GS/FS/DLE sequences this driver emits (any other is an error) and decodes
    the text: one-byte text must be ASCII, two-byte text sits between FS & and FS . as GB18030."""
    out, text, i = Decoded(), [], 0
    while i < len(data):
        b = data[i]
        if b == ESC:
            n = ESC_LEN[data[i + 1:i + 2]]
            if data[i + 1:i + 2] == b"p":
                out.kicks += 1
            i += n
        elif b == GS and data[i + 1:i + 3] == b"(k":
            size = data[i + 3] + 256 * data[i + 4]
            body = data[i + 5:i + 5 + size]
            if body[:3] == b"1P0":  # QR: store the data
                out.qr.append(body[3:].decode("ascii"))
            i += 5 + size
        elif b == GS and data[i + 1:i + 2] == b"k":
            m, size = data[i + 2], data[i + 3]
            assert m >= 65, "only function B barcodes are emitted"
            out.barcodes.append(data[i + 4:i + 4 + size].decode("ascii"))
            i += 4 + size
        elif b == GS and data[i + 1:i + 2] == b"V":
            out.cuts += 1
            i += 3 if data[i + 2] in (0, 1, 48, 49) else 4
        elif b == GS:
            i += GS_LEN[data[i + 1:i + 2]]
        elif b == FS and data[i + 1:i + 2] == b"&":
            end = data.index(b"\x1c.", i + 2)
            run = data[i + 2:end].decode("gb18030")  # strict: raises on bad bytes
            # A Chinese printer's font has the two-byte codes (GBK); ASCII never goes this way.
            assert all(len(ch.encode("gb18030")) == 2 for ch in run), run
            out.chinese_runs.append(run)
            text.append(run)
            i = end + 2
        elif b == FS and data[i + 1:i + 2] == b".":
            i += 2
        elif b == DLE and data[i + 1] == EOT:
            i += 3
        elif b == 0x0A or 0x20 <= b < 0x7F:
            text.append(chr(b))
            i += 1
        else:
            raise AssertionError(f"unexpected byte {b:#04x} at {i}: {data[i:i + 12]!r}")
    out.text = "".join(text)
    return out


# -- a receipt built by hand --------------------------------------------------------------------

def cny(minor: int) -> Money:
    return Money(minor, "CNY")


def sample_receipt(**changes: object) -> Receipt:
    r = Receipt(
        store_name="示范门店", address="上海市 人民路 1号", receipt_no="S001-T01-000042",
        event_id="0190-ev", local_time="2024-05-01 10:15:00", cashier="张伟 (1001)",
        terminal_id="T01",
        lines=(
            ReceiptLine("伊利 纯牛奶 250ml", "3 x 12.50", cny(3750), cny(375), cny(3375)),
            ReceiptLine("Wholemeal Bread", "1 x 8.00", cny(800), cny(0), cny(800), True),
            ReceiptLine("五常 大米 5kg", "1 x 59.90", cny(5990), cny(0), cny(5990)),
        ),
        subtotal=cny(10540), basket_discount=cny(500), total=cny(9665), tax_inclusive=True,
        taxes=(ReceiptTax(TaxRate("VAT13", 130_000), cny(3545), cny(461)),
               ReceiptTax(TaxRate("VAT9", 90_000), cny(5221), cny(438))),
        rounding=cny(0),
        tenders=(ReceiptTender("card", cny(5000), cny(5000), cny(0), "UnionPay ****1234"),
                 ReceiptTender("cash", cny(4665), cny(5000), cny(335))),
        change=cny(335), footer="谢谢惠顾", item_count=5,
    )
    return replace(r, **changes)  # type: ignore[arg-type]
