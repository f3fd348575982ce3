"""A GTIN's printed form is one function (posclient.domain.barcode ``gtin_display``): the till
shows a product's barcodes with it (posclient/app/lookup.py) and the central writes the demo
catalogue's barcodes with it (sync/central/demo.py), so a UPC-A is ``123456789012`` on both."""

from __future__ import annotations

import pytest

from posclient.app import lookup
from posclient.domain import barcode
from posclient.domain.barcode import gtin_display, gtin_key, is_valid_gtin, with_check_digit
from sync.central import demo

FORMS = [
    (with_check_digit("1234567"), 8),  # EAN-8
    (with_check_digit("01234567890"), 12),  # UPC-A starting with 0
    (with_check_digit("12345678901"), 12),  # UPC-A: was 0123456789012 at the central
    (with_check_digit("690123456789"), 13),  # EAN-13
    (with_check_digit("1690123456789"), 14),  # GTIN-14
]


@pytest.mark.parametrize(("code", "width"), FORMS)
def test_the_printed_form_is_the_shortest_that_holds_the_key(code, width):
    key = gtin_key(code)
    shown = gtin_display(key)
    assert len(shown) == width and is_valid_gtin(shown) and gtin_key(shown) == key
    assert gtin_display(gtin_key(shown.zfill(13))) == shown  # the EAN-13 form prints the same


def test_the_till_and_the_central_print_a_gtin_with_the_same_function():
    assert lookup.gtin_display is barcode.gtin_display
    assert demo.gtin_display is barcode.gtin_display
