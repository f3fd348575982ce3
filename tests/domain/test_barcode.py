"""GTIN check digits, normalisation to a GTIN-14 key, and in-store scale labels."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from posclient.domain.barcode import (
    DEFAULT_SCALE_RULES,
    MeasureKind,
    VariableMeasureRule,
    gtin_check_digit,
    gtin_display,
    gtin_key,
    is_valid_gtin,
    looks_like_gtin,
    match_scale_rule,
    with_check_digit,
)
from posclient.domain.errors import InvalidInput

FAST = settings(max_examples=200, deadline=None)


def reference_is_valid(code: str) -> bool:
    """GS1 rule read from the left: weights 1,3,1,3... counted from the check digit backwards."""
    digits = [int(c) for c in reversed(code)]
    return sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10 == 0


KNOWN_GOOD = [
    "4006381333931",  # EAN-13
    "6901234567892",  # EAN-13, Chinese prefix 690
    "5901234123457",  # EAN-13 (GS1 example)
    "036000291452",  # UPC-A
    "0036000291452",  # the same UPC-A printed as EAN-13
    "96385074",  # EAN-8
    "12345670",  # EAN-8
    "10012345678902",  # GTIN-14
    "00012345600012",  # GTIN-14 (GS1 example)
]


@pytest.mark.parametrize("code", KNOWN_GOOD)
def test_known_good_gtins_are_valid(code: str) -> None:
    assert reference_is_valid(code)  # the fixture itself is right
    assert is_valid_gtin(code)
    assert looks_like_gtin(code)
    assert gtin_check_digit(code[:-1]) == int(code[-1])
    assert with_check_digit(code[:-1]) == code
    assert gtin_key(code) == int(code)


@pytest.mark.parametrize("code", KNOWN_GOOD)
def test_every_wrong_check_digit_is_refused(code: str) -> None:
    for wrong in "0123456789":
        if wrong == code[-1]:
            continue
        bad = code[:-1] + wrong
        assert not is_valid_gtin(bad)
        with pytest.raises(InvalidInput) as err:
            gtin_key(bad)
        assert err.value.code == "barcode_check_digit"


def test_a_swapped_pair_of_digits_is_caught() -> None:
    assert not is_valid_gtin("4006381339331")  # ...3393... instead of ...3339...


def test_upc_a_and_its_ean13_form_are_one_item() -> None:
    assert gtin_key("036000291452") == gtin_key("0036000291452") == gtin_key("00036000291452")


def test_gtin_key_ignores_surrounding_whitespace() -> None:
    assert gtin_key(" 6901234567892\n") == 6901234567892


@pytest.mark.parametrize(
    "code",
    [
        "", "   ", "abc", "690123456789X", "69012345678", "123456789", "1234567",
        "123456789012345", "6901-234567892", "+6901234567892", "6901234 567892",
        "٦٩٠١٢٣٤٥٦٧٨٩٢",  # Arabic-Indic digits
        "６９０１２３４５６７８９２",  # full-width digits
    ],
)
def test_malformed_barcodes_are_refused(code: str) -> None:
    assert not is_valid_gtin(code)
    with pytest.raises(InvalidInput) as err:
        gtin_key(code)
    assert err.value.code == "barcode_malformed"


def test_check_digit_needs_digits() -> None:
    with pytest.raises(ValueError):
        gtin_check_digit("12a4")
    with pytest.raises(ValueError):
        gtin_check_digit("")


@FAST
@given(st.sampled_from([7, 11, 12, 13]).flatmap(
    lambda n: st.text(alphabet="0123456789", min_size=n, max_size=n)))
def test_with_check_digit_always_makes_a_valid_gtin(body: str) -> None:
    code = with_check_digit(body)
    assert is_valid_gtin(code)
    assert reference_is_valid(code)
    assert gtin_display(gtin_key(code)).lstrip("0") == code.lstrip("0")


def test_gtin_display_is_the_form_printed_on_the_pack() -> None:
    assert gtin_display(36000291452) == "036000291452"  # UPC-A
    assert gtin_display(6901234567892) == "6901234567892"  # EAN-13
    assert gtin_display(10012345678902) == "10012345678902"  # GTIN-14
    assert gtin_display(96385074) == "96385074"  # EAN-8


# -- variable-measure (scale) labels --------------------------------------------------------------

WEIGHT_RULE, PRICE_RULE = DEFAULT_SCALE_RULES
CHINA_RULE = VariableMeasureRule(prefixes=("2",), item_digits=6, value_digits=5,
                                 kind=MeasureKind.WEIGHT_G)


def test_encode_makes_a_valid_ean13_with_the_layout() -> None:
    label = WEIGHT_RULE.encode("21", "00123", 1234)
    assert label == with_check_digit("210012301234")
    assert len(label) == 13
    assert is_valid_gtin(label)
    assert WEIGHT_RULE.parse(label) == ("00123", 1234)


@FAST
@given(
    st.sampled_from([WEIGHT_RULE, PRICE_RULE, CHINA_RULE]).flatmap(
        lambda rule: st.tuples(
            st.just(rule),
            st.sampled_from(rule.prefixes),
            st.text(alphabet="0123456789", min_size=rule.item_digits, max_size=rule.item_digits),
            st.integers(min_value=0, max_value=10**rule.value_digits - 1),
        )
    )
)
def test_scale_label_encode_and_parse_round_trip(
    args: tuple[VariableMeasureRule, str, str, int],
) -> None:
    rule, prefix, plu, value = args
    label = rule.encode(prefix, plu, value)
    assert rule.matches(label)
    assert is_valid_gtin(label)
    assert rule.parse(label) == (plu, value)


def test_scale_label_with_a_wrong_check_digit_is_refused() -> None:
    label = WEIGHT_RULE.encode("22", "04711", 500)
    bad = label[:-1] + str((int(label[-1]) + 1) % 10)
    assert WEIGHT_RULE.matches(bad)  # the shape matches; the check digit does not
    with pytest.raises(InvalidInput) as err:
        WEIGHT_RULE.parse(bad)
    assert err.value.code == "barcode_check_digit"


@pytest.mark.parametrize(
    ("prefix", "plu", "value"),
    [
        ("23", "00123", 100),  # prefix of another rule
        ("2", "00123", 100),
        ("21", "0123", 100),  # PLU too short
        ("21", "000123", 100),  # PLU too long
        ("21", "00123", 100_000),  # value too large for 5 digits
        ("21", "00123", -1),
    ],
)
def test_encode_refuses_what_does_not_fit(prefix: str, plu: str, value: int) -> None:
    with pytest.raises(ValueError):
        WEIGHT_RULE.encode(prefix, plu, value)


def test_rule_needs_prefixes_of_one_length() -> None:
    with pytest.raises(ValueError, match="same length"):
        VariableMeasureRule(prefixes=("2", "21"), item_digits=5, value_digits=5,
                            kind=MeasureKind.PRICE)
    with pytest.raises(ValueError):
        VariableMeasureRule(prefixes=(), item_digits=5, value_digits=5, kind=MeasureKind.PRICE)


@pytest.mark.parametrize(("item_digits", "value_digits"), [(5, 4), (6, 5), (4, 4), (10, 5)])
def test_rule_must_make_13_digits(item_digits: int, value_digits: int) -> None:
    with pytest.raises(ValueError, match="13 digits"):
        VariableMeasureRule(prefixes=("21",), item_digits=item_digits,
                            value_digits=value_digits, kind=MeasureKind.WEIGHT_G)


def test_match_scale_rule_finds_the_rule_by_prefix() -> None:
    assert match_scale_rule(WEIGHT_RULE.encode("21", "00123", 1234),
                            DEFAULT_SCALE_RULES) is WEIGHT_RULE
    assert match_scale_rule(WEIGHT_RULE.encode("22", "00123", 1234),
                            DEFAULT_SCALE_RULES) is WEIGHT_RULE
    price_label = PRICE_RULE.encode("23", "00456", 1999)
    rule = match_scale_rule(price_label, DEFAULT_SCALE_RULES)
    assert rule is PRICE_RULE
    assert rule.kind is MeasureKind.PRICE
    assert rule.parse(price_label) == ("00456", 1999)
    assert WEIGHT_RULE.kind is MeasureKind.WEIGHT_G


@pytest.mark.parametrize(
    "code",
    [
        "6901234567892",  # an ordinary EAN-13
        with_check_digit("200012301234"),  # restricted prefix 20: not configured in the demo
        with_check_digit("240012301234"),
        "036000291452",  # 12 digits
        "96385074",
        "21001230123",  # too short
        "",
        "21abcde012345",
    ],
)
def test_match_scale_rule_ignores_codes_outside_the_rules(code: str) -> None:
    assert match_scale_rule(code, DEFAULT_SCALE_RULES) is None


def test_match_scale_rule_with_no_rules_matches_nothing() -> None:
    assert match_scale_rule(WEIGHT_RULE.encode("21", "00123", 1), ()) is None


def test_match_scale_rule_returns_the_first_matching_rule() -> None:
    other = VariableMeasureRule(prefixes=("21",), item_digits=4, value_digits=6,
                                kind=MeasureKind.PRICE)
    label = WEIGHT_RULE.encode("21", "00123", 1)
    assert match_scale_rule(label, (other, WEIGHT_RULE)) is other
    assert match_scale_rule(label, (WEIGHT_RULE, other)) is WEIGHT_RULE
