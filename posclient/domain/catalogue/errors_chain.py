"""What the till says about the chain's stock (issue 18): F12's view of the other stores and
orders placed at the till for another store (endless aisle). Message id -> (Chinese, English)."""

from __future__ import annotations

ERRORS: dict[str, tuple[str, str]] = {
    # -- F12: the other stores (app/chain_stock.py, sync/chain_calls.py) ----------------------
    "chain_stock_no_central": (
        "本收银机未连接总部：无法查询其他门店的库存",
        "This till is not connected to a central: other stores' stock cannot be checked"),
    "chain_stock_unknown": (
        "总部不认识该商品：无法查询其他门店的库存",
        "The central does not know this item: other stores' stock cannot be checked"),
    # -- ordering for a customer from another store (app/aisle.py, sync/chain_calls.py) ----------
    "aisle_offline": (
        "离线：现在无法向其他门店订货",
        "Offline: cannot order from another store now"),
    "aisle_stock_short": (
        "该门店库存不足：现在只能订 {available} 件",
        "That store does not have enough: only {available} can be ordered now"),
    "aisle_store_unknown": (
        "总部不认识门店 {store}",
        "The central does not know store {store}"),
    "aisle_unsupported": (
        "总部版本较旧，不能预留其他门店的库存",
        "The central is older than this till: it cannot hold another store's stock"),
    "aisle_qty_invalid": (
        "数量必须在 1 到 {most} 之间",
        "The quantity must be from 1 to {most}"),
    "aisle_deposit_invalid": (
        "定金必须在 0.01 到 {total} 之间",
        "The deposit must be from 0.01 to {total}"),
    "aisle_customer_missing": (
        "自提需要顾客的姓名和手机号",
        "The customer's name and mobile are needed for the pick-up"),
    "aisle_phone_invalid": (
        "手机号无效",
        "The mobile number is not valid"),
    "aisle_no_keys": (
        "本收银机还没有总部的会员密钥：无法加密顾客的手机号，请先同步",
        "This till has no member keys from the central yet: the customer's mobile cannot be "
        "sealed; sync first"),
    "aisle_own_store": (
        "本店的商品请直接销售",
        "Sell this store's own goods at the till"),
    "aisle_suspend": (
        "含其他门店订货的销售不能挂单：请结账或作废",
        "A sale with an order from another store cannot be suspended: complete or void it"),
    "aisle_address_missing": (
        "送货上门需要顾客的地址",
        "The customer's address is needed for the delivery"),
    "aisle_address_too_long": (
        "地址最多 {most} 个字",
        "The address is at most {most} characters"),
    "aisle_delivery_in_full": (
        "送货上门的订单须在收银台全额付清，不收定金",
        "A delivery is paid in full at the till: no deposit"),
    "aisle_not_in_sale": (
        "订货前的那笔销售已结束：预留已取消，请重新订货",
        "The sale the order was for has ended: its hold was given up; order again"),
    # -- cancelling an order placed at a till, its money back (app/aisle_cancel.py) ------------
    "order_cancel_offline": (
        "离线：现在无法取消门店下的订单（本机无法确认该订单是否已被提走），请连上总部后再试",
        "Offline: an order placed at a till cannot be cancelled now (this till cannot know "
        "whether it was collected). Try again when the central is reachable"),
    "order_cancel_unknown": (
        "总部没有订单 {order_no}",
        "The central has no order {order_no}"),
    "order_cancel_not_store": (
        "订单 {order_no} 不是在门店下的订单：由网店取消并退款",
        "Order {order_no} was not placed at a till: the web shop cancels it and refunds it"),
    "order_cancel_started": (
        "订单 {order_no} 已（部分）提货，不能取消：已提的商品请按退货办理",
        "Order {order_no} has been (partly) collected: it cannot be cancelled. What was "
        "collected comes back as a return"),
    "order_cancel_cancelled": (
        "订单 {order_no} 已经取消，不能再次退款",
        "Order {order_no} is cancelled already: its money is not given back again"),
    "order_cancel_refunded": (
        "订单 {order_no} 已经退过款，不能再次退款",
        "Order {order_no} has had its money back already: it is not given back again"),
    "order_cancel_nothing_paid": (
        "订单 {order_no} 没有在门店付过款，无需退款",
        "Nothing was paid at a till for order {order_no}: there is nothing to give back"),
    "order_cancel_no_reason": (
        "请填写取消原因",
        "Give a reason for the cancellation"),
}
