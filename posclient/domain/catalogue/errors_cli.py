"""What the command line (``posclient sell``) and the text console say when they refuse what was
typed, before anything is done. Message id -> (Chinese, English)."""

from __future__ import annotations

ERRORS: dict[str, tuple[str, str]] = {
    # -- posclient sell --pay (cli_sell.py) ------------------------------------------------------
    "tender_invalid.cash_amount": (
        "请说明收到多少现金，例如 cash:100",
        "Say how much cash was handed over, e.g. cash:100"),
    "tender_invalid.credit_account": (
        "请指定储值卡账户，例如 credit:GC-1001",
        "Name the store credit account, e.g. credit:GC-1001"),
    "tender_invalid.not_an_amount": (
        "{text!r}：不是有效的金额",
        "{text!r}: not an amount"),
    "tender_invalid.pay_spec": (
        "{text!r}：请用 cash:金额、card[:金额] 或 credit:账户[:金额] 付款",
        "{text!r}: pay with cash:AMOUNT, card[:AMOUNT] or credit:ACCOUNT[:AMOUNT]"),
    "not_paid.how": (
        "请说明顾客如何付款（--pay cash:100、--pay card）",
        "Say how the customer pays (--pay cash:100, --pay card)"),
    "not_paid.short": (
        "所付金额（{paid}）不足以支付总额（{total:price}）：还差 {due}。未售出任何商品。",
        "The payments ({paid}) do not cover the total ({total:price}): {due} more is due. "
        "Nothing was sold."),
    "tender_far_above_due.script": (
        "应收 {due}，收现金 {tendered}，需找零 {change}，超过一张 {note} 面额：请核对金额。"
        "脚本无法确认，已拒绝，未售出任何商品。",
        "Cash of {tendered} for {due} due gives {change} change, more than a {note} note: check "
        "the amount. Refused: a script cannot confirm it. Nothing was sold."),
    "cart_empty.no_scan": (
        "请至少扫描一件商品（--scan 条码）",
        "Scan at least one item (--scan BARCODE)"),
    # -- the text console (console.py) --------------------------------------------------------
    "amount_invalid": (
        "{text!r} 不是有效的金额",
        "{text!r} is not an amount"),
}
