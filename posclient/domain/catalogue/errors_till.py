"""What the till says when it refuses: shifts and the drawer, stock, the reconciliation,
promotions, paying, card payments without a sale, receipts, staff and members. Message id ->
(Chinese, English)."""

from __future__ import annotations

ERRORS: dict[str, tuple[str, str]] = {
    # -- shifts, the drawer, X and Z (app/shifts.py, domain/cash.py) ---------------------------
    "shift_not_open": (
        "本收银台没有未结束的班次：请先清点备用金开班",
        "No shift is open on this till: open one with its float first"),
    "shift_already_open": (
        "本收银台已有未结束的班次：请先交班",
        "A shift is already open on this till: close it first"),
    "movement_unknown": (
        "{kind!r} 不是现金进出类型",
        "{kind!r} is not a cash movement"),
    "cash_amount_invalid.positive": (
        "金额必须大于零",
        "The amount must be more than zero"),
    "cash_amount_invalid.negative": (
        "金额不能为负数",
        "The amount must not be negative"),
    "drawer_short": (
        "钱箱里应只有 {left}",
        "The drawer should hold only {left}"),
    "variance_comment_required": (
        "点钞差额超过门店允许的范围：需经理说明原因",
        "The count is off by more than the store allows: the manager must say why"),
    "z_already_done": (
        "本收银台 {day} 的 Z 报表已经做过",
        "The Z report of {day} was already made on this till"),
    "z_pending_events": (
        "还有 {count} 个事件等待上传：请先同步，或确认后将它们列入报表",
        "{count} event(s) still wait to upload: sync first, or confirm to list them in the "
        "report"),
    "z_unknown": (
        "没有 Z 报表 {z_no}",
        "There is no Z report {z_no}"),
    "denomination_unknown": (
        "{value} 不是{value:currency}的纸币或硬币面额",
        "{value} is not a {value:currency} note or coin"),
    "count_invalid": (
        "{pieces} 不是有效的张数或枚数",
        "{pieces} is not a number of notes or coins"),
    # -- stock counts (app/stock.py) -----------------------------------------------------------
    "count_scope_invalid": (
        "{scope!r} 不是盘点范围（货架或全店）",
        "{scope!r} is not a count scope (shelf or store)"),
    "count_qty_invalid": (
        "{qty} 不是可盘点的数量",
        "{qty} is not a quantity that can be counted"),
    "count_line_unknown": (
        "商品 {product_id} 未盘点",
        "Product {product_id} was not counted"),
    "count_empty": (
        "请至少扫描一件要盘点的商品",
        "Scan at least one item to count"),
    # -- receiving deliveries (app/stock.py Receiving) ------------------------------------------
    "delivery_unknown": (
        "本收银机上没有到货单 {delivery_id}",
        "This till has no delivery {delivery_id}"),
    "delivery_already_received": (
        "到货单 {delivery_id} 已经收货",
        "Delivery {delivery_id} was already received"),
    "delivery_cancelled": (
        "到货单 {delivery_id} 已取消",
        "Delivery {delivery_id} was cancelled"),
    "receive_qty_invalid": (
        "{qty} 不是可收货的数量",
        "{qty} is not a quantity that can be received"),
    "receive_line_unknown": (
        "商品 {product_id} 不在这张到货单中",
        "Product {product_id} is not in this delivery"),
    "receive_empty": (
        "请先扫描到货的商品",
        "Scan what arrived first"),
    # -- the store's reconciliation (app/reconcile.py, sync/calls.py) --------------------------
    "reconcile_not_open": (
        "请先由店长打开门店对账",
        "Open the reconciliation as a manager first"),
    "comment_required": (
        "请说明异常是如何处理的",
        "Say how the exception was resolved"),
    "comment_too_long": (
        "说明太长（最多 {limit} 个字）",
        "The comment is too long ({limit} characters at most)"),
    "reconciliation_unknown": (
        "总部没有本店的对账数据",
        "The central has no reconciliation for this store"),
    "exception_unknown": (
        "总部没有本店的异常 {exception_id}",
        "The central has no exception {exception_id} for this store"),
    "refund_decision_required": (
        "此异常暂扣了一笔网上退款：请选择退款或拒绝",
        "This exception holds a web refund: choose to pay it out or to refuse it"),
    # -- promotions at the till (app/checkout.py) ----------------------------------------------
    "coupon_invalid": (
        "优惠券 {coupon} 在此时此店不可用",
        "Coupon {coupon} is not valid here and now"),
    "coupon_unknown": (
        "总部没有优惠券 {coupon}",
        "The central knows no coupon {coupon}"),
    "central_refused": (
        "总部拒绝了请求：请 IT 查看收银机日志",
        "The central refused the request: ask IT to look at the till's log"),
    "suspended_shared": (
        "该挂单已与其他收银机共享：需先向总部认领",
        "This sale is shared with the other tills: it is claimed at the central first"),
    "central_malformed": (
        "总部返回的数据无法读取",
        "The central sent an answer the till cannot read"),
    "central_identity": (
        "本收银机无法使用中心：{why}",
        "This till cannot use the central: {why}"),
    "not_enrolled": (
        "本收银机未连接总部",
        "This till is not connected to a central"),
    "token_missing": (
        "本收银机无法向总部证明身份（密钥环中没有令牌）：请联系 IT 重新注册",
        "This till cannot prove itself to the central (its token is not in the keyring): call "
        "IT to enrol it again"),
    # -- paying (app/checkout.py, domain/tender.py) --------------------------------------------
    "tender_invalid": (
        "付款金额必须大于零",
        "A payment must be more than zero"),
    "already_paid": (
        "本单已付清",
        "This sale is already paid"),
    "tender_over_due": (
        "{kind:tender}付款 {amount} 超过尚欠金额 {due}",
        "{kind:tender} payment of {amount} is more than the {due} still due"),
    "not_paid": (
        "尚欠 {due}",
        "{due} is still due"),
    "amount_too_large": (
        "{text} 超过本收银机可接受的金额（最多 {limit}）",
        "{text} is more than the till accepts ({limit} at most)"),
    "tender_far_above_due": (
        "应收 {due}，收现金 {tendered}，需找零 {change}，超过一张 {note} 面额：请核对金额",
        "Cash of {tendered} for {due} due gives {change} change, more than a {note} note: check "
        "the amount"),
    "tender_too_large": (
        "应收 {due}，收现金 {tendered}，需找零 {change}：超出本收银机可找零的上限，请核对金额",
        "Cash of {tendered} for {due} due would give {change} change: more than the till gives. "
        "Check the amount"),
    "card_declined": (
        "银行卡被拒：{reason:reason}。请顾客换一张卡或改用其他付款方式。",
        "Card declined: {reason:reason}. Ask for another card or another way to pay."),
    "card_timeout": (
        "刷卡终端未及时响应，本次未扣款。请检查终端已开机并连接好，然后重试。",
        "The card terminal did not answer in time. Check it is on and connected, then try "
        "again; the card was not charged."),
    "reversal_failed": (
        "银行卡付款 {card} 撤销失败（{reason:phrase}），本单仍未关闭。请重试或联系主管。",
        "The card payment {card} could not be reversed ({reason:phrase}); the sale stays open. "
        "Try again or call a supervisor."),
    # -- card payments approved without a sale (app/card_recovery.py) ---------------------------
    "orphan_unknown": (
        "没有待处理的银行卡付款 {reference}",
        "There is no card payment {reference} waiting to be resolved"),
    "orphan_cannot_reverse": (
        "刷卡机无法撤销 {amount}（{reason:phrase}）。"
        "请将其补记为商品销售，或以其他方式退款给顾客。",
        "The card terminal cannot reverse {amount} ({reason:phrase}). Complete it as a sale of "
        "the goods, or give the money back another way."),
    "orphan_refund_failed": (
        "刷卡机未能退款 {amount}（{reason:phrase}）：未做任何记录。"
        "请重试，或以其他方式退款给顾客。",
        "The card terminal did not refund {amount} ({reason:phrase}): nothing was recorded. Try "
        "again, or give the money back another way."),
    "orphan_unconfirmed_refund": (
        "刷卡机从未确认这笔付款：请改为撤销",
        "The card terminal never confirmed this payment: reverse it instead"),
    "orphan_refund_under_way": (
        "这笔银行卡付款的退款已在进行或已完成：未向刷卡机发送任何请求",
        "A refund of this card payment is already under way or done: nothing was sent to the "
        "card terminal"),
    "orphan_resolved_elsewhere": (
        "这笔银行卡付款已在别处处理（另一个窗口或命令）：未做任何记录",
        "This card payment was resolved meanwhile (another window or command): nothing was "
        "recorded"),
    "orphan_no_basket": (
        "收银机不知道这笔银行卡付款买的是什么：请撤销，或以其他方式退款给顾客",
        "The till does not know what this card payment was for: reverse it, or give the money "
        "back another way"),
    "orphan_not_a_sale": (
        "这笔银行卡付款用于自提、换货或他店订货：请撤销，或以其他方式退款给顾客",
        "This card payment was for a pick-up, an exchange or an order from another store: "
        "reverse it, or give the money back another way"),
    "orphan_unconfirmed": (
        "刷卡机从未确认这笔付款：不能据此补记销售",
        "The card terminal never confirmed this payment: it cannot be sold against"),
    "orphan_partial": (
        "银行卡支付了 {total} 中的 {paid}，其余部分从未记录：请撤销，或以其他方式退款给顾客",
        "The card paid {paid} of {total}; the rest was never recorded: reverse it, or give the "
        "money back another way"),
    "credit_unknown": (
        "没有储值卡账户 {account!r}",
        "There is no store credit account {account!r}"),
    "credit_insufficient.balance": (
        "储值卡 {account} 余额仅剩 {balance}",
        "Store credit {account} has only {balance} left"),
    "credit_insufficient.amount": (
        "储值卡 {account} 余额已不足 {amount}",
        "Store credit {account} no longer covers {amount}"),
    # -- receipts (app/receipts.py) ------------------------------------------------------------
    "receipt_unknown": (
        "没有小票号为 {receipt_no} 的交易",
        "There is no sale with receipt number {receipt_no}"),
    "sale_unknown": (
        "没有编号为 {sale_id} 的交易",
        "There is no sale {sale_id}"),
    # -- staff (app/staff.py) ------------------------------------------------------------------
    # One refusal for a wrong number, a wrong PIN and a locked number alike: the words say
    # the rule, never whether the number exists or is locked (a manager sees the lockouts).
    "auth_failed": (
        "工号或密码错误。连续输错 {max_tries} 次密码后，工号将被锁定 {minutes} 分钟，店长可以解锁",
        "Wrong staff number or PIN. After {max_tries} wrong PINs in a row a staff number is "
        "locked for {minutes} minutes; a manager can unlock it"),
    "session_locked": (
        "收银机已锁定：请输入密码继续",
        "The till is locked: enter your PIN to continue"),
    "approval_required": (
        "{action:action}需要{min_role:role}授权",
        "{action:action} needs {min_role:role}'s approval"),
    "approver_role": (
        "{name}（{staff_id}）是{role:role}，无权授权此操作：需要{min_role:role}授权",
        "{name} ({staff_id}) is {role:role} and cannot approve this: it needs {min_role:role}"),
    "self_approval": (
        "不能为自己的操作授权",
        "Staff cannot approve their own action"),
    "staff_unknown": (
        "没有工号为 {staff_id} 的员工",
        "There is no staff member {staff_id}"),
    # -- members and points (posclient/app/members.py, Checkout, domain/loyalty.py)
    "member_code_empty.empty": (
        "请扫描会员卡或输入手机号",
        "Scan the member's card or type a phone number"),
    "member_code_empty.qr": (
        "该会员二维码为空",
        "That member QR code is empty"),
    "member_unknown": (
        "没有会员 {code_text!r}：请核对会员卡或号码，或为顾客注册",
        "No member {code_text!r}: check the card or the number, or sign the customer up"),
    # the central's limit on a till's online look-ups (sync/central/lookup_limits.py): never
    # "no member", the member may well exist
    "member_lookup_limited.minute": (
        "本机刚才向总部查询会员过多：请 {seconds} 秒后重试。会员码（应用中的二维码）和本机已有的"
        "会员照常可用",
        "This till has asked the central for too many members just now: try again in {seconds} "
        "seconds. The app's member QR code and the members this till holds work meanwhile"),
    "member_lookup_limited.day": (
        "本机今天向总部查询会员的次数已达连锁的上限，今天不能再查询（已通知店长）。会员码（应用中"
        "的二维码）和本机已有的会员照常可用",
        "This till has reached the chain's daily limit of member look-ups at the central: no "
        "more today (the manager has been told). The app's member QR code and the members this "
        "till holds still work"),
    "member_inactive": (
        "会员 {member_no} 已停用",
        "Member {member_no} is no longer active"),
    "member_consent_required": (
        "须先征得顾客同意会员条款",
        "The customer must agree to the member terms first"),
    "member_consent_purpose": (
        "无法撤回“{purpose}”：只能撤回 marketing（营销）或 membership（会员资格）",
        "Cannot withdraw '{purpose}': only marketing or membership"),
    "member_phone_invalid": (
        "这不是手机号（11位数字，以1开头）",
        "That is not a mobile phone number (11 digits starting with 1)"),
    "member_name_too_long": (
        "姓名过长（最多100个字符）",
        "The name is too long (100 characters at most)"),
    "member_keys_missing.not_yet": (
        "本机还没有连锁的会员密钥，暂不能按手机号查找或注册会员：与总部同步一次后即可"
        "（会员卡和会员码照常可用）",
        "This till does not have the chain's member key yet, so it cannot find or sign up "
        "members by phone: one sync with the central brings it (member cards and app codes "
        "work meanwhile)"),
    "member_keys_missing.no_keyring": (
        "本机没有可用的密钥环来保存会员密钥：按手机号查找和注册会员不可用（请联系IT；会员卡和"
        "会员码照常可用）",
        "This till has no keyring to keep the member key in: finding and signing up members "
        "by phone is off (call IT; member cards and app codes work)"),
    "member_phone_taken": (
        "{phone} 已是会员 {member_no}",
        "{phone} is already member {member_no}"),
    "member_after_payment": (
        "已收款：不能再更换会员（请先撤销付款）",
        "Money was already taken: the member can no longer change (void the payments first)"),
    "points_no_member": (
        "请先关联会员：积分属于会员",
        "Attach the member first: points belong to a member"),
    "points_disabled": (
        "本店不接受积分支付",
        "This store does not take points"),
    "points_insufficient": (
        "该会员只有 {available} 积分可用",
        "The member has only {available} points to spend"),
    "points_invalid": (
        "使用的积分须大于零",
        "Redeem more than zero points"),
    "points_step": (
        "积分须按 {step} 的整数倍使用",
        "Points are redeemed in steps of {step}"),
}
