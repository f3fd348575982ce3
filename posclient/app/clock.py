"""Time as a seam: services take a clock, tests pass one they control."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from typing import Protocol

from posclient.domain.ids import uuid7


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that moves only when told to (tests, simulations, benchmarks)."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, **kwargs: float) -> None:
        self._now += timedelta(**kwargs)


def iso(t: datetime) -> str:
    """The stored form of a time: ISO 8601 UTC with milliseconds, lexically ordered."""
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def parse_iso(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def new_event_id(clock: Clock) -> str:
    """A UUIDv7 event id (the central's idempotency key), time-ordered by the clock."""
    return str(uuid7(int(clock.now().timestamp() * 1000), os.urandom(10)))
