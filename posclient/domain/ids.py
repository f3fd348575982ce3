"""Identifiers made on the terminal: UUIDv7 (RFC 9562), time-ordered.

Pure: the caller passes the time and the random bytes, so tests are deterministic and the
domain reads no clock.
"""

from __future__ import annotations

import uuid


def uuid7(unix_ms: int, rand: bytes) -> uuid.UUID:
    """A UUIDv7 from a millisecond timestamp and at least 10 random bytes."""
    if len(rand) < 10:
        raise ValueError("uuid7 needs 10 random bytes")
    if not 0 <= unix_ms < 1 << 48:
        raise ValueError("timestamp out of range")
    rand_a = int.from_bytes(rand[:2], "big") & 0x0FFF
    rand_b = int.from_bytes(rand[2:10], "big") & ((1 << 62) - 1)
    value = (unix_ms << 80) | (0x7 << 76) | (rand_a << 64) | (0b10 << 62) | rand_b
    return uuid.UUID(int=value)
