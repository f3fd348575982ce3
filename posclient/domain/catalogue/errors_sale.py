"""What the till says when it refuses a sale's step: scanning, quantities and prices, the
sale, suspended sales, web orders and returns. Message id -> (Chinese, English)."""

from __future__ import annotations

ERRORS: dict[str, tuple[str, str]] = {
    # -- scanning and looking up (app/lookup.py, domain/barcode.py) ----------------------------
    "barcode_empty": (
        "未扫描到任何内容",
        "Nothing was scanned"),
    "barcode_unknown.scanned": (
        "条码 {barcode} 不在本店商品库中，请核对商品或按名称查找。",
        "Unknown barcode {barcode}: it is not in this store's catalogue. Check the item, or "
        "find it by name."),
    "barcode_unknown.scale_label": (
        "电子秤标签 {barcode}：商品 {plu} 不在本店商品库中",
        "Scale label {barcode}: item {plu} is not in this store's catalogue"),
    "barcode_unknown.item_number": (
        "没有货号为 {barcode!r} 的商品",
        "No item with number {barcode!r}"),
    "barcode_mismatch": (
        "电子秤标签 {barcode} 是称重标签，但“{product:product}”按件销售",
        "Scale label {barcode} carries a weight but {product:product} is sold by the unit"),
    "barcode_malformed.text": (
        "{barcode} 不是商品条码或货号",
        "{barcode} is not a product barcode or item number"),
    "barcode_malformed.number": (
        "该号码不是商品条码或货号",
        "This number is not a product barcode or item number"),
    "barcode_malformed.digits": (
        "{barcode!r} 不是商品条码（应为 8、12、13 或 14 位数字）",
        "{barcode!r} is not a product barcode (expected 8, 12, 13 or 14 digits)"),
    "barcode_check_digit.scanned": (
        "条码 {barcode} 校验位错误：请重新扫描或仔细输入",
        "Barcode {barcode} failed its check digit: scan it again or type it carefully"),
    "barcode_check_digit.scale_label": (
        "电子秤标签 {barcode} 校验位错误：请重新打印标签",
        "Scale label {barcode} failed its check digit: reprint the label"),
    "product_inactive": (
        "{product:product}（{sku}）已停售",
        "{product:product} ({sku}) is no longer sold"),
    "price_missing": (
        "{product:product}（{sku}）没有价格：请联系主管",
        "{product:product} ({sku}) has no price: call a supervisor"),
    "tax_missing": (
        "本收银机未设置税率 {tax_code}",
        "Tax rate {tax_code} is not set up on this till"),
    "product_unknown": (
        "没有编号为 {product_id} 的商品",
        "There is no product {product_id}"),
    # -- quantities, prices, discounts (domain/cart.py) ----------------------------------------
    "qty_invalid.after_star": (
        "{text!r}：* 后面的数量必须是整数",
        "{text!r}: the quantity after * must be a whole number"),
    "qty_invalid.whole": (
        "数量必须是整数",
        "Quantity must be a whole number"),
    "qty_invalid.weight": (
        "重量必须大于 0 克",
        "Weight must be more than 0 g"),
    "qty_invalid.at_least_one": (
        "数量至少为 1",
        "Quantity must be at least 1"),
    "qty_too_large.weight": (
        "重量 {weight_g:kg} 千克超过单行上限 {max_weight_g:whole_kg} 千克：请检查电子秤",
        "Weight {weight_g:kg} kg is more than the {max_weight_g:whole_kg} kg a line may hold: "
        "check the scale"),
    "qty_too_large.qty": (
        "数量 {qty} 超过单行上限 {max_qty}",
        "Quantity {qty} is more than the {max_qty} a line may hold"),
    "qty_fixed": (
        "电子秤标签商品不能修改数量：请重新称重",
        "A scale label's quantity cannot be changed: weigh the item again"),
    "line_not_found": (
        "本单没有第 {line_id} 行",
        "There is no line {line_id} in this sale"),
    "too_many_lines": (
        "每单最多 {max_lines} 行：请先结完本单，再开新单",
        "A sale may have at most {max_lines} lines: finish this one and start another"),
    "currency_mismatch.price": (
        "价格币种为 {currency}，但本收银机以 {till_currency} 结算",
        "Price in {currency}, but this till sells in {till_currency}"),
    "currency_mismatch.sale_paid": (
        "本单以 {currency} 结算",
        "This sale is paid in {currency}"),
    "currency_mismatch.suspended": (
        "该挂单币种为 {currency}，本收银机使用 {till_currency}",
        "The suspended sale is in {currency}, this till sells in {till_currency}"),
    "currency_mismatch.refund": (
        "{ref} 以 {currency} 支付；本收银台以 {till_currency} 退款",
        "{ref} was paid in {currency}; this till refunds in {till_currency}"),
    "price_invalid.label": (
        "标签价格必须大于零",
        "A label price must be more than zero"),
    "price_invalid.negative": (
        "价格不能为负数",
        "A price cannot be negative"),
    "price_too_large": (
        "价格 {price:price} 超过收银机上限：请核对金额",
        "Price {price:price} is above the till's limit: check the amount"),
    "price_fixed": (
        "电子秤标签商品不能改价",
        "A scale label's price cannot be overridden"),
    "reason_required.price": (
        "请填写改价原因",
        "Give a reason for the price change"),
    "reason_required.no_sale": (
        "请填写开钱箱原因",
        "Give a reason for opening the drawer"),
    "reason_required.return": (
        "请填写退货原因",
        "Give a reason for the return"),
    "reason_required.cash_movement": (
        "请填写现金进出的原因",
        "Give a reason for the cash movement"),
    "reason_unknown": (
        "{reason_code} 不是此操作可用的原因",
        "{reason_code} is not a reason for this"),
    "reason_from_list": (
        "请从列表中选择原因",
        "Choose a reason from the list"),
    "discount_range.percent": (
        "折扣百分比必须大于 0% 且不超过 100%",
        "A percent discount must be more than 0% and at most 100%"),
    "discount_range.amount": (
        "折扣金额必须大于零",
        "A discount amount must be more than zero"),
    "discount_malformed": (
        "{text!r} 不是有效折扣：请输入如 10% 的百分比或如 5.00 的金额",
        "{text!r} is not a discount: use 10% or an amount such as 5.00"),
    "discount_too_large.line": (
        "折扣超过该行金额",
        "The discount is more than the line's amount"),
    "discount_too_large.nothing": (
        "没有可打折的金额",
        "There is nothing to discount"),
    "discount_too_large.sale": (
        "折扣超过整单金额",
        "The discount is more than the sale's amount"),
    "below_paid": (
        "修改后合计将低于已收金额：如需退还已收款项，请整单作废",
        "This would bring the total below what was already paid: void the sale to give the "
        "payments back"),
    # -- the sale (app/checkout.py) ------------------------------------------------------------
    "cart_empty.suspend": (
        "没有可挂起的商品",
        "There is nothing to suspend"),
    "cart_empty.scan_first": (
        "请先扫描商品",
        "Scan an item first"),
    "has_payments": (
        "已收款的单据不能挂单：请完成结账或整单作废",
        "A sale with payments cannot be suspended: finish or void it"),
    "cart_not_empty.resume": (
        "请先完成或挂起当前单据，再取单",
        "Finish or suspend the current sale before resuming another"),
    "cart_not_empty.no_sale": (
        "请先完成或挂起当前单据，再开钱箱",
        "Finish or suspend the sale before opening the drawer"),
    "suspended_unknown": (
        "没有单号为 {suspended_id} 的挂单",
        "There is no suspended sale {suspended_id}"),
    "suspended_unreadable": (
        "无法读取该挂单，已原样保留",
        "The suspended sale cannot be read; it was left as it is"),
    # -- suspended sales shared between tills (app/checkout.py, sync/parked.py, sync/engine.py)
    "parked_taken": (
        "该挂单已在另一台收银机上取回",
        "This sale was already resumed at another till"),
    "parked_unknown": (
        "总部没有这笔挂单",
        "The central does not know this suspended sale"),
    "parked_empty": (
        "取回的挂单没有商品明细",
        "The suspended sale came without its cart"),
    "central_unreachable.resume": (
        "无法连接总部：请重试，或在挂单的收银机上取回",
        "The central cannot be reached: try again, or resume the sale at the till that "
        "suspended it"),
    "central_unreachable.now": (
        "暂时无法连接总部：请稍后重试",
        "The central cannot be reached now: try again in a moment"),
    # -- web orders at the till (app/orders.py, app/checkout.py, sync/calls.py) ---------------
    "order_unknown.till": (
        "本收银机上没有订单 {order_no}",
        "There is no order {order_no} on this till"),
    "order_unknown.central": (
        "总部没有订单 {order_no}",
        "The central has no order {order_no}"),
    "order_line_unknown": (
        "订单 {order_no} 没有第 {line_no} 行",
        "Order {order_no} has no line {line_no}"),
    "order_not_pickup": (
        "订单 {order_no} 为送货上门，不在门店自提",
        "Order {order_no} is delivered, not collected in store"),
    "order_other_store": (
        "订单 {order_no} 应在门店 {store} 自提",
        "Order {order_no} is to be collected at store {store}"),
    "order_other_store.central": (
        "订单 {order_no} 不在本店自提（是其他门店的订单或送货订单）：退货请在“退货”中办理",
        "Order {order_no} is not collected at this store (it is another store's, or a "
        "delivery): to take it back, use Returns"),
    "order_cancelled": (
        "订单 {order_no} 已取消：没有可交付的商品",
        "Order {order_no} was cancelled: there is nothing to hand over"),
    "order_currency.currency": (
        "订单 {order_no} 无法在本收银机交付：其价格不是本店币种的含税价",
        "Order {order_no} cannot be handed over at this till: its prices are not in this "
        "store's currency with tax included"),
    "order_currency.total": (
        "订单 {order_no} 在本收银机上金额不符",
        "Order {order_no} does not add up at this till"),
    "order_item_unknown": (
        "订单 {order_no} 的商品 {sku} 尚未同步到本收银机：请同步后重试",
        "Item {sku} of order {order_no} is not in this till's catalogue yet: sync, then try "
        "again"),
    "pickup_code_wrong.left": (
        "提货码与该订单不符：再错 {left} 次，该订单的提货码将被锁定",
        "That is not this order's pick-up code: {left} more wrong and the order's code is "
        "locked"),
    "pickup_code_locked": (
        "订单 {order_no} 的提货码已连续输错 {limit} 次，本机不再核对：请查验顾客身份证件，"
        "提货码留空并由店长批准交付；或待连上总部后再核对",
        "Order {order_no}: the pick-up code was wrong {limit} times in a row, so this till no "
        "longer checks it. Check the customer's ID and hand the order over with a manager's "
        "approval (leave the code empty), or check the code again when the central is "
        "reachable"),
    "pickup_code_locked.central": (
        "订单 {order_no} 的提货码已连续输错 {limit} 次，总部已将其锁定：请查验顾客身份证件，"
        "提货码留空并由店长批准交付",
        "Order {order_no}: the pick-up code was wrong {limit} times in a row and the central "
        "has locked it. Check the customer's ID and hand the order over with a manager's "
        "approval (leave the code empty)"),
    "pickup_empty": (
        "请至少选择一件要交付的商品",
        "Choose at least one item to hand over"),
    "pickup_qty_invalid": (
        "订单 {order_no} 第 {line_no} 行还剩 {open} 件待提，不是 {qty} 件",
        "Line {line_no} of order {order_no} has {open} left to collect, not {qty}"),
    "not_discountable": (
        "{product:product} 不参与任何折扣：按原价销售",
        "{product:product} is not discountable: it is sold at its full price"),
    "pickup_locked": (
        "这是订单 {order_no} 的提货：商品不能修改（作废后重新开始）",
        "This is the pick-up of order {order_no}: its items cannot be changed (void it to start "
        "again)"),
    # -- returns (app/returns.py, app/receipts.py, sync/calls.py, ui/returns.py) --------------
    "purchase_unknown_offline": (
        "{ref} 不是本收银台的小票，也不是本机保存的订单：总部连不上时只能退这些",
        "{ref} is not a receipt of this till nor an order it holds: with the central away, only "
        "those can be returned"),
    "purchase_unknown.ref": (
        "总部没有小票或订单 {ref}",
        "The central knows no receipt or order {ref}"),
    "purchase_unknown.gone": (
        "总部已找不到这笔购买",
        "The central no longer knows this purchase"),
    "order_not_returnable": (
        "{ref}：这笔网购订单没有可退的商品（尚未自提或送达、已取消，或已全部退回）",
        "{ref}: this web order has nothing to return (nothing of it was collected or delivered "
        "yet, it was cancelled, or all of it came back already)"),
    "purchase_line_unknown": (
        "{ref} 没有第 {line_id} 行",
        "{ref} has no line {line_id}"),
    "exchange_open": (
        "本单有退回的商品：请先完成换货或作废本单",
        "Goods are coming back in this basket: finish the exchange or void it first"),
    "purchase_first": (
        "请先找到原购买记录",
        "Find the purchase first"),
    "return_beyond_returnable": (
        "{ref} 第 {line_id} 行（{product:product}）还可退 {left} 件，不能退 {qty} 件",
        "Line {line_id} of {ref} ({product:product}) has {left} left to return, not {qty}"),
    "return_weighed_part": (
        "{ref} 第 {line_id} 行是称重商品：只能整行退回",
        "Line {line_id} of {ref} is weighed: it comes back whole"),
    "return_weighed_label": (
        "{product:product} 按重量销售：请扫描它的称重标签",
        "{product:product} is sold by weight: scan its scale label"),
    "return_qty_invalid": (
        "{qty} 不是可退的数量",
        "{qty} is not a quantity that can be returned"),
    "return_empty": (
        "请至少选择一件要退的商品",
        "Choose at least one item to return"),
    "return_condition_invalid": (
        "{condition!r} 不是有效的商品状况（回库或损坏）",
        "{condition!r} is not a condition (restock or damaged)"),
    "return_not_reserved": (
        "这笔退货尚未在总部预留",
        "The return is not reserved at the central yet"),
    "return_offline_limit": (
        "总部连不上时，每笔退货最多退款 {limit}",
        "With the central away a return may refund at most {limit}"),
    "return_offline_daily_limit": (
        "今天本收银台在离线状态下最多还能退款 {left}",
        "This till may refund only {left} more without the central today"),
    "return_refused_by_central": (
        "总部拒绝了这笔退货：{detail}",
        "The central refused the return: {detail}"),
    "reservation_unknown": (
        "总部已不再保留这笔退货",
        "The central no longer holds this return"),
    "return_unknown": (
        "没有退货单 {return_id}",
        "There is no return {return_id}"),
    "refund_mismatch": (
        "退款合计必须是 {total}",
        "The refund must be {total} in all"),
    "refund_kind_invalid": (
        "{kind} 不能用于退款",
        "{kind} cannot take a refund"),
    "refund_over_tender": (
        "这笔{kind:refund_to}付款最多只能退回 {left}：其余请退现金",
        "That {kind:refund_to} payment can take back only {left}: give the rest in cash"),
    "refund_card_failed": (
        "刷卡机没有退款 {amount}（{reason:phrase}）：未记录任何内容。请重试，或改退现金。",
        "The card terminal did not refund {amount} ({reason:phrase}): nothing was recorded. Try "
        "again, or give the refund in cash."),
}
