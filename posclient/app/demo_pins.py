"""New PINs for a demo store's staff, for a newcomer who lost the ones printed once.

Only a demo: a till that is not enrolled with a central and whose staff are exactly the demo
staff (posclient/domain/demo_data.py). A real till's staff and PINs come from the central, and
this refuses. The old PINs stop working, lockouts are cleared, and the reset is audited.
"""

from __future__ import annotations

from posclient.domain.clock import Clock, iso
from posclient.domain.demo_data import DEMO_STAFF
from posclient.domain.errors import InvalidInput
from posclient.domain.pins import hash_pin
from posclient.store import audit, staff, sync_state
from posclient.store.db import Store

from .demo_data import DemoStaff, _staff_pins


def reset_demo_pins(store: Store, clock: Clock) -> list[DemoStaff]:
    """New random PINs for the demo staff, returned in clear (to be shown once)."""
    conn = store.conn
    if sync_state.state_get(conn, "server_url"):
        raise InvalidInput("This till is enrolled with a central: its staff and PINs come from "
                           "there (posclient-central create-staff). Only a demo store's PINs "
                           "can be made again here.", code="not_a_demo")
    present = {(s.id, s.name, s.role) for s in staff.identities(conn)}
    if present != set(DEMO_STAFF):
        raise InvalidInput("This database's staff are not the demo's: only a demo store's PINs "
                           "can be made again here.", code="not_a_demo")
    pins = _staff_pins(None)
    with store.write() as c:
        staff.set_pins(c, {sid: hash_pin(pins[sid]) for sid, _, _ in DEMO_STAFF})
        audit.append(c, at=iso(clock.now()), action="demo_pins_reset", staff_id=None,
                     detail={"staff": sorted(pins)})
    return [DemoStaff(sid, name, role, pins[sid]) for sid, name, role in DEMO_STAFF]
