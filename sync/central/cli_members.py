"""``posclient-central member ...``: IT's commands about members.

    posclient-central member token 8800000001 [--ttl 600]   # prints a signed member QR token
    posclient-central member rotate-key                     # a new signing key for tokens
    posclient-central member window [--days 365]            # how long a store keeps a member
    posclient-central member expire                         # daily: members off other tills
    posclient-central member lookup-limit [--per-minute 30] [--per-day 2000]
                                                            # a till's online look-ups

A token is what the app or the web shop shows as the member's QR code
(sync/central/member_tokens.py); printed here for tests, demos and a customer whose app cannot
reach the central. Rotating the key: docs/loyalty.md ("The member QR token"). The window and the
expiry: members per store (sync/central/members.py, docs/loyalty.md "Members' personal data on
the tills"). The look-up limits: sync/central/lookup_limits.py.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from sqlalchemy import Engine

from posclient.domain.member_token import DEFAULT_TTL_S, MAX_TTL_S, MIN_TTL_S
from sync.central import lookup_limits, loyalty, member_tokens, members
from sync.protocol.clock import SystemClock

_clock = SystemClock()

EngineOf = Callable[[argparse.Namespace], Engine]


def add_member_commands(sub: argparse._SubParsersAction,  # type: ignore[type-arg]
                        engine_of: EngineOf) -> None:
    """The ``member`` command and its actions; ``engine_of(args)``: the checked database."""
    text = ("members: a signed QR token, the token signing key, members per store (the "
            "window, the expiry), the limits of online look-ups")
    m = sub.add_parser("member", help=text, description=text)
    actions = m.add_subparsers(dest="member_command", required=True, metavar="ACTION")
    text = "print a signed member QR token for an active member (what the app shows)"
    t = actions.add_parser("token", help=text, description=text)
    t.add_argument("member_no", metavar="NO")
    t.add_argument("--ttl", type=int, default=DEFAULT_TTL_S, metavar="SECONDS",
                   help=f"how long the token lives ({MIN_TTL_S} to {MAX_TTL_S}; default "
                        f"{DEFAULT_TTL_S})")
    t.set_defaults(func=lambda args: cmd_token(engine_of(args), args))
    text = ("make a new key to sign member tokens; tokens of the old key keep working until "
            "they expire")
    r = actions.add_parser("rotate-key", help=text, description=text)
    r.set_defaults(func=lambda args: cmd_rotate_key(engine_of(args)))
    text = "show or set the days a purchase or a look-up keeps a member on a store's tills"
    w = actions.add_parser("window", help=text, description=text)
    w.add_argument("--days", type=int, default=None,
                   help=f"1 to {members.MAX_DAYS} ({members.DEFAULT_DAYS} until set)")
    w.set_defaults(func=lambda args: cmd_window(engine_of(args), args.days))
    text = ("take members off the tills of the stores where their purchase or look-up is "
            "older than the window (run it daily)")
    e = actions.add_parser("expire", help=text, description=text)
    e.set_defaults(func=lambda args: cmd_expire(engine_of(args)))
    text = ("show or set how many members one till may look up online (per minute, per day; "
            "past the daily cap the store's manager gets an exception)")
    limit = actions.add_parser("lookup-limit", help=text, description=text)
    limit.add_argument("--per-minute", type=int, default=None,
                       help=f"1 to {lookup_limits.MAX_PER_MINUTE} "
                            f"({lookup_limits.DEFAULT_PER_MINUTE} until set)")
    limit.add_argument("--per-day", type=int, default=None,
                       help=f"1 to {lookup_limits.MAX_PER_DAY} "
                            f"({lookup_limits.DEFAULT_PER_DAY} until set)")
    limit.set_defaults(func=lambda args: cmd_lookup_limit(engine_of(args), args))


def cmd_token(engine: Engine, args: argparse.Namespace) -> int:
    issued = member_tokens.issue(engine, args.member_no, _clock.now(), args.ttl)
    print(issued.token)
    return 0


def print_demo_token(engine: Engine) -> None:
    """After the demo data: a token for its first member, to scan at a demo till."""
    with engine.connect() as conn:
        member = loyalty.read_member(conn, "1")
    if member is None:
        return
    issued = member_tokens.issue(engine, member.member_no, _clock.now())
    print(f"Member {member.member_no}'s QR token (what the app shows; 10 minutes, then "
          f"`posclient-central member token {member.member_no}`):\n  {issued.token}")


def cmd_rotate_key(engine: Engine) -> int:
    key = member_tokens.rotate(engine, _clock.now())
    print(f"Member tokens are now signed with key {key.kid}; tills receive it at their next "
          "sync. Tokens of the old key work until they expire.")
    return 0


def cmd_window(engine: Engine, days: int | None) -> int:
    """The chain's window: days a purchase or a look-up keeps a member on a store's tills."""
    if days is not None:
        try:
            members.set_window_days(engine, days)
        except ValueError as exc:
            print(f"Refused: {exc}.", file=sys.stderr)
            return 1
    with engine.connect() as conn:
        days = members.window_days(conn)
    print(f"A purchase or a look-up keeps a member on a store's tills for {days} days (where "
          "the member signed up: always).")
    return 0


def cmd_expire(engine: Engine) -> int:
    """End the members' store associations past the chain's window."""
    ended = members.expire(engine, _clock.now())
    print(f"{ended:,} member(s) taken off a store's tills (their purchase or look-up there is "
          "older than the window); those tills remove them at their next sync.")
    return 0


def cmd_lookup_limit(engine: Engine, args: argparse.Namespace) -> int:
    """The chain's limits on a till's online member look-ups."""
    try:
        limits = lookup_limits.set_limits(engine, per_minute=args.per_minute,
                                          per_day=args.per_day)
    except ValueError as exc:
        print(f"Refused: {exc}.", file=sys.stderr)
        return 1
    print(f"A till may look up {limits.per_minute} members online per minute and "
          f"{limits.per_day:,} per day (the store's day); past the daily cap the store's "
          "manager gets an exception.")
    return 0
