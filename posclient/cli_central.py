"""``posclient enrol|central-address|sync|doctor``: the till and its central, for IT.

Enrolment is safe to retry and moving a till to a new address needs no code (sync/enrol.py);
a sync cycle ends by its deadline (sync/http.py); the doctor checks everything IT asks first.
"""

from __future__ import annotations

import argparse
import socket
import sys
from typing import Any

from posclient import cli_json
from posclient.progress import Progress


def _tokens():  # -> TokenStore
    from sync.credentials import TokenStore

    return TokenStore()


def cmd_enrol(args: argparse.Namespace) -> int:
    from sync.enrol import enrol

    answer = enrol(args.db, args.server, args.code, args.name, tokens=_tokens(),
                   verify=args.ca_bundle or True, again=args.again)
    print(f"{'Enrolled again' if args.again else 'Enrolled'} as terminal "
          f"{answer.terminal_id} of store {answer.store_id} with {args.server}. The token is "
          "in the keyring. Next: posclient sync --once")
    return 0


def cmd_central_address(args: argparse.Namespace) -> int:
    """Point this till at a new address of the same central, checked by its token."""
    from sync.enrol import move_central

    who = move_central(args.db, args.url, tokens=_tokens(), verify=args.ca_bundle or True)
    print(f"This till ({who.store_id} {who.terminal_id}) now uses the central at {args.url}.")
    return 0


def _seconds(text: str) -> float:
    """A time in seconds for an option: a number from 1 to a day."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 1 <= value <= 86_400:
        raise argparse.ArgumentTypeError("give from 1 to 86400 seconds")
    return value


def cmd_sync(args: argparse.Namespace) -> int:
    from sync.engine import SyncEngine

    progress = Progress()

    def show(status) -> None:  # type: ignore[no-untyped-def]
        if status.progress is not None:
            done, total = status.progress
            progress("first sync", done, max(total, done))

    engine = SyncEngine(args.db, tokens=_tokens(), on_status=show,
                        verify=args.ca_bundle or True, cycle_deadline=args.deadline)
    try:
        report = engine.run_once()
    finally:
        progress.close()
    if args.json:
        cli_json.emit({"pushed": report.pushed, "rejected": report.rejected,
                       "applied": report.applied, "bootstrapped": report.bootstrapped,
                       "exceptions": [str(e) for e in report.exceptions]})
        return 0
    print(f"Synced: {report.pushed} event(s) uploaded, {report.rejected} rejected, "
          f"{report.applied:,} change(s) applied"
          + (" (first full load)" if report.bootstrapped else "") + ".")
    for e in report.exceptions:
        print(f"  the central noted: {e}")
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    """``posclient doctor``: a line per check; exit 0 all OK, 1 any FAIL, 5 warnings only."""
    from posclient.doctor import run_doctor

    report = run_doctor(args.db, verify=args.ca_bundle or True, timeout=args.timeout,
                        full_check=args.full)
    sys.stdout.write(report.as_json() if args.json else report.text())
    return report.exit_code


def register(sub: Any) -> None:
    p = sub.add_parser("enrol", help="enrol this till with the central (token to the keyring)")
    p.add_argument("--server", required=True, help="the central's address, https://...")
    p.add_argument("--code", required=True, help="the one-time enrolment code (if the "
                   "central could not be reached, the same command again is safe)")
    p.add_argument("--name", default=socket.gethostname(), help="this till's name")
    p.add_argument("--ca-bundle", help="CA certificates to trust for the central's TLS")
    p.add_argument("--again", action="store_true",
                   help="this enrolled till takes a new token (a code made for it: "
                        "posclient-central enrol-code --store S --terminal T); its sales "
                        "waiting to upload carry on")
    p.set_defaults(func=cmd_enrol)

    p = sub.add_parser("central-address", help="point this till at a new address of the same "
                       "central (a new proxy name), checked by its token; no new code")
    p.add_argument("url", help="the central's new address, https://...")
    p.add_argument("--ca-bundle", help="CA certificates to trust for the central's TLS")
    p.set_defaults(func=cmd_central_address)

    p = sub.add_parser("sync", help="upload sales and fetch the central's changes")
    p.add_argument("--once", action="store_true", required=True,
                   help="one cycle, then exit (the app syncs in the background)")
    p.add_argument("--ca-bundle", help="CA certificates to trust for the central's TLS")
    p.add_argument("--deadline", type=_seconds, default=3_600.0, metavar="SECONDS",
                   help="give up the cycle's network work after this long (default: an hour; "
                   "each request also ends within a minute, a snapshot's download within 30 "
                   "minutes)")
    p.add_argument("--json", action="store_true", help="what was uploaded and applied, as JSON")
    p.set_defaults(func=cmd_sync)

    p = sub.add_parser(
        "doctor", help="check this till for IT: database, disk, printer, keyring, central, "
        "clock, events, last sync",
        description="One line per check: OK, WARN or FAIL, its name and what was found. "
        "Exit 0: every check OK; 1: at least one FAIL; 5: warnings only. Reads the database, "
        "changes nothing (a test entry is written to the keyring and removed).")
    p.add_argument("--json", action="store_true", help="the report as JSON (same exit code)")
    p.add_argument("--full", action="store_true",
                   help="a full integrity_check even on a large database (slower)")
    p.add_argument("--timeout", type=float, default=5.0,
                   help="seconds to wait for the central and the printer")
    p.add_argument("--ca-bundle", help="CA certificates to trust for the central's TLS")
    p.set_defaults(func=cmd_doctor)
