"""X and Z reports as a person reads them: text lines for the screen and the receipt printer,
CSV for a spreadsheet (the PDF is drawn from the same lines by the UI)."""

from __future__ import annotations

import csv
import io

from posclient.domain.catalogue import has, render
from posclient.domain.money import Money
from posclient.domain.receipt import center, fit, two_cols

from .shifts import Report


def label(key: str, lang: str) -> str:
    """A report's label in ``lang`` (the catalogue's ``report.<key>``); the key if it has none."""
    return render(f"report.{key}", lang=lang) if has(f"report.{key}") else key


def report_lines(r: Report, lang: str = "zh", width: int = 48) -> list[str]:
    """The report as monospaced lines (48 columns on 80 mm paper)."""
    def m(minor: int) -> str:
        return Money(minor, r.currency).to_decimal_str()

    def row(key: str, value: str) -> str:
        return two_cols(label(key, lang), value, width)

    rule = "-" * width
    out = [center(label(r.kind, lang), width)]
    if r.z_no is not None:
        out.append(row("z_no", str(r.z_no)))
    out += [row("day", r.business_day), row("till", f"{r.store_id} / {r.terminal_id}"),
            row("from", r.from_at or "-"), row("to", r.to_at), rule,
            row("sales", str(r.sales_count)), row("sales_total", m(r.sales_total)),
            row("discounts", m(r.discounts)),
            row("pickups", f"{r.pickups_count} / {m(r.pickups_total)}"),
            row("returns", str(r.returns_count)), row("returns_total", m(r.returns_total)),
            row("net", m(r.sales_total - r.returns_total)), rule]
    for t in r.taxes:
        out.append(two_cols(f"{label('tax', lang)} {t['code']} {t['rate_ppm'] / 10_000:g}%",
                            f"{m(t['net'])} / {m(t['tax'])}", width))
    out += [rule, fit(label("tenders", lang), width)]
    for kind, v in r.tenders.items():
        out.append(two_cols(f"  {label(kind, lang)}",
                            f"{m(v['sales'])} -{m(v['refunds'])} = {m(v['sales'] - v['refunds'])}",
                            width))
    out += [rule, fit(label("movements", lang), width)]
    out += [two_cols(f"  {label(k, lang)}", m(v), width) for k, v in r.movements.items()]
    out += [row("floats", m(r.floats)), row("expected_cash", m(r.expected_cash)), rule,
            fit(label("shifts", lang), width)]
    for s in r.shifts:
        diff = (label("open", lang) if s["over_short"] is None else
                " ".join(f"{label(k, lang)} {m(v)}" for k, v in s["over_short"].items() if v)
                or "0.00")
        out.append(fit(f"  #{s['shift_no']} ({s['staff_id']}) {label('over_short', lang)}: "
                       f"{diff}", width))
    if r.card_orphans:
        out += [rule, fit(label("orphans", lang), width)]
        for outcome in ("reversed", "refunded", "completed", "open"):
            these = [o for o in r.card_orphans if o["outcome"] == outcome]
            if these:
                out.append(two_cols(f"  {label('orphans_' + outcome, lang)}",
                                    f"{len(these)} / {m(sum(o['amount'] for o in these))}",
                                    width))
    if r.reasons:  # count / amount per kind and reason code
        out += [rule, fit(label("reasons", lang), width)]
        out += [two_cols(f"  {label('reason_' + x['kind'], lang)} "
                         f"{x['reason_code'] or label('reason_typed', lang)}",
                         f"{x['count']} / {m(x['amount'])}", width) for x in r.reasons]
    if r.pending_events:
        out += [rule, row("pending", str(len(r.pending_events)))]
        out += [fit(f"  {e['terminal_seq']} {e['type']} {e['occurred_at']}", width)
                for e in r.pending_events]
    return out


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
