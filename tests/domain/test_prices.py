"""The price in force (posclient/domain/prices.py): the rule the till and the central share."""

from __future__ import annotations

from posclient.domain.prices import PRICE_RANK, PriceEntry, price_in_force, price_rank_sql


def test_the_latest_valid_from_wins_and_a_tie_goes_to_the_highest_id():
    entries = [PriceEntry(1, 100), PriceEntry(3, 130, valid_from=50),
               PriceEntry(2, 120, valid_from=50), PriceEntry(4, 90, valid_from=80)]
    assert price_in_force(entries, 10).amount == 100
    assert price_in_force(entries, 50).amount == 130  # ids 2 and 3 tie: 3
    assert price_in_force(entries, 80).amount == 90


def test_an_expired_or_future_entry_or_another_list_never_applies():
    entries = [PriceEntry(1, 100, valid_from=10, valid_to=20),
               PriceEntry(2, 80, price_list="gold")]
    assert price_in_force(entries, 9) is None
    assert price_in_force(entries, 10).amount == 100
    assert price_in_force(entries, 20) is None  # valid_to is excluded
    assert price_in_force(entries, 15, "gold").amount == 80


def test_the_sql_order_is_the_rank_descending():
    assert PRICE_RANK == ("valid_from", "id")
    assert price_rank_sql() == "valid_from DESC, id DESC"
