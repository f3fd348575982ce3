"""A terminal's ``terminal_seq`` at the central: gap-free on the terminal, so a seq beyond
``high + 1`` records the missing range in ``terminal_gaps`` (lost events, until they arrive), a
late arrival fills its gap, and a seq used by two events is filed (sync/central/ingest.py).

:func:`track_seq` does it for one event in the database; :class:`SeqTracker` does the same for
a batch of events in memory, read once and written once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, delete, insert, select, update

from sync.central.db import among, bulk_insert, chunks, is_postgres
from sync.central.identity import TerminalIdentity
from sync.central.incidents import Problem
from sync.central.ingest_checks import CHUNK, seq_reused
from sync.central.schema import events, terminal_gaps, terminals

log = logging.getLogger("sync.central.ingest")  # one log for the whole ingest


def lock_terminal(conn: Connection, who: TerminalIdentity) -> Any:
    """Lock the terminal's row: one terminal's events are tracked one at a time."""
    q = select(terminals.c.high_seq).where(terminals.c.store_id == who.store_id,
                                           terminals.c.terminal_id == who.terminal_id)
    return conn.execute(q.with_for_update() if is_postgres(conn) else q).scalar_one()


def track_seq(conn: Connection, who: TerminalIdentity, high: int, seq: int,
               event_id: UUID | None, now: datetime) -> list[Problem]:
    """Record gaps in the terminal's seqs, fill them, flag a seq used twice. ``high`` is the
    terminal's highest seq so far, read with its row locked (:func:`lock_terminal`)."""
    ident = (terminal_gaps.c.store_id == who.store_id,
             terminal_gaps.c.terminal_id == who.terminal_id)
    problems: list[Problem] = []
    if seq > high + 1:
        conn.execute(insert(terminal_gaps).values(
            store_id=who.store_id, terminal_id=who.terminal_id, first_seq=high + 1,
            last_seq=seq - 1, detected_at=now))
        missing = f"{high + 1}" if seq - 1 == high + 1 else f"{high + 1}..{seq - 1}"
        log.error("LOST EVENTS? terminal %s/%s sent terminal_seq %d but %s never arrived",
                  who.store_id, who.terminal_id, seq, missing)
    elif seq <= high:
        gap = conn.execute(select(terminal_gaps.c.first_seq, terminal_gaps.c.last_seq).where(
            *ident, terminal_gaps.c.first_seq <= seq, terminal_gaps.c.last_seq >= seq)).first()
        if gap is not None:
            conn.execute(delete(terminal_gaps).where(*ident,
                                                     terminal_gaps.c.first_seq == gap.first_seq))
            rest = [(gap.first_seq, seq - 1), (seq + 1, gap.last_seq)]
            for first, last in rest:
                if first <= last:
                    conn.execute(insert(terminal_gaps).values(
                        store_id=who.store_id, terminal_id=who.terminal_id, first_seq=first,
                        last_seq=last, detected_at=now))
            log.warning("terminal %s/%s: terminal_seq %d arrived late; gap filled",
                        who.store_id, who.terminal_id, seq)
        elif event_id is not None and _seq_taken(conn, who, seq, event_id):
            problems.append(seq_reused(seq))
            log.error("terminal %s/%s re-used terminal_seq %d for event %s", who.store_id,
                      who.terminal_id, seq, event_id)
    conn.execute(update(terminals).where(
        terminals.c.store_id == who.store_id, terminals.c.terminal_id == who.terminal_id)
        .values(high_seq=max(high, seq), last_event_at=now))
    return problems


def _seq_taken(conn: Connection, who: TerminalIdentity, seq: int, event_id: UUID) -> bool:
    """Another of the terminal's stored events has ``seq``."""
    return conn.execute(select(events.c.event_id).where(
        events.c.store_id == who.store_id, events.c.terminal_id == who.terminal_id,
        events.c.terminal_seq == seq, events.c.event_id != event_id).limit(1)).first() is not None


