"""A web order of the small store (tests/till_kit.py) for the pick-up tests."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any

from posclient.domain.privacy import DEMO_MEMBER_KEYS
from sync.protocol import OrderData, pickup_code_phc

CODE = "7Q4K2M"
PHONE = "13800138000"  # the customer's: the till holds its keyed hash (the demo key) and 8000


@cache
def _w1001_phc() -> str:
    """W1001's pickup-code hash: argon2, slow by design, so made once per process (the
    hashing and its salts are tested in tests/sync/test_pickup_code_rule.py)."""
    return pickup_code_phc("W1001", CODE)


def order(**changes: Any) -> OrderData:
    """Milk x3 at 12.50 with 1.00 off the line, rice x1 at 59.90: 96.40 in all; the customer
    as a till of the demo data (never enrolled) receives them."""
    data = {
        "order_no": "W1001", "status": "ready", "fulfilment": "pickup", "store_id": "S001",
        "customer_name": "陈**", "customer_phone_hash": DEMO_MEMBER_KEYS.digest(PHONE),
        "customer_phone_last4": PHONE[-4:],
        "pickup_code_phc": None if "pickup_code_phc" in changes else _w1001_phc(),
        "currency": "CNY",
        "lines": [
            {"line_no": 1, "product_id": 1, "sku": "100001", "qty": 3, "unit_price": 1250,
             "discount": 100, "total": 3650},
            {"line_no": 2, "product_id": 5, "sku": "100005", "qty": 1, "unit_price": 5990,
             "total": 5990},
        ],
        "payments": [{"kind": "online", "amount": 9640, "method": "alipay"}],
        "total": 9640, "paid": 9640,
        "created_at": datetime(2026, 11, 27, 9, 0, tzinfo=UTC),
        "updated_at": datetime(2026, 11, 27, 9, 0, tzinfo=UTC),
    }
    data.update(changes)
    return OrderData.model_validate(data)
