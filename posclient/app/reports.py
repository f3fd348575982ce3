"""X and Z reports as a person reads them: text lines for the screen and the receipt printer,
CSV for a spreadsheet (the PDF is drawn from the same lines by the UI)."""

from __future__ import annotations

import csv
import io

from posclient.domain.money import Money
from posclient.domain.receipt import center, fit, two_cols

from .shifts import Report

LABELS: dict[str, tuple[str, str]] = {  # key -> (zh, en)
    "X": ("X 报表（不清零）", "X REPORT (no reset)"),
    "Z": ("Z 报表（日结）", "Z REPORT (end of day)"),
    "z_no": ("Z 号", "Z no."), "day": ("营业日", "Business day"),
    "from": ("起", "From"), "to": ("止", "To"), "till": ("收银台", "Till"),
    "sales": ("销售笔数", "Sales"), "sales_total": ("销售额", "Sales total"),
    "discounts": ("优惠", "Discounts"), "pickups": ("网购自提", "Pick-ups"),
    "returns": ("退货笔数", "Returns"), "returns_total": ("退款额", "Refunded"),
    "net": ("净额", "Net"), "tax": ("税", "Tax"), "tenders": ("按支付方式", "By tender"),
    "refund": ("退", "refunds"), "movements": ("现金进出", "Cash in and out"),
    "cash_in": ("备用金存入", "Cash in"), "paid_out": ("支出", "Paid out"),
    "safe_drop": ("存入保险柜", "Safe drop"), "floats": ("备用金", "Floats"),
    "expected_cash": ("钱箱应有现金", "Expected cash in drawer"),
    "shifts": ("班次", "Shifts"), "over_short": ("长短款", "over/short"),
    "open": ("未结束", "open"), "pending": ("待上传事件", "Events waiting to upload"),
    "cash": ("现金", "Cash"), "card": ("银行卡", "Card"),
    "store_credit": ("储值卡", "Store credit"),
    "web": ("网上已付", "Paid online"), "exchange": ("换货抵扣", "Exchange credit"),
    "points": ("积分", "Points"),
    "orphans": ("已授权未成交的银行卡", "Card approvals without a sale"),
    "orphans_reversed": ("银行卡授权已撤销", "Card approvals reversed"),
    "orphans_refunded": ("已退款到银行卡", "Refunded to the card"),
    "orphans_completed": ("补记为销售", "Completed as sales"),
    "orphans_open": ("待经理处理", "Open, for a manager"),
    "reasons": ("按原因", "By reason"), "reason_discount": ("折扣", "Discount"),
    "reason_price_override": ("改价", "Price change"), "reason_void": ("作废", "Void"),
    "reason_no_sale": ("开钱箱", "No sale"), "reason_return": ("退货", "Return"),
    "reason_typed": ("手写原因", "typed"),
}


def label(key: str, lang: str) -> str:
    zh, en = LABELS.get(key, (key, key))
    return zh if lang.startswith("zh") else en


def report_lines(r: Report, lang: str = "zh", width: int = 48) -> list[str]:
    """The report as monospaced lines (48 columns on 80 mm paper)."""
    p = _Page(r, lang, width)
    rule = "-" * width
    out = [*_head_lines(p), rule, *_tax_lines(p), rule, *_tender_lines(p), rule,
           *_cash_lines(p), rule, *_shift_lines(p)]
    for section in (_orphan_lines(p), _reason_lines(p), _pending_lines(p)):
        if section:  # only when there is something to show
            out += [rule, *section]
    return out


class _Page:
    """How :func:`report_lines` writes: the report, its language and the paper's width."""

    __slots__ = ("lang", "r", "width")

    def __init__(self, r: Report, lang: str, width: int) -> None:
        self.r, self.lang, self.width = r, lang, width

    def m(self, minor: int) -> str:
        return Money(minor, self.r.currency).to_decimal_str()

    def label(self, key: str) -> str:
        return label(key, self.lang)

    def row(self, key: str, value: str) -> str:
        return two_cols(label(key, self.lang), value, self.width)

    def cols(self, left: str, right: str) -> str:
        return two_cols(left, right, self.width)

    def fit(self, text: str) -> str:
        return fit(text, self.width)


def _head_lines(p: _Page) -> list[str]:
    r, m, row = p.r, p.m, p.row
    out = [center(p.label(r.kind), p.width)]
    if r.z_no is not None:
        out.append(row("z_no", str(r.z_no)))
    return [*out, row("day", r.business_day), row("till", f"{r.store_id} / {r.terminal_id}"),
            row("from", r.from_at or "-"), row("to", r.to_at), "-" * p.width,
            row("sales", str(r.sales_count)), row("sales_total", m(r.sales_total)),
            row("discounts", m(r.discounts)),
            row("pickups", f"{r.pickups_count} / {m(r.pickups_total)}"),
            row("returns", str(r.returns_count)), row("returns_total", m(r.returns_total)),
            row("net", m(r.sales_total - r.returns_total))]


