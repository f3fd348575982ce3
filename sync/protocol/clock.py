"""The system clock and event ids: the one place the till and the central read the time.

Everything else takes a :class:`posclient.domain.clock.Clock`, so tests pass a manual one.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from posclient.domain.clock import Clock
from posclient.domain.ids import uuid7


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


def new_event_id(clock: Clock) -> str:
    """A UUIDv7 event id (the central's idempotency key), time-ordered by the clock."""
    return str(uuid7(int(clock.now().timestamp() * 1000), os.urandom(10)))
