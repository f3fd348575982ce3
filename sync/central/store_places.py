"""Where a store is (issue 18): its group (a region of the chain) and its position.

Availability answers for a group's stores, nearest first (sync/central/availability.py). The
position is kept in micro-degrees (``stores.latitude_e6``/``longitude_e6``: integers, exact);
distances are great-circle (haversine) kilometres on a sphere of the Earth's mean radius.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from sqlalchemy import update

from sync.central.errors import InvalidRequest, NotFound
from sync.central.feed import Tx
from sync.central.schema import stores

EARTH_RADIUS_KM = 6371.0088
GROUP = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$|^$")


@dataclass(frozen=True, slots=True)
class Place:
    """A store's group ('' : none) and position in micro-degrees (None: not known)."""

    group: str = ""
    latitude_e6: int | None = None
    longitude_e6: int | None = None

    @classmethod
    def of(cls, group: str = "", latitude: float | None = None,
           longitude: float | None = None) -> Place:
        """From degrees, checked: a group of letters, digits, ``_.-`` (at most 64); a latitude
        in [-90, 90] and a longitude in [-180, 180], both or neither."""
        group = group.strip()
        if not GROUP.match(group):
            raise InvalidRequest(f"Group {group!r}: use 1-64 letters, digits, '_', '.' or '-', "
                                 "starting with a letter or digit.", code="invalid_group")
        if (latitude is None) != (longitude is None):
            raise InvalidRequest("Give the latitude and the longitude, or neither.",
                                 code="invalid_position")
        if latitude is None or longitude is None:
            return cls(group)
        if not (math.isfinite(latitude) and math.isfinite(longitude)
                and -90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise InvalidRequest("A latitude is within -90..90 and a longitude within "
                                 "-180..180 degrees.", code="invalid_position")
        return cls(group, round(latitude * 1_000_000), round(longitude * 1_000_000))

    def columns(self) -> dict[str, object]:
        return {"group_id": self.group, "latitude_e6": self.latitude_e6,
                "longitude_e6": self.longitude_e6}


def set_place(tx: Tx, store_id: str, place: Place, *, keep_position: bool = False) -> None:
    """Change a store's group and position (``keep_position``: its group only)."""
    values = place.columns()
    if keep_position:
        values = {"group_id": place.group}
    done = tx.conn.execute(update(stores).where(stores.c.store_id == store_id)
                           .values(**values)).rowcount
    if not done:
        raise NotFound(f"No store {store_id!r}.", code="store_unknown")


def distance_km(lat1_e6: int, lon1_e6: int, lat2_e6: int, lon2_e6: int) -> float:
    """The great-circle distance between two positions in micro-degrees (haversine)."""
    p1, p2 = math.radians(lat1_e6 / 1e6), math.radians(lat2_e6 / 1e6)
    dp, dl = p2 - p1, math.radians((lon2_e6 - lon1_e6) / 1e6)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))
