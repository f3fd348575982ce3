"""``posclient-central channel ...``: IT's commands about channels' API keys (issue 18).

    posclient-central channel create webshop --scopes price,availability,reserve,orders
    posclient-central channel list                 # id, name, scopes, created, last used
    posclient-central channel revoke webshop       # by name or id: refused from the next call
    posclient-central channel rotate webshop       # a new secret, the old one refused at once

A channel (the web shop, the mini-program, the app) calls the central with its own key and the
scopes it was given, never with the admin token (sync/central/channels.py,
docs/channel-api.md). The key is printed once, by ``create``: the central keeps only its hash.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine

from sync.central import channels, feed
from sync.protocol.clock import SystemClock

_clock = SystemClock()

EngineOf = Callable[[argparse.Namespace], Engine]


def add_channel_commands(sub: argparse._SubParsersAction,  # type: ignore[type-arg]
                         engine_of: EngineOf) -> None:
    """The ``channel`` command and its actions; ``engine_of(args)``: the checked database."""
    text = "channels' API keys (web shop, mini-program, app): create, list, revoke"
    ch = sub.add_parser("channel", help=text, description=text)
    actions = ch.add_subparsers(dest="channel_command", required=True, metavar="ACTION")
    text = "make a channel's key (printed once: store it now)"
    c = actions.add_parser("create", help=text, description=text)
    c.add_argument("name", metavar="NAME", help="the channel's name, e.g. webshop (unique)")
    c.add_argument("--scopes", required=True, metavar="LIST",
                   help=f"comma-separated, of: {', '.join(channels.SCOPES)}")
    c.set_defaults(func=lambda args: cmd_create(engine_of(args), args.name, args.scopes))
    text = "list the channels' keys (never the keys themselves)"
    ls = actions.add_parser("list", help=text, description=text)
    ls.set_defaults(func=lambda args: cmd_list(engine_of(args)))
    text = "revoke a channel's key at once (by its id or its channel's name)"
    r = actions.add_parser("revoke", help=text, description=text)
    r.add_argument("key", metavar="ID-OR-NAME")
    r.set_defaults(func=lambda args: cmd_revoke(engine_of(args), args.key))
    text = ("give a channel's key a new secret (printed once): the old one stops at once; the "
            "channel keeps its id, scopes and orders")
    n = actions.add_parser("rotate", help=text, description=text)
    n.add_argument("key", metavar="ID-OR-NAME")
    n.set_defaults(func=lambda args: cmd_rotate(engine_of(args), args.key))


_STORE_IT = ("Store it now in the channel's secret settings: it is shown only this once (the "
             "central keeps its hash). Lost or leaked: `posclient-central channel rotate`.")


def cmd_create(engine: Engine, name: str, scopes: str) -> int:
    """Refusals (a bad name or scope, a name taken) are CentralErrors: cli.py prints them."""
    with feed.transaction(engine, _clock.now()) as tx:
        key, secret = channels.create(tx, name, scopes)
    print(f"Channel {key.name} (key id {key.id}), scopes {','.join(key.scopes)}.")
    print(f"Its key: {secret}")
    print(_STORE_IT)
    return 0


def cmd_rotate(engine: Engine, id_or_name: str) -> int:
    with feed.transaction(engine, _clock.now()) as tx:
        key, secret = channels.rotate(tx, id_or_name)
    print(f"Channel {key.name} (key id {key.id}) has a new key; the old one is refused from "
          "now on.")
    print(f"Its key: {secret}")
    print(_STORE_IT)
    return 0


def _when(at: datetime | None) -> str:
    return "-" if at is None else f"{at:%Y-%m-%d %H:%M}"


def cmd_list(engine: Engine) -> int:
    with engine.connect() as conn:
        keys = channels.list_keys(conn)
    if not keys:
        print("No channel keys (make one with `posclient-central channel create`).")
        return 0
    rows = [("ID", "NAME", "SCOPES", "CREATED (UTC)", "LAST USED", "REVOKED")] + [
        (k.id, k.name, ",".join(k.scopes), _when(k.created_at), _when(k.last_used_at),
         _when(k.revoked_at)) for k in keys]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip())
    return 0


def cmd_revoke(engine: Engine, id_or_name: str) -> int:
    with feed.transaction(engine, _clock.now()) as tx:
        key, now = channels.revoke(tx, id_or_name)
    if not now:
        print(f"Channel {key.name}'s key {key.id} was revoked already "
              f"({_when(key.revoked_at)} UTC); nothing changed.")
        return 0
    print(f"Channel {key.name}'s key {key.id} revoked: its next call is refused.")
    return 0
