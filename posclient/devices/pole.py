"""A customer pole display: two lines of 20 characters (a VFD or LCD on a pole by the till),
driven with the ESC/POS-style command set most of them share (Epson DM-D, and the Chinese
"ESC/POS compatible" ones):

* ``ESC @`` (1B 40) initialise, once each time the port is opened;
* ``FF`` (0C) clear the screen, ``VT`` (0B) cursor home (row 1, column 1);
* line 1 (20 columns), ``US $ 1 2`` (1F 24 01 02) cursor to row 2, column 1, line 2.

Chinese displays take GB18030 (two bytes, two columns a character) as the receipt printer does,
so text goes through :func:`posclient.domain.receipt.for_printer` (characters such a display has;
"×" as A1C1) and is fitted by display columns; an English-only display (``charset="ascii"``)
gets ASCII, anything else as "?".

The till never waits on the display: :meth:`PoleDisplay.show` hands the frame to one writer
thread and returns; only the newest frame waiting is written (a slow port skips frames, never
falls behind). A port that cannot be opened or written is closed and reported through
``on_fault`` (on the writer thread) as a :class:`DisplayFault`; the next frame tries again. A
sale never depends on it.

The port is a serial device (pyserial, which python-escpos[serial] brings) or, for tests and a
demo, a file that each frame is appended to.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any, BinaryIO

from posclient.domain.errors import PosError
from posclient.domain.pole_config import PoleConfig
from posclient.domain.receipt import display_width, fit, for_printer

WIDTH = 20  # columns of each of the two lines
INIT = b"\x1b@"  # ESC @
CLEAR = b"\x0c"  # FF
HOME = b"\x0b"  # VT: row 1, column 1
ROW2 = b"\x1f$\x01\x02"  # US $ x y: column 1, row 2


class DisplayFault(PosError, OSError):
    """The pole display could not be opened or written. Codes: display_offline."""

    code = "display_offline"


def _encode(text: str, charset: str) -> bytes:
    if charset == "ascii":
        return text.encode("ascii", "replace")
    return text.encode("gb18030", "replace")


def layout(left: str, right: str, charset: str = "gb18030", width: int = WIDTH) -> str:
    """One line of ``width`` columns: ``left`` cut to the room ``right`` (an amount) leaves,
    ``right`` whole at the right edge, padded with spaces (so it overwrites the old line)."""
    if charset == "ascii":
        left, right = (t.encode("ascii", "replace").decode() for t in (left, right))
    else:
        left, right = for_printer(left).replace("\n", " "), for_printer(right)
    right = fit(right, width)
    room = width - display_width(right) - (1 if right else 0)
    left = fit(left, max(0, room))
    gap = width - display_width(left) - display_width(right)
    return left + " " * gap + right


def render(lines: tuple[tuple[str, str], ...], charset: str = "gb18030") -> bytes:
    """One frame: clear, home, line 1, row 2, line 2 (each ``(left, right)``)."""
    first, second = (*lines, ("", ""), ("", ""))[:2]
    return (CLEAR + HOME + _encode(layout(*first, charset), charset)
            + ROW2 + _encode(layout(*second, charset), charset))


class PoleDisplay:
    """The pole display behind one writer thread (see the module's docstring)."""

    def __init__(self, config: PoleConfig,
                 on_fault: Callable[[DisplayFault | None], None] | None = None) -> None:
        config.validate()
        self.config = config
        self.on_fault = on_fault  # a fault, or None when the display works again
        self._port: BinaryIO | Any = None
        self._pending: bytes | None = None
        self._busy = False
        self._closed = False
        self._faulty = False
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="pole-display", daemon=True)
        self._thread.start()

    # -- the till's side -------------------------------------------------------------------------
    def show(self, lines: tuple[tuple[str, str], ...]) -> None:
        """Show two lines (each ``(left, right)``); returns at once."""
        frame = render(lines, self.config.charset)
        with self._cond:
            self._pending = frame  # a frame not yet written is replaced: only the newest counts
            self._cond.notify()

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Until every frame asked for is written (or failed); for tests and closing."""
        with self._cond:
            return self._cond.wait_for(lambda: self._pending is None and not self._busy,
                                       timeout)

    def close(self, timeout: float = 2.0) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join(timeout)

    # -- the writer thread -----------------------------------------------------------------------
    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._pending is not None or self._closed)
                if self._pending is None and self._closed:
                    break
                frame, self._pending, self._busy = self._pending, None, True
            try:
                self._write(frame or b"")
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()
        self._close_port()

    def _write(self, frame: bytes) -> None:
        try:
            if self._port is None:
                self._port = self._open()
                self._port.write(INIT)
            self._port.write(frame)
            self._port.flush()
        except (OSError, ValueError) as exc:  # pyserial's SerialException is an OSError
            self._close_port()
            self._report(self._fault(exc))
            return
        if self._faulty:
            self._report(None)

    def _open(self) -> Any:
        c = self.config
        if c.kind == "file":
            return open(c.device, "ab")
        try:
            import serial
        except ImportError as exc:  # pragma: no cover - python-escpos[serial] brings it
            raise OSError("pyserial is not installed") from exc
        return serial.Serial(c.device, c.baudrate, timeout=1, write_timeout=1)

    def _close_port(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            with contextlib.suppress(Exception):
                port.close()

    def _fault(self, cause: object) -> DisplayFault:
        return DisplayFault.of("display_offline", address=self.config.device, cause=str(cause))

    def _report(self, fault: DisplayFault | None) -> None:
        self._faulty = fault is not None
        if self.on_fault is not None:
            with contextlib.suppress(Exception):  # the till's callback never stops the writer
                self.on_fault(fault)
