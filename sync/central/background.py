"""Background work of a serving process (issue 18): a job run every second or so while the app
serves, on a daemon thread of its own (the reservation sweeper, the oversell settler).

Every worker process runs its own; the jobs skip rows another process holds (``SKIP LOCKED``),
so several processes share the work. A job that fails (the database away, a lost settlement) is
logged and tried again at the next tick: the thread never dies of it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from sync.central.api import Central

log = logging.getLogger(__name__)


class Periodic:
    """``job()`` every ``every`` seconds on a daemon thread named ``name``, until :meth:`stop`."""

    def __init__(self, name: str, every: float, job: Callable[[], None]) -> None:
        self.name, self.every, self.job = name, every, job
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.job()
            except Exception as exc:  # at the next tick (the module docstring)
                log.warning("%s failed (%s); trying again", self.name, type(exc).__name__)


def while_serving(app: FastAPI, name: str, every: float,
                  job_of: Callable[[Central], Callable[[], None]]) -> None:
    """Run ``job_of(central)()`` every ``every`` seconds while ``app`` serves (its lifespan:
    ``posclient-central serve``; a test's app served without a lifespan runs none)."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(a: FastAPI) -> AsyncIterator[Any]:
        worker = Periodic(name, every, job_of(a.state.central))
        worker.start()
        try:
            async with inner(a) as state:
                yield state
        finally:
            worker.stop()

    app.router.lifespan_context = lifespan
