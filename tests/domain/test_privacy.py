"""The rule a till and the central share for a member's phone and name
(posclient/domain/privacy.py): normalised number, keyed hash, last four digits, masks."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from posclient.domain.privacy import (
    DEMO_MEMBER_KEYS,
    mask_name,
    masked_phone,
    normalise_phone,
    phone_digest,
    phone_last4,
)

KEY = bytes(range(32))


@pytest.mark.parametrize("typed", ["13812341234", "138 1234 1234", "138-1234-1234",
                                   "+86 138 1234 1234", "008613812341234", "8613812341234",
                                   "(138) 1234.1234"])
def test_every_way_of_writing_a_number_is_one_number(typed: str) -> None:
    assert normalise_phone(typed) == "13812341234"
    assert phone_digest(KEY, typed) == hmac.new(KEY, b"13812341234", hashlib.sha256).hexdigest()
    assert phone_last4(typed) == "1234"


@pytest.mark.parametrize("typed", ["", "1381234123", "138123412345", "23812341234",
                                   "+85291234567", "1381234123x", "+1 138 1234 1234"])
def test_what_is_not_a_mainland_mobile_number_is_refused(typed: str) -> None:
    assert normalise_phone(typed) is None
    with pytest.raises(ValueError):
        phone_digest(KEY, typed)
    with pytest.raises(ValueError):
        phone_last4(typed)


def test_the_digest_depends_on_the_key_and_is_not_the_number() -> None:
    a = phone_digest(KEY, "13812341234")
    assert len(a) == 64 and "13812341234" not in a
    assert phone_digest(bytes(32), "13812341234") != a
    assert phone_digest(KEY, "13812341235") != a
    assert DEMO_MEMBER_KEYS.digest("13812341234") == phone_digest(
        DEMO_MEMBER_KEYS.phone_key, "13812341234")
    with pytest.raises(ValueError):
        phone_digest(b"short", "13812341234")


def test_masks_show_the_first_character_and_the_last_four_digits_only() -> None:
    assert mask_name("陈小明") == "陈**"
    assert mask_name("Chen Xiaoming") == "C**"  # the length is hidden too
    assert mask_name("陈**") == "陈**"  # masking twice changes nothing
    assert mask_name("  ") == ""
    assert masked_phone("1234") == "****1234"
    assert masked_phone(None) == masked_phone("") == ""
