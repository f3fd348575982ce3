"""How many members a terminal may look up online (issue 17).

A till holds the chain's phone key (to hash a typed number), so a stolen till token could list
the chain's members by asking ``POST /v1/members/lookup`` for the hash of every mobile number.
The central therefore counts each terminal's look-ups (found or not) in
``member_lookup_counts`` and answers ``429`` with ``Retry-After`` past either limit:

- **per minute** (``member_lookup_rate``): at most ``per_minute`` look-ups in the minute from
  the first one counted (a fixed window, started again by the first look-up after it ends);
  ``Retry-After`` is the rest of that minute;
- **per day** (``member_lookup_cap``): at most ``per_day`` look-ups in the store's day (its
  time zone, ``store_settings.timezone``); ``Retry-After`` runs to the store's midnight. The
  first refusal of a terminal's day files one exception for the store's manager,
  ``member_lookup_cap``, keyed by the terminal and the day (sync/central/incidents.py).

The limits are the chain's (``meta``: ``member_lookup_per_minute`` and
``member_lookup_per_day``, set with ``posclient-central member lookup-limit``); the defaults,
:data:`DEFAULT_PER_MINUTE` and :data:`DEFAULT_PER_DAY`, leave room for a busy till: a look-up
is a customer at the counter whom the till does not hold.

A refused look-up is not answered and not counted in the day's look-ups (``day_refused``
counts it). Counting is one write transaction on the terminal's row, locked (``FOR UPDATE``
on PostgreSQL; SQLite's one writer), committed before the member is looked up: concurrent
look-ups of one terminal are each counted once, and no more than the limit are answered.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, select, update

from sync.central import incidents
from sync.central.db import is_postgres, upsert, write_tx
from sync.central.errors import TooManyAttempts
from sync.central.identity import TerminalIdentity
from sync.central.schema import member_lookup_counts, meta

PER_MINUTE_KEY = "member_lookup_per_minute"
PER_DAY_KEY = "member_lookup_per_day"
DEFAULT_PER_MINUTE = 30
DEFAULT_PER_DAY = 2_000
MAX_PER_MINUTE = 600
MAX_PER_DAY = 100_000
MINUTE = timedelta(minutes=1)
CAP_KIND = "member_lookup_cap"
RATE_CODE = "member_lookup_rate"


@dataclass(frozen=True, slots=True)
class LookupLimits:
    """The chain's limits on one terminal's online member look-ups."""

    per_minute: int = DEFAULT_PER_MINUTE
    per_day: int = DEFAULT_PER_DAY


def limits(conn: Connection) -> LookupLimits:
    """The chain's limits (the defaults until set)."""
    stored = dict(conn.execute(select(meta.c.key, meta.c.value).where(
        meta.c.key.in_((PER_MINUTE_KEY, PER_DAY_KEY)))).all())
    return LookupLimits(int(stored.get(PER_MINUTE_KEY, DEFAULT_PER_MINUTE)),
                        int(stored.get(PER_DAY_KEY, DEFAULT_PER_DAY)))


def set_limits(engine: Engine, *, per_minute: int | None = None,
               per_day: int | None = None) -> LookupLimits:
    """Set either limit (ValueError out of bounds: nothing is changed); returns both."""
    if per_minute is not None and not 1 <= per_minute <= MAX_PER_MINUTE:
        raise ValueError(f"the limit per minute is 1 to {MAX_PER_MINUTE}")
    if per_day is not None and not 1 <= per_day <= MAX_PER_DAY:
        raise ValueError(f"the daily cap is 1 to {MAX_PER_DAY:,}")
    with write_tx(engine) as conn:
        for key, value in ((PER_MINUTE_KEY, per_minute), (PER_DAY_KEY, per_day)):
            if value is not None:
                conn.execute(upsert(conn, meta).values(key=key, value=str(value))
                             .on_conflict_do_update(index_elements=[meta.c.key],
                                                    set_={"value": str(value)}))
        return limits(conn)


