"""The till's stock stays exact while the central's levels catch up with its sales.

Stock = the central's level + the movements the view ``stock_pending`` still counts. These
tests play the sync engine's steps by hand (posclient/store/stock.py): a sale is written with
its outbox event; the push marks events 'sent' or 'rejected' (or leaves them unanswered); the
drain applies the central's levels and :func:`acknowledge_sent` in one transaction; the tidy
flags movements afterwards. At every step, every product's stock must be exactly the starting
level minus what this till sold.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from posclient.store import outbox
from posclient.store.catalog import Catalog
from posclient.store.db import Store, migration_scripts
from posclient.store.stock import (
    acknowledge_sent,
    tidy_acknowledged,
    tidy_candidates,
    watermark,
)

START = {1: 100, 2: 50, 3: 10}


class Till:
    """A till database with three products, and what the central has counted of its sales."""

    def __init__(self, path: Path) -> None:
        self.store = Store.open(path)
        self.sold: dict[int, int] = dict.fromkeys(START, 0)  # by the till
        self.central = dict(START)  # the central's levels as the till last read them
        self.lines: dict[int, list[tuple[int, int]]] = {}  # terminal_seq -> (product, qty)
        with self.store.write() as c:
            c.execute("INSERT INTO tax_rates (code, rate_ppm) VALUES ('V', 0)")
            for pid, qty in START.items():
                c.execute("INSERT INTO products (id, sku, name_zh, name_en, measure, tax_code) "
                          "VALUES (?, ?, 'x', 'x', 'each', 'V')", (pid, f"S{pid}"))
                c.execute("INSERT INTO stock_levels (product_id, qty) VALUES (?, ?)",
                          (pid, qty))

    def sell(self, *lines: tuple[int, int]) -> int:
        """A sale as checkout writes it: the event, then its movements naming its seq."""
        with self.store.write() as c:
            n = len(self.lines) + 1
            seq = outbox.append(c, event_id=f"e{n}", type="sale", occurred_at="t",
                                payload={"n": n})
            c.executemany(
                "INSERT INTO stock_movements (product_id, qty_delta, reason, event_id, "
                "occurred_at, terminal_seq) VALUES (?, ?, 'sale', ?, 't', ?)",
                [(pid, -qty, f"e{n}", seq) for pid, qty in lines])
        for pid, qty in lines:
            self.sold[pid] += qty
        self.lines[seq] = list(lines)
        return seq

    def answer(self, seq: int, status: str) -> None:
        """The push's record of the central's answer; 'sent' means the central applied it."""
        with self.store.write() as c:
            c.execute("UPDATE outbox SET status = ? WHERE terminal_seq = ?", (status, seq))
        if status == "sent":
            for pid, qty in self.lines[seq]:
                self.central[pid] -= qty

    def drain(self) -> None:
        """The last page: the central's levels, with the watermark, in one transaction."""
        with self.store.write() as c:
            c.executemany("UPDATE stock_levels SET qty = ? WHERE product_id = ?",
                          [(q, p) for p, q in self.central.items()])
            acknowledge_sent(c)

    def tidy(self, chunk: int = 2_000) -> None:
        """The tidy, one transaction per chunk; the stock is checked after each."""
        ids = tidy_candidates(self.store.conn)
        for at in range(0, len(ids), chunk):
            with self.store.write() as c:
                tidy_acknowledged(c, ids[at:at + chunk])
            self.check()

    def reopen(self) -> Till:
        """The same till after a restart (a new connection)."""
        self.store = Store.open(self.store.path or "")
        return self

    def stock(self) -> dict[int, int | None]:
        cat = Catalog(self.store.conn)
        return {pid: cat.stock(pid) for pid in START}

    def check(self) -> None:
        assert self.stock() == {p: START[p] - self.sold[p] for p in START}

    def unflagged(self) -> int:
        return self.store.conn.execute(
            "SELECT count(*) FROM stock_movements WHERE acked = 0").fetchone()[0]


@pytest.fixture
def till(tmp_path):
    t = Till(tmp_path / "till.db")
    yield t
    t.store.close()


def test_sale_push_drain_and_tidy_keep_the_stock_exact(till):
    for _ in range(3):
        till.sell((1, 2), (2, 1))
    till.check()
    for seq in (1, 2, 3):
        till.answer(seq, "sent")  # the central applied them; the till has not read it yet
        till.check()
    till.drain()
    till.check()
    assert watermark(till.store.conn) == 3
    assert till.unflagged() == 6  # the drain flagged no movement: only the watermark moved
    till.tidy(chunk=4)
    assert till.unflagged() == 0 and tidy_candidates(till.store.conn) == []
    till.sell((3, 1))  # after the watermark: counted
    till.check()


def test_a_rejected_event_in_the_middle_keeps_counting(till):
    first, bad, last = till.sell((1, 1)), till.sell((1, 5), (3, 2)), till.sell((2, 1))
    till.answer(first, "sent")
    till.answer(bad, "rejected")  # the central did not apply it: its stock still left here
    till.answer(last, "sent")
    till.drain()
    till.check()
    assert watermark(till.store.conn) == last
    assert till.store.conn.execute("SELECT terminal_seq FROM stock_held").fetchall() == [(bad,)]
    till.tidy(chunk=1)
    assert till.unflagged() == 2  # the rejected sale's movements
    nxt = till.sell((2, 2))
    till.answer(nxt, "sent")
    till.drain()  # a later watermark keeps it held
    till.check()
    till.tidy()
    assert till.unflagged() == 2


