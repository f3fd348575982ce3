"""``posclient-central member ...``: IT's commands about members.

    posclient-central member token 8800000001 [--ttl 600]   # prints a signed member QR token
    posclient-central member rotate-key                     # a new signing key for tokens
    posclient-central member window [--days 365]            # how long a store keeps a member
    posclient-central member expire                         # daily: members off other tills
    posclient-central member export 8800000001 [--output F] # all the central holds about one
    posclient-central member erase 8800000001               # erase a member's personal data
    posclient-central member consent 8800000001 withdraw marketing   # customer service
    posclient-central member marketing [--output F]         # members who agreed to marketing
    posclient-central member retention [--days 1095]        # the chain's inactivity limit
    posclient-central member erase-inactive [--dry-run]     # daily: erase members past it
    posclient-central member lookup-limit [--per-minute 30] [--per-day 2000]
                                                            # a till's online look-ups

A token is what the app or the web shop shows as the member's QR code
(sync/central/member_tokens.py); printed here for tests, demos and a customer whose app cannot
reach the central. Rotating the key: docs/loyalty.md ("The member QR token"). The window and the
expiry: members per store (sync/central/members.py, docs/loyalty.md "Members' personal data on
the tills"). The look-up limits: sync/central/lookup_limits.py. The member's rights (export,
erasure, consents, retention): docs/privacy.md, sync/central/member_export.py, erasure.py,
consents.py. Files these write hold personal data: they are made readable by their owner only.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from sqlalchemy import Engine

from posclient.domain.member_token import DEFAULT_TTL_S, MAX_TTL_S, MIN_TTL_S
from sync.central import (
    consents,
    erasure,
    lookup_limits,
    loyalty,
    member_export,
    member_tokens,
    members,
)
from sync.central.progress import Progress
from sync.protocol.clock import SystemClock

_clock = SystemClock()

EngineOf = Callable[[argparse.Namespace], Engine]


def add_member_commands(sub: argparse._SubParsersAction,  # type: ignore[type-arg]
                        engine_of: EngineOf) -> None:
    """The ``member`` command and its actions; ``engine_of(args)``: the checked database."""
    text = ("members: a signed QR token, the token signing key, members per store (the "
            "window, the expiry), the limits of online look-ups, the member's rights (export, "
            "erasure, consents, retention)")
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
    _add_rights_commands(actions, engine_of)


def _add_rights_commands(actions: argparse._SubParsersAction,  # type: ignore[type-arg]
                         engine_of: EngineOf) -> None:
    """The member's rights: export, erasure, consents, retention (docs/privacy.md)."""
    text = "write all the central holds about a member as JSON (the right of access)"
    x = actions.add_parser("export", help=text, description=text)
    x.add_argument("member_no", metavar="NO")
    x.add_argument("--output", type=Path, metavar="FILE", help="a new file (default: stdout)")
    x.set_defaults(func=lambda args: cmd_export(engine_of(args), args.member_no, args.output))
    text = ("erase a member's personal data at the central and, through the feed, at every "
            "till; sales and points figures stay without it (run again: nothing changes)")
    d = actions.add_parser("erase", help=text, description=text)
    d.add_argument("member_no", metavar="NO")
    d.set_defaults(func=lambda args: cmd_erase(engine_of(args), args.member_no))
    text = ("record a consent a member gave or withdrew through customer service; withdrawing "
            "membership erases the member")
    c = actions.add_parser("consent", help=text, description=text)
    c.add_argument("member_no", metavar="NO")
    c.add_argument("action", choices=("give", "withdraw"))
    c.add_argument("purpose", choices=("marketing", "membership"))
    c.add_argument("--version", default="", metavar="TEXT",
                   help="the privacy text's version the member agreed to (to give)")
    c.set_defaults(func=lambda args: cmd_consent(engine_of(args), args))
    text = "write the members whose marketing consent is in force (JSON lines), for the CRM"
    k = actions.add_parser("marketing", help=text, description=text)
    k.add_argument("--output", type=Path, metavar="FILE", help="a new file (default: stdout)")
    k.set_defaults(func=lambda args: cmd_marketing(engine_of(args), args.output))
    text = ("show or set the days without a sale, order, look-up or sign-up after which "
            "erase-inactive erases a member")
    r = actions.add_parser("retention", help=text, description=text)
    r.add_argument("--days", type=int, default=None,
                   help=f"{erasure.MIN_RETENTION_DAYS} to {erasure.MAX_RETENTION_DAYS} "
                        f"({erasure.DEFAULT_RETENTION_DAYS} until set)")
    r.set_defaults(func=lambda args: cmd_retention(engine_of(args), args.days))
    text = "erase the members inactive past the retention limit (schedule it daily)"
    i = actions.add_parser("erase-inactive", help=text, description=text)
    i.add_argument("--dry-run", action="store_true",
                   help="list them (number, last activity), erase nothing")
    i.add_argument("--batch", type=int, default=erasure.DEFAULT_BATCH,
                   help=f"members per transaction (1 to {erasure.MAX_BATCH})")
    i.set_defaults(func=lambda args: cmd_erase_inactive(engine_of(args), args.dry_run,
                                                        args.batch))


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


