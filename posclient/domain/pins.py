"""PIN hashing with argon2id (argon2-cffi). The database keeps only the hash."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# Tills are small machines and a PIN check sits in the cashier's path: ~20 ms per check, still
# far beyond brute force once the 10-attempt lockout applies.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)
# The hash of a random secret nobody knows, with the parameters above (tests/domain/test_pins.py
# checks they match): a PIN typed for a number that is no staff member's is checked against it,
# so that refusal costs what a real one does.
_NOBODY = ("$argon2id$v=19$m=19456,t=2,p=1$4GUdYqr68gorJfSF95M/UQ$"
           "iqjrI+oSOL9gHAS6ACkSK6EGrEJizuNIwCcaFGo/Xqc")


def hash_pin(pin: str) -> str:
    return _HASHER.hash(pin)


def verify_pin(pin_hash: str, pin: str) -> bool:
    try:
        return _HASHER.verify(pin_hash, pin)
    except (VerificationError, InvalidHashError):
        return False


def verify_nobody(pin: str) -> None:
    """Spend a PIN check's time on ``pin`` and refuse it: the check for a staff number that is
    no staff member's."""
    verify_pin(_NOBODY, pin)
