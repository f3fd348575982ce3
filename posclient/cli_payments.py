"""``posclient payments``: card payments approved but never completed, for a manager.

    posclient payments list [--json]
    posclient payments reverse REF --staff ID --pin PIN [--approve STAFF:PIN]
    posclient payments refund REF --staff ID --pin PIN [--approve STAFF:PIN]
    posclient payments complete REF --staff ID --pin PIN [--approve STAFF:PIN]

``list`` shows each card payment the terminal approved whose sale never committed and that the
till could not reverse when it started (amount, time, the goods). ``reverse`` voids it on the
card terminal; ``refund`` gives the money back to the card (when the terminal's batch was
settled and it refuses a reversal); ``complete`` records the sale of those goods, paid by that
card (the terminal is not asked again). Each needs a manager: --staff, or ``--approve``.
Exit codes as ``posclient``'s: 0 done, 1 refused (nothing changed).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from posclient.domain.errors import InvalidInput

if TYPE_CHECKING:  # the services load when the command runs: `posclient --help` stays quick
    from posclient.app.card_recovery import CardOrphan, CardRecovery
    from posclient.app.staff import StaffSession

Open = Callable[[argparse.Namespace], Any]  # -> Terminal (the command line's _terminal)


def register(sub: Any, open_terminal: Open, parse_approval: Callable[[str], tuple[int, str]]
             ) -> None:
    """Add the ``payments`` command to ``posclient``'s sub-commands."""
    p = sub.add_parser("payments", help="card payments approved without a sale: list, reverse "
                       "on the card terminal, refund, or complete as a sale (a manager)",
                       description=__doc__.split("\n\n")[1] if __doc__ else None,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("action", choices=["list", "reverse", "refund", "complete"])
    p.add_argument("reference", nargs="?", help="the card payment's reference (from list)")
    p.add_argument("--staff", type=int, help="staff number (reverse, refund, complete)")
    p.add_argument("--pin")
    p.add_argument("--approve", metavar="STAFF:PIN", help="a manager's approval when --staff "
                   "is not a manager")
    p.add_argument("--json", action="store_true", help="list as JSON")
    p.set_defaults(func=lambda args: run(args, open_terminal, parse_approval))


def orphan_dict(o: CardOrphan) -> dict[str, Any]:
    return {"reference": o.reference, "amount": o.amount.minor, "currency": o.amount.currency,
            "approved_at": o.approved_at, "auth_code": o.auth_code, "card": o.detail,
            "status": o.status, "reported": o.found_event is not None,
            "basket_total": o.basket_total.minor if o.basket_total else None,
            "lines": [{"name_zh": ln.name_zh, "name_en": ln.name_en, "qty": ln.qty,
                       "measure": ln.measure} for ln in o.lines]}


def run(args: argparse.Namespace, open_terminal: Open,
        parse_approval: Callable[[str], tuple[int, str]]) -> int:
    term = open_terminal(args)
    recovery = term.card_recovery()
    if args.action == "list":
        _list(recovery.open(), args.json, args.lang == "zh")
        return 0
    if not args.reference or args.staff is None or not args.pin:
        raise InvalidInput(f"payments {args.action} needs REF, --staff and --pin "
                           "(a manager's, or --approve STAFF:PIN)", code="usage")
    session = term.staff.login(args.staff, args.pin)
    _resolve(recovery, session, args, parse_approval)
    return 0


def _list(orphans: list[CardOrphan], as_json: bool, zh: bool) -> None:
    if as_json:
        print(json.dumps([orphan_dict(o) for o in orphans], ensure_ascii=False, indent=1))
        return
    if not orphans:
        print("没有待处理的银行卡付款。" if zh else "No card payment waits to be resolved.")
    for o in orphans:
        goods = ", ".join(f"{ln.name_zh if zh else ln.name_en} ×{ln.qty}" for ln in o.lines)
        print(f"{o.reference}  {o.amount.to_decimal_str()} {o.amount.currency}  "
              f"{o.approved_at}  {o.detail} {o.auth_code}".rstrip())
        print(f"    {goods or ('商品不明' if zh else 'goods unknown')}")


def _resolve(recovery: CardRecovery, session: StaffSession, args: argparse.Namespace,
             parse_approval: Callable[[str], tuple[int, str]]) -> None:
    """Reverse, refund or complete one card payment, and say what was done."""
    from posclient.app.staff import Approval

    zh = args.lang == "zh"
    approval = Approval(*parse_approval(args.approve)) if args.approve else None
    if args.action == "reverse":
        done = recovery.reverse(session, args.reference, approval)
        if done.outcome == "not_charged":
            print("刷卡机从未扣款，无需退款。" if zh else "The card terminal never charged this "
                  "payment: nothing to give back.")
        else:
            print(("已在刷卡机上撤销：" if zh else "Reversed on the card terminal: ")
                  + done.reference)
    elif args.action == "refund":
        done = recovery.refund(session, args.reference, approval)
        print(("已退款到银行卡：" if zh else "Refunded to the card: ") + done.reference)
    else:
        done = recovery.complete(session, args.reference, approval)
        sale = done.sale
        assert sale is not None
        print(("已补记为销售 " if zh else "Completed as sale ")
              + f"{sale.receipt_no} ({sale.totals.total.to_decimal_str()})")