# -- the member's rights -------------------------------------------------------------------------

@contextmanager
def _private_output(path: Path | None) -> Iterator[TextIO]:
    """stdout, or a new file only its owner can read, complete or not there at all."""
    if path is None:
        yield sys.stdout
        return
    part = path.with_name(path.name + ".part")
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            yield out
        os.replace(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise


def cmd_export(engine: Engine, member_no: str, output: Path | None) -> int:
    if output is not None and output.exists():
        print(f"Refused: {output} exists; give a new file.", file=sys.stderr)
        return 1
    with engine.connect() as conn:
        known = members.id_of(conn, member_no) is not None or members.is_erased(conn, member_no)
    if not known:
        print(f"Refused: no member {member_no}.", file=sys.stderr)
        return 1
    try:
        with _private_output(output) as out:
            member_export.export(engine, member_no, out, _clock.now())
    except member_export.UnknownMember:  # erased and gone meanwhile: never
        print(f"Refused: no member {member_no}.", file=sys.stderr)
        return 1
    if output is not None:
        print(f"Member {member_no}'s data written to {output} (personal data: keep it as such).",
              file=sys.stderr)
    return 0


def cmd_erase(engine: Engine, member_no: str) -> int:
    done = erasure.erase_now(engine, _clock.now(), member_no, reason="request", via="service")
    if done is None:
        print(f"Refused: the central holds nothing of member {member_no}.", file=sys.stderr)
        return 1
    if done.already:
        print(f"Member {member_no} was erased on {done.erased_at:%Y-%m-%d %H:%M} UTC "
              f"({done.reason}); nothing more to do.")
        return 0
    gone = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in done.removed.items() if v)
    print(f"Member {member_no} erased ({gone or 'nothing personal was left'}). Every till "
          "forgets the member at its next sync; sales and points figures stay.")
    return 0


def cmd_consent(engine: Engine, args: argparse.Namespace) -> int:
    if args.action == "give" and args.purpose == "membership":
        print("Refused: membership is given by signing up.", file=sys.stderr)
        return 1
    if args.action == "give" and not 1 <= len(args.version) <= 64:
        print("Refused: give --version, the privacy text the member agreed to (at most 64 "
              "characters).", file=sys.stderr)
        return 1
    state = consents.change_now(
        engine, _clock.now(), args.member_no, args.purpose,
        "given" if args.action == "give" else "withdrawn", args.version or "-",
        consents.Where("service", via="service"))
    if state.erased:
        print(f"Member {args.member_no} is erased (membership withdrawn).")
    else:
        print(f"Member {args.member_no}: marketing consent "
              f"{'in force' if state.marketing else 'not given'}.")
    return 0


def cmd_marketing(engine: Engine, output: Path | None) -> int:
    if output is not None and output.exists():
        print(f"Refused: {output} exists; give a new file.", file=sys.stderr)
        return 1
    n = 0
    with _private_output(output) as out:
        for row in consents.marketing_list(engine):
            out.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
            n += 1
    print(f"{n:,} member(s) with marketing consent in force.", file=sys.stderr)
    return 0


def cmd_retention(engine: Engine, days: int | None) -> int:
    if days is not None:
        try:
            erasure.set_retention_days(engine, days)
        except ValueError as exc:
            print(f"Refused: {exc}.", file=sys.stderr)
            return 1
    with engine.connect() as conn:
        days = erasure.retention_days(conn)
    print(f"A member without a sale, web order, look-up or sign-up for {days} days is erased "
          "by `posclient-central member erase-inactive`.")
    return 0


def cmd_erase_inactive(engine: Engine, dry_run: bool, batch: int) -> int:
    if not 1 <= batch <= erasure.MAX_BATCH:
        print(f"Refused: a batch is 1 to {erasure.MAX_BATCH} members.", file=sys.stderr)
        return 1
    now = _clock.now()
    if dry_run:
        due = erasure.retention_due(engine, now)
        for member_no, at in erasure.due_members(engine, due.cutoff):
            print(f"{member_no}\t{at:%Y-%m-%d}")
        print(f"{due.due:,} member(s) inactive since before {due.cutoff:%Y-%m-%d} would be "
              "erased (dry run: nothing changed).", file=sys.stderr)
        return 0
    bar = Progress()
    try:
        run = erasure.run_retention(engine, now, batch=batch,
                                    progress=lambda done, total: bar("erasing", done, total))
    finally:
        bar.close()
    print(f"{run.erased:,} member(s) inactive since before {run.cutoff:%Y-%m-%d} erased; "
          "every till forgets them at its next sync.")
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
