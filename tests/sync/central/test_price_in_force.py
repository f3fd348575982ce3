"""The till (posclient/store/catalog.py, in SQL) and the central (sync/central/promotions.py,
on its records) pick the same price at every moment, ties included: both apply
posclient.domain.prices."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from posclient.domain.prices import PriceEntry, price_in_force
from posclient.store.catalog import Catalog
from posclient.store.db import Store
from sync.central.promotions import price_at as central_price_at

MOMENTS = (0, 5, 10, 15, 20, 25, 30, 35)

entries_st = st.lists(
    st.tuples(st.sampled_from(["retail", "gold"]), st.sampled_from([0, 10, 20]),
              st.sampled_from([None, 15, 25, 30])),
    max_size=8)


@settings(max_examples=60, deadline=None)
@given(entries_st, st.permutations(range(1, 9)))
def test_the_till_and_the_central_pick_the_same_price(tmp_path_factory, raw, ids):
    entries = [PriceEntry(ids[i], 100 + i, plist, vf, vt if vt is None or vt > vf else None)
               for i, (plist, vf, vt) in enumerate(raw)]
    store = Store.open(tmp_path_factory.mktemp("till") / "till.db")
    try:
        with store.write() as c:
            c.execute("INSERT INTO tax_rates (code, rate_ppm) VALUES ('VAT13', 130000)")
            c.execute("INSERT INTO products (id, sku, name_zh, name_en, measure, tax_code) "
                      "VALUES (7, 'SKU7', '牛奶', 'Milk', 'each', 'VAT13')")
            # inserted in an order unrelated to the ids: the till must not depend on it
            c.executemany(
                "INSERT INTO prices (id, product_id, price_list, amount, valid_from, valid_to) "
                "VALUES (?, 7, ?, ?, ?, ?)",
                [(e.id, e.price_list, e.amount, e.valid_from, e.valid_to)
                 for e in sorted(entries, key=lambda e: (e.amount % 3, -e.id))])
        records = [{"id": e.id, "product_id": 7, "price_list": e.price_list,
                    "amount": e.amount, "valid_from": e.valid_from, "valid_to": e.valid_to}
                   for e in entries]
        catalog = Catalog(store.conn)
        for plist in ("retail", "gold"):
            for at in MOMENTS:
                best = price_in_force(entries, at, plist)
                want = None if best is None else best.amount
                assert catalog.price_at(7, at, plist) == want
                assert central_price_at(records, plist, at) == want
    finally:
        store.close()


def test_a_tie_on_valid_from_goes_to_the_highest_id_on_both_sides(tmp_path):
    store = Store.open(tmp_path / "till.db")
    try:
        with store.write() as c:
            c.execute("INSERT INTO tax_rates (code, rate_ppm) VALUES ('VAT13', 130000)")
            c.execute("INSERT INTO products (id, sku, name_zh, name_en, measure, tax_code) "
                      "VALUES (7, 'SKU7', '牛奶', 'Milk', 'each', 'VAT13')")
            c.executemany("INSERT INTO prices (id, product_id, amount, valid_from) "
                          "VALUES (?, 7, ?, 10)", [(9, 190), (4, 140), (6, 160)])
        records = [{"id": i, "product_id": 7, "amount": a, "valid_from": 10}
                   for i, a in ((9, 190), (4, 140), (6, 160))]
        assert Catalog(store.conn).price_at(7, 10) == 190
        assert central_price_at(records, "retail", 10) == 190
    finally:
        store.close()