class SeqTracker:
    """A batch's terminal_seq tracking in memory, with the results of :func:`track_seq` event
    by event: the terminal's gaps and seqs are read once (:meth:`load`) and written once
    (:meth:`store`). Log lines go to ``note`` (kept until the batch has succeeded)."""

    def __init__(self, conn: Connection, who: TerminalIdentity, high: int,
                 note: Callable[..., None]) -> None:
        self.conn = conn
        self.who = who
        self.high = high  # the terminal's highest seq so far, read with its row locked
        self.note = note
        self.tracked_at: datetime | None = None
        self.gaps_before: dict[int, int] = {}
        self.gaps: dict[int, tuple[int, datetime]] = {}
        self.stored_seqs: dict[int, list[UUID]] = {}
        self.batch_seqs: dict[int, list[UUID]] = {}

    def load(self, old: list[int], old_valid: list[int]) -> None:
        """The terminal's gaps, if a seq of the batch may fill one, and the events already
        stored with the batch's seqs at or below ``high`` (a seq used twice)."""
        conn, who = self.conn, self.who
        if old:
            for first, last, at in conn.execute(
                    select(terminal_gaps.c.first_seq, terminal_gaps.c.last_seq,
                           terminal_gaps.c.detected_at)
                    .where(terminal_gaps.c.store_id == who.store_id,
                           terminal_gaps.c.terminal_id == who.terminal_id)):
                self.gaps_before[int(first)] = int(last)
                self.gaps[int(first)] = (int(last), at)
        for part in chunks(sorted(set(old_valid)), CHUNK):
            for seq, eid in conn.execute(
                    select(events.c.terminal_seq, events.c.event_id)
                    .where(events.c.store_id == who.store_id,
                           events.c.terminal_id == who.terminal_id,
                           among(conn, events.c.terminal_seq, part))):
                self.stored_seqs.setdefault(int(seq), []).append(eid)

    def add(self, seq: int, event_id: UUID) -> None:
        """``event_id`` of the batch is stored with ``seq``."""
        self.batch_seqs.setdefault(seq, []).append(event_id)

    def track(self, seq: int, event_id: UUID | None, now: datetime) -> list[Problem]:
        """As :func:`track_seq`, in memory: the problems of ``seq`` arriving now."""
        who, high = self.who, self.high
        problems: list[Problem] = []
        if seq > high + 1:
            self.gaps[high + 1] = (seq - 1, now)
            missing = f"{high + 1}" if seq - 1 == high + 1 else f"{high + 1}..{seq - 1}"
            self.note(logging.ERROR, "LOST EVENTS? terminal %s/%s sent terminal_seq %d but %s "
                      "never arrived", who.store_id, who.terminal_id, seq, missing)
        elif seq <= high:
            gap = next((first for first, (last, _) in self.gaps.items()
                        if first <= seq <= last), None)
            if gap is not None:
                last, _ = self.gaps.pop(gap)
                for first, end in ((gap, seq - 1), (seq + 1, last)):
                    if first <= end:
                        self.gaps[first] = (end, now)
                self.note(logging.WARNING, "terminal %s/%s: terminal_seq %d arrived late; gap "
                          "filled", who.store_id, who.terminal_id, seq)
            elif event_id is not None and any(
                    other != event_id for other in (*self.stored_seqs.get(seq, ()),
                                                    *self.batch_seqs.get(seq, ()))):
                problems.append(seq_reused(seq))
                self.note(logging.ERROR, "terminal %s/%s re-used terminal_seq %d for event %s",
                          who.store_id, who.terminal_id, seq, event_id)
        self.high = max(high, seq)
        self.tracked_at = now
        return problems

    def store(self) -> None:
        """Write the gaps that changed and the terminal's highest seq (nothing if no seq was
        tracked)."""
        if self.tracked_at is None:
            return
        conn, who = self.conn, self.who
        ident = (terminal_gaps.c.store_id == who.store_id,
                 terminal_gaps.c.terminal_id == who.terminal_id)
        gone = [first for first, last in self.gaps_before.items()
                if first not in self.gaps or self.gaps[first][0] != last]
        for part in chunks(sorted(gone), CHUNK):
            conn.execute(delete(terminal_gaps).where(
                *ident, terminal_gaps.c.first_seq.in_(part)))
        bulk_insert(conn, terminal_gaps, [
            {"store_id": who.store_id, "terminal_id": who.terminal_id, "first_seq": first,
             "last_seq": last, "detected_at": at}
            for first, (last, at) in sorted(self.gaps.items())
            if self.gaps_before.get(first) != last])
        conn.execute(update(terminals).where(
            terminals.c.store_id == who.store_id, terminals.c.terminal_id == who.terminal_id)
            .values(high_seq=self.high, last_event_at=self.tracked_at))

