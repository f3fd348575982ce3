"""``posclient shift open|cash|close|x|z``: the till's shift and reports from a script, through
the same service as the window's Ctrl+S (posclient/app/shifts.py): the same rules, approvals,
audit records and events.

Notes and coins are counted as ``VALUExCOUNT`` in the currency's major unit: ``100x2`` is two
100-yuan notes, ``0.5x4`` four 5-jiao coins.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from posclient.cli_sell import parse_staff_pin
from posclient.domain.errors import InvalidInput
from posclient.domain.money import Money

Terminal = Any  # posclient.app.terminal.Terminal (imported lazily by the CLI)


def parse_count(specs: list[str], currency: str) -> dict[int, int]:
    """``["100x2", "0.5x4"]`` -> ``{10000: 2, 50: 4}`` (minor units: pieces)."""
    counts: dict[int, int] = {}
    for spec in specs:
        value, sep, pieces = spec.lower().replace("×", "x").partition("x")
        try:
            minor = Money.parse(value, currency).minor
            n = int(pieces)
        except ValueError:
            raise InvalidInput(f"{spec!r}: count notes and coins as VALUExCOUNT, e.g. 100x2 "
                               "(two 100 notes) or 0.5x4", code="usage") from None
        if not sep or n < 0:
            raise InvalidInput(f"{spec!r}: count notes and coins as VALUExCOUNT, e.g. 100x2",
                               code="usage")
        counts[minor] = counts.get(minor, 0) + n
    return counts


def _approval(args: argparse.Namespace) -> Any:
    from posclient.app.staff import Approval

    return Approval(*parse_staff_pin(args.approve)) if args.approve else None


def _amount(text: str, currency: str) -> Money:
    try:
        return Money.parse(text, currency)
    except ValueError:
        raise InvalidInput(f"{text!r} is not an amount", code="usage") from None


def _money(minor: int, currency: str) -> str:
    return Money(minor, currency).to_decimal_str()


def cmd_shift(args: argparse.Namespace, terminal: Callable[[argparse.Namespace], Terminal],
              say: Callable[[str], None]) -> int:
    from posclient.app.reports import report_lines

    term = terminal(args)
    cur = term.settings.currency
    sh = term.shifts(term.staff.login(args.staff, args.pin))
    out: dict[str, Any]
    if args.action == "open":
        shift = sh.open(parse_count(args.float, cur))
        out = {"shift_no": shift.shift_no, "float": shift.float_total.minor, "currency": cur}
        text = f"Shift {shift.shift_no} open with a float of {_money(out['float'], cur)} {cur}."
    elif args.action == "cash":
        if args.amount is None:
            raise InvalidInput("Give the amount: posclient shift cash in 50 --reason ...",
                               code="usage")
        kind = {"in": "cash_in", "out": "paid_out", "drop": "safe_drop"}[args.kind or "in"]
        amount = _amount(args.amount, cur)
        movement = sh.move_cash(kind, amount, args.reason or "", _approval(args))
        out = {"movement_id": movement, "kind": kind, "amount": amount.minor, "currency": cur}
        text = f"{kind.replace('_', ' ').capitalize()}: {_money(amount.minor, cur)} {cur}."
    elif args.action == "close":
        other = {"card": _amount(args.card, cur)} if args.card else {}
        done = sh.close(parse_count(args.count, cur), other, comment=args.comment or "",
                        approval=_approval(args))
        out = {"currency": cur, **asdict(done)}
        text = f"Shift {done.shift_no} closed. " + "; ".join(
            f"{kind}: counted {_money(done.counted[kind], cur)}, expected "
            f"{_money(done.expected[kind], cur)}, over/short "
            f"{_money(done.over_short[kind], cur)}" for kind in sorted(done.over_short))
    else:
        report = (sh.x_report() if args.action == "x" else
                  sh.z_report(approval=_approval(args), confirm_pending=args.confirm_pending))
        if args.json:
            say(report.to_json())
            return 0
        say("\n".join(report_lines(report, args.lang)))
        return 0
    say(json.dumps(out, ensure_ascii=False, sort_keys=True) if args.json else text)
    return 0


def register(sub: Any, terminal: Callable[[argparse.Namespace], Terminal],
             say: Callable[[str], None]) -> None:
    p = sub.add_parser(
        "shift", help="the shift: open with a float, cash in/out, close with a count, X and Z",
        description="open --float 100x2 --float 10x5: open with its float counted; "
        "cash in|out|drop AMOUNT --reason WHY: money into or out of the drawer (a paid-out "
        "needs --approve); close --count 100x3 [--card 250.00]: the blind count, then the "
        "over or short (beyond the store's threshold: a manager's --approve and --comment); "
        "x: the figures since the last Z; z: the day's Z (a manager), --confirm-pending to "
        "make it while events still wait to upload.")
    p.add_argument("action", choices=["open", "cash", "close", "x", "z"])
    p.add_argument("kind", nargs="?", choices=["in", "out", "drop"],
                   help="for cash: in, out (a paid-out) or drop (to the safe)")
    p.add_argument("amount", nargs="?", help="for cash: the amount, e.g. 50 or 12.50")
    p.add_argument("--staff", type=int, required=True)
    p.add_argument("--pin", required=True)
    p.add_argument("--float", action="append", default=[], metavar="VALUExCOUNT",
                   help="open: the float's notes and coins, e.g. 100x2 (repeat)")
    p.add_argument("--count", action="append", default=[], metavar="VALUExCOUNT",
                   help="close: the drawer's notes and coins, e.g. 100x3 (repeat)")
    p.add_argument("--card", help="close: the card terminal's slips, in total")
    p.add_argument("--reason", help="cash: why")
    p.add_argument("--comment", help="close: a manager's comment on a difference")
    p.add_argument("--approve", metavar="STAFF:PIN", help="a supervisor's or manager's PIN")
    p.add_argument("--confirm-pending", action="store_true",
                   help="z: make it although events still wait to upload (listed in it)")
    p.add_argument("--json", action="store_true", help="the result as JSON (amounts in fen)")
    p.set_defaults(func=lambda args: cmd_shift(args, terminal, say))
