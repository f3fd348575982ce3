"""``posclient-central``: stand a central up from nothing and run it.

    posclient-central init                       # prints the admin token once
    posclient-central create-store S001 --name-zh 示范门店 --name-en "Demo Store"
    posclient-central enrol-code --store S001    # prints a one-time code for a till
    posclient-central serve --port 8700          # --api-docs: also /docs, /redoc, /openapi.json
    posclient-central member token 8800000001    # a signed member QR token (cli_members.py)

The database: ``--database URL`` (``sqlite:///PATH``, ``postgresql://USER@HOST/DB``, or a plain
file path), else ``POSCLIENT_CENTRAL_DB``, else ``central.db`` in the user data folder.

Exit codes: 0 done; 1 refused (a message says why); 2 bad usage; 3 the database cannot be
used. ``import`` exits 1 when some rows were refused: nothing was written, or with
``--partial`` the good rows were.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs
from sqlalchemy import ColumnElement, Engine, Table, func, select
from sqlalchemy.exc import OperationalError

from sync.protocol.clock import SystemClock

if TYPE_CHECKING:
    from fastapi import FastAPI
from sync.central import feed, identity, importers, schema
from sync.central.cli_members import add_member_commands, print_demo_token
from sync.central.cli_stock import add_place_arguments, add_stock_commands, place_of
from sync.central.db import make_engine, normalize_url
from sync.central.errors import CentralError, ConfigError, SchemaError
from sync.central.ingest import DEFAULT_CONCURRENCY as DEFAULT_INGEST_CONCURRENCY
from sync.central.ingest import ENV_CONCURRENCY as ENV_INGEST_CONCURRENCY
from sync.central.progress import Progress

ENV_DB = "POSCLIENT_CENTRAL_DB"
ENV_ADMIN_TOKEN = "POSCLIENT_CENTRAL_ADMIN_TOKEN"
ENV_API_DOCS = "POSCLIENT_CENTRAL_API_DOCS"  # 1: serve the interactive API documents

_clock = SystemClock()


def default_database() -> str:
    env = os.environ.get(ENV_DB)
    if env:
        return env
    return str(platformdirs.user_data_path("posclient", appauthor=False) / "central.db")


def database_url(value: str) -> str:
    """A URL as given, or ``sqlite:///`` + a plain path."""
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def _shown(url: str) -> str:
    return normalize_url(url).render_as_string(hide_password=True)


def _err(msg: str) -> None:
    print(msg, file=sys.stderr)


# -- commands -------------------------------------------------------------------------------------

def _engine(args: argparse.Namespace, *, check: bool = True) -> Engine:
    engine = make_engine(args.url)
    if check:
        schema.check_schema(engine)
    return engine


def cmd_init(args: argparse.Namespace) -> int:
    env_token = os.environ.get(ENV_ADMIN_TOKEN)
    if env_token:
        identity.check_admin_token(env_token)  # before anything is created
    engine = _engine(args, check=False)
    outcome = schema.init_schema(engine, _clock.now())
    if outcome == "upgraded":
        print(f"Upgraded {_shown(args.url)} to schema v{schema.SCHEMA_VERSION}; the data and "
              "the admin token are kept.")
        return 0
    if outcome == "current":
        print(f"{_shown(args.url)} is already initialised (schema v{schema.SCHEMA_VERSION}); "
              "nothing changed. `rotate-admin-token` makes a new admin token.")
        return 0
    token = env_token or identity.new_token()
    with feed.transaction(engine, _clock.now()) as tx:
        identity.set_admin_token(tx, token)
    print(f"Initialised {_shown(args.url)} (schema v{schema.SCHEMA_VERSION}).")
    if env_token:
        print(f"Admin token: the one in {ENV_ADMIN_TOKEN}.")
    else:
        print(f"Admin token (shown once, keep it safe): {token}")
    return 0


