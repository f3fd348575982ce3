"""PIN hashes (argon2id) and the hash of nobody's PIN that an unknown staff number is checked
against."""

from __future__ import annotations

from posclient.domain import pins


def test_a_pin_verifies_against_its_own_hash_only():
    h = pins.hash_pin("1234")
    assert pins.verify_pin(h, "1234") and not pins.verify_pin(h, "1235")
    assert not pins.verify_pin("not a hash", "1234")


def test_the_hash_nobody_knows_costs_what_every_pin_hash_does():
    assert not pins._HASHER.check_needs_rehash(pins._NOBODY)  # the same argon2 parameters
    assert not pins.verify_pin(pins._NOBODY, "1234")
    assert pins.verify_nobody("1234") is None
