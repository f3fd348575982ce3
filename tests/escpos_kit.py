"""Reading ESC/POS bytes back as text (a test helper, not product code): what a receipt printer
would print, so tests can assert on it."""

from __future__ import annotations

from dataclasses import dataclass, field

from posclient.domain.receipt import display_width

ESC, GS, FS, DLE, EOT = 0x1B, 0x1D, 0x1C, 0x10, 0x04


@dataclass
class Decoded:
    text: str = ""
    qr: list[str] = field(default_factory=list)
    barcodes: list[str] = field(default_factory=list)
    kicks: int = 0
    cuts: int = 0
    chinese_runs: list[str] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


ESC_LEN = {b"@": 2, b"t": 3, b"!": 3, b"E": 3, b"a": 3, b"-": 3, b"M": 3, b"d": 3, b"J": 3,
           b"G": 3, b"p": 5}
GS_LEN = {b"!": 3, b"h": 3, b"w": 3, b"H": 3, b"f": 3, b"B": 3}


def decode(data: bytes) -> Decoded:
    """Strips the ESC/GS/FS/DLE sequences this driver emits (any other is an error) and decodes
    the text: one-byte text must be ASCII, two-byte text sits between FS & and FS . as GB18030."""
    out, text, i = Decoded(), [], 0
    while i < len(data):
        b = data[i]
        if b == ESC:
            n = ESC_LEN[data[i + 1:i + 2]]
            if data[i + 1:i + 2] == b"p":
                out.kicks += 1
            i += n
        elif b == GS and data[i + 1:i + 3] == b"(k":
            size = data[i + 3] + 256 * data[i + 4]
            body = data[i + 5:i + 5 + size]
            if body[:3] == b"1P0":  # QR: store the data
                out.qr.append(body[3:].decode("ascii"))
            i += 5 + size
        elif b == GS and data[i + 1:i + 2] == b"k":
            m, size = data[i + 2], data[i + 3]
            assert m >= 65, "only function B barcodes are emitted"
            out.barcodes.append(data[i + 4:i + 4 + size].decode("ascii"))
            i += 4 + size
        elif b == GS and data[i + 1:i + 2] == b"V":
            out.cuts += 1
            i += 3 if data[i + 2] in (0, 1, 48, 49) else 4
        elif b == GS:
            i += GS_LEN[data[i + 1:i + 2]]
        elif b == FS and data[i + 1:i + 2] == b"&":
            end = data.index(b"\x1c.", i + 2)
            run = data[i + 2:end].decode("gb18030")  # strict: raises on bad bytes
            assert all(display_width(ch) == 2 for ch in run), run
            out.chinese_runs.append(run)
            text.append(run)
            i = end + 2
        elif b == FS and data[i + 1:i + 2] == b".":
            i += 2
        elif b == DLE and data[i + 1] == EOT:
            i += 3
        elif b == 0x0A or 0x20 <= b < 0x7F:
            text.append(chr(b))
            i += 1
        else:
            raise AssertionError(f"unexpected byte {b:#04x} at {i}: {data[i:i + 12]!r}")
    out.text = "".join(text)
    return out