def cmd_rotate_admin_token(args: argparse.Namespace) -> int:
    engine = _engine(args)
    token = identity.new_token()
    with feed.transaction(engine, _clock.now()) as tx:
        identity.set_admin_token(tx, token)
    print(f"New admin token (shown once; the old one no longer works): {token}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from sync.central.api import create_app

    proxies = trusted_proxies(args.forwarded_allow_ips)
    engine = _engine(args)
    if args.ingest_concurrency is not None:  # read by each worker (sync/central/ingest.py)
        os.environ[ENV_INGEST_CONCURRENCY] = str(args.ingest_concurrency)
    api_docs = args.api_docs or _api_docs_from_env()
    options = {"host": args.host, "port": args.port, "log_level": args.log_level,
               "proxy_headers": True, "forwarded_allow_ips": proxies,
               "ssl_keyfile": args.ssl_keyfile, "ssl_certfile": args.ssl_certfile}
    print(f"posclient-central on {'https' if args.ssl_certfile else 'http'}://{args.host}:"
          f"{args.port} with {_shown(args.url)}"
          f"{'; API documents at /docs' if api_docs else ''}", file=sys.stderr)
    if args.workers > 1:
        os.environ[ENV_DB] = args.url  # the workers build their app from the environment
        os.environ[ENV_API_DOCS] = "1" if api_docs else "0"
        uvicorn.run("sync.central.cli:app_from_env", factory=True, workers=args.workers,
                    **options)
    else:
        uvicorn.run(create_app(engine, admin_token=os.environ.get(ENV_ADMIN_TOKEN),
                               api_docs=api_docs), **options)
    return 0


def trusted_proxies(value: str) -> str:
    """The ``--forwarded-allow-ips`` list as uvicorn takes it: addresses and networks of the
    proxies whose ``X-Forwarded-For`` names the client (the enrolment limit counts per client).
    ``*`` is refused: uvicorn would then take the header's first entry, which any client
    writes itself, from anyone who reaches the central directly."""
    hosts = [h.strip() for h in value.split(",") if h.strip()]
    if "*" in hosts:
        raise ConfigError("--forwarded-allow-ips '*' would trust an X-Forwarded-For that any "
                          "client can write: name the proxies' addresses or networks "
                          "(e.g. 10.0.0.0/8), or '' for none.")
    return ",".join(hosts)


def _api_docs_from_env() -> bool:
    return os.environ.get(ENV_API_DOCS, "").strip().lower() in ("1", "true", "yes", "on")


def app_from_env() -> FastAPI:
    """The app of one ``serve --workers N`` worker (uvicorn imports it in each process)."""
    from sync.central.api import create_app

    return create_app(database_url(default_database()),
                      admin_token=os.environ.get(ENV_ADMIN_TOKEN),
                      api_docs=_api_docs_from_env())


def cmd_create_store(args: argparse.Namespace) -> int:
    engine = _engine(args)
    settings = {"currency": args.currency} if args.currency else {}
    place = place_of(args)
    with feed.transaction(engine, _clock.now()) as tx:
        identity.create_store(tx, args.store_id, args.name_zh, args.name_en, settings, place)
    print(f"Store {args.store_id} created.")
    return 0


def cmd_create_staff(args: argparse.Namespace) -> int:
    engine = _engine(args)
    pin = args.pin
    if pin is None:
        pin = getpass.getpass("PIN (4-6 digits): ")
        if getpass.getpass("PIN again: ") != pin:
            _err("The two PINs differ; nothing was changed.")
            return 1
    with feed.transaction(engine, _clock.now()) as tx:
        created = identity.create_staff(tx, staff_id=args.id, name=args.name, role=args.role,
                                        pin=pin, store_id=args.store)
    where = f"store {args.store}" if args.store else "every store"
    print(f"Staff {args.id} ({args.name}, {args.role}, {where}) "
          f"{'created' if created else 'updated'}.")
    return 0


def cmd_enrol_code(args: argparse.Namespace) -> int:
    engine = _engine(args)
    with feed.transaction(engine, _clock.now()) as tx:
        code, expires = identity.make_enrolment_code(tx, args.store,
                                                     timedelta(hours=args.ttl_hours),
                                                     args.terminal)
    which = f"till {args.terminal} of store {args.store}, to enrol it again" if args.terminal \
        else f"store {args.store}"
    print(f"Enrolment code for {which} (one use, until "
          f"{expires:%Y-%m-%d %H:%M} UTC): {code}")
    return 0


def cmd_revoke_terminal(args: argparse.Namespace) -> int:
    engine = _engine(args)
    with feed.transaction(engine, _clock.now()) as tx:
        done = identity.revoke_terminal(tx, args.store, args.terminal)
    print(f"Terminal {args.store}/{args.terminal} "
          f"{'revoked' if done else 'was already revoked'}.")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from sync.central.import_checks import AMOUNTS
    from sync.central.importers import ImportFailed, import_file, kind_name

    engine = _engine(args)
    progress = Progress()
    try:
        kind = kind_name(args.kind)
        report = import_file(engine, Path(args.file), kind, now=_clock.now,
                             store_id=args.store, fmt=args.format, encoding=args.encoding,
                             amounts=args.amounts, partial=args.partial, progress=progress)
    except (ImportFailed, OSError) as exc:
        progress.close()
        for e in getattr(exc, "errors", []):
            _err(f"  {_where(e)}")
        _err(str(exc))
        return 1
    progress.close()
    if report.unknown_columns:
        _err(f"Ignored columns (not fields of {kind}): {', '.join(report.unknown_columns)}")
    for e in report.rejected:
        _err(f"  {_where(e)}")
    if not report.detected:
        how = " (declared)"
    else:  # a whole file that decodes as UTF-8 is UTF-8; other detections are less sure
        how = "" if report.encoding == "utf-8" else " (detected: say --encoding to be sure)"
    unit = f"; amounts in {args.amounts}" if importers.KINDS[kind] in AMOUNTS else ""
    if not report.written:
        good = report.rows - len(report.rejected)
        _err(f"{args.file} (read as {report.encoding}{how}{unit}): {report.rows:,} rows "
             f"read, {len(report.rejected):,} refused: nothing was written. Fix them and "
             f"import the file again, or give --partial to load the {good:,} good rows.")
        return 1
    print(f"{args.file} (read as {report.encoding}{how}{unit}): {report.rows:,} rows read, "
          f"{report.loaded:,} loaded, {report.unchanged:,} unchanged, "
          f"{len(report.rejected):,} rejected.")
    return 1 if report.rejected else 0


def _where(e: importers.RowError) -> str:
    """``line 7, price: ...`` (or ``line 7: ...`` when no one column is at fault)."""
    return f"line {e.ref}, {e.field}: {e.reason}" if e.field else f"line {e.ref}: {e.reason}"


def cmd_demo_data(args: argparse.Namespace) -> int:
    from sync.central.demo import load_demo

    engine = _engine(args)
    progress = Progress()
    try:
        result = load_demo(engine, products=args.products, members=args.members,
                           now=_clock.now, store_id=args.store, seed=args.seed,
                           progress=progress)
    finally:
        progress.close()
    print(f"Demo store {result.store_id}: {result.products:,} products, {result.prices:,} "
          f"prices, {result.members:,} members (seed {result.seed}).")
    if result.rejected:
        _err(f"{result.rejected} generated rows were refused (see the log).")
    print("Staff PINs (shown once):")
    for s in result.staff:
        print(f"  {s.staff_id}  {s.role:<10} {s.name}  PIN {s.pin}")
    print_demo_token(engine)
    return 0


def cmd_prune(args: argparse.Namespace) -> int:
    engine = _engine(args)
    if args.keep_last is not None:
        with engine.connect() as conn:
            before = feed.feed_state(conn).last_seq - args.keep_last + 1
    else:
        before = args.before_seq
    deleted = feed.prune_changes(engine, max(1, before))
    with engine.connect() as conn:
        state = feed.feed_state(conn)
    print(f"{deleted:,} changes deleted; the feed now starts after seq {state.low_water:,} "
          f"(head {state.last_seq:,}). Terminals behind it will take a snapshot.")
    return 0


def cmd_openapi(args: argparse.Namespace) -> int:
    from sync.central.api import create_app

    app = create_app(make_engine("sqlite://"), check_schema=False)
    text = json.dumps(app.openapi(), ensure_ascii=False, indent=2) + "\n"
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"OpenAPI document written to {args.output}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from sync.central.schema import (
        entities,
        exceptions,
        quarantine,
        sales,
        stores,
        terminal_gaps,
        terminals,
    )

    engine = _engine(args)

    def count(table: Table, *where: ColumnElement[bool]) -> int:
        with engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(table).where(*where)) or 0)

    with engine.connect() as conn:
        state = feed.feed_state(conn)
    print(f"database        {_shown(args.url)} (schema v{schema.SCHEMA_VERSION})")
    print(f"stores          {count(stores):,}")
    print(f"terminals       {count(terminals, terminals.c.revoked_at.is_(None)):,} active")
    print(f"products        {count(entities, entities.c.entity == 'product'):,}")
    print(f"sales           {count(sales):,} received from the tills")
    print(f"feed            head {state.last_seq:,}, kept after {state.low_water:,}")
    print(f"exceptions      {count(exceptions, exceptions.c.status == 'open'):,} open")
    print(f"seq gaps        {count(terminal_gaps):,}")
    print(f"quarantine      {count(quarantine):,}")
    return 0


