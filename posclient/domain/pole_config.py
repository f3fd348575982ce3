"""A customer pole display's setting (``customer_display`` in the terminal config, kind "pole"):
the port, its speed and the display's character set. Read by Settings and the window
(posclient/ui/customer_display.py) and by the driver (posclient/devices/pole.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

from posclient.domain.errors import InvalidInput

KINDS = ("serial", "file")
CHARSETS = ("gb18030", "ascii")
BAUDRATES = (2400, 4800, 9600, 19200, 38400, 57600, 115200)


@dataclass(frozen=True, slots=True)
class PoleConfig:
    """The terminal's pole display (``customer_display`` in the terminal config, kind "pole")."""

    kind: str = "serial"  # serial | file
    device: str = ""  # serial: /dev/ttyUSB1, COM4; file: a path
    baudrate: int = 9600
    charset: str = "gb18030"  # gb18030: Chinese characters; ascii: an English-only display

    def validate(self) -> None:
        if self.kind not in KINDS:
            raise InvalidInput.of("display_config.kind", kind=self.kind, choices=", ".join(KINDS))
        if not self.device.strip():
            raise InvalidInput.of("display_config.port")
        if self.baudrate not in BAUDRATES:
            raise InvalidInput.of("display_config.baudrate", baudrate=self.baudrate,
                                  choices=", ".join(map(str, BAUDRATES)))
        if self.charset not in CHARSETS:
            raise InvalidInput.of("display_config.charset", charset=self.charset,
                                  choices=", ".join(CHARSETS))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PoleConfig:
        """From the terminal config (its ``kind: "pole"`` entry; ``connection`` names serial or
        file). Raises InvalidInput (``display_config``) for a bad setting."""
        values: dict[str, Any] = {}
        defaults = cls()
        known = {f.name for f in fields(cls)}
        for key, value in data.items():
            key = "kind" if key == "connection" else key
            if key not in known or (key == "kind" and value == "pole"):
                continue
            if type(value) is not type(getattr(defaults, key)):
                raise InvalidInput.of("display_config.bad_value", setting=key, value=value)
            values[key] = value
        config = cls(**values)
        config.validate()
        return config

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["connection"] = out.pop("kind")
        return {"kind": "pole", **out}
