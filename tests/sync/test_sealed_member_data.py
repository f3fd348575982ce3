"""The sealed box a sign-up's phone and name travel in (sync/protocol/sealing.py): only the
holder of the private key opens it, for the sign-up it was sealed for, unaltered; and the
sign-up payload carries its phone sealed or (before issue 17) plain, never both."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from sync.protocol import MemberSignupPayload, SealedBox
from sync.protocol.members import b64, key_id, unb64
from sync.protocol.sealing import SealError, new_private_key, open_sealed, public_key_of, seal

PRIVATE = new_private_key()
PUBLIC = public_key_of(PRIVATE)
PLAIN = '{"phone":"13812341234","name":"陈小明"}'.encode()


def test_the_central_opens_what_a_till_sealed_for_it() -> None:
    box = seal(PUBLIC, PLAIN, b"S001T01M000001")
    assert box.key_id == key_id(PUBLIC)
    assert b"13812341234" not in box.model_dump_json().encode()
    assert open_sealed(PRIVATE, box, b"S001T01M000001") == PLAIN
    again = seal(PUBLIC, PLAIN, b"S001T01M000001")
    assert again.ct != box.ct and again.epk != box.epk  # a fresh key and nonce each time


def _flip(text: str) -> str:
    raw = bytearray(unb64(text))
    raw[0] ^= 1
    return b64(bytes(raw))


@pytest.mark.parametrize("field", ["epk", "nonce", "ct"])
def test_an_altered_box_does_not_open(field: str) -> None:
    box = seal(PUBLIC, PLAIN, b"S001T01M000001")
    altered = box.model_copy(update={field: _flip(getattr(box, field))})
    with pytest.raises(SealError):
        open_sealed(PRIVATE, altered, b"S001T01M000001")


def test_a_box_opens_for_its_own_sign_up_and_key_only() -> None:
    box = seal(PUBLIC, PLAIN, b"S001T01M000001")
    with pytest.raises(SealError, match="does not open"):
        open_sealed(PRIVATE, box, b"S001T01M000002")  # moved to another sign-up
    other = new_private_key()
    with pytest.raises(SealError, match="another key"):
        open_sealed(other, box, b"S001T01M000001")
    forged = box.model_copy(update={"key_id": key_id(public_key_of(other))})
    with pytest.raises(SealError):
        open_sealed(other, forged, b"S001T01M000001")
    with pytest.raises(ValueError):
        seal(PUBLIC, b"x" * 4_000, b"S001T01M000001")


BASE = {"member_no": "S001T01M000001", "store_id": "S001", "consent_version": "v1",
        "consented_at": "2026-11-23T09:00:00Z"}


def test_a_sign_up_carries_its_phone_sealed_or_plain_never_both_never_neither() -> None:
    box = seal(PUBLIC, PLAIN, b"S001T01M000001").model_dump(mode="json")
    sealed = {**BASE, "sealed": box, "phone_hash": "a" * 64, "phone_last4": "1234",
              "name_masked": "陈**"}
    assert MemberSignupPayload.model_validate(sealed).sealed == SealedBox(**box)
    assert MemberSignupPayload.model_validate({**BASE, "phone": "13812341234",
                                               "name": "陈小明"}).phone == "13812341234"
    for bad in ({**BASE}, {**sealed, "phone": "13812341234"}, {**sealed, "name": "陈小明"},
                {**sealed, "phone_last4": None}, {**sealed, "phone_hash": "13812341234"},
                {**sealed, "sealed": {**box, "ct": "not base64!"}}):
        with pytest.raises(ValidationError):
            MemberSignupPayload.model_validate(bad)