def cmd_exceptions(args: argparse.Namespace) -> int:
    """The exceptions, one per incident: its count of events and a web refund it holds."""
    from sync.central.admin_api import exception_list
    from sync.central.incidents import shown

    engine = _engine(args)
    with engine.connect() as conn:
        listed = exception_list(conn, args.status, args.store, args.limit)
    if args.json:
        print(json.dumps([e.model_dump(mode="json") for e in listed], ensure_ascii=False))
        return 0
    for e in listed:
        held = (f"  held refund {shown(e.held_refund, e.held_currency)}"
                if e.held_refund else "")
        print(f"#{e.id}  {e.kind}  {e.store_id}/{e.terminal_id or '-'}  x{e.count}{held}  "
              f"{e.detail.get('message', '')}")
    print(f"{len(listed)} {args.status} exception(s)")
    return 0


def cmd_resolve_exception(args: argparse.Namespace) -> int:
    from sync.central import incidents

    engine = _engine(args)
    with feed.transaction(engine, _clock.now()) as tx:
        row = incidents.resolve(tx.conn, args.exception_id, args.comment, tx.now,
                                refund=args.refund)
    decided = {"approve": "; its web refund is approved", "refuse": "; its web refund is "
               "refused"}.get(args.refund or "", "")
    print(f"Exception {row.id} ({row.kind}, {row.count} event(s)) resolved{decided}.")
    return 0


