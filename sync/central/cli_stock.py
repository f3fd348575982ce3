"""``posclient-central store-set``: a store's group and position; ``oversell-rule`` and
``oversell-settle``: the chain's rule for an offline oversell (issue 18).

    posclient-central store-set S001 --group north --lat 31.23 --lon 121.47
    posclient-central store-set S001 --group ''          # no group; the position stays
    posclient-central oversell-rule                      # show it (reroute until set)
    posclient-central oversell-rule flag                 # flag for the manager, move nothing
    posclient-central oversell-settle                    # settle what is queued, now
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from sqlalchemy import Engine, select

from sync.central import feed, oversell
from sync.central.schema import stores
from sync.central.store_places import Place, set_place
from sync.protocol.clock import SystemClock

_clock = SystemClock()

EngineOf = Callable[[argparse.Namespace], Engine]


def add_place_arguments(c: argparse.ArgumentParser) -> None:
    c.add_argument("--group", default=None,
                   help="the store's group (a region): availability by group, nearest first")
    c.add_argument("--lat", type=float, default=None, help="latitude in degrees (with --lon)")
    c.add_argument("--lon", type=float, default=None, help="longitude in degrees (with --lat)")


def place_of(args: argparse.Namespace) -> Place:
    return Place.of(args.group or "", args.lat, args.lon)


def cmd_store_set(engine: Engine, args: argparse.Namespace) -> int:
    """Set what is given: ``--group`` alone keeps the position; ``--lat/--lon`` alone keep
    the group."""
    keep_position = args.lat is None and args.lon is None
    with feed.transaction(engine, _clock.now()) as tx:
        if args.group is None:
            args.group = tx.conn.scalar(select(stores.c.group_id)
                                        .where(stores.c.store_id == args.store_id)) or ""
        set_place(tx, args.store_id, place_of(args), keep_position=keep_position)
    print(f"Store {args.store_id}: group {args.group or '(none)'}"
          + ("" if keep_position else f", at {args.lat}, {args.lon}") + ".")
    return 0


def cmd_oversell_rule(engine: Engine, value: str | None) -> int:
    """Show the chain's oversell rule, or set it."""
    if value is not None:
        oversell.set_rule(engine, value)
    with engine.connect() as conn:
        now = oversell.rule(conn)
    what = {"reroute": "re-route the store's pick-ups and reservations to a store of its "
                       "group that has the units free, else flag them for the manager",
            "flag": "flag the store's pick-ups and reservations for the manager"}[now]
    print(f"Oversell rule: {now} ({what}).")
    return 0


def cmd_oversell_settle(engine: Engine) -> int:
    """Settle the queued oversells now (the serving central does it every second)."""
    done = oversell.settle(engine, _clock.now(), limit=10_000)
    for s in done:
        moved = sum(a.action == "rerouted" for a in s.actions)
        print(f"{s.store_id} product {s.product_id}: short {s.short}, {moved} re-routed, "
              f"{len(s.actions) - moved} flagged")
    print(f"{len(done)} oversell(s) settled, {len(oversell.pending(engine))} still queued.")
    return 0


def add_stock_commands(sub: argparse._SubParsersAction,  # type: ignore[type-arg]
                       engine_of: EngineOf) -> None:
    text = "change a store's group (region) and position"
    c = sub.add_parser("store-set", help=text, description=text)
    c.add_argument("store_id", metavar="STORE")
    add_place_arguments(c)
    c.set_defaults(func=lambda args: cmd_store_set(engine_of(args), args))
    text = "show or set the chain's rule for an offline oversell (reroute until set)"
    c = sub.add_parser("oversell-rule", help=text, description=text)
    c.add_argument("rule", nargs="?", choices=oversell.RULES, default=None)
    c.set_defaults(func=lambda args: cmd_oversell_rule(engine_of(args), args.rule))
    text = "settle the queued offline oversells now (the serving central does it every second)"
    c = sub.add_parser("oversell-settle", help=text, description=text)
    c.set_defaults(func=lambda args: cmd_oversell_settle(engine_of(args)))
