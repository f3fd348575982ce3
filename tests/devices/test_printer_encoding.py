"""Every character a receipt carries goes out in the printer's Chinese encoding: ASCII as it
is, everything else as a two-byte GB18030 code between FS & and FS . (never a code page's byte,
which a GB18030 printer misreads). Checked by decoding the bytes independently
(tests/escpos_kit.py, Python's own gb18030 codec)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from escpos_kit import cny, decode, sample_receipt

from posclient.app.demo_data import build_demo_store
from posclient.assets import demo_document
from posclient.devices.printer import PrinterConfig, ReceiptPrinter
from posclient.domain.catalogue.labels import RECEIPT
from posclient.domain.receipt import ReceiptLine, for_printer, two_cols
from posclient.store.db import Store

ESC_SELECT_CODE_PAGE = b"\x1bt"


def printer() -> ReceiptPrinter:
    return ReceiptPrinter(PrinterConfig(kind="dummy"), lang="zh")


def printed(lines: list[str]) -> list[str]:
    """What the printer prints for these lines (after the large first one)."""
    data = printer().render_lines(["TEST", *lines])
    assert ESC_SELECT_CODE_PAGE not in data
    return decode(data).lines[1:1 + len(lines)]


def columns(text: str) -> int:
    """Columns on a GB18030 printer, counted here independently of the product's rule."""
    return sum(1 if ord(ch) < 0x80 else 2 for ch in text)


def test_a_pack_size_with_a_multiplication_sign_prints_as_gb18030():
    data = printer().render_lines(["TEST", "伊利 全脂牛奶 243ml×12"])
    assert b"\xe8" not in data and ESC_SELECT_CODE_PAGE not in data
    assert b"243ml\x1c&\xa1\xc1\x1c.12" in data  # "×" is A1C1 in Chinese mode
    assert printed(["伊利 全脂牛奶 243ml×12"]) == ["伊利 全脂牛奶 243ml×12"]


@pytest.fixture(scope="module")
def demo_names(tmp_path_factory) -> list[str]:
    store = Store.open(tmp_path_factory.mktemp("demo") / "till.db", create=True)
    try:
        build_demo_store(store, demo_document, products=20_000, members=0, seed=2026,
                         now=datetime(2026, 12, 1, tzinfo=UTC))
        return [n for row in store.conn.execute("SELECT name_zh, name_en FROM products")
                for n in row]
    finally:
        store.close()


def test_every_character_of_every_demo_product_name_prints_as_it_reads(demo_names):
    chars = sorted({ch for name in demo_names for ch in name})
    lines = ["".join(chars[i:i + 20]) for i in range(0, len(chars), 20)]
    assert printed(lines) == lines
    assert all(columns(line) <= 48 for line in lines)


def test_every_receipt_label_in_both_languages_prints_as_it_reads():
    texts = sorted({text for names in RECEIPT.values() for text in names})
    assert printed(texts) == texts


def test_characters_without_a_two_byte_code_print_as_their_equivalent():
    assert printed(["¥12.50 €5 Café™ ½kg\u00a0ｍｌ"]) == ["￥12.50 EUR5 CaféTM 1/2kg ｍｌ"]
    assert for_printer("\U0001F600") == "?"  # an emoji: the font has nothing for it


@pytest.mark.parametrize("name", ["伊利 全脂牛奶 243ml×12", "Café “Crème” 1/2 × 2",
                                  "康师傅 红烧牛肉面 ¥ 特价·大包装 120g×5"])
def test_a_receipt_line_with_symbols_keeps_its_columns(name):
    line = two_cols(name, "12.50", 48)
    assert columns(for_printer(line)) == 48
    r = sample_receipt(lines=(ReceiptLine(name, "1 x 12.50", cny(1250), cny(0), cny(1250)),))
    text = decode(printer().render(r)).text
    assert for_printer(name)[:10] in text
    assert all(columns(ln) <= 48 for ln in text.split("\n"))
