"""Reading a pole display's bytes back (a test helper, not product code): a small model of a
2x20 VFD as the ESC/POS-style command set drives it: ESC @ (initialise), FF (clear), VT (home),
US $ x y (cursor), text: ASCII one column, GB18030 two columns a character."""

from __future__ import annotations

from pathlib import Path


class Vfd:
    """A 2x20 character display as its bytes leave it: the screen after each frame."""

    def __init__(self) -> None:
        self.rows = [[" "] * 20, [" "] * 20]
        self.row = self.col = 0
        self.inits = 0
        self.dirty = False
        self.frames: list[tuple[str, str]] = []

    def feed(self, data: bytes) -> None:
        i = 0
        while i < len(data):
            b = data[i]
            if data[i:i + 2] == b"\x1b@":
                self.inits += 1
                self._clear()
                i += 2
            elif b == 0x0C:
                if self.dirty:  # the screen as it stood before this clear: a frame
                    self.frames.append(self.text)
                self._clear()
                i += 1
            elif b == 0x0B:
                self.row = self.col = 0
                i += 1
            elif b == 0x1F and data[i + 1:i + 2] == b"$":
                self.col, self.row = data[i + 2] - 1, data[i + 3] - 1
                i += 4
            elif b < 0x20:
                raise AssertionError(f"unexpected control byte {b:#04x} at {i}")
            elif b < 0x80:
                self._put(chr(b), 1)
                i += 1
            else:  # GB18030: two bytes, or four when the second is a digit
                n = 4 if 0x30 <= data[i + 1] <= 0x39 else 2
                self._put(data[i:i + n].decode("gb18030"), 2)
                i += n
        if self.dirty:
            self.frames.append(self.text)

    def _clear(self) -> None:
        self.rows = [[" "] * 20, [" "] * 20]
        self.row = self.col = 0
        self.dirty = False

    def _put(self, ch: str, width: int) -> None:
        assert self.col + width <= 20, f"{ch!r} beyond column 20 of row {self.row + 1}"
        self.rows[self.row][self.col] = ch
        self.dirty = True
        for k in range(1, width):
            self.rows[self.row][self.col + k] = ""
        self.col += width

    @property
    def text(self) -> tuple[str, str]:
        return "".join(self.rows[0]), "".join(self.rows[1])




def screen(path: Path) -> Vfd:
    """The display after every byte written to ``path``."""
    vfd = Vfd()
    vfd.feed(path.read_bytes())
    return vfd