# -- parser ---------------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="posclient-central",
                                description="The central inventory service for posclient tills.")
    p.add_argument("--database", metavar="URL", default=None,
                   help=f"sqlite:///PATH, postgresql://USER@HOST/DB or a file path "
                        f"(default: ${ENV_DB}, else {default_database()})")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, func: Callable[[argparse.Namespace], int],
                text: str) -> argparse.ArgumentParser:
        c = sub.add_parser(name, help=text, description=text)
        c.set_defaults(func=func)
        return c

    command("init", cmd_init, "create the database's tables and the admin token")
    command("rotate-admin-token", cmd_rotate_admin_token, "replace the admin token")
    c = command("serve", cmd_serve, "run the HTTP service")
    c.add_argument("--host", default="127.0.0.1")
    c.add_argument("--port", type=int, default=8700)
    c.add_argument("--workers", type=int, default=1, help="worker processes (PostgreSQL)")
    c.add_argument("--ingest-concurrency", type=int, default=None, metavar="N",
                   help="event batches of one worker in the database at once; more wait their "
                        f"turn (default: ${ENV_INGEST_CONCURRENCY}, else "
                        f"{DEFAULT_INGEST_CONCURRENCY})")
    c.add_argument("--log-level", default="info",
                   choices=("critical", "error", "warning", "info", "debug"))
    c.add_argument("--forwarded-allow-ips", default="127.0.0.1", metavar="ADDRESSES",
                   help="the reverse proxies (addresses or networks, comma-separated; '' for "
                        "none) whose X-Forwarded-For names the client; from anyone else the "
                        "header is ignored (default: 127.0.0.1)")
    c.add_argument("--api-docs", action="store_true",
                   help=f"serve the interactive API documents at /docs, /redoc and "
                        f"/openapi.json (default: off, or ${ENV_API_DOCS}=1)")
    c.add_argument("--ssl-certfile", default=None)
    c.add_argument("--ssl-keyfile", default=None)
    c = command("create-store", cmd_create_store, "add a store")
    c.add_argument("store_id", metavar="STORE")
    c.add_argument("--name-zh", default="")
    c.add_argument("--name-en", default="")
    c.add_argument("--currency", default=None, help="ISO 4217 code for the store's tills")
    add_place_arguments(c)
    c = command("create-staff", cmd_create_staff, "add or replace a staff member")
    c.add_argument("--store", default=None, help="the store (default: every store)")
    c.add_argument("--id", type=int, required=True, help="the staff number typed at login")
    c.add_argument("--name", required=True)
    c.add_argument("--role", required=True, choices=("cashier", "supervisor", "manager"))
    c.add_argument("--pin", default=None, help="4-6 digits (asked for if left out)")
    c = command("enrol-code", cmd_enrol_code, "make a one-time code to enrol a till")
    c.add_argument("--store", required=True)
    c.add_argument("--ttl-hours", type=float, default=24)
    c.add_argument("--terminal", default=None,
                   help="a code for this existing till to enrol again (new token, same id)")
    c = command("revoke-terminal", cmd_revoke_terminal, "revoke a till's token")
    c.add_argument("--store", required=True)
    c.add_argument("--terminal", required=True)
    c = command("import", cmd_import,
                "load products, prices, members, stock, tax rates, promotions, deliveries or "
                "web orders from a CSV, JSON or JSON Lines file: read and checked whole first; "
                "by default a file with any refused row writes nothing")
    c.add_argument("file", metavar="FILE")
    c.add_argument("--kind", required=True, metavar="KIND",
                   help=f"one of {', '.join(importers.KINDS)} (a plural is fine: products)")
    c.add_argument("--format", default=None, choices=("csv", "json", "jsonl"),
                   help="default: from the file name")
    c.add_argument("--encoding", default=None,
                   help="the file's text encoding: utf-8 (an Excel BOM is fine), gbk, gb18030, "
                        "big5 ... (default: UTF-8 if the whole file is, else detected from the "
                        "whole file, and said)")
    c.add_argument("--amounts", default="fen", choices=("fen", "yuan"),
                   help="the unit of prices and amounts: fen, whole numbers (the default, as "
                        "the API and exports write them), or yuan with at most two decimals")
    c.add_argument("--partial", action="store_true",
                   help="load the good rows of a file with refused rows (listed); by default "
                        "such a file writes nothing")
    c.add_argument("--store", default=None, help="stock: the store of rows without store_id")
    c = command("demo-data", cmd_demo_data, "load the demo supermarket as one store")
    c.add_argument("--products", type=int, default=20_000)
    c.add_argument("--members", type=int, default=5_000)
    c.add_argument("--store", default="S001")
    c.add_argument("--seed", type=int, default=None)
    c = command("prune", cmd_prune, "drop old changes from the feed")
    g = c.add_mutually_exclusive_group(required=True)
    g.add_argument("--before-seq", type=int)
    g.add_argument("--keep-last", type=int, help="keep this many most recent seqs")
    c = command("openapi", cmd_openapi, "write the OpenAPI document")
    c.add_argument("--output", default="-", help="a file (default: standard output)")
    command("status", cmd_status, "counts, the feed, open exceptions")
    c = command("exceptions", cmd_exceptions,
                "list exceptions (one per incident, with its count and held web refund)")
    c.add_argument("--status", default="open", choices=("open", "resolved"))
    c.add_argument("--store", default=None)
    c.add_argument("--limit", type=int, default=100)
    c.add_argument("--json", action="store_true", help="as JSON, for scripts")
    c = command("resolve-exception", cmd_resolve_exception,
                "resolve an exception and every event behind it")
    c.add_argument("exception_id", metavar="ID", type=int)
    c.add_argument("--comment", required=True, help="how it was resolved")
    c.add_argument("--refund", default=None, choices=("approve", "refuse"),
                   help="the decision on the web refund it holds (a double refund's)")
    add_member_commands(sub, _engine)
    add_stock_commands(sub, _engine)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Exit codes: 0 done, 1 refused, 2 usage, 3 the database cannot be used, 141 the reader
    of the output went away (``posclient-central exceptions | head -1``)."""
    try:
        code = _run(argv)
        sys.stdout.flush()  # here, not at exit: a closed pipe is answered below
        return code
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: usage errors (2) and --help (0)
        return int(exc.code or 0)
    args.url = database_url(args.database or default_database())
    logging.basicConfig(level=logging.INFO if args.command == "serve" else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args))
    except SchemaError as exc:
        _err(str(exc))
        return 3
    except CentralError as exc:
        _err(exc.detail)
        return 1
    except OperationalError as exc:
        _err(f"Cannot use the database {_shown(args.url)}: {exc.orig}")
        return 3
    except ConfigError as exc:  # a malformed database URL, a weak admin token
        _err(str(exc))
        return 2
