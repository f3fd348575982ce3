"""UUIDv7 made on the terminal from a passed-in time and random bytes."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from posclient.domain.ids import uuid7

FAST = settings(max_examples=200, deadline=None)
timestamps = st.integers(min_value=0, max_value=(1 << 48) - 1)
randoms = st.binary(min_size=10, max_size=16)


def test_rfc_9562_example() -> None:
    # RFC 9562, appendix A.6: unix_ts_ms 0x017F22E279B0, rand_a 0xCC3, rand_b 0x18C4DC0C0C07398F.
    rand = bytes.fromhex("0CC3" + "18C4DC0C0C07398F")
    assert uuid7(0x017F22E279B0, rand) == uuid.UUID("017f22e2-79b0-7cc3-98c4-dc0c0c07398f")


@FAST
@given(timestamps, randoms)
def test_version_variant_and_timestamp_bits(unix_ms: int, rand: bytes) -> None:
    u = uuid7(unix_ms, rand)
    assert u.version == 7
    assert u.variant == uuid.RFC_4122
    assert u.int >> 80 == unix_ms
    assert (u.int >> 64) & 0x0FFF == int.from_bytes(rand[:2], "big") & 0x0FFF
    assert u.int & ((1 << 62) - 1) == int.from_bytes(rand[2:10], "big") & ((1 << 62) - 1)


@FAST
@given(timestamps, timestamps, randoms, randoms)
def test_ids_sort_by_their_timestamp(t1: int, t2: int, r1: bytes, r2: bytes) -> None:
    a, b = uuid7(t1, r1), uuid7(t2, r2)
    if t1 < t2:
        assert a < b
        assert str(a) < str(b)  # the text form sorts the same way (as stored in SQLite)
    elif t1 > t2:
        assert a > b


@FAST
@given(timestamps, randoms)
def test_the_same_inputs_make_the_same_id(unix_ms: int, rand: bytes) -> None:
    assert uuid7(unix_ms, rand) == uuid7(unix_ms, bytes(rand))


def test_different_random_bytes_make_different_ids() -> None:
    assert uuid7(1_700_000_000_000, bytes(10)) != uuid7(1_700_000_000_000, bytes(9) + b"\x01")


def test_only_the_first_ten_random_bytes_count() -> None:
    rand = bytes(range(10))
    assert uuid7(1, rand) == uuid7(1, rand + b"extra")


@pytest.mark.parametrize("rand", [b"", bytes(9)])
def test_too_few_random_bytes_are_refused(rand: bytes) -> None:
    with pytest.raises(ValueError):
        uuid7(0, rand)


@pytest.mark.parametrize("unix_ms", [-1, 1 << 48])
def test_a_timestamp_out_of_range_is_refused(unix_ms: int) -> None:
    with pytest.raises(ValueError):
        uuid7(unix_ms, bytes(10))