def admit(engine: Engine, who: TerminalIdentity, now: datetime) -> None:
    """Count one look-up of ``who``'s, or raise :class:`TooManyAttempts` (429, its code
    ``member_lookup_rate`` or ``member_lookup_cap``, ``Retry-After``) past a limit: the count
    (and the exception at the daily cap) is committed either way."""
    refusal = _count(engine, who, now)
    if refusal is not None:
        raise refusal


def _count(engine: Engine, who: TerminalIdentity, now: datetime) -> TooManyAttempts | None:
    t = member_lookup_counts
    mine = (t.c.store_id == who.store_id) & (t.c.terminal_id == who.terminal_id)
    with write_tx(engine) as conn:
        lim = limits(conn)
        zone = incidents.zone_of(conn, who.store_id)
        today = now.astimezone(zone).date()
        day = today.isoformat()
        conn.execute(upsert(conn, t).values(
            store_id=who.store_id, terminal_id=who.terminal_id, minute_from=now,
            minute_count=0, day=day, day_count=0, day_refused=0,
        ).on_conflict_do_nothing(index_elements=[t.c.store_id, t.c.terminal_id]))
        q = select(t).where(mine)
        row = conn.execute(q.with_for_update() if is_postgres(conn) else q).one()
        minute_from, minute_count = row.minute_from, row.minute_count
        if not timedelta(0) <= now - minute_from < MINUTE:  # a new minute (or a clock set back)
            minute_from, minute_count = now, 0
        day_count, refused = (row.day_count, row.day_refused) if row.day == day else (0, 0)
        refusal = None
        if day_count >= lim.per_day:
            refused += 1
            if refused == 1:
                _file_cap(conn, who, today, lim.per_day, now)
            refusal = _cap_refusal(lim.per_day, _seconds(_midnight_after(today, zone) - now))
        elif minute_count >= lim.per_minute:
            wait = _seconds(minute_from + MINUTE - now)
            refusal = TooManyAttempts(
                f"This till asked for {lim.per_minute} members in the last minute, the chain's "
                f"limit per minute: try again in {wait} seconds.", retry_after=wait,
                code=RATE_CODE)
        else:
            minute_count, day_count = minute_count + 1, day_count + 1
        conn.execute(update(t).where(mine).values(
            minute_from=minute_from, minute_count=minute_count, day=day, day_count=day_count,
            day_refused=refused))
    return refusal


def _cap_refusal(cap: int, wait: int) -> TooManyAttempts:
    return TooManyAttempts(
        f"This till has looked up {cap:,} members today, the chain's daily cap: no more look-ups "
        "until midnight (the store's time). The store's manager has been told.",
        retry_after=wait, code=CAP_KIND)


def _file_cap(conn: Connection, who: TerminalIdentity, day: date, cap: int,
              now: datetime) -> None:
    """The exception for the store's manager, once per terminal and day."""
    problem = incidents.Problem(
        CAP_KIND, who.terminal_id,
        f"Till {who.terminal_id} looked up {cap:,} members online on {day.isoformat()}, the "
        "chain's daily cap; its further look-ups are refused until the store's midnight. A "
        "busy day, or someone listing the chain's members with the till's token: check who "
        "used the till. If in doubt, revoke its token (posclient-central revoke-terminal) and "
        "enrol it again.", {"day": day.isoformat(), "cap": cap})
    incidents.file_alone(conn, who.store_id, who.terminal_id, problem,
                         f"{CAP_KIND}:{who.terminal_id}:{day.isoformat()}", now)


def _midnight_after(day: date, zone: ZoneInfo) -> datetime:
    """The start of the store's next day."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)


def _seconds(delta: timedelta) -> int:
    """A wait in whole seconds, at least one (``Retry-After``)."""
    return max(1, math.ceil(delta.total_seconds()))
