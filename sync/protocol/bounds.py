"""The bounds every field of the protocol has, and the models' common base.

What the business allows, and never more than the central's columns hold
(docs/sync-protocol.md, "Bounds").
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
)

from posclient.domain.money import MAX_MINOR

PROTOCOL_VERSION = 1
MAX_EVENTS_PER_BATCH = 500
MAX_PAGE = 5_000

# -- bounds (docs/sync-protocol.md, "Bounds") ----------------------------------------------------
# Every field of every model has one: what the business allows, and never more than the
# central's columns hold (BIGINT, VARCHAR(n)), so no input reaches the database as a value it
# cannot store (an OverflowError, a truncation: a 500 and a till re-sending forever).

BIGINT_MAX = 2**63 - 1  # the central's BIGINT, the till's SQLite INTEGER
# Money in minor units: posclient.domain.money.MAX_MINOR (1,000,000,000,000.00 in a two-decimal
# currency). A line's quantity times the largest price a till takes fits, and any day's sums of
# such amounts stay far inside a BIGINT.
MAX_QTY = 10_000_000  # units of a line, or grams of a weighed product (10 tonnes)
MAX_STOCK = 10**12  # a stock level, either side of zero
MAX_POINTS = 10**12  # a member's points
MAX_LINES = 2_000  # lines of a sale, an order, a return, a count, a delivery
# A terminal_seq more than this beyond the highest the central has from the till is refused
# (``rejected``, reason ``terminal_seq_too_far``), not recorded as that many lost events: a
# till never has more than a few thousand events waiting, even after weeks offline.
MAX_SEQ_AHEAD = 1_000_000
# Times a till sends: from 1970 to 2199, in any zone (far outside: a clock gone wrong).
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)


def _in_time_range(t: datetime) -> datetime:
    aware = t if t.tzinfo is not None else t.replace(tzinfo=UTC)
    if not EARLIEST <= aware < LATEST:
        raise ValueError("a time between 1970-01-01 and 2199-12-31 (UTC)")
    return t


Minor = Annotated[int, Field(ge=0, le=MAX_MINOR)]  # money, never negative in reference data
SignedMinor = Annotated[int, Field(ge=-MAX_MINOR, le=MAX_MINOR)]  # rounding, a difference
Id = Annotated[int, Field(ge=1, le=BIGINT_MAX)]  # a row id: product, staff, member, record
Qty = Annotated[int, Field(ge=1, le=MAX_QTY)]  # units, or grams
Count = Annotated[int, Field(ge=0, le=BIGINT_MAX)]  # a count or a sum the central reports
Total = Annotated[int, Field(ge=-BIGINT_MAX, le=BIGINT_MAX)]  # a signed sum it reports
Seq = Annotated[int, Field(ge=1, le=BIGINT_MAX)]
Ppm = Annotated[int, Field(ge=0, le=1_000_000)]  # a tax rate in parts per million
UnixTime = Annotated[int, Field(ge=0, le=int(LATEST.timestamp()))]
Moment = Annotated[datetime, AfterValidator(_in_time_range)]
StoreId = Annotated[str, Field(min_length=1, max_length=32)]
TerminalId = Annotated[str, Field(max_length=32)]
Key = Annotated[str, Field(min_length=1, max_length=64)]  # a receipt, order, member number
Ref = Annotated[str, Field(max_length=128)]  # a payment's or a delivery note's reference
Name = Annotated[str, Field(max_length=200)]  # a product's, a member's, a promotion's name
Word = Annotated[str, Field(max_length=64)]  # a category, brand, tier, method, label
Currency = Annotated[str, Field(min_length=3, max_length=3)]
Reason = Annotated[str, Field(max_length=2_000)]  # a message the central writes for people


class ProtocolModel(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