def test_a_rejected_event_sent_again_counts_until_the_levels_include_it(till):
    bad = till.sell((1, 4))
    ok = till.sell((2, 1))
    till.answer(bad, "rejected")
    till.answer(ok, "sent")
    till.drain()
    till.tidy()
    with till.store.write() as c:  # a manager fixes and re-queues it (not in the app yet)
        c.execute("UPDATE outbox SET status = 'pending' WHERE terminal_seq = ?", (bad,))
    till.check()
    till.drain()  # a cycle whose push did not get to it: still waiting, held
    till.check()
    assert watermark(till.store.conn) == ok  # never moves back
    till.answer(bad, "sent")
    till.check()  # sent, but the levels the till holds do not include it yet
    till.drain()
    till.check()
    till.tidy()
    assert till.unflagged() == 0


def test_an_event_answered_out_of_order(till):
    a, b, c = till.sell((1, 1)), till.sell((1, 2)), till.sell((2, 3))
    till.answer(b, "sent")
    till.answer(c, "sent")  # a not answered (yet): the central has not applied it
    till.drain()
    till.check()
    assert watermark(till.store.conn) == a - 1
    assert till.unflagged() == 1  # b and c flagged one by one, in the drain's transaction
    till.answer(a, "sent")
    till.check()
    till.drain()
    till.check()
    assert watermark(till.store.conn) == c
    till.tidy()
    assert till.unflagged() == 0


def test_a_crash_between_the_watermark_and_the_tidy_is_harmless(tmp_path):
    till = Till(tmp_path / "till.db")
    for _ in range(5):
        till.answer(till.sell((1, 1), (2, 2)), "sent")
    till.drain()
    till.store.close()  # the engine stopped here: no tidy
    again = till.reopen()
    again.check()  # the watermark alone decides
    assert again.unflagged() == 10 and len(tidy_candidates(again.store.conn)) == 10
    again.answer(again.sell((3, 1)), "sent")
    again.check()
    again.drain()
    again.tidy()
    again.check()
    assert again.unflagged() == 0
    again.store.close()


def test_a_movement_without_its_event_seq_is_refused(till):
    with pytest.raises(Exception, match="needs its outbox event"), till.store.write() as c:
        c.execute("INSERT INTO stock_movements (product_id, qty_delta, reason, event_id, "
                  "occurred_at) VALUES (1, -1, 'sale', 'x', 't')")


def test_the_migration_backfills_the_seq_and_keeps_the_stock(tmp_path):
    path = tmp_path / "till.db"
    before = [m for m in migration_scripts() if m[1] < "0006"]
    with Store.open(path, scripts=before) as store, store.write() as c:
        c.execute("INSERT INTO tax_rates (code, rate_ppm) VALUES ('V', 0)")
        c.execute("INSERT INTO products (id, sku, name_zh, name_en, measure, tax_code) "
                  "VALUES (1, 'S1', 'x', 'x', 'each', 'V')")
        c.execute("INSERT INTO stock_levels (product_id, qty) VALUES (1, 100)")
        for n, status in enumerate(("sent", "sent", "rejected", "pending"), start=1):
            seq = outbox.append(c, event_id=f"e{n}", type="sale", occurred_at="t",
                                payload={})
            c.execute("UPDATE outbox SET status = ? WHERE terminal_seq = ?", (status, seq))
            c.execute("INSERT INTO stock_movements (product_id, qty_delta, reason, event_id, "
                      "occurred_at, acked) VALUES (1, ?, 'sale', ?, 't', ?)",
                      (-n, f"e{n}", 1 if n == 1 else 0))  # e1 acknowledged already
        c.execute("INSERT INTO stock_movements (product_id, qty_delta, reason, event_id, "
                  "occurred_at) VALUES (1, -10, 'count', 'no-event', 't')")
        old = 100 + c.execute("SELECT sum(qty_delta) FROM stock_movements WHERE acked = 0"
                              ).fetchone()[0]  # the rule before the watermark
    assert old == 100 - 2 - 3 - 4 - 10
    with Store.open(path) as store:
        c = store.conn
        assert c.execute("SELECT event_id, terminal_seq FROM stock_movements ORDER BY id"
                         ).fetchall() == [("e1", 1), ("e2", 2), ("e3", 3), ("e4", 4),
                                          ("no-event", None)]
        assert Catalog(c).stock(1) == old
        with store.write() as w:  # the next drain: e2 is in the levels now
            w.execute("UPDATE stock_levels SET qty = 98 WHERE product_id = 1")
            assert acknowledge_sent(w).through == 3
        assert Catalog(c).stock(1) == old
        with store.write() as w:
            tidy_acknowledged(w, tidy_candidates(c))
        assert Catalog(c).stock(1) == old
        assert c.execute("SELECT event_id FROM stock_movements WHERE acked = 0 ORDER BY id"
                         ).fetchall() == [("e3",), ("e4",), ("no-event",)]
