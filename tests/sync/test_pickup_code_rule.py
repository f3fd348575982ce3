"""The pick-up code's rule, the one both ends use (sync/protocol/pickup_codes.py): a salted
argon2id hash per order, the old SHA-256 form still checked, and a hash a till would choke on
refused on arrival."""

from __future__ import annotations

import hashlib
import time

import pytest
from orders_kit import CODE, order
from pydantic import ValidationError

from sync.protocol import OrderData, pickup_code_phc, pickup_code_sha256


def test_two_orders_with_the_same_code_get_different_hashes_and_each_checks_only_its_own():
    a, b = pickup_code_phc("W1", CODE), pickup_code_phc("W2", CODE)
    again = pickup_code_phc("W1", CODE)
    assert len({a, b, again}) == 3  # a new salt every time
    assert a.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    first = order(order_no="W1", pickup_code_phc=a)
    assert first.pickup_code_matches(CODE) and first.pickup_code_matches(" 7q4k 2m ")
    assert not first.pickup_code_matches("7Q4K2N") and not first.pickup_code_matches("")
    moved = order(order_no="W2", pickup_code_phc=a)  # W1's hash copied onto W2
    assert not moved.pickup_code_matches(CODE)
    assert CODE not in a and CODE.lower() not in a


def test_a_check_costs_a_guesser_tens_of_milliseconds():
    o = order()
    start = time.perf_counter()
    for guess in ("AAAA", "BBBB", "CCCC"):
        assert not o.pickup_code_matches(guess)
    assert (time.perf_counter() - start) / 3 > 0.002  # SHA-256 took a microsecond


def test_an_order_stored_before_argon2_is_still_checked_by_its_sha256():
    old = order(pickup_code_phc=None, pickup_code_hash=pickup_code_sha256("W1001", CODE))
    assert old.pickup_code_hash == hashlib.sha256(b"W1001:7Q4K2M").hexdigest()
    assert old.pickup_code_matches(" 7q4k2m ") and not old.pickup_code_matches("7Q4K2N")
    assert not order(pickup_code_phc=None).pickup_code_matches(CODE)  # no hash: no code


@pytest.mark.parametrize("phc", [
    "$argon2id$v=19$m=4194304,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",  # 4 GiB
    "$argon2id$v=19$m=19456,t=200,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",  # 200 passes
    "$argon2id$v=19$m=19456,t=2,p=64$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",  # 64 lanes
    "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",  # not argon2id
    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$" + "a" * 300,  # too long
    "7Q4K2M",  # a code where its hash belongs
    hashlib.sha256(b"W1001:7Q4K2M").hexdigest(),  # the old form in the new field
])
def test_a_hash_a_till_cannot_afford_or_read_is_refused_on_arrival(phc):
    with pytest.raises(ValidationError, match="pickup_code_phc"):
        order(pickup_code_phc=phc)


def test_the_old_field_takes_only_the_old_form():
    with pytest.raises(ValidationError, match="pickup_code_hash"):
        order(pickup_code_hash=pickup_code_phc("W1001", CODE))
    data = order().model_dump(mode="json")
    data["pickup_code_hash"] = pickup_code_sha256("W1001", CODE)
    assert OrderData.model_validate(data).pickup_code_hash is not None
