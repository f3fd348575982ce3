"""What ``posclient ... --json`` prints: one JSON document on standard output, for IT's scripts.

Amounts are integers in minor units (fen) with their currency, as everywhere in the till; times
are ISO 8601 in UTC. Fields are added freely and never renamed (scripts depend on them). Errors
do not come as JSON: they go to standard error in words, and the exit code says what happened
(see ``posclient --help``).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

from posclient.app.lookup import ProductInfo
from posclient.domain.cart import Measure


def emit(document: Any) -> None:
    """Print ``document`` as JSON (UTF-8, Chinese as it is) and a newline."""
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n")


def products(results: Iterable[ProductInfo]) -> list[dict[str, Any]]:
    out = []
    for info in results:
        p = info.product
        out.append({
            "sku": p.sku, "name_zh": p.name_zh, "name_en": p.name_en,
            "category": p.category, "brand": p.brand, "active": p.active,
            "measure": p.measure.value, "plu": p.plu, "barcodes": list(info.barcodes),
            # per unit, or per kilogram for weighed items (measure "gram")
            "price": None if info.price is None else info.price.minor,
            "price_per": "kg" if p.measure is Measure.GRAM else "unit",
            "currency": None if info.price is None else info.price.currency,
            # units, or grams for weighed items; None: the till knows no level
            "stock": info.stock, "reserved": info.reserved, "sellable": info.sellable,
        })
    return out


def status(till: Any, sync: Any) -> dict[str, Any]:
    """``posclient status --json``: the till (:class:`TillStatus`) and its sync state."""
    doc = asdict(till)
    sync_doc = asdict(sync)
    sync_doc.pop("progress", None)  # only meaningful to a live window
    doc["sync"] = sync_doc
    return doc
