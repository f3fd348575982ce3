"""The central's demo-data and the till's ``posclient demo-data`` generate the same store."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from posclient.app.demo_data import demo_rows as till_rows
from posclient.assets import demo_document
from posclient.domain.demo_data import demo_rows
from sync.central.demo import vocabulary

NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def test_a_seed_gives_the_central_the_tills_rows():
    central = list(demo_rows(vocabulary(), random.Random(42), 1_500, 200, NOW, chunk_size=400))
    till = list(till_rows(demo_document, 1_500, 200, 42, NOW, chunk_size=400))
    assert [c[0] for c in central] == [c[0] for c in till]
    # The same rows but the search index's (the central keeps none: each till makes its own).
    assert ([c for c in central if c[0] != "product_search"]
            == [c for c in till if c[0] != "product_search"])
    assert len([c for c in central if c[0] == "products"]) == 4
