"""Work off the GUI thread: printing, drawer kicks, card payments. The GUI thread never waits on
a device or the network; results come back as Qt signals, queued to the GUI thread. A job never
uses the window's database connection: one that needs the database opens its own
(posclient/app/card_payment.py)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot


class _Signals(QObject):
    done = Signal(int, object)
    failed = Signal(int, object)


class _Job(QRunnable):
    def __init__(self, job_id: int, fn: Callable[[], Any], signals: _Signals) -> None:
        super().__init__()
        self.job_id, self.fn, self.signals = job_id, fn, signals

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # handed to the GUI thread, which shows it
            self.signals.failed.emit(self.job_id, exc)
        else:
            self.signals.done.emit(self.job_id, result)


Callback = Callable[[Any], None]


class Background(QObject):
    """A small pool for device work: ``run(fn, on_done, on_failed)``. The callbacks run on the
    thread that owns this object (the GUI thread): its slots receive queued signals."""

    def __init__(self, parent: QObject | None = None, threads: int = 2) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(threads)
        self._signals = _Signals(self)
        self._signals.done.connect(self._done)
        self._signals.failed.connect(self._failed)
        self._ids = itertools.count(1)
        self._callbacks: dict[int, tuple[Callback | None, Callback | None]] = {}

    def run(self, fn: Callable[[], Any], on_done: Callback | None = None,
            on_failed: Callback | None = None) -> None:
        job_id = next(self._ids)
        self._callbacks[job_id] = (on_done, on_failed)
        self.pool.start(_Job(job_id, fn, self._signals))

    @property
    def busy(self) -> bool:
        return bool(self._callbacks)

    @Slot(int, object)
    def _done(self, job_id: int, value: object) -> None:
        on_done, _ = self._callbacks.pop(job_id, (None, None))
        if on_done is not None:
            on_done(value)

    @Slot(int, object)
    def _failed(self, job_id: int, exc: object) -> None:
        _, on_failed = self._callbacks.pop(job_id, (None, None))
        if on_failed is not None:
            on_failed(exc)
