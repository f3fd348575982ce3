"""F12's view of the chain (issue 18): a product at the other stores of this store's group.

Online, the levels come live from the central's availability (``POST /v1/availability``, asked
through :class:`posclient.app.ports.ChainStockPort` off the GUI thread, with a short time-out);
every answer is kept in the till's database (posclient/store/chain_stock.py). When the central
cannot answer, the last levels kept are shown with their age and the reason: a cached level is
never a promise (ordering for a customer needs the central: posclient/app/aisle.py).

The split for the window: :meth:`ChainStock.ask` is the network call alone (any thread);
:meth:`ChainStock.received` keeps an answer and :meth:`ChainStock.offline` reads the cache, on the
thread that owns the database connection. :meth:`ChainStock.look_up` does all of it in one thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from posclient.domain.clock import Clock, iso, parse_iso
from posclient.domain.errors import PosError, Unavailable
from posclient.domain.names import local_name
from posclient.store import chain_stock as rows
from posclient.store.db import Store

from .ports import ChainStockPort

if TYPE_CHECKING:  # the wire models load at first use, not at the till's start
    from sync.protocol.stock import AvailabilityAnswer


@dataclass(frozen=True, slots=True)
class OtherStore:
    """A product at another store of the chain."""

    store_id: str
    name_zh: str
    name_en: str
    available: int  # what the store can still promise (on hand - held - safety, >= 0)
    on_hand: int
    distance_km: float | None  # from this store; None: not known
    age_s: int | None  # how old the store's level is now (its last upload); None: never

    def name(self, lang: str) -> str:
        return local_name(self.name_zh, self.name_en, lang) or self.store_id


@dataclass(frozen=True, slots=True)
class ChainView:
    """What F12 shows of the chain for one product."""

    product_id: int
    stores: tuple[OtherStore, ...]  # the other stores, nearest first
    live: bool  # straight from the central now
    received_at: datetime | None  # when the till got these levels (None: nothing kept)
    problem: PosError | None = None  # why they are not live

    def received_age_s(self, now: datetime) -> int | None:
        if self.received_at is None:
            return None
        return max(0, int((now - self.received_at).total_seconds()))


def _levels(answer: AvailabilityAnswer) -> list[rows.StoreLevel]:
    """The answer's stores for its one product (the first line of each store)."""
    out = []
    for s in answer.stores:
        if not s.lines:
            continue
        line = s.lines[0]
        out.append(rows.StoreLevel(s.store_id, s.name_zh, s.name_en, line.available,
                                   line.on_hand, s.distance_km, s.upload_age_s))
    return out


class ChainStock:
    def __init__(self, store: Store, clock: Clock, store_id: str,
                 port: ChainStockPort | None) -> None:
        self.store = store
        self.clock = clock
        self.store_id = store_id  # this store: left out of the view (F12 shows it apart)
        self.port = port

    @property
    def can_ask(self) -> bool:
        """Whether this till can ask the central at all (it is enrolled and syncing)."""
        return self.port is not None

    def ask(self, product_id: int) -> AvailabilityAnswer:
        """The central's answer for ``product_id`` (any thread; raises a ``PosError``)."""
        if self.port is None:
            raise Unavailable.of("chain_stock_no_central")
        return self.port.chain_availability(product_id)

    def received(self, product_id: int, answer: AvailabilityAnswer) -> ChainView:
        """Keep ``answer`` (the last one per product and store) and show it, live."""
        now = self.clock.now()
        levels = _levels(answer)
        with self.store.write() as conn:
            rows.keep(conn, product_id, levels, answered_at=iso(answer.at), received_at=iso(now))
        return ChainView(product_id, self._others(levels, 0), True, now)

    def offline(self, product_id: int, problem: PosError | None) -> ChainView:
        """The levels last kept for ``product_id``, aged to now, and why they are not live."""
        kept = rows.cached(self.store.conn, product_id)
        if not kept:
            return ChainView(product_id, (), False, None, problem)
        received = parse_iso(kept[0].received_at)
        since = max(0, int((self.clock.now() - received).total_seconds()))
        return ChainView(product_id, self._others([k.level for k in kept], since), False,
                         received, problem)

    def look_up(self, product_id: int) -> ChainView:
        """Ask, keep and show; the cache when the central cannot answer."""
        try:
            answer = self.ask(product_id)
        except PosError as exc:
            return self.offline(product_id, exc)
        return self.received(product_id, answer)

    def _others(self, levels: list[rows.StoreLevel], since_s: int) -> tuple[OtherStore, ...]:
        return tuple(
            OtherStore(lv.store_id, lv.name_zh, lv.name_en, lv.available, lv.on_hand,
                       lv.distance_km,
                       None if lv.upload_age_s is None else lv.upload_age_s + since_s)
            for lv in levels if lv.store_id != self.store_id)
