"""The ``posclient`` command: demo data, look-ups, a scripted sale, reprints, status, the till.

Every command behaves in a pipe (``posclient lookup 牛奶 | head -1``); those a script reads take
``--json`` (posclient/cli_json.py). Messages go to standard error, results to standard output.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from posclient import __version__, cli_central, cli_json, cli_payments, cli_shift
from posclient.app.reasons import reasons_for
from posclient.cli_sell import parse_sale, parse_staff_pin, plan_payments, ring_up, take_payments
from posclient.config import default_db_path, start_logging
from posclient.domain.cart import Measure
from posclient.domain.catalogue import message_for
from posclient.domain.errors import InvalidInput, PosError
from posclient.domain.receipt import Receipt, display_width, fit, render_text
from posclient.progress import Progress
from posclient.store.db import StartupError, Store

EXIT_CODES = """exit codes:
  0    done
  1    refused: a message says why; nothing was changed (doctor: a check failed)
  2    bad usage (an unknown option, a missing argument)
  3    the till's database cannot be used (start-up error)
  4    the central cannot be reached now: try again later
  5    doctor found warnings only
  130  interrupted (Ctrl+C)
  141  the reader of the output went away (a closed pipe), as other Unix tools"""

# -- output ----------------------------------------------------------------------------------


def _err(msg: str) -> None:
    print(msg, file=sys.stderr)


def _refused(exc: PosError, lang: str) -> None:
    """A refusal in English; in Chinese too (the catalogue's words, under it) on a Chinese
    till, as ``posclient status`` shows the last sync's error."""
    _err(f"posclient: {exc}")
    translated = message_for(exc, lang)
    if translated != str(exc):
        _err(f"posclient: {translated}")


def _stdout_printer(lang: str) -> Callable[[Receipt], None]:
    def printer(receipt: Receipt) -> None:
        sys.stdout.write(render_text(receipt, lang))
        sys.stdout.flush()
    return printer


def _pad(text: str, width: int) -> str:
    text = fit(text, width)
    return text + " " * (width - display_width(text))


# -- commands --------------------------------------------------------------------------------


def _open(args: argparse.Namespace, *, create: bool = False, make_key: bool = True) -> Store:
    """The till database, keyed with this till's audit key from the keyring (made on the first
    start with a keyring, unless ``make_key`` is off: ``audit verify`` only reads)."""
    from sync.credentials import TokenStore, key_audit

    store = Store.open(args.db, create=create)
    try:
        key_audit(store, TokenStore(), make=make_key)
    except BaseException:
        store.close()
        raise
    return store


def _audit_keying(store: Store, lang: str) -> list[str]:
    """What to say when this till's audit log is not keyed (nothing when it is): English, and
    the catalogue's Chinese under it on a Chinese till."""
    from posclient.domain.catalogue import is_zh, render
    from posclient.store.audit_head import Keying

    message = {Keying.NO_KEYRING: "audit.not_keyed.no_keyring",
               Keying.KEY_MISSING: "audit.key_missing",
               Keying.UNKEYED: "audit.not_keyed.not_yet"}.get(store.audit_keying)
    if message is None:
        return []
    return [render(message, lang="en")] + ([render(message, lang=lang)] if is_zh(lang) else [])


def _terminal(args: argparse.Namespace):  # -> Terminal (imported lazily: start-up speed)
    from posclient.app.terminal import Terminal
    from posclient.devices.connect import Devices
    from posclient.devices.payment import SimulatedPaymentTerminal, simulator_state

    store = _open(args)
    term = Terminal(store, payments=SimulatedPaymentTerminal(
        getattr(args, "card_sim", ()), state=simulator_state(store.path)), devices=Devices())
    if args.command in ("till", "console"):  # the window's log says it too (till_wiring)
        for line in _audit_keying(store, args.lang):
            _err(f"Note: {line}")
    _card_orphans(args, term)
    if args.command not in ("reprint",):
        pending = term.receipts.unprinted()
        if pending:
            _err(f"Note: {len(pending)} sale(s) committed but not printed (e.g. "
                 f"{pending[0].receipt_no}). Print them: posclient reprint --pending "
                 "--staff ID --pin PIN")
    return term


def _card_orphans(args: argparse.Namespace, term) -> None:
    """Card payments approved without a sale: a till that starts to sell asks the card terminal
    and reverses what it can (posclient/app/card_recovery.py); the rest waits for a manager."""
    recovery = term.card_recovery()
    if args.command in ("till", "console", "sell", "payments"):
        checked = recovery.check_at_start()
        if checked.reversed:
            _err(f"Note: {len(checked.reversed)} card payment(s) approved without a sale (the "
                 "till stopped in between) were reversed on the card terminal.")
        left = len(checked.open)
    else:
        left = len(recovery.open())
    if left and args.command != "payments":
        _err(f"Warning: {left} card payment(s) were approved but their sale never completed "
             "and the card terminal did not reverse them. A manager resolves each: "
             "posclient payments list")


def cmd_demo_data(args: argparse.Namespace) -> int:
    from posclient.app.demo_data import build_demo_store
    from posclient.app.quick_keys import add_demo_quick_keys
    from posclient.app.terminal_config import TerminalConfig
    from posclient.assets import demo_document

    if args.products < 1 or args.members < 0:
        raise InvalidInput("--products must be at least 1 and --members at least 0",
                           code="usage")
    store = _open(args, create=True)
    progress = Progress()
    try:
        result = build_demo_store(store, demo_document, products=args.products,
                                  members=args.members, seed=args.seed, now=datetime.now(UTC),
                                  progress=progress)
        with store.write() as conn:  # tiles for loose produce, bread, bags
            add_demo_quick_keys(conn)
        # The demo till "prints" its ESC/POS receipts into a file beside its database.
        receipts_file = Path(args.db).with_name("receipts.escpos")
        TerminalConfig(store).provision("printer", {"kind": "file",
                                                    "path": str(receipts_file)})
    finally:
        progress.close()
        store.close()
    print(f"Demo store ready in {args.db}: {result.products:,} products "
          f"({result.weighed:,} weighed), {result.barcodes:,} barcodes, "
          f"{result.members:,} members.")
    print("\nStaff PINs (shown this once; only their hashes are stored; lost them? "
          "posclient demo-pins makes new ones):")
    for s in result.staff:
        print(f"  {s.staff_id}  {_pad(s.name, 10)} {s.role:<11} PIN {s.pin}")
    print("\nTry:")
    for code in result.sample_barcodes:
        print(f"  posclient lookup {code}")
    cashier = next(s for s in result.staff if s.role == "cashier")
    print(f"  posclient shift open --staff {cashier.staff_id} --pin {cashier.pin} "
          "--float 100x2 --float 10x5")
    print(f"  posclient sell --staff {cashier.staff_id} --pin {cashier.pin} "
          f"--scan {result.sample_barcodes[0]}*2 --pay cash:100")
    return 0


def cmd_demo_pins(args: argparse.Namespace) -> int:
    """New PINs for a demo store whose printed ones were lost (a demo only: refused else)."""
    from posclient.app.demo_pins import reset_demo_pins
    from sync.protocol.clock import SystemClock

    with _open(args) as store:
        staff = reset_demo_pins(store, SystemClock())
    print("New demo PINs (shown this once; the old ones no longer work):")
    for s in staff:
        print(f"  {s.staff_id}  {_pad(s.name, 10)} {s.role:<11} PIN {s.pin}")
    return 0


def cmd_lookup(args: argparse.Namespace) -> int:
    term = _terminal(args)
    results = term.lookup.find(args.text, args.limit)
    if args.json:
        cli_json.emit(cli_json.products(results))
        return 0 if results else 1
    if not results:
        _err(f"Nothing found for {args.text!r}.")
        return 1
    zh = args.lang.startswith("zh")
    for info in results:
        p = info.product
        first, second = (p.name_zh, p.name_en) if zh else (p.name_en, p.name_zh)
        name = " / ".join(n for n in (first, second) if n)  # name_en is optional
        if info.price is None:
            price = "no price"
        else:
            per = "/kg" if p.measure is Measure.GRAM else ""
            price = f"{info.price.to_decimal_str()}{per}"
        if info.stock is None:
            stock = "-"
        elif p.measure is Measure.GRAM:
            stock = f"{info.stock / 1000:g} kg"
        else:
            stock = str(info.stock)
        codes = ", ".join(info.barcodes[:3]) or (f"PLU {p.plu}" if p.plu else "-")
        flag = "" if p.active else "  (not sold)"
        print(f"{p.sku:<8} {_pad(name, 44)} {price:>12}  stock {stock:<8} {codes}{flag}")
    return 0


def cmd_sell(args: argparse.Namespace) -> int:
    from posclient.app.after_sale import AfterSale

    term = _terminal(args)
    currency = term.settings.currency
    spec = parse_sale(args, currency)  # everything parsed before anything is touched
    session = term.staff.login(args.staff, args.pin)
    co = term.checkout(session)
    ring_up(co, spec, {r.code for r in reasons_for(term.store.conn, "price_override")})
    take_payments(co, plan_payments(spec.pays, co.payment), spec.approval)
    done = co.complete()
    _err(f"Sale committed: receipt {done.receipt_no}, total "
         f"{done.totals.total.to_decimal_str()} {currency}, change "
         f"{done.change.to_decimal_str()}.")
    receipt: list[str] = []
    printer = None if args.no_print else (
        (lambda r: receipt.append(render_text(r, args.lang))) if args.json
        else _stdout_printer(args.lang))
    outcome = AfterSale(term.receipts, term.drawer).run(done, printer, args.lang)
    if outcome.drawer_fault is not None:
        _err(f"The cash drawer did not open ({outcome.drawer_fault}).")
    if outcome.print_fault is not None:  # the sale stays committed, its receipt pending
        raise outcome.print_fault
    if args.json:
        cli_json.emit({"receipt_no": done.receipt_no, "sale_id": done.sale_id,
                       "currency": currency, "total": done.totals.total.minor,
                       "change": done.change.minor, "receipt": "".join(receipt) or None})
    return 0


def cmd_reprint(args: argparse.Namespace) -> int:
    """To the till's printer (Settings, or ``posclient demo-data``'s file); as text on standard
    output with ``--stdout`` or when the till has no printer, and then not marked printed."""
    term = _terminal(args)
    session = term.staff.login(args.staff, args.pin)
    device = None if args.stdout else term.connect_printer(args.lang)
    if device is None and not args.stdout:
        _err("This till has no printer set up: the receipt is shown here, not printed.")
    printer = device or _stdout_printer(args.lang)
    if args.pending:
        pending = term.receipts.unprinted()
        for sale in pending:
            if device is None:
                printer(term.receipts.build(sale.sale_id, args.lang))
            else:
                term.receipts.print_sale(sale.sale_id, device, args.lang)
        where = f" {device.config.where}" if device else ""
        _err(f"{'Printed' if device else 'Shown'} {len(pending)} receipt(s) that had not been "
             f"printed{where}.")
        return 0
    if not args.receipt_no:
        raise InvalidInput("Name a receipt number, or --pending", code="usage")
    sale_id = term.receipts.sale_id(args.receipt_no)
    copy = term.receipts.copy_for_reprint(session, term.staff, sale_id, args.lang)
    printer(copy)
    term.receipts.reprinted(session, term.staff, sale_id, copy.receipt_no,
                            printed=device is not None)
    return 0


def cmd_unlock(args: argparse.Namespace) -> int:
    term = _terminal(args)
    session = term.staff.login(args.staff, args.pin)
    if args.staff_id is None:  # a manager's view of the lockouts (a refusal never says)
        found = term.staff.lockouts(session)
        for lo in found:
            state = (f"locked until {lo.locked_until.astimezone():%H:%M}" if lo.locked_until
                     else f"{lo.failed_pins} wrong PIN(s) in a row")
            print(f"{lo.staff.id:>8}  {_pad(lo.staff.name, 20)} {state}")
        print(f"{len(found)} staff number(s) locked or with wrong PINs counted.")
        return 0
    term.staff.unlock_staff(session, args.staff_id)
    print(f"Staff {args.staff_id} unlocked.")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from posclient.domain.catalogue import describe_refusal as describe
    from posclient.store.sync_state import read_status

    term = _terminal(args)
    st = term.status()
    sync = read_status(term.store.conn)
    if args.json:
        cli_json.emit(cli_json.status(st, sync))
        return 0
    print(f"database        {st.database} (schema {st.schema_version}, {st.size_mb} MB)")
    print(f"store/terminal  {st.store_id} / {st.terminal_id}")
    print(f"catalogue       {st.products:,} products, {st.staff} staff")
    print(f"sales           {st.sales:,} ({st.unprinted_sales} not printed)")
    if st.orphan_card_payments:
        print(f"card payments   {st.orphan_card_payments} approved without a sale: a manager "
              "resolves them (posclient payments list)")
    if not sync.enrolled:
        print("sync            not enrolled with a central (posclient enrol --server URL "
              "--code CODE)")
    else:
        online = {True: "online", False: "OFFLINE", None: "not synced yet"}[sync.online]
        print(f"sync            {online} · {sync.server_url}")
    print(f"events waiting  {sync.events_waiting:,}"
          + (f" ({sync.events_rejected} rejected, for a manager)" if sync.events_rejected
             else ""))
    print(f"last sync       {sync.last_sync_at or 'never'}")
    if sync.last_error:
        print(f"last error      {sync.last_error}")
        reason = describe(sync.error_code, sync.error_details, args.lang)
        if reason and args.lang.startswith("zh"):  # the English words are the line above
            print(f"同步未完成      {reason}")
    print(f"cursor          {sync.cursor if sync.cursor is not None else '-'}")
    keying = _audit_keying(term.store, args.lang)
    print("audit           " + ("keyed with this till's key (posclient audit verify checks it)"
                                if not keying else f"NOT KEYED: {keying[0]}"))
    for line in keying[1:]:
        print(f"审计日志        {line}")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    """``posclient audit verify``: the audit log record by record: its hash chain, and with
    this till's key each record's MAC and the head remembered beside the database."""
    from posclient.domain.catalogue import is_zh
    from posclient.store import audit

    with _open(args, make_key=False) as store:
        report = audit.verify(store.conn, store.audit_key, store.audit_head)
        notes = report.notes(store.audit_keying)
    langs = ["en", args.lang] if is_zh(args.lang) else ["en"]
    if args.json:
        cli_json.emit({"intact": report.intact, "records": report.records,
                       "problems": [str(p) for p in report.problems],
                       "findings": [{"id": f.message_id, **{lang: f.text(lang) for lang in langs}}
                                    for f in report.problems],
                       "keying": store.audit_keying.value, "keyed_from": report.keyed_from,
                       "head": report.head, "notes": [str(n) for n in notes]})
        return 0 if report.intact else 1
    for p in report.problems:
        for lang in langs:
            print(f"AUDIT PROBLEM: {p.text(lang)}")
    summary = audit.Finding("audit.intact", {"records": report.records}) if report.intact \
        else audit.Finding("audit.problems", {"records": report.records,
                                              "count": len(report.problems)})
    for line in [summary, *notes]:
        for lang in langs:
            print(line.text(lang))
    return 0 if report.intact else 1


def _ensure_demo(args: argparse.Namespace) -> None:
    if args.demo and not Path(args.db).exists():
        _err(f"No till database at {args.db}: building a demo store first.")
        demo = argparse.Namespace(db=args.db, products=args.products, members=args.members,
                                  seed=2026)
        cmd_demo_data(demo)
        print()


def cmd_till(args: argparse.Namespace) -> int:
    """The desktop till window (the default command)."""
    from posclient.ui import platform_check

    problem = platform_check.window_problem()  # before Qt, which would abort with a guess
    if problem is not None:
        _err(f"posclient: {problem}")
        return 1
    try:
        from posclient.till_wiring import run_desktop_till
    except ImportError as exc:  # PySide6 not installed (the gui extra), or a system library
        library = platform_check.library_of(exc)
        if library is not None:
            _err(f"posclient: the till window cannot start: the system library {library} is "
                 f"missing. Install it with: {platform_check.install_hint([library])}.")
        else:
            _err(f"The desktop till needs PySide6 ({exc}). Install it with pip install "
                 "'posclient[gui]', or use `posclient console` for the text till.")
        return 1
    _ensure_demo(args)
    return run_desktop_till(_terminal(args), lang=args.ui_lang,
                            quit_after=getattr(args, "quit_after", None))


def cmd_self_test(args: argparse.Namespace) -> int:
    """Every screen of this installed till opened and closed, on a temporary demo store."""
    if not args.show:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        from posclient.ui.tour import run_self_test
    except ImportError as exc:
        _err(f"posclient: the desktop till cannot start: {exc}")
        return 1
    from posclient.devices.payment import SimulatedPaymentTerminal

    return run_self_test(SimulatedPaymentTerminal(), args.ui_lang or "en")


def cmd_console(args: argparse.Namespace) -> int:
    from posclient.console import member_central, run_console

    _ensure_demo(args)
    term = _terminal(args)
    return run_console(term, lang=args.lang, member_central=member_central(term, _err))


# -- parser ----------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="posclient", description="Offline-first point-of-sale till.", epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"posclient {__version__}")
    parser.add_argument("--db", type=Path, default=default_db_path(),
                        help="the till database (default: $POSCLIENT_DB or the user data dir)")
    parser.add_argument("--lang", choices=["zh", "en"],
                        help="language of the till, receipts and names (default: the till's "
                        "setting, else the system's for the window, else zh)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    for name, func, text in (
            ("till", cmd_till, "the desktop till window (the default)"),
            ("console", cmd_console, "the text till, in this terminal")):
        p = sub.add_parser(name, help=text)
        p.add_argument("--demo", action="store_true",
                       help="build a demo store first if there is no database yet")
        p.add_argument("--products", type=int, default=20_000, help="demo store size")
        p.add_argument("--members", type=int, default=5_000, help="demo members")
        if name == "till":
            p.add_argument("--quit-after", type=float, metavar="SECONDS",
                           help="close the window after this long, exit 0 if it opened "
                           "(smoke tests of an installed build)")
        p.set_defaults(func=func)

    p = sub.add_parser("self-test", help="open every screen of this till once, on a temporary "
                       "demo store (the till's own data is not touched); exit 1 if one fails")
    p.add_argument("--show", action="store_true", help="on the screen (default: offscreen)")
    p.set_defaults(func=cmd_self_test)

    p = sub.add_parser("demo-data", help="build a realistic demo store in a new database")
    p.add_argument("--products", type=int, default=20_000)
    p.add_argument("--members", type=int, default=5_000)
    p.add_argument("--seed", type=int, default=2026, help="same seed, same catalogue")
    p.set_defaults(func=cmd_demo_data)

    p = sub.add_parser("demo-pins", help="new PINs for the demo store's staff (lost the "
                       "printed ones?); refused on a real till")
    p.set_defaults(func=cmd_demo_pins)

    p = sub.add_parser("lookup", help="find products by barcode, item number or name")
    p.add_argument("text", help="a barcode, an item number, or words of the name")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--json", action="store_true", help="the products as JSON (amounts in fen)")
    p.set_defaults(func=cmd_lookup)

    p = sub.add_parser("sell", help="ring up and commit one sale, print its receipt",
                       description="Example: posclient sell --staff 1001 --pin 1111 "
                       "--scan 6901234567892 --scan 6901234567892*3 --discount 10% "
                       "--approve 2001:2222 --pay card:20 --pay cash:100",
                       epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--staff", type=int, required=True, help="cashier's staff number")
    p.add_argument("--pin", required=True)
    p.add_argument("--scan", action="append", default=[], metavar="CODE[*N]",
                   help="barcode, scale label or item number; *N for a quantity (grams for a "
                   "weighed item's own code); repeat for more items")
    p.add_argument("--discount", help="sale discount: 10%% or an amount")
    p.add_argument("--line-discount", action="append", default=[], metavar="LINE:DISCOUNT")
    p.add_argument("--override", action="append", default=[], metavar="LINE:PRICE[:REASON]",
                   help="price override (needs a supervisor); REASON: a reason code or words")
    p.add_argument("--reason", metavar="CODE", help="the discounts' reason code")
    p.add_argument("--approve", metavar="STAFF:PIN",
                   help="supervisor's approval for overrides and large discounts")
    p.add_argument("--pay", action="append", default=[], metavar="TENDER",
                   help="cash:AMOUNT, card[:AMOUNT], credit:ACCOUNT[:AMOUNT]; repeat to split")
    p.add_argument("--card-sim", action="append", default=[],
                   choices=["approve", "decline", "timeout"],
                   help="what the simulated card terminal answers, in order")
    p.add_argument("--no-print", action="store_true", help="commit without printing")
    p.add_argument("--json", action="store_true",
                   help="receipt number, total and change as JSON (amounts in fen), the "
                   "receipt's text in it")
    p.set_defaults(func=cmd_sell)

    p = sub.add_parser("reprint", help="print a receipt again, or those never printed")
    p.add_argument("receipt_no", nargs="?")
    p.add_argument("--pending", action="store_true",
                   help="print every committed sale whose receipt did not print")
    p.add_argument("--stdout", action="store_true",
                   help="show the receipt as text here instead of printing it (a receipt "
                   "never printed stays so)")
    p.add_argument("--staff", type=int, required=True)
    p.add_argument("--pin", required=True)
    p.set_defaults(func=cmd_reprint)

    cli_shift.register(sub, _terminal, print)

    p = sub.add_parser("unlock", help="a manager unlocks a staff number after wrong PINs, or "
                       "without one lists the numbers locked or with wrong PINs counted")
    p.add_argument("staff_id", type=int, nargs="?", default=None)
    p.add_argument("--staff", type=int, required=True, help="the manager's staff number")
    p.add_argument("--pin", required=True)
    p.set_defaults(func=cmd_unlock)

    cli_payments.register(sub, _terminal, parse_staff_pin)

    p = sub.add_parser("status", help="database, sales and sync state of this till")
    p.add_argument("--json", action="store_true", help="the same as JSON")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("audit", help="check the audit log (exit 1 if a record was edited or "
                       "removed)")
    p.add_argument("action", choices=["verify"])
    p.add_argument("--json", action="store_true", help="intact, records and problems as JSON")
    p.set_defaults(func=cmd_audit)

    cli_central.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        code = _run(build_parser(), argv)
        sys.stdout.flush()  # here, not at exit: a closed pipe is answered below
        return code
    except BrokenPipeError:
        # The reader went away (| head -1): nothing more to say. Point standard output at
        # /dev/null so the interpreter's own flush at exit does not complain either.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


def _run(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> int:
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args([*(argv or sys.argv[1:]), "till"])
    args.ui_lang, args.lang = args.lang, args.lang or "zh"
    if hasattr(args, "card_sim"):
        args.card_sim = [{"approve": "approved", "decline": "declined",
                          "timeout": "timeout"}[c] for c in args.card_sim]
    try:
        return int(args.func(args))
    except (BrokenPipeError, SystemExit):
        raise
    except StartupError as exc:
        _err(f"posclient: {exc}")
        return 3
    except PosError as exc:
        _refused(exc, args.lang)
        return 1
    except KeyboardInterrupt:
        _err("")
        return 130
    except Exception as exc:  # a message, never a traceback
        from sync.credentials import KeyringUnavailable
        from sync.engine import SyncError

        if isinstance(exc, SyncError | KeyringUnavailable):
            _err(f"posclient: {exc}")
            return 4 if isinstance(exc, SyncError) and exc.transient else 1
        # A fault of ours: the details go to the log for IT, the person gets one line.
        log = start_logging()
        logging.getLogger("posclient.cli").exception("posclient %s failed", args.command)
        _err(f"posclient: {args.command} failed unexpectedly ({type(exc).__name__}); nothing "
             f"more was done. The details are in {log}.")
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
