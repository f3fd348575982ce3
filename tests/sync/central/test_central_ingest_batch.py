"""Event ingest as a batch: the same results and rows as event by event.

``ingest_batch`` runs a request's events together (sync/central/ingest.py ``_Batch``: what an
event sees of the earlier events of its batch is kept in memory) and falls back to one savepoint
per event when something unexpected fails. Here random mixes of accepted, duplicate, malformed,
other-store, unknown-type and foreign events, seq gaps, late seqs filling them, re-used seqs and
receipt numbers, oversells and unknown products are sent three ways to three identical centrals:
in batches, in the same batches forced through the per-event path, and one event per request.
Every result and every stored row must be the same.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from central_kit import APPLE, BREAD, GUM, MILK, RICE, sale_event, seed_shop
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text

from posclient.domain.clock import ManualClock
from sync.central import feed, identity, incidents, ingest, schema
from sync.central.db import make_engine
from sync.central.identity import TerminalIdentity
from sync.central.ledger import ledger_mismatches
from sync.protocol import EnrolRequest, EventResult

UNKNOWN = 777  # not in the catalogue
PRODUCTS = (MILK, BREAD, APPLE, RICE, GUM, UNKNOWN)

# Every table an event can write, with the columns to compare (autoincrement ids left out:
# rows are compared in id order instead).
TABLES = {
    "events": "SELECT * FROM events ORDER BY event_id",
    "sales": "SELECT * FROM sales ORDER BY event_id",
    "stock_movements": "SELECT store_id, product_id, qty_delta, reason, event_id, created_at "
                       "FROM stock_movements ORDER BY id",
    "stock_levels": "SELECT * FROM stock_levels ORDER BY store_id, product_id",
    # per event in the order filed (a rejected event's is filed as the batch reads it, the
    # accepted events' once their stock has moved: the order across events is not a result)
    "exceptions": "SELECT kind, store_id, terminal_id, event_id, detail, status, created_at, "
                  "incident_key, count, last_at FROM exceptions ORDER BY event_id, id",
    # the events behind each (one per incident: a batch's oversells of a product are one)
    "exception_events": "SELECT ee.event_id, x.kind, x.incident_key FROM exception_events ee "
                        "JOIN exceptions x ON x.id = ee.exception_id "
                        "ORDER BY ee.event_id, x.kind, x.incident_key",
    "quarantine": "SELECT event_id, store_id, terminal_id, raw, reason, received_at, attempts "
                  "FROM quarantine ORDER BY id",
    "terminal_gaps": "SELECT * FROM terminal_gaps ORDER BY store_id, terminal_id, first_seq",
    "terminals": "SELECT store_id, terminal_id, high_seq, last_event_at FROM terminals "
                 "ORDER BY store_id, terminal_id",
    "changes": "SELECT * FROM changes ORDER BY seq",
    "feed_head": "SELECT * FROM feed_head",
}


class Centrals:
    """Identical, freshly seeded centrals on the test's database backend."""

    def __init__(self, database_url: str) -> None:
        self.url = database_url
        self.clock = ManualClock()
        self.engines: list[Engine] = []
        self.cleanup: list[Any] = []

    @contextlib.contextmanager
    def make(self, n: int) -> Iterator[list[tuple[Engine, TerminalIdentity, TerminalIdentity]]]:
        made = []
        try:
            for _ in range(n):
                engine = make_engine(self._new_url())
                self.engines.append(engine)
                schema.init_schema(engine, self.clock.now())
                with feed.transaction(engine, self.clock.now()) as tx:
                    seed_shop(tx)
                made.append((engine, self._enrol(engine), self._enrol(engine)))
            yield made
        finally:
            for engine in self.engines:
                engine.dispose()
            self.engines = []
            for undo in reversed(self.cleanup):
                undo()
            self.cleanup = []

    def _new_url(self) -> str:
        if self.url.startswith("sqlite"):
            folder = tempfile.mkdtemp(prefix="ingest-batch-")
            self.cleanup.append(lambda: shutil.rmtree(folder, ignore_errors=True))
            return f"sqlite:///{Path(folder) / 'central.db'}"
        import psycopg

        base = self.url.split("options=")[0].rstrip("?&")
        plain = base.replace("postgresql+psycopg://", "postgresql://")
        name = f"b_{uuid.uuid4().hex[:16]}"
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{name}"')

        def drop() -> None:
            with psycopg.connect(plain, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA "{name}" CASCADE')

        self.cleanup.append(drop)
        sep = "&" if "?" in base else "?"
        return f"{base}{sep}options=-csearch_path%3D{name}"

    def _enrol(self, engine: Engine) -> TerminalIdentity:
        with feed.transaction(engine, self.clock.now()) as tx:
            code, _ = identity.make_enrolment_code(tx, "S1", timedelta(hours=1))
        r = identity.enrol(engine, EnrolRequest(code=code, terminal_name="till"), "test",
                           self.clock.now())
        return TerminalIdentity(r.store_id, r.terminal_id)


@pytest.fixture
def centrals(database_url: str) -> Centrals:
    return Centrals(database_url)


def stored(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as conn:
        return {name: [tuple(r) for r in conn.execute(text(q))] for name, q in TABLES.items()}


def per_event(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every batch take the per-event path (one savepoint per event)."""

    def refuse(self: Any, raw_events: Any) -> Any:
        raise ingest._EventByEvent("test: event by event")

    monkeypatch.setattr(ingest._Batch, "run", refuse)


def send_three_ways(centrals: Centrals, monkeypatch: pytest.MonkeyPatch,
                    prelude: list[dict[str, Any]], batches: list[list[dict[str, Any]]]
                    ) -> tuple[list[list[EventResult]], dict[str, list[tuple[Any, ...]]]]:
    """Send ``batches`` (after ``prelude`` from the other terminal) to three centrals: as
    batches, as batches event by event, one event per request. Asserts all three agree;
    returns the results and the stored rows."""
    clock = centrals.clock
    with centrals.make(3) as [(fast, a1, b1), (slow, a2, b2), (single, a3, b3)]:
        assert a1 == a2 == a3 and b1 == b2 == b3
        for engine in (fast, slow, single):
            ingest.ingest_batch(engine, b1, prelude, clock)
        got_fast = [ingest.ingest_batch(fast, a1, batch, clock) for batch in batches]
        got_single = [[r for ev in batch for r in ingest.ingest_batch(single, a1, [ev], clock)]
                      for batch in batches]
        with monkeypatch.context() as m:
            per_event(m)
            got_slow = [ingest.ingest_batch(slow, a1, batch, clock) for batch in batches]
        assert got_fast == got_slow
        assert got_fast == got_single
        rows = stored(fast)
        assert rows == stored(slow)
        assert rows == stored(single)
        with fast.connect() as conn:
            assert ledger_mismatches(conn) == []
        return got_fast, rows


# -- a scenario drawn by hypothesis ----------------------------------------------------------------

class Till:
    """Makes the events of terminal A (and the odd broken one) the way a scenario asks."""

    def __init__(self, foreign_ids: list[str]) -> None:
        self.seq = 0
        self.used: list[int] = []
        self.sent: list[dict[str, Any]] = []
        self.receipts: list[str] = []
        self.foreign_ids = foreign_ids

    def seq_for(self, how: str, pick: int) -> int:
        if how == "skip":
            return self.seq + 2 + pick % 3
        if how == "late" and self.seq > 1:
            missing = sorted(set(range(1, self.seq)) - set(self.used))
            if missing:
                return missing[pick % len(missing)]
        if how == "reuse" and self.used:
            return self.used[pick % len(self.used)]
        return self.seq + 1

    def event(self, kind: str, how: str, pick: int, lines: list[tuple[int, int]],
              label: bool) -> dict[str, Any]:
        if kind == "duplicate" and self.sent:
            return self.sent[pick % len(self.sent)]
        if kind == "garbage":
            return {"terminal_seq": "x", "payload": []}
        seq = self.seq_for(how, pick)
        self.seq = max(self.seq, seq)
        self.used.append(seq)
        receipt = (self.receipts[pick % len(self.receipts)] if how == "receipt" and self.receipts
                   else f"S1-A-{len(self.receipts) + 1:06d}")
        self.receipts.append(receipt)
        ev = sale_event("S1", seq, lines, receipt_no=receipt,
                        label_price=999 if label else None)
        if kind == "no_lines":
            del ev["payload"]["lines"]
        elif kind == "bad_time":  # not an Event at all, but its seq is readable
            ev["occurred_at"] = "yesterday"
        elif kind == "other_store":
            ev["payload"]["store_id"] = "S2"
        elif kind == "teleport":
            ev["type"] = "teleport"
        elif kind in ("shift_close", "return"):
            ev = {**ev, "type": kind, "payload": {"store_id": "S1"}}
        elif kind == "foreign":
            ev["event_id"] = self.foreign_ids[pick % len(self.foreign_ids)]
        self.sent.append(ev)
        return ev


KINDS = ["sale"] * 8 + ["duplicate"] * 3 + ["no_lines", "garbage", "bad_time", "other_store",
                                             "teleport", "shift_close", "return", "foreign"]
step = st.tuples(
    st.sampled_from(KINDS),
    st.sampled_from(["next"] * 6 + ["skip", "late", "late", "reuse", "receipt"]),
    st.integers(0, 1000),
    st.lists(st.tuples(st.sampled_from(PRODUCTS), st.integers(1, 12)), min_size=1, max_size=4),
    st.booleans(),
    st.booleans(),  # a new batch starts here
)


@pytest.mark.slow
@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=40))
def test_batches_give_the_results_and_rows_of_event_by_event(centrals, monkeypatch, steps):
    prelude = [sale_event("S1", n, [(GUM, 1)], receipt_no=f"S1-B-{n}") for n in (1, 2)]
    till = Till([ev["event_id"] for ev in prelude])
    batches: list[list[dict[str, Any]]] = [[]]
    for kind, how, pick, lines, label, cut in steps:
        if cut and batches[-1]:
            batches.append([])
        batches[-1].append(till.event(kind, how, pick, lines, label and APPLE in dict(lines)))
    send_three_ways(centrals, monkeypatch, prelude, batches)


# -- the cases by name ----------------------------------------------------------------------------

def test_a_mixed_batch_gives_what_one_by_one_gives(centrals, monkeypatch, caplog):
    caplog.set_level(logging.INFO, logger="sync.central.ingest")
    prelude = [sale_event("S1", 1, [(GUM, 1)], receipt_no="S1-B-1")]
    sale1 = sale_event("S1", 1, [(MILK, 3), (BREAD, 1), (MILK, 2)])
    gap = sale_event("S1", 4, [(RICE, 11)])  # 2..3 missing; takes rice below zero
    late = sale_event("S1", 2, [(RICE, 1), (UNKNOWN, 2)])
    no_lines = sale_event("S1", 3, [(MILK, 1)])
    del no_lines["payload"]["lines"]
    other_store = sale_event("S2", 5, [(MILK, 1)])
    foreign = {**sale_event("S1", 6, [(GUM, 1)]), "event_id": prelude[0]["event_id"]}
    reused = sale_event("S1", 4, [(GUM, 1)], receipt_no=sale1["payload"]["receipt_no"])
    shift = {**sale_event("S1", 8, []), "type": "shift_close", "payload": {"store_id": "S1"}}
    batch = [sale1, gap, sale1, late, no_lines, other_store, {"garbage": True}, foreign, reused,
             gap, shift]
    (results, again), rows = send_three_ways(centrals, monkeypatch, prelude, [batch, batch])
    assert [r.status for r in results] == [
        "accepted", "accepted", "duplicate", "accepted", "rejected", "rejected", "rejected",
        "rejected", "accepted", "duplicate", "accepted"]
    assert results[1].exceptions == results[9].exceptions == [f"oversold:{RICE}"]
    assert results[3].exceptions == [f"unknown_product:{UNKNOWN}", f"oversold:{RICE}",
                                     f"oversold:{UNKNOWN}"]
    assert results[8].exceptions == ["terminal_seq_reused:4",
                                     f"duplicate_receipt:{sale1['payload']['receipt_no']}"]
    assert "another terminal" in (results[7].reason or "")
    assert [r.status for r in again] == [
        "duplicate", "duplicate", "duplicate", "duplicate", "rejected", "rejected", "rejected",
        "rejected", "duplicate", "duplicate", "duplicate"]
    assert [r.exceptions for r in again] == [
        [] if r.status == "rejected" else r.exceptions for r in results]
    assert "LOST EVENTS" in caplog.text and "2..3" in caplog.text
    # 3 came (rejected: still received); 7 never did
    assert [(g[2], g[3]) for g in rows["terminal_gaps"]] == [(7, 7)]


def test_the_second_sending_of_a_batch_is_all_duplicates(centrals, monkeypatch):
    batch = [sale_event("S1", n, [(MILK, n), (RICE, 4)]) for n in range(1, 6)]
    first, again = send_three_ways(centrals, monkeypatch, [], [batch, batch])[0]
    assert [r.status for r in first] == ["accepted"] * 5
    assert [r.status for r in again] == ["duplicate"] * 5
    assert [r.exceptions for r in again] == [r.exceptions for r in first]
    assert first[2].exceptions == [f"oversold:{RICE}"]  # 10 rice: the third sale goes below 0


def test_an_event_that_fails_unexpectedly_is_quarantined_alone(centrals, monkeypatch, caplog):
    clock = centrals.clock
    real = ingest._sale_row

    def broken(who, event_id, sale):
        if sale.receipt_no == "BROKEN":
            raise RuntimeError("boom")
        return real(who, event_id, sale)

    monkeypatch.setattr(ingest, "_sale_row", broken)
    with centrals.make(1) as [(engine, till, _)]:
        batch = [sale_event("S1", 1, [(MILK, 1)]),
                 sale_event("S1", 2, [(MILK, 1)], receipt_no="BROKEN"),
                 sale_event("S1", 3, [(MILK, 1)])]
        results = ingest.ingest_batch(engine, till, batch, clock)
        assert [r.status for r in results] == ["accepted", "rejected", "accepted"]
        assert "internal error" in (results[1].reason or "")
        assert "running it event by event" in caplog.text
        rows = stored(engine)
        assert len(rows["events"]) == 2 and len(rows["quarantine"]) == 1
        assert [r[2] for r in rows["stock_movements"] if r[0] == "S1" and r[3] == "sale"] == [
            -1, -1]
        assert rows["terminal_gaps"] == []  # the quarantined one counts as received
        assert ingest.ingest_batch(engine, till, batch[:1], clock)[0].status == "duplicate"


def test_a_batch_whose_commit_fails_runs_again_event_by_event(centrals, monkeypatch, caplog):
    """The batch's last statements fail where they are sent with its COMMIT (on PostgreSQL in
    one round trip): nothing of the batch path is kept, and the batch runs event by event."""
    clock = centrals.clock
    batch = [sale_event("S1", 1, [(MILK, 1)]), sale_event("S1", 2, [(RICE, 11)]),
             sale_event("S1", 3, [(BREAD, 1)])]
    real = incidents.plan
    calls = []

    def first_one_broken(*args, **kwargs):
        planned = real(*args, **kwargs)
        if planned.incidents:
            calls.append([i.row["kind"] for i in planned.incidents])
            if len(calls) == 1:  # the batch path plans first: its one row breaks a CHECK at
                planned.incidents[0].row["status"] = "bogus"  # the commit
        return planned

    with centrals.make(2) as [(engine, till, _), (clean, till2, _)]:
        want = ingest.ingest_batch(clean, till2, batch, clock)
        monkeypatch.setattr(incidents, "plan", first_one_broken)
        results = ingest.ingest_batch(engine, till, batch, clock)
        assert "running it event by event" in caplog.text
        assert calls == [["oversold"], ["oversold"]]  # the batch path's, then event by event's
        assert results == want
        assert results[1].exceptions == [f"oversold:{RICE}"]
        rows = stored(engine)
        assert rows == stored(clean)
        assert [c[0] for c in rows["changes"]] == list(range(1, rows["feed_head"][0][1] + 1))
        with engine.connect() as conn:
            assert ledger_mismatches(conn) == []


def test_a_batch_whose_inserts_fail_runs_again_event_by_event(centrals, monkeypatch, caplog):
    """A row the database refuses among the batch's bulk inserts (a psycopg error, not one
    wrapped by SQLAlchemy, on PostgreSQL): nothing of the batch path is kept, and the batch
    runs event by event."""
    clock = centrals.clock
    batch = [sale_event("S1", 1, [(MILK, 1)]), sale_event("S1", 2, [(RICE, 11)]),
             sale_event("S1", 3, [(BREAD, 1)])]
    real = ingest._sale_row
    calls = []

    def first_one_broken(who, event_id, sale):
        calls.append(sale.receipt_no)
        row = real(who, event_id, sale)
        return {**row, "receipt_no": None} if len(calls) == 1 else row  # NOT NULL

    with centrals.make(2) as [(engine, till, _), (clean, till2, _)]:
        want = ingest.ingest_batch(clean, till2, batch, clock)
        monkeypatch.setattr(ingest, "_sale_row", first_one_broken)
        results = ingest.ingest_batch(engine, till, batch, clock)
        assert "running it event by event" in caplog.text
        assert len(calls) == 3 + 3  # the batch path's rows, then event by event's
        assert results == want
        rows = stored(engine)
        assert rows == stored(clean)
        with engine.connect() as conn:
            assert ledger_mismatches(conn) == []
