"""Helpers of the stock-across-channels tests (issue 18): a pick-up order of the small shop
(central_kit), availability asked over HTTP, and the held-stock invariant.

A plain module (not conftest) so test files import it by its unique name.
"""

from __future__ import annotations

from typing import Any

from sync.central import held

CODE = "7Q4K2M"


def pickup_order(order_no: str, store_id: str = "S1", lines: list[tuple[str, int]] | None = None,
                 **changes: Any) -> dict[str, Any]:
    """A pick-up order paid online: ``lines`` (sku, qty) at 1.00 a unit."""
    lines = lines if lines is not None else [("100001", 3)]
    total = sum(q * 100 for _, q in lines)
    order = {"order_no": order_no, "fulfilment": "pickup", "store_id": store_id,
             "pickup_code": CODE, "customer_name": "陈静", "currency": "CNY",
             "lines": [{"sku": s, "qty": q, "unit_price": 100} for s, q in lines],
             "payments": [{"kind": "online", "amount": total, "method": "alipay"}]}
    order.update(changes)
    return order


def ask(central: Any, body: dict[str, Any], headers: dict[str, str] | None = None,
        expect: int = 200) -> Any:
    r = central.http.post("/v1/availability", json=body,
                          headers=central.admin if headers is None else headers)
    assert r.status_code == expect, r.text
    return r.json()


def line_at(answer: dict[str, Any], store_id: str, n: int = 0) -> dict[str, Any]:
    (store,) = [s for s in answer["stores"] if s["store_id"] == store_id]
    return store["lines"][n]  # type: ignore[no-any-return]


def assert_held_invariant(central: Any) -> dict[tuple[str, int], int]:
    """``stock_levels.held`` is what the orders and held reservations say; returns it."""
    with central.engine.connect() as conn:
        expected, stored = held.recount(conn), held.stored(conn)
    assert stored == expected
    return stored
