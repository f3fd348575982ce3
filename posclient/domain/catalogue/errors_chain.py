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
    "aisle_not_in_sale": (
        "订货前的那笔销售已结束：预留已取消，请重新订货",
        "The sale the order was for has ended: its hold was given up; order again"),
}
