"""Promotions at the till: applied from a change page or a snapshot (both paths, and removal of
what a complete snapshot no longer holds), and read back for the engine with a cache that
follows the table."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from posclient.domain.promotions import BasketLine, PricingContext
from posclient.store.db import Store
from posclient.store.promotions import PromotionReader
from sync.apply import Applier
from sync.protocol import PromotionData, TaxRateData
from sync.snapshot_writer import SnapshotWriter

AT = datetime(2026, 11, 23, 12, 0, tzinfo=timezone(timedelta(hours=8)))


def promotion(pid: str, **kw: object) -> PromotionData:
    base = {"id": pid, "name_zh": f"促销{pid}", "name_en": f"Promo {pid}", "kind": "percent_off",
            "percent_bp": 1000, "product_ids": [7]}
    return PromotionData.model_validate({**base, **kw})


def apply(store: Store, *records: tuple[str, str, str, object]) -> int:
    with store.write() as conn:
        return Applier(conn, "S1").apply(records)


def ids(store: Store) -> list[str]:
    return [r[0] for r in store.conn.execute("SELECT id FROM promotions ORDER BY id")]


def snapshot(store: Store, records: list[PromotionData], *, bulk: bool | None = None) -> int:
    writer = SnapshotWriter(store, "S1", bulk=bulk)
    try:
        writer.add_many("tax_rate", [TaxRateData(code="VAT9", rate_ppm=90_000)])
        writer.add_many("promotion", records)
        return writer.finish(complete=True)
    finally:
        writer.close()


def test_a_page_upserts_and_deletes_promotions_and_the_reader_follows(tmp_path):
    with Store.open(tmp_path / "t.db") as store:
        reader = PromotionReader(store.conn, "S1")
        assert len(reader.book()) == 0
        apply(store, ("promotion", "upsert", "P1", promotion("P1")),
              ("promotion", "upsert", "P2", promotion("P2", store_ids=["S2"])),
              ("promotion", "upsert", "C1", promotion("C1", coupon_code="save 10")))
        book = reader.book()
        assert [p.id for p in book.promotions] == ["C1", "P1"]  # S2's is not this store's
        assert reader.book() is book  # unchanged table: the cached book
        assert reader.coupon("SAVE10").id == "C1"
        line = BasketLine(line_id=1, product_id=7, unit_price=500, qty=2)
        assert reader.price([line], PricingContext(at=AT, store_id="S1")).total == 900

        apply(store, ("promotion", "upsert", "P1", promotion("P1")))  # the same: no new version
        assert reader.book() is book
        apply(store, ("promotion", "upsert", "P1", promotion("P1", percent_bp=5000)),
              ("promotion", "delete", "C1", None))
        assert [p.percent_bp for p in reader.book().promotions] == [5000]
        assert reader.price([line], PricingContext(at=AT, store_id="S1")).total == 500
        assert reader.coupon("SAVE10") is None


def test_a_first_snapshot_loads_promotions(tmp_path):
    with Store.open(tmp_path / "t.db") as store:
        snapshot(store, [promotion("P1"), promotion("P2", valid_to=1)], bulk=True)
        assert ids(store) == ["P1", "P2"]
        assert [p.id for p in PromotionReader(store.conn, "S1").active(AT)] == ["P1"]


def test_a_complete_snapshot_removes_the_promotions_it_no_longer_holds(tmp_path):
    with Store.open(tmp_path / "t.db") as store:
        apply(store, ("promotion", "upsert", "OLD", promotion("OLD")),
              ("promotion", "upsert", "P1", promotion("P1")))
        reader = PromotionReader(store.conn, "S1")
        assert len(reader.book()) == 2
        removed = snapshot(store, [promotion("P1", percent_bp=2000), promotion("NEW")],
                           bulk=False)
        assert removed >= 1
        assert ids(store) == ["NEW", "P1"]
        assert {p.id: p.percent_bp for p in reader.book().promotions} == {"NEW": 1000,
                                                                          "P1": 2000}