def _tax_lines(p: _Page) -> list[str]:
    return [p.cols(f"{p.label('tax')} {t['code']} {t['rate_ppm'] / 10_000:g}%",
                   f"{p.m(t['net'])} / {p.m(t['tax'])}") for t in p.r.taxes]


def _tender_lines(p: _Page) -> list[str]:
    m = p.m
    return [p.fit(p.label("tenders")),
            *(p.cols(f"  {p.label(kind)}",
                     f"{m(v['sales'])} -{m(v['refunds'])} = {m(v['sales'] - v['refunds'])}")
              for kind, v in p.r.tenders.items())]


def _cash_lines(p: _Page) -> list[str]:
    return [p.fit(p.label("movements")),
            *(p.cols(f"  {p.label(k)}", p.m(v)) for k, v in p.r.movements.items()),
            p.row("floats", p.m(p.r.floats)), p.row("expected_cash", p.m(p.r.expected_cash))]


def _shift_lines(p: _Page) -> list[str]:
    out = [p.fit(p.label("shifts"))]
    for s in p.r.shifts:
        diff = (p.label("open") if s["over_short"] is None else
                " ".join(f"{p.label(k)} {p.m(v)}" for k, v in s["over_short"].items() if v)
                or "0.00")
        out.append(p.fit(f"  #{s['shift_no']} ({s['staff_id']}) {p.label('over_short')}: "
                         f"{diff}"))
    return out


def _orphan_lines(p: _Page) -> list[str]:
    """Card approvals without a sale, per outcome (nothing when there are none)."""
    if not p.r.card_orphans:
        return []
    out = [p.fit(p.label("orphans"))]
    for outcome in ("reversed", "refunded", "completed", "open"):
        these = [o for o in p.r.card_orphans if o["outcome"] == outcome]
        if these:
            out.append(p.cols(f"  {p.label('orphans_' + outcome)}",
                              f"{len(these)} / {p.m(sum(o['amount'] for o in these))}"))
    return out


def _reason_lines(p: _Page) -> list[str]:
    """Count / amount per kind and reason code (nothing when there are none)."""
    if not p.r.reasons:
        return []
    return [p.fit(p.label("reasons")),
            *(p.cols(f"  {p.label('reason_' + x['kind'])} "
                     f"{x['reason_code'] or p.label('reason_typed')}",
                     f"{x['count']} / {p.m(x['amount'])}") for x in p.r.reasons)]


def _pending_lines(p: _Page) -> list[str]:
    """The events still waiting to upload (nothing when there are none)."""
    if not p.r.pending_events:
        return []
    return [p.row("pending", str(len(p.r.pending_events))),
            *(p.fit(f"  {e['terminal_seq']} {e['type']} {e['occurred_at']}")
              for e in p.r.pending_events)]


def report_csv(r: Report) -> str:
    """The figures as CSV rows ``section,key,value`` (amounts in minor units)."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["section", "key", "value"])
    head = {"kind": r.kind, "z_no": r.z_no, "business_day": r.business_day,
            "store_id": r.store_id, "terminal_id": r.terminal_id, "currency": r.currency,
            "from_at": r.from_at, "to_at": r.to_at}
    w.writerows(["report", k, "" if v is None else v] for k, v in head.items())
    for k in ("sales_count", "sales_total", "discounts", "pickups_count", "pickups_total",
              "returns_count", "returns_total", "floats", "expected_cash"):
        w.writerow(["totals", k, getattr(r, k)])
    for t in r.taxes:
        w.writerow(["tax", f"{t['code']}:net", t["net"]])
        w.writerow(["tax", f"{t['code']}:tax", t["tax"]])
    for kind, v in r.tenders.items():
        w.writerow(["tender", f"{kind}:sales", v["sales"]])
        w.writerow(["tender", f"{kind}:refunds", v["refunds"]])
    w.writerows(["cash_movement", k, v] for k, v in r.movements.items())
    for s in r.shifts:
        for k, v in (s["over_short"] or {}).items():
            w.writerow(["over_short", f"shift {s['shift_no']}:{k}", v])
    w.writerows(["card_orphan", f"{o['outcome']}:{o['reference']}", o["amount"]]
                for o in r.card_orphans)
    for x in r.reasons:
        key = f"{x['kind']}:{x['reason_code'] or ''}"
        w.writerows([["reason", f"{key}:count", x["count"]], ["reason", f"{key}:amount",
                                                              x["amount"]]])
    w.writerows(["pending", e["terminal_seq"], e["type"]] for e in r.pending_events)
    return buf.getvalue()
